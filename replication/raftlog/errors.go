package raftlog

import "errors"

// Errors of the log store. GetLog of a missing entry returns
// raft.ErrLogNotFound, as raft expects.
var (
	// ErrClosed is returned by every method after Store.Close.
	ErrClosed = errors.New("raftlog: store closed")
	// ErrFailed is returned (wrapping the cause) by every method once a
	// Badger commit or fsync has failed: after a failed fsync the state on
	// disk is unknown, so the store refuses further work instead of
	// acknowledging writes it cannot vouch for. The node must restart.
	ErrFailed = errors.New("raftlog: store failed")
	// ErrCorrupt is returned when a stored log entry or uint64 value does not
	// decode, or a log entry's index does not match its key.
	ErrCorrupt = errors.New("raftlog: corrupt entry")
)
