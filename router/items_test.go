package router

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
)

// itemsCreateTable creates an ACTIVE table directly in the catalog; sk may
// be empty for a table without a sort key. Key types are S, or N for a
// sort key named "n".
func itemsCreateTable(t *testing.T, env *testEnv, name, pk, sk string) {
	t.Helper()
	tbl := &catalog.Table{Name: name, PartitionKey: catalog.KeyAttr{Name: pk, Type: value.TypeS},
		Status: catalog.StatusActive, Billing: catalog.BillingPayPerRequest}
	if sk != "" {
		typ := value.TypeS
		if sk == "n" {
			typ = value.TypeN
		}
		tbl.SortKey = catalog.KeyAttr{Name: sk, Type: typ}
	}
	if _, err := env.api.tables.Create(tbl); err != nil {
		t.Fatalf("Create(%q): %v", name, err)
	}
}

// itemsEnv returns a test environment with the tables "hash" (pk) and
// "range" (pk, n).
func itemsEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t)
	itemsCreateTable(t, env, "hash", "pk", "")
	itemsCreateTable(t, env, "range", "pk", "n")
	return env
}

// avS, avN and friends build SDK attribute values.
func avS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func avN(n string) types.AttributeValue { return &types.AttributeValueMemberN{Value: n} }

func avM(m map[string]types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: m}
}

func avL(l ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: l}
}

type avItem = map[string]types.AttributeValue

// plain converts an SDK item to plain Go values for comparison; nil stays
// nil.
func plain(t *testing.T, m avItem) map[string]any {
	t.Helper()
	if m == nil {
		return nil
	}
	var out map[string]any
	if err := attributevalue.UnmarshalMap(m, &out); err != nil {
		t.Fatalf("UnmarshalMap: %v", err)
	}
	return out
}

// wantAPIError checks that err is a DynamoDB error of the given code and
// exact message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want %s: %s", err, code, msg)
	}
	if apiErr.ErrorCode() != code || apiErr.ErrorMessage() != msg {
		t.Errorf("error = %s: %q\nwant    %s: %q", apiErr.ErrorCode(), apiErr.ErrorMessage(), code, msg)
	}
}

var capacityOpts = cmpopts.IgnoreUnexported(types.ConsumedCapacity{}, types.Capacity{})

func TestItemsPutGet(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	item := avItem{"pk": avS("a"), "x": avN("1"), "m": avM(avItem{"b": avS("c"), "l": avL(avN("1"), avN("2"), avN("3"))})}
	out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: item})
	if err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	if out.Attributes != nil || out.ConsumedCapacity != nil {
		t.Errorf("PutItem = %+v, want no Attributes and no ConsumedCapacity", out)
	}
	key := avItem{"pk": avS("a")}
	tests := []struct {
		name string
		in   dynamodb.GetItemInput
		want map[string]any
	}{
		{"eventually consistent", dynamodb.GetItemInput{Key: key}, plain(t, item)},
		{"consistent", dynamodb.GetItemInput{Key: key, ConsistentRead: aws.Bool(true)}, plain(t, item)},
		{"projection", dynamodb.GetItemInput{Key: key, ProjectionExpression: aws.String("#m.l[2], x, nope"),
			ExpressionAttributeNames: map[string]string{"#m": "m"}},
			map[string]any{"x": 1.0, "m": map[string]any{"l": []any{3.0}}}},
		{"attributes to get", dynamodb.GetItemInput{Key: key, AttributesToGet: []string{"x", "pk"}},
			map[string]any{"x": 1.0, "pk": "a"}},
		{"projection matching nothing", dynamodb.GetItemInput{Key: key, ProjectionExpression: aws.String("zz")},
			map[string]any{}},
		{"missing item", dynamodb.GetItemInput{Key: avItem{"pk": avS("zzz")}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.TableName = aws.String("hash")
			got, err := env.client.GetItem(ctx, &in)
			if err != nil {
				t.Fatalf("GetItem: %v", err)
			}
			if tt.want == nil {
				if got.Item != nil {
					t.Errorf("GetItem(missing).Item = %v, want none", got.Item)
				}
				return
			}
			if got.Item == nil {
				t.Fatalf("GetItem.Item = nil, want %v", tt.want)
			}
			if diff := cmp.Diff(tt.want, plain(t, got.Item), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("GetItem.Item mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestItemsSortKeyTable(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	for _, n := range []string{"1", "2"} {
		if _, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("range"),
			Item: avItem{"pk": avS("a"), "n": avN(n), "v": avS("v" + n)}}); err != nil {
			t.Fatalf("PutItem: %v", err)
		}
	}
	got, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("range"),
		Key: avItem{"pk": avS("a"), "n": avN("2.0")}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if diff := cmp.Diff(map[string]any{"pk": "a", "n": 2.0, "v": "v2"}, plain(t, got.Item)); diff != "" {
		t.Errorf("GetItem mismatch (-want +got):\n%s", diff)
	}
	if _, err := env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("range"),
		Key: avItem{"pk": avS("a"), "n": avN("1")}}); err != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	got, err = env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("range"),
		Key: avItem{"pk": avS("a"), "n": avN("1")}, ConsistentRead: aws.Bool(true)})
	if err != nil || got.Item != nil {
		t.Errorf("GetItem(deleted) = %v, %v; want no item", got.Item, err)
	}
}

