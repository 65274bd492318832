package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "atollbench:", err)
		}
		os.Exit(2)
	}
}

// options are the command line.
type options struct {
	cfg        config
	markdown   string
	cpuprofile string
	suite      bool
}

func parse(args []string, stderr io.Writer) (options, error) {
	o := options{cfg: defaultConfig()}
	fs := flag.NewFlagSet("atollbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var targets, works, dists string
	fs.BoolVar(&o.suite, "suite", true, "run atoll, the protocol-limit stub and raw Badger in this process (the default unless --endpoint)")
	fs.StringVar(&o.cfg.Endpoint, "endpoint", "", "benchmark this DynamoDB endpoint URL instead of the in-process suite")
	fs.StringVar(&o.cfg.Table, "table", o.cfg.Table, "table name (created if missing)")
	fs.StringVar(&targets, "targets", strings.Join(o.cfg.Targets, ","), "suite targets: atoll, stub, badger")
	fs.StringVar(&works, "workloads", strings.Join(o.cfg.Workloads, ","), "workloads: put, get, A, B, C")
	fs.StringVar(&dists, "dists", strings.Join(o.cfg.Dists, ","), "key distributions: uniform, zipfian")
	fs.IntVar(&o.cfg.Workers, "workers", o.cfg.Workers, "concurrent clients")
	fs.Uint64Var(&o.cfg.Records, "records", o.cfg.Records, "records loaded and addressed")
	fs.DurationVar(&o.cfg.Duration, "duration", o.cfg.Duration, "recorded time of each measurement")
	fs.DurationVar(&o.cfg.Warmup, "warmup", o.cfg.Warmup, "unrecorded warm-up before each measurement")
	fs.IntVar(&o.cfg.Reps, "reps", o.cfg.Reps, "repetitions of each measurement (medians are reported)")
	fs.Uint64Var(&o.cfg.Seed, "seed", o.cfg.Seed, "random seed")
	fs.BoolVar(&o.cfg.SkipLoad, "skip-load", false, "skip the load phase (the records are already there)")
	fs.StringVar(&o.cfg.TempDir, "tmpdir", "", "directory for the suite's data (default: the system's temporary directory)")
	fs.StringVar(&o.markdown, "markdown", "", "write the report (BENCHMARKS.md) to this file")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: atollbench [--suite | --endpoint URL] [flags]\n       atollbench --cluster [flags] (a 3-node cluster against etcd; --cluster -h for its flags)\n\nYCSB-style benchmark of atoll through the AWS SDK for Go v2.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.cfg.Targets, o.cfg.Workloads, o.cfg.Dists = splitList(targets), splitList(works), splitList(dists)
	if !o.suite && o.cfg.Endpoint == "" {
		return o, errors.New("--suite=false needs --endpoint")
	}
	return o, o.cfg.validate()
}

func splitList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(args []string, stdout, stderr io.Writer) error {
	if isClusterMode(args) {
		return runClusterCommand(args[1:], stdout, stderr)
	}
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	o.cfg.CommandLine = strings.Join(append([]string{"atollbench"}, args...), " ")
	o.cfg.Progress = stderr
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := runSuite(ctx, o.cfg)
	if err != nil {
		return err
	}
	writeTable(stdout, res)
	if o.markdown != "" {
		if err := writeMarkdownFile(o.markdown, res); err != nil {
			return fmt.Errorf("write %s: %w", o.markdown, err)
		}
		fmt.Fprintf(stderr, "wrote %s\n", o.markdown)
	}
	return nil
}
