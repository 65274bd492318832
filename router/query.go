package router

import (
	"bytes"
	"context"
	"encoding/binary"
	"strconv"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// registerQuery registers the handlers of this file.
func (a *API) registerQuery(s *Server) {
	Handle(s, "Query", a.query)
	Handle(s, "Scan", a.scan)
}

// query serves Query: the items of one partition, in sort key order, whose
// sort key satisfies the key condition. The checks run in DynamoDB's order:
// request constraints, parameter combinations and expressions, the table,
// the index, then ExclusiveStartKey interleaved with the key condition.
func (a *API) query(ctx context.Context, in *wire.QueryInput) (*wire.QueryOutput, error) {
	var c constraints
	c.queryCheckLimit(in.Limit)
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	c.queryCheckSelect(in.Select)
	c.checkTableName(in.TableName, "tableName")
	c.queryCheckIndexName(in.IndexName)
	if err := c.err(); err != nil {
		return nil, err
	}

	var legacy []string
	if in.AttributesToGet != nil {
		legacy = append(legacy, expr.ParamAttributesToGet)
	}
	if in.QueryFilter != nil {
		legacy = append(legacy, expr.ParamQueryFilter)
	}
	if in.ConditionalOperator != "" {
		legacy = append(legacy, expr.ParamConditionalOperator)
	}
	if in.KeyConditions != nil {
		legacy = append(legacy, expr.ParamKeyConditions)
	}
	params := exprParams{
		Filter: in.FilterExpression, KeyCondition: in.KeyConditionExpression, Projection: in.ProjectionExpression,
		Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues,
		Accepts: []expr.Kind{expr.KindFilter, expr.KindKeyCondition},
	}
	if err := expr.CheckMixed(legacy, params.present()); err != nil {
		return nil, err
	}
	queryFilter := legacyConditions(in.QueryFilter)
	filter, err := expr.FilterToCond(expr.ParamQueryFilter, queryFilter, in.ConditionalOperator)
	if err != nil {
		return nil, err
	}
	projection, err := expr.AttributesToGetToProjection(in.AttributesToGet)
	if err != nil {
		return nil, err
	}
	if in.KeyConditions == nil && in.KeyConditionExpression == nil {
		return nil, value.Validationf(msgKeyCondRequired)
	}
	if err := validateExprValues(in.ExpressionAttributeValues); err != nil {
		return nil, err
	}
	comp, err := a.compile(params)
	if err != nil {
		return nil, err
	}
	if comp.Filter != nil {
		filter = comp.Filter
	}
	if comp.Projection != nil {
		projection = comp.Projection
	}
	sel, err := queryResolveSelect(in.Select, in.AttributesToGet != nil, in.ProjectionExpression != nil, in.IndexName != nil, msgValidationPrefixOne)
	if err != nil {
		return nil, err
	}

	t, err := a.table(*in.TableName)
	if err != nil {
		return nil, err
	}
	if in.IndexName != nil {
		return nil, queryNoSuchIndex(*in.IndexName)
	}

	// ExclusiveStartKey and the key condition, attribute by attribute.
	esk := value.Item(in.ExclusiveStartKey)
	want := 1
	if t.HasSortKey() {
		want = 2
	}
	if esk != nil {
		if len(esk) != want {
			return nil, value.Validationf(msgStartKeyInvalid)
		}
		if err := queryStartKeyAttr(esk, t.PartitionKey); err != nil {
			return nil, err
		}
	}
	var kc *expr.KeyCondition
	if comp.KeyCondition != nil {
		kc, err = expr.KeyConditionFor(comp.KeyCondition, t.PartitionKey.Name, t.SortKey.Name)
	} else {
		kc, err = expr.KeyConditionsToKeyCondition(legacyConditions(in.KeyConditions), t.PartitionKey.Name, t.SortKey.Name)
	}
	if err != nil {
		return nil, err
	}
	if err := queryCheckKeyValues(t, kc); err != nil {
		return nil, err
	}
	var eskPos []byte
	if esk != nil {
		if t.HasSortKey() {
			if err := queryStartKeyAttr(esk, t.SortKey); err != nil {
				return nil, err
			}
		}
		pos, _, err := keyOf(t, esk)
		if err != nil {
			return nil, queryStartKeyError(err)
		}
		if !value.Equal(esk[t.PartitionKey.Name], kc.PartitionValue) {
			return nil, value.Validationf(msgStartKeyOutside)
		}
		if t.HasSortKey() && !kc.MatchSort(esk[t.SortKey.Name]) {
			return nil, value.Validationf(msgStartKeyPredicate)
		}
		eskPos = pos
	}
	if in.QueryFilter != nil {
		if err := expr.CheckQueryFilterKeys(queryFilter, t.PartitionKey.Name, t.SortKey.Name); err != nil {
			return nil, err
		}
	} else if err := queryCheckFilterKeys(comp.Filter, t); err != nil {
		return nil, err
	}

	start, end, err := queryRange(kc)
	if err != nil {
		return nil, err
	}
	reverse := in.ScanIndexForward != nil && !*in.ScanIndexForward
	if eskPos != nil {
		if reverse {
			if end == nil || bytes.Compare(eskPos, end) < 0 {
				end = eskPos
			}
		} else if after := queryAfter(eskPos); bytes.Compare(after, start) > 0 {
			start = after
		}
	}
	var match func(value.Item) bool
	if kc.SortKey != "" {
		match = func(item value.Item) bool { return kc.MatchSort(item[kc.SortKey]) }
	}
	consistent := in.ConsistentRead != nil && *in.ConsistentRead
	req := &queryPageRequest{
		table: t, start: start, end: end, reverse: reverse, consistent: consistent,
		match: match, filter: filter, count: sel == selectCount,
	}
	if sel == selectSpecific {
		req.projection = projection
	}
	if in.Limit != nil {
		req.limit = int(*in.Limit)
	}
	p, units, err := a.readPageCharged(ctx, req)
	if err != nil {
		return nil, err
	}
	return &wire.QueryOutput{
		Items:            p.items,
		Count:            queryCount32(p.count),
		ScannedCount:     queryCount32(p.scanned),
		LastEvaluatedKey: wire.Item(p.lastKey),
		ConsumedCapacity: consumed(in.ReturnConsumedCapacity, t.Name, units, false),
	}, nil
}

// queryStartKeyAttr checks the key attribute k of a Query's ExclusiveStartKey:
// missing, it makes the starting key invalid; of the wrong type, it does not
// match the schema.
func queryStartKeyAttr(esk value.Item, k catalog.KeyAttr) error {
	v, ok := esk[k.Name]
	if !ok {
		return value.Validationf(msgStartKeyInvalid)
	}
	if v.Type != k.Type {
		return value.Validationf(msgKeyMismatch)
	}
	return nil
}

// queryCheckKeyValues checks the values of a key condition against the
// key schema: each must be of its key attribute's type, and a valid key
// value (not an empty string or binary, not too long).
func queryCheckKeyValues(t *catalog.Table, kc *expr.KeyCondition) error {
	if kc.PartitionValue.Type != t.PartitionKey.Type {
		return value.Validationf(msgKeyCondType)
	}
	for _, v := range kc.SortValues {
		if v.Type != t.SortKey.Type {
			return value.Validationf(msgKeyCondType)
		}
	}
	if err := value.ValidateKeyValue(t.PartitionKey.Name, kc.PartitionValue, t.PartitionKey.Type, value.PartitionKeyRole); err != nil {
		return err
	}
	for _, v := range kc.SortValues {
		if err := value.ValidateKeyValue(t.SortKey.Name, v, t.SortKey.Type, value.SortKeyRole); err != nil {
			return err
		}
	}
	return nil
}

// queryRange returns the ring positions [start, end) that can hold the
// items a key condition selects: the partition's item collection, narrowed
// by the sort key condition with the order-preserving key encoding. The
// range may hold more than the condition selects (queryReadPage checks each item
// with MatchSort), never less.
func queryRange(kc *expr.KeyCondition) (start, end []byte, err error) {
	prefix, err := keys.PartitionPrefix(kc.PartitionValue)
	if err != nil {
		return nil, nil, err
	}
	start, end = prefix, keys.PrefixEnd(prefix)
	if kc.SortKey == "" || len(kc.SortValues) == 0 {
		return start, end, nil
	}
	bound := func(v value.Value) ([]byte, error) {
		return keys.AppendValue(bytes.Clone(prefix), v)
	}
	first, err := bound(kc.SortValues[0])
	if err != nil {
		return nil, nil, err
	}
	switch kc.SortOp {
	case expr.KeyEQ:
		start, end = first, queryAfter(first)
	case expr.KeyLT:
		end = first
	case expr.KeyLE:
		end = queryAfter(first)
	case expr.KeyGT:
		start = queryAfter(first)
	case expr.KeyGE:
		start = first
	case expr.KeyBetween:
		if len(kc.SortValues) < 2 {
			return start, end, nil
		}
		last, err := bound(kc.SortValues[1])
		if err != nil {
			return nil, nil, err
		}
		start, end = first, queryAfter(last)
	case expr.KeyBeginsWith:
		if t := kc.SortValues[0].Type; t == value.TypeS || t == value.TypeB {
			// The encoding of a string or binary is its escaped bytes and
			// a two-byte terminator; every value starting with v encodes
			// to a string starting with v's escaped bytes.
			p := first[:len(first)-2]
			start, end = p, keys.PrefixEnd(p)
		}
	}
	return start, end, nil
}

// scan serves Scan: every item of the table, or of one segment of a
// parallel Scan, in ring order.
func (a *API) scan(ctx context.Context, in *wire.ScanInput) (*wire.ScanOutput, error) {
	var c constraints
	c.queryCheckLimit(in.Limit)
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	if in.Segment != nil {
		if s := *in.Segment; s < 0 {
			c.add(quoted(queryItoa(s)), "segment", "Member must have value greater than or equal to 0")
		} else if s > keys.MaxTotalSegments-1 {
			c.add(quoted(queryItoa(s)), "segment", "Member must have value less than or equal to "+queryItoa(keys.MaxTotalSegments-1))
		}
	}
	c.queryCheckSelect(in.Select)
	if in.TotalSegments != nil {
		if n := *in.TotalSegments; n < 1 {
			c.add(quoted(queryItoa(n)), "totalSegments", "Member must have value greater than or equal to 1")
		} else if n > keys.MaxTotalSegments {
			c.add(quoted(queryItoa(n)), "totalSegments", "Member must have value less than or equal to "+queryItoa(keys.MaxTotalSegments))
		}
	}
	c.checkTableName(in.TableName, "tableName")
	c.queryCheckIndexName(in.IndexName)
	if err := c.err(); err != nil {
		return nil, err
	}

	var legacy []string
	if in.AttributesToGet != nil {
		legacy = append(legacy, expr.ParamAttributesToGet)
	}
	if in.ScanFilter != nil {
		legacy = append(legacy, expr.ParamScanFilter)
	}
	if in.ConditionalOperator != "" {
		legacy = append(legacy, expr.ParamConditionalOperator)
	}
	params := exprParams{
		Filter: in.FilterExpression, Projection: in.ProjectionExpression,
		Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues,
		Accepts: []expr.Kind{expr.KindFilter},
	}
	if err := expr.CheckMixed(legacy, params.present()); err != nil {
		return nil, err
	}
	projection, err := expr.AttributesToGetToProjection(in.AttributesToGet)
	if err != nil {
		return nil, err
	}
	filter, err := expr.FilterToCond(expr.ParamScanFilter, legacyConditions(in.ScanFilter), in.ConditionalOperator)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Segment != nil && in.TotalSegments == nil:
		return nil, value.Validationf(msgSegmentNeedsTotal)
	case in.Segment == nil && in.TotalSegments != nil:
		return nil, value.Validationf(msgTotalNeedsSegment)
	case in.Segment != nil:
		if err := keys.ValidateSegment(int(*in.Segment), int(*in.TotalSegments)); err != nil {
			return nil, err
		}
	}
	if err := validateExprValues(in.ExpressionAttributeValues); err != nil {
		return nil, err
	}
	comp, err := a.compile(params)
	if err != nil {
		return nil, err
	}
	if comp.Filter != nil {
		filter = comp.Filter
	}
	if comp.Projection != nil {
		projection = comp.Projection
	}
	sel, err := queryResolveSelect(in.Select, in.AttributesToGet != nil, in.ProjectionExpression != nil, in.IndexName != nil, "")
	if err != nil {
		return nil, err
	}

	t, err := a.table(*in.TableName)
	if err != nil {
		return nil, err
	}
	if in.IndexName != nil {
		if in.ExclusiveStartKey != nil {
			return nil, value.Validationf(msgStartKeyInvalid)
		}
		return nil, queryNoSuchIndex(*in.IndexName)
	}

	var start, end []byte
	if in.Segment != nil {
		if start, end, err = keys.SegmentRange(int(*in.Segment), int(*in.TotalSegments)); err != nil {
			return nil, err
		}
	}
	if in.ExclusiveStartKey != nil {
		pos, _, err := keyOf(t, value.Item(in.ExclusiveStartKey))
		if err != nil {
			return nil, queryStartKeyError(err)
		}
		if in.Segment != nil {
			seg, err := keys.SegmentOf(binary.BigEndian.Uint64(pos), int(*in.TotalSegments))
			if err != nil {
				return nil, err
			}
			if seg != int(*in.Segment) {
				return nil, value.Validationf(msgStartKeySegment, *in.TotalSegments, *in.Segment)
			}
		}
		start = queryAfter(pos)
	}
	consistent := in.ConsistentRead != nil && *in.ConsistentRead
	req := &queryPageRequest{
		table: t, start: start, end: end, consistent: consistent,
		filter: filter, count: sel == selectCount,
	}
	if sel == selectSpecific {
		req.projection = projection
	}
	if in.Limit != nil {
		req.limit = int(*in.Limit)
	}
	p, units, err := a.readPageCharged(ctx, req)
	if err != nil {
		return nil, err
	}
	return &wire.ScanOutput{
		Items:            p.items,
		Count:            queryCount32(p.count),
		ScannedCount:     queryCount32(p.scanned),
		LastEvaluatedKey: wire.Item(p.lastKey),
		ConsumedCapacity: consumed(in.ReturnConsumedCapacity, t.Name, units, false),
	}, nil
}

// queryItoa formats an int32 parameter for a constraint message.
func queryItoa[T int32 | int](n T) string { return strconv.Itoa(int(n)) }
