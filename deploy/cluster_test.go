package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Bounds of the container test.
const (
	// clusterTestTimeout bounds the whole test: image builds, the cluster's
	// life and every check (not the teardown, bounded by teardownTimeout).
	clusterTestTimeout = 5 * time.Minute
	teardownTimeout    = time.Minute
	// formTimeout bounds a new cluster's formation, and a restarted or
	// reconnected node's return to ready.
	formTimeout = 2 * time.Minute
	// failoverTimeout bounds how long after losing a node every range
	// accepts writes again: Raft's election timeout in a cluster is 5 s
	// (replication.DefaultConfig), so failover takes 5 to 10 s.
	failoverTimeout = 40 * time.Second
	// partitionLimit bounds how long a node stays cut off: long enough for
	// the majority to elect new leaders, short enough to stay well inside
	// the test's bound.
	partitionLimit = 25 * time.Second
	// requestTimeout bounds each DynamoDB request of the test.
	requestTimeout = 5 * time.Second
)

var services = []string{"atoll1", "atoll2", "atoll3"}

// dockerEnv is what the container test needs from the machine.
type dockerEnv struct {
	compose []string // "docker-compose" or "docker compose"
	root    string   // the module root, for make
}

// requireDocker skips the test, saying why, unless a Docker engine answers
// and docker-compose (or `docker compose`) and make are installed.
func requireDocker(t *testing.T) dockerEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("SKIPPED container test of deploy/: -short mode")
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skipf("SKIPPED container test of deploy/: no docker command (%v); install Docker to run it", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "info").CombinedOutput(); err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		t.Skipf("SKIPPED container test of deploy/: no Docker engine reachable (`docker info`: %v: %s)", err, strings.TrimSpace(lines[len(lines)-1]))
	}
	env := dockerEnv{root: repoRoot(t)}
	if _, err := exec.LookPath("docker-compose"); err == nil {
		env.compose = []string{"docker-compose"}
	} else if exec.CommandContext(ctx, "docker", "compose", "version").Run() == nil {
		env.compose = []string{"docker", "compose"}
	} else {
		t.Skip("SKIPPED container test of deploy/: neither docker-compose nor `docker compose` is installed")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skipf("SKIPPED container test of deploy/: no make to run `make docker` (%v)", err)
	}
	return env
}

// cluster is a compose project of deploy/docker-compose.yml started by the
// test, with every host port chosen by Docker.
type cluster struct {
	env     dockerEnv
	project string
	probe   string // image of internal/probe
	vars    []string

	mu    sync.Mutex
	addrs map[string]string // service -> host address of its API
}

// compose runs a compose command on the project.
func (c *cluster) compose(ctx context.Context, args ...string) (string, error) {
	full := append(slices.Clone(c.env.compose[1:]), "-p", c.project, "-f", filepath.Join(c.env.root, "deploy", "docker-compose.yml"))
	return run(ctx, c.vars, c.env.compose[0], append(full, args...)...)
}

// container returns the container ID of a service.
func (c *cluster) container(ctx context.Context, svc string) (string, error) {
	out, err := c.compose(ctx, "ps", "-q", svc)
	if err != nil {
		return "", err
	}
	if id := strings.TrimSpace(out); id != "" {
		return id, nil
	}
	return "", fmt.Errorf("service %s has no container", svc)
}

// mustContainer is container for the test's goroutine.
func (c *cluster) mustContainer(ctx context.Context, t *testing.T, svc string) string {
	t.Helper()
	id, err := c.container(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// resolveAddr asks Docker for the host port of a service's API (it changes
// when the container restarts).
func (c *cluster) resolveAddr(ctx context.Context, svc string) (string, error) {
	out, err := c.compose(ctx, "port", svc, "8000")
	if err != nil {
		return "", err
	}
	_, port, err := net.SplitHostPort(strings.TrimSpace(out))
	if err != nil || port == "0" {
		return "", fmt.Errorf("port of %s: %q: %v", svc, out, err)
	}
	addr := net.JoinHostPort("127.0.0.1", port)
	c.mu.Lock()
	c.addrs[svc] = addr
	c.mu.Unlock()
	return addr, nil
}

func (c *cluster) addr(svc string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addrs[svc]
}

// client returns a DynamoDB client of a service's API, without retries: the
// test decides what a failure means.
func (c *cluster) client(svc string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		BaseEndpoint: aws.String("http://" + c.addr(svc)),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Timeout: requestTimeout},
	})
}

