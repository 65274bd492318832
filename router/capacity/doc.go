// Package capacity admits and accounts the read and write capacity of
// tables, as DynamoDB's admission control does: a token bucket per table and
// per kind (reads, writes), refilled continuously at the table's rate.
//
// Main types:
//
//   - Limiter (New, Config, DefaultConfig, Validate): the buckets of every
//     table a router has served, keyed by table ID. Take admits a request
//     and charges its estimated units; Charge settles the difference once
//     the request knows what it consumed; Update adopts a table's new
//     settings at once; Forget and Retain drop the buckets of deleted
//     tables.
//   - Throughput: a table's capacity settings (billing mode, provisioned
//     units), passed with every call so that a change made by UpdateTable
//     (on this router or another) takes effect on the next request.
//   - Kind: Read or Write.
//
// Semantics, each with the DynamoDB documentation it follows:
//
//   - Provisioned mode ("DynamoDB burst and adaptive capacity"): the read
//     bucket refills at ReadUnits per second, the write bucket at
//     WriteUnits, and each keeps up to Config.Burst (300 s) of unused
//     capacity. A new bucket starts full: a new table may burst at once.
//   - Debt: a request is admitted when its bucket holds more than zero
//     units and is then charged what it actually consumed, which may leave
//     the bucket in debt; later requests are throttled until the refill has
//     paid the debt back. The size of a read is not known before it is done
//     (a Query or Scan page reads up to 1 MB, up to 256 units), and DynamoDB
//     does not refuse such a read on a table with fewer units per second: it
//     admits requests while tokens remain ("a request is admitted if tokens
//     are available", the admission control of the DynamoDB paper, USENIX
//     ATC 2022) and accounts the units consumed.
//   - On-demand mode ("Initial throughput and scaling properties" of
//     on-demand capacity mode): a new table sustains up to 4,000 write and
//     12,000 read units per second (Config.OnDemandWriteUnits,
//     OnDemandReadUnits), and up to double its previous peak; exceeding
//     double the previous peak within 30 minutes may throttle. Here the
//     limit is max(initial, 2 x previous peak) units per second, where the
//     peak is the highest consumption of one second (counted up to the
//     limit then in force) and counts as "previous" Config.OnDemandRamp (30
//     minutes) after it was reached, with one-minute resolution. A table
//     switched from provisioned mode starts with half its provisioned
//     throughput as its previous peak, as DynamoDB documents. The bucket of
//     an on-demand table keeps Config.Burst of unused capacity as well, so
//     that short spikes over the sustained limit are absorbed.
//   - A change of throughput (UpdateTable) takes effect at once: the bucket
//     refills at the new rate from then on and keeps what it had
//     accumulated, up to the new capacity.
//
// A Limiter counts what passes through it only: each router has its own,
// so a cluster of N routers admits up to N times a table's rate (see
// router/DESIGN.md).
//
// Concurrency: a Limiter is safe for concurrent use. Tables are looked up
// under a read lock; each table's buckets have a mutex of their own, so
// requests of different tables do not contend.
package capacity
