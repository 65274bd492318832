package router

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/capacity"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// This file holds what Query and Scan share: the page reader, which walks a
// range of ring positions and applies DynamoDB's Limit, 1 MB, filter and
// projection rules, and the request checks both operations run (Select,
// ExclusiveStartKey, expression attribute values).

// Values of Select, in the order DynamoDB's enum constraint message lists
// them.
const (
	selectSpecific     = "SPECIFIC_ATTRIBUTES"
	selectCount        = "COUNT"
	selectAll          = "ALL_ATTRIBUTES"
	selectAllProjected = "ALL_PROJECTED_ATTRIBUTES"
)

// Messages of Query and Scan.
const (
	msgSelectAllProjected  = "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
	msgSelectSpecific      = "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
	msgSelectWithAttrs     = "Cannot specify the AttributesToGet when choosing to get %s"
	msgSelectWithProj      = "Cannot specify the ProjectionExpression when choosing to get %s"
	msgNoSuchIndex         = "The table does not have the specified index: %s"
	msgStartKeyInvalid     = "The provided starting key is invalid"
	msgStartKeyInvalidWhy  = "The provided starting key is invalid: %s"
	msgStartKeyOutside     = "The provided starting key is outside query boundaries based on provided conditions"
	msgStartKeyPredicate   = "The provided starting key does not match the range key predicate"
	msgStartKeySegment     = "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: %d Segment: %d"
	msgKeyCondRequired     = "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
	msgKeyCondType         = "One or more parameter values were invalid: Condition parameter type does not match schema type"
	msgFilterOnKey         = "Filter Expression can only contain non-primary key attributes: Primary key attribute: %s"
	msgSegmentNeedsTotal   = "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
	msgTotalNeedsSegment   = "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
	msgValidationPrefixOne = "1 validation error detected: "
)

// queryCheckLimit records an invalid Limit.
func (c *constraints) queryCheckLimit(limit *int32) {
	if limit != nil && *limit < 1 {
		c.add(quoted(strconv.Itoa(int(*limit))), "limit", "Member must have value greater than or equal to 1")
	}
}

// queryCheckSelect records an invalid Select.
func (c *constraints) queryCheckSelect(sel string) {
	c.checkEnum(sel, "select", selectSpecific, selectCount, selectAll, selectAllProjected)
}

// queryCheckIndexName records the violations of an IndexName, which follows the
// rules of table names.
func (c *constraints) queryCheckIndexName(name *string) {
	if name != nil {
		c.checkTableName(name, "indexName")
	}
}

// queryResolveSelect checks Select against the projection parameters and returns
// the effective Select. prefix is put before each message: Query reports
// these problems as "1 validation error detected: ...", Scan bare.
func queryResolveSelect(sel string, attributesToGet, projectionExpr, index bool, prefix string) (string, error) {
	what := sel
	switch sel {
	case "":
		if attributesToGet || projectionExpr {
			return selectSpecific, nil
		}
		return selectAll, nil
	case selectSpecific:
		if !attributesToGet && !projectionExpr {
			return "", value.Validationf("%s%s", prefix, msgSelectSpecific)
		}
		return sel, nil
	case selectAllProjected:
		if !index {
			return "", value.Validationf("%s%s", prefix, msgSelectAllProjected)
		}
	case selectCount:
		what = "only the Count"
	}
	if attributesToGet {
		return "", value.Validationf("%s"+msgSelectWithAttrs, prefix, what)
	}
	if projectionExpr {
		return "", value.Validationf("%s"+msgSelectWithProj, prefix, what)
	}
	return sel, nil
}

// queryNoSuchIndex returns the error for an IndexName the table does not have.
// atoll has no secondary indexes yet, so every IndexName gets it.
func queryNoSuchIndex(name string) error {
	return value.Validationf(msgNoSuchIndex, name)
}

// queryStartKeyError wraps a key validation error of an ExclusiveStartKey in
// DynamoDB's "The provided starting key is invalid: ..." message.
func queryStartKeyError(err error) error {
	var verr *value.ValidationError
	if errors.As(err, &verr) {
		return value.Validationf(msgStartKeyInvalidWhy, verr.Message)
	}
	return err
}

// queryAfter returns the smallest ring position greater than pos: no position
// lies strictly between pos and pos || 0x00.
func queryAfter(pos []byte) []byte {
	return append(bytes.Clone(pos), 0)
}