func TestItemsReturnValues(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	put := func(item avItem) {
		t.Helper()
		if _, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: item}); err != nil {
			t.Fatalf("PutItem: %v", err)
		}
	}
	update := func(rv types.ReturnValue, expr string, vals avItem) map[string]any {
		t.Helper()
		out, err := env.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("hash"),
			Key: avItem{"pk": avS("u")}, ReturnValues: rv, UpdateExpression: aws.String(expr), ExpressionAttributeValues: vals})
		if err != nil {
			t.Fatalf("UpdateItem(%s, %q): %v", rv, expr, err)
		}
		return plain(t, out.Attributes)
	}

	t.Run("PutItem ALL_OLD", func(t *testing.T) {
		out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"),
			Item: avItem{"pk": avS("p"), "a": avS("1")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil || out.Attributes != nil {
			t.Fatalf("PutItem(new, ALL_OLD) = %v, %v; want no Attributes", out.Attributes, err)
		}
		out, err = env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"),
			Item: avItem{"pk": avS("p"), "a": avS("2")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]any{"pk": "p", "a": "1"}, plain(t, out.Attributes)); diff != "" {
			t.Errorf("PutItem ALL_OLD (-want +got):\n%s", diff)
		}
	})
	t.Run("DeleteItem ALL_OLD", func(t *testing.T) {
		out, err := env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("hash"),
			Key: avItem{"pk": avS("p")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]any{"pk": "p", "a": "2"}, plain(t, out.Attributes)); diff != "" {
			t.Errorf("DeleteItem ALL_OLD (-want +got):\n%s", diff)
		}
		out, err = env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("hash"),
			Key: avItem{"pk": avS("p")}, ReturnValues: types.ReturnValueAllOld})
		if err != nil || out.Attributes != nil {
			t.Errorf("DeleteItem(absent, ALL_OLD) = %v, %v; want no Attributes", out.Attributes, err)
		}
	})

	// The sequence below follows DynamoDB's documented and observed
	// behaviour of UpdateItem's modes, nested paths included.
	put(avItem{"pk": avS("u"), "a": avM(avItem{"b": avS("dog"), "c": avL(avN("1"), avN("2"), avN("3"))}), "d": avS("cat")})
	steps := []struct {
		name string
		rv   types.ReturnValue
		expr string
		vals avItem
		want map[string]any
	}{
		{"NONE", types.ReturnValueNone, "SET d = :v", avItem{":v": avS("cat")}, nil},
		{"ALL_OLD", types.ReturnValueAllOld, "SET a.b = :v", avItem{":v": avS("hi")},
			map[string]any{"pk": "u", "a": map[string]any{"b": "dog", "c": []any{1.0, 2.0, 3.0}}, "d": "cat"}},
		{"UPDATED_OLD nested", types.ReturnValueUpdatedOld, "SET a.b = :v", avItem{":v": avS("yo")},
			map[string]any{"a": map[string]any{"b": "hi"}}},
		{"UPDATED_OLD list element", types.ReturnValueUpdatedOld, "SET a.c[1] = :v", avItem{":v": avN("7")},
			map[string]any{"a": map[string]any{"c": []any{2.0}}}},
		{"UPDATED_OLD two paths", types.ReturnValueUpdatedOld, "SET a.c[1] = :v, a.b = :w", avItem{":v": avN("8"), ":w": avS("dog")},
			map[string]any{"a": map[string]any{"b": "yo", "c": []any{7.0}}}},
		{"UPDATED_NEW nested", types.ReturnValueUpdatedNew, "SET a.b = :v", avItem{":v": avS("hello")},
			map[string]any{"a": map[string]any{"b": "hello"}}},
		{"UPDATED_NEW arithmetic", types.ReturnValueUpdatedNew, "SET a.c[1] = a.c[1] + :v", avItem{":v": avN("1")},
			map[string]any{"a": map[string]any{"c": []any{9.0}}}},
		{"ALL_NEW", types.ReturnValueAllNew, "SET a.c[1] = :v", avItem{":v": avN("4")},
			map[string]any{"pk": "u", "a": map[string]any{"b": "hello", "c": []any{1.0, 4.0, 3.0}}, "d": "cat"}},
		{"UPDATED_OLD remove with missing element", types.ReturnValueUpdatedOld, "REMOVE a.c[1], a.c[3]", nil,
			map[string]any{"a": map[string]any{"c": []any{4.0}}}},
		{"UPDATED_OLD new attribute", types.ReturnValueUpdatedOld, "SET a.x1 = :v", avItem{":v": avN("8")}, nil},
		{"UPDATED_NEW new attribute", types.ReturnValueUpdatedNew, "SET a.x2 = :v", avItem{":v": avN("8")},
			map[string]any{"a": map[string]any{"x2": 8.0}}},
		{"UPDATED_NEW append past the end", types.ReturnValueUpdatedNew, "SET a.c[100] = :v", avItem{":v": avN("70")}, nil},
		{"UPDATED_NEW remove shifts the list", types.ReturnValueUpdatedNew, "REMOVE a.c[1]", nil,
			map[string]any{"a": map[string]any{"c": []any{70.0}}}},
		{"UPDATED_NEW remove top level", types.ReturnValueUpdatedNew, "REMOVE d", nil, nil},
		{"UPDATED_OLD remove top level", types.ReturnValueUpdatedOld, "SET d = :v REMOVE a", avItem{":v": avS("x")},
			map[string]any{"a": map[string]any{"c": []any{1.0, 70.0}, "x1": 8.0, "x2": 8.0, "b": "hello"}}},
		{"UPDATED_NEW add", types.ReturnValueUpdatedNew, "ADD cnt :v", avItem{":v": avN("5")}, map[string]any{"cnt": 5.0}},
	}
	for _, s := range steps {
		t.Run("UpdateItem "+s.name, func(t *testing.T) {
			got := update(s.rv, s.expr, s.vals)
			if diff := cmp.Diff(s.want, got); diff != "" {
				t.Errorf("UpdateItem(%s, %q) Attributes (-want +got):\n%s", s.rv, s.expr, diff)
			}
		})
	}
}

