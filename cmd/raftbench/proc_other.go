//go:build !linux

package main

import (
	"errors"
	"time"
)

var errUnsupported = errors.New("process CPU and RSS are measured on Linux only")

func processCPU() (time.Duration, error) { return 0, errUnsupported }

func residentBytes() (uint64, error) { return 0, errUnsupported }
