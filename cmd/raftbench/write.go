package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/replication"
)

// writeConfig is one write-throughput measurement.
type writeConfig struct {
	Groups     int           // Raft groups, each with a replica on every node
	Nodes      int           // in-process nodes
	Writers    int           // concurrent writers in a closed loop
	ValueBytes int           // size of each item's payload
	Keys       int           // distinct partition keys written
	Warmup     time.Duration // run before recording
	Duration   time.Duration // recorded
	Raft       replication.Config
	Dir        string // parent of the nodes' data; empty means os.TempDir
}

// writeResult is the outcome of one write-throughput measurement. The bolt
// baseline prints the same JSON fields.
type writeResult struct {
	System       string  `json:"system"`
	Groups       int     `json:"groups"`
	Replicas     int     `json:"replicas"`
	Writers      int     `json:"writers"`
	ValueBytes   int     `json:"value_bytes"`
	Seconds      float64 `json:"seconds"`
	Writes       uint64  `json:"writes"`
	Errors       uint64  `json:"errors"`
	WritesPerSec float64 `json:"writes_per_sec"`
	P50Micros    float64 `json:"p50_us"`
	P99Micros    float64 `json:"p99_us"`
	// Fsyncs counts fsyncs of the raft logs of all replicas during the
	// recorded window; Commits their log-store transactions.
	Fsyncs  uint64 `json:"fsyncs"`
	Commits uint64 `json:"commits"`
	// LogWrites counts the log stores' acknowledged write calls (StoreLogs,
	// Set, ...) of all replicas: LogWrites/Fsyncs is the group-commit factor.
	LogWrites      uint64  `json:"log_writes"`
	FsyncsPerWrite float64 `json:"fsyncs_per_write"`
	// CPUMicrosPerWrite is the process's CPU time (user + system, every
	// replica and the writers) per recorded write.
	CPUMicrosPerWrite float64 `json:"cpu_us_per_write"`
	// FirstError describes the first failed write, if any.
	FirstError string `json:"first_error,omitempty"`
}

// ringSplit returns the group index (0-based) owning ring position pos when
// the ring is cut into n equal slices of the 64-bit hash space, and the
// key range of each slice.
type ringSplit struct{ n int }

// step is the width of a slice of the hash space; only for n > 1.
func (r ringSplit) step() uint64 { return math.MaxUint64/uint64(r.n) + 1 }

func (r ringSplit) index(pos []byte) int {
	if r.n == 1 {
		return 0
	}
	return min(int(binary.BigEndian.Uint64(pos)/r.step()), r.n-1)
}

func (r ringSplit) span(i int) replication.KeyRange {
	var kr replication.KeyRange
	if i > 0 {
		kr.Start = binary.BigEndian.AppendUint64(nil, uint64(i)*r.step())
	}
	if i < r.n-1 {
		kr.End = binary.BigEndian.AppendUint64(nil, uint64(i+1)*r.step())
	}
	return kr
}

// groupSpecs returns the specs of groups 1..n over ring slices.
func groupSpecs(n int) []replication.GroupSpec {
	split := ringSplit{n}
	specs := make([]replication.GroupSpec, n)
	for i := range specs {
		specs[i] = replication.GroupSpec{ID: uint64(i + 1), Range: split.span(i)}
	}
	return specs
}

// benchTable is the table id the writers write to.
const benchTable = 1

// putCommand returns a PutItem of key k with a payload of size bytes.
func putCommand(k int, payload []byte) (*partition.Command, error) {
	pk := value.S(fmt.Sprintf("user%012d", k))
	pos, err := keys.Position(pk, nil)
	if err != nil {
		return nil, err
	}
	return &partition.Command{
		Op:       partition.OpPut,
		Table:    benchTable,
		Key:      pos,
		KeyAttrs: value.Item{"pk": pk},
		Item:     value.Item{"pk": pk, "data": value.B(payload)},
	}, nil
}

