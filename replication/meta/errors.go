package meta

import (
	"errors"
	"fmt"
)

// Errors of a command's Result (user-level: the command was applied as a
// no-op, the same way on every replica). ErrorCode and ErrorFromCode carry
// them across an RPC.
var (
	// ErrTableExists is returned by create-table when a live table has the
	// name.
	ErrTableExists = errors.New("meta: table already exists")
	// ErrTableNotFound is returned by put-table and delete-table when no
	// live table has the name.
	ErrTableNotFound = errors.New("meta: table not found")
	// ErrVersionMismatch is returned by put-table and delete-table when the
	// command's Table.Version is not the stored version (another change
	// came first).
	ErrVersionMismatch = errors.New("meta: table version mismatch")
	// ErrRingExists is returned by init-ring when the ring already has
	// ranges.
	ErrRingExists = errors.New("meta: ring already initialised")
	// ErrInvalidRing is returned by init-ring when its ranges do not cover
	// the ring in order without gaps or overlaps, or a group is 0 or
	// repeated, an epoch is 0 or a range's voters are invalid.
	ErrInvalidRing = errors.New("meta: invalid ring")
	// ErrInvalidRange is returned by put-range when it would change a
	// range's bounds or its voters are invalid (none, empty or repeated).
	ErrInvalidRange = errors.New("meta: invalid range change")
	// ErrEpochMismatch is returned by put-range when the command's
	// Range.Epoch is not the stored epoch (the range changed since).
	ErrEpochMismatch = errors.New("meta: range epoch mismatch")
	// ErrGroupNotFound is returned by put-range when no range has the
	// group.
	ErrGroupNotFound = errors.New("meta: group not found in the ring")
	// ErrInvalidCommand is returned by Propose (before anything is
	// proposed) for an unknown op or a command missing its payload, and in
	// a Result when such a command was applied anyway.
	ErrInvalidCommand = errors.New("meta: invalid command")
)

// Errors of the replica.
var (
	// ErrBadEntry is returned, wrapped with replication.ErrApplyFailed, by
	// Apply for a log entry that does not decode to a known command: the
	// replica stops, and so does every later Propose on it.
	ErrBadEntry = errors.New("meta: undecodable log entry")
	// ErrBadSnapshot is returned by Restore for a snapshot that does not
	// decode or breaks the state's invariants; the state is unchanged.
	ErrBadSnapshot = errors.New("meta: bad snapshot")
	// ErrUnknownCode is returned (wrapped, with the code) by ErrorFromCode
	// for a code it does not know, such as one from a newer version.
	ErrUnknownCode = errors.New("meta: unknown error code")
)

// codes are the stable wire codes of the Result errors. Never change a
// code: peers of other versions decode them.
var codes = []struct {
	code string
	err  error
}{
	{"table-exists", ErrTableExists},
	{"table-not-found", ErrTableNotFound},
	{"version-mismatch", ErrVersionMismatch},
	{"ring-exists", ErrRingExists},
	{"invalid-ring", ErrInvalidRing},
	{"invalid-range", ErrInvalidRange},
	{"epoch-mismatch", ErrEpochMismatch},
	{"group-not-found", ErrGroupNotFound},
	{"invalid-command", ErrInvalidCommand},
}

// codeUnknown is ErrorCode's code for an error that is none of the Result
// errors.
const codeUnknown = "unknown"

// ErrorCode returns the stable code of a Result error (matched with
// errors.Is, so wrapped errors keep their code): "" for nil, "unknown" for
// an error that is not one of the Result errors.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return codeUnknown
}

// ErrorFromCode returns the Result error of a code from ErrorCode: nil for
// "", the sentinel for a known code, and an error wrapping ErrUnknownCode
// otherwise.
func ErrorFromCode(code string) error {
	if code == "" {
		return nil
	}
	for _, c := range codes {
		if c.code == code {
			return c.err
		}
	}
	return fmt.Errorf("%w %q", ErrUnknownCode, code)
}
