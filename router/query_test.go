package router

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
)

// queryTable creates an ACTIVE on-demand table directly in the catalog.
// sk.Name is empty for a table without a sort key.
func queryTable(t *testing.T, env *testEnv, name string, pk, sk catalog.KeyAttr) *catalog.Table {
	t.Helper()
	tbl, err := env.api.tables.Create(&catalog.Table{
		Name: name, PartitionKey: pk, SortKey: sk,
		Status: catalog.StatusActive, Billing: catalog.BillingPayPerRequest,
	})
	if err != nil {
		t.Fatalf("Create(%q): %v", name, err)
	}
	return tbl
}

// queryPut writes item into tbl through the store.
func queryPut(t *testing.T, env *testEnv, tbl *catalog.Table, item value.Item) {
	t.Helper()
	pos, key, err := itemKey(tbl, item)
	if err != nil {
		t.Fatalf("itemKey(%v): %v", item, err)
	}
	res, err := env.api.store.Propose(context.Background(), &partition.Command{
		Op: partition.OpPut, Table: tbl.ID, Key: pos, KeyAttrs: key, Item: item,
	})
	if err != nil || res.Err != nil {
		t.Fatalf("Propose put %v: %v, %v", item, err, res.Err)
	}
}

// qRender shows an SDK attribute value compactly: "S:x", "N:1", "B:00ff".
func qRender(av types.AttributeValue) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return "S:" + v.Value
	case *types.AttributeValueMemberN:
		return "N:" + v.Value
	case *types.AttributeValueMemberB:
		return "B:" + hex.EncodeToString(v.Value)
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("%T", av)
}

// qRenderItems renders the value of attr in each item.
func qRenderItems(items []map[string]types.AttributeValue, attr string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, qRender(it[attr]))
	}
	return out
}

