// Package node wires one atoll process together. New opens the data Badger
// (DataDir/data, sized by StorageConfig to keep an idle node small) and the
// Raft log Badger (DataDir/raft, one log store with group commit for every
// Raft group), binds the gRPC listener (the multiplexed Raft transport and
// the node-to-node Data and Meta services of router/route) and the HTTP
// listener, and starts gossip membership (node/membership).
//
// Start serves /healthz at once and forms or joins the cluster; the meta
// group's snapshots go to DataDir/meta. A node with meta state reopens its
// meta-group replica. A new node waits until gossip shows BootstrapExpect
// alive nodes: the first BootstrapExpect by ID bootstrap the meta group
// together (the same voter list on each); any other new node waits to be
// added by the meta leader as a non-voter. A controller goroutine then keeps
// the node in line with the meta group: on the meta leader it registers the
// nodes gossip reports, adds them to the meta group, and, once
// ReplicationFactor nodes are registered, cuts the ring into Config.Ranges
// ranges placed round robin on distinct nodes; on every node it starts the
// replicas the ring places there and drops the data of deleted tables.
// Start returns once the ring exists and every group placed on the node has
// a leader, and serves the DynamoDB API with /healthz and /readyz.
//
// A node with the defaults is a cluster of one (BootstrapExpect 1,
// replication factor 1, short Raft timeouts). A write is acknowledged once
// its group has committed it to a majority's fsynced Raft logs and applied
// it on the leader; the data DB syncs each apply commit, so it holds
// everything applied before the log is truncated after a snapshot. A
// partition.Committer merges the apply batches of all local groups into
// shared commits.
//
// The node's ID is stored in the data DB when it first starts and never
// changes; Raft groups know the node by it and by its advertised gRPC
// address.
//
// Close stops accepting, lets requests in flight finish, leaves gossip,
// stops the groups and the meta replica, and closes the stores. Node owns
// every goroutine it starts.
//
// Placement (placement.go) is declarative: the meta leader changes a
// range's voters in the meta group — replacing voters on nodes dead for
// longer than DeadNodeTimeout or draining, then evening out replica counts
// — and the range's Raft leader converges the group's membership to them
// (add as non-voter, promote once caught up, remove the old replica, hand
// leadership over first when it is the one leaving). Replicas no longer
// placed on a node retire once the new voters are in place, and group
// leaders hand leadership over while they lead more than their share. The
// meta group replaces dead voters by promoting non-voters.
package node
