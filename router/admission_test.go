package router

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB's throttling messages, verbatim (see errors.go for their
// sources).
const (
	capMsgProvisioned = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
	capMsgThrottling  = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"
)

// testClock is a clock the capacity tests move by hand, so that nothing
// sleeps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// capEnv returns a test environment whose API (table timestamps and
// capacity buckets) runs on a fake clock; edit changes the rest of its
// configuration.
func capEnv(t *testing.T, edit func(*APIConfig)) (*testEnv, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	env := newTestEnvWith(t, func(c *APIConfig) {
		c.Now = clock.Now
		if edit != nil {
			edit(c)
		}
	})
	return env, clock
}

// capTable creates a table with a string partition key "pk": provisioned
// with rcu and wcu, or on demand when both are 0.
func capTable(t *testing.T, env *testEnv, name string, rcu, wcu int64) {
	t.Helper()
	in := ctlHashTable(name)
	if rcu == 0 && wcu == 0 {
		in.ProvisionedThroughput, in.BillingMode = nil, types.BillingModePayPerRequest
	} else {
		in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(rcu), WriteCapacityUnits: aws.Int64(wcu)}
	}
	ctlCreate(t, env, in)
}

// sizedItem returns an item with partition key pk whose DynamoDB size is
// exactly size bytes (names and values: "pk", pk, "d" and the payload).
func sizedItem(pk string, size int) avItem {
	return avItem{"pk": avS(pk), "d": avS(strings.Repeat("x", size-len("pk")-len(pk)-len("d")))}
}

// capPut writes item to table and returns the write units it consumed.
func capPut(ctx context.Context, env *testEnv, table string, item avItem) (float64, error) {
	out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item,
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		return 0, err
	}
	return aws.ToFloat64(out.ConsumedCapacity.CapacityUnits), nil
}

// capGet reads pk from table and returns the read units it consumed. Only
// pk is returned (reads are charged on the whole item all the same): the
// SDK, under the race detector, sometimes fails to reuse a connection after
// an answer of hundreds of KB ("use of closed network connection"), which
// raw HTTP clients never see.
func capGet(ctx context.Context, env *testEnv, table, pk string, consistent bool) (float64, error) {
	out, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: avItem{"pk": avS(pk)},
		ConsistentRead: aws.Bool(consistent), ProjectionExpression: aws.String("pk"),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		return 0, err
	}
	return aws.ToFloat64(out.ConsumedCapacity.CapacityUnits), nil
}

// mustConsume fails the test unless a request succeeded consuming want units.
func mustConsume(t *testing.T, what string, got float64, err error, want float64) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got != want {
		t.Fatalf("%s consumed %v units, want %v", what, got, want)
	}
}

// wantThrottled checks that err is DynamoDB's throttling error of the
// given code and that the SDK's retryer classifies it as a throttle, so
// that an SDK with retries enabled backs off and retries it.
func wantThrottled(t *testing.T, err error, code string) {
	t.Helper()
	msg := capMsgProvisioned
	if code == "ThrottlingException" {
		msg = capMsgThrottling
	}
	wantAPIError(t, err, code, msg)
	if got := retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err); got != aws.TrueTernary {
		t.Errorf("the SDK's retryer does not take %v for a throttle (%v)", err, got)
	}
}

// wantRawError posts a PutItem of a small item to table and checks the
// exact HTTP answer.
func wantRawError(t *testing.T, env *testEnv, table, wantBody string) {
	t.Helper()
	resp := rawPost(t, env.url, "DynamoDB_20120810.PutItem", "application/x-amz-json-1.0",
		`{"TableName":"`+table+`","Item":{"pk":{"S":"raw"}}}`)
	body := readResponse(t, resp)
	if resp.StatusCode != http.StatusBadRequest || body != wantBody {
		t.Errorf("raw PutItem = %d %s\nwant 400 %s", resp.StatusCode, body, wantBody)
	}
}

func TestCapacityProvisionedWrites(t *testing.T) {
	env, clock := capEnv(t, nil)
	ctx := context.Background()
	capTable(t, env, "wtab", 5, 5)
	// A new table may burst at once: 300 s x 5 WCU = 1500 units.
	for i := range 5 {
		u, err := capPut(ctx, env, "wtab", sizedItem(fmt.Sprintf("k%d", i), 300*1024))
		mustConsume(t, fmt.Sprintf("PutItem %d", i), u, err, 300)
	}
	_, err := capPut(ctx, env, "wtab", avItem{"pk": avS("small")})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) {
		t.Errorf("error %T is not the SDK's *types.ProvisionedThroughputExceededException", err)
	}
	wantRawError(t, env, "wtab", `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"`+capMsgProvisioned+`"}`)
	_, err = env.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("wtab"), Key: avItem{"pk": avS("k0")},
		UpdateExpression: aws.String("SET n = :one"), ExpressionAttributeValues: avItem{":one": avN("1")}})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	_, err = env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("wtab"), Key: avItem{"pk": avS("k0")}})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	// Reads have their own bucket.
	u, err := capGet(ctx, env, "wtab", "k0", true)
	mustConsume(t, "GetItem", u, err, 75)

	// One second refills 5 units: five 1-unit writes, not a sixth.
	clock.Advance(time.Second)
	for i := range 5 {
		u, err := capPut(ctx, env, "wtab", avItem{"pk": avS(fmt.Sprintf("s%d", i))})
		mustConsume(t, fmt.Sprintf("small PutItem %d", i), u, err, 1)
	}
	_, err = capPut(ctx, env, "wtab", avItem{"pk": avS("s5")})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
}