// qRenderKey renders a key (LastEvaluatedKey) as sorted "name=value" pairs.
func qRenderKey(key map[string]types.AttributeValue) string {
	if key == nil {
		return ""
	}
	var parts []string
	for k, v := range key {
		parts = append(parts, k+"="+qRender(v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// qCheckAPIError fails unless err is the DynamoDB error code with message msg.
func qCheckAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want %s: %q", err, code, msg)
	}
	if apiErr.ErrorCode() != code || apiErr.ErrorMessage() != msg {
		t.Errorf("error = %s: %q\nwant %s: %q", apiErr.ErrorCode(), apiErr.ErrorMessage(), code, msg)
	}
}

func qS(s string) types.AttributeValue  { return &types.AttributeValueMemberS{Value: s} }
func qN(n string) types.AttributeValue  { return &types.AttributeValueMemberN{Value: n} }
func qB(b ...byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: b} }

type qAVs = map[string]types.AttributeValue

var (
	qPK  = catalog.KeyAttr{Name: "pk", Type: value.TypeS}
	qSKS = catalog.KeyAttr{Name: "sk", Type: value.TypeS}
	qSKN = catalog.KeyAttr{Name: "sk", Type: value.TypeN}
	qSKB = catalog.KeyAttr{Name: "sk", Type: value.TypeB}
)

// queryFixture holds tables with a number, a string and a binary sort key,
// each with a partition "p" holding the values below and a partition "q"
// holding one item, and a table without a sort key.
type queryFixture struct {
	env                 *testEnv
	num, str, bin, hash *catalog.Table
}

var (
	qNumbers = []string{"-10.5", "-2", "-1", "-0.001", "0", "0.5", "1", "2", "10", "100", "1E+20"}
	qStrings = []string{"", "a", "ab", "ab\x00", "ab\x00c", "abc", "abd", "b", "ba", "\u00e9"}
	qBinary  = [][]byte{{0x00}, {0x00, 0x00}, {0x00, 0xFF}, {0x01}, {0x01, 0x00}, {0x01, 0x02}, {0xFF}, {0xFF, 0x00}}
)

func newQueryFixture(t *testing.T) *queryFixture {
	t.Helper()
	f := &queryFixture{env: newTestEnv(t)}
	f.num = queryTable(t, f.env, "num", qPK, qSKN)
	f.str = queryTable(t, f.env, "str", qPK, qSKS)
	f.bin = queryTable(t, f.env, "bin", qPK, qSKB)
	f.hash = queryTable(t, f.env, "hash", qPK, catalog.KeyAttr{})
	for i, n := range qNumbers {
		queryPut(t, f.env, f.num, value.Item{"pk": value.S("p"), "sk": value.N(value.MustParseNumber(n)), "i": value.N(value.NumberFromInt(int64(i)))})
	}
	queryPut(t, f.env, f.num, value.Item{"pk": value.S("q"), "sk": value.N(value.NumberFromInt(1))})
	for _, s := range qStrings[1:] { // a sort key cannot be empty
		queryPut(t, f.env, f.str, value.Item{"pk": value.S("p"), "sk": value.S(s)})
	}
	queryPut(t, f.env, f.str, value.Item{"pk": value.S("q"), "sk": value.S("a")})
	for _, b := range qBinary {
		queryPut(t, f.env, f.bin, value.Item{"pk": value.S("p"), "sk": value.B(b)})
	}
	queryPut(t, f.env, f.bin, value.Item{"pk": value.S("q"), "sk": value.B([]byte{0x00})})
	for _, p := range []string{"x", "y", "z"} {
		queryPut(t, f.env, f.hash, value.Item{"pk": value.S(p), "v": value.S("v" + p)})
	}
	return f
}

func TestQueryKeyConditions(t *testing.T) {
	f := newQueryFixture(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		table  string
		cond   string
		values qAVs
		want   []string // sort keys, ascending
	}{
		{"num all", "num", "pk = :p", qAVs{":p": qS("p")},
			[]string{"N:-10.5", "N:-2", "N:-1", "N:-0.001", "N:0", "N:0.5", "N:1", "N:2", "N:10", "N:100", "N:100000000000000000000"}},
		{"num eq", "num", "pk = :p AND sk = :v", qAVs{":p": qS("p"), ":v": qN("0.5")}, []string{"N:0.5"}},
		{"num eq absent", "num", "pk = :p AND sk = :v", qAVs{":p": qS("p"), ":v": qN("3")}, []string{}},
		{"num lt", "num", "pk = :p AND sk < :v", qAVs{":p": qS("p"), ":v": qN("-1")}, []string{"N:-10.5", "N:-2"}},
		{"num le", "num", "pk = :p AND sk <= :v", qAVs{":p": qS("p"), ":v": qN("-1")}, []string{"N:-10.5", "N:-2", "N:-1"}},
		{"num gt", "num", "pk = :p AND sk > :v", qAVs{":p": qS("p"), ":v": qN("2")}, []string{"N:10", "N:100", "N:100000000000000000000"}},
		{"num ge", "num", "pk = :p AND sk >= :v", qAVs{":p": qS("p"), ":v": qN("2")}, []string{"N:2", "N:10", "N:100", "N:100000000000000000000"}},
		{"num value first", "num", ":v < sk AND pk = :p", qAVs{":p": qS("p"), ":v": qN("10")}, []string{"N:100", "N:100000000000000000000"}},
		{"num between", "num", "pk = :p AND sk BETWEEN :a AND :b", qAVs{":p": qS("p"), ":a": qN("-1"), ":b": qN("0.5")},
			[]string{"N:-1", "N:-0.001", "N:0", "N:0.5"}},
		{"num between same", "num", "pk = :p AND sk BETWEEN :a AND :a", qAVs{":p": qS("p"), ":a": qN("0")}, []string{"N:0"}},
		{"num other partition", "num", "pk = :p", qAVs{":p": qS("q")}, []string{"N:1"}},
		{"num no partition", "num", "pk = :p", qAVs{":p": qS("nope")}, []string{}},
		{"str begins_with", "str", "pk = :p AND begins_with(sk, :v)", qAVs{":p": qS("p"), ":v": qS("ab")},
			[]string{"S:ab", "S:ab\x00", "S:ab\x00c", "S:abc", "S:abd"}},
		{"str begins_with nul", "str", "pk = :p AND begins_with(sk, :v)", qAVs{":p": qS("p"), ":v": qS("ab\x00")},
			[]string{"S:ab\x00", "S:ab\x00c"}},
		{"str begins_with utf8", "str", "pk = :p AND begins_with(sk, :v)", qAVs{":p": qS("p"), ":v": qS("\u00e9")}, []string{"S:\u00e9"}},
		{"str gt", "str", "pk = :p AND sk > :v", qAVs{":p": qS("p"), ":v": qS("abc")}, []string{"S:abd", "S:b", "S:ba", "S:\u00e9"}},
		{"str lt", "str", "pk = :p AND sk < :v", qAVs{":p": qS("p"), ":v": qS("ab\x00c")}, []string{"S:a", "S:ab", "S:ab\x00"}},
		{"str between", "str", "pk = :p AND sk BETWEEN :a AND :b", qAVs{":p": qS("p"), ":a": qS("ab"), ":b": qS("b")},
			[]string{"S:ab", "S:ab\x00", "S:ab\x00c", "S:abc", "S:abd", "S:b"}},
		{"bin begins_with 00", "bin", "pk = :p AND begins_with(sk, :v)", qAVs{":p": qS("p"), ":v": qB(0x00)},
			[]string{"B:00", "B:0000", "B:00ff"}},
		{"bin begins_with 01", "bin", "pk = :p AND begins_with(sk, :v)", qAVs{":p": qS("p"), ":v": qB(0x01)},
			[]string{"B:01", "B:0100", "B:0102"}},
		{"bin begins_with ff", "bin", "pk = :p AND begins_with(sk, :v)", qAVs{":p": qS("p"), ":v": qB(0xFF)}, []string{"B:ff", "B:ff00"}},
		{"bin ge", "bin", "pk = :p AND sk >= :v", qAVs{":p": qS("p"), ":v": qB(0x01, 0x00)}, []string{"B:0100", "B:0102", "B:ff", "B:ff00"}},
		{"bin le", "bin", "pk = :p AND sk <= :v", qAVs{":p": qS("p"), ":v": qB(0x00, 0xFF)}, []string{"B:00", "B:0000", "B:00ff"}},
		{"hash table", "hash", "pk = :p", qAVs{":p": qS("y")}, []string{"S:y"}},
		{"names", "num", "#k = :p AND #s = :v", qAVs{":p": qS("p"), ":v": qN("1")}, []string{"N:1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &dynamodb.QueryInput{
				TableName: aws.String(tc.table), KeyConditionExpression: aws.String(tc.cond),
				ExpressionAttributeValues: tc.values,
			}
			if strings.Contains(tc.cond, "#") {
				in.ExpressionAttributeNames = map[string]string{"#k": "pk", "#s": "sk"}
			}
			attr := "sk"
			if tc.table == "hash" {
				attr = "pk"
			}
			for _, forward := range []bool{true, false} {
				in.ScanIndexForward = aws.Bool(forward)
				out, err := f.env.client.Query(ctx, in)
				if err != nil {
					t.Fatalf("Query(forward=%v): %v", forward, err)
				}
				want := append([]string{}, tc.want...)
				if !forward {
					for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
						want[i], want[j] = want[j], want[i]
					}
				}
				if diff := cmp.Diff(want, qRenderItems(out.Items, attr)); diff != "" {
					t.Errorf("Query(forward=%v) sort keys (-want +got):\n%s", forward, diff)
				}
				if out.Count != int32(len(want)) || out.ScannedCount != int32(len(want)) {
					t.Errorf("Count, ScannedCount = %d, %d; want %d", out.Count, out.ScannedCount, len(want))
				}
				if out.LastEvaluatedKey != nil {
					t.Errorf("LastEvaluatedKey = %v, want none", qRenderKey(out.LastEvaluatedKey))
				}
			}
		})
	}
}

