// Package meta holds the cluster's metadata. Today that is the single-node
// table catalog (Catalog): every table's schema, settings and state, kept in
// memory and persisted, synced, in the node's data Badger under the system
// key prefix. In a cluster the meta Raft group takes its place behind the
// same operations.
//
// Catalog is safe for concurrent use; the *Table values it returns are
// copies.
package meta
