package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

var cmpValues = cmp.AllowUnexported(value.Number{})

func TestAttributeValueRoundTrip(t *testing.T) {
	num := value.MustParseNumber
	tests := []struct {
		name string
		in   string // DynamoDB JSON as a client sends it
		want value.Value
		out  string // canonical encoding
	}{
		{"S", `{"S":"x"}`, value.S("x"), `{"S":"x"}`},
		{"S empty", `{"S":""}`, value.S(""), `{"S":""}`},
		{"S escapes", `{"S":"a\"b\\c\n\u00e9\ud83d\ude00"}`, value.S("a\"b\\c\né😀"), `{"S":"a\"b\\c\né😀"}`},
		{"N", `{"N":"1.5"}`, value.N(num("1.5")), `{"N":"1.5"}`},
		{"N canonical", `{"N":"1.0"}`, value.N(num("1")), `{"N":"1"}`},
		{"N exponent", `{"N":"-12E-3"}`, value.N(num("-0.012")), `{"N":"-0.012"}`},
		{"B", `{"B":"AQI="}`, value.B([]byte{1, 2}), `{"B":"AQI="}`},
		{"B empty", `{"B":""}`, value.B([]byte{}), `{"B":""}`},
		{"BOOL true", `{"BOOL":true}`, value.Bool(true), `{"BOOL":true}`},
		{"BOOL false", `{"BOOL":false}`, value.Bool(false), `{"BOOL":false}`},
		{"BOOL string", `{"BOOL":"true"}`, value.Bool(true), `{"BOOL":true}`},
		{"NULL", `{"NULL":true}`, value.Null(), `{"NULL":true}`},
		{"M", `{"M":{"b":{"N":"2"},"a":{"S":"x"}}}`, value.M(map[string]value.Value{"a": value.S("x"), "b": value.N(num("2"))}),
			`{"M":{"a":{"S":"x"},"b":{"N":"2"}}}`},
		{"M empty", `{"M":{}}`, value.M(map[string]value.Value{}), `{"M":{}}`},
		{"L", `{"L":[{"S":"x"},{"NULL":true},{"L":[]}]}`, value.L(value.S("x"), value.Null(), value.Value{Type: value.TypeL, L: []value.Value{}}), `{"L":[{"S":"x"},{"NULL":true},{"L":[]}]}`},
		{"SS", `{"SS":["a","b"]}`, value.SS("a", "b"), `{"SS":["a","b"]}`},
		{"NS", `{"NS":["1","2.50"]}`, value.NS(num("1"), num("2.5")), `{"NS":["1","2.5"]}`},
		{"BS", `{"BS":["AQ==","Ag=="]}`, value.BS([]byte{1}, []byte{2}), `{"BS":["AQ==","Ag=="]}`},
		{"unknown member ignored", `{"S":"x","Foo":{"deep":[1,2,{"a":null}]}}`, value.S("x"), `{"S":"x"}`},
		{"null member absent", `{"S":"x","N":null}`, value.S("x"), `{"S":"x"}`},
		{"whitespace", " {\n\t\"S\" : \"x\" } ", value.S("x"), `{"S":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeAttributeValue([]byte(tt.in))
			if err != nil {
				t.Fatalf("DecodeAttributeValue(%s) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpValues); diff != "" {
				t.Errorf("DecodeAttributeValue(%s) (-want +got):\n%s", tt.in, diff)
			}
			out, err := AppendAttributeValue(nil, got)
			if err != nil {
				t.Fatalf("AppendAttributeValue: %v", err)
			}
			if string(out) != tt.out {
				t.Errorf("AppendAttributeValue = %s, want %s", out, tt.out)
			}
		})
	}
}

func TestAttributeValueErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		serial  bool // SerializationException, else ValidationException
		message string
	}{
		{"empty", `{}`, false, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"only null member", `{"S":null}`, false, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"two types", `{"S":"x","N":"1"}`, false, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"},
		{"NULL false", `{"NULL":false}`, false, "One or more parameter values were invalid: Null attribute value types must have the value of true"},
		{"bad number", `{"N":"abc"}`, false, "The parameter cannot be converted to a numeric value: abc"},
		{"number overflow", `{"N":"1E+126"}`, false, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"nested empty", `{"L":[{"S":"x"},{}]}`, false, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"S number", `{"S":5}`, true, "NUMBER_VALUE can not be converted to a String"},
		{"S true", `{"S":true}`, true, "TRUE_VALUE can not be converted to a String"},
		{"S false", `{"S":false}`, true, "FALSE_VALUE can not be converted to a String"},
		{"S object", `{"S":{}}`, true, "Start of structure or map found where not expected."},
		{"S list", `{"S":[]}`, true, "Start of list found where not expected"},
		{"N number", `{"N":5}`, true, "NUMBER_VALUE can not be converted to a String"},
		{"BOOL string", `{"BOOL":"maybe"}`, true, "STRING_VALUE can not be converted to an Boolean"},
		{"BOOL number", `{"BOOL":1}`, true, "NUMBER_VALUE can not be converted to a Boolean"},
		{"M string", `{"M":"x"}`, true, "Expected map or null"},
		{"M list", `{"M":[]}`, true, "Start of list found where not expected"},
		{"L string", `{"L":"x"}`, true, "Expected list or null"},
		{"L object", `{"L":{}}`, true, "Start of structure or map found where not expected."},
		{"SS string", `{"SS":"x"}`, true, "Expected list or null"},
		{"value is string", `"x"`, true, "Expected null"},
		{"value is list", `[]`, true, "Start of list found where not expected"},
		{"base64 length", `{"B":"abc"}`, true, "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
		{"base64 char", `{"B":"ab*d"}`, true, "'ab*d' can not be converted to a Blob: Invalid Base64 character: '*'"},
		{"base64 padding", `{"B":"a=bc"}`, true, "'a=bc' can not be converted to a Blob: Invalid Base64 character: '='"},
		{"base64 last", `{"B":"AR=="}`, true, "'AR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"},
		{"B number", `{"B":1}`, true, "NUMBER_VALUE can not be converted to a Blob"},
		{"malformed", `{"S":"x"`, true, ""},
		{"trailing data", `{"S":"x"} x`, true, ""},
		{"serialization wins over validation", `{"L":[{},{"S":1}]}`, true, "NUMBER_VALUE can not be converted to a String"},
		{"syntax wins over shape", `{"S":1,`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeAttributeValue([]byte(tt.in))
			var (
				serErr *SerializationError
				valErr *value.ValidationError
			)
			switch {
			case tt.serial && errors.As(err, &serErr):
				if serErr.Message != tt.message {
					t.Errorf("DecodeAttributeValue(%s) = SerializationException %q, want %q", tt.in, serErr.Message, tt.message)
				}
			case !tt.serial && errors.As(err, &valErr):
				if valErr.Message != tt.message {
					t.Errorf("DecodeAttributeValue(%s) = ValidationException %q, want %q", tt.in, valErr.Message, tt.message)
				}
			default:
				t.Errorf("DecodeAttributeValue(%s) error = %#v, want serialization=%v %q", tt.in, err, tt.serial, tt.message)
			}
		})
	}
}

// nested returns an AttributeValue of depth levels of L around a string.
func nested(levels int) string {
	return strings.Repeat(`{"L":[`, levels) + `{"S":"x"}` + strings.Repeat(`]}`, levels)
}

func TestNestingDepth(t *testing.T) {
	// value.Validate counts the attribute itself as level 1: 31 lists
	// around a string make 32 levels.
	if _, err := DecodeAttributeValue([]byte(nested(value.MaxNestingDepth - 1))); err != nil {
		t.Errorf("decoding %d levels: %v", value.MaxNestingDepth, err)
	}
	for _, levels := range []int{value.MaxNestingDepth, 100000} {
		_, err := DecodeAttributeValue([]byte(nested(levels)))
		var valErr *value.ValidationError
		if !errors.As(err, &valErr) || valErr.Message != value.MsgNesting {
			t.Errorf("decoding %d levels: error = %v, want %q", levels+1, err, value.MsgNesting)
		}
	}
	// A deep value that is not even valid JSON is a SerializationException.
	deep := []byte(strings.Repeat(`{"L":[`, 100000))
	var serErr *SerializationError
	if _, err := DecodeAttributeValue(deep); !errors.As(err, &serErr) {
		t.Errorf("decoding unterminated deep JSON: error = %v, want SerializationError", err)
	}
}

func TestDecodedValuesValidate(t *testing.T) {
	// The decoder and value.Validate agree on where the depth limit is.
	v, err := DecodeAttributeValue([]byte(nested(value.MaxNestingDepth - 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(); err != nil {
		t.Errorf("Validate of the deepest decodable value: %v", err)
	}
}

func TestItemJSONInterop(t *testing.T) {
	in := `{"b":{"N":"2.0"},"a":{"SS":["x"]}}`
	var it Item
	if err := json.Unmarshal([]byte(in), &it); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	out, err := json.Marshal(it)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if want := `{"a":{"SS":["x"]},"b":{"N":"2"}}`; string(out) != want {
		t.Errorf("json.Marshal = %s, want %s", out, want)
	}
}

func TestUnmarshalRequest(t *testing.T) {
	body := `{"TableName":"t","Key":{"pk":{"S":"a"}},"ConsistentRead":true,"Unknown":[1,{"x":2}],
		"ProjectionExpression":null,"ExpressionAttributeNames":{"#a":"b"},"AttributesToGet":["x","y"]}`
	var in GetItemInput
	if err := Unmarshal([]byte(body), &in); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	tableName, consistent := "t", true
	want := GetItemInput{
		TableName:                &tableName,
		Key:                      Item{"pk": value.S("a")},
		ConsistentRead:           &consistent,
		ExpressionAttributeNames: map[string]string{"#a": "b"},
		AttributesToGet:          []string{"x", "y"},
	}
	if diff := cmp.Diff(want, in, cmpValues); diff != "" {
		t.Errorf("Unmarshal (-want +got):\n%s", diff)
	}
}

func TestUnmarshalRequestErrors(t *testing.T) {
	tests := []struct {
		name, body, message string
	}{
		{"table name number", `{"TableName":1}`, "NUMBER_VALUE can not be converted to a String"},
		{"limit string", `{"TableName":"t","Limit":"5"}`, "STRING_VALUE can not be converted to an Integer"},
		{"limit bool", `{"TableName":"t","Limit":true}`, "TRUE_VALUE can not be converted to an Integer"},
		{"capacity string", `{"TableName":"t","ProvisionedThroughput":{"ReadCapacityUnits":"1"}}`, "STRING_VALUE can not be converted to a Long"},
		{"structure string", `{"TableName":"t","ProvisionedThroughput":"x"}`, "Expected null"},
		{"structure list", `{"TableName":"t","ProvisionedThroughput":[]}`, "Start of list found where not expected"},
		{"list string", `{"TableName":"t","KeySchema":"x"}`, "Expected list or null"},
		{"map list", `{"TableName":"t","ExpressionAttributeNames":[]}`, "Start of list found where not expected"},
		{"item string", `{"TableName":"t","Item":"x"}`, "Expected map or null"},
		{"body list", `[]`, "Start of list found where not expected"},
		{"case-sensitive names", `{"tablename":1,"TableName":"t","Limit":{}}`, "Start of structure or map found where not expected."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q struct {
				TableName                *string                `json:"TableName"`
				Limit                    *int32                 `json:"Limit"`
				ProvisionedThroughput    *ProvisionedThroughput `json:"ProvisionedThroughput"`
				KeySchema                []KeySchemaElement     `json:"KeySchema"`
				Item                     Item                   `json:"Item"`
				ExpressionAttributeNames map[string]string      `json:"ExpressionAttributeNames"`
			}
			err := Unmarshal([]byte(tt.body), &q)
			var serErr *SerializationError
			if !errors.As(err, &serErr) || serErr.Message != tt.message {
				t.Errorf("Unmarshal(%s) error = %v, want SerializationException %q", tt.body, err, tt.message)
			}
		})
	}
}

func TestUnmarshalIntegerTruncates(t *testing.T) {
	var in ScanInput
	if err := Unmarshal([]byte(`{"Limit":2.7,"Segment":-0.5}`), &in); err != nil {
		t.Fatal(err)
	}
	if *in.Limit != 2 || *in.Segment != -1 {
		t.Errorf("Limit, Segment = %d, %d, want 2, -1", *in.Limit, *in.Segment)
	}
}

func TestMarshalResponse(t *testing.T) {
	created := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)
	name := "t"
	out := QueryOutput{
		Items: []Item{{"pk": value.S("a")}},
		Count: 1,
	}
	got, err := Marshal(&out)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Count":1,"Items":[{"pk":{"S":"a"}}],"ScannedCount":0}`; string(got) != want {
		t.Errorf("Marshal(QueryOutput) = %s, want %s", got, want)
	}
	empty, err := Marshal(&QueryOutput{Items: []Item{}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Count":0,"Items":[],"ScannedCount":0}`; string(empty) != want {
		t.Errorf("Marshal(empty QueryOutput) = %s, want %s", empty, want)
	}
	desc, err := Marshal(&DescribeTableOutput{Table: &TableDescription{TableName: &name, CreationDateTime: &created}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Table":{"CreationDateTime":1704164645.678,"TableName":"t"}}`; string(desc) != want {
		t.Errorf("Marshal(DescribeTableOutput) = %s, want %s", desc, want)
	}
	// And back.
	var back DescribeTableOutput
	if err := Unmarshal(desc, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Table.CreationDateTime.Equal(created) {
		t.Errorf("CreationDateTime = %v, want %v", back.Table.CreationDateTime, created)
	}
}

func TestMarshalInvalidValue(t *testing.T) {
	if _, err := AppendItem(nil, value.Item{"a": {}}); err == nil {
		t.Error("AppendItem of an item with an invalid value succeeded")
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{}`, true}, {`[]`, true}, {` {"a":[1,-2.5e3,true,false,null,"x"]} `, true},
		{`{"a":}`, false}, {`{"a" 1}`, false}, {`[1,]`, false}, {`{"a":1,}`, false}, {`01`, false},
		{`"\x"`, false}, {"\"a\x01\"", false}, {`{}{}`, false}, {``, false}, {`[}`, false},
	}
	for _, tt := range tests {
		if got := Valid([]byte(tt.in)); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if got, std := Valid([]byte(tt.in)), json.Valid([]byte(tt.in)); got != std {
			t.Errorf("Valid(%q) = %v, encoding/json says %v", tt.in, got, std)
		}
	}
}

// FuzzDecodeAttributeValue checks that no input panics the decoder and that
// decode → encode → decode is stable.
func FuzzDecodeAttributeValue(f *testing.F) {
	for _, seed := range []string{
		`{"S":"x"}`, `{"N":"1.50"}`, `{"B":"AQI="}`, `{"BOOL":true}`, `{"NULL":true}`,
		`{"M":{"a":{"L":[{"N":"1"},{"SS":["a","b"]}]}}}`, `{"NS":["1","2"]}`, `{"BS":["AQ=="]}`,
		`{}`, `{"S":"\ud83d\ude00\u0000"}`, `{"L":[{"L":[{"L":[]}]}]}`, `{"B":"A==="}`, `[`, "\"\xff\"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeAttributeValue(data)
		if err != nil {
			return
		}
		if json.Valid(data) != true {
			t.Fatalf("decoded invalid JSON %q", data)
		}
		enc, err := AppendAttributeValue(nil, v)
		if err != nil {
			t.Fatalf("AppendAttributeValue(%#v): %v", v, err)
		}
		v2, err := DecodeAttributeValue(enc)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", enc, err)
		}
		enc2, err := AppendAttributeValue(nil, v2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("unstable encoding: %s then %s", enc, enc2)
		}
	})
}