// waitReady waits until a service's /readyz answers 200.
func (c *cluster) waitReady(ctx context.Context, svc string, within time.Duration) error {
	return eventually(ctx, within, func() error {
		addr, err := c.resolveAddr(ctx, svc)
		if err != nil {
			return err
		}
		hc := &http.Client{Timeout: 2 * time.Second}
		resp, err := hc.Get("http://" + addr + "/readyz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s /readyz: %s", svc, resp.Status)
		}
		return nil
	})
}

// clusterStatus is `atollctl status -o json`.
type clusterStatus struct {
	NodeID     string `json:"nodeId"`
	MetaLeader string `json:"metaLeader"`
	Nodes      []struct {
		ID      string `json:"id"`
		State   string `json:"state"`
		Leaders int    `json:"leaders"`
	} `json:"nodes"`
	Totals struct {
		Nodes               int `json:"nodes"`
		NodesAlive          int `json:"nodesAlive"`
		Ranges              int `json:"ranges"`
		RangesWithoutLeader int `json:"rangesWithoutLeader"`
	} `json:"totals"`
}

// status runs atollctl inside a service's container.
func (c *cluster) status(ctx context.Context, svc string) (clusterStatus, error) {
	var st clusterStatus
	id, err := c.container(ctx, svc)
	if err != nil {
		return st, err
	}
	out, err := run(ctx, nil, "docker", "exec", id, "/atollctl", "status", "-o", "json")
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		return st, fmt.Errorf("atollctl status -o json: %w: %s", err, out)
	}
	return st, nil
}

// probeResult is the line internal/probe prints.
type probeResult struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
	Error  string `json:"error"`
}

// probeInside sends one request to a service's API from inside its
// container's network namespace, which reaches it even when the container
// is cut off from every network.
func (c *cluster) probeInside(ctx context.Context, svc, op string, body any, timeout time.Duration) (probeResult, error) {
	var r probeResult
	b, err := json.Marshal(body)
	if err != nil {
		return r, err
	}
	id, err := c.container(ctx, svc)
	if err != nil {
		return r, err
	}
	out, err := run(ctx, nil, "docker", "run", "--rm", "--network", "container:"+id, c.probe,
		"-addr", "127.0.0.1:8000", "-op", op, "-body", string(b), "-timeout", timeout.String())
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &r); err != nil {
		return r, fmt.Errorf("probe printed %q: %w", out, err)
	}
	return r, nil
}