func TestCapacityProvisionedReads(t *testing.T) {
	env, clock := capEnv(t, nil)
	ctx := context.Background()
	capTable(t, env, "rtab", 5, 5)
	u, err := capPut(ctx, env, "rtab", sizedItem("big", 300*1024))
	mustConsume(t, "PutItem big", u, err, 300)
	u, err = capPut(ctx, env, "rtab", avItem{"pk": avS("s")})
	mustConsume(t, "PutItem s", u, err, 1)

	// 1500 units: ten strongly consistent reads of 300 KB (75 units),
	// nineteen eventually consistent ones (37.5) and a Query (37.5).
	for i := range 10 {
		u, err := capGet(ctx, env, "rtab", "big", true)
		mustConsume(t, fmt.Sprintf("consistent GetItem %d", i), u, err, 75)
	}
	for i := range 19 {
		u, err := capGet(ctx, env, "rtab", "big", false)
		mustConsume(t, fmt.Sprintf("eventual GetItem %d", i), u, err, 37.5)
	}
	query := &dynamodb.QueryInput{TableName: aws.String("rtab"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: avItem{":p": avS("big")}, ProjectionExpression: aws.String("pk"),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}
	q, err := env.client.Query(ctx, query)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	mustConsume(t, "Query", aws.ToFloat64(q.ConsumedCapacity.CapacityUnits), nil, 37.5)
	_, err = capGet(ctx, env, "rtab", "s", false)
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	_, err = env.client.Query(ctx, query)
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	_, err = env.client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("rtab")})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	_, err = env.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"rtab": {Keys: []avItem{{"pk": avS("s")}}}}})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	// Writes have their own bucket.
	u, err = capPut(ctx, env, "rtab", avItem{"pk": avS("t")})
	mustConsume(t, "PutItem t", u, err, 1)

	// One second refills 5 units: ten eventually consistent reads of a
	// small item, at half a unit each.
	clock.Advance(time.Second)
	for i := range 10 {
		u, err := capGet(ctx, env, "rtab", "s", false)
		mustConsume(t, fmt.Sprintf("eventual GetItem s %d", i), u, err, 0.5)
	}
	_, err = capGet(ctx, env, "rtab", "s", false)
	wantThrottled(t, err, "ProvisionedThroughputExceededException")

	// Debt: a read is admitted while units remain and charged in full;
	// the next ones wait until the refill has paid the debt.
	clock.Advance(500 * time.Millisecond) // 2.5 units
	u, err = capGet(ctx, env, "rtab", "big", true)
	mustConsume(t, "GetItem into debt", u, err, 75) // -72.5
	clock.Advance(14 * time.Second)                 // -2.5
	_, err = capGet(ctx, env, "rtab", "s", false)
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	clock.Advance(time.Second) // 2.5
	u, err = capGet(ctx, env, "rtab", "s", false)
	mustConsume(t, "GetItem after the debt", u, err, 0.5)
}

func TestCapacityConditionalFailureConsumes(t *testing.T) {
	env, _ := capEnv(t, nil)
	ctx := context.Background()
	capTable(t, env, "ctab", 5, 5)
	u, err := capPut(ctx, env, "ctab", sizedItem("a", 300*1024))
	mustConsume(t, "PutItem", u, err, 300)
	// The failed condition is charged on the current item: 300 units.
	_, err = env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("ctab"), Item: avItem{"pk": avS("a")},
		ConditionExpression: aws.String("attribute_not_exists(pk)")})
	wantAPIError(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	for i := range 3 {
		u, err := capPut(ctx, env, "ctab", sizedItem(fmt.Sprintf("b%d", i), 300*1024))
		mustConsume(t, fmt.Sprintf("PutItem %d", i), u, err, 300)
	}
	_, err = capPut(ctx, env, "ctab", avItem{"pk": avS("x")})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
}