func TestItemsUpdateCreates(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	get := func(pk string) map[string]any {
		t.Helper()
		out, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS(pk)}, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatalf("GetItem: %v", err)
		}
		return plain(t, out.Item)
	}
	tests := []struct {
		name string
		in   dynamodb.UpdateItemInput
		want map[string]any // item afterwards and ALL_NEW
	}{
		{"set creates", dynamodb.UpdateItemInput{UpdateExpression: aws.String("SET a = :v"),
			ExpressionAttributeValues: avItem{":v": avS("x")}}, map[string]any{"pk": "set creates", "a": "x"}},
		{"remove only creates nothing", dynamodb.UpdateItemInput{UpdateExpression: aws.String("REMOVE a")}, nil},
		{"no update creates the key", dynamodb.UpdateItemInput{}, map[string]any{"pk": "no update creates the key"}},
		{"empty AttributeUpdates creates the key", dynamodb.UpdateItemInput{AttributeUpdates: map[string]types.AttributeValueUpdate{}},
			map[string]any{"pk": "empty AttributeUpdates creates the key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.TableName, in.Key, in.ReturnValues = aws.String("hash"), avItem{"pk": avS(tt.name)}, types.ReturnValueAllNew
			out, err := env.client.UpdateItem(ctx, &in)
			if err != nil {
				t.Fatalf("UpdateItem: %v", err)
			}
			if diff := cmp.Diff(tt.want, plain(t, out.Attributes)); diff != "" {
				t.Errorf("UpdateItem ALL_NEW (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, get(tt.name)); diff != "" {
				t.Errorf("item afterwards (-want +got):\n%s", diff)
			}
		})
	}
}

