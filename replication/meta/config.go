package meta

import (
	"errors"
	"fmt"
	"time"
)

// Config configures the meta group's raft. The meta group is one group
// with rare, small commands, so it can afford shorter timeouts than the
// partition groups: a dead meta leader is replaced within a few seconds.
type Config struct {
	// HeartbeatTimeout is how long a follower waits without contact from
	// the leader before it starts a (pre-)election.
	HeartbeatTimeout time.Duration
	// ElectionTimeout is how long a candidate waits for votes before it
	// starts another election; at least HeartbeatTimeout.
	ElectionTimeout time.Duration
	// CommitTimeout bounds how long followers may wait to learn a new
	// commit index without other traffic (their apply lag when idle).
	CommitTimeout time.Duration
	// LeaderLeaseTimeout is how long a leader stays leader without
	// contact from a quorum; at most HeartbeatTimeout.
	LeaderLeaseTimeout time.Duration
	// SnapshotThreshold is how many log entries since the last snapshot
	// trigger a new one (the whole State written to the snapshot store,
	// and the log truncated).
	SnapshotThreshold uint64
	// SnapshotInterval is how often raft checks SnapshotThreshold.
	SnapshotInterval time.Duration
	// TrailingLogs is how many entries stay in the log after a snapshot,
	// so that a slightly lagging replica catches up from the log rather
	// than by snapshot.
	TrailingLogs uint64
}

// DefaultConfig returns 1 s heartbeat and election timeouts, a 500 ms leader
// lease, a 50 ms commit timeout, and a snapshot every 1024 entries (checked
// every 30 s) keeping 1024 trailing entries.
func DefaultConfig() Config {
	return Config{
		HeartbeatTimeout:   time.Second,
		ElectionTimeout:    time.Second,
		CommitTimeout:      50 * time.Millisecond,
		LeaderLeaseTimeout: 500 * time.Millisecond,
		SnapshotThreshold:  1024,
		SnapshotInterval:   30 * time.Second,
		TrailingLogs:       1024,
	}
}

// Validate reports the first problem with c, or nil. Its bounds are raft's.
func (c Config) Validate() error {
	switch {
	case c.HeartbeatTimeout < 5*time.Millisecond:
		return fmt.Errorf("meta: Config.HeartbeatTimeout %v is below 5ms", c.HeartbeatTimeout)
	case c.ElectionTimeout < c.HeartbeatTimeout:
		return fmt.Errorf("meta: Config.ElectionTimeout %v is below HeartbeatTimeout %v", c.ElectionTimeout, c.HeartbeatTimeout)
	case c.CommitTimeout < time.Millisecond:
		return fmt.Errorf("meta: Config.CommitTimeout %v is below 1ms", c.CommitTimeout)
	case c.LeaderLeaseTimeout < 5*time.Millisecond || c.LeaderLeaseTimeout > c.HeartbeatTimeout:
		return fmt.Errorf("meta: Config.LeaderLeaseTimeout %v is outside [5ms, HeartbeatTimeout %v]", c.LeaderLeaseTimeout, c.HeartbeatTimeout)
	case c.SnapshotThreshold == 0:
		return errors.New("meta: Config.SnapshotThreshold is 0")
	case c.SnapshotInterval < 5*time.Millisecond:
		return fmt.Errorf("meta: Config.SnapshotInterval %v is below 5ms", c.SnapshotInterval)
	}
	return nil
}