func TestCapacityUpdateTable(t *testing.T) {
	env, clock := capEnv(t, nil)
	ctx := context.Background()
	capTable(t, env, "utab", 5, 5)
	big := func(i int) avItem { return sizedItem(fmt.Sprintf("k%d", i), 300*1024) }
	for i := range 5 {
		u, err := capPut(ctx, env, "utab", big(i))
		mustConsume(t, "PutItem", u, err, 300)
	}
	_, err := capPut(ctx, env, "utab", big(5))
	wantThrottled(t, err, "ProvisionedThroughputExceededException")

	update := func(rcu, wcu int64) *types.TableDescription {
		t.Helper()
		out, err := env.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("utab"),
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(rcu), WriteCapacityUnits: aws.Int64(wcu)}})
		if err != nil {
			t.Fatalf("UpdateTable(%d, %d): %v", rcu, wcu, err)
		}
		return out.TableDescription
	}
	describe := func() *types.ProvisionedThroughputDescription {
		t.Helper()
		out, err := env.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("utab")})
		if err != nil {
			t.Fatal(err)
		}
		return out.Table.ProvisionedThroughput
	}
	d := update(5, 1000)
	if pt := d.ProvisionedThroughput; aws.ToInt64(pt.WriteCapacityUnits) != 1000 || !aws.ToTime(pt.LastIncreaseDateTime).Equal(clock.Now()) ||
		aws.ToInt64(pt.NumberOfDecreasesToday) != 0 {
		t.Errorf("UpdateTable throughput = %d WCU, increased %v, %d decreases; want 1000, %v, 0",
			aws.ToInt64(pt.WriteCapacityUnits), aws.ToTime(pt.LastIncreaseDateTime), aws.ToInt64(pt.NumberOfDecreasesToday), clock.Now())
	}
	// The balance is kept (still none), and refills at the new rate at
	// once: 1000 units one second later, where 5 WCU would give 5.
	_, err = capPut(ctx, env, "utab", big(5))
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	clock.Advance(time.Second)
	for i := 5; i < 9; i++ { // 1000 -> 700 -> 400 -> 100 -> -200
		u, err := capPut(ctx, env, "utab", big(i))
		mustConsume(t, fmt.Sprintf("PutItem %d after raising WCU", i), u, err, 300)
	}
	_, err = capPut(ctx, env, "utab", big(9))
	wantThrottled(t, err, "ProvisionedThroughputExceededException")

	// Lowering caps what accrues at the new burst: 300 s x 2 WCU.
	d = update(5, 2)
	if pt := d.ProvisionedThroughput; aws.ToInt64(pt.NumberOfDecreasesToday) != 1 || pt.LastDecreaseDateTime == nil {
		t.Errorf("after a decrease: %d decreases today, last %v; want 1 and a time", aws.ToInt64(pt.NumberOfDecreasesToday), pt.LastDecreaseDateTime)
	}
	clock.Advance(time.Hour)
	for i := 10; i < 12; i++ {
		u, err := capPut(ctx, env, "utab", big(i))
		mustConsume(t, fmt.Sprintf("PutItem %d after lowering WCU", i), u, err, 300)
	}
	_, err = capPut(ctx, env, "utab", big(12))
	wantThrottled(t, err, "ProvisionedThroughputExceededException")

	update(5, 1)
	if got := aws.ToInt64(describe().NumberOfDecreasesToday); got != 2 {
		t.Errorf("NumberOfDecreasesToday = %d, want 2", got)
	}
	clock.Advance(24 * time.Hour)
	if pt := describe(); aws.ToInt64(pt.NumberOfDecreasesToday) != 0 || aws.ToInt64(pt.WriteCapacityUnits) != 1 {
		t.Errorf("the next day: %d decreases, %d WCU; want 0, 1", aws.ToInt64(pt.NumberOfDecreasesToday), aws.ToInt64(pt.WriteCapacityUnits))
	}
}

func TestCapacityBatchWrite(t *testing.T) {
	env, clock := capEnv(t, nil)
	ctx := context.Background()
	capTable(t, env, "bwtab", 5, 5)
	var reqs []types.WriteRequest
	for i := range 8 {
		reqs = append(reqs, putReq(sizedItem(fmt.Sprintf("k%d", i), 300*1024)))
	}
	keysOf := func(l []types.WriteRequest) []string {
		var out []string
		for _, w := range l {
			out = append(out, plain(t, w.PutRequest.Item)["pk"].(string))
		}
		return out
	}
	out, err := env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"bwtab": reqs},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatalf("BatchWriteItem: %v", err)
	}
	if got := strings.Join(keysOf(out.UnprocessedItems["bwtab"]), ","); got != "k5,k6,k7" {
		t.Errorf("UnprocessedItems = %s, want k5,k6,k7", got)
	}
	if len(out.ConsumedCapacity) != 1 || aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits) != 1500 {
		t.Errorf("ConsumedCapacity = %+v, want 1500 units", out.ConsumedCapacity)
	}
	for i := range 8 {
		g, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("bwtab"), Key: avItem{"pk": avS(fmt.Sprintf("k%d", i))},
			ProjectionExpression: aws.String("pk")})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := g.Item != nil, i < 5; got != want {
			t.Errorf("item k%d written = %v, want %v", i, got, want)
		}
	}
	// Nothing can be processed: the batch is refused.
	_, err = env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: out.UnprocessedItems})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
	// A second later the first write is admitted (into debt), the rest
	// left over.
	clock.Advance(time.Second)
	again, err := env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: out.UnprocessedItems})
	if err != nil {
		t.Fatalf("BatchWriteItem(unprocessed): %v", err)
	}
	if got := strings.Join(keysOf(again.UnprocessedItems["bwtab"]), ","); got != "k6,k7" {
		t.Errorf("UnprocessedItems of the retry = %s, want k6,k7", got)
	}
}

