package router

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/capacity"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// This file implements BatchGetItem and BatchWriteItem.
//
// Both validate the whole request before touching any item, in DynamoDB's
// order (see items.go): member constraints, then per table (in name order)
// the expressions and the values, the duplicate and count limits, and only
// then the tables and the keys against their schemas. An invalid element
// rejects the whole batch. The valid writes of a BatchWriteItem are then
// proposed concurrently (their groups commit them together, sharing fsyncs);
// none is conditional, so each either applies or, on an infrastructure
// error, is returned in UnprocessedItems.
//
// Capacity (admission.go): every key of a BatchGetItem and every write of a
// BatchWriteItem is admitted on its own, in request order. One its table's
// capacity refuses is returned in UnprocessedKeys or UnprocessedItems; only
// when none of the batch could be processed is the refusal the answer
// (ProvisionedThroughputExceededException, or ThrottlingException on
// demand), as in DynamoDB.

// Messages of the batch operations.
const (
	msgBatchDuplicates     = "Provided list of item keys contains duplicates"
	msgBatchGetTooMany     = "Too many items requested for the BatchGetItem call"
	msgBatchWriteTooMany   = "Too many items requested for the BatchWriteItem call"
	msgBatchEmptyRequest   = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgBatchMapKeys        = "Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"
	msgBatchWriteMapValues = "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
)

// registerBatch registers the handlers of this file.
func (a *API) registerBatch(s *Server) {
	Handle(s, "BatchGetItem", a.batchGetItem)
	Handle(s, "BatchWriteItem", a.batchWriteItem)
}

// batchJavaRef renders a request element the way DynamoDB's constraint
// messages show it: Java's default Object.toString of the service's model
// class, "com.amazonaws.dynamodb.v20120810.<Class>@<hash>". The hash is
// ours (FNV-1a of the element's encoding), so only its form matches.
func batchJavaRef(class string, enc []byte) string {
	h := fnv.New32a()
	h.Write(enc)
	return fmt.Sprintf("com.amazonaws.dynamodb.v20120810.%s@%x", class, h.Sum32())
}

// batchRenderMap renders a map member value ('{k1=v1, k2=v2}') with its
// entries in name order.
func batchRenderMap[V any](m map[string]V, render func(V) string) string {
	var b strings.Builder
	b.WriteString("'{")
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(render(m[k]))
	}
	b.WriteString("}'")
	return b.String()
}

// batchRenderKeys renders a Keys member value ('[{a=...}, ...]').
func batchRenderKeys(keys []wire.Item) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = strings.Trim(batchRenderMap(k, func(v value.Value) string {
			return batchJavaRef("AttributeValue", value.AppendValue(nil, v))
		}), "'")
	}
	return "'[" + strings.Join(parts, ", ") + "]'"
}

// batchWriteRequestRef renders one WriteRequest.
func batchWriteRequestRef(w wire.WriteRequest) string {
	var enc []byte
	if w.PutRequest != nil {
		enc = value.AppendItem(append(enc, 'p'), value.Item(w.PutRequest.Item))
	}
	if w.DeleteRequest != nil {
		enc = value.AppendItem(append(enc, 'd'), value.Item(w.DeleteRequest.Key))
	}
	return batchJavaRef("WriteRequest", enc)
}

// checkBatchTableNames records the "Map keys" violation of a RequestItems
// map whose table names break the table name rules; DynamoDB reports it
// once for the whole map, listing every rule.
func checkBatchTableNames[V any](c *constraints, m map[string]V, render func(V) string) {
	for name := range m {
		var tc constraints
		tc.checkTableName(&name, "")
		if len(tc) > 0 {
			c.add(batchRenderMap(m, render), "requestItems", msgBatchMapKeys)
			return
		}
	}
}

// batchKeyID returns a string identifying a key (or item) value by value,
// for duplicate detection before the schema is known.
func batchKeyID(key wire.Item) string { return string(value.AppendItem(nil, value.Item(key))) }

// batchTables looks up every table of a batch request, in name order.
func (a *API) batchTables(names []string) (map[string]*catalog.Table, error) {
	tables := make(map[string]*catalog.Table, len(names))
	for _, name := range names {
		t, err := a.table(name)
		if err != nil {
			return nil, err
		}
		tables[name] = t
	}
	return tables, nil
}

