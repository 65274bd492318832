package deploy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// tmpRoot holds what the helpers build once per test binary; TestMain
// removes it.
var tmpRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "atoll-deploy-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmpRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module's root, the parent of this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// buildAtoll builds cmd/atoll for this machine once per test binary run.
var buildAtoll = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(tmpRoot, "atoll")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/atoll")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ../cmd/atoll: %v\n%s", err, out)
	}
	return bin, nil
})

// atollBinary returns the path of the atoll binary built from this tree.
func atollBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildAtoll()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// flagLine matches a flag in the output of flag.PrintDefaults,
// "  -api-addr string" (no type word for a boolean flag), and defaultPart
// the `(default ":8000")` that ends its usage.
var (
	flagLine    = regexp.MustCompile(`^  -([a-z0-9][a-z0-9-]*)(?: ([a-z0-9]+))?(?:\s|$)`)
	defaultPart = regexp.MustCompile(`\(default "?([^")]*)"?\)\s*$`)
)

// cliFlags are the flags of the atoll binary.
type cliFlags struct {
	// defaults maps every flag to its default ("" when none is shown).
	defaults map[string]string
	// bools holds the boolean flags, which take no separate value.
	bools map[string]bool
}

// atollFlags returns the flags of the atoll binary built from this tree,
// read from its -help output.
func atollFlags(t *testing.T) cliFlags {
	t.Helper()
	out, _ := exec.Command(atollBinary(t), "-help").CombinedOutput() // -help exits 2
	if !strings.Contains(string(out), "Usage: atoll") {
		t.Fatalf("atoll -help printed no usage:\n%s", out)
	}
	f := cliFlags{defaults: map[string]string{}, bools: map[string]bool{}}
	last := ""
	for line := range strings.SplitSeq(string(out), "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			last = m[1]
			f.defaults[last] = ""
			if m[2] == "" {
				f.bools[last] = true
			}
			line = line[len(m[0]):]
		}
		if m := defaultPart.FindStringSubmatch(line); m != nil && last != "" {
			f.defaults[last] = m[1]
		}
	}
	if len(f.defaults) < 10 {
		t.Fatalf("found only %d flags in atoll -help:\n%s", len(f.defaults), out)
	}
	return f
}

// envName mirrors cmd/atoll: the environment variable of a flag.
func envName(flag string) string {
	return "ATOLL_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// flagOfEnv returns the flag an ATOLL_* variable sets, if any.
func (c cliFlags) flagOfEnv(name string) (string, bool) {
	for f := range c.defaults {
		if envName(f) == name {
			return f, true
		}
	}
	return "", false
}

// parseArgs splits command-line arguments into flag values: "--name=v",
// "--name v" and, for the boolean flags, "--name" alone. It reports
// arguments that are not flags of the binary.
func (c cliFlags) parseArgs(args []string) (map[string]string, error) {
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return nil, fmt.Errorf("argument %q is not a flag", a)
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if _, ok := c.defaults[name]; !ok {
			return nil, fmt.Errorf("%q is not a flag of atoll", a)
		}
		if !hasValue && !c.bools[name] {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag %q has no value", a)
			}
			i++
			value = args[i]
		}
		out[name] = value
	}
	return out, nil
}

// startLocalNode starts the atoll binary as a single in-memory node on
// loopback ports and returns its API address once it is ready.
func startLocalNode(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(atollBinary(t), "--in-memory", "--node-id", "probe-check",
		"--api-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--gossip-addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	ready := regexp.MustCompile(`msg="atoll ready" addr=(\S+)`)
	addrCh := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
	}()
	select {
	case addr := <-addrCh:
		return addr
	case <-done:
		t.Fatal("atoll exited before it was ready")
	case <-time.After(30 * time.Second):
		t.Fatal("atoll not ready within 30s")
	}
	return ""
}

// run runs a command under ctx and returns its combined output; the error
// names the command and carries the output.
func run(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}
