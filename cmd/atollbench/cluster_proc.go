package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyTimeout bounds how long a cluster may take to answer ready.
const readyTimeout = 2 * time.Minute

// proc is a server process cluster mode started. Its output goes to a log
// file beside its data directory; stop ends it.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	log     *os.File
	// done is closed once the process has exited and err holds what Wait
	// returned.
	done chan struct{}
	err  error
}

// startProc starts bin with args, its output appended to logPath. The
// process runs in its own process group (a terminal's Ctrl-C reaches only
// this command, which stops it) and, on Linux, is killed if this process
// dies first.
func startProc(name, bin string, args []string, logPath string, env []string) (*proc, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = env
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, logPath: logPath, log: log, done: make(chan struct{})}
	go func() { // owned by p: ends when the process exits, which stop ensures
		p.err = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	return p, nil
}

// exited returns a description of the process's exit, or nil while it
// runs.
func (p *proc) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s (pid %d) exited: %v", p.name, p.cmd.Process.Pid, p.err)
	default:
		return nil
	}
}

// signal sends sig to the process unless it has exited.
func (p *proc) signal(sig os.Signal) {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(sig) // fails only when it has just exited
	}
}

// logTail returns the last n lines of the process's output.
func (p *proc) logTail(n int) string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// stopProcs sends SIGTERM to every process, waits up to grace for them to
// exit and kills those still running. It returns once all have exited.
func stopProcs(ps []*proc, grace time.Duration) {
	for _, p := range ps {
		p.signal(syscall.SIGTERM)
	}
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	for _, p := range ps {
		select {
		case <-p.done:
		case <-deadline.C:
			for _, q := range ps {
				q.signal(syscall.SIGKILL)
			}
			for _, q := range ps {
				<-q.done
			}
			return
		}
	}
}

// cluster is a set of server processes: atoll nodes or etcd members.
type cluster struct {
	name  string
	procs []*proc
	// endpoints are the client URLs, one per process.
	endpoints []string
	grace     time.Duration
	// readyPath is the HTTP path that answers 200 once a process is
	// ready; readyBody, if set, must also accept the answer's body.
	readyPath string
	readyBody func([]byte) bool
	started   time.Time
	stopOnce  sync.Once
}

// close stops every process (SIGTERM, SIGKILL after the grace period).
// Safe to call more than once and on nil.
func (c *cluster) close() error {
	if c == nil {
		return nil
	}
	c.stopOnce.Do(func() { stopProcs(c.procs, c.grace) })
	return nil
}

// failed returns an error, with the end of the process's log, when one of
// the processes has exited; nil when all run (or c is nil).
func (c *cluster) failed() error {
	if c == nil {
		return nil
	}
	for _, p := range c.procs {
		if err := p.exited(); err != nil {
			return fmt.Errorf("%w; last lines of %s:\n%s", err, p.logPath, p.logTail(20))
		}
	}
	return nil
}

// logTails returns the last lines of every process's log, for an error
// message.
func (c *cluster) logTails() string {
	var b strings.Builder
	for _, p := range c.procs {
		fmt.Fprintf(&b, "\n--- last lines of %s:\n%s", p.logPath, p.logTail(10))
	}
	return b.String()
}

// usage is what a cluster's processes have used so far: CPU time (user
// and system) and bytes written to storage.
type usage struct {
	cpu     time.Duration
	written uint64
}

func (u usage) sub(v usage) usage { return usage{cpu: u.cpu - v.cpu, written: u.written - v.written} }

// usage returns the sum of the processes' usage; ok is false when one of
// them could not be read. A nil cluster uses nothing.
func (c *cluster) usage() (u usage, ok bool) {
	if c == nil {
		return usage{}, true
	}
	for _, p := range c.procs {
		pu, err := procUsage(p.cmd.Process.Pid)
		if err != nil {
			return usage{}, false
		}
		u.cpu += pu.cpu
		u.written += pu.written
	}
	return u, true
}

// usageSnapshot is the usage of the measured cluster and the other one at
// one instant.
type usageSnapshot struct {
	server, other usage
	ok            bool
}

func snapshotUsage(server, other *cluster) usageSnapshot {
	s, ok1 := server.usage()
	o, ok2 := other.usage()
	return usageSnapshot{server: s, other: o, ok: ok1 && ok2}
}

// freePorts returns n distinct ports free on 127.0.0.1 for both TCP and
// UDP (memberlist gossips on both). Another process may take one before
// it is used; the cluster then fails to start and says which address.
func freePorts(n int) ([]int, error) {
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	var ports []int
	for attempts := 0; len(ports) < n; attempts++ {
		if attempts > 20*n {
			return nil, fmt.Errorf("no free port pair found on 127.0.0.1 after %d attempts", attempts)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		closers = append(closers, ln)
		port := ln.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		closers = append(closers, pc)
		ports = append(ports, port)
	}
	return ports, nil
}

// childEnv is this process's environment without the variables that
// configure atoll (ATOLL_*) or etcd (ETCD_*), so that only the flags do.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ATOLL_") && !strings.HasPrefix(kv, "ETCD_") {
			env = append(env, kv)
		}
	}
	return env
}

