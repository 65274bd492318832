package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/atolldb/atoll/node/membership"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/replication"
)

// fastRaft returns Raft timeouts for in-process clusters on loopback.
func fastRaft() replication.Config {
	c := replication.DefaultConfig()
	c.HeartbeatTimeout = 300 * time.Millisecond
	c.ElectionTimeout = 300 * time.Millisecond
	c.LeaderLeaseTimeout = 150 * time.Millisecond
	c.CommitTimeout = 20 * time.Millisecond
	return c
}

// testCluster is a cluster of in-process nodes on loopback.
type testCluster struct {
	t     *testing.T
	nodes []*Node
}

// testConfig returns the configuration of in-memory node i of a cluster
// formed by expect nodes, joining through seed (none for the first).
func testConfig(i, expect int, seed string) Config {
	cfg := DefaultConfig()
	cfg.NodeID = fmt.Sprintf("n%d", i+1)
	cfg.InMemory = true
	cfg.APIAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.Gossip = membership.TestConfig()
	cfg.BootstrapExpect = expect
	cfg.Ranges = 4
	cfg.Raft = fastRaft()
	cfg.Meta.HeartbeatTimeout, cfg.Meta.ElectionTimeout = 300*time.Millisecond, 300*time.Millisecond
	cfg.Meta.LeaderLeaseTimeout = 150 * time.Millisecond
	if seed != "" {
		cfg.Join = []string{seed}
	}
	if os.Getenv("ATOLL_TEST_LOG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("test_node", cfg.NodeID)
	}
	return cfg
}

// newNode creates a node (not started) closed at the end of the test.
func (c *testCluster) newNode(cfg Config) *Node {
	c.t.Helper()
	n, err := New(cfg)
	if err != nil {
		c.t.Fatalf("New(%s): %v", cfg.NodeID, err)
	}
	c.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n.Close(ctx) // a second Close (after a kill) does nothing
	})
	c.nodes = append(c.nodes, n)
	return n
}

// startCluster starts size in-memory nodes that form one cluster; tune,
// when not nil, adjusts each node's configuration.
func startCluster(t *testing.T, size int, tune ...func(*Config)) *testCluster {
	t.Helper()
	c := &testCluster{t: t}
	var seed string
	for i := range size {
		cfg := testConfig(i, size, seed)
		for _, f := range tune {
			f(&cfg)
		}
		n := c.newNode(cfg)
		if seed == "" {
			seed = n.GossipAddr()
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, size)
	for i, n := range c.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = n.Start(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Start(n%d): %v", i+1, err)
		}
	}
	return c
}

// addNode starts one more node that joins the running cluster.
func (c *testCluster) addNode(tune ...func(*Config)) *Node {
	c.t.Helper()
	var seed string
	for _, n := range c.nodes {
		if n != nil {
			seed = n.GossipAddr()
			break
		}
	}
	cfg := testConfig(len(c.nodes), c.nodes[0].cfg.BootstrapExpect, seed)
	for _, f := range tune {
		f(&cfg)
	}
	n := c.newNode(cfg)
	ctx, cancel := context.WithTimeout(c.t.Context(), 60*time.Second)
	defer cancel()
	if err := n.Start(ctx); err != nil {
		c.t.Fatalf("Start(%s): %v", cfg.NodeID, err)
	}
	return n
}

// client returns an SDK client of node i's DynamoDB API.
func (c *testCluster) client(i int) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		BaseEndpoint:     aws.String("http://" + c.nodes[i].Addr().String()),
		RetryMaxAttempts: 1,
	})
}

