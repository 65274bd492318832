package wire

import (
	"encoding/json"
	"testing"
)

// FuzzUnmarshal decodes arbitrary bytes into request types: no panic, no
// hang, and whatever decodes was valid JSON and encodes again.
func FuzzUnmarshal(f *testing.F) {
	for _, seed := range []string{
		`{"TableName":"t","KeyConditionExpression":"pk = :v","ExpressionAttributeValues":{":v":{"S":"x"}},"Limit":10,"ExclusiveStartKey":{"pk":{"S":"a"}}}`,
		`{"RequestItems":{"t":[{"PutRequest":{"Item":{"pk":{"S":"a"},"n":{"N":"1"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"b"}}}}]}}`,
		`{"TableName":"t","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET a = :v","AttributeUpdates":{"x":{"Action":"PUT","Value":{"BOOL":true}}},"Expected":{"y":{"Exists":false}}}`,
		`{"TableName":null,"Limit":"x"}`, `[]`, `{"RequestItems":{"t":[{}]}}`, `{"Key":{"a":{"M":{"b":{"L":[{"NULL":true}]}}}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var q QueryInput
		var bw BatchWriteItemInput
		var u UpdateItemInput
		for _, v := range []any{&q, &bw, &u} {
			if err := Unmarshal(data, v); err != nil {
				continue
			}
			if !json.Valid(data) {
				t.Fatalf("Unmarshal accepted invalid JSON %q", data)
			}
			if _, err := Marshal(v); err != nil {
				t.Fatalf("Marshal of a decoded %T: %v", v, err)
			}
		}
	})
}
