// Package node wires one atoll process together: it opens the data Badger
// (sized by StorageConfig to keep an idle node small), the table catalog,
// the store (today a single group owning the whole ring, written through
// replication.Local with group commit and fsync before acknowledgement) and
// the DynamoDB HTTP API with /healthz and /readyz beside it.
//
// Lifecycle: New opens storage and binds the listener; Start serves in the
// background; Close stops accepting, lets requests in flight finish, stops
// the store and closes the DB. Node owns every goroutine it starts.
//
// Membership, the meta group and placement arrive here with the cluster.
package node
