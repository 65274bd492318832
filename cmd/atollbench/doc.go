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
// With --cluster as its first argument (cluster.go) it benchmarks a
// 3-node atoll cluster against a 3-member etcd cluster, both as separate
// processes on 127.0.0.1 (bin/atoll, built when --atoll-bin is not given,
// and Debian's etcd-server): 16 workers, each bound to one node or member,
// run PutItem / Put and ConsistentRead GetItem / linearizable Get, and YCSB
// A and C on atoll, the systems alternating within each repetition. It
// reports paired ratios against issue 5's targets, the servers' CPU time
// and disk writes per request (from /proc), and with --markdown rewrites
// only the section between "<!-- cluster:begin" and "<!-- cluster:end -->"
// of the file, keeping its hand-written analysis. Every process it starts
// is stopped before it returns (SIGTERM, then SIGKILL), and on Linux is
// killed by the kernel if atollbench dies first. Suite mode carries the
// cluster section (and cmd/raftbench's) over when it rewrites the file.
//
//	go run ./cmd/atollbench --suite --markdown BENCHMARKS.md
//	go run ./cmd/atollbench --endpoint http://localhost:8000 --duration 30s
//	go run ./cmd/atollbench --cluster --duration 2s --reps 1   # about a minute
package main