func TestClusterTableUsableFromEveryNode(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process cluster test; skipped in -short mode")
	}
	c := startCluster(t, 3)
	ctx := t.Context()

	// Every range has three replicas on distinct nodes.
	st := c.nodes[0].meta.State()
	if len(st.Ranges) != 4 {
		t.Fatalf("ring has %d ranges, want 4", len(st.Ranges))
	}
	for _, r := range st.Ranges {
		seen := map[string]bool{}
		for _, v := range r.Voters {
			seen[v] = true
		}
		if len(seen) != 3 {
			t.Errorf("range of group %d has voters %v, want 3 distinct nodes", r.Group, r.Voters)
		}
	}

	_, err := c.client(0).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("tbl"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("CreateTable on n1: %v", err)
	}
	// Every node finds the table at once (a lookup miss syncs with the
	// meta leader), then sees it ACTIVE.
	for i := range c.nodes {
		if _, err := c.client(i).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("tbl")}); err != nil {
			t.Fatalf("DescribeTable on n%d right after CreateTable on n1: %v", i+1, err)
		}
	}
	for i := range c.nodes {
		w := dynamodb.NewTableExistsWaiter(c.client(i), func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 50 * time.Millisecond })
		if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("tbl")}, 20*time.Second); err != nil {
			t.Fatalf("table not visible on n%d: %v", i+1, err)
		}
	}
	const items = 60
	for k := range items {
		_, err := c.client(k%3).PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String("tbl"),
			Item: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("k%03d", k)},
				"v":  &types.AttributeValueMemberN{Value: fmt.Sprint(k)},
			},
		})
		if err != nil {
			t.Fatalf("PutItem k%03d on n%d: %v", k, k%3+1, err)
		}
	}
	// Strongly consistent reads from every node see every write.
	for k := range items {
		i := (k + 1) % 3
		out, err := c.client(i).GetItem(ctx, &dynamodb.GetItemInput{
			TableName:      aws.String("tbl"),
			Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("k%03d", k)}},
			ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			t.Fatalf("GetItem k%03d on n%d: %v", k, i+1, err)
		}
		v, ok := out.Item["v"].(*types.AttributeValueMemberN)
		if !ok || v.Value != fmt.Sprint(k) {
			t.Fatalf("GetItem k%03d on n%d = %v, want v=%d", k, i+1, out.Item, k)
		}
	}
	// A consistent scan from each node returns every item exactly once.
	for i := range c.nodes {
		seen := map[string]int{}
		p := dynamodb.NewScanPaginator(c.client(i), &dynamodb.ScanInput{TableName: aws.String("tbl"), ConsistentRead: aws.Bool(true), Limit: aws.Int32(7)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("Scan on n%d: %v", i+1, err)
			}
			for _, it := range page.Items {
				seen[it["pk"].(*types.AttributeValueMemberS).Value]++
			}
		}
		if len(seen) != items {
			t.Errorf("Scan on n%d returned %d distinct items, want %d", i+1, len(seen), items)
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("Scan on n%d returned %s %d times", i+1, k, n)
			}
		}
	}
	// A conditional write evaluated at the leader, sent through another node.
	_, err = c.client(2).PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String("tbl"),
		Item:                map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k000"}},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("conditional PutItem on an existing item = %v, want ConditionalCheckFailedException", err)
	}
	// DescribeTable's item count sums every range, from any node.
	out, err := c.client(1).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("tbl")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToInt64(out.Table.ItemCount); got != items {
		t.Errorf("ItemCount = %d, want %d", got, items)
	}
}

// createTable creates a table with a string partition key pk through node i
// and waits until every node sees it.
func (c *testCluster) createTable(i int, name string) {
	c.t.Helper()
	ctx := c.t.Context()
	_, err := c.client(i).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		c.t.Fatalf("CreateTable %s on n%d: %v", name, i+1, err)
	}
	for j, n := range c.nodes {
		if n == nil {
			continue
		}
		w := dynamodb.NewTableExistsWaiter(c.client(j), func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 50 * time.Millisecond })
		if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 20*time.Second); err != nil {
			c.t.Fatalf("table %s not visible on n%d: %v", name, j+1, err)
		}
	}
}

func TestClusterLeaderKillUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process cluster test; skipped in -short mode")
	}
	c := startCluster(t, 3)
	c.createTable(0, "load")
	ctx := t.Context()

	// The victim leads group 1 (every node's replica agrees on its leader
	// once elected).
	g1 := c.nodes[0].groups.Group(1)
	if g1 == nil {
		t.Fatal("n1 has no replica of group 1")
	}
	leader, err := g1.WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	victim := -1
	for i, n := range c.nodes {
		if n.ID() == leader.ID {
			victim = i
		}
	}
	if victim < 0 {
		t.Fatalf("leader %q of group 1 is not a node of the cluster", leader.ID)
	}
	survivors := []int{}
	for i := range c.nodes {
		if i != victim {
			survivors = append(survivors, i)
		}
	}

	// Writers put unique keys through the survivors, each retrying a key
	// until it is acknowledged (an error leaves its outcome unknown; only
	// acknowledged keys are checked).
	var (
		mu     sync.Mutex
		acked  []string
		killed time.Time
		// firstAfter is when the first write after the kill was acknowledged.
		firstAfter time.Time
	)
	const writers = 4
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := c.client(survivors[w%len(survivors)])
			for k := 0; ; k++ {
				key := fmt.Sprintf("w%d-%05d", w, k)
				for {
					select {
					case <-stop:
						return
					default:
					}
					rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
					_, err := cl.PutItem(rctx, &dynamodb.PutItemInput{
						TableName: aws.String("load"),
						Item:      map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key}},
					})
					cancel()
					if err == nil {
						mu.Lock()
						acked = append(acked, key)
						if !killed.IsZero() && firstAfter.IsZero() {
							firstAfter = time.Now()
						}
						mu.Unlock()
						break
					}
				}
			}
		}()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond) // polling a condition, bounded by deadline
		}
	}
	waitFor("100 writes before the kill", func() bool { return count() >= 100 })

	mu.Lock()
	killed = time.Now()
	before := len(acked)
	mu.Unlock()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	c.nodes[victim].Close(cctx)
	cancel()
	c.nodes[victim] = nil

	// A key of group 1 (led by the victim): how long until writes to it
	// resume through a survivor.
	probe := c.keyInGroup(survivors[0], 1)
	probeClient := c.client(survivors[0])
	for {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := probeClient.PutItem(rctx, &dynamodb.PutItemInput{
			TableName: aws.String("load"),
			Item:      map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: probe}},
		})
		cancel()
		if err == nil {
			break
		}
		if time.Since(killed) > 30*time.Second {
			t.Fatalf("writes to group 1 did not resume within 30s: %v", err)
		}
	}
	resumedGroup := time.Since(killed)
	// Raft's randomized timers: a follower notices the silence after one
	// to two heartbeat timeouts, then wins an election; allow twice the
	// issue's two election timeouts for this shared machine's noise.
	if limit := 4 * fastRaft().ElectionTimeout; resumedGroup > limit {
		t.Errorf("writes to the victim's group resumed after %v, want within %v", resumedGroup, limit)
	}
	waitFor("100 more writes after the kill", func() bool { return count() >= before+100 })
	close(stop)
	wg.Wait()
	mu.Lock()
	resumed := firstAfter.Sub(killed)
	keys := append([]string(nil), acked...)
	mu.Unlock()
	t.Logf("killed %s (leader of group 1); %d writes before, %d after; first write acknowledged %v after the kill, group 1 writable again after %v", leader.ID, before, len(keys)-before, resumed.Round(time.Millisecond), resumedGroup.Round(time.Millisecond))

	// Group 1 has a new leader on a survivor.
	g := c.nodes[survivors[0]].groups.Group(1)
	nl, err := g.WaitLeader(ctx)
	if err != nil || nl.ID == leader.ID {
		t.Fatalf("group 1 leader after the kill = %v, %v; want a survivor", nl, err)
	}
	// No acknowledged write is lost: each reads back, strongly consistent,
	// from both survivors.
	for _, i := range survivors {
		cl := c.client(i)
		for _, key := range keys {
			out, err := cl.GetItem(ctx, &dynamodb.GetItemInput{
				TableName:      aws.String("load"),
				Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key}},
				ConsistentRead: aws.Bool(true),
			})
			if err != nil {
				t.Fatalf("GetItem %s on n%d: %v", key, i+1, err)
			}
			if out.Item == nil {
				t.Fatalf("acknowledged write %s is lost (read on n%d)", key, i+1)
			}
		}
	}
}

// keyInGroup returns a partition key (string) whose ring position falls in
// group's range, as node i's meta replica places it.
func (c *testCluster) keyInGroup(i int, group uint64) string {
	c.t.Helper()
	st := c.nodes[i].meta.State()
	for k := 0; k < 100000; k++ {
		key := fmt.Sprintf("probe-%d", k)
		pos, err := keys.Position(value.S(key), nil)
		if err != nil {
			c.t.Fatal(err)
		}
		if r, ok := st.RangeFor(pos); ok && r.Group == group {
			return key
		}
	}
	c.t.Fatalf("no key found in group %d", group)
	return ""
}