// eventually calls f until it returns nil, ctx ends or within passes, and
// returns f's last error.
func eventually(ctx context.Context, within time.Duration, f func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := f()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %v: %w", within, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func randomID(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// buildImages builds the atoll image with `make docker` (the commands users
// run) and the probe image, and removes both when the test ends.
func buildImages(ctx context.Context, t *testing.T, env dockerEnv, id string) (image, probe string) {
	t.Helper()
	image, probe = "atoll:test-"+id, "atoll-probe:test-"+id
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), teardownTimeout)
		defer cancel()
		if out, err := run(ctx, nil, "docker", "rmi", "-f", image, probe); err != nil {
			t.Logf("remove test images: %v\n%s", err, out)
		}
	})
	buildDir := filepath.Join(t.TempDir(), "image")
	start := time.Now()
	if _, err := run(ctx, nil, "make", "-C", env.root, "docker", "IMAGE="+image, "DOCKER_BUILD_DIR="+buildDir); err != nil {
		t.Fatalf("make docker: %v", err)
	}
	probeDir := filepath.Join(t.TempDir(), "probe")
	if _, err := run(ctx, []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-o", filepath.Join(probeDir, "probe"), "./internal/probe"); err != nil {
		t.Fatal(err)
	}
	dockerfile := "FROM scratch\nCOPY probe /probe\nENTRYPOINT [\"/probe\"]\n"
	if err := os.WriteFile(filepath.Join(probeDir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := run(ctx, nil, "docker", "build", "--pull=false", "-t", probe, probeDir); err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s and %s in %v", image, probe, time.Since(start).Round(time.Millisecond))
	return image, probe
}

// startCluster starts deploy/docker-compose.yml under a project of its own
// with Docker-chosen host ports, registers its teardown (containers,
// network and volumes, even when the test fails) and waits until every node
// is ready.
func startCluster(ctx context.Context, t *testing.T, env dockerEnv, id, image, probe string) *cluster {
	t.Helper()
	c := &cluster{
		env: env, project: "atolltest" + id, probe: probe, addrs: map[string]string{},
		vars: []string{"ATOLL_IMAGE=" + image, "ATOLL_PORT1=0", "ATOLL_PORT2=0", "ATOLL_PORT3=0", "ATOLL_LOG_LEVEL=info", "ATOLL_RESTART=no"},
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), teardownTimeout)
		defer cancel()
		if t.Failed() {
			if out, err := c.compose(ctx, "logs", "--no-color", "--tail=25"); err == nil {
				t.Logf("logs of the failed cluster (last lines of each node):\n%s", out)
			}
		}
		if out, err := c.compose(ctx, "down", "-v", "--remove-orphans", "-t", "5"); err != nil {
			t.Errorf("tear down %s: %v\n%s", c.project, err, out)
		}
	})
	start := time.Now()
	if _, err := c.compose(ctx, "up", "-d"); err != nil {
		t.Fatalf("compose up: %v", err)
	}
	for _, svc := range services {
		if err := c.waitReady(ctx, svc, formTimeout); err != nil {
			t.Fatalf("%s not ready: %v", svc, err)
		}
	}
	t.Logf("cluster %s ready in %v: %v", c.project, time.Since(start).Round(time.Millisecond), c.addrs)
	return c
}

// TestCluster runs deploy/docker-compose.yml on the Docker engine: a smoke
// test through every node, a node killed under a write load and restarted,
// and a node cut off the network and reconnected.
func TestCluster(t *testing.T) {
	env := requireDocker(t)
	ctx, cancel := context.WithTimeout(t.Context(), clusterTestTimeout)
	defer cancel()
	begin := time.Now()
	id := randomID(t)
	image, probe := buildImages(ctx, t, env, id)
	c := startCluster(ctx, t, env, id, image, probe)

	for _, table := range []string{"smoke", "load"} {
		if _, err := c.client("atoll1").CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(table),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest,
		}); err != nil {
			t.Fatalf("CreateTable(%s) through atoll1: %v", table, err)
		}
	}
	ok := t.Run("Smoke", func(t *testing.T) { testSmoke(ctx, t, c) }) &&
		t.Run("KillAndRestart", func(t *testing.T) { testKillAndRestart(ctx, t, c) }) &&
		t.Run("Partition", func(t *testing.T) { testPartition(ctx, t, c) })
	if ok {
		t.Logf("container test took %v before teardown", time.Since(begin).Round(time.Second))
	}
}

// testSmoke: every node sees the tables, and an item written through any
// node is read, strongly consistent, through every node.
func testSmoke(ctx context.Context, t *testing.T, c *cluster) {
	for _, svc := range services {
		err := eventually(ctx, 30*time.Second, func() error {
			out, err := c.client(svc).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("smoke")})
			if err != nil {
				return err
			}
			if out.Table.TableStatus != types.TableStatusActive {
				return fmt.Errorf("status %s", out.Table.TableStatus)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("DescribeTable(smoke) through %s: %v", svc, err)
		}
	}
	for _, svc := range services {
		if _, err := c.client(svc).PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String("smoke"),
			Item: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: "via-" + svc},
				"v":  &types.AttributeValueMemberS{Value: "written through " + svc},
			},
		}); err != nil {
			t.Fatalf("PutItem through %s: %v", svc, err)
		}
	}
	for _, reader := range services {
		for _, writer := range services {
			out, err := c.client(reader).GetItem(ctx, &dynamodb.GetItemInput{
				TableName:      aws.String("smoke"),
				Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "via-" + writer}},
				ConsistentRead: aws.Bool(true),
			})
			if err != nil {
				t.Errorf("GetItem(via-%s) through %s: %v", writer, reader, err)
				continue
			}
			v, _ := out.Item["v"].(*types.AttributeValueMemberS)
			if v == nil || v.Value != "written through "+writer {
				t.Errorf("GetItem(via-%s) through %s = %v, want v %q", writer, reader, out.Item, "written through "+writer)
			}
		}
		scan, err := c.client(reader).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("smoke"), ConsistentRead: aws.Bool(true)})
		if err != nil || scan.Count != int32(len(services)) {
			t.Errorf("Scan(smoke) through %s: %v items, %v; want %d", reader, scan, err, len(services))
		}
	}
}

