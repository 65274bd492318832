// Package node wires one atoll process together: it opens the data Badger
// (DataDir/data, sized by StorageConfig to keep an idle node small) and the
// Raft log Badger (DataDir/raft), the shared Raft log store (group commit),
// the Raft transport, the table catalog, and the Raft groups that own the
// ring — Config.Ranges contiguous ranges, each its own group; on a single
// node each group has one replica — behind a store that routes every write
// to its group. In front sits the DynamoDB HTTP API with /healthz and
// /readyz.
//
// A write is acknowledged once its group has committed it to the fsynced
// Raft log and applied it; the data DB also syncs each apply commit, so it
// holds everything applied before the log is truncated after a snapshot. A
// partition.Committer merges the apply batches of all groups into shared
// commits, so concurrent writes of different groups share those syncs too.
// The number of ranges is recorded when a node is first started and never
// changes afterwards.
//
// Lifecycle: New opens storage, starts the groups and binds the listener;
// Start waits for the groups' leaders and serves in the background; Close
// stops accepting, lets requests in flight finish, stops the groups and
// closes the stores. Node owns every goroutine it starts.
//
// Membership, the meta group and placement arrive here with the cluster.
package node
