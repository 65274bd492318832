package node

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/atolldb/atoll/replication"
)

// Config configures a Node. Start from DefaultConfig; only cmd/ reads flags
// and the environment into it.
type Config struct {
	// APIAddr is the listen address of the DynamoDB HTTP API (with /healthz
	// and /readyz).
	APIAddr string
	// DataDir is where the data lives: the data DB in DataDir/data, the
	// Raft logs in DataDir/raft. Ignored when InMemory is set.
	DataDir string
	// InMemory keeps everything in memory: a throwaway node whose data is
	// gone when it stops.
	InMemory bool
	// NoSync skips the fsyncs that make every acknowledged write durable:
	// a node that crashes loses acknowledged writes. Only for throwaway
	// nodes and benchmarks of the protocol; the zero value is durable.
	NoSync bool

	// Ranges is how many contiguous ranges, each its own Raft group, the
	// node cuts the ring into (single node: one replica each).
	Ranges int
	// Raft configures the node's Raft groups.
	Raft replication.Config

	// Region and AccountID appear in table ARNs.
	Region    string
	AccountID string

	// Storage sizes the memory use of each of the node's Badgers (data, Raft log).
	Storage StorageConfig

	// Logger receives the node's logs; nil discards them.
	Logger *slog.Logger
}

// StorageConfig sizes the memory of each of the node's Badgers (data and Raft log). The defaults keep an
// idle node well under 100 MB of resident memory.
type StorageConfig struct {
	// MemTableSize is the size of one memtable in bytes. Badger's largest
	// write batch is 15% of it, and one batch must hold a 400 KB item and a
	// 1 MB value threshold, so it is at least 8 MiB.
	MemTableSize int64
	// NumMemtables is how many memtables may exist (the active one and
	// those waiting to be flushed).
	NumMemtables int
	// BlockCacheSize is the block cache size in bytes (0 disables it).
	BlockCacheSize int64
	// IndexCacheSize is the table-index cache size in bytes (0 keeps all
	// indexes in memory).
	IndexCacheSize int64
	// ValueLogFileSize is the size of each value-log file in bytes.
	ValueLogFileSize int64
}

// DefaultConfig returns the configuration of `atoll` with no flags: API on
// :8000, data in ./data, durable writes, us-east-1.
func DefaultConfig() Config {
	return Config{
		APIAddr:   ":8000",
		DataDir:   "./data",
		Ranges:    8,
		Raft:      singleNodeRaft(),
		Region:    "us-east-1",
		AccountID: "000000000000",
		Storage: StorageConfig{
			MemTableSize:     16 << 20,
			NumMemtables:     2,
			BlockCacheSize:   16 << 20,
			IndexCacheSize:   8 << 20,
			ValueLogFileSize: 64 << 20,
		},
	}
}

// Validate reports the first problem with c, or nil.
func (c Config) Validate() error {
	switch {
	case c.APIAddr == "":
		return errors.New("node: APIAddr is empty")
	case !c.InMemory && c.DataDir == "":
		return errors.New("node: DataDir is empty (set it, or use InMemory)")
	case c.Region == "":
		return errors.New("node: Region is empty")
	case c.AccountID == "":
		return errors.New("node: AccountID is empty")
	case c.Ranges < 1 || c.Ranges > 4096:
		return fmt.Errorf("node: Ranges %d is outside [1, 4096]", c.Ranges)
	}
	if err := c.Raft.Validate(); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	return c.Storage.Validate()
}

// singleNodeRaft returns Raft timeouts for groups whose only replica is this
// node: no follower waits for a heartbeat, so short timeouts cost nothing
// and let a restarted node elect its groups' leaders, and serve, within a
// fraction of a second.
func singleNodeRaft() replication.Config {
	c := replication.DefaultConfig()
	c.HeartbeatTimeout = 100 * time.Millisecond
	c.ElectionTimeout = 100 * time.Millisecond
	c.LeaderLeaseTimeout = 50 * time.Millisecond
	c.CommitTimeout = 50 * time.Millisecond
	return c
}

// Validate reports the first problem with c, or nil.
func (c StorageConfig) Validate() error {
	switch {
	case c.MemTableSize < 8<<20:
		return fmt.Errorf("node: Storage.MemTableSize %d is below the minimum of 8 MiB", c.MemTableSize)
	case c.NumMemtables < 1:
		return fmt.Errorf("node: Storage.NumMemtables %d, want at least 1", c.NumMemtables)
	case c.BlockCacheSize < 0 || c.IndexCacheSize < 0:
		return errors.New("node: Storage cache sizes must not be negative")
	case c.ValueLogFileSize < 1<<20 || c.ValueLogFileSize >= 2<<30:
		return fmt.Errorf("node: Storage.ValueLogFileSize %d is outside [1 MiB, 2 GiB)", c.ValueLogFileSize)
	}
	return nil
}