func TestCapacityBatchGet(t *testing.T) {
	env, _ := capEnv(t, nil)
	ctx := context.Background()
	capTable(t, env, "bgtab", 1, 100)
	var keys []avItem
	for i := 0; i < 100; i += 25 {
		var reqs []types.WriteRequest
		for j := i; j < i+25; j++ {
			k := fmt.Sprintf("k%02d", j)
			keys = append(keys, avItem{"pk": avS(k)})
			reqs = append(reqs, putReq(sizedItem(k, 16*1024)))
		}
		if _, err := env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"bgtab": reqs}}); err != nil {
			t.Fatalf("BatchWriteItem: %v", err)
		}
	}
	// 300 s x 1 RCU = 300 units: 75 strongly consistent reads of 16 KB.
	out, err := env.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"bgtab": {Keys: keys, ConsistentRead: aws.Bool(true), ProjectionExpression: aws.String("pk")}},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatalf("BatchGetItem: %v", err)
	}
	un := out.UnprocessedKeys["bgtab"]
	if got := len(out.Responses["bgtab"]); got != 75 || len(un.Keys) != 25 {
		t.Errorf("BatchGetItem returned %d items and %d unprocessed keys, want 75 and 25", got, len(un.Keys))
	}
	if len(un.Keys) > 0 {
		if first := plain(t, un.Keys[0])["pk"]; first != "k75" || !aws.ToBool(un.ConsistentRead) {
			t.Errorf("first unprocessed key %v (consistent %v), want k75, consistent", first, aws.ToBool(un.ConsistentRead))
		}
	}
	if len(out.ConsumedCapacity) != 1 || aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits) != 300 {
		t.Errorf("ConsumedCapacity = %+v, want 300 units", out.ConsumedCapacity)
	}
	_, err = env.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: out.UnprocessedKeys})
	wantThrottled(t, err, "ProvisionedThroughputExceededException")
}

func TestCapacityOnDemand(t *testing.T) {
	env, clock := capEnv(t, func(c *APIConfig) { c.Capacity.OnDemandWriteUnits = 2 })
	ctx := context.Background()
	capTable(t, env, "odtab", 0, 0)
	// 2 WCU per second with 300 s of burst: 600 units.
	for i := range 2 {
		u, err := capPut(ctx, env, "odtab", sizedItem(fmt.Sprintf("k%d", i), 300*1024))
		mustConsume(t, "PutItem", u, err, 300)
	}
	_, err := capPut(ctx, env, "odtab", avItem{"pk": avS("small")})
	wantThrottled(t, err, "ThrottlingException")
	wantRawError(t, env, "odtab", `{"__type":"com.amazon.coral.availability#ThrottlingException","message":"`+capMsgThrottling+`"}`)
	_, err = env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"odtab": {putReq(avItem{"pk": avS("b")})}}})
	wantThrottled(t, err, "ThrottlingException")
	// Reads keep the default 12,000 units per second.
	u, err := capGet(ctx, env, "odtab", "k0", true)
	mustConsume(t, "GetItem", u, err, 75)

	clock.Advance(time.Second)
	u, err = capPut(ctx, env, "odtab", avItem{"pk": avS("s")})
	mustConsume(t, "PutItem after 1 s", u, err, 1)
	u, err = capPut(ctx, env, "odtab", avItem{"pk": avS("t")})
	mustConsume(t, "PutItem after 1 s", u, err, 1)
	_, err = capPut(ctx, env, "odtab", avItem{"pk": avS("utab")})
	wantThrottled(t, err, "ThrottlingException")
}

func TestCapacityDisabled(t *testing.T) {
	env, _ := capEnv(t, func(c *APIConfig) { c.Capacity.Disabled = true })
	ctx := context.Background()
	capTable(t, env, "offtab", 1, 1)
	for i := range 3 {
		u, err := capPut(ctx, env, "offtab", sizedItem(fmt.Sprintf("k%d", i), 300*1024))
		mustConsume(t, "PutItem", u, err, 300)
	}
}