// queryPathHeads calls fn with the top-level attribute name of every document
// path of c, left to right, until fn returns false.
func queryPathHeads(c expr.Cond, fn func(name string) bool) bool {
	var operand func(o expr.Operand) bool
	operand = func(o expr.Operand) bool {
		switch o := o.(type) {
		case expr.PathOperand:
			if len(o.Path) > 0 {
				return fn(o.Path[0].Name)
			}
		case expr.FuncOperand:
			for _, a := range o.Args {
				if !operand(a) {
					return false
				}
			}
		case expr.ArithOperand:
			return operand(o.Left) && operand(o.Right)
		}
		return true
	}
	operands := func(ops ...expr.Operand) bool {
		for _, o := range ops {
			if !operand(o) {
				return false
			}
		}
		return true
	}
	switch c := c.(type) {
	case expr.Compare:
		return operands(c.Left, c.Right)
	case expr.Between:
		return operands(c.Operand, c.Low, c.High)
	case expr.In:
		return operand(c.Operand) && operands(c.List...)
	case expr.And:
		return queryPathHeads(c.Left, fn) && queryPathHeads(c.Right, fn)
	case expr.Or:
		return queryPathHeads(c.Left, fn) && queryPathHeads(c.Right, fn)
	case expr.Not:
		return queryPathHeads(c.Cond, fn)
	case expr.Func:
		return operands(c.Args...)
	}
	return true
}

// queryCheckFilterKeys returns DynamoDB's error for a Query FilterExpression that
// names a key attribute of the table (the partition key first).
func queryCheckFilterKeys(filter expr.Cond, t *catalog.Table) error {
	if filter == nil {
		return nil
	}
	used := map[string]bool{}
	queryPathHeads(filter, func(name string) bool { used[name] = true; return true })
	for _, k := range []string{t.PartitionKey.Name, t.SortKey.Name} {
		if k != "" && used[k] {
			return value.Validationf(msgFilterOnKey, k)
		}
	}
	return nil
}

// queryPageRequest describes one page of a Query or Scan: the ring positions to
// walk and what to do with each item.
type queryPageRequest struct {
	table      *catalog.Table
	start, end []byte // [start, end), nil bounds open
	reverse    bool
	consistent bool
	// limit is the most items to evaluate; 0 means no limit.
	limit int
	// match, when set, double-checks that an item belongs to the page
	// (Query's sort key condition); items it rejects are not evaluated.
	match func(value.Item) bool
	// filter is the bound FilterExpression, QueryFilter or ScanFilter.
	filter     expr.Cond
	projection expr.Projection
	// count is Select=COUNT: no items are returned.
	count bool
}

// queryPage is the outcome of a queryPageRequest.
type queryPage struct {
	items          []wire.Item // nil when counting
	count, scanned int
	// size is the total size of the items read, for capacity.
	size int
	// lastKey is LastEvaluatedKey: the key of the last item evaluated when
	// the page stopped at Limit or at queryMaxPageBytes; nil when the range was
	// exhausted.
	lastKey value.Item
}

// queryReadPage reads one page. Every item evaluated counts toward Limit, the
// 1 MB page size, ScannedCount and the capacity consumed, whether or not the
// filter keeps it.
func (a *API) queryReadPage(ctx context.Context, r *queryPageRequest) (*queryPage, error) {
	p := &queryPage{}
	if !r.count {
		p.items = []wire.Item{}
	}
	var last value.Item
	stopped := false
	err := a.store.Range(ctx, r.table.ID, r.start, r.end, r.reverse, r.consistent, func(_ []byte, item value.Item) (bool, error) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if r.match != nil && !r.match(item) {
			return true, nil
		}
		p.scanned++
		p.size += item.Size()
		last = item
		keep := true
		if r.filter != nil {
			ok, err := expr.EvalFilter(r.filter, item)
			if err != nil {
				return false, err
			}
			keep = ok
		}
		if keep {
			p.count++
			if !r.count {
				out := item
				if r.projection != nil {
					out = r.projection.Apply(item)
				}
				p.items = append(p.items, wire.Item(out))
			}
		}
		if (r.limit > 0 && p.scanned >= r.limit) || p.size >= queryMaxPageBytes {
			stopped = true
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read table %d: %w", r.table.ID, err)
	}
	if stopped {
		p.lastKey = queryKeyAttrs(r.table, last)
	}
	return p, nil
}

// readPageCharged admits a Query or Scan page to its table's read
// capacity, reads it and charges what it consumed: the total size of the
// items evaluated, rounded up to 4 KB once for the page ("Query—Reads
// multiple items that have the same partition key value. All items
// returned are treated as a single read operation").
func (a *API) readPageCharged(ctx context.Context, r *queryPageRequest) (*queryPage, float64, error) {
	est := readUnits(0, r.consistent)
	if err := a.take(r.table, capacity.Read, est); err != nil {
		return nil, 0, err
	}
	p, err := a.queryReadPage(ctx, r)
	if err != nil {
		return nil, 0, err
	}
	units := readUnits(p.size, r.consistent)
	a.charge(r.table, capacity.Read, units-est)
	return p, units, nil
}

// queryKeyAttrs returns the table key attributes of item.
func queryKeyAttrs(t *catalog.Table, item value.Item) value.Item {
	key := value.Item{t.PartitionKey.Name: item[t.PartitionKey.Name]}
	if t.HasSortKey() {
		key[t.SortKey.Name] = item[t.SortKey.Name]
	}
	return key
}

// queryCount32 converts an item count of a page (at most a few hundred
// thousand: a page reads at most 1 MB) for the wire.
func queryCount32(n int) int32 { return int32(min(n, 1<<31-1)) }
