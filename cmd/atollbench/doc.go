// Command atollbench is a YCSB-style load generator for atoll and any
// DynamoDB endpoint, using the AWS SDK for Go v2.
//
// By default (--suite) it runs, in one process, an atoll node with durable
// writes, a protocol-limit stub (DynamoDB's HTTP framing and request
// decoding, no storage) and a raw Badger with SyncWrites (the storage
// limit), and runs on each the load phase and the workloads put, get and
// YCSB's A, B and C with uniform and zipfian keys, printing throughput and
// latency percentiles and, with --markdown, writing BENCHMARKS.md with the
// ratios against the project's targets. With --endpoint URL it benchmarks
// that endpoint alone.
//
//	go run ./cmd/atollbench --suite --markdown BENCHMARKS.md
//	go run ./cmd/atollbench --endpoint http://localhost:8000 --duration 30s
package main