func TestQueryLegacy(t *testing.T) {
	f := newQueryFixture(t)
	ctx := context.Background()
	eq := func(v types.AttributeValue) types.Condition {
		return types.Condition{ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{v}}
	}
	t.Run("KeyConditions between", func(t *testing.T) {
		out, err := f.env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("num"),
			KeyConditions: map[string]types.Condition{
				"pk": eq(qS("p")),
				"sk": {ComparisonOperator: types.ComparisonOperatorBetween, AttributeValueList: []types.AttributeValue{qN("0"), qN("2")}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"N:0", "N:0.5", "N:1", "N:2"}, qRenderItems(out.Items, "sk")); diff != "" {
			t.Errorf("sort keys (-want +got):\n%s", diff)
		}
	})
	t.Run("KeyConditions begins_with, QueryFilter and AttributesToGet", func(t *testing.T) {
		out, err := f.env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("str"),
			KeyConditions: map[string]types.Condition{
				"pk": eq(qS("p")),
				"sk": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{qS("a")}},
			},
			AttributesToGet: []string{"sk"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"S:a", "S:ab", "S:ab\x00", "S:ab\x00c", "S:abc", "S:abd"}, qRenderItems(out.Items, "sk")); diff != "" {
			t.Errorf("sort keys (-want +got):\n%s", diff)
		}
		for _, it := range out.Items {
			if len(it) != 1 {
				t.Errorf("item %v has %d attributes, want only sk", qRenderKey(it), len(it))
			}
		}
	})
	t.Run("QueryFilter", func(t *testing.T) {
		out, err := f.env.client.Query(ctx, &dynamodb.QueryInput{
			TableName:     aws.String("num"),
			KeyConditions: map[string]types.Condition{"pk": eq(qS("p"))},
			QueryFilter: map[string]types.Condition{
				"i": {ComparisonOperator: types.ComparisonOperatorGe, AttributeValueList: []types.AttributeValue{qN("9")}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"N:100", "N:100000000000000000000"}, qRenderItems(out.Items, "sk")); diff != "" {
			t.Errorf("sort keys (-want +got):\n%s", diff)
		}
		if out.Count != 2 || out.ScannedCount != int32(len(qNumbers)) {
			t.Errorf("Count, ScannedCount = %d, %d; want 2, %d", out.Count, out.ScannedCount, len(qNumbers))
		}
	})
	t.Run("KeyConditions with FilterExpression", func(t *testing.T) {
		// DynamoDB accepts KeyConditions with the other expression parameters.
		out, err := f.env.client.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String("num"),
			KeyConditions:             map[string]types.Condition{"pk": eq(qS("p"))},
			FilterExpression:          aws.String("i = :i"),
			ProjectionExpression:      aws.String("i"),
			ExpressionAttributeValues: qAVs{":i": qN("3")},
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"N:3"}, qRenderItems(out.Items, "i")); diff != "" {
			t.Errorf("i (-want +got):\n%s", diff)
		}
	})
}

