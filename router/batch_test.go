package router

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func putReq(item avItem) types.WriteRequest {
	return types.WriteRequest{PutRequest: &types.PutRequest{Item: item}}
}

func delReq(key avItem) types.WriteRequest {
	return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key}}
}

func TestBatchWriteAndGet(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	if _, err := env.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hash"), Item: avItem{"pk": avS("old")}}); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 5000)
	out, err := env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
		RequestItems: map[string][]types.WriteRequest{
			"hash":  {putReq(avItem{"pk": avS("a"), "v": avN("1")}), putReq(avItem{"pk": avS("b"), "d": avS(big)}), delReq(avItem{"pk": avS("old")})},
			"range": {putReq(avItem{"pk": avS("a"), "n": avN("1")}), delReq(avItem{"pk": avS("a"), "n": avN("2")})},
		},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		t.Fatalf("BatchWriteItem: %v", err)
	}
	if out.UnprocessedItems == nil || len(out.UnprocessedItems) != 0 {
		t.Errorf("UnprocessedItems = %v, want an empty map", out.UnprocessedItems)
	}
	wantCC := []types.ConsumedCapacity{
		{TableName: aws.String("hash"), CapacityUnits: aws.Float64(7), WriteCapacityUnits: aws.Float64(7)},
		{TableName: aws.String("range"), CapacityUnits: aws.Float64(2), WriteCapacityUnits: aws.Float64(2)},
	}
	if diff := cmp.Diff(wantCC, out.ConsumedCapacity, capacityOpts); diff != "" {
		t.Errorf("BatchWriteItem ConsumedCapacity (-want +got):\n%s", diff)
	}

	got, err := env.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
		RequestItems: map[string]types.KeysAndAttributes{
			"hash": {Keys: []avItem{{"pk": avS("a")}, {"pk": avS("b")}, {"pk": avS("old")}},
				ProjectionExpression: aws.String("#p, v"), ExpressionAttributeNames: map[string]string{"#p": "pk"}, ConsistentRead: aws.Bool(true)},
			"range": {Keys: []avItem{{"pk": avS("a"), "n": avN("1")}}, AttributesToGet: []string{"n"}},
		},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		t.Fatalf("BatchGetItem: %v", err)
	}
	gotResp := map[string][]map[string]any{}
	for table, items := range got.Responses {
		for _, it := range items {
			gotResp[table] = append(gotResp[table], plain(t, it))
		}
	}
	wantResp := map[string][]map[string]any{
		"hash":  {{"pk": "a", "v": 1.0}, {"pk": "b"}},
		"range": {{"n": 1.0}},
	}
	sortItems := cmpopts.SortSlices(func(a, b map[string]any) bool { return fmt.Sprint(a) < fmt.Sprint(b) })
	if diff := cmp.Diff(wantResp, gotResp, sortItems); diff != "" {
		t.Errorf("BatchGetItem Responses (-want +got):\n%s", diff)
	}
	if got.UnprocessedKeys == nil || len(got.UnprocessedKeys) != 0 {
		t.Errorf("UnprocessedKeys = %v, want an empty map", got.UnprocessedKeys)
	}
	// hash: 1 + 2 (5 KB) + 1 (absent), strongly consistent; range: 0.5.
	wantCC = []types.ConsumedCapacity{
		{TableName: aws.String("hash"), CapacityUnits: aws.Float64(4), ReadCapacityUnits: aws.Float64(4)},
		{TableName: aws.String("range"), CapacityUnits: aws.Float64(0.5), ReadCapacityUnits: aws.Float64(0.5)},
	}
	if diff := cmp.Diff(wantCC, got.ConsumedCapacity, capacityOpts); diff != "" {
		t.Errorf("BatchGetItem ConsumedCapacity (-want +got):\n%s", diff)
	}
}

