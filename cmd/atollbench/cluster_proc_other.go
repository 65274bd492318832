//go:build !linux

package main

import (
	"errors"
	"syscall"
)

var errNoProc = errors.New("process usage is only read on Linux")

// childProcAttr puts a server in its own process group.
func childProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// procUsage is not implemented off Linux: CPU and disk columns are empty.
func procUsage(int) (usage, error) { return usage{}, errNoProc }