func TestQueryPaging(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	tbl := queryTable(t, env, "paged", qPK, qSKN)
	const n = 25
	var all []string
	for i := range n {
		queryPut(t, env, tbl, value.Item{"pk": value.S("p"), "sk": value.N(value.NumberFromInt(int64(i))), "odd": value.Bool(i%2 == 1)})
		all = append(all, fmt.Sprintf("N:%d", i))
	}
	queryPut(t, env, tbl, value.Item{"pk": value.S("other"), "sk": value.N(value.NumberFromInt(1))})
	reversed := make([]string, n)
	for i, s := range all {
		reversed[n-1-i] = s
	}

	for _, tc := range []struct {
		name    string
		limit   int32
		forward bool
		want    []string
		pages   int
	}{
		{"forward limit 7", 7, true, all, 4},
		{"backward limit 7", 7, false, reversed, 4},
		{"limit 5 divides", 5, true, all, 6}, // the 5th page ends exactly at the last item: one more, empty page
		{"limit 1", 1, true, all, 26},
		{"no limit", 0, true, all, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &dynamodb.QueryInput{
				TableName: aws.String("paged"), KeyConditionExpression: aws.String("pk = :p"),
				ExpressionAttributeValues: qAVs{":p": qS("p")}, ScanIndexForward: aws.Bool(tc.forward),
			}
			if tc.limit > 0 {
				in.Limit = aws.Int32(tc.limit)
			}
			var got []string
			pages := 0
			for pg := dynamodb.NewQueryPaginator(env.client, in); pg.HasMorePages(); {
				out, err := pg.NextPage(ctx)
				if err != nil {
					t.Fatalf("page %d: %v", pages, err)
				}
				pages++
				got = append(got, qRenderItems(out.Items, "sk")...)
				if pages > n+5 {
					t.Fatal("paginator does not end")
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if pages != tc.pages {
				t.Errorf("pages = %d, want %d", pages, tc.pages)
			}
		})
	}

	t.Run("page ending exactly at Limit", func(t *testing.T) {
		out, err := env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("paged"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: qAVs{":p": qS("p")}, Limit: aws.Int32(n),
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := qRenderKey(out.LastEvaluatedKey), fmt.Sprintf("pk=S:p,sk=N:%d", n-1); got != want {
			t.Errorf("LastEvaluatedKey = %q, want %q", got, want)
		}
		next, err := env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("paged"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: qAVs{":p": qS("p")}, Limit: aws.Int32(n), ExclusiveStartKey: out.LastEvaluatedKey,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(next.Items) != 0 || next.Count != 0 || next.ScannedCount != 0 || next.LastEvaluatedKey != nil {
			t.Errorf("next page = %d items, Count %d, ScannedCount %d, LastEvaluatedKey %q; want an empty last page",
				len(next.Items), next.Count, next.ScannedCount, qRenderKey(next.LastEvaluatedKey))
		}
		if next.Items == nil {
			t.Error("empty page has no Items member, want Items: []")
		}
	})

	t.Run("filter removing a whole page", func(t *testing.T) {
		out, err := env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("paged"), KeyConditionExpression: aws.String("pk = :p AND sk < :s"),
			FilterExpression:          aws.String("odd = :t"),
			ExpressionAttributeValues: qAVs{":p": qS("p"), ":s": qN("10"), ":t": &types.AttributeValueMemberBOOL{Value: true}},
			Limit:                     aws.Int32(1),
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Count != 0 || out.ScannedCount != 1 || len(out.Items) != 0 {
			t.Errorf("Count, ScannedCount, items = %d, %d, %d; want 0, 1, 0", out.Count, out.ScannedCount, len(out.Items))
		}
		if got, want := qRenderKey(out.LastEvaluatedKey), "pk=S:p,sk=N:0"; got != want {
			t.Errorf("LastEvaluatedKey = %q, want %q", got, want)
		}
		// Paging through with the filter returns the odd items below 10.
		var got []string
		in := &dynamodb.QueryInput{
			TableName: aws.String("paged"), KeyConditionExpression: aws.String("pk = :p AND sk < :s"),
			FilterExpression:          aws.String("odd = :t"),
			ExpressionAttributeValues: qAVs{":p": qS("p"), ":s": qN("10"), ":t": &types.AttributeValueMemberBOOL{Value: true}},
			Limit:                     aws.Int32(3),
		}
		for pg := dynamodb.NewQueryPaginator(env.client, in); pg.HasMorePages(); {
			out, err := pg.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, qRenderItems(out.Items, "sk")...)
		}
		if diff := cmp.Diff([]string{"N:1", "N:3", "N:5", "N:7", "N:9"}, got); diff != "" {
			t.Errorf("filtered items (-want +got):\n%s", diff)
		}
	})

	t.Run("Select COUNT", func(t *testing.T) {
		out, err := env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("paged"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: qAVs{":p": qS("p")}, Select: types.SelectCount, Limit: aws.Int32(10),
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Items != nil || out.Count != 10 || out.ScannedCount != 10 {
			t.Errorf("Items, Count, ScannedCount = %v, %d, %d; want none, 10, 10", out.Items, out.Count, out.ScannedCount)
		}
		if got, want := qRenderKey(out.LastEvaluatedKey), "pk=S:p,sk=N:9"; got != want {
			t.Errorf("LastEvaluatedKey = %q, want %q", got, want)
		}
	})

	t.Run("ExclusiveStartKey backward", func(t *testing.T) {
		out, err := env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("paged"), KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :a AND :b"),
			ExpressionAttributeValues: qAVs{":p": qS("p"), ":a": qN("3"), ":b": qN("20")},
			ExclusiveStartKey:         qAVs{"pk": qS("p"), "sk": qN("6")}, ScanIndexForward: aws.Bool(false),
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"N:5", "N:4", "N:3"}, qRenderItems(out.Items, "sk")); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
	})
}

func TestQueryProjectionAndCapacity(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	tbl := queryTable(t, env, "proj", qPK, qSKS)
	big := strings.Repeat("x", 5000)
	for _, s := range []string{"a", "b"} {
		queryPut(t, env, tbl, value.Item{"pk": value.S("p"), "sk": value.S(s), "big": value.S(big),
			"m": value.M(map[string]value.Value{"x": value.S("1"), "y": value.S("2")})})
	}
	t.Run("ProjectionExpression", func(t *testing.T) {
		out, err := env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("proj"), KeyConditionExpression: aws.String("pk = :p"),
			ProjectionExpression: aws.String("sk, m.x, nothere"), ExpressionAttributeValues: qAVs{":p": qS("p")},
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []qAVs{
			{"sk": qS("a"), "m": &types.AttributeValueMemberM{Value: qAVs{"x": qS("1")}}},
			{"sk": qS("b"), "m": &types.AttributeValueMemberM{Value: qAVs{"x": qS("1")}}},
		}
		if diff := cmp.Diff(want, out.Items, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
	})
	itemSize := value.Item{"pk": value.S("p"), "sk": value.S("a"), "big": value.S(big),
		"m": value.M(map[string]value.Value{"x": value.S("1"), "y": value.S("2")})}.Size()
	units := float64((2*itemSize + 4095) / 4096)
	for _, tc := range []struct {
		name       string
		consistent bool
		mode       types.ReturnConsumedCapacity
		want       *types.ConsumedCapacity
	}{
		{"eventual TOTAL", false, types.ReturnConsumedCapacityTotal,
			&types.ConsumedCapacity{TableName: aws.String("proj"), CapacityUnits: aws.Float64(units / 2), ReadCapacityUnits: aws.Float64(units / 2)}},
		{"consistent INDEXES", true, types.ReturnConsumedCapacityIndexes,
			&types.ConsumedCapacity{TableName: aws.String("proj"), CapacityUnits: aws.Float64(units), ReadCapacityUnits: aws.Float64(units),
				Table: &types.Capacity{CapacityUnits: aws.Float64(units), ReadCapacityUnits: aws.Float64(units)}}},
		{"NONE", true, types.ReturnConsumedCapacityNone, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := env.client.Query(ctx, &dynamodb.QueryInput{
				TableName: aws.String("proj"), KeyConditionExpression: aws.String("pk = :p"),
				ExpressionAttributeValues: qAVs{":p": qS("p")}, ConsistentRead: aws.Bool(tc.consistent),
				ReturnConsumedCapacity: tc.mode, Select: types.SelectCount,
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, out.ConsumedCapacity, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
				t.Errorf("ConsumedCapacity (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("empty result costs the minimum", func(t *testing.T) {
		out, err := env.client.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("proj"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: qAVs{":p": qS("none")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToFloat64(out.ConsumedCapacity.CapacityUnits); got != 0.5 {
			t.Errorf("CapacityUnits = %v, want 0.5", got)
		}
	})
}

func TestQueryPageSizeLimit(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	tbl := queryTable(t, env, "large", qPK, qSKN)
	const n = 30
	blob := strings.Repeat("x", 100*1024)
	for i := range n {
		queryPut(t, env, tbl, value.Item{"pk": value.S("p"), "sk": value.N(value.NumberFromInt(int64(i))), "payload": value.S(blob)})
	}
	itemSize := value.Item{"pk": value.S("p"), "sk": value.N(value.NumberFromInt(0)), "payload": value.S(blob)}.Size()
	perPage := (queryMaxPageBytes + itemSize - 1) / itemSize // the item reaching 1 MB is included

	in := &dynamodb.QueryInput{
		TableName: aws.String("large"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: qAVs{":p": qS("p")}, ProjectionExpression: aws.String("sk"),
	}
	out, err := env.client.Query(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != perPage || out.ScannedCount != int32(perPage) {
		t.Errorf("first page: %d items, ScannedCount %d; want %d", len(out.Items), out.ScannedCount, perPage)
	}
	if got, want := qRenderKey(out.LastEvaluatedKey), fmt.Sprintf("pk=S:p,sk=N:%d", perPage-1); got != want {
		t.Errorf("LastEvaluatedKey = %q, want %q", got, want)
	}
	var got []string
	for pg := dynamodb.NewQueryPaginator(env.client, in); pg.HasMorePages(); {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, qRenderItems(out.Items, "sk")...)
	}
	if len(got) != n {
		t.Errorf("paged through %d items, want %d", len(got), n)
	}

	// A filter removing everything still stops the page at 1 MB.
	scan, err := env.client.Scan(ctx, &dynamodb.ScanInput{
		TableName: aws.String("large"), FilterExpression: aws.String("attribute_not_exists(payload)"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if scan.Count != 0 || scan.ScannedCount != int32(perPage) || scan.LastEvaluatedKey == nil {
		t.Errorf("filtered Scan: Count %d, ScannedCount %d, LastEvaluatedKey %q; want 0, %d, set",
			scan.Count, scan.ScannedCount, qRenderKey(scan.LastEvaluatedKey), perPage)
	}
}

func TestScan(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	tbl := queryTable(t, env, "scanned", qPK, qSKN)
	want := map[string]bool{}
	for p := range 20 {
		for s := range 3 {
			pk := fmt.Sprintf("p%02d", p)
			queryPut(t, env, tbl, value.Item{"pk": value.S(pk), "sk": value.N(value.NumberFromInt(int64(s))), "n": value.N(value.NumberFromInt(int64(p*3 + s)))})
			want[fmt.Sprintf("pk=S:%s,sk=N:%d", pk, s)] = true
		}
	}
	keysOf := func(items []map[string]types.AttributeValue) []string {
		var out []string
		for _, it := range items {
			out = append(out, qRenderKey(qAVs{"pk": it["pk"], "sk": it["sk"]}))
		}
		return out
	}
	scanAll := func(t *testing.T, in *dynamodb.ScanInput) []string {
		t.Helper()
		var got []string
		pages := 0
		for pg := dynamodb.NewScanPaginator(env.client, in); pg.HasMorePages(); {
			out, err := pg.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if pages++; pages > 100 {
				t.Fatal("paginator does not end")
			}
			got = append(got, keysOf(out.Items)...)
		}
		return got
	}
	checkOnce := func(t *testing.T, got []string) {
		t.Helper()
		seen := map[string]bool{}
		for _, k := range got {
			if seen[k] {
				t.Errorf("item %s returned twice", k)
			}
			seen[k] = true
		}
		if diff := cmp.Diff(want, seen); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
	}

	t.Run("whole table", func(t *testing.T) {
		out, err := env.client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("scanned")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Count != 60 || out.ScannedCount != 60 || out.LastEvaluatedKey != nil {
			t.Errorf("Count %d, ScannedCount %d, LastEvaluatedKey %q; want 60, 60, none", out.Count, out.ScannedCount, qRenderKey(out.LastEvaluatedKey))
		}
		checkOnce(t, keysOf(out.Items))
		// Items of one partition come together, in sort key order.
		got := keysOf(out.Items)
		for i := 0; i < len(got); i += 3 {
			p := strings.Split(got[i], ",")[0]
			for s := range 3 {
				if w := fmt.Sprintf("%s,sk=N:%d", p, s); got[i+s] != w {
					t.Fatalf("item %d = %s, want %s", i+s, got[i+s], w)
				}
			}
		}
	})
	t.Run("paged", func(t *testing.T) {
		checkOnce(t, scanAll(t, &dynamodb.ScanInput{TableName: aws.String("scanned"), Limit: aws.Int32(7)}))
	})
	t.Run("parallel 4 segments", func(t *testing.T) {
		var got []string
		for seg := range int32(4) {
			got = append(got, scanAll(t, &dynamodb.ScanInput{
				TableName: aws.String("scanned"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(4), Limit: aws.Int32(4),
			})...)
		}
		checkOnce(t, got)
	})
	t.Run("one segment", func(t *testing.T) {
		checkOnce(t, scanAll(t, &dynamodb.ScanInput{TableName: aws.String("scanned"), Segment: aws.Int32(0), TotalSegments: aws.Int32(1)}))
	})
	t.Run("many segments", func(t *testing.T) {
		// 1000000 segments: sample the first and the last; each is a tiny
		// slice of the hash space, most likely empty.
		for _, seg := range []int32{0, 999999} {
			if _, err := env.client.Scan(ctx, &dynamodb.ScanInput{
				TableName: aws.String("scanned"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(1000000),
			}); err != nil {
				t.Fatalf("Scan segment %d: %v", seg, err)
			}
		}
	})
	t.Run("filter and projection", func(t *testing.T) {
		out, err := env.client.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String("scanned"), FilterExpression: aws.String("n < :n"), ProjectionExpression: aws.String("n"),
			ExpressionAttributeValues: qAVs{":n": qN("5")},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := qRenderItems(out.Items, "n")
		sort.Strings(got)
		if diff := cmp.Diff([]string{"N:0", "N:1", "N:2", "N:3", "N:4"}, got); diff != "" {
			t.Errorf("n (-want +got):\n%s", diff)
		}
		if out.Count != 5 || out.ScannedCount != 60 {
			t.Errorf("Count, ScannedCount = %d, %d; want 5, 60", out.Count, out.ScannedCount)
		}
	})
	t.Run("ScanFilter and AttributesToGet", func(t *testing.T) {
		out, err := env.client.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String("scanned"), AttributesToGet: []string{"n"},
			ScanFilter: map[string]types.Condition{
				"n":  {ComparisonOperator: types.ComparisonOperatorIn, AttributeValueList: []types.AttributeValue{qN("7"), qN("8")}},
				"pk": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{qS("p0")}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := qRenderItems(out.Items, "n")
		sort.Strings(got)
		if diff := cmp.Diff([]string{"N:7", "N:8"}, got); diff != "" {
			t.Errorf("n (-want +got):\n%s", diff)
		}
	})
	t.Run("Select COUNT with Limit", func(t *testing.T) {
		out, err := env.client.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String("scanned"), Select: types.SelectCount, Limit: aws.Int32(1), ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Items != nil || out.Count != 1 || out.ScannedCount != 1 || out.LastEvaluatedKey == nil {
			t.Errorf("Items %v, Count %d, ScannedCount %d, LastEvaluatedKey %q; want none, 1, 1, set",
				out.Items, out.Count, out.ScannedCount, qRenderKey(out.LastEvaluatedKey))
		}
	})
	t.Run("empty table", func(t *testing.T) {
		queryTable(t, env, "empty", qPK, catalog.KeyAttr{})
		out, err := env.client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("empty")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Items == nil || len(out.Items) != 0 || out.Count != 0 || out.LastEvaluatedKey != nil {
			t.Errorf("Items %v, Count %d, LastEvaluatedKey %q; want [], 0, none", out.Items, out.Count, qRenderKey(out.LastEvaluatedKey))
		}
	})
}

func TestQueryErrors(t *testing.T) {
	f := newQueryFixture(t)
	ctx := context.Background()
	const (
		validation = "ValidationException"
		notFound   = "ResourceNotFoundException"
	)
	pv := qAVs{":p": qS("p")}
	base := func(mod func(in *dynamodb.QueryInput)) *dynamodb.QueryInput {
		in := &dynamodb.QueryInput{TableName: aws.String("str"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: qAVs{":p": qS("p")}}
		mod(in)
		return in
	}
	cond := func(op types.ComparisonOperator, vs ...types.AttributeValue) types.Condition {
		return types.Condition{ComparisonOperator: op, AttributeValueList: vs}
	}
	cases := []struct {
		name      string
		in        *dynamodb.QueryInput
		code, msg string
	}{
		{"limit zero", base(func(in *dynamodb.QueryInput) { in.Limit = aws.Int32(0) }), validation,
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"limit and table name", base(func(in *dynamodb.QueryInput) { in.Limit = aws.Int32(-1); in.TableName = aws.String("ab") }), validation,
			"2 validation errors detected: Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"select enum", base(func(in *dynamodb.QueryInput) { in.Select = "count" }), validation,
			"1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"},
		{"no key condition", &dynamodb.QueryInput{TableName: aws.String("str")}, validation,
			"Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."},
		{"missing table", base(func(in *dynamodb.QueryInput) { in.TableName = aws.String("nope") }), notFound, "Requested resource not found"},
		{"missing index", base(func(in *dynamodb.QueryInput) { in.IndexName = aws.String("idx") }), validation,
			"The table does not have the specified index: idx"},
		{"all projected without index", base(func(in *dynamodb.QueryInput) { in.Select = types.SelectAllProjectedAttributes }), validation,
			"1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"specific without projection", base(func(in *dynamodb.QueryInput) { in.Select = types.SelectSpecificAttributes }), validation,
			"1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"},
		{"count with projection", base(func(in *dynamodb.QueryInput) {
			in.Select = types.SelectCount
			in.ProjectionExpression = aws.String("sk")
		}), validation, "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count"},
		{"all attributes with AttributesToGet", &dynamodb.QueryInput{
			TableName: aws.String("str"), Select: types.SelectAllAttributes, AttributesToGet: []string{"sk"},
			KeyConditions: map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, qS("p"))},
		}, validation, "1 validation error detected: Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"},
		{"partition key type", base(func(in *dynamodb.QueryInput) { in.ExpressionAttributeValues = qAVs{":p": qN("1")} }), validation,
			"One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"sort key type", base(func(in *dynamodb.QueryInput) {
			in.KeyConditionExpression = aws.String("pk = :p AND sk BETWEEN :a AND :b")
			in.ExpressionAttributeValues = qAVs{":p": qS("p"), ":a": qN("1"), ":b": qN("2")}
		}), validation, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"legacy sort key type", &dynamodb.QueryInput{TableName: aws.String("num"), KeyConditions: map[string]types.Condition{
			"pk": cond(types.ComparisonOperatorEq, qS("p")), "sk": cond(types.ComparisonOperatorGt, qS("1")),
		}}, validation, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"empty partition key", base(func(in *dynamodb.QueryInput) { in.ExpressionAttributeValues = qAVs{":p": qS("")} }), validation,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"filter on sort key", base(func(in *dynamodb.QueryInput) {
			in.FilterExpression = aws.String("attribute_exists(x) AND #s > :a")
			in.ExpressionAttributeNames = map[string]string{"#s": "sk"}
			in.ExpressionAttributeValues = qAVs{":p": qS("p"), ":a": qS("a")}
		}), validation, "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"},
		{"QueryFilter on partition key", &dynamodb.QueryInput{TableName: aws.String("str"),
			KeyConditions: map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, qS("p"))},
			QueryFilter:   map[string]types.Condition{"pk": cond(types.ComparisonOperatorNotNull)},
		}, validation, "QueryFilter can only contain non-primary key attributes: Primary key attribute: pk"},
		{"condition without partition key", base(func(in *dynamodb.QueryInput) {
			in.KeyConditionExpression = aws.String("sk = :p")
		}), validation, "Query condition missed key schema element: pk"},
		{"condition on non-key", base(func(in *dynamodb.QueryInput) {
			in.KeyConditionExpression = aws.String("pk = :p AND x = :p")
		}), validation, "Query key condition not supported"},
		{"operator on partition key", base(func(in *dynamodb.QueryInput) {
			in.KeyConditionExpression = aws.String("pk > :p")
		}), validation, "Query key condition not supported"},
		{"OR", base(func(in *dynamodb.QueryInput) {
			in.KeyConditionExpression = aws.String("pk = :p OR sk = :p")
		}), validation, "Invalid operator used in KeyConditionExpression: OR"},
		{"start key count", base(func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = qAVs{"pk": qS("p")} }), validation,
			"The provided starting key is invalid"},
		{"start key without partition key", base(func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = qAVs{"x": qS("p"), "sk": qS("a")} }), validation,
			"The provided starting key is invalid"},
		{"start key type", base(func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = qAVs{"pk": qS("p"), "sk": qN("1")} }), validation,
			"The provided key element does not match the schema"},
		{"start key other partition", base(func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = qAVs{"pk": qS("q"), "sk": qS("a")} }), validation,
			"The provided starting key is outside query boundaries based on provided conditions"},
		{"start key outside range", base(func(in *dynamodb.QueryInput) {
			in.KeyConditionExpression = aws.String("pk = :p AND sk > :a")
			in.ExpressionAttributeValues = qAVs{":p": qS("p"), ":a": qS("b")}
			in.ExclusiveStartKey = qAVs{"pk": qS("p"), "sk": qS("a")}
		}), validation, "The provided starting key does not match the range key predicate"},
		{"start key empty sort key", base(func(in *dynamodb.QueryInput) { in.ExclusiveStartKey = qAVs{"pk": qS("p"), "sk": qS("")} }), validation,
			"The provided starting key is invalid: One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: sk"},
		{"mixed parameters", base(func(in *dynamodb.QueryInput) {
			in.QueryFilter = map[string]types.Condition{"x": cond(types.ComparisonOperatorNull)}
		}), validation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {KeyConditionExpression}"},
		{"values without expressions", &dynamodb.QueryInput{TableName: aws.String("str"), ExpressionAttributeValues: pv,
			KeyConditions: map[string]types.Condition{"pk": cond(types.ComparisonOperatorEq, qS("p"))},
		}, validation, "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null"},
		{"invalid value", base(func(in *dynamodb.QueryInput) {
			in.FilterExpression = aws.String("x = :x")
			in.ExpressionAttributeValues = qAVs{":p": qS("p"), ":x": &types.AttributeValueMemberSS{Value: []string{}}}
		}), validation, "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :x"},
		{"unused value", base(func(in *dynamodb.QueryInput) { in.ExpressionAttributeValues = qAVs{":p": qS("p"), ":z": qS("z")} }), validation,
			"Value provided in ExpressionAttributeValues unused in expressions: keys: {:z}"},
		{"hash table with sort condition", &dynamodb.QueryInput{TableName: aws.String("hash"),
			KeyConditionExpression: aws.String("pk = :p AND sk = :p"), ExpressionAttributeValues: pv,
		}, validation, "Query key condition not supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.env.client.Query(ctx, tc.in)
			qCheckAPIError(t, err, tc.code, tc.msg)
		})
	}
}

func TestScanErrors(t *testing.T) {
	f := newQueryFixture(t)
	ctx := context.Background()
	const validation = "ValidationException"
	scan := func(mod func(in *dynamodb.ScanInput)) *dynamodb.ScanInput {
		in := &dynamodb.ScanInput{TableName: aws.String("str")}
		mod(in)
		return in
	}
	// A start key in segment 0 of 2 and one outside it.
	var inSeg0, notInSeg0 map[string]types.AttributeValue
	for i := 0; inSeg0 == nil || notInSeg0 == nil; i++ {
		key := qAVs{"pk": qS(fmt.Sprint(i)), "sk": qS("a")}
		out, err := f.env.client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("str"), Segment: aws.Int32(0), TotalSegments: aws.Int32(2), ExclusiveStartKey: key})
		if err == nil {
			inSeg0 = key
			_ = out
		} else {
			notInSeg0 = key
		}
		if i > 100 {
			t.Fatal("no start keys found for both segments")
		}
	}
	cases := []struct {
		name      string
		in        *dynamodb.ScanInput
		code, msg string
	}{
		{"segment without total", scan(func(in *dynamodb.ScanInput) { in.Segment = aws.Int32(0) }), validation,
			"The TotalSegments parameter is required but was not present in the request when Segment parameter is present"},
		{"total without segment", scan(func(in *dynamodb.ScanInput) { in.TotalSegments = aws.Int32(2) }), validation,
			"The Segment parameter is required but was not present in the request when parameter TotalSegments is present"},
		{"segment not less than total", scan(func(in *dynamodb.ScanInput) { in.Segment = aws.Int32(4); in.TotalSegments = aws.Int32(4) }), validation,
			"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4"},
		{"total zero", scan(func(in *dynamodb.ScanInput) { in.Segment = aws.Int32(0); in.TotalSegments = aws.Int32(0) }), validation,
			"1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"total too large", scan(func(in *dynamodb.ScanInput) { in.Segment = aws.Int32(0); in.TotalSegments = aws.Int32(1000001) }), validation,
			"1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000"},
		{"segment negative and limit", scan(func(in *dynamodb.ScanInput) {
			in.Segment = aws.Int32(-1)
			in.TotalSegments = aws.Int32(2)
			in.Limit = aws.Int32(0)
		}), validation, "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
			"Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"missing table", scan(func(in *dynamodb.ScanInput) { in.TableName = aws.String("nope") }), "ResourceNotFoundException", "Requested resource not found"},
		{"missing index", scan(func(in *dynamodb.ScanInput) { in.IndexName = aws.String("idx") }), validation,
			"The table does not have the specified index: idx"},
		{"start key count", scan(func(in *dynamodb.ScanInput) { in.ExclusiveStartKey = qAVs{"pk": qS("p")} }), validation,
			"The provided starting key is invalid: The provided key element does not match the schema"},
		{"start key type", scan(func(in *dynamodb.ScanInput) { in.ExclusiveStartKey = qAVs{"pk": qS("p"), "sk": qB(1)} }), validation,
			"The provided starting key is invalid: The provided key element does not match the schema"},
		{"start key empty", scan(func(in *dynamodb.ScanInput) { in.ExclusiveStartKey = qAVs{"pk": qS(""), "sk": qS("a")} }), validation,
			"The provided starting key is invalid: One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"start key in another segment", scan(func(in *dynamodb.ScanInput) {
			in.Segment = aws.Int32(0)
			in.TotalSegments = aws.Int32(2)
			in.ExclusiveStartKey = notInSeg0
		}), validation, "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 0"},
		{"all projected", scan(func(in *dynamodb.ScanInput) { in.Select = types.SelectAllProjectedAttributes }), validation,
			"ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"specific", scan(func(in *dynamodb.ScanInput) { in.Select = types.SelectSpecificAttributes }), validation,
			"Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"},
		{"all with projection", scan(func(in *dynamodb.ScanInput) {
			in.Select = types.SelectAllAttributes
			in.ProjectionExpression = aws.String("a")
		}), validation, "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"},
		{"values without expressions", scan(func(in *dynamodb.ScanInput) { in.ExpressionAttributeValues = qAVs{":a": qS("a")} }), validation,
			"ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"},
		{"mixed", scan(func(in *dynamodb.ScanInput) {
			in.AttributesToGet = []string{"a"}
			in.FilterExpression = aws.String("attribute_exists(a)")
		}), validation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {FilterExpression}"},
		{"duplicate AttributesToGet", scan(func(in *dynamodb.ScanInput) { in.AttributesToGet = []string{"a", "a"} }), validation,
			"One or more parameter values were invalid: Duplicate value in attribute name: a"},
		{"empty filter", scan(func(in *dynamodb.ScanInput) { in.FilterExpression = aws.String("") }), validation,
			"Invalid FilterExpression: The expression can not be empty;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.env.client.Scan(ctx, tc.in)
			qCheckAPIError(t, err, tc.code, tc.msg)
		})
	}
	t.Run("start key in its segment", func(t *testing.T) {
		if _, err := f.env.client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("str"), Segment: aws.Int32(0), TotalSegments: aws.Int32(2), ExclusiveStartKey: inSeg0}); err != nil {
			t.Errorf("Scan: %v", err)
		}
	})
}
