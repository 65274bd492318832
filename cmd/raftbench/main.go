package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atolldb/atoll/replication"
)

// options are the command line.
type options struct {
	mode string
	reps int

	write    writeConfig
	baseline string // bolt baseline binary; empty skips it
	// compareGroups, when positive, adds an atoll run with this many
	// groups (the baseline's shape) to each repetition, for reference.
	compareGroups int

	idle idleConfig

	markdown string // file whose "Raft groups" section is replaced
	jsonOut  bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("raftbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: raftbench [flags]\n\n"+
			"Measures atoll's Raft groups: write throughput of many groups sharing one raft-log\n"+
			"Badger (against a raft-boltdb baseline binary), and the idle cost of many groups.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.mode, "mode", "suite", "suite (write + idle, repeated), write or idle (one repetition each)")
	fs.IntVar(&o.reps, "reps", 3, "repetitions in suite mode (results are medians)")

	fs.IntVar(&o.write.Groups, "groups", 8, "Raft groups of the write benchmark")
	fs.IntVar(&o.write.Nodes, "nodes", 3, "in-process nodes (every group has a replica on each)")
	fs.IntVar(&o.write.Writers, "writers", 16, "concurrent writers")
	fs.IntVar(&o.write.ValueBytes, "value-bytes", 1000, "payload bytes per item")
	fs.IntVar(&o.write.Keys, "keys", 100000, "distinct keys written")
	fs.DurationVar(&o.write.Warmup, "warmup", time.Second, "write warm-up (not recorded)")
	fs.DurationVar(&o.write.Duration, "duration", 5*time.Second, "recorded write time")
	fs.IntVar(&o.compareGroups, "compare-groups", 1, "also run atoll with this many groups per repetition, for reference (0: no)")
	fs.StringVar(&o.baseline, "baseline", "", "path of the raft-boltdb baseline binary (cmd/raftbench/boltbaseline); empty skips it")

	counts := fs.String("idle-groups", "0,100,500,1000", "group replicas per node measured idle, increasing")
	fs.DurationVar(&o.idle.Settle, "settle", 2*time.Second, "idle time after the leaders are elected, before measuring")
	fs.DurationVar(&o.idle.Window, "window", 10*time.Second, "measured idle time")

	// The defaults are replication.DefaultConfig's, tuned for idle cost (see
	// BENCHMARKS.md, "Raft groups"): an idle leader sends each follower a
	// heartbeat every 0.5–1 s and a commit-index update every 1–2 s.
	rc := replication.DefaultConfig()
	fs.DurationVar(&rc.HeartbeatTimeout, "heartbeat-timeout", rc.HeartbeatTimeout, "raft HeartbeatTimeout")
	fs.DurationVar(&rc.ElectionTimeout, "election-timeout", rc.ElectionTimeout, "raft ElectionTimeout")
	fs.DurationVar(&rc.LeaderLeaseTimeout, "lease-timeout", rc.LeaderLeaseTimeout, "raft LeaderLeaseTimeout")
	fs.DurationVar(&rc.CommitTimeout, "commit-timeout", rc.CommitTimeout, "raft CommitTimeout")

	dir := fs.String("dir", "", "parent directory of the nodes' data (default: the system's temporary directory)")
	fs.StringVar(&o.markdown, "markdown", "", "write the results into this file's \"Raft groups\" section")
	fs.BoolVar(&o.jsonOut, "json", false, "print the results as JSON on stdout")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, s := range strings.Split(*counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("-idle-groups: bad count %q", s)
		}
		o.idle.Counts = append(o.idle.Counts, n)
	}
	if err := rc.Validate(); err != nil {
		return nil, err
	}
	switch {
	case o.mode != "suite" && o.mode != "write" && o.mode != "idle":
		return nil, fmt.Errorf("-mode %q: want suite, write or idle", o.mode)
	case o.reps < 1:
		return nil, fmt.Errorf("-reps %d: want at least 1", o.reps)
	case o.write.Groups < 1 || o.write.Nodes < 1 || o.write.Writers < 1 || o.write.Keys < 1:
		return nil, errors.New("-groups, -nodes, -writers and -keys must be positive")
	case o.compareGroups < 0:
		return nil, errors.New("-compare-groups must not be negative")
	case o.write.Duration <= 0:
		return nil, errors.New("-duration must be positive")
	}
	o.write.Raft, o.idle.Raft = rc, rc
	o.write.Dir, o.idle.Dir = *dir, *dir
	o.idle.Nodes = o.write.Nodes
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "raftbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err = run(ctx, o, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "raftbench:", err)
		os.Exit(1)
	}
}