func TestBatchGetResponseLimit(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	const n = 45
	val := strings.Repeat("x", 390*1024) // each item: 5 + 1 + 399360 bytes; 42 fit in 16 MB
	var keys []avItem
	for i := 0; i < n; i += 15 {
		var reqs []types.WriteRequest
		for j := i; j < i+15; j++ {
			k := fmt.Sprintf("k%02d", j)
			keys = append(keys, avItem{"pk": avS(k)})
			reqs = append(reqs, putReq(avItem{"pk": avS(k), "d": avS(val)}))
		}
		if _, err := env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"hash": reqs}}); err != nil {
			t.Fatalf("BatchWriteItem: %v", err)
		}
	}
	out, err := env.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"hash": {Keys: keys, ProjectionExpression: aws.String("pk")}}})
	if err != nil {
		t.Fatalf("BatchGetItem: %v", err)
	}
	if got := len(out.Responses["hash"]); got != 42 {
		t.Errorf("BatchGetItem returned %d items, want 42", got)
	}
	un := out.UnprocessedKeys["hash"]
	var unKeys []string
	for _, k := range un.Keys {
		unKeys = append(unKeys, plain(t, k)["pk"].(string))
	}
	if diff := cmp.Diff([]string{"k42", "k43", "k44"}, unKeys); diff != "" {
		t.Errorf("UnprocessedKeys (-want +got):\n%s", diff)
	}
	if un.ProjectionExpression == nil || *un.ProjectionExpression != "pk" {
		t.Errorf("UnprocessedKeys lost the ProjectionExpression: %+v", un)
	}
	again, err := env.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: out.UnprocessedKeys})
	if err != nil {
		t.Fatalf("BatchGetItem(unprocessed): %v", err)
	}
	if got := len(again.Responses["hash"]); got != 3 || len(again.UnprocessedKeys) != 0 {
		t.Errorf("retry returned %d items and %v unprocessed, want 3 and none", got, again.UnprocessedKeys)
	}
}

