package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/atolldb/atoll/node"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck(os.Args[2:], os.Getenv, os.Stderr))
	}
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "atoll:", err)
		}
		os.Exit(2)
	}
}

// options are the command line, before it becomes a node.Config.
type options struct {
	cfg      node.Config
	logLevel string
}

// envName returns the environment variable of a flag: api-addr -> ATOLL_API_ADDR.
func envName(flagName string) string {
	return "ATOLL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse reads flags, with ATOLL_* environment variables as their defaults.
func parse(args []string, getenv func(string) string, out io.Writer) (options, error) {
	o := options{cfg: node.DefaultConfig(), logLevel: "info"}
	fs := flag.NewFlagSet("atoll", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.cfg.APIAddr, "api-addr", o.cfg.APIAddr, "listen address of the DynamoDB HTTP API")
	fs.StringVar(&o.cfg.DataDir, "data-dir", o.cfg.DataDir, "data directory")
	fs.BoolVar(&o.cfg.InMemory, "in-memory", o.cfg.InMemory, "keep all data in memory (lost on exit)")
	fs.StringVar(&o.logLevel, "log-level", o.logLevel, "log level: debug, info, warn or error")
	fs.StringVar(&o.cfg.NodeID, "node-id", o.cfg.NodeID, "node ID (default: the one stored in the data directory, else the host name)")
	fs.StringVar(&o.cfg.GRPCAddr, "grpc-addr", o.cfg.GRPCAddr, "listen address of gRPC (Raft and node-to-node traffic)")
	fs.StringVar(&o.cfg.GossipAddr, "gossip-addr", o.cfg.GossipAddr, "listen address of gossip membership (host must be an IP or empty)")
	fs.StringVar(&o.cfg.AdvertiseAddr, "advertise-addr", o.cfg.AdvertiseAddr, "host or IP other nodes reach this node at (default: the bound IP, or the host name)")
	fs.StringVar(&o.cfg.Zone, "zone", o.cfg.Zone, "failure zone of this node")
	fs.IntVar(&o.cfg.ReplicationFactor, "replication-factor", o.cfg.ReplicationFactor, "replicas per range (0: min(3, bootstrap-expect))")
	fs.IntVar(&o.cfg.BootstrapExpect, "bootstrap-expect", o.cfg.BootstrapExpect, "number of nodes that form a new cluster together")
	fs.Func("join", "comma-separated gossip addresses (host:port) of nodes to join", func(v string) error {
		o.cfg.Join = nil
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				o.cfg.Join = append(o.cfg.Join, a)
			}
		}
		return nil
	})
	fs.DurationVar(&o.cfg.DeadNodeTimeout, "dead-node-timeout", o.cfg.DeadNodeTimeout, "how long a node must be dead before its replicas are re-created elsewhere")
	fs.DurationVar(&o.cfg.MaxStaleness, "max-staleness", o.cfg.MaxStaleness, "how stale an eventually consistent read may be")
	fs.IntVar(&o.cfg.Ranges, "ranges", o.cfg.Ranges, "number of ranges (Raft groups) a new node cuts the ring into")
	fs.StringVar(&o.cfg.Region, "region", o.cfg.Region, "region name used in table ARNs")
	fs.Int64Var(&o.cfg.Storage.MemTableSize, "memtable-size", o.cfg.Storage.MemTableSize, "storage memtable size in bytes (at least 8 MiB)")
	fs.Int64Var(&o.cfg.Storage.BlockCacheSize, "block-cache-size", o.cfg.Storage.BlockCacheSize, "storage block cache size in bytes")
	fs.Int64Var(&o.cfg.Storage.IndexCacheSize, "index-cache-size", o.cfg.Storage.IndexCacheSize, "storage index cache size in bytes")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: atoll [flags]\n       atoll healthcheck [--api-addr addr] [--timeout d]\n\nServes the DynamoDB API. Every flag can be set with the environment variable\nnamed ATOLL_<FLAG> (upper case, '-' as '_'), e.g. ATOLL_API_ADDR.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", envName(f.Name), v, err)
			}
		}
	})
	if envErr != nil {
		return o, envErr
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.cfg.BootstrapExpect > 1 || len(o.cfg.Join) > 0 {
		// Replicas on several nodes: timeouts that keep idle groups cheap.
		o.cfg.Raft = replication.DefaultConfig()
		o.cfg.Meta = meta.DefaultConfig()
	}
	return o, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

func run(args []string, stderr io.Writer) error {
	o, err := parse(args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	level, err := parseLevel(o.logLevel)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	o.cfg.Logger = log

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	start := time.Now()
	n, err := node.New(o.cfg)
	if err != nil {
		return err
	}
	if err := n.Start(ctx); err != nil {
		n.Close(context.Background())
		return err
	}
	log.Info("atoll ready", "addr", n.Addr().String(), "startup", time.Since(start).Round(time.Millisecond).String(), "pid", strconv.Itoa(os.Getpid()))
	<-ctx.Done()
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return n.Close(shutdownCtx)
}
