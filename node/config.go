package node

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/atolldb/atoll/node/membership"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
)

// Config configures a Node. Start from DefaultConfig; only cmd/ reads flags
// and the environment into it.
type Config struct {
	// APIAddr is the listen address of the DynamoDB HTTP API (with /healthz
	// and /readyz).
	APIAddr string
	// DataDir is where the data lives: the data DB in DataDir/data, the
	// Raft logs in DataDir/raft, the meta group's snapshots in DataDir/meta.
	// Ignored when InMemory is set.
	DataDir string
	// InMemory keeps everything in memory: a throwaway node whose data is
	// gone when it stops.
	InMemory bool
	// NoSync skips the fsyncs that make every acknowledged write durable:
	// a node that crashes loses acknowledged writes. Only for throwaway
	// nodes and benchmarks of the protocol; the zero value is durable.
	NoSync bool

	// NodeID names the node in the cluster and in every Raft group. Empty
	// means the ID stored in the data directory, else the host name; the
	// first ID a data directory gets is kept for good.
	NodeID string
	// GRPCAddr is the listen address of the gRPC server: the Raft
	// transport and the node-to-node Data and Meta services.
	GRPCAddr string
	// GossipAddr is the listen address of gossip membership (UDP and TCP;
	// the host must be an IP literal or empty).
	GossipAddr string
	// AdvertiseAddr is the host (name or IP, no port) other nodes reach
	// this node at; empty advertises the bound IP, or the host name when
	// bound to every interface.
	AdvertiseAddr string
	// Zone is the node's failure zone; replicas of a group go to distinct
	// zones where zones are known.
	Zone string
	// Join lists gossip addresses (host:port) of nodes to join at start.
	Join []string
	// BootstrapExpect is how many nodes form a new cluster's meta group
	// together: a new node waits until gossip shows that many, and the
	// first BootstrapExpect by ID become its voters.
	BootstrapExpect int
	// ReplicationFactor is the number of replicas of each group; 0 means
	// min(3, BootstrapExpect).
	ReplicationFactor int
	// DeadNodeTimeout is how long gossip must report a node dead before
	// its replicas are re-created on other nodes.
	DeadNodeTimeout time.Duration
	// MaxStaleness bounds eventually consistent reads: a replica serves one
	// only if it heard from its leader this recently.
	MaxStaleness time.Duration

	// Ranges is how many contiguous ranges, each its own Raft group, a new
	// cluster cuts the ring into.
	Ranges int
	// Raft configures the node's Raft groups.
	Raft replication.Config
	// Meta configures the node's replica of the meta group.
	Meta meta.Config
	// Gossip tunes membership; its NodeID, BindAddr, AdvertiseAddr, Meta
	// and Logger are set by the node.
	Gossip membership.Config

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
		APIAddr:         ":8000",
		DataDir:         "./data",
		GRPCAddr:        ":9000",
		GossipAddr:      ":7946",
		BootstrapExpect: 1,
		MaxStaleness:    2 * time.Second,
		DeadNodeTimeout: 5 * time.Minute,
		Ranges:          8,
		Raft:            singleNodeRaft(),
		Meta:            singleNodeMeta(),
		Gossip:          membership.DefaultConfig(),
		Region:          "us-east-1",
		AccountID:       "000000000000",
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
	case c.GRPCAddr == "":
		return errors.New("node: GRPCAddr is empty")
	case c.GossipAddr == "":
		return errors.New("node: GossipAddr is empty")
	case strings.Contains(c.AdvertiseAddr, ":") && net.ParseIP(c.AdvertiseAddr) == nil:
		return fmt.Errorf("node: AdvertiseAddr %q must be a host or IP without a port", c.AdvertiseAddr)
	case c.BootstrapExpect < 1:
		return fmt.Errorf("node: BootstrapExpect %d, want at least 1", c.BootstrapExpect)
	case c.ReplicationFactor < 0 || c.ReplicationFactor > 7:
		return fmt.Errorf("node: ReplicationFactor %d is outside [0, 7]", c.ReplicationFactor)
	case c.ReplicationFactor > c.BootstrapExpect:
		return fmt.Errorf("node: ReplicationFactor %d exceeds BootstrapExpect %d: the ring could never be placed", c.ReplicationFactor, c.BootstrapExpect)
	case c.DeadNodeTimeout <= 0:
		return fmt.Errorf("node: DeadNodeTimeout %v is not positive", c.DeadNodeTimeout)
	case c.MaxStaleness <= 0:
		return fmt.Errorf("node: MaxStaleness %v is not positive", c.MaxStaleness)
	}
	if err := c.Raft.Validate(); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	if err := c.Meta.Validate(); err != nil {
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

// replicationFactor returns the effective replication factor.
func (c Config) replicationFactor() int {
	if c.ReplicationFactor > 0 {
		return c.ReplicationFactor
	}
	return min(3, c.BootstrapExpect)
}

// singleNodeMeta returns the meta group's timeouts on a single node: short,
// as for the ring's groups, so a restart is ready within a fraction of a
// second.
func singleNodeMeta() meta.Config {
	c := meta.DefaultConfig()
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