func TestItemsConditional(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	if _, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"),
		Item: avItem{"pk": avS("c"), "s": avS("dog")}}); err != nil {
		t.Fatal(err)
	}
	cond := aws.String("s = :v")
	vals := avItem{":v": avS("cat")}
	tests := []struct {
		name     string
		call     func(onFail types.ReturnValuesOnConditionCheckFailure) error
		wantItem bool
	}{
		{"PutItem", func(f types.ReturnValuesOnConditionCheckFailure) error {
			_, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("c")},
				ConditionExpression: cond, ExpressionAttributeValues: vals, ReturnValuesOnConditionCheckFailure: f})
			return err
		}, true},
		{"UpdateItem", func(f types.ReturnValuesOnConditionCheckFailure) error {
			_, err := env.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("c")},
				UpdateExpression: aws.String("SET s = :v"), ConditionExpression: cond, ExpressionAttributeValues: vals,
				ReturnValuesOnConditionCheckFailure: f})
			return err
		}, true},
		{"DeleteItem", func(f types.ReturnValuesOnConditionCheckFailure) error {
			_, err := env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("c")},
				ConditionExpression: cond, ExpressionAttributeValues: vals, ReturnValuesOnConditionCheckFailure: f})
			return err
		}, true},
		{"DeleteItem absent item", func(f types.ReturnValuesOnConditionCheckFailure) error {
			_, err := env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("absent")},
				ConditionExpression: aws.String("attribute_exists(pk)"), ReturnValuesOnConditionCheckFailure: f})
			return err
		}, false},
		{"PutItem legacy Expected", func(f types.ReturnValuesOnConditionCheckFailure) error {
			_, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("c")},
				Expected: map[string]types.ExpectedAttributeValue{"s": {Exists: aws.Bool(false)}}, ReturnValuesOnConditionCheckFailure: f})
			return err
		}, true},
	}
	for _, tt := range tests {
		for _, f := range []types.ReturnValuesOnConditionCheckFailure{"", types.ReturnValuesOnConditionCheckFailureNone, types.ReturnValuesOnConditionCheckFailureAllOld} {
			t.Run(tt.name+" "+string(f), func(t *testing.T) {
				err := tt.call(f)
				var ccf *types.ConditionalCheckFailedException
				if !errors.As(err, &ccf) {
					t.Fatalf("error = %v, want ConditionalCheckFailedException", err)
				}
				if ccf.ErrorMessage() != "The conditional request failed" {
					t.Errorf("message = %q", ccf.ErrorMessage())
				}
				var want map[string]any
				if f == types.ReturnValuesOnConditionCheckFailureAllOld && tt.wantItem {
					want = map[string]any{"pk": "c", "s": "dog"}
				}
				if diff := cmp.Diff(want, plain(t, ccf.Item)); diff != "" {
					t.Errorf("exception Item (-want +got):\n%s", diff)
				}
			})
		}
	}
	// Conditions that hold write.
	if _, err := env.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("c")},
		UpdateExpression: aws.String("SET s = :v"), ConditionExpression: aws.String("s = :old"),
		ExpressionAttributeValues: avItem{":v": avS("cat"), ":old": avS("dog")}}); err != nil {
		t.Fatalf("UpdateItem with a true condition: %v", err)
	}
	if _, err := env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("c")},
		Expected: map[string]types.ExpectedAttributeValue{"s": {Value: avS("cat")}}}); err != nil {
		t.Fatalf("DeleteItem with a true Expected: %v", err)
	}
}