// acks records the writes the cluster acknowledged.
type acks struct {
	mu   sync.Mutex
	keys []string
	at   []time.Time
	errs int
}

func (a *acks) add(key string) {
	a.mu.Lock()
	a.keys, a.at = append(a.keys, key), append(a.at, time.Now())
	a.mu.Unlock()
}

func (a *acks) fail() {
	a.mu.Lock()
	a.errs++
	a.mu.Unlock()
}

// since counts the acknowledgements after t.
func (a *acks) since(t time.Time) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, at := range a.at {
		if at.After(t) {
			n++
		}
	}
	return n
}

func (a *acks) snapshot() ([]string, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.keys), a.errs
}

// put writes one item of the load table.
func (c *cluster) put(ctx context.Context, svc, key string) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, err := c.client(svc).PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String("load"),
		Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: key},
			"v":  &types.AttributeValueMemberS{Value: key},
		},
	})
	return err
}

// writeLoad runs writers that put new keys through the given services, in
// turn, until stop is closed, recording every acknowledged key.
func (c *cluster) writeLoad(ctx context.Context, prefix string, via []string, writers int, stop <-chan struct{}, a *acks) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				key := fmt.Sprintf("%s-w%d-%06d", prefix, w, i)
				if err := c.put(ctx, via[(w+i)%len(via)], key); err != nil {
					a.fail()
					continue
				}
				a.add(key)
			}
		}()
	}
	return &wg
}

// putAll writes keys through the given services until each is
// acknowledged, within the timeout; it returns the keys not acknowledged.
func (c *cluster) putAll(ctx context.Context, keys, via []string, within time.Duration) []string {
	deadline := time.Now().Add(within)
	var mu sync.Mutex
	var missing []string
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8) // concurrent writers
	for i, key := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			for try := 0; ; try++ {
				if c.put(ctx, via[(i+try)%len(via)], key) == nil {
					return
				}
				if time.Now().After(deadline) || ctx.Err() != nil {
					mu.Lock()
					missing = append(missing, key)
					mu.Unlock()
					return
				}
				select {
				case <-ctx.Done():
				case <-time.After(200 * time.Millisecond):
				}
			}
		}()
	}
	wg.Wait()
	return missing
}

// readAll reads keys of the load table through a service with
// BatchGetItem and returns those it did not find.
func (c *cluster) readAll(ctx context.Context, svc string, keys []string, consistent bool) ([]string, error) {
	found := map[string]bool{}
	for i := 0; i < len(keys); i += 100 {
		var ks []map[string]types.AttributeValue
		for _, k := range keys[i:min(i+100, len(keys))] {
			ks = append(ks, map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: k}})
		}
		req := map[string]types.KeysAndAttributes{"load": {Keys: ks, ConsistentRead: aws.Bool(consistent)}}
		for len(req) > 0 {
			rctx, cancel := context.WithTimeout(ctx, requestTimeout)
			out, err := c.client(svc).BatchGetItem(rctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			cancel()
			if err != nil {
				return nil, err
			}
			for _, item := range out.Responses["load"] {
				if pk, ok := item["pk"].(*types.AttributeValueMemberS); ok {
					found[pk.Value] = true
				}
			}
			req = out.UnprocessedKeys
		}
	}
	var missing []string
	for _, k := range keys {
		if !found[k] {
			missing = append(missing, k)
		}
	}
	return missing, nil
}

