// Package catalog holds the tables' metadata: Table (schema, settings,
// state) and Catalog, the single-node catalog that keeps every table in
// memory and persists it, synced, in the node's data Badger under the system
// key prefix. In a cluster the meta Raft group takes the catalog's place
// behind the same operations (router.Tables).
//
// Catalog is safe for concurrent use; the *Table values it returns are
// copies.
package catalog
