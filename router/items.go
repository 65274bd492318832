package router

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/capacity"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// This file implements the single-item operations: PutItem, GetItem,
// UpdateItem and DeleteItem.
//
// Validation runs in DynamoDB's order, as observed against the service by
// emulators that were checked against it (dynalite) and by Alternator's
// tests: the request's member constraints (all reported together), mixed
// legacy and expression parameters, the attribute values, the legacy
// parameters, per-operation rules (ReturnValues), the item size and the
// expressions; only then is the table looked up, and the key (which needs
// the schema) checked last. So a request with a malformed expression on a
// table that does not exist gets a ValidationException, as from DynamoDB.

// Modes of ReturnValues and ReturnValuesOnConditionCheckFailure.
const (
	returnNone       = "NONE"
	returnAllOld     = "ALL_OLD"
	returnUpdatedOld = "UPDATED_OLD"
	returnAllNew     = "ALL_NEW"
	returnUpdatedNew = "UPDATED_NEW"
)

// Enumerations as DynamoDB lists them in its constraint messages (its own
// order, not the API model's).
var (
	itemsReturnValuesEnum     = []string{returnAllNew, returnUpdatedOld, returnAllOld, returnNone, returnUpdatedNew}
	itemsCollectionMetricEnum = []string{"SIZE", "NONE"}
	itemsOnFailureEnum        = []string{returnAllOld, returnNone}
	itemsCondOperatorEnum     = []string{"OR", "AND"}
)

// Messages of the single-item operations.
const (
	// msgReturnValuesInvalid answers a ReturnValues that the enumeration
	// allows but the operation does not (PutItem and DeleteItem take only
	// NONE and ALL_OLD).
	msgReturnValuesInvalid = "Return values set to invalid value"
)

// registerItems registers the handlers of this file.
func (a *API) registerItems(s *Server) {
	Handle(s, "PutItem", a.putItem)
	Handle(s, "GetItem", a.getItem)
	Handle(s, "UpdateItem", a.updateItem)
	Handle(s, "DeleteItem", a.deleteItem)
}

// checkAttributesToGet records the length constraints of an AttributesToGet
// member at path.
func (c *constraints) checkAttributesToGet(names []string, path string) {
	switch {
	case names == nil:
	case len(names) < minAttributesToGet:
		c.add(itemsRenderList(names), path, fmt.Sprintf("Member must have length greater than or equal to %d", minAttributesToGet))
	case len(names) > maxAttributesToGet:
		c.add(itemsRenderList(names), path, fmt.Sprintf("Member must have length less than or equal to %d", maxAttributesToGet))
	}
}

// itemsRenderList renders a list of strings as DynamoDB's constraint
// messages show one (Java's List.toString, quoted).
func itemsRenderList(l []string) string {
	b := []byte("'[")
	for i, s := range l {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, s...)
	}
	return string(append(b, "]'"...))
}

