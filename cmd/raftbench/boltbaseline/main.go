// Command boltbaseline is the baseline of cmd/raftbench's write benchmark:
// one hashicorp/raft group of three voters in one process, each on its own
// raft-boltdb store (fsync on every commit) and raft's NetworkTransport on
// loopback TCP, with a trivial FSM that keeps the last value of every key
// in a map. Writers apply 1 KB commands in a closed loop for a fixed time
// and the result is printed as one JSON object on stdout, with the same
// fields as raftbench's own results.
//
// It is a separate Go module because raft-boltdb/v2 v2.3.1 does not build
// beside raft v1.8.0 (it needs go-metrics' compat package, which go-metrics
// v0.7.0 dropped): it pins raft v1.7.3 and go-metrics v0.5.4.
//
// Usage: boltbaseline [-writers 16] [-value-bytes 1000] [-keys 100000]
// [-warmup 1s] [-duration 5s] [-dir DIR]
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

// result mirrors raftbench's writeResult JSON.
type result struct {
	System            string  `json:"system"`
	Groups            int     `json:"groups"`
	Replicas          int     `json:"replicas"`
	Writers           int     `json:"writers"`
	ValueBytes        int     `json:"value_bytes"`
	Seconds           float64 `json:"seconds"`
	Writes            uint64  `json:"writes"`
	Errors            uint64  `json:"errors"`
	WritesPerSec      float64 `json:"writes_per_sec"`
	P50Micros         float64 `json:"p50_us"`
	P99Micros         float64 `json:"p99_us"`
	Fsyncs            uint64  `json:"fsyncs"`
	Commits           uint64  `json:"commits"`
	LogWrites         uint64  `json:"log_writes"`
	FsyncsPerWrite    float64 `json:"fsyncs_per_write"`
	CPUMicrosPerWrite float64 `json:"cpu_us_per_write"`
	FirstError        string  `json:"first_error,omitempty"`
}

type config struct {
	writers, valueBytes, keys int
	warmup, duration          time.Duration
	dir                       string
}

func main() {
	var cfg config
	flag.IntVar(&cfg.writers, "writers", 16, "concurrent writers")
	flag.IntVar(&cfg.valueBytes, "value-bytes", 1000, "payload bytes per command")
	flag.IntVar(&cfg.keys, "keys", 100000, "distinct keys written")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "warm-up (not recorded)")
	flag.DurationVar(&cfg.duration, "duration", 5*time.Second, "recorded time")
	flag.StringVar(&cfg.dir, "dir", "", "parent directory of the stores (default: the system's temporary directory)")
	flag.Parse()
	res, err := run(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "boltbaseline:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "boltbaseline:", err)
		os.Exit(1)
	}
}

// countingStore counts the write transactions of a BoltStore: every
// StoreLog(s), DeleteRange, Set and SetUint64 is one bbolt Update, whose
// commit calls fdatasync twice (data pages, then the meta page).
type countingStore struct {
	*raftboltdb.BoltStore
	commits *atomic.Uint64
}

func (s countingStore) StoreLog(l *raft.Log) error {
	s.commits.Add(1)
	return s.BoltStore.StoreLog(l)
}

func (s countingStore) StoreLogs(logs []*raft.Log) error {
	s.commits.Add(1)
	return s.BoltStore.StoreLogs(logs)
}

func (s countingStore) DeleteRange(lo, hi uint64) error {
	s.commits.Add(1)
	return s.BoltStore.DeleteRange(lo, hi)
}

func (s countingStore) Set(k, v []byte) error {
	s.commits.Add(1)
	return s.BoltStore.Set(k, v)
}

func (s countingStore) SetUint64(k []byte, v uint64) error {
	s.commits.Add(1)
	return s.BoltStore.SetUint64(k, v)
}

// mapFSM keeps the last command of every key: [8-byte key][payload].
type mapFSM struct {
	mu sync.Mutex
	// m holds the payload by key; guarded by mu.
	m map[uint64][]byte
}