// runWrites starts a cluster of cfg.Nodes nodes running cfg.Groups groups,
// waits for their leaders, runs the writers and returns what it measured.
// The cluster is closed before it returns.
func runWrites(ctx context.Context, cfg writeConfig) (res writeResult, err error) {
	dir, err := os.MkdirTemp(cfg.Dir, "raftbench-write-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	c, err := openCluster(dir, cfg.Nodes, cfg.Raft)
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := c.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	specs := groupSpecs(cfg.Groups)
	ids := make([]uint64, len(specs))
	for i, s := range specs {
		ids[i] = s.ID
	}
	if err := c.startGroups(specs); err != nil {
		return res, err
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	err = c.waitLeaders(wctx, ids)
	cancel()
	if err != nil {
		return res, err
	}
	return measureWrites(ctx, c, ids, cfg)
}

// writerState is what one writer records.
type writerState struct {
	lat    []time.Duration // latencies of recorded writes
	errors uint64
	first  error
}

// measureWrites runs cfg.Writers writers against the groups' leaders for
// cfg.Warmup + cfg.Duration and records the writes that start and end
// within the last cfg.Duration.
func measureWrites(ctx context.Context, c *cluster, ids []uint64, cfg writeConfig) (writeResult, error) {
	split := ringSplit{len(ids)}
	payload := make([]byte, cfg.ValueBytes)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}
	// leaders caches each group's leader replica; writers refresh it on
	// ErrNotLeader.
	leaders := make([]atomic.Pointer[replication.Group], len(ids))
	leaderOf := func(i int, refresh bool) *replication.Group {
		if g := leaders[i].Load(); g != nil && !refresh {
			return g
		}
		g := c.leader(ids[i])
		leaders[i].Store(g)
		return g
	}

	start := time.Now()
	recFrom := start.Add(cfg.Warmup)
	recTo := recFrom.Add(cfg.Duration)
	var (
		before    raftlogSnapshot
		beforeCPU time.Duration
		mark      sync.Once
	)
	takeMark := func() {
		before = snapshotLogs(c)
		beforeCPU, _ = processCPU()
	}
	// The first writer to pass recFrom takes the "before" snapshot; if none
	// does (no writes at all), the snapshot is taken at the end.
	states := make([]writerState, cfg.Writers)
	var wg sync.WaitGroup
	for w := range cfg.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := &states[w]
			rng := rand.New(rand.NewPCG(uint64(w)+1, 0x7261667462656e63))
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(recFrom) {
					mark.Do(takeMark)
				}
				if !t0.Before(recTo) {
					return
				}
				cmd, err := putCommand(rng.IntN(cfg.Keys), payload)
				if err != nil {
					st.fail(err)
					continue
				}
				gi := split.index(cmd.Key)
				if err := propose(ctx, leaderOf, gi, cmd); err != nil {
					st.fail(fmt.Errorf("group %d: %w", ids[gi], err))
					continue
				}
				t1 := time.Now()
				if !t0.Before(recFrom) && t1.Before(recTo) {
					st.lat = append(st.lat, t1.Sub(t0))
				}
			}
		}()
	}
	wg.Wait()
	mark.Do(takeMark)
	after := snapshotLogs(c)
	afterCPU, _ := processCPU()

	res := writeResult{
		System:     "atoll",
		Groups:     len(ids),
		Replicas:   len(c.nodes),
		Writers:    cfg.Writers,
		ValueBytes: cfg.ValueBytes,
		Seconds:    cfg.Duration.Seconds(),
	}
	var lat []time.Duration
	for _, st := range states {
		lat = append(lat, st.lat...)
		res.Errors += st.errors
		if st.first != nil && res.FirstError == "" {
			res.FirstError = st.first.Error()
		}
	}
	slices.Sort(lat)
	res.Writes = uint64(len(lat))
	res.WritesPerSec = float64(res.Writes) / cfg.Duration.Seconds()
	res.P50Micros = micros(percentile(lat, 0.50))
	res.P99Micros = micros(percentile(lat, 0.99))
	res.Fsyncs = after.syncs - before.syncs
	res.Commits = after.commits - before.commits
	res.LogWrites = after.writes - before.writes
	if res.Writes > 0 {
		res.FsyncsPerWrite = float64(res.Fsyncs) / float64(res.Writes)
		res.CPUMicrosPerWrite = micros(afterCPU-beforeCPU) / float64(res.Writes)
	}
	return res, ctx.Err()
}

// propose sends cmd to group gi's leader, retrying (within 10s) while the
// group has no leader or the cached one is stale: ErrNotLeader means
// nothing was applied. Other errors are returned.
func propose(ctx context.Context, leaderOf func(int, bool) *replication.Group, gi int, cmd *partition.Command) error {
	deadline := time.Now().Add(10 * time.Second)
	refresh := false
	for {
		g := leaderOf(gi, refresh)
		var err error
		if g == nil {
			err = errNoLeader
		} else {
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			var res partition.Result
			res, err = g.Propose(pctx, cmd)
			cancel()
			if err == nil {
				return res.Err
			}
		}
		if !errors.Is(err, replication.ErrNotLeader) && !errors.Is(err, errNoLeader) {
			return err
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		refresh = true
		if g == nil {
			time.Sleep(5 * time.Millisecond) // waiting for an election
		}
	}
}

// errNoLeader is returned by propose when a group had no leader for 10s.
var errNoLeader = errors.New("no leader")

func (st *writerState) fail(err error) {
	st.errors++
	if st.first == nil {
		st.first = err
	}
}

// raftlogSnapshot holds the log stores' counters at one moment.
type raftlogSnapshot struct{ syncs, commits, writes uint64 }

func snapshotLogs(c *cluster) raftlogSnapshot {
	s := c.logStats()
	return raftlogSnapshot{syncs: s.Syncs, commits: s.Commits, writes: s.Writes}
}

// percentile returns the q-quantile of sorted (nearest rank), 0 if empty.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
