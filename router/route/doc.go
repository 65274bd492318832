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
// Only failures that prove a command was not applied are retried (a
// RouteError, a refused connection); an unknown outcome is returned as an
// error.
//
// All types are safe for concurrent use. Conns owns the outgoing
// connections; Close them after the Store and MetaClient stop being used.
package route
