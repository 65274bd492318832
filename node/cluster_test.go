package node

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/atolldb/atoll/node/membership"
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

// startCluster starts size in-memory nodes that form one cluster.
func startCluster(t *testing.T, size int) *testCluster {
	t.Helper()
	c := &testCluster{t: t}
	var seed string
	for i := range size {
		cfg := DefaultConfig()
		cfg.NodeID = fmt.Sprintf("n%d", i+1)
		cfg.InMemory = true
		cfg.APIAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
		cfg.Gossip = membership.TestConfig()
		cfg.BootstrapExpect = size
		cfg.Ranges = 4
		cfg.Raft = fastRaft()
		cfg.Meta.HeartbeatTimeout, cfg.Meta.ElectionTimeout = 300*time.Millisecond, 300*time.Millisecond
		cfg.Meta.LeaderLeaseTimeout = 150 * time.Millisecond
		if seed != "" {
			cfg.Join = []string{seed}
		}
		n, err := New(cfg)
		if err != nil {
			t.Fatalf("New(%s): %v", cfg.NodeID, err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			n.Close(ctx)
		})
		if seed == "" {
			seed = n.GossipAddr()
		}
		c.nodes = append(c.nodes, n)
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
	// Every node learns the table (its meta replica catches up).
	for i := range c.nodes {
		w := dynamodb.NewTableExistsWaiter(c.client(i))
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
	if !errorsAs(err, &ccf) {
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

func errorsAs(err error, target any) bool { return err != nil && errors.As(err, target) }