// batchGetTable is the validated request for one table of a BatchGetItem.
type batchGetTable struct {
	name string
	in   wire.KeysAndAttributes
	proj expr.Projection
	t    *catalog.Table
	pos  [][]byte
}

// batchGetItem implements BatchGetItem.
func (a *API) batchGetItem(ctx context.Context, in *wire.BatchGetItemInput) (*wire.BatchGetItemOutput, error) {
	var c constraints
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	kaRef := func(ka wire.KeysAndAttributes) string {
		var enc []byte
		for _, k := range ka.Keys {
			enc = value.AppendItem(enc, value.Item(k))
		}
		return batchJavaRef("KeysAndAttributes", enc)
	}
	switch {
	case in.RequestItems == nil:
		c.notNull("requestItems")
	case len(in.RequestItems) == 0:
		c.add("'{}'", "requestItems", "Member must have length greater than or equal to 1")
	}
	checkBatchTableNames(&c, in.RequestItems, kaRef)
	names := slices.Sorted(maps.Keys(in.RequestItems))
	for _, name := range names {
		ka := in.RequestItems[name]
		path := "requestItems." + name + ".member."
		switch {
		case ka.Keys == nil:
			c.notNull(path + "keys")
		case len(ka.Keys) < 1:
			c.add(batchRenderKeys(ka.Keys), path+"keys", "Member must have length greater than or equal to 1")
		case len(ka.Keys) > MaxBatchGetKeys:
			c.add(batchRenderKeys(ka.Keys), path+"keys", fmt.Sprintf("Member must have length less than or equal to %d", MaxBatchGetKeys))
		}
		c.checkAttributesToGet(ka.AttributesToGet, path+"attributesToGet")
	}
	if err := c.err(); err != nil {
		return nil, err
	}

	reqs := make([]*batchGetTable, 0, len(names))
	total := 0
	for _, name := range names {
		ka := in.RequestItems[name]
		p := exprParams{Projection: ka.ProjectionExpression, Names: ka.ExpressionAttributeNames}
		if err := expr.CheckMixed(itemsLegacyNames(nil, "", nil, ka.AttributesToGet), p.present()); err != nil {
			return nil, err
		}
		proj, err := expr.AttributesToGetToProjection(ka.AttributesToGet)
		if err != nil {
			return nil, err
		}
		compiled, err := a.compile(p)
		if err != nil {
			return nil, err
		}
		if compiled != nil && compiled.Projection != nil {
			proj = compiled.Projection
		}
		seen := make(map[string]struct{}, len(ka.Keys))
		for _, k := range ka.Keys {
			if err := itemsValidateValues(k); err != nil {
				return nil, err
			}
			id := batchKeyID(k)
			if _, dup := seen[id]; dup {
				return nil, value.Validationf(msgBatchDuplicates)
			}
			seen[id] = struct{}{}
			if total++; total > MaxBatchGetKeys {
				return nil, value.Validationf(msgBatchGetTooMany)
			}
		}
		reqs = append(reqs, &batchGetTable{name: name, in: ka, proj: proj})
	}
	tables, err := a.batchTables(names)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		r.t = tables[r.name]
		r.pos = make([][]byte, len(r.in.Keys))
		for i, k := range r.in.Keys {
			if r.pos[i], _, err = keyOf(r.t, value.Item(k)); err != nil {
				return nil, err
			}
		}
	}

	out := &wire.BatchGetItemOutput{
		Responses:       make(map[string][]wire.Item, len(reqs)),
		UnprocessedKeys: map[string]wire.KeysAndAttributes{},
	}
	size := 0
	full := false
	processed := 0
	var throttled error
	for _, r := range reqs {
		consistent := r.in.ConsistentRead != nil && *r.in.ConsistentRead
		est := readUnits(0, consistent)
		items := []wire.Item{}
		var units float64
		var unprocessed []wire.Item
		for i, pos := range r.pos {
			if full {
				unprocessed = append(unprocessed, r.in.Keys[i])
				continue
			}
			// Each key is a GetItem of its own: one the table's
			// capacity refuses is left unprocessed.
			if err := a.take(r.t, capacity.Read, est); err != nil {
				if throttled == nil {
					throttled = err
				}
				unprocessed = append(unprocessed, r.in.Keys[i])
				continue
			}
			item, err := a.store.Get(ctx, r.t.ID, pos, consistent)
			if err != nil {
				return nil, fmt.Errorf("get from table %d: %w", r.t.ID, err)
			}
			n := item.Size()
			if size+n > MaxBatchGetResponseBytes {
				// This key and every later one are left for the
				// client to retry, as DynamoDB does at 16 MB.
				full = true
				a.charge(r.t, capacity.Read, -est)
				unprocessed = append(unprocessed, r.in.Keys[i])
				continue
			}
			size += n
			processed++
			u := readUnits(n, consistent)
			a.charge(r.t, capacity.Read, u-est)
			units += u
			if item == nil {
				continue
			}
			if r.proj != nil {
				item = r.proj.Apply(item)
			}
			items = append(items, wire.Item(item))
		}
		out.Responses[r.name] = items
		if unprocessed != nil {
			ka := r.in
			ka.Keys = unprocessed
			out.UnprocessedKeys[r.name] = ka
		}
		// A table none of whose keys was read consumed nothing.
		if cc := consumed(in.ReturnConsumedCapacity, r.name, units, false); cc != nil && units > 0 {
			out.ConsumedCapacity = append(out.ConsumedCapacity, *cc)
		}
	}
	if processed == 0 && throttled != nil {
		// "If none of the items can be processed due to insufficient
		// provisioned throughput on all of the tables in the request,
		// then BatchGetItem returns a
		// ProvisionedThroughputExceededException" (API reference).
		return nil, throttled
	}
	return out, nil
}

