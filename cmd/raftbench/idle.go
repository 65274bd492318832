package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/atolldb/atoll/replication"
)

// idleConfig is one idle-cost measurement: a cluster grown through
// Counts group replicas per node, measured idle at each step.
type idleConfig struct {
	Counts []int         // group replicas per node, increasing; 0 measures the nodes alone
	Nodes  int           // in-process nodes; every group has a replica on each
	Settle time.Duration // idle time after every group has a leader, before measuring
	Window time.Duration // measured idle time
	Raft   replication.Config
	Dir    string // parent of the nodes' data; empty means os.TempDir
}

// idleResult is the idle cost of the nodes at one group count.
type idleResult struct {
	Groups int `json:"groups_per_node"`
	Nodes  int `json:"nodes"`
	// ProcessCPUPercent is the process's CPU time over the window as a
	// percentage of one core; NodeCPUPercent is that divided by Nodes (the
	// nodes are symmetric: each hosts every group and leads about a third).
	ProcessCPUPercent float64 `json:"process_cpu_pct"`
	NodeCPUPercent    float64 `json:"node_cpu_pct"`
	// RSSBytes is the process's resident set; HeapBytes the Go heap in use.
	RSSBytes uint64 `json:"rss_bytes"`
	// RSSGrowthBytes is RSSBytes less the RSS once the nodes were open,
	// before any group started.
	RSSGrowthBytes uint64 `json:"rss_growth_bytes"`
	HeapBytes      uint64 `json:"heap_bytes"`
	Goroutines     int    `json:"goroutines"`
	// RPCsPerSec counts raft RPCs received by all nodes per second.
	RPCsPerSec float64 `json:"rpcs_per_sec"`
	// LeaderChanges counts groups whose leader differed between the start
	// and the end of the window (elections while idle; should be 0).
	LeaderChanges int `json:"leader_changes"`
	// MaxLeaders is the most groups led by one node.
	MaxLeaders int `json:"max_leaders"`
	// StartSeconds is how long it took to start the new groups and elect
	// their leaders.
	StartSeconds float64 `json:"start_seconds"`
}

// runIdle grows a cluster through cfg.Counts and measures each step.
func runIdle(ctx context.Context, cfg idleConfig, progress func(idleResult)) (out []idleResult, err error) {
	// Return what earlier benchmarks in this process left to the OS, so
	// that RSS reflects this cluster.
	debug.FreeOSMemory()
	dir, err := os.MkdirTemp(cfg.Dir, "raftbench-idle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	c, err := openCluster(dir, cfg.Nodes, cfg.Raft)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := c.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	baseRSS, err := residentBytes()
	if err != nil {
		return nil, err
	}
	var ids []uint64
	for _, count := range cfg.Counts {
		if count < len(ids) {
			return out, fmt.Errorf("idle: group counts must increase (%d after %d)", count, len(ids))
		}
		t0 := time.Now()
		var specs []replication.GroupSpec
		for id := uint64(len(ids) + 1); id <= uint64(count); id++ {
			// Idle groups get disjoint dummy ranges; their range does not
			// matter as nothing is written.
			specs = append(specs, replication.GroupSpec{ID: id, Range: replication.KeyRange{
				Start: []byte(fmt.Sprintf("g%08d", id)), End: []byte(fmt.Sprintf("g%08d~", id)),
			}})
			ids = append(ids, id)
		}
		if err := c.startGroups(specs); err != nil {
			return out, err
		}
		wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		err := c.waitLeaders(wctx, ids)
		cancel()
		if err != nil {
			return out, fmt.Errorf("idle, %d groups: %w", count, err)
		}
		started := time.Since(t0)
		if err := sleep(ctx, cfg.Settle); err != nil {
			return out, err
		}
		r, err := measureIdle(ctx, c, ids, cfg.Window)
		if err != nil {
			return out, err
		}
		r.StartSeconds = started.Seconds()
		if r.RSSBytes > baseRSS {
			r.RSSGrowthBytes = r.RSSBytes - baseRSS
		}
		out = append(out, r)
		if progress != nil {
			progress(r)
		}
	}
	return out, nil
}

// measureIdle measures the process over window while the cluster idles.
func measureIdle(ctx context.Context, c *cluster, ids []uint64, window time.Duration) (idleResult, error) {
	lead0 := c.leaders(ids)
	rpc0 := c.rpcs()
	cpu0, err := processCPU()
	if err != nil {
		return idleResult{}, err
	}
	t0 := time.Now()
	if err := sleep(ctx, window); err != nil {
		return idleResult{}, err
	}
	cpu1, err := processCPU()
	if err != nil {
		return idleResult{}, err
	}
	elapsed := time.Since(t0)
	rpc1 := c.rpcs()
	lead1 := c.leaders(ids)
	rss, err := residentBytes()
	if err != nil {
		return idleResult{}, err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r := idleResult{
		Groups:            len(ids),
		Nodes:             len(c.nodes),
		ProcessCPUPercent: 100 * float64(cpu1-cpu0) / float64(elapsed),
		RSSBytes:          rss,
		HeapBytes:         ms.HeapInuse,
		Goroutines:        runtime.NumGoroutine(),
		RPCsPerSec:        float64(rpc1-rpc0) / elapsed.Seconds(),
	}
	r.NodeCPUPercent = r.ProcessCPUPercent / float64(len(c.nodes))
	perNode := make([]int, len(c.nodes))
	for i := range ids {
		if lead0[i] != lead1[i] {
			r.LeaderChanges++
		}
		if lead1[i] >= 0 {
			perNode[lead1[i]]++
		}
	}
	for _, n := range perNode {
		r.MaxLeaders = max(r.MaxLeaders, n)
	}
	return r, nil
}

// sleep waits for d or until ctx ends. The benchmark idles on purpose:
// nothing is being synchronised.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
