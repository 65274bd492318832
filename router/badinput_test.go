package router

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
)

// TestBadInputNeverCorrupts sends malformed and hostile requests over raw
// HTTP to a node holding data. Each must get a 4xx DynamoDB error (never a
// 500, a panic or a hang), and the data must be unchanged afterwards.
func TestBadInputNeverCorrupts(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.api.tables.Create(&catalog.Table{
		Name: "bad", Status: catalog.StatusActive, Billing: catalog.BillingPayPerRequest,
		PartitionKey: catalog.KeyAttr{Name: "pk", Type: value.TypeS},
	}); err != nil {
		t.Fatal(err)
	}
	const target = "DynamoDB_20120810."
	const ct = "application/x-amz-json-1.0"
	good := `{"TableName":"bad","Item":{"pk":{"S":"keep"},"v":{"N":"1"}}}`
	if resp := rawPost(t, env.url, target+"PutItem", ct, good); resp.StatusCode != http.StatusOK {
		t.Fatalf("seed PutItem: %d %s", resp.StatusCode, readResponse(t, resp))
	}

	deep := strings.Repeat(`{"L":[`, 40) + `{"S":"x"}` + strings.Repeat(`]}`, 40)
	veryDeep := strings.Repeat(`[`, 100000) + strings.Repeat(`]`, 100000)
	big := strings.Repeat("x", 410*1024)
	longExpr := "attribute_exists(pk)" + strings.Repeat(" AND attribute_exists(pk)", 200)
	tests := []struct {
		name, op, body string
		wantType       string
	}{
		{"malformed JSON", "PutItem", `{"TableName":"bad",`, "SerializationException"},
		{"not an object", "PutItem", `[1,2,3]`, "SerializationException"},
		{"wrong member type", "PutItem", `{"TableName":5,"Item":{}}`, "SerializationException"},
		{"wrong attribute value shape", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":5}}}`, "SerializationException"},
		{"invalid base64", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"k"},"b":{"B":"!!!"}}}`, "SerializationException"},
		{"empty attribute value", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"k"},"e":{}}}`, "ValidationException"},
		{"two types in one value", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"k","N":"1"}}}`, "ValidationException"},
		{"invalid number", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"k"},"n":{"N":"1e999"}}}`, "ValidationException"},
		{"not a number", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"k"},"n":{"N":"one"}}}`, "ValidationException"},
		{"item over 400 KB", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"k"},"s":{"S":"` + big + `"}}}`, "ValidationException"},
		{"nesting over 32 levels", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"k"},"d":` + deep + `}}`, "ValidationException"},
		{"pathological JSON depth", "PutItem", `{"TableName":"bad","Item":` + veryDeep + `}`, "SerializationException"},
		{"empty key", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":""}}}`, "ValidationException"},
		{"key of the wrong type", "GetItem", `{"TableName":"bad","Key":{"pk":{"N":"1"}}}`, "ValidationException"},
		{"expression over 4 KB", "PutItem", `{"TableName":"bad","Item":{"pk":{"S":"keep"}},"ConditionExpression":"` + longExpr + `"}`, "ValidationException"},
		{"expression syntax", "UpdateItem", `{"TableName":"bad","Key":{"pk":{"S":"keep"}},"UpdateExpression":"SET v = = 2"}`, "ValidationException"},
		{"update type error leaves the item", "UpdateItem", `{"TableName":"bad","Key":{"pk":{"S":"keep"}},"UpdateExpression":"SET v = v + :s","ExpressionAttributeValues":{":s":{"S":"x"}}}`, "ValidationException"},
		{"missing table", "GetItem", `{"TableName":"nope","Key":{"pk":{"S":"k"}}}`, "ResourceNotFoundException"},
		{"missing table name", "Scan", `{}`, "ValidationException"},
		{"unknown operation", "Frobnicate", `{}`, "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := rawPost(t, env.url, target+tt.op, ct, tt.body)
			body := readResponse(t, resp)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", resp.StatusCode, body)
			}
			var e struct {
				Type string `json:"__type"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("error body %q is not JSON: %v", body, err)
			}
			if !strings.HasSuffix(e.Type, "#"+tt.wantType) {
				t.Errorf("__type = %q, want …#%s (body %s)", e.Type, tt.wantType, body)
			}
		})
	}

	resp := rawPost(t, env.url, target+"GetItem", ct, `{"TableName":"bad","Key":{"pk":{"S":"keep"}},"ConsistentRead":true}`)
	got := readResponse(t, resp)
	if want := `{"Item":{"pk":{"S":"keep"},"v":{"N":"1"}}}`; !jsonEqual(got, want) {
		t.Errorf("item after bad requests = %s, want %s", got, want)
	}
	scan := readResponse(t, rawPost(t, env.url, target+"Scan", ct, `{"TableName":"bad","Select":"COUNT"}`))
	if !strings.Contains(scan, `"Count":1`) {
		t.Errorf("Scan after bad requests = %s, want exactly the one seeded item", scan)
	}
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}
