package router

import (
	"errors"
	"maps"
	"slices"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/wire"
)

// exprParams are the expression parameters of one request, as sent (nil
// when absent).
type exprParams struct {
	Condition, Filter, KeyCondition, Update, Projection *string
	Names                                               map[string]string
	Values                                              wire.Item
	// Accepts lists the operation's value-taking expression kinds, in
	// DynamoDB's order (see expr.Request.Accepts).
	Accepts []expr.Kind
}

// present returns the names of the expression parameters that were sent,
// for expr.CheckMixed.
func (p exprParams) present() []string {
	var out []string
	add := func(s *string, name string) {
		if s != nil {
			out = append(out, name)
		}
	}
	add(p.Projection, expr.ParamProjectionExpression)
	add(p.Filter, expr.ParamFilterExpression)
	add(p.KeyCondition, expr.ParamKeyConditionExpression)
	add(p.Update, expr.ParamUpdateExpression)
	add(p.Condition, expr.ParamConditionExpression)
	return out
}

// compile parses (through the cache), binds and checks the request's
// expressions with DynamoDB's checks and messages.
func (a *API) compile(p exprParams) (*expr.Compiled, error) {
	r := expr.Request{Names: p.Names, Accepts: p.Accepts}
	if p.Values != nil {
		r.Values = map[string]value.Value(p.Values)
	}
	set := func(dst *string, src *string, k expr.Kind) {
		if src == nil {
			return
		}
		if *src == "" {
			r.Empty = append(r.Empty, k)
			return
		}
		*dst = *src
	}
	set(&r.Condition, p.Condition, expr.KindCondition)
	set(&r.Filter, p.Filter, expr.KindFilter)
	set(&r.KeyCondition, p.KeyCondition, expr.KindKeyCondition)
	set(&r.Update, p.Update, expr.KindUpdate)
	set(&r.Projection, p.Projection, expr.KindProjection)
	return a.exprs.Compile(r)
}

// msgInvalidExprValue wraps the message of an invalid ExpressionAttributeValues entry.
const msgInvalidExprValue = "ExpressionAttributeValues contains invalid value: %s for key %s"

// validateExprValues validates each ExpressionAttributeValues entry, in key
// order, wrapping a value's own message as DynamoDB does.
func validateExprValues(vals wire.Item) error {
	for _, name := range slices.Sorted(maps.Keys(vals)) {
		if err := vals[name].Validate(); err != nil {
			var verr *value.ValidationError
			if errors.As(err, &verr) {
				return value.Validationf(msgInvalidExprValue, verr.Message, name)
			}
			return err
		}
	}
	return nil
}

// Conversions of the legacy parameters from wire types to expr's. An absent
// AttributeValue (zero Type) becomes nil; nil and empty lists stay distinct,
// as some of DynamoDB's messages depend on it.

func legacyValue(v wire.AttributeValue) *value.Value {
	if v.Type == 0 {
		return nil
	}
	vv := value.Value(v)
	return &vv
}

func legacyValues(l []wire.AttributeValue) []value.Value {
	if l == nil {
		return nil
	}
	out := make([]value.Value, len(l))
	for i, v := range l {
		out[i] = value.Value(v)
	}
	return out
}

// legacyConditions converts KeyConditions, QueryFilter or ScanFilter.
func legacyConditions(m map[string]wire.Condition) map[string]expr.Condition {
	if m == nil {
		return nil
	}
	out := make(map[string]expr.Condition, len(m))
	for k, c := range m {
		out[k] = expr.Condition{ComparisonOperator: c.ComparisonOperator, AttributeValueList: legacyValues(c.AttributeValueList)}
	}
	return out
}

// legacyExpected converts Expected.
func legacyExpected(m map[string]wire.ExpectedAttributeValue) map[string]expr.ExpectedAttribute {
	if m == nil {
		return nil
	}
	out := make(map[string]expr.ExpectedAttribute, len(m))
	for k, e := range m {
		out[k] = expr.ExpectedAttribute{
			Value: legacyValue(e.Value), Exists: e.Exists,
			ComparisonOperator: e.ComparisonOperator, AttributeValueList: legacyValues(e.AttributeValueList),
		}
	}
	return out
}

// legacyUpdates converts AttributeUpdates.
func legacyUpdates(m map[string]wire.AttributeValueUpdate) map[string]expr.AttributeUpdate {
	if m == nil {
		return nil
	}
	out := make(map[string]expr.AttributeUpdate, len(m))
	for k, u := range m {
		out[k] = expr.AttributeUpdate{Action: u.Action, Value: legacyValue(u.Value)}
	}
	return out
}