// report is everything a run measured.
type report struct {
	Started  time.Time          `json:"started"`
	Elapsed  time.Duration      `json:"elapsed_ns"`
	Command  string             `json:"command"`
	Reps     int                `json:"reps"`
	Raft     replication.Config `json:"raft"`
	Write    writeConfig        `json:"-"`
	Idle     idleConfig         `json:"-"`
	Atoll    []writeResult      `json:"atoll"`
	Compare  []writeResult      `json:"atoll_compare,omitempty"` // atoll with -compare-groups groups
	Bolt     []writeResult      `json:"bolt,omitempty"`
	IdleRuns [][]idleResult     `json:"idle,omitempty"`
	Machine  machine            `json:"machine"`
}

func run(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	rep := &report{
		Started: time.Now().UTC(),
		Command: "raftbench " + strings.Join(os.Args[1:], " "),
		Reps:    o.reps,
		Raft:    o.write.Raft,
		Write:   o.write,
		Idle:    o.idle,
		Machine: describeMachine(o.write.Dir),
	}
	reps := o.reps
	if o.mode != "suite" {
		reps = 1
	}
	if o.mode != "idle" {
		for i := range reps {
			// Alternate which system goes first, so that neither always
			// runs right after the other's teardown.
			steps := []func(context.Context, *report, io.Writer) error{o.runAtoll, o.runBolt, o.runCompare}
			if i%2 == 1 {
				slices.Reverse(steps)
			}
			for _, step := range steps {
				if err := step(ctx, rep, stderr); err != nil {
					return err
				}
			}
		}
	}
	if o.mode != "write" {
		for i := range reps {
			fmt.Fprintf(stderr, "idle %d/%d: %d nodes, group replicas per node %v\n", i+1, reps, o.idle.Nodes, o.idle.Counts)
			res, err := runIdle(ctx, o.idle, func(r idleResult) {
				fmt.Fprintf(stderr, "  %5d groups: %.1f%% of a core per node (process %.1f%%), RSS %s, %d goroutines, %.0f RPC/s, started in %.1fs, %d leader changes\n",
					r.Groups, r.NodeCPUPercent, r.ProcessCPUPercent, mib(r.RSSBytes), r.Goroutines, r.RPCsPerSec, r.StartSeconds, r.LeaderChanges)
			})
			if err != nil {
				return err
			}
			rep.IdleRuns = append(rep.IdleRuns, res)
		}
	}
	rep.Elapsed = time.Since(rep.Started)
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
	if o.markdown != "" {
		if err := writeSection(o.markdown, rep); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote the \"Raft groups\" section of %s\n", o.markdown)
	} else if !o.jsonOut {
		return renderSection(stdout, rep)
	}
	return nil
}

func (o *options) runAtoll(ctx context.Context, rep *report, stderr io.Writer) error {
	r, err := runWrites(ctx, o.write)
	if err != nil {
		return fmt.Errorf("atoll writes: %w", err)
	}
	logWrite(stderr, r)
	rep.Atoll = append(rep.Atoll, r)
	return nil
}

func (o *options) runCompare(ctx context.Context, rep *report, stderr io.Writer) error {
	if o.compareGroups == 0 {
		return nil
	}
	cfg := o.write
	cfg.Groups = o.compareGroups
	r, err := runWrites(ctx, cfg)
	if err != nil {
		return fmt.Errorf("atoll writes, %d groups: %w", cfg.Groups, err)
	}
	logWrite(stderr, r)
	rep.Compare = append(rep.Compare, r)
	return nil
}

func (o *options) runBolt(ctx context.Context, rep *report, stderr io.Writer) error {
	if o.baseline == "" {
		return nil
	}
	args := []string{
		"-writers", strconv.Itoa(o.write.Writers),
		"-value-bytes", strconv.Itoa(o.write.ValueBytes),
		"-keys", strconv.Itoa(o.write.Keys),
		"-warmup", o.write.Warmup.String(),
		"-duration", o.write.Duration.String(),
	}
	if o.write.Dir != "" {
		args = append(args, "-dir", o.write.Dir)
	}
	cmd := exec.CommandContext(ctx, o.baseline, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("baseline %s: %w", o.baseline, err)
	}
	var r writeResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return fmt.Errorf("baseline %s: bad output %q: %w", o.baseline, out.String(), err)
	}
	logWrite(stderr, r)
	rep.Bolt = append(rep.Bolt, r)
	return nil
}

func logWrite(w io.Writer, r writeResult) {
	fmt.Fprintf(w, "%-5s %d group(s) x %d: %.0f writes/s, p50 %.0f µs, p99 %.0f µs, %.3f fsyncs/write, %d log writes, %.0f µs CPU/write, %d errors\n",
		r.System, r.Groups, r.Replicas, r.WritesPerSec, r.P50Micros, r.P99Micros, r.FsyncsPerWrite, r.LogWrites, r.CPUMicrosPerWrite, r.Errors)
	if r.FirstError != "" {
		fmt.Fprintf(w, "      first error: %s\n", r.FirstError)
	}
}