func TestItemsLegacyAttributeUpdates(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	if _, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"),
		Item: avItem{"pk": avS("l"), "n": avN("3"), "ss": &types.AttributeValueMemberSS{Value: []string{"a", "b"}}, "gone": avS("x")}}); err != nil {
		t.Fatal(err)
	}
	out, err := env.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("l")},
		AttributeUpdates: map[string]types.AttributeValueUpdate{
			"n":    {Action: types.AttributeActionAdd, Value: avN("2")},
			"ss":   {Action: types.AttributeActionDelete, Value: &types.AttributeValueMemberSS{Value: []string{"a"}}},
			"gone": {Action: types.AttributeActionDelete},
			"new":  {Value: avS("v")},
			"list": {Action: types.AttributeActionAdd, Value: avL(avN("1"))},
		},
		Expected:     map[string]types.ExpectedAttributeValue{"n": {ComparisonOperator: types.ComparisonOperatorGe, AttributeValueList: []types.AttributeValue{avN("3")}}},
		ReturnValues: types.ReturnValueAllNew})
	if err != nil {
		t.Fatalf("UpdateItem: %v", err)
	}
	want := map[string]any{"pk": "l", "n": 5.0, "new": "v", "list": []any{1.0}}
	got := plain(t, out.Attributes)
	ss, _ := got["ss"].([]string)
	delete(got, "ss")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UpdateItem ALL_NEW (-want +got):\n%s", diff)
	}
	if !cmp.Equal(ss, []string{"b"}) {
		t.Errorf("ss = %v, want [b]", ss)
	}
}

