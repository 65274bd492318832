package replication

import "errors"

// Errors of the replication layer.
var (
	// ErrStopped is returned by Propose and waits on a group that was shut
	// down or whose replica stopped.
	ErrStopped = errors.New("replication: stopped")
	// ErrNotLeader is returned (as a *NotLeaderError carrying the leader
	// hint) by Propose and membership changes on a replica that is not the
	// group's leader. The command was not applied; retry at the leader.
	ErrNotLeader = errors.New("replication: not the group's leader")
	// ErrLeadershipLost is returned by Propose when the leader lost its
	// leadership before the command committed: it may or may not be
	// applied.
	ErrLeadershipLost = errors.New("replication: leadership lost, outcome unknown")
	// ErrApplyFailed is returned (wrapping the cause) by Propose on a
	// replica whose apply failed unexpectedly; the replica stopped.
	ErrApplyFailed = errors.New("replication: apply failed, replica stopped")
	// ErrBadSnapshot is returned when a snapshot stream is malformed or
	// belongs to another group or range.
	ErrBadSnapshot = errors.New("replication: bad snapshot")
	// ErrNoSnapshot is returned by the snapshot store for an unknown
	// snapshot ID.
	ErrNoSnapshot = errors.New("replication: no such snapshot")
	// ErrRestoreInterrupted is returned when starting a group whose last
	// snapshot restore was cut short: its data is incomplete, and the
	// replica must be removed and re-added.
	ErrRestoreInterrupted = errors.New("replication: snapshot restore was interrupted")
	// ErrKeyNotInGroup is returned by Propose for a command whose key lies
	// outside the group's range (a router with a stale ring); nothing was
	// applied.
	ErrKeyNotInGroup = errors.New("replication: key not in the group's range")
	// ErrGroupExists is returned by StartGroup for a group already running.
	ErrGroupExists = errors.New("replication: group already running")
)