func TestBatchValidation(t *testing.T) {
	env := itemsEnv(t)
	ctx := context.Background()
	write := func(items map[string][]types.WriteRequest) func() error {
		return func() error {
			_, err := env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: items})
			return err
		}
	}
	get := func(items map[string]types.KeysAndAttributes) func() error {
		return func() error {
			_, err := env.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: items})
			return err
		}
	}
	puts := func(n int, prefix string) []types.WriteRequest {
		var out []types.WriteRequest
		for i := 0; i < n; i++ {
			out = append(out, putReq(avItem{"pk": avS(fmt.Sprintf("%s%d", prefix, i))}))
		}
		return out
	}
	keys := func(n int, prefix string) []avItem {
		var out []avItem
		for i := 0; i < n; i++ {
			out = append(out, avItem{"pk": avS(fmt.Sprintf("%s%d", prefix, i))})
		}
		return out
	}
	const (
		codeValidation = "ValidationException"
		codeNotFound   = "ResourceNotFoundException"
	)
	javaRef := `com\.amazonaws\.dynamodb\.v20120810\.%s@[0-9a-f]+`
	tests := []struct {
		name      string
		call      func() error
		code, msg string
		pattern   string // a regular expression for messages that show request values
	}{
		{"write 26 requests in a table", write(map[string][]types.WriteRequest{"hash": puts(26, "a")}), codeValidation, "",
			`^1 validation error detected: Value '\{hash=\[(` + fmt.Sprintf(javaRef, "WriteRequest") + `(, )?){26}\]\}' at 'requestItems' failed to satisfy constraint: ` +
				`Map value must satisfy constraint: \[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\]$`},
		{"write empty list", write(map[string][]types.WriteRequest{"hash": {}}), codeValidation,
			"1 validation error detected: Value '{hash=[]}' at 'requestItems' failed to satisfy constraint: " +
				"Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]", ""},
		{"write short table name", write(map[string][]types.WriteRequest{"a": puts(1, "a")}), codeValidation, "",
			`^1 validation error detected: Value '\{a=\[` + fmt.Sprintf(javaRef, "WriteRequest") + `\]\}' at 'requestItems' failed to satisfy constraint: ` +
				`Map keys must satisfy constraint: \[Member must have length less than or equal to 255, Member must have length greater than or equal to 3, ` +
				`Member must satisfy regular expression pattern: \[a-zA-Z0-9_\.-\]\+\]$`},
		{"write 26 requests over two tables", write(map[string][]types.WriteRequest{"hash": puts(13, "a"), "range": {putReq(avItem{"pk": avS("a"), "n": avN("1")})},
			"nope": puts(12, "b")}), codeValidation, "Too many items requested for the BatchWriteItem call", ""},
		{"write 25 requests to an unknown table", write(map[string][]types.WriteRequest{"nope": puts(25, "a")}), codeNotFound, "Requested resource not found", ""},
		{"write put and delete of one item", write(map[string][]types.WriteRequest{"hash": {putReq(avItem{"pk": avS("a"), "x": avS("y")}), delReq(avItem{"pk": avS("a")})}}),
			codeValidation, "Provided list of item keys contains duplicates", ""},
		{"write empty request", write(map[string][]types.WriteRequest{"hash": {{}}}), codeValidation,
			"Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes", ""},
		{"write put missing key", write(map[string][]types.WriteRequest{"hash": {putReq(avItem{"x": avS("a")})}}), codeValidation,
			"The provided key element does not match the schema", ""},
		{"write put wrong key type", write(map[string][]types.WriteRequest{"hash": {putReq(avItem{"pk": avN("1")})}}), codeValidation,
			"The provided key element does not match the schema", ""},
		{"write put empty key", write(map[string][]types.WriteRequest{"hash": {putReq(avItem{"pk": avS("")})}}), codeValidation,
			"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk", ""},
		{"write item too large", write(map[string][]types.WriteRequest{"nope": {putReq(avItem{"pk": avS("a"), "d": avS(strings.Repeat("x", 400*1024))})}}),
			codeValidation, "Item size has exceeded the maximum allowed size", ""},
		{"write delete key mismatch", write(map[string][]types.WriteRequest{"range": {delReq(avItem{"pk": avS("a")})}}), codeValidation,
			"The provided key element does not match the schema", ""},

		{"get 101 keys in a table", get(map[string]types.KeysAndAttributes{"hash": {Keys: keys(101, "a")}}), codeValidation, "",
			`^1 validation error detected: Value '\[.+\]' at 'requestItems\.hash\.member\.keys' failed to satisfy constraint: Member must have length less than or equal to 100$`},
		{"get empty keys", get(map[string]types.KeysAndAttributes{"hash": {Keys: []avItem{}}}), codeValidation,
			"1 validation error detected: Value '[]' at 'requestItems.hash.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1", ""},
		{"get 101 keys over two tables", get(map[string]types.KeysAndAttributes{"hash": {Keys: keys(100, "a")}, "range": {Keys: []avItem{{"pk": avS("a"), "n": avN("1")}}}}),
			codeValidation, "Too many items requested for the BatchGetItem call", ""},
		{"get 100 keys of an unknown table", get(map[string]types.KeysAndAttributes{"nope": {Keys: keys(100, "a")}}), codeNotFound, "Requested resource not found", ""},
		{"get duplicate keys", get(map[string]types.KeysAndAttributes{"hash": {Keys: []avItem{{"pk": avS("a")}, {"pk": avS("b")}, {"pk": avS("a")}}}}),
			codeValidation, "Provided list of item keys contains duplicates", ""},
		{"get duplicate AttributesToGet", get(map[string]types.KeysAndAttributes{"hash": {Keys: keys(1, "a"), AttributesToGet: []string{"a", "a"}}}),
			codeValidation, "One or more parameter values were invalid: Duplicate value in attribute name: a", ""},
		{"get mixed parameters", get(map[string]types.KeysAndAttributes{"hash": {Keys: keys(1, "a"), AttributesToGet: []string{"a"}, ProjectionExpression: aws.String("a")}}),
			codeValidation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}", ""},
		{"get key mismatch", get(map[string]types.KeysAndAttributes{"hash": {Keys: []avItem{{"pk": avS("a"), "x": avS("b")}}}}), codeValidation,
			"The provided key element does not match the schema", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.pattern == "" {
				wantAPIError(t, err, tt.code, tt.msg)
				return
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want %s", err, tt.code)
			}
			if apiErr.ErrorCode() != tt.code || !regexp.MustCompile(tt.pattern).MatchString(apiErr.ErrorMessage()) {
				t.Errorf("error = %s: %q\nwant %s matching %s", apiErr.ErrorCode(), apiErr.ErrorMessage(), tt.code, tt.pattern)
			}
		})
	}
	t.Run("write same key in two tables", func(t *testing.T) {
		_, err := env.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
			"hash": {putReq(avItem{"pk": avS("a"), "n": avN("1")})}, "range": {putReq(avItem{"pk": avS("a"), "n": avN("1")})}}})
		if err != nil {
			t.Errorf("BatchWriteItem: %v", err)
		}
	})
}
