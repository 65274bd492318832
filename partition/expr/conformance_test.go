package expr

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// This file checks the engine end to end — Compile (parse, bind, check) and
// then evaluate — on the examples of DynamoDB's developer guide (the
// ProductCatalog item), so that a reader can compare each case with
// DynamoDB's documented behaviour.

// decodeFixture decodes one attribute value in DynamoDB's JSON form
// ({"S": "x"}, ...) for test fixtures.
func decodeFixture(t *testing.T, m map[string]json.RawMessage) value.Value {
	t.Helper()
	if len(m) != 1 {
		t.Fatalf("fixture %v: want exactly one type", m)
	}
	for typ, raw := range m {
		var err error
		var v value.Value
		switch typ {
		case "S":
			v.Type = value.TypeS
			err = json.Unmarshal(raw, &v.S)
		case "N":
			var s string
			err = json.Unmarshal(raw, &s)
			if err == nil {
				var n value.Number
				n, err = value.ParseNumber(s)
				v = value.N(n)
			}
		case "B":
			v.Type = value.TypeB
			err = json.Unmarshal(raw, &v.B)
		case "BOOL":
			v.Type = value.TypeBOOL
			err = json.Unmarshal(raw, &v.BOOL)
		case "NULL":
			v.Type = value.TypeNULL
		case "SS":
			v.Type = value.TypeSS
			err = json.Unmarshal(raw, &v.SS)
		case "NS":
			var ss []string
			err = json.Unmarshal(raw, &ss)
			v.Type = value.TypeNS
			for _, s := range ss {
				v.NS = append(v.NS, value.MustParseNumber(s))
			}
		case "BS":
			v.Type = value.TypeBS
			err = json.Unmarshal(raw, &v.BS)
		case "M":
			var mm map[string]map[string]json.RawMessage
			err = json.Unmarshal(raw, &mm)
			v = value.M(map[string]value.Value{})
			for k, e := range mm {
				v.M[k] = decodeFixture(t, e)
			}
		case "L":
			var ll []map[string]json.RawMessage
			err = json.Unmarshal(raw, &ll)
			v = value.L()
			for _, e := range ll {
				v.L = append(v.L, decodeFixture(t, e))
			}
		default:
			t.Fatalf("fixture: unknown type %q", typ)
		}
		if err != nil {
			t.Fatalf("fixture %s: %v", raw, err)
		}
		return v
	}
	panic("unreachable")
}

// ddbItem decodes an item in DynamoDB JSON.
func ddbItem(t *testing.T, raw string) value.Item {
	t.Helper()
	if raw == "" {
		return nil
	}
	var m map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("fixture %s: %v", raw, err)
	}
	it := value.Item{}
	for k, e := range m {
		it[k] = decodeFixture(t, e)
	}
	return it
}

// ddbValues decodes ExpressionAttributeValues in DynamoDB JSON.
func ddbValues(t *testing.T, raw string) map[string]value.Value {
	t.Helper()
	if raw == "" {
		return nil
	}
	return map[string]value.Value(ddbItem(t, raw))
}

// productCatalog is the ProductCatalog item of DynamoDB's developer guide
// examples (trimmed).
const productCatalog = `{
  "Id": {"N": "456"},
  "ProductCategory": {"S": "Sporting Goods"},
  "Title": {"S": "Book 101"},
  "Price": {"N": "650"},
  "Color": {"SS": ["Red", "Black"]},
  "Tags": {"NS": ["1", "2", "3"]},
  "InStock": {"BOOL": true},
  "Discontinued": {"NULL": true},
  "Thumbnail": {"B": "AQID"},
  "Pictures": {"M": {"FrontView": {"S": "http://example.com/products/456_front.jpg"},
                     "RearView": {"S": "http://example.com/products/456_rear.jpg"}}},
  "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]},
  "ProductReviews": {"M": {"FiveStar": {"L": [{"S": "Excellent! Can't recommend it highly enough! Buy it!"}]},
                           "OneStar": {"L": [{"S": "Terrible product! Do not buy this."}]}}}
}`