// itemsValidateValues validates every attribute value of it, in name order
// (sets: empty, duplicates; the wire decoder has already rejected empty
// values and bad numbers).
func itemsValidateValues(it wire.Item) error {
	for _, name := range slices.Sorted(maps.Keys(it)) {
		if err := it[name].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// itemsExpected translates a write's Expected and ConditionalOperator.
func itemsExpected(expected map[string]wire.ExpectedAttributeValue, op string) (expr.Cond, error) {
	return expr.ExpectedToCond(legacyExpected(expected), op)
}

// itemsLegacyNames returns the legacy parameters present in a write, for
// expr.CheckMixed.
func itemsLegacyNames(expected map[string]wire.ExpectedAttributeValue, condOp string, updates map[string]wire.AttributeValueUpdate, toGet []string) []string {
	var out []string
	if expected != nil {
		out = append(out, expr.ParamExpected)
	}
	if condOp != "" {
		out = append(out, expr.ParamConditionalOperator)
	}
	if updates != nil {
		out = append(out, expr.ParamAttributeUpdates)
	}
	if toGet != nil {
		out = append(out, expr.ParamAttributesToGet)
	}
	return out
}

// propose applies cmd and maps the command's own outcome to DynamoDB's
// errors: a false condition becomes ConditionalCheckFailedException, with
// the current item when onFailure is ALL_OLD.
func (a *API) propose(ctx context.Context, cmd *partition.Command, onFailure string) (partition.Result, error) {
	res, err := a.store.Propose(ctx, cmd)
	if err != nil {
		return res, fmt.Errorf("propose to table %d: %w", cmd.Table, err)
	}
	switch {
	case res.Err == nil:
		return res, nil
	case errors.Is(res.Err, partition.ErrConditionFailed):
		var item value.Item
		if onFailure == returnAllOld && len(res.Old) > 0 {
			item = res.Old
		}
		return res, ConditionalCheckFailed(item)
	}
	return res, res.Err
}

// writeCost returns the write units of an applied command (a failed
// condition included, sized on its Old): the larger of the item before and
// after it ("Capacity unit consumption for write
// operations": PutItem and UpdateItem charge the larger of the old and new
// item, DeleteItem the deleted item; one unit at least).
func writeCost(res partition.Result) float64 {
	return writeUnits(max(res.Old.Size(), res.New.Size()))
}

// returnedAttributes returns the Attributes member of a write's response
// for mode, or nil when there is none to send. An empty result is not sent,
// as DynamoDB omits Attributes then.
func returnedAttributes(mode string, res partition.Result, upd *expr.Update) wire.Item {
	var out value.Item
	switch mode {
	case returnAllOld:
		out = res.Old
	case returnAllNew:
		out = res.New
	case returnUpdatedOld:
		out = updatedPaths(upd).Apply(res.Old)
	case returnUpdatedNew:
		out = updatedPaths(upd).Apply(res.New)
	}
	if len(out) == 0 {
		return nil
	}
	return wire.Item(out)
}

// updatedPaths returns every path an update's actions name, as written in
// the request. UPDATED_OLD and UPDATED_NEW are these paths projected on the
// old and new item, which is exactly what DynamoDB returns, quirks
// included: a path that did not exist before is absent from UPDATED_OLD, a
// removed one from UPDATED_NEW, a SET past the end of a list (a.c[100]) is
// absent from UPDATED_NEW (the element landed at another index), and a
// REMOVE of a list element returns in UPDATED_NEW the element that moved
// into its place. (Result.Updated holds the landed indexes instead, which
// DynamoDB does not use here.)
func updatedPaths(u *expr.Update) expr.Projection {
	if u == nil {
		return nil
	}
	p := make(expr.Projection, 0, len(u.Set)+len(u.Remove)+len(u.Add)+len(u.Delete))
	for _, s := range u.Set {
		p = append(p, s.Path)
	}
	p = append(p, u.Remove...)
	for _, s := range u.Add {
		p = append(p, s.Path)
	}
	for _, s := range u.Delete {
		p = append(p, s.Path)
	}
	return p
}

// putItem implements PutItem.
func (a *API) putItem(ctx context.Context, in *wire.PutItemInput) (*wire.PutItemOutput, error) {
	var c constraints
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	c.checkTableName(in.TableName, "tableName")
	if in.Item == nil {
		c.notNull("item")
	}
	c.checkEnum(in.ConditionalOperator, "conditionalOperator", itemsCondOperatorEnum...)
	c.checkEnum(in.ReturnValues, "returnValues", itemsReturnValuesEnum...)
	c.checkEnum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", itemsCollectionMetricEnum...)
	c.checkEnum(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", itemsOnFailureEnum...)
	if err := c.err(); err != nil {
		return nil, err
	}
	w := plainWrite{
		expr: exprParams{Condition: in.ConditionExpression, Names: in.ExpressionAttributeNames,
			Values: in.ExpressionAttributeValues, Accepts: []expr.Kind{expr.KindCondition}},
		expected: in.Expected, condOp: in.ConditionalOperator, values: in.Item,
		returnValues: in.ReturnValues, sized: value.Item(in.Item),
	}
	t, cond, err := a.checkPlainWrite(w, *in.TableName)
	if err != nil {
		return nil, err
	}
	pos, keyAttrs, err := itemKey(t, value.Item(in.Item))
	if err != nil {
		return nil, err
	}
	cmd := &partition.Command{Op: partition.OpPut, Table: t.ID, Key: pos, KeyAttrs: keyAttrs,
		Item: value.Item(in.Item), Condition: cond}
	res, units, err := a.proposeWrite(ctx, t, cmd, writeUnits(cmd.Item.Size()), in.ReturnValuesOnConditionCheckFailure)
	if err != nil {
		return nil, err
	}
	return &wire.PutItemOutput{
		Attributes:       returnedAttributes(in.ReturnValues, res, nil),
		ConsumedCapacity: consumed(in.ReturnConsumedCapacity, t.Name, units, true),
	}, nil
}

// plainWrite is what PutItem and DeleteItem check alike once their member
// constraints passed.
type plainWrite struct {
	expr     exprParams
	expected map[string]wire.ExpectedAttributeValue
	condOp   string
	// values are the request's attribute values (the item or the key).
	values       wire.Item
	returnValues string
	// sized, when not nil, is checked against the item size limit.
	sized value.Item
}

// checkPlainWrite runs the checks of a PutItem or DeleteItem in DynamoDB's
// order — mixed parameters, attribute values, Expected, ReturnValues (only
// NONE and ALL_OLD), item size, expressions, then the table — and returns
// the table and the write's condition.
func (a *API) checkPlainWrite(w plainWrite, tableName string) (*catalog.Table, expr.Cond, error) {
	if err := expr.CheckMixed(itemsLegacyNames(w.expected, w.condOp, nil, nil), w.expr.present()); err != nil {
		return nil, nil, err
	}
	if err := itemsValidateValues(w.values); err != nil {
		return nil, nil, err
	}
	legacyCond, err := itemsExpected(w.expected, w.condOp)
	if err != nil {
		return nil, nil, err
	}
	if w.returnValues != "" && w.returnValues != returnNone && w.returnValues != returnAllOld {
		return nil, nil, value.Validationf(msgReturnValuesInvalid)
	}
	if w.sized != nil {
		if err := value.CheckItemSize(w.sized); err != nil {
			return nil, nil, err
		}
	}
	compiled, err := a.compileWrite(w.expr)
	if err != nil {
		return nil, nil, err
	}
	t, err := a.table(tableName)
	if err != nil {
		return nil, nil, err
	}
	return t, itemsCondition(compiled, legacyCond), nil
}

// compileWrite validates the expression attribute values and compiles a
// write's expressions; it returns nil when the request has none.
func (a *API) compileWrite(p exprParams) (*expr.Compiled, error) {
	if err := validateExprValues(p.Values); err != nil {
		return nil, err
	}
	return a.compile(p)
}

// itemsCondition returns the condition of a write: the ConditionExpression
// or the translated Expected (CheckMixed allows at most one of them).
func itemsCondition(compiled *expr.Compiled, legacy expr.Cond) expr.Cond {
	if compiled != nil && compiled.Condition != nil {
		return compiled.Condition
	}
	return legacy
}

// getItem implements GetItem.
func (a *API) getItem(ctx context.Context, in *wire.GetItemInput) (*wire.GetItemOutput, error) {
	var c constraints
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	c.checkAttributesToGet(in.AttributesToGet, "attributesToGet")
	c.checkTableName(in.TableName, "tableName")
	if in.Key == nil {
		c.notNull("key")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	p := exprParams{Projection: in.ProjectionExpression, Names: in.ExpressionAttributeNames}
	if err := expr.CheckMixed(itemsLegacyNames(nil, "", nil, in.AttributesToGet), p.present()); err != nil {
		return nil, err
	}
	if err := itemsValidateValues(in.Key); err != nil {
		return nil, err
	}
	proj, err := expr.AttributesToGetToProjection(in.AttributesToGet)
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
	t, err := a.table(*in.TableName)
	if err != nil {
		return nil, err
	}
	pos, _, err := keyOf(t, value.Item(in.Key))
	if err != nil {
		return nil, err
	}
	consistent := in.ConsistentRead != nil && *in.ConsistentRead
	est := readUnits(0, consistent)
	if err := a.take(t, capacity.Read, est); err != nil {
		return nil, err
	}
	item, err := a.store.Get(ctx, t.ID, pos, consistent)
	if err != nil {
		return nil, fmt.Errorf("get from table %d: %w", t.ID, err)
	}
	// Reads are charged on the whole item, whatever the projection.
	units := readUnits(item.Size(), consistent)
	a.charge(t, capacity.Read, units-est)
	out := &wire.GetItemOutput{ConsumedCapacity: consumed(in.ReturnConsumedCapacity, t.Name, units, false)}
	if item != nil {
		if proj != nil {
			item = proj.Apply(item)
		}
		out.Item = wire.Item(item)
	}
	return out, nil
}

// updateItem implements UpdateItem.
func (a *API) updateItem(ctx context.Context, in *wire.UpdateItemInput) (*wire.UpdateItemOutput, error) {
	var c constraints
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	c.checkTableName(in.TableName, "tableName")
	c.checkEnum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", itemsCollectionMetricEnum...)
	c.checkEnum(in.ReturnValues, "returnValues", itemsReturnValuesEnum...)
	if in.Key == nil {
		c.notNull("key")
	}
	c.checkEnum(in.ConditionalOperator, "conditionalOperator", itemsCondOperatorEnum...)
	c.checkEnum(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", itemsOnFailureEnum...)
	if err := c.err(); err != nil {
		return nil, err
	}
	p := exprParams{Update: in.UpdateExpression, Condition: in.ConditionExpression, Names: in.ExpressionAttributeNames,
		Values: in.ExpressionAttributeValues, Accepts: []expr.Kind{expr.KindUpdate, expr.KindCondition}}
	if err := expr.CheckMixed(itemsLegacyNames(in.Expected, in.ConditionalOperator, in.AttributeUpdates, nil), p.present()); err != nil {
		return nil, err
	}
	if err := itemsValidateValues(in.Key); err != nil {
		return nil, err
	}
	upd, err := expr.AttributeUpdatesToUpdate(legacyUpdates(in.AttributeUpdates))
	if err != nil {
		return nil, err
	}
	legacyCond, err := itemsExpected(in.Expected, in.ConditionalOperator)
	if err != nil {
		return nil, err
	}
	compiled, err := a.compileWrite(p)
	if err != nil {
		return nil, err
	}
	if compiled != nil && compiled.Update != nil {
		upd = compiled.Update
	}
	if upd == nil {
		// An UpdateItem without any update still creates the item from
		// its key, as in DynamoDB.
		upd = &expr.Update{}
	}
	t, err := a.table(*in.TableName)
	if err != nil {
		return nil, err
	}
	pos, keyAttrs, err := keyOf(t, value.Item(in.Key))
	if err != nil {
		return nil, err
	}
	if err := expr.CheckKeyUpdate(upd, tableKeyNames(t)...); err != nil {
		return nil, err
	}
	cmd := &partition.Command{Op: partition.OpUpdate, Table: t.ID, Key: pos, KeyAttrs: keyAttrs,
		Condition: itemsCondition(compiled, legacyCond), Update: upd}
	res, units, err := a.proposeWrite(ctx, t, cmd, writeUnits(0), in.ReturnValuesOnConditionCheckFailure)
	if err != nil {
		return nil, err
	}
	return &wire.UpdateItemOutput{
		Attributes:       returnedAttributes(in.ReturnValues, res, upd),
		ConsumedCapacity: consumed(in.ReturnConsumedCapacity, t.Name, units, true),
	}, nil
}

// tableKeyNames returns the names of t's key attributes.
func tableKeyNames(t *catalog.Table) []string {
	if t.HasSortKey() {
		return []string{t.PartitionKey.Name, t.SortKey.Name}
	}
	return []string{t.PartitionKey.Name}
}

// deleteItem implements DeleteItem.
func (a *API) deleteItem(ctx context.Context, in *wire.DeleteItemInput) (*wire.DeleteItemOutput, error) {
	var c constraints
	c.checkReturnConsumedCapacity(in.ReturnConsumedCapacity)
	c.checkTableName(in.TableName, "tableName")
	c.checkEnum(in.ReturnValues, "returnValues", itemsReturnValuesEnum...)
	c.checkEnum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", itemsCollectionMetricEnum...)
	if in.Key == nil {
		c.notNull("key")
	}
	c.checkEnum(in.ConditionalOperator, "conditionalOperator", itemsCondOperatorEnum...)
	c.checkEnum(in.ReturnValuesOnConditionCheckFailure, "returnValuesOnConditionCheckFailure", itemsOnFailureEnum...)
	if err := c.err(); err != nil {
		return nil, err
	}
	w := plainWrite{
		expr: exprParams{Condition: in.ConditionExpression, Names: in.ExpressionAttributeNames,
			Values: in.ExpressionAttributeValues, Accepts: []expr.Kind{expr.KindCondition}},
		expected: in.Expected, condOp: in.ConditionalOperator, values: in.Key,
		returnValues: in.ReturnValues,
	}
	t, cond, err := a.checkPlainWrite(w, *in.TableName)
	if err != nil {
		return nil, err
	}
	pos, keyAttrs, err := keyOf(t, value.Item(in.Key))
	if err != nil {
		return nil, err
	}
	cmd := &partition.Command{Op: partition.OpDelete, Table: t.ID, Key: pos, KeyAttrs: keyAttrs,
		Condition: cond}
	res, units, err := a.proposeWrite(ctx, t, cmd, writeUnits(0), in.ReturnValuesOnConditionCheckFailure)
	if err != nil {
		return nil, err
	}
	return &wire.DeleteItemOutput{
		Attributes:       returnedAttributes(in.ReturnValues, res, nil),
		ConsumedCapacity: consumed(in.ReturnConsumedCapacity, t.Name, units, true),
	}, nil
}