// checkAllPresent reads keys through svc until every one is there (or the
// timeout passes) and reports the missing ones.
func (c *cluster) checkAllPresent(ctx context.Context, t *testing.T, svc string, keys []string, consistent bool, within time.Duration) {
	t.Helper()
	var missing []string
	err := eventually(ctx, within, func() error {
		m, err := c.readAll(ctx, svc, keys, consistent)
		if err != nil {
			return err
		}
		if missing = m; len(m) > 0 {
			return fmt.Errorf("%d of %d keys missing", len(m), len(keys))
		}
		return nil
	})
	if err != nil {
		t.Errorf("read %d acknowledged keys through %s (consistent %v): %v; missing %q", len(keys), svc, consistent, err, missing[:min(10, len(missing))])
	}
}

// others returns the services other than svc.
func others(svc string) []string {
	var out []string
	for _, s := range services {
		if s != svc {
			out = append(out, s)
		}
	}
	return out
}

func keysOf(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	return keys
}

// testKillAndRestart kills the meta group's leader with SIGKILL while
// writers put items through the other nodes: every range accepts writes
// again after failover, the killed node comes back ready, and every
// acknowledged write is read back through it.
func testKillAndRestart(ctx context.Context, t *testing.T, c *cluster) {
	st, err := c.status(ctx, "atoll1")
	if err != nil {
		t.Fatal(err)
	}
	victim := st.MetaLeader
	if !slices.Contains(services, victim) {
		victim = "atoll1"
	}
	survivors := others(victim)
	t.Logf("killing %s (meta leader %q); writing through %v", victim, st.MetaLeader, survivors)

	var load acks
	stop := make(chan struct{})
	wg := c.writeLoad(ctx, "kill", survivors, 4, stop, &load)
	stopped := false
	stopLoad := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer stopLoad()
	if err := eventually(ctx, 30*time.Second, func() error {
		if n := load.since(time.Time{}); n < 50 {
			return fmt.Errorf("%d writes acknowledged", n)
		}
		return nil
	}); err != nil {
		t.Fatalf("write load before the kill: %v", err)
	}

	killed := time.Now()
	if _, err := run(ctx, nil, "docker", "kill", c.mustContainer(ctx, t, victim)); err != nil {
		t.Fatal(err)
	}
	// Every range takes writes again: 64 new keys through the survivors
	// cover the 8 ranges (a range gets none with probability 8·(7/8)^64 ≈
	// 0.2%).
	afterKill := keysOf("after-kill", 64)
	if missing := c.putAll(ctx, afterKill, survivors, failoverTimeout); len(missing) > 0 {
		t.Fatalf("%d of %d writes through %v not acknowledged within %v of killing %s: %q", len(missing), len(afterKill), survivors, failoverTimeout, victim, missing[:min(10, len(missing))])
	}
	failover := time.Since(killed)
	before := load.since(killed)
	t.Logf("every range took writes again %v after the kill; %d load writes acknowledged since the kill", failover.Round(100*time.Millisecond), before)

	restarted := time.Now()
	if _, err := run(ctx, nil, "docker", "start", c.mustContainer(ctx, t, victim)); err != nil {
		t.Fatal(err)
	}
	if err := c.waitReady(ctx, victim, formTimeout); err != nil {
		t.Fatalf("%s not ready after its restart: %v", victim, err)
	}
	t.Logf("%s ready %v after its restart", victim, time.Since(restarted).Round(100*time.Millisecond))
	// Writes go on while it catches up, through all three nodes now.
	more := keysOf("after-restart", 32)
	if missing := c.putAll(ctx, more, services, failoverTimeout); len(missing) > 0 {
		t.Errorf("%d writes after the restart not acknowledged: %q", len(missing), missing[:min(10, len(missing))])
	}
	stopLoad()
	keys, failed := load.snapshot()
	if n := load.since(killed.Add(failover)); n == 0 {
		t.Errorf("no load write acknowledged after failover (%d before the kill, %d failed)", len(keys), failed)
	}
	keys = append(append(keys, afterKill...), more...)
	t.Logf("%d writes acknowledged in all, %d load writes failed or timed out", len(keys), failed)

	// Nothing acknowledged is lost, and the restarted node caught up: a
	// strongly consistent read through it sees every write, and so, within
	// the staleness bound, does an eventually consistent one.
	c.checkAllPresent(ctx, t, victim, keys, true, 30*time.Second)
	c.checkAllPresent(ctx, t, survivors[0], keys, true, 30*time.Second)
	c.checkAllPresent(ctx, t, victim, keys, false, 30*time.Second)
	if err := eventually(ctx, 30*time.Second, func() error { return c.healthy(ctx, victim) }); err != nil {
		t.Errorf("cluster after the restart: %v", err)
	}
}