func TestConformanceCondition(t *testing.T) {
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	item := ddbItem(t, productCatalog)
	tests := []struct {
		name    string
		expr    string
		names   map[string]string
		values  string
		want    bool
		wantErr string
	}{
		{name: "exists nested", expr: "attribute_exists(Pictures.FrontView)", want: true},
		{name: "exists missing nested", expr: "attribute_exists(Pictures.SideView)", want: false},
		{name: "not exists", expr: "attribute_not_exists(Manufacturer)", want: true},
		{name: "type SS", expr: "attribute_type(Color, :t)", values: `{":t": {"S": "SS"}}`, want: true},
		{name: "type mismatch", expr: "attribute_type(Color, :t)", values: `{":t": {"S": "L"}}`, want: false},
		{name: "begins_with", expr: "begins_with(Pictures.FrontView, :p)", values: `{":p": {"S": "http://"}}`, want: true},
		{name: "contains set", expr: "contains(Color, :c)", values: `{":c": {"S": "Red"}}`, want: true},
		{name: "contains set absent", expr: "contains(Color, :c)", values: `{":c": {"S": "Blue"}}`, want: false},
		{name: "contains string", expr: "contains(Title, :c)", values: `{":c": {"S": "ok 1"}}`, want: true},
		{name: "contains list", expr: "contains(RelatedItems, :n)", values: `{":n": {"N": "472"}}`, want: true},
		{name: "size string", expr: "size(Title) = :n", values: `{":n": {"N": "8"}}`, want: true},
		{name: "size list", expr: "size(RelatedItems) > :n", values: `{":n": {"N": "2"}}`, want: true},
		{name: "size map", expr: "size(ProductReviews) = :n", values: `{":n": {"N": "2"}}`, want: true},
		{name: "between", expr: "Price BETWEEN :lo AND :hi", values: `{":lo": {"N": "500"}, ":hi": {"N": "650.0"}}`, want: true},
		{name: "in", expr: "ProductCategory IN (:a, :b)", values: `{":a": {"S": "Book"}, ":b": {"S": "Sporting Goods"}}`, want: true},
		{name: "list index", expr: "RelatedItems[1] = :v", values: `{":v": {"N": "472"}}`, want: true},
		{name: "number canonical equality", expr: "Price = :v", values: `{":v": {"N": "6.5E2"}}`, want: true},
		{name: "number vs string ordering is false", expr: "Price < :s", values: `{":s": {"S": "1000"}}`, want: false},
		{name: "number vs string inequality", expr: "Price <> :s", values: `{":s": {"S": "650"}}`, want: true},
		{name: "set equality ignores order", expr: "Color = :c", values: `{":c": {"SS": ["Black", "Red"]}}`, want: true},
		{name: "map equality", expr: "Pictures = :p", values: `{":p": {"M": {"RearView": {"S": "http://example.com/products/456_rear.jpg"}, "FrontView": {"S": "http://example.com/products/456_front.jpg"}}}}`, want: true},
		{name: "placeholder names", expr: "#p.#f = :v", names: map[string]string{"#p": "Pictures", "#f": "FrontView"}, values: `{":v": {"S": "http://example.com/products/456_front.jpg"}}`, want: true},
		{name: "AND binds tighter than OR", expr: "Price = :a OR Price = :b AND InStock = :f",
			values: `{":a": {"N": "650"}, ":b": {"N": "0"}, ":f": {"BOOL": false}}`, want: true},
		{name: "NOT binds tighter than AND", expr: "NOT Price = :b AND Price = :b",
			values: `{":b": {"N": "0"}}`, want: false},
		{name: "parentheses", expr: "(Price = :a OR Price = :b) AND InStock = :f",
			values: `{":a": {"N": "650"}, ":b": {"N": "0"}, ":f": {"BOOL": false}}`, want: false},
		{name: "keywords case-insensitive", expr: "Price between :a and :b", values: `{":a": {"N": "1"}, ":b": {"N": "1000"}}`, want: true},

		{name: "reserved word", expr: "Size = :v", values: `{":v": {"N": "1"}}`,
			wantErr: "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Size"},
		{name: "undefined value", expr: "Price = :nope",
			wantErr: "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
		{name: "undefined name", expr: "#nope = :v", values: `{":v": {"N": "1"}}`,
			wantErr: "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{name: "unused value", expr: "Price = :v", values: `{":v": {"N": "1"}, ":extra": {"N": "2"}}`,
			wantErr: "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}"},
		{name: "unused name", expr: "Price = :v", names: map[string]string{"#extra": "x"}, values: `{":v": {"N": "1"}}`,
			wantErr: "Value provided in ExpressionAttributeNames unused in expressions: keys: {#extra}"},
		{name: "empty values map", expr: "attribute_exists(Price)", values: `{}`,
			wantErr: "ExpressionAttributeValues must not be empty"},
		{name: "unknown function", expr: "frobnicate(Price)",
			wantErr: "Invalid ConditionExpression: Invalid function name; function: frobnicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals := ddbValues(t, tt.values)
			if tt.values == "{}" {
				vals = map[string]value.Value{}
			}
			comp, err := c.Compile(Request{Condition: tt.expr, Names: tt.names, Values: vals})
			if err == nil {
				var got bool
				got, err = EvalCondition(comp.Condition, item)
				if err == nil && tt.wantErr == "" && got != tt.want {
					t.Errorf("%s = %v, want %v", tt.expr, got, tt.want)
				}
			}
			checkErr(t, tt.expr, err, tt.wantErr)
		})
	}
}