// buildAtoll builds cmd/atoll into dir with the go command on PATH and
// returns the binary's path. It must run inside this module.
func buildAtoll(ctx context.Context, dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build atoll: %w (or give --atoll-bin)", err)
	}
	bin := filepath.Join(dir, "atoll")
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "github.com/atolldb/atoll/cmd/atoll")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build atoll: %w\n%s", err, out)
	}
	return bin, nil
}

// startAtollCluster starts n atoll nodes n1…nn on 127.0.0.1, their data and
// logs under dir: each with its own API, gRPC and gossip port,
// --bootstrap-expect n and, but for the first, --join the first's gossip
// address. Its ready method waits until every node's /readyz answers 200.
func startAtollCluster(ctx context.Context, bin, dir string, n int, grace time.Duration) (*cluster, error) {
	ports, err := freePorts(3 * n)
	if err != nil {
		return nil, err
	}
	c := &cluster{name: sysAtoll, grace: grace, readyPath: "/readyz", started: time.Now()}
	addr := func(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
	seed := addr(ports[2])
	for i := range n {
		id := "n" + strconv.Itoa(i+1)
		api, grpc, gossip := addr(ports[3*i]), addr(ports[3*i+1]), addr(ports[3*i+2])
		data := filepath.Join(dir, id)
		if err := os.MkdirAll(data, 0o755); err != nil {
			c.close()
			return nil, err
		}
		args := []string{
			"--node-id", id, "--data-dir", data,
			"--api-addr", api, "--grpc-addr", grpc, "--gossip-addr", gossip,
			"--bootstrap-expect", strconv.Itoa(n), "--log-level", "warn",
		}
		if i > 0 {
			args = append(args, "--join", seed)
		}
		p, err := startProc("atoll "+id, bin, args, filepath.Join(dir, id+".log"), childEnv())
		if err != nil {
			c.close()
			return nil, err
		}
		c.procs = append(c.procs, p)
		c.endpoints = append(c.endpoints, "http://"+api)
	}
	return c, nil
}

// etcdVersion returns the first line of `etcd --version`.
func etcdVersion(ctx context.Context, bin string) (string, error) {
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", bin, err)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(line), nil
}

// startEtcdCluster starts n etcd members e1…en on 127.0.0.1 as one new
// cluster, their data and logs under dir, with etcd's defaults otherwise
// (fsync of the WAL before an entry counts as stored). Its ready method
// waits until every member's /health reports true.
func startEtcdCluster(ctx context.Context, bin, dir string, n int, grace time.Duration) (*cluster, error) {
	ports, err := freePorts(2 * n)
	if err != nil {
		return nil, err
	}
	url := func(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) }
	var initial []string
	for i := range n {
		initial = append(initial, fmt.Sprintf("e%d=%s", i+1, url(ports[2*i+1])))
	}
	c := &cluster{name: sysEtcd, grace: grace, readyPath: "/health", started: time.Now(),
		readyBody: func(body []byte) bool { return bytes.Contains(body, []byte(`"health":"true"`)) }}
	token := fmt.Sprintf("atollbench-%d-%d", os.Getpid(), time.Now().UnixNano())
	for i := range n {
		name := "e" + strconv.Itoa(i+1)
		client, peer := url(ports[2*i]), url(ports[2*i+1])
		args := []string{
			"--name", name, "--data-dir", filepath.Join(dir, name),
			"--listen-client-urls", client, "--advertise-client-urls", client,
			"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
			"--initial-cluster", strings.Join(initial, ","),
			"--initial-cluster-state", "new", "--initial-cluster-token", token,
			"--logger", "zap", "--log-level", "warn",
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			c.close()
			return nil, err
		}
		p, err := startProc("etcd "+name, bin, args, filepath.Join(dir, name+".log"), childEnv())
		if err != nil {
			c.close()
			return nil, err
		}
		c.procs = append(c.procs, p)
		c.endpoints = append(c.endpoints, client)
	}
	return c, nil
}

// ready polls GET endpoint+readyPath on every process until each answers
// 200 (and readyBody(body), when set), failing early when a process exits
// and after readyTimeout. It returns how long the cluster took from its
// start.
func (c *cluster) ready(ctx context.Context) (time.Duration, error) {
	path, ok := c.readyPath, c.readyBody
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	ready := func(url string) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false
		}
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return resp.StatusCode == http.StatusOK && (ok == nil || ok(body))
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < len(c.endpoints); {
		if ready(c.endpoints[i] + path) {
			i++
			continue
		}
		if err := c.failed(); err != nil {
			return 0, fmt.Errorf("%s cluster did not start: %w", c.name, err)
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%s cluster: %s not ready on %s within %s: %w%s",
				c.name, c.procs[i].name, c.endpoints[i]+path, readyTimeout, ctx.Err(), c.logTails())
		case <-tick.C:
		}
	}
	return time.Since(c.started), nil
}