// batchWrite is one validated write of a BatchWriteItem.
type batchWrite struct {
	table string
	req   wire.WriteRequest
	cmd   *partition.Command
	// est is the write units taken at admission; throttled the table's
	// refusal, when it refused.
	est       float64
	throttled error
	res       partition.Result
	err       error
}

// batchPutKey returns the ring position and key attributes of a
// BatchWriteItem put. Unlike PutItem, DynamoDB answers a missing or
// mistyped key attribute here with "The provided key element does not
// match the schema".
func batchPutKey(t *catalog.Table, item value.Item) ([]byte, value.Item, error) {
	pk, ok := item[t.PartitionKey.Name]
	if !ok || pk.Type != t.PartitionKey.Type {
		return nil, nil, value.Validationf(msgKeyMismatch)
	}
	var sk *value.Value
	if t.HasSortKey() {
		v, ok := item[t.SortKey.Name]
		if !ok || v.Type != t.SortKey.Type {
			return nil, nil, value.Validationf(msgKeyMismatch)
		}
		sk = &v
	}
	return position(t, pk, sk)
}

// batchWriteItem implements BatchWriteItem.
func (a *API) batchWriteItem(ctx context.Context, in *wire.BatchWriteItemInput) (*wire.BatchWriteItemOutput, error) {
	var c constraints
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	c.checkEnum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", itemsCollectionMetricEnum...)
	renderList := func(l []wire.WriteRequest) string {
		parts := make([]string, len(l))
		for i, w := range l {
			parts[i] = batchWriteRequestRef(w)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	switch {
	case in.RequestItems == nil:
		c.notNull("requestItems")
	case len(in.RequestItems) == 0:
		c.add("'{}'", "requestItems", "Member must have length greater than or equal to 1")
	}
	checkBatchTableNames(&c, in.RequestItems, renderList)
	for _, l := range in.RequestItems {
		if len(l) < 1 || len(l) > MaxBatchWriteRequests {
			c.add(batchRenderMap(in.RequestItems, renderList), "requestItems", msgBatchWriteMapValues)
			break
		}
	}
	names := slices.Sorted(maps.Keys(in.RequestItems))
	for _, name := range names {
		for i, w := range in.RequestItems[name] {
			path := fmt.Sprintf("requestItems.%s.member.%d.member.", name, i+1)
			if w.DeleteRequest != nil && w.DeleteRequest.Key == nil {
				c.notNull(path + "deleteRequest.key")
			}
			if w.PutRequest != nil && w.PutRequest.Item == nil {
				c.notNull(path + "putRequest.item")
			}
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}

	var writes []*batchWrite
	for _, name := range names {
		for _, w := range in.RequestItems[name] {
			if (w.PutRequest == nil) == (w.DeleteRequest == nil) {
				return nil, value.Validationf(msgBatchEmptyRequest)
			}
			if w.PutRequest != nil {
				if err := value.ValidateItem(value.Item(w.PutRequest.Item)); err != nil {
					return nil, err
				}
			} else if err := itemsValidateValues(w.DeleteRequest.Key); err != nil {
				return nil, err
			}
			writes = append(writes, &batchWrite{table: name, req: w})
		}
	}
	if len(writes) > MaxBatchWriteRequests {
		return nil, value.Validationf(msgBatchWriteTooMany)
	}
	tables, err := a.batchTables(names)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{}, len(writes))
	for _, w := range writes {
		t := tables[w.table]
		var (
			pos      []byte
			keyAttrs value.Item
			err      error
		)
		if w.req.PutRequest != nil {
			pos, keyAttrs, err = batchPutKey(t, value.Item(w.req.PutRequest.Item))
			w.cmd = &partition.Command{Op: partition.OpPut, Table: t.ID, Item: value.Item(w.req.PutRequest.Item)}
		} else {
			pos, keyAttrs, err = keyOf(t, value.Item(w.req.DeleteRequest.Key))
			w.cmd = &partition.Command{Op: partition.OpDelete, Table: t.ID}
		}
		if err != nil {
			return nil, err
		}
		w.cmd.Key, w.cmd.KeyAttrs = pos, keyAttrs
		id := w.table + "\x00" + string(pos)
		if _, dup := seen[id]; dup {
			return nil, value.Validationf(msgBatchDuplicates)
		}
		seen[id] = struct{}{}
	}

	// Each write is admitted in request order, taking its least cost (a
	// put's item, one unit for a delete), so that a table with little
	// capacity left takes the first writes and leaves the rest
	// unprocessed.
	var wg sync.WaitGroup
	throttled := 0
	var firstThrottle error
	for _, w := range writes {
		t := tables[w.table]
		w.est = writeUnits(0)
		if w.cmd.Op == partition.OpPut {
			w.est = writeUnits(w.cmd.Item.Size())
		}
		if w.throttled = a.take(t, capacity.Write, w.est); w.throttled != nil {
			throttled++
			if firstThrottle == nil {
				firstThrottle = w.throttled
			}
			continue
		}
		wg.Go(func() {
			w.res, w.err = a.store.Propose(ctx, w.cmd)
			if w.err == nil && w.res.Err != nil {
				w.err = w.res.Err
			}
		})
	}
	wg.Wait()

	out := &wire.BatchWriteItemOutput{UnprocessedItems: map[string][]wire.WriteRequest{}}
	units := make(map[string]float64, len(names))
	failed := 0
	var firstErr error
	for _, w := range writes {
		if w.throttled != nil {
			out.UnprocessedItems[w.table] = append(out.UnprocessedItems[w.table], w.req)
			continue
		}
		if w.err != nil {
			var verr *value.ValidationError
			if errors.As(w.err, &verr) {
				return nil, w.err
			}
			failed++
			if firstErr == nil {
				firstErr = w.err
			}
			out.UnprocessedItems[w.table] = append(out.UnprocessedItems[w.table], w.req)
			continue
		}
		u := writeCost(w.res)
		a.charge(tables[w.table], capacity.Write, u-w.est)
		units[w.table] += u
	}
	switch {
	case failed > 0 && failed+throttled == len(writes):
		return nil, fmt.Errorf("batch write: %w", firstErr)
	case throttled == len(writes):
		// "If none of the items can be processed due to insufficient
		// provisioned throughput on all of the tables in the request,
		// then BatchWriteItem returns a
		// ProvisionedThroughputExceededException" (API reference).
		return nil, firstThrottle
	}
	for _, name := range names {
		if u, ok := units[name]; ok {
			if cc := consumed(in.ReturnConsumedCapacity, name, u, true); cc != nil {
				out.ConsumedCapacity = append(out.ConsumedCapacity, *cc)
			}
		}
	}
	return out, nil
}