func checkErr(t *testing.T, expr string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: unexpected error %v", expr, err)
		}
		return
	}
	var ve *value.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s: error %v (%T), want ValidationError %q", expr, err, err, want)
	}
	if ve.Message != want {
		t.Errorf("%s: error\n got %q\nwant %q", expr, ve.Message, want)
	}
}

func TestConformanceUpdate(t *testing.T) {
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		expr    string
		names   map[string]string
		values  string
		item    string // defaults to a small product item
		want    string // item after the update
		wantErr string
	}{
		{name: "set and arithmetic",
			expr:   "SET Price = Price - :p, Title = :t",
			values: `{":p": {"N": "15.5"}, ":t": {"S": "New"}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "84.5"}, "Title": {"S": "New"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]}, "Color": {"SS": ["Red", "Black"]}}`},
		{name: "operands read the item before the update",
			expr:   "SET Price = :p, PrevPrice = Price",
			values: `{":p": {"N": "1"}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "1"}, "PrevPrice": {"N": "100"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]}, "Color": {"SS": ["Red", "Black"]}}`},
		{name: "set list element",
			expr:   "SET RelatedItems[1] = :v",
			values: `{":v": {"S": "x"}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "100"}, "RelatedItems": {"L": [{"N": "341"}, {"S": "x"}, {"N": "649"}]}, "Color": {"SS": ["Red", "Black"]}}`},
		{name: "set past the end appends",
			expr:   "SET RelatedItems[10] = :v",
			values: `{":v": {"N": "7"}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "100"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}, {"N": "7"}]}, "Color": {"SS": ["Red", "Black"]}}`},
		{name: "remove list elements shifts",
			expr: "REMOVE RelatedItems[0], RelatedItems[2]",
			want: `{"Id": {"N": "1"}, "Price": {"N": "100"}, "RelatedItems": {"L": [{"N": "472"}]}, "Color": {"SS": ["Red", "Black"]}}`},
		{name: "list_append and if_not_exists",
			expr:   "SET RelatedItems = list_append(RelatedItems, :l), Stock = if_not_exists(Stock, :zero), Price = if_not_exists(Price, :zero)",
			values: `{":l": {"L": [{"N": "1"}]}, ":zero": {"N": "0"}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "100"}, "Stock": {"N": "0"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}, {"N": "1"}]}, "Color": {"SS": ["Red", "Black"]}}`},
		{name: "add number to missing attribute starts at zero",
			expr:   "ADD Quantity :q",
			values: `{":q": {"N": "5"}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "100"}, "Quantity": {"N": "5"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]}, "Color": {"SS": ["Red", "Black"]}}`},
		{name: "add to set is a union",
			expr:   "ADD Color :c",
			values: `{":c": {"SS": ["Blue", "Red"]}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "100"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]}, "Color": {"SS": ["Red", "Black", "Blue"]}}`},
		{name: "delete emptying a set removes the attribute",
			expr:   "DELETE Color :c",
			values: `{":c": {"SS": ["Black", "Red", "Green"]}}`,
			want:   `{"Id": {"N": "1"}, "Price": {"N": "100"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]}}`},
		{name: "new item",
			item:   "-",
			expr:   "SET Title = :t ADD ViewCount :one",
			values: `{":t": {"S": "A"}, ":one": {"N": "1"}}`,
			want:   `{"Title": {"S": "A"}, "ViewCount": {"N": "1"}}`},

		{name: "nested path under missing parent",
			expr: "SET Absent.Child = :v", values: `{":v": {"N": "1"}}`,
			wantErr: "The document path provided in the update expression is invalid for update"},
		{name: "operand refers to missing attribute",
			expr: "SET Price = Absent + :v", values: `{":v": {"N": "1"}}`,
			wantErr: "The provided expression refers to an attribute that does not exist in the item"},
		{name: "arithmetic on a non-number",
			expr: "SET Price = Color + :v", values: `{":v": {"N": "1"}}`,
			wantErr: "An operand in the update expression has an incorrect data type"},
		{name: "overlapping paths",
			expr: "SET Price = :v REMOVE Price", values: `{":v": {"N": "1"}}`,
			wantErr: "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [Price], path two: [Price]"},
		{name: "reserved word",
			expr: "SET Name = :v", values: `{":v": {"N": "1"}}`,
			wantErr: "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Name"},
		{name: "undefined value",
			expr:    "SET Price = :nope",
			wantErr: "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var item value.Item
			switch tt.item {
			case "":
				item = ddbItem(t, `{"Id": {"N": "1"}, "Price": {"N": "100"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]}, "Color": {"SS": ["Red", "Black"]}}`)
			case "-":
			default:
				item = ddbItem(t, tt.item)
			}
			comp, err := c.Compile(Request{Update: tt.expr, Names: tt.names, Values: ddbValues(t, tt.values)})
			var got value.Item
			if err == nil {
				got, _, err = ApplyUpdate(comp.Update, item)
			}
			checkErr(t, tt.expr, err, tt.wantErr)
			if err != nil || tt.wantErr != "" {
				return
			}
			want := ddbItem(t, tt.want)
			if !value.Equal(value.M(got), value.M(want)) {
				t.Errorf("%s:\n got %v\nwant %v\n%s", tt.expr, got, want, cmp.Diff(want, got, cmp.AllowUnexported(value.Number{})))
			}
		})
	}
}