// leaders reports whether svc sees a leader for every range.
func (c *cluster) leaders(ctx context.Context, svc string) error {
	st, err := c.status(ctx, svc)
	if err != nil {
		return err
	}
	if st.Totals.Ranges == 0 || st.Totals.RangesWithoutLeader != 0 {
		return fmt.Errorf("%s sees %d ranges, %d without a leader", svc, st.Totals.Ranges, st.Totals.RangesWithoutLeader)
	}
	return nil
}

// allAlive reports whether svc sees every node alive through gossip.
func (c *cluster) allAlive(ctx context.Context, svc string) error {
	st, err := c.status(ctx, svc)
	if err != nil {
		return err
	}
	if st.Totals.NodesAlive != len(services) {
		var dead []string
		for _, n := range st.Nodes {
			if n.State != "alive" {
				dead = append(dead, n.ID+" "+n.State)
			}
		}
		return fmt.Errorf("%s sees %d of %d nodes alive (%s)", svc, st.Totals.NodesAlive, len(services), strings.Join(dead, ", "))
	}
	return nil
}

// healthy reports whether svc sees every node alive and a leader for every
// range.
func (c *cluster) healthy(ctx context.Context, svc string) error {
	return errors.Join(c.leaders(ctx, svc), c.allAlive(ctx, svc))
}

// endpoint is a container's attachment to a network, as docker inspect
// shows it.
type endpoint struct {
	Aliases   []string `json:"Aliases"`
	IPAddress string   `json:"IPAddress"`
}

func (c *cluster) networks(ctx context.Context, container string) (map[string]endpoint, error) {
	out, err := run(ctx, nil, "docker", "inspect", "-f", "{{json .NetworkSettings.Networks}}", container)
	if err != nil {
		return nil, err
	}
	var nets map[string]endpoint
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &nets); err != nil {
		return nil, fmt.Errorf("docker inspect: %w: %s", err, out)
	}
	return nets, nil
}