func TestItemsConsumedCapacity(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	big := strings.Repeat("x", 5000) // item size 2 + 1 + 5000 = 5003 bytes
	total := types.ReturnConsumedCapacityTotal
	wcc := func(u float64) *types.ConsumedCapacity {
		return &types.ConsumedCapacity{TableName: aws.String("hash"), CapacityUnits: aws.Float64(u), WriteCapacityUnits: aws.Float64(u)}
	}
	rcc := func(u float64) *types.ConsumedCapacity {
		return &types.ConsumedCapacity{TableName: aws.String("hash"), CapacityUnits: aws.Float64(u), ReadCapacityUnits: aws.Float64(u)}
	}
	tests := []struct {
		name string
		call func() (*types.ConsumedCapacity, error)
		want *types.ConsumedCapacity
	}{
		{"put small", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("s")}, ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, wcc(1)},
		{"put 5 KB", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("b"), "d": avS(big)}, ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, wcc(5)},
		{"get 5 KB consistent", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("b")},
				ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: total, ProjectionExpression: aws.String("pk")})
			return out.ConsumedCapacity, err
		}, rcc(2)},
		{"get 5 KB eventually consistent", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("b")}, ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, rcc(1)},
		{"get absent", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("none")}, ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, rcc(0.5)},
		{"update 5 KB item to small", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("b")},
				UpdateExpression: aws.String("REMOVE d"), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, wcc(5)},
		{"put over 5 KB item", func() (*types.ConsumedCapacity, error) {
			if _, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("b"), "d": avS(big)}}); err != nil {
				return nil, err
			}
			out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("b")}, ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, wcc(5)},
		{"delete small", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("b")}, ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, wcc(1)},
		{"delete absent", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("b")}, ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, wcc(1)},
		{"indexes", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("i")},
				ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes})
			return out.ConsumedCapacity, err
		}, &types.ConsumedCapacity{TableName: aws.String("hash"), CapacityUnits: aws.Float64(1), WriteCapacityUnits: aws.Float64(1),
			Table: &types.Capacity{CapacityUnits: aws.Float64(1), WriteCapacityUnits: aws.Float64(1)}}},
		{"none", func() (*types.ConsumedCapacity, error) {
			out, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("i")},
				ReturnConsumedCapacity: types.ReturnConsumedCapacityNone})
			return out.ConsumedCapacity, err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, capacityOpts); diff != "" {
				t.Errorf("ConsumedCapacity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestItemsAttributeValueRoundTrip(t *testing.T) {
	type address struct {
		Street string
		Zip    int
	}
	type person struct {
		PK      string `dynamodbav:"pk"`
		Name    string
		Age     int
		Score   float64
		Active  bool
		Tags    []string `dynamodbav:",stringset"`
		Nums    []int    `dynamodbav:",numberset"`
		Blob    []byte
		Home    address
		Extra   map[string]string
		Nothing *string `dynamodbav:",nullempty"`
		List    []any
	}
	env := itemsEnv(t)
	ctx := context.Background()
	in := person{PK: "p1", Name: "Ada", Age: 36, Score: 99.5, Active: true, Tags: []string{"a", "b"}, Nums: []int{3, 1},
		Blob: []byte{0, 1, 2}, Home: address{"Main St", 12345}, Extra: map[string]string{"k": "v"}, List: []any{"x", 1.5, true}}
	item, err := attributevalue.MarshalMap(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: item}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	out, err := env.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hash"), Key: avItem{"pk": avS("p1")}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	var got person
	if err := attributevalue.UnmarshalMap(out.Item, &got); err != nil {
		t.Fatalf("UnmarshalMap: %v", err)
	}
	if diff := cmp.Diff(in, got, cmpopts.SortSlices(func(a, b int) bool { return a < b }),
		cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestItemsValidation(t *testing.T) {
	env := itemsEnv(t)
	itemsCreateTable(t, env, "ranges", "pk", "s")
	ctx := context.Background()
	const (
		codeValidation = "ValidationException"
		codeNotFound   = "ResourceNotFoundException"
	)
	hash := aws.String("hash")
	key := avItem{"pk": avS("a")}
	put := func(in *dynamodb.PutItemInput) func() error {
		return func() error {
			if in.TableName == nil {
				in.TableName = hash
			}
			_, err := env.client.PutItem(ctx, in)
			return err
		}
	}
	get := func(in *dynamodb.GetItemInput) func() error {
		return func() error {
			if in.TableName == nil {
				in.TableName = hash
			}
			_, err := env.client.GetItem(ctx, in)
			return err
		}
	}
	update := func(in *dynamodb.UpdateItemInput) func() error {
		return func() error {
			if in.TableName == nil {
				in.TableName = hash
			}
			_, err := env.client.UpdateItem(ctx, in)
			return err
		}
	}
	del := func(in *dynamodb.DeleteItemInput) func() error {
		return func() error {
			if in.TableName == nil {
				in.TableName = hash
			}
			_, err := env.client.DeleteItem(ctx, in)
			return err
		}
	}
	rvEnum := "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"
	tests := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"put missing key", put(&dynamodb.PutItemInput{Item: avItem{"x": avS("a")}}), codeValidation,
			"One or more parameter values were invalid: Missing the key pk in the item"},
		{"put missing sort key", put(&dynamodb.PutItemInput{TableName: aws.String("range"), Item: avItem{"pk": avS("a")}}), codeValidation,
			"One or more parameter values were invalid: Missing the key n in the item"},
		{"put wrong key type", put(&dynamodb.PutItemInput{Item: avItem{"pk": avN("1")}}), codeValidation,
			"One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"},
		{"put empty key string", put(&dynamodb.PutItemInput{Item: avItem{"pk": avS("")}}), codeValidation,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"put partition key too long", put(&dynamodb.PutItemInput{Item: avItem{"pk": avS(strings.Repeat("k", 2049))}}), codeValidation,
			"One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"put sort key too long", put(&dynamodb.PutItemInput{TableName: aws.String("ranges"), Item: avItem{"pk": avS("a"), "s": avS(strings.Repeat("s", 1025))}}), codeValidation,
			"One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"},
		{"put item too large", put(&dynamodb.PutItemInput{Item: avItem{"pk": avS("a"), "d": avS(strings.Repeat("x", 400*1024))}}), codeValidation,
			"Item size has exceeded the maximum allowed size"},
		{"put item too large on unknown table", put(&dynamodb.PutItemInput{TableName: aws.String("nope"),
			Item: avItem{"pk": avS("a"), "d": avS(strings.Repeat("x", 400*1024))}}), codeValidation,
			"Item size has exceeded the maximum allowed size"},
		{"put empty string set", put(&dynamodb.PutItemInput{Item: avItem{"pk": avS("a"), "s": &types.AttributeValueMemberSS{Value: []string{}}}}), codeValidation,
			"One or more parameter values were invalid: An string set  may not be empty"},
		{"put ReturnValues ALL_NEW", put(&dynamodb.PutItemInput{Item: key, ReturnValues: types.ReturnValueAllNew}), codeValidation,
			"Return values set to invalid value"},
		{"put ReturnValues UPDATED_OLD", put(&dynamodb.PutItemInput{Item: key, ReturnValues: types.ReturnValueUpdatedOld}), codeValidation,
			"Return values set to invalid value"},
		{"put ReturnValues unknown", put(&dynamodb.PutItemInput{Item: key, ReturnValues: "none"}), codeValidation,
			"1 validation error detected: Value 'none' at 'returnValues' failed to satisfy constraint: " + rvEnum},
		{"put several constraints", put(&dynamodb.PutItemInput{TableName: aws.String("abc;"), Item: key, ReturnValues: "hi",
			ReturnConsumedCapacity: "hi", ReturnItemCollectionMetrics: "hi"}), codeValidation,
			"4 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; " +
				"Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value 'hi' at 'returnValues' failed to satisfy constraint: " + rvEnum + "; " +
				"Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]"},
		{"put short table name", put(&dynamodb.PutItemInput{TableName: aws.String("a;"), Item: key}), codeValidation,
			"2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value 'a;' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"put ReturnValuesOnConditionCheckFailure", put(&dynamodb.PutItemInput{Item: key, ReturnValuesOnConditionCheckFailure: "UPDATED_NEW"}), codeValidation,
			"1 validation error detected: Value 'UPDATED_NEW' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"},
		{"put mixed parameters", put(&dynamodb.PutItemInput{Item: key, ConditionExpression: aws.String("attribute_exists(pk)"),
			Expected: map[string]types.ExpectedAttributeValue{"pk": {Exists: aws.Bool(false)}}}), codeValidation,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"},
		{"put Expected without value", put(&dynamodb.PutItemInput{Item: key, Expected: map[string]types.ExpectedAttributeValue{"a": {}}}), codeValidation,
			"One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"},
		{"put invalid expression value", put(&dynamodb.PutItemInput{Item: key, ConditionExpression: aws.String("a = :v"),
			ExpressionAttributeValues: avItem{":v": &types.AttributeValueMemberNS{Value: []string{}}}}), codeValidation,
			"ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An number set  may not be empty for key :v"},
		{"put unused value on unknown table", put(&dynamodb.PutItemInput{TableName: aws.String("nope"), Item: key,
			ConditionExpression: aws.String("attribute_exists(a)"), ExpressionAttributeValues: avItem{":v": avS("x")}}), codeValidation,
			"Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"},
		{"put unknown table", put(&dynamodb.PutItemInput{TableName: aws.String("nope"), Item: key}), codeNotFound,
			"Requested resource not found"},

		{"get unknown table", get(&dynamodb.GetItemInput{TableName: aws.String("nope"), Key: key}), codeNotFound, "Requested resource not found"},
		{"get key of wrong type", get(&dynamodb.GetItemInput{Key: avItem{"pk": avN("1")}}), codeValidation,
			"The provided key element does not match the schema"},
		{"get key with extra attribute", get(&dynamodb.GetItemInput{Key: avItem{"pk": avS("a"), "x": avS("b")}}), codeValidation,
			"The provided key element does not match the schema"},
		{"get key missing sort key", get(&dynamodb.GetItemInput{TableName: aws.String("range"), Key: key}), codeValidation,
			"The provided key element does not match the schema"},
		{"get empty key string", get(&dynamodb.GetItemInput{Key: avItem{"pk": avS("")}}), codeValidation,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"get mixed parameters", get(&dynamodb.GetItemInput{Key: key, AttributesToGet: []string{"a"}, ProjectionExpression: aws.String("a")}), codeValidation,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"},
		{"get duplicate AttributesToGet", get(&dynamodb.GetItemInput{Key: key, AttributesToGet: []string{"a", "a"}}), codeValidation,
			"One or more parameter values were invalid: Duplicate value in attribute name: a"},
		{"get empty AttributesToGet", get(&dynamodb.GetItemInput{Key: key, AttributesToGet: []string{}}), codeValidation,
			"1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"get unused name", get(&dynamodb.GetItemInput{Key: key, ExpressionAttributeNames: map[string]string{"#a": "a"}, ProjectionExpression: aws.String("b")}), codeValidation,
			"Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"},

		{"update key attribute", update(&dynamodb.UpdateItemInput{Key: key, UpdateExpression: aws.String("SET pk = :v"),
			ExpressionAttributeValues: avItem{":v": avS("b")}}), codeValidation,
			"One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
		{"update key attribute legacy", update(&dynamodb.UpdateItemInput{Key: key,
			AttributeUpdates: map[string]types.AttributeValueUpdate{"pk": {Value: avS("b")}}}), codeValidation,
			"One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
		{"update mixed parameters", update(&dynamodb.UpdateItemInput{Key: key, UpdateExpression: aws.String("SET a = :v"),
			ExpressionAttributeValues: avItem{":v": avS("b")}, AttributeUpdates: map[string]types.AttributeValueUpdate{"a": {Value: avS("b")}}}), codeValidation,
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"},
		{"update ReturnValues unknown", update(&dynamodb.UpdateItemInput{Key: key, ReturnValues: "ALL"}), codeValidation,
			"1 validation error detected: Value 'ALL' at 'returnValues' failed to satisfy constraint: " + rvEnum},
		{"update unknown table", update(&dynamodb.UpdateItemInput{TableName: aws.String("nope"), Key: key}), codeNotFound, "Requested resource not found"},
		{"update key mismatch", update(&dynamodb.UpdateItemInput{Key: avItem{"x": avS("a")}}), codeValidation,
			"The provided key element does not match the schema"},
		{"update operand type", update(&dynamodb.UpdateItemInput{Key: avItem{"pk": avS("str")}, UpdateExpression: aws.String("SET a = a + :v"),
			ExpressionAttributeValues: avItem{":v": avN("1")}}), codeValidation,
			"The provided expression refers to an attribute that does not exist in the item"},

		{"delete ReturnValues ALL_NEW", del(&dynamodb.DeleteItemInput{Key: key, ReturnValues: types.ReturnValueAllNew}), codeValidation,
			"Return values set to invalid value"},
		{"delete unknown table", del(&dynamodb.DeleteItemInput{TableName: aws.String("nope"), Key: key}), codeNotFound, "Requested resource not found"},
		{"delete key mismatch", del(&dynamodb.DeleteItemInput{Key: avItem{"pk": avS("a"), "n": avN("1")}}), codeValidation,
			"The provided key element does not match the schema"},
		{"delete ConditionalOperator alone", del(&dynamodb.DeleteItemInput{Key: key, ConditionalOperator: types.ConditionalOperatorOr}), codeValidation,
			"ConditionalOperator cannot be used without Filter or Expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, tt.call(), tt.code, tt.msg)
		})
	}
}

func TestItemsRawNullMembers(t *testing.T) {
	env := itemsEnv(t)
	tests := []struct {
		op, body, want string
	}{
		{"PutItem", `{}`, "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'item' failed to satisfy constraint: Member must not be null"},
		{"GetItem", `{"TableName":"hash"}`, "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"},
		{"UpdateItem", `{"TableName":""}`, "3 validation errors detected: Value '' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
			"Value null at 'key' failed to satisfy constraint: Member must not be null"},
		{"DeleteItem", `{"Key":{"pk":{"S":"a"}}}`, "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"},
		{"BatchGetItem", `{}`, "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"},
		{"BatchGetItem", `{"RequestItems":{}}`, "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"BatchGetItem", `{"RequestItems":{"hash":{}}}`, "1 validation error detected: Value null at 'requestItems.hash.member.keys' failed to satisfy constraint: Member must not be null"},
		{"BatchWriteItem", `{"ReturnConsumedCapacity":"hi","ReturnItemCollectionMetrics":"hi"}`,
			"3 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; " +
				"Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]; " +
				"Value null at 'requestItems' failed to satisfy constraint: Member must not be null"},
		{"BatchWriteItem", `{"RequestItems":{"hash":[{"PutRequest":{},"DeleteRequest":{}}]}}`,
			"2 validation errors detected: Value null at 'requestItems.hash.member.1.member.deleteRequest.key' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'requestItems.hash.member.1.member.putRequest.item' failed to satisfy constraint: Member must not be null"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.body, func(t *testing.T) {
			resp := rawPost(t, env.url, "DynamoDB_20120810."+tt.op, "application/x-amz-json-1.0", tt.body)
			body := readResponse(t, resp)
			want := `{"__type":"com.amazon.coral.validate#ValidationException","message":` + strconv.Quote(tt.want) + `}`
			if resp.StatusCode != 400 || body != want {
				t.Errorf("%s %s = %d %s\nwant 400 %s", tt.op, tt.body, resp.StatusCode, body, want)
			}
		})
	}
}
