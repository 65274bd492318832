package expr

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/atolldb/atoll/partition/value"
)

// This file translates DynamoDB's legacy (pre-expression) request parameters
// into the bound syntax trees the evaluator runs, so that a request written
// with Expected, QueryFilter, ScanFilter, KeyConditions, AttributeUpdates or
// AttributesToGet takes the same evaluation path as one written with
// expressions:
//
//	Expected + ConditionalOperator           -> Cond      (ExpectedToCond)
//	QueryFilter / ScanFilter + ConditionalOp -> Cond      (FilterToCond)
//	KeyConditions                            -> *KeyCondition
//	AttributeUpdates                         -> *Update
//	AttributesToGet                          -> Projection
//
// Every tree built here is bound: paths hold real attribute names (one
// element each, taken literally, never parsed) and every ValueOperand has an
// empty Placeholder and its Value set.
//
// Legacy maps are unordered on the wire. The translation visits attributes in
// sorted name order, so the same request always yields the same tree (the
// tree may be evaluated inside the replicated state machine) and the same
// first error.
//
// Semantics follow DynamoDB's legacy evaluation, operator by operator:
//
//	EQ, LE, LT, GE, GT    a = v, a <= v, ...   (false when a is missing or of another type)
//	NE                    a <> v               (true when a is missing, as in DynamoDB)
//	NOT_NULL / NULL       attribute_exists(a) / attribute_not_exists(a)
//	CONTAINS              contains(a, v)
//	NOT_CONTAINS          attribute_exists(a) AND NOT contains(a, v)
//	                      (legacy NOT_CONTAINS is false on a missing attribute)
//	BEGINS_WITH           begins_with(a, v)
//	IN                    a IN (v1, v2, ...)
//	BETWEEN               a BETWEEN v1 AND v2
//
// Several conditions are joined with AND (the default ConditionalOperator) or
// OR into a balanced tree, so the tree's depth grows with the logarithm of the
// number of conditions, not linearly.

// Condition is a legacy Condition, the element of KeyConditions, QueryFilter
// and ScanFilter.
type Condition struct {
	// ComparisonOperator is one of EQ, NE, LE, LT, GE, GT, NOT_NULL, NULL,
	// CONTAINS, NOT_CONTAINS, BEGINS_WITH, IN and BETWEEN.
	ComparisonOperator string
	// AttributeValueList holds the operator's arguments.
	AttributeValueList []value.Value
}

// ExpectedAttribute is a legacy ExpectedAttributeValue, the element of
// Expected. The edge must keep presence exactly: a nil pointer or slice means
// the member was absent from the request, and a non-nil empty
// AttributeValueList means it was present but empty ("AttributeValueList": []).
type ExpectedAttribute struct {
	Value              *value.Value
	Exists             *bool
	ComparisonOperator string
	AttributeValueList []value.Value
}

// AttributeUpdate is a legacy AttributeValueUpdate, the element of
// AttributeUpdates.
type AttributeUpdate struct {
	// Action is PUT (the default when empty), ADD or DELETE.
	Action string
	// Value is the operand; nil when absent (allowed only for DELETE).
	Value *value.Value
}

// Legacy parameter names, as used in DynamoDB's messages and by CheckMixed.
const (
	ParamExpected            = "Expected"
	ParamQueryFilter         = "QueryFilter"
	ParamScanFilter          = "ScanFilter"
	ParamKeyConditions       = "KeyConditions"
	ParamAttributeUpdates    = "AttributeUpdates"
	ParamAttributesToGet     = "AttributesToGet"
	ParamConditionalOperator = "ConditionalOperator"
)

// Expression parameter names, as used by CheckMixed.
const (
	ParamProjectionExpression   = "ProjectionExpression"
	ParamFilterExpression       = "FilterExpression"
	ParamKeyConditionExpression = "KeyConditionExpression"
	ParamUpdateExpression       = "UpdateExpression"
	ParamConditionExpression    = "ConditionExpression"
)

// legacyMaxViolations is how many constraint violations DynamoDB's request
// validator lists in one "N validation errors detected" message before it
// stops collecting.
const legacyMaxViolations = 10

// legacyComparisonOperatorEnum is the text of DynamoDB's enum constraint message for
// ComparisonOperator, in the order DynamoDB prints it.
const legacyComparisonOperatorEnum = "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"