// testPartition cuts the node leading the most ranges off the network: the
// other two keep serving every range, the cut-off node refuses strongly
// consistent reads and writes, and after it is reconnected it is ready
// again, reads what the majority wrote, and the cluster sees three nodes
// alive with a leader for every range.
func testPartition(ctx context.Context, t *testing.T, c *cluster) {
	if err := eventually(ctx, 30*time.Second, func() error { return c.healthy(ctx, "atoll1") }); err != nil {
		t.Fatalf("cluster before the partition: %v", err)
	}
	st, err := c.status(ctx, "atoll1")
	if err != nil {
		t.Fatal(err)
	}
	victim, most := "atoll3", -1
	for _, n := range st.Nodes {
		if n.Leaders > most && slices.Contains(services, n.ID) {
			victim, most = n.ID, n.Leaders
		}
	}
	majority := others(victim)
	existing := map[string]any{"pk": map[string]string{"S": "via-atoll1"}}
	consistentGet := map[string]any{"TableName": "smoke", "Key": existing, "ConsistentRead": true}
	// The probe reaches the node from inside its network namespace: check
	// that path while the node is connected, so a failure below means a
	// refusal and not a broken probe.
	if r, err := c.probeInside(ctx, victim, "GetItem", consistentGet, requestTimeout); err != nil || r.Status != http.StatusOK {
		t.Fatalf("probe inside %s before the partition: %+v, %v", victim, r, err)
	}

	cid := c.mustContainer(ctx, t, victim)
	nets, err := c.networks(ctx, cid)
	if err != nil || len(nets) != 1 {
		t.Fatalf("networks of %s: %v, %v; want one", victim, nets, err)
	}
	var netName string
	var ep endpoint
	for name, e := range nets {
		netName, ep = name, e
	}
	t.Logf("cutting %s (leader of %d ranges, %s on %s) off the network", victim, most, ep.IPAddress, netName)
	cut := time.Now()
	if _, err := run(ctx, nil, "docker", "network", "disconnect", netName, cid); err != nil {
		t.Fatal(err)
	}
	reconnected := false
	reconnect := func() {
		if reconnected {
			return
		}
		reconnected = true
		args := []string{"network", "connect"}
		for _, a := range ep.Aliases {
			args = append(args, "--alias", a)
		}
		if _, err := run(ctx, nil, "docker", append(args, netName, cid)...); err != nil {
			t.Fatalf("reconnect %s: %v", victim, err)
		}
		t.Logf("reconnected %s after %v", victim, time.Since(cut).Round(100*time.Millisecond))
	}
	defer reconnect()

	// The majority keeps serving every range, while the minority refuses.
	var wg sync.WaitGroup
	during := keysOf("during-partition", 64)
	var missing []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		missing = c.putAll(ctx, during, majority, partitionLimit-5*time.Second)
	}()
	minority := map[string]struct {
		op   string
		body any
	}{
		"PutItem":            {"PutItem", map[string]any{"TableName": "smoke", "Item": map[string]any{"pk": map[string]string{"S": "minority-put"}}}},
		"consistent GetItem": {"GetItem", consistentGet},
	}
	var mu sync.Mutex
	refusals := map[string]probeResult{}
	for name, req := range minority {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.probeInside(ctx, victim, req.op, req.body, 10*time.Second)
			if err != nil {
				t.Errorf("probe %s inside %s: %v", name, victim, err)
				return
			}
			mu.Lock()
			refusals[name] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	reconnect()
	if len(missing) > 0 {
		t.Errorf("the majority %v acknowledged %d of %d writes within %v of the partition; missing %q", majority, len(during)-len(missing), len(during), partitionLimit-5*time.Second, missing[:min(10, len(missing))])
	}
	for name, r := range refusals {
		if r.Error == "" && r.Status == http.StatusOK {
			t.Errorf("%s through the cut-off %s succeeded: %s", name, victim, r.Body)
		} else {
			t.Logf("%s through the cut-off %s refused: status %d %s%s", name, victim, r.Status, truncate(r.Body, 200), r.Error)
		}
	}

	nets, err = c.networks(ctx, cid)
	if err == nil && nets[netName].IPAddress != ep.IPAddress {
		t.Logf("%s came back with IP %s instead of %s: gossip advertises the address it picked at start", victim, nets[netName].IPAddress, ep.IPAddress)
	}
	healed := time.Now()
	if err := c.waitReady(ctx, victim, formTimeout); err != nil {
		t.Fatalf("%s not ready after reconnecting: %v", victim, err)
	}
	acked := slices.DeleteFunc(slices.Clone(during), func(k string) bool { return slices.Contains(missing, k) })
	c.checkAllPresent(ctx, t, victim, acked, true, 30*time.Second)
	c.checkAllPresent(ctx, t, victim, acked, false, 30*time.Second)
	if err := eventually(ctx, 30*time.Second, func() error {
		for _, svc := range services {
			if err := c.leaders(ctx, svc); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Errorf("after healing: %v", err)
	}
	t.Logf("%s ready and caught up %v after reconnecting", victim, time.Since(healed).Round(100*time.Millisecond))

	// Gossip heals too: every node sees the others alive again. This fails
	// while node/membership never contacts a member it declared dead again
	// (memberlist stops gossiping to it once its broadcasts drained, and
	// neither probes nor push/pull dead members), which a partition longer
	// than the suspicion timeout (4 s with three nodes) always causes.
	t.Run("GossipHeals", func(t *testing.T) {
		if err := eventually(ctx, 30*time.Second, func() error {
			for _, svc := range services {
				if err := c.allAlive(ctx, svc); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Errorf("gossip after healing a %v partition: %v", healed.Sub(cut).Round(time.Second), err)
		}
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
