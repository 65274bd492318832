// Package transport carries hashicorp/raft's RPCs for many Raft groups over
// one gRPC service per node.
//
// A Network is one node's endpoint. Register installs its RaftTransport
// service on the node's single gRPC server; Transport(group) hands each
// raft.Raft its own raft.Transport view (which also implements
// raft.WithPreVote and raft.WithClose). Every message carries its group id:
// the server looks up the group's consumer channel and hands raft a raft.RPC,
// waiting for the answer; an RPC for a group the node does not run fails with
// codes.NotFound, which raft treats like any failed RPC and retries.
//
// Outgoing traffic of all groups shares one *grpc.ClientConn per peer
// address, dialed lazily, plus a second connection per peer that carries only
// InstallSnapshot streams, so that a large snapshot never queues heartbeats
// behind it in HTTP/2 flow control. Every unary RPC has a deadline
// (Config.Timeout). AppendEntriesPipeline is a bidirectional stream per
// (group, follower); InstallSnapshot is a client stream whose first message
// is the request and the rest data chunks, and the receiver hands raft an
// io.Reader over the stream, so a snapshot is never buffered whole.
//
// If raft.NewRaft fails after Transport(group) was called, the caller closes
// that transport (raft.WithClose) so that the group id can be used again.
// Network.Stats counts incoming RPCs by kind. DESIGN.md explains the choices.
//
// Concurrency: a Network and every group Transport are safe for concurrent
// use. Goroutines: one per open pipeline (its response reader), owned by the
// pipeline and stopped by its Close, by the group's Close or by
// Network.Close. Incoming RPCs run on gRPC's server goroutines. Network.Close
// closes every group and connection; it does not stop the grpc.Server, which
// the caller owns.
package transport
