package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

// Defaults of the flags.
const (
	defaultAddr    = "127.0.0.1:9000"
	defaultTimeout = 5 * time.Second
	// addrEnv, when set, replaces defaultAddr (a --addr flag still wins).
	addrEnv = "ATOLL_ADDR"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // a request failed
	exitUsage  = 2 // invalid command line, or a command the server lacks
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args, writing results to stdout and
// errors to stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := execute(ctx, args, os.Getenv, stdout)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout)
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "atollctl: %v\nRun 'atollctl --help' for usage.\n", err)
		return exitUsage
	case errors.Is(err, errUnsupported):
		fmt.Fprintf(stderr, "atollctl: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "atollctl: %v\n", err)
		return exitFailed
	}
}

// execute parses args and runs the command they name.
func execute(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	o, err := parse(args, getenv)
	if err != nil {
		return err
	}
	if o.command == "help" {
		return flag.ErrHelp
	}
	cmd, ok := lookup(o.command)
	if !ok {
		return usageErrorf("unknown command %q", o.command)
	}
	if len(o.args) != len(cmd.args) {
		if len(cmd.args) == 0 {
			return usageErrorf("%s takes no arguments, got %q", cmd.name, o.args)
		}
		return usageErrorf("usage: atollctl %s %s", cmd.name, strings.Join(cmd.args, " "))
	}
	c := &cli{addr: o.addr, timeout: o.timeout, wait: o.wait, json: o.output == "json", out: stdout}
	return cmd.run(ctx, c, o.args)
}

// options is the parsed command line.
type options struct {
	addr    string
	timeout time.Duration
	output  string // text or json
	wait    time.Duration
	command string
	args    []string
}

// parse reads the command line. Flags may come before and after the
// command and its arguments; "--" ends the flags.
func parse(args []string, getenv func(string) string) (options, error) {
	o := options{addr: defaultAddr, timeout: defaultTimeout, output: "text"}
	if v := getenv(addrEnv); v != "" {
		o.addr = v
	}
	fs := flag.NewFlagSet("atollctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run reports errors and prints the usage
	fs.StringVar(&o.addr, "addr", o.addr, "gRPC address of any node")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "deadline of each request")
	fs.StringVar(&o.output, "o", o.output, "output format: text or json")
	fs.StringVar(&o.output, "output", o.output, "output format: text or json")
	fs.DurationVar(&o.wait, "wait", o.wait, "drain: wait up to this long until the node leads no range")

	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return o, err
			}
			return o, usageErrorf("%v", err)
		}
		parsed := len(rest) - fs.NArg()
		if parsed > 0 && rest[parsed-1] == "--" {
			positional = append(positional, fs.Args()...)
			break
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	switch {
	case len(positional) == 0:
		return o, usageErrorf("no command")
	case o.output != "text" && o.output != "json":
		return o, usageErrorf("output format %q: want text or json", o.output)
	case o.timeout <= 0:
		return o, usageErrorf("timeout %v: want a positive duration", o.timeout)
	case o.addr == "":
		return o, usageErrorf("empty --addr")
	case o.wait < 0:
		return o, usageErrorf("wait %v: want a duration of zero or more", o.wait)
	}
	o.command, o.args = positional[0], positional[1:]
	return o, nil
}

// command is one subcommand of atollctl.
type command struct {
	name    string
	args    []string // names of the positional arguments, all required
	summary string
	// run executes the command; args has len(command.args) elements.
	run func(ctx context.Context, c *cli, args []string) error
}

// commands returns every command, in the order of the usage text.
func commands() []command {
	return []command{
		{name: "status", summary: "the answering node, the meta leader, the nodes and totals", run: runStatus},
		{name: "ring", summary: "the ranges of the ring with their groups, leaders and replicas", run: runRing},
		{name: "tables", summary: "every table with its status, item count and key schema", run: runTables},
		{name: "drain", args: []string{"NODE"}, summary: "move NODE's replicas and leaders to other nodes (--wait: until it leads no range)", run: runDrain},
		{name: "undrain", args: []string{"NODE"}, summary: "let NODE hold replicas and leaders again", run: runUndrain},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: atollctl [--addr host:port] [--timeout 5s] [-o text|json] <command> [args]\n\nCommands:\n")
	for _, c := range commands() {
		name := strings.Join(append([]string{c.name}, c.args...), " ")
		fmt.Fprintf(w, "  %-12s %s\n", name, c.summary)
	}
	fmt.Fprintf(w, `
Flags (before or after the command):
  --addr      gRPC address of any node (default %s, or $%s)
  --timeout   deadline of each request (default %v)
  -o          output format: text or json (default text)

Exit status: 0 ok, 1 a request failed, 2 usage error or unsupported command.
`, defaultAddr, addrEnv, defaultTimeout)
}