func TestConformanceProjection(t *testing.T) {
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	item := ddbItem(t, productCatalog)
	tests := []struct {
		name    string
		expr    string
		names   map[string]string
		want    string
		wantErr string
	}{
		{name: "top-level attributes", expr: "Id, Title", want: `{"Id": {"N": "456"}, "Title": {"S": "Book 101"}}`},
		{name: "nested map path keeps nesting", expr: "Pictures.FrontView",
			want: `{"Pictures": {"M": {"FrontView": {"S": "http://example.com/products/456_front.jpg"}}}}`},
		{name: "list elements in index order", expr: "RelatedItems[2], RelatedItems[0]",
			want: `{"RelatedItems": {"L": [{"N": "341"}, {"N": "649"}]}}`},
		{name: "missing paths are left out", expr: "Nope, Pictures.SideView, RelatedItems[9]", want: `{}`},
		{name: "placeholder for a reserved word", expr: "#c", names: map[string]string{"#c": "Comment"}, want: `{}`},
		{name: "reserved word", expr: "Comment",
			wantErr: "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Comment"},
		{name: "overlapping paths", expr: "Pictures, Pictures.FrontView",
			wantErr: "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [Pictures], path two: [Pictures, FrontView]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comp, err := c.Compile(Request{Projection: tt.expr, Names: tt.names})
			checkErr(t, tt.expr, err, tt.wantErr)
			if err != nil || tt.wantErr != "" {
				return
			}
			got := comp.Projection.Apply(item)
			if want := ddbItem(t, tt.want); !value.Equal(value.M(got), value.M(want)) {
				t.Errorf("%s: got %v, want %v", tt.expr, got, want)
			}
		})
	}
}