// legacyConditionalOperatorEnum and legacyActionEnum are the enum sets of
// ConditionalOperator and AttributeValueUpdate.Action, in DynamoDB's order.
const (
	legacyConditionalOperatorEnum = "[OR, AND]"
	legacyActionEnum              = "[ADD, DELETE, PUT]"
)

// legacyInvalidParam is the prefix DynamoDB puts before most semantic checks of
// request parameters.
const legacyInvalidParam = "One or more parameter values were invalid: "

// legacyOp is a parsed legacy ComparisonOperator.
type legacyOp uint8

const (
	legacyEQ legacyOp = iota + 1
	legacyNE
	legacyLE
	legacyLT
	legacyGE
	legacyGT
	legacyNotNull
	legacyNull
	legacyContains
	legacyNotContains
	legacyBeginsWith
	legacyIn
	legacyBetween
)

var legacyOps = map[string]legacyOp{
	"EQ": legacyEQ, "NE": legacyNE, "LE": legacyLE, "LT": legacyLT,
	"GE": legacyGE, "GT": legacyGT, "NOT_NULL": legacyNotNull, "NULL": legacyNull,
	"CONTAINS": legacyContains, "NOT_CONTAINS": legacyNotContains,
	"BEGINS_WITH": legacyBeginsWith, "IN": legacyIn, "BETWEEN": legacyBetween,
}

// validCount reports whether n arguments suit the operator.
func (op legacyOp) validCount(n int) bool {
	switch op {
	case legacyNotNull, legacyNull:
		return n == 0
	case legacyIn:
		return n >= 1
	case legacyBetween:
		return n == 2
	}
	return n == 1
}

// supports reports whether an argument of type t is allowed for the operator.
func (op legacyOp) supports(t value.Type) bool {
	switch op {
	case legacyEQ, legacyNE, legacyNotNull, legacyNull:
		return true
	case legacyContains, legacyNotContains:
		// Any scalar: S, N, B, BOOL and NULL (a list may hold the last two).
		return t == value.TypeS || t == value.TypeN || t == value.TypeB ||
			t == value.TypeBOOL || t == value.TypeNULL
	case legacyBeginsWith:
		return t == value.TypeS || t == value.TypeB
	}
	// LE, LT, GE, GT, IN, BETWEEN: the sortable scalars.
	return t.IsScalarKey()
}

// legacyViolations collects request-validator constraint violations and
// renders them the way DynamoDB does. The members of one map parameter are
// checked in reverse name order: the order in which DynamoDB was observed to
// list them (the order of the first error, the one most messages show, does
// not depend on it).
type legacyViolations []string

func (v *legacyViolations) add(format string, args ...any) {
	if len(*v) < legacyMaxViolations {
		*v = append(*v, fmt.Sprintf(format, args...))
	}
}

func (v legacyViolations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return value.Validationf("1 validation error detected: %s", v[0])
	}
	return value.Validationf("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

// checkConditionalOperator records an enum violation of ConditionalOperator.
func (v *legacyViolations) checkConditionalOperator(op string) {
	if op != "" && op != "AND" && op != "OR" {
		v.add("Value '%s' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: %s", op, legacyConditionalOperatorEnum)
	}
}

// checkComparisonOperator records an enum (or, when required, not-null)
// violation of a map member's ComparisonOperator.
func (v *legacyViolations) checkComparisonOperator(param, attr, op string, required bool) {
	where := legacyMemberName(param) + "." + attr + ".member.comparisonOperator"
	switch {
	case op == "" && required:
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", where)
	case op == "":
	case legacyOps[op] == 0:
		v.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: %s", op, where, legacyComparisonOperatorEnum)
	}
}

// legacyMemberName returns s with its first byte lower-cased, the way DynamoDB
// names request members in constraint messages ("scanFilter").
func legacyMemberName(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+('a'-'A')) + s[1:]
}

// legacyCheckCondOpUse returns DynamoDB's error when ConditionalOperator
// is given but the map it joins has fewer than two elements.
func legacyCheckCondOpUse(op string, n int) error {
	switch {
	case op == "":
		return nil
	case n == 0:
		return value.Validationf("ConditionalOperator cannot be used without Filter or Expected")
	case n == 1:
		return value.Validationf("ConditionalOperator can only be used when Filter or Expected has two or more elements")
	}
	return nil
}

// legacySortedKeys returns the keys of m in ascending order.
func legacySortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// legacyCheckValue returns DynamoDB's error for an AttributeValue with no
// data type set.
func legacyCheckValue(v value.Value) error {
	if v.Type < value.TypeS || v.Type > value.TypeBS {
		return value.Validationf(value.MsgEmptyValue)
	}
	return nil
}

