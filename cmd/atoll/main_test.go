package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestParseFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{"ATOLL_API_ADDR": "127.0.0.1:9999", "ATOLL_IN_MEMORY": "true", "ATOLL_DATA_DIR": "/env/dir"}
	o, err := parse([]string{"--data-dir", "/flag/dir"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.APIAddr != "127.0.0.1:9999" || !o.cfg.InMemory {
		t.Errorf("environment not applied: APIAddr %q InMemory %v", o.cfg.APIAddr, o.cfg.InMemory)
	}
	if o.cfg.DataDir != "/flag/dir" {
		t.Errorf("DataDir = %q, want the flag to win over ATOLL_DATA_DIR", o.cfg.DataDir)
	}
	if _, err := parse(nil, func(k string) string {
		if k == "ATOLL_IN_MEMORY" {
			return "maybe"
		}
		return ""
	}, io.Discard); err == nil {
		t.Error("parse accepted ATOLL_IN_MEMORY=maybe")
	}
	d, err := parse(nil, func(string) string { return "" }, io.Discard)
	if err != nil || d.cfg.APIAddr != ":8000" || d.cfg.DataDir != "./data" || d.cfg.InMemory {
		t.Errorf("defaults = %+v, %v; want :8000, ./data, on disk", d.cfg, err)
	}
}

// server is an atoll child process.
type server struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

var readyLine = regexp.MustCompile(`msg="atoll ready" addr=(\S+)`)

// binDir holds the binary built by buildBinary; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBinary builds cmd/atoll once per test binary run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "atoll-bin")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "atoll")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func startServer(t *testing.T, dataDir string) *server {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--data-dir", dataDir, "--api-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--gossip-addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	addrCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.addr = <-addrCh:
	case err := <-s.done:
		t.Fatalf("atoll exited before it was ready: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("atoll not ready within 20s")
	}
	return s
}

func (s *server) client() *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		BaseEndpoint: aws.String("http://" + s.addr),
	})
}

// stop sends sig and waits for the process to exit.
func (s *server) stop(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("atoll did not exit within 30s of %v", sig)
		return nil
	}
}

// residentBytes returns a process's resident memory from /proc.
func residentBytes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmRSS line")
}

func createTable(t *testing.T, c *dynamodb.Client) {
	t.Helper()
	_, err := c.CreateTable(t.Context(), &dynamodb.CreateTableInput{
		TableName:            aws.String("durable"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
}

// TestKillNineLosesNoAcknowledgedWrite writes from many clients, kills the
// server with SIGKILL while they write, restarts it and reads back every
// write that was acknowledged.
func TestKillNineLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level durability test: skipped in -short mode")
	}
	dir := t.TempDir()
	s := startServer(t, dir)
	c := s.client()
	createTable(t, c)

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil && i < 5000; i++ {
				pk := fmt.Sprintf("w%d-%d", w, i)
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{
					TableName: aws.String("durable"),
					Item: map[string]types.AttributeValue{
						"pk": &types.AttributeValueMemberS{Value: pk},
						"n":  &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
					},
				})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, pk)
				mu.Unlock()
			}
		}()
	}
	// Kill once a good number of writes have been acknowledged.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling the counter, bounded by deadline
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done
	cancel()
	wg.Wait()
	if len(acked) < 300 {
		t.Fatalf("only %d writes acknowledged before the deadline", len(acked))
	}

	s2 := startServer(t, dir)
	c2 := s2.client()
	for _, pk := range acked {
		out, err := c2.GetItem(t.Context(), &dynamodb.GetItemInput{
			TableName: aws.String("durable"),
			Key:       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}},
		})
		if err != nil {
			t.Fatalf("GetItem(%s) after restart: %v", pk, err)
		}
		if out.Item == nil {
			t.Fatalf("acknowledged write %s lost after SIGKILL (%d acknowledged)", pk, len(acked))
		}
	}
	t.Logf("%d acknowledged writes all survived SIGKILL", len(acked))
}

// TestGracefulRestart stops the server with SIGTERM, checks it exits
// cleanly, and reads the data back after a restart.
func TestGracefulRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test: skipped in -short mode")
	}
	dir := t.TempDir()
	s := startServer(t, dir)
	if rss, err := residentBytes(s.cmd.Process.Pid); err != nil {
		t.Logf("resident memory not measured: %v", err)
	} else if rss > 100<<20 {
		t.Errorf("idle node uses %d MB resident, want under 100 MB", rss>>20)
	}
	c := s.client()
	createTable(t, c)
	_, err := c.PutItem(t.Context(), &dynamodb.PutItemInput{
		TableName: aws.String("durable"),
		Item:      map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.stop(t, syscall.SIGTERM); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("atoll exited with %v after SIGTERM, want 0", exit)
		}
		t.Fatal(err)
	}
	s2 := startServer(t, dir)
	out, err := s2.client().GetItem(t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String("durable"),
		Key:       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}},
	})
	if err != nil || out.Item == nil {
		t.Fatalf("GetItem after graceful restart = %v, %v", out, err)
	}
	if err := s2.stop(t, syscall.SIGINT); err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}
}
