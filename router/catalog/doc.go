// Package catalog holds the tables' metadata: Table (schema, settings,
// state) and two implementations of the handlers' router.Tables:
//
//   - Replicated, the catalog of a node: every table is a JSON record in the
//     meta Raft group (replication/meta). Reads decode the local meta
//     replica's state (once per state change); changes are proposed at the
//     meta leader with version checks (compare-and-set, retried when another
//     change came first) and return once the local replica applied them, so
//     a node reads its own changes. Another node may see a new table a
//     moment later, once its replica applies it.
//   - Catalog, a standalone catalog that keeps every table in memory and
//     persists it, synced, in a data Badger under the system key prefix; the
//     router's tests run on it.
//
// Both are safe for concurrent use; the *Table values they return are
// copies.
package catalog