// legacyCheckArgs validates a legacy operator's argument list the way
// DynamoDB does: count, then each argument's type against the operator and
// against the first argument's type, then BETWEEN's bounds.
func legacyCheckArgs(op legacyOp, name string, args []value.Value) error {
	for _, a := range args {
		if err := legacyCheckValue(a); err != nil {
			return err
		}
	}
	if !op.validCount(len(args)) {
		return value.Validationf(legacyInvalidParam+"Invalid number of argument(s) for the %s ComparisonOperator", name)
	}
	for _, a := range args {
		if !op.supports(a.Type) {
			return value.Validationf(legacyInvalidParam+"ComparisonOperator %s is not valid for %s AttributeValue type", name, a.Type)
		}
		if a.Type != args[0].Type {
			return value.Validationf(legacyInvalidParam + "AttributeValues inside AttributeValueList must be of same type")
		}
	}
	if op == legacyBetween {
		if c, _ := value.Compare(args[0], args[1]); c > 0 {
			return value.Validationf("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
		}
	}
	return nil
}

// legacyPath is the path of a top-level attribute, taken literally.
func legacyPath(name string) Path { return Path{{Name: name}} }

// legacyValue is a bound value operand with no placeholder.
func legacyValue(v value.Value) Operand { return ValueOperand{Value: v} }

// legacyCond builds the Cond for one validated legacy condition on attr.
func legacyCond(op legacyOp, attr string, args []value.Value) Cond {
	path := PathOperand{Path: legacyPath(attr)}
	cmp := func(c CompareOp) Cond { return Compare{Op: c, Left: path, Right: legacyValue(args[0])} }
	switch op {
	case legacyEQ:
		return cmp(OpEQ)
	case legacyNE:
		return cmp(OpNE)
	case legacyLE:
		return cmp(OpLE)
	case legacyLT:
		return cmp(OpLT)
	case legacyGE:
		return cmp(OpGE)
	case legacyGT:
		return cmp(OpGT)
	case legacyNotNull:
		return Func{Name: "attribute_exists", Args: []Operand{path}}
	case legacyNull:
		return Func{Name: "attribute_not_exists", Args: []Operand{path}}
	case legacyContains:
		return Func{Name: "contains", Args: []Operand{path, legacyValue(args[0])}}
	case legacyNotContains:
		return And{
			Left:  Func{Name: "attribute_exists", Args: []Operand{path}},
			Right: Not{Cond: Func{Name: "contains", Args: []Operand{path, legacyValue(args[0])}}},
		}
	case legacyBeginsWith:
		return Func{Name: "begins_with", Args: []Operand{path, legacyValue(args[0])}}
	case legacyIn:
		list := make([]Operand, len(args))
		for i, a := range args {
			list[i] = legacyValue(a)
		}
		return In{Operand: path, List: list}
	case legacyBetween:
		return Between{Operand: path, Low: legacyValue(args[0]), High: legacyValue(args[1])}
	}
	return nil
}

// legacyJoin joins conds with AND or OR into a balanced tree (depth
// ceil(log2(len(conds))), so the recursion is bounded by 64 levels). conds
// must not be empty.
func legacyJoin(conds []Cond, or bool) Cond {
	if len(conds) == 1 {
		return conds[0]
	}
	mid := len(conds) / 2
	left, right := legacyJoin(conds[:mid], or), legacyJoin(conds[mid:], or)
	if or {
		return Or{Left: left, Right: right}
	}
	return And{Left: left, Right: right}
}

// ExpectedToCond translates the legacy Expected map and ConditionalOperator
// of PutItem, UpdateItem and DeleteItem into a condition. It returns a nil
// Cond and no error when expected is empty and conditionalOperator is not
// set.
//
// An element with a ComparisonOperator is a legacy Condition (Value, when
// given, is its single argument). Otherwise Exists decides: absent or true
// requires Value and means "attribute equals Value"; false forbids Value and
// means "attribute does not exist".
func ExpectedToCond(expected map[string]ExpectedAttribute, conditionalOperator string) (Cond, error) {
	var verrs legacyViolations
	verrs.checkConditionalOperator(conditionalOperator)
	names := legacySortedKeys(expected)
	for _, name := range slices.Backward(names) {
		verrs.checkComparisonOperator(ParamExpected, name, expected[name].ComparisonOperator, false)
	}
	if err := verrs.err(); err != nil {
		return nil, err
	}
	if err := legacyCheckCondOpUse(conditionalOperator, len(expected)); err != nil {
		return nil, err
	}
	if len(expected) == 0 {
		return nil, nil
	}
	conds := make([]Cond, 0, len(names))
	for _, name := range names {
		c, err := legacyExpectedCond(name, expected[name])
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return legacyJoin(conds, conditionalOperator == "OR"), nil
}

// legacyExpectedCond validates one Expected element and builds its condition.
func legacyExpectedCond(name string, e ExpectedAttribute) (Cond, error) {
	switch {
	case e.Exists != nil && e.ComparisonOperator != "":
		return nil, value.Validationf(legacyInvalidParam+"Exists and ComparisonOperator cannot be used together for Attribute: %s", name)
	case e.Value != nil && e.AttributeValueList != nil:
		return nil, value.Validationf(legacyInvalidParam+"Value and AttributeValueList cannot be used together for Attribute: %s", name)
	case e.ComparisonOperator == "" && e.AttributeValueList != nil:
		return nil, value.Validationf(legacyInvalidParam+"AttributeValueList can only be used with a ComparisonOperator for Attribute: %s", name)
	case e.Exists != nil && !*e.Exists && e.Value != nil:
		return nil, value.Validationf(legacyInvalidParam+"Value cannot be used when Exists is false for Attribute: %s", name)
	case e.Value == nil && e.AttributeValueList == nil:
		switch {
		case e.ComparisonOperator != "":
			if e.ComparisonOperator != "NULL" && e.ComparisonOperator != "NOT_NULL" {
				return nil, value.Validationf(legacyInvalidParam+"Value or AttributeValueList must be used with ComparisonOperator: %s for Attribute: %s", e.ComparisonOperator, name)
			}
		case e.Exists == nil:
			return nil, value.Validationf(legacyInvalidParam+"Value must be provided when Exists is null for Attribute: %s", name)
		case *e.Exists:
			return nil, value.Validationf(legacyInvalidParam+"Value must be provided when Exists is true for Attribute: %s", name)
		}
	}

	if e.ComparisonOperator == "" {
		if e.Exists != nil && !*e.Exists {
			return Func{Name: "attribute_not_exists", Args: []Operand{PathOperand{Path: legacyPath(name)}}}, nil
		}
		if err := legacyCheckValue(*e.Value); err != nil {
			return nil, err
		}
		return legacyCond(legacyEQ, name, []value.Value{*e.Value}), nil
	}
	args := e.AttributeValueList
	if e.Value != nil {
		args = []value.Value{*e.Value}
	}
	op := legacyOps[e.ComparisonOperator]
	if err := legacyCheckArgs(op, e.ComparisonOperator, args); err != nil {
		return nil, err
	}
	return legacyCond(op, name, args), nil
}

// FilterToCond translates a legacy QueryFilter or ScanFilter map and the
// request's ConditionalOperator into a filter condition. param names the
// parameter ("QueryFilter" or "ScanFilter") for DynamoDB's messages. It
// returns a nil Cond and no error when conds is empty and
// conditionalOperator is not set.
func FilterToCond(param string, conds map[string]Condition, conditionalOperator string) (Cond, error) {
	var verrs legacyViolations
	names := legacySortedKeys(conds)
	for _, name := range slices.Backward(names) {
		verrs.checkComparisonOperator(param, name, conds[name].ComparisonOperator, true)
	}
	verrs.checkConditionalOperator(conditionalOperator)
	if err := verrs.err(); err != nil {
		return nil, err
	}
	if err := legacyCheckCondOpUse(conditionalOperator, len(conds)); err != nil {
		return nil, err
	}
	if len(conds) == 0 {
		return nil, nil
	}
	out := make([]Cond, 0, len(names))
	for _, name := range names {
		c := conds[name]
		op := legacyOps[c.ComparisonOperator]
		if err := legacyCheckArgs(op, c.ComparisonOperator, c.AttributeValueList); err != nil {
			return nil, err
		}
		out = append(out, legacyCond(op, name, c.AttributeValueList))
	}
	return legacyJoin(out, conditionalOperator == "OR"), nil
}

// CheckQueryFilterKeys returns DynamoDB's error when a QueryFilter names a
// key attribute of the table or index being queried (keys lists them).
func CheckQueryFilterKeys(conds map[string]Condition, keys ...string) error {
	for _, k := range keys {
		if _, ok := conds[k]; ok && k != "" {
			return value.Validationf("QueryFilter can only contain non-primary key attributes: Primary key attribute: %s", k)
		}
	}
	return nil
}

// legacyKeyOps maps the legacy operators allowed on a sort key to KeyOps.
var legacyKeyOps = map[legacyOp]KeyOp{
	legacyEQ: KeyEQ, legacyLT: KeyLT, legacyLE: KeyLE, legacyGT: KeyGT,
	legacyGE: KeyGE, legacyBetween: KeyBetween, legacyBeginsWith: KeyBeginsWith,
}

// KeyConditionsToKeyCondition translates Query's legacy KeyConditions against
// the key schema of the table or index queried: partitionKey is its
// partition key attribute name and sortKey its sort key name ("" when it has
// none). Checking the argument types against the schema's attribute types
// ("Condition parameter type does not match schema type") is left to the
// caller, which knows them.
func KeyConditionsToKeyCondition(conds map[string]Condition, partitionKey, sortKey string) (*KeyCondition, error) {
	var verrs legacyViolations
	names := legacySortedKeys(conds)
	for _, name := range slices.Backward(names) {
		verrs.checkComparisonOperator(ParamKeyConditions, name, conds[name].ComparisonOperator, true)
	}
	if err := verrs.err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		c := conds[name]
		if err := legacyCheckArgs(legacyOps[c.ComparisonOperator], c.ComparisonOperator, c.AttributeValueList); err != nil {
			return nil, err
		}
	}
	if len(conds) != 1 && len(conds) != 2 {
		return nil, value.Validationf("Conditions can be of length 1 or 2 only")
	}

	kc := &KeyCondition{PartitionKey: partitionKey}
	schema := []string{partitionKey}
	if sortKey != "" {
		schema = append(schema, sortKey)
	}
	for _, attr := range schema {
		isHash := attr == partitionKey
		if isHash && sortKey == "" && len(conds) > 1 {
			return nil, value.Validationf("Query key condition not supported")
		}
		c, ok := conds[attr]
		if !ok {
			if isHash || len(conds) > 1 {
				return nil, value.Validationf("Query condition missed key schema element: %s", attr)
			}
			continue
		}
		op := legacyOps[c.ComparisonOperator]
		keyOp, indexable := legacyKeyOps[op]
		if !indexable {
			return nil, value.Validationf("Attempted conditional constraint is not an indexable operation")
		}
		if isHash {
			if keyOp != KeyEQ {
				return nil, value.Validationf("Query key condition not supported")
			}
			kc.PartitionValue = c.AttributeValueList[0]
			continue
		}
		kc.SortKey = attr
		kc.SortOp = keyOp
		kc.SortValues = append([]value.Value(nil), c.AttributeValueList...)
	}
	return kc, nil
}

// AttributeUpdatesToUpdate translates UpdateItem's legacy AttributeUpdates
// into an update. It returns nil and no error when updates is empty.
//
//	PUT (default)      SET a = v
//	DELETE, no Value   REMOVE a
//	DELETE, set Value  DELETE a v
//	ADD, N or set      ADD a v
//	ADD, L             SET a = list_append(if_not_exists(a, []), v)
//
// Legacy ADD of a list appends to the existing list (or creates it), which an
// UpdateExpression's ADD cannot express; the SET form above does. If the
// existing attribute is not a list, the evaluator reports list_append's
// operand-type error.
func AttributeUpdatesToUpdate(updates map[string]AttributeUpdate) (*Update, error) {
	var verrs legacyViolations
	names := legacySortedKeys(updates)
	for _, name := range slices.Backward(names) {
		switch a := updates[name].Action; a {
		case "", "PUT", "ADD", "DELETE":
		default:
			verrs.add("Value '%s' at 'attributeUpdates.%s.member.action' failed to satisfy constraint: Member must satisfy enum value set: %s", a, name, legacyActionEnum)
		}
	}
	if err := verrs.err(); err != nil {
		return nil, err
	}
	if len(updates) == 0 {
		return nil, nil
	}
	u := &Update{}
	for _, name := range names {
		upd := updates[name]
		if upd.Value != nil {
			if err := legacyCheckValue(*upd.Value); err != nil {
				return nil, err
			}
		}
		action := upd.Action
		if action == "" {
			action = "PUT"
		}
		if upd.Value == nil && action != "DELETE" {
			return nil, value.Validationf(legacyInvalidParam + "Only DELETE action is allowed when no attribute value is specified")
		}
		path := legacyPath(name)
		switch action {
		case "PUT":
			u.Set = append(u.Set, SetAction{Path: path, Value: legacyValue(*upd.Value)})
		case "DELETE":
			if upd.Value == nil {
				u.Remove = append(u.Remove, path)
				continue
			}
			if !upd.Value.Type.IsSet() {
				return nil, value.Validationf(legacyInvalidParam+"DELETE action with value is not supported for the type %s", upd.Value.Type)
			}
			u.Delete = append(u.Delete, DeleteAction{Path: path, Value: legacyValue(*upd.Value)})
		case "ADD":
			switch t := upd.Value.Type; {
			case t == value.TypeN || t.IsSet():
				u.Add = append(u.Add, AddAction{Path: path, Value: legacyValue(*upd.Value)})
			case t == value.TypeL:
				empty := value.Value{Type: value.TypeL, L: []value.Value{}}
				u.Set = append(u.Set, SetAction{Path: path, Value: FuncOperand{
					Name: "list_append",
					Args: []Operand{
						FuncOperand{Name: "if_not_exists", Args: []Operand{PathOperand{Path: path}, legacyValue(empty)}},
						legacyValue(*upd.Value),
					},
				}})
			default:
				return nil, value.Validationf(legacyInvalidParam+"ADD action is not supported for the type %s", t)
			}
		}
	}
	return u, nil
}

// AttributesToGetToProjection translates the legacy AttributesToGet list of
// GetItem, BatchGetItem, Query and Scan into a projection, one single-element
// path per name, in the order given. It returns nil and no error when names
// is nil (the parameter is absent).
func AttributesToGetToProjection(names []string) (Projection, error) {
	if names == nil {
		return nil, nil
	}
	if len(names) == 0 {
		return nil, value.Validationf("1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	seen := make(map[string]struct{}, len(names))
	p := make(Projection, 0, len(names))
	for _, n := range names {
		if _, dup := seen[n]; dup {
			return nil, value.Validationf(legacyInvalidParam+"Duplicate value in attribute name: %s", n)
		}
		seen[n] = struct{}{}
		p = append(p, legacyPath(n))
	}
	return p, nil
}

// legacyParamOrder and legacyExprParamOrder are the orders in which DynamoDB lists parameters in its
// mixed-parameter message; any request holds a subset of each list.
var (
	legacyParamOrder = []string{
		ParamAttributesToGet, ParamAttributeUpdates, ParamExpected,
		ParamScanFilter, ParamQueryFilter, ParamConditionalOperator, ParamKeyConditions,
	}
	legacyExprParamOrder = []string{
		ParamProjectionExpression, ParamFilterExpression, ParamKeyConditionExpression,
		ParamUpdateExpression, ParamConditionExpression,
	}
)

// CheckMixed returns DynamoDB's error when a request uses both legacy and
// expression parameters. legacy and expressions name the parameters present
// in the request (see the Param constants), in any order. As in DynamoDB,
// KeyConditions counts as a legacy parameter only when KeyConditionExpression
// is also present: a Query may combine KeyConditions with a FilterExpression
// or ProjectionExpression.
func CheckMixed(legacy, expressions []string) error {
	exprs := legacyInOrder(expressions, legacyExprParamOrder)
	if len(exprs) == 0 {
		return nil
	}
	hasKeyCondExpr := false
	for _, e := range exprs {
		hasKeyCondExpr = hasKeyCondExpr || e == ParamKeyConditionExpression
	}
	var olds []string
	for _, l := range legacyInOrder(legacy, legacyParamOrder) {
		if l != ParamKeyConditions || hasKeyCondExpr {
			olds = append(olds, l)
		}
	}
	if len(olds) == 0 {
		return nil
	}
	return value.Validationf("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}",
		strings.Join(olds, ", "), strings.Join(exprs, ", "))
}

// legacyInOrder returns the distinct names of given, ordered as in order; names not
// in order follow in sorted order.
func legacyInOrder(given, order []string) []string {
	present := make(map[string]bool, len(given))
	for _, g := range given {
		present[g] = true
	}
	out := make([]string, 0, len(present))
	for _, o := range order {
		if present[o] {
			out = append(out, o)
			delete(present, o)
		}
	}
	return append(out, legacySortedKeys(present)...)
}