func (f *mapFSM) Apply(l *raft.Log) any {
	if len(l.Data) < 8 {
		return fmt.Errorf("index %d: command of %d bytes", l.Index, len(l.Data))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[binary.BigEndian.Uint64(l.Data)] = l.Data[8:]
	return nil
}

func (f *mapFSM) Snapshot() (raft.FSMSnapshot, error) { return nopSnapshot{}, nil }

func (f *mapFSM) Restore(rc io.ReadCloser) error { return rc.Close() }

type nopSnapshot struct{}

func (nopSnapshot) Persist(sink raft.SnapshotSink) error { return sink.Close() }
func (nopSnapshot) Release()                             {}

// replica is one voter of the group.
type replica struct {
	raft  *raft.Raft
	trans *raft.NetworkTransport
	store *raftboltdb.BoltStore
}

func run(cfg config) (res result, err error) {
	dir, err := os.MkdirTemp(cfg.dir, "boltbaseline-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	var commits atomic.Uint64
	logger := hclog.New(&hclog.LoggerOptions{Name: "raft", Level: hclog.Error, Output: os.Stderr})

	// Listen first so that every replica knows the others' addresses.
	var lns []net.Listener
	var servers []raft.Server
	for i := range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return res, err
		}
		lns = append(lns, ln)
		servers = append(servers, raft.Server{
			Suffrage: raft.Voter,
			ID:       raft.ServerID(fmt.Sprintf("n%d", i+1)),
			Address:  raft.ServerAddress(ln.Addr().String()),
		})
	}
	var replicas []*replica
	defer func() {
		for _, r := range replicas {
			if r.raft != nil {
				if serr := r.raft.Shutdown().Error(); serr != nil && err == nil {
					err = serr
				}
			}
			_ = r.trans.Close()
			_ = r.store.Close()
		}
	}()
	for i, ln := range lns {
		store, err := raftboltdb.New(raftboltdb.Options{Path: filepath.Join(dir, fmt.Sprintf("n%d.db", i+1))})
		if err != nil {
			return res, err
		}
		trans := raft.NewNetworkTransportWithLogger(&streamLayer{ln.(*net.TCPListener)}, 3, 10*time.Second, logger)
		r := &replica{trans: trans, store: store}
		replicas = append(replicas, r)
		conf := raft.DefaultConfig()
		conf.LocalID = servers[i].ID
		conf.Logger = logger
		cs := countingStore{BoltStore: store, commits: &commits}
		if err := raft.BootstrapCluster(conf, cs, cs, raft.NewDiscardSnapshotStore(), trans, raft.Configuration{Servers: servers}); err != nil {
			return res, err
		}
		r.raft, err = raft.NewRaft(conf, &mapFSM{m: map[uint64][]byte{}}, cs, cs, raft.NewDiscardSnapshotStore(), trans)
		if err != nil {
			return res, err
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for leaderOf(replicas) == nil {
		if time.Now().After(deadline) {
			return res, errors.New("no leader after 30s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return measure(cfg, replicas, &commits)
}

func leaderOf(rs []*replica) *raft.Raft {
	for _, r := range rs {
		if r.raft.State() == raft.Leader {
			return r.raft
		}
	}
	return nil
}

// measure runs the writers for cfg.warmup + cfg.duration and records the
// writes that start and end within the last cfg.duration.
func measure(cfg config, replicas []*replica, commits *atomic.Uint64) (result, error) {
	payload := make([]byte, cfg.valueBytes)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}
	var leader atomic.Pointer[raft.Raft]
	leader.Store(leaderOf(replicas))
	start := time.Now()
	recFrom := start.Add(cfg.warmup)
	recTo := recFrom.Add(cfg.duration)
	var (
		commits0 uint64
		cpu0     time.Duration
		mark     sync.Once
	)
	takeMark := func() { commits0, cpu0 = commits.Load(), processCPU() }
	type state struct {
		lat    []time.Duration
		errors uint64
		first  error
	}
	states := make([]state, cfg.writers)
	var wg sync.WaitGroup
	for w := range cfg.writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := &states[w]
			rng := rand.New(rand.NewPCG(uint64(w)+1, 0x7261667462656e63))
			for {
				t0 := time.Now()
				if t0.After(recFrom) {
					mark.Do(takeMark)
				}
				if !t0.Before(recTo) {
					return
				}
				cmd := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(payload)), uint64(rng.IntN(cfg.keys)))
				cmd = append(cmd, payload...)
				err := apply(&leader, replicas, cmd)
				if err != nil {
					st.errors++
					if st.first == nil {
						st.first = err
					}
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
	commits1, cpu1 := commits.Load(), processCPU()
	res := result{
		System:     "raft-boltdb",
		Groups:     1,
		Replicas:   len(replicas),
		Writers:    cfg.writers,
		ValueBytes: cfg.valueBytes,
		Seconds:    cfg.duration.Seconds(),
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
	res.WritesPerSec = float64(res.Writes) / cfg.duration.Seconds()
	res.P50Micros = micros(percentile(lat, 0.50))
	res.P99Micros = micros(percentile(lat, 0.99))
	res.Commits = commits1 - commits0
	res.LogWrites = res.Commits
	res.Fsyncs = 2 * res.Commits
	if res.Writes > 0 {
		res.FsyncsPerWrite = float64(res.Fsyncs) / float64(res.Writes)
		res.CPUMicrosPerWrite = micros(cpu1-cpu0) / float64(res.Writes)
	}
	return res, nil
}

// apply applies cmd at the leader, retrying (within 10s) when the cached
// leader is stale.
func apply(leader *atomic.Pointer[raft.Raft], replicas []*replica, cmd []byte) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := leader.Load()
		var err error
		if r == nil {
			err = raft.ErrNotLeader
		} else {
			f := r.Apply(cmd, 10*time.Second)
			if err = f.Error(); err == nil {
				if rerr, ok := f.Response().(error); ok {
					return rerr
				}
				return nil
			}
		}
		if !errors.Is(err, raft.ErrNotLeader) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(5 * time.Millisecond)
		leader.Store(leaderOf(replicas))
	}
}

// streamLayer is raft's StreamLayer over a TCP listener on loopback.
type streamLayer struct{ *net.TCPListener }

func (s *streamLayer) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	return net.DialTimeout("tcp", string(addr), timeout)
}

// processCPU returns this process's CPU time (user + system) so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
