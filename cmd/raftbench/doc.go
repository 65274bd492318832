// Command raftbench measures atoll's Raft groups (issue 4) and writes the
// "Raft groups" section of BENCHMARKS.md.
//
// Two benchmarks, each run in-process over real gRPC on 127.0.0.1:
//
//   - Write throughput: 3 nodes running 8 groups of 3 replicas
//     (replication.Manager over a transport.Network and a group-commit
//     raftlog.Store per node), 16 writers proposing 1 KB PutItem commands
//     to the groups' leaders for a fixed time. Reported: writes/s, p50/p99
//     latency, fsyncs per write (raftlog.Stats) and CPU per write, beside
//     the same workload on one hashicorp/raft group over raft-boltdb, run
//     by the baseline program in ./boltbaseline (a separate Go module, as
//     raft-boltdb does not build beside raft v1.8.0) given with -baseline.
//   - Idle cost: 3 nodes whose groups have a replica on each, grown
//     through 0, 100, 500 and 1000 groups per node; at each step, once
//     every group has a leader, the process's CPU time (getrusage) over a
//     10 s idle window, its RSS, Go heap and goroutines, and the raft RPC
//     rate. CPU per node is the process's divided by the node count.
//
// In suite mode (the default) both run -reps times (the write runs of
// atoll and the baseline interleaved) and the report holds medians.
// -markdown FILE replaces the section between "<!-- raft:begin" and
// "<!-- raft:end -->" in FILE (appending it when absent) and keeps its
// hand-written analysis; -json prints every measurement.
//
// make bench runs it as:
//
//	(cd cmd/raftbench/boltbaseline && go build -o ../../../bin/boltbaseline .)
//	go run ./cmd/raftbench -baseline bin/boltbaseline -markdown BENCHMARKS.md
//
// The raft timeouts default to the values tuned for idle cost (5 s
// heartbeat and election timeouts, 2.5 s leader lease, 1 s commit
// timeout); flags override them.
//
// Every benchmark owns what it starts: the nodes and their goroutines are
// closed, and their temporary directories removed, before it returns.
package main
