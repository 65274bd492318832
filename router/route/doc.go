// Package route sends each request of the DynamoDB handlers to the node that
// can serve it. It is the data path of a cluster node:
//
//   - Store implements the handlers' router.Store over the ring in the meta
//     group's state. A write goes to the leader of the group owning its key:
//     a local call when this node hosts that leader, otherwise a gRPC call
//     (the Data service) to the node that does. A strongly consistent read
//     goes to the leader too and runs behind the group's ReadBarrier. An
//     eventually consistent read is served by this node's replica when it
//     heard from its leader within the staleness bound, otherwise by the
//     leader. Range scans walk the ranges in ring order and stitch their
//     items into one stream.
//   - Service is the server side of the Data service: it serves the groups
//     this node hosts and answers with a RouteError (not the leader, no
//     such group, too stale) when it cannot, so that the sender repairs its
//     leader hints and retries elsewhere.
//   - MetaClient proposes meta-group commands at the meta leader (locally or
//     through the Meta service) and waits until this node's replica has
//     applied them, so a node reads its own metadata writes.
//
// Retries are bounded by the request's context (or Config.RequestTimeout).
// Failures that prove a request was not served (a RouteError, a refused
// connection) are retried for every request, and so are a read's failures
// with an unknown outcome (the replica lost its leadership or stopped during
// the read barrier): a read changes nothing. A write may also be retried
// after an unknown outcome (the leader lost its leadership or stopped,
// ABORTED, or one attempt's deadline, Config.AttemptTimeout, passed): Store
// gives every command a random request ID, and the group's state machine
// applies an ID once and answers a retry with the first application's
// result (partition's request deduplication), so a retried write is applied
// at most once. Unknown outcomes of a write are retried only within half of
// partition.DedupRetention of its first attempt; past it, or when the
// request's deadline ends, the unknown outcome is returned as an error.
//
// All types are safe for concurrent use. Conns owns the outgoing
// connections; Close them after the Store and MetaClient stop being used.
package route