func TestConformanceKeyCondition(t *testing.T) {
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		expr    string
		values  string
		wantOp  KeyOp
		wantErr string
	}{
		{name: "partition key only", expr: "Id = :id", values: `{":id": {"N": "1"}}`},
		{name: "sort key range", expr: "Id = :id AND Sk BETWEEN :a AND :b", values: `{":id": {"N": "1"}, ":a": {"S": "a"}, ":b": {"S": "c"}}`, wantOp: KeyBetween},
		{name: "sort key first", expr: "begins_with(Sk, :p) AND Id = :id", values: `{":id": {"N": "1"}, ":p": {"S": "a"}}`, wantOp: KeyBeginsWith},
		{name: "missing partition key", expr: "Sk = :a", values: `{":a": {"S": "a"}}`,
			wantErr: "Query condition missed key schema element: Id"},
		{name: "OR is not allowed", expr: "Id = :id OR Id = :id", values: `{":id": {"N": "1"}}`,
			wantErr: "Invalid operator used in KeyConditionExpression: OR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comp, err := c.Compile(Request{KeyCondition: tt.expr, Values: ddbValues(t, tt.values)})
			var kc *KeyCondition
			if err == nil {
				kc, err = KeyConditionFor(comp.KeyCondition, "Id", "Sk")
			}
			checkErr(t, tt.expr, err, tt.wantErr)
			if err != nil || tt.wantErr != "" {
				return
			}
			if kc.PartitionKey != "Id" || !value.Equal(kc.PartitionValue, value.N(value.NumberFromInt(1))) {
				t.Errorf("%s: partition part = %s %v", tt.expr, kc.PartitionKey, kc.PartitionValue)
			}
			if kc.SortOp != tt.wantOp {
				t.Errorf("%s: SortOp = %v, want %v", tt.expr, kc.SortOp, tt.wantOp)
			}
		})
	}
}

// TestRemovePastOriginalListEnd guards against a REMOVE of an index past the
// end of the original list deleting the element a SET of the same update
// appended there (list indexes name positions in the item before the update).
func TestRemovePastOriginalListEnd(t *testing.T) {
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	item := ddbItem(t, `{"pk": {"S": "x"}, "l": {"L": [{"N": "1"}, {"N": "2"}]}, "m": {"M": {"l": {"L": [{"N": "1"}]}}}}`)
	comp, err := c.Compile(Request{
		Update: "SET l[10] = :s, m.l[5] = :s REMOVE l[2], m.l[1]",
		Values: ddbValues(t, `{":s": {"S": "z"}}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := ApplyUpdate(comp.Update, item)
	if err != nil {
		t.Fatal(err)
	}
	want := ddbItem(t, `{"pk": {"S": "x"}, "l": {"L": [{"N": "1"}, {"N": "2"}, {"S": "z"}]}, "m": {"M": {"l": {"L": [{"N": "1"}, {"S": "z"}]}}}}`)
	if !value.Equal(value.M(got), value.M(want)) {
		t.Errorf("got %v, want %v", got, want)
	}
}
