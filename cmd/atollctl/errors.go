package main

import (
	"errors"
	"fmt"
)

var (
	// errUsage is returned when the command line is invalid: an unknown
	// command or flag value, or missing or extra arguments. It exits 2.
	errUsage = errors.New("usage")

	// errUnsupported is returned by a command the server has no RPC for
	// yet (drain). It exits 2: retrying cannot help.
	errUnsupported = errors.New("not supported by this server yet")

	// errNoAPIAddr is returned by tables when the Status response does not
	// list the answering node, or lists it without an API address.
	errNoAPIAddr = errors.New("answering node advertises no DynamoDB API address")
)

// usageError is an invalid command line; it wraps errUsage.
type usageError struct{ msg string }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return errUsage }
