package expr

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/atolldb/atoll/partition/value"
)

// This file evaluates bound condition trees (ConditionExpression,
// FilterExpression) against an item, and key conditions against a sort key.
//
// Semantics, as DynamoDB defines them:
//   - An operand whose path does not resolve has no value. "=" and every
//     ordering comparison, BETWEEN, IN and the functions (other than
//     attribute_not_exists) are false when an operand has no value; "<>" is
//     true.
//   - Values of different types are never equal; ordering comparisons,
//     BETWEEN and begins_with apply only to two values of the same type among
//     S, N and B (strings compare by UTF-8 bytes, binaries by unsigned bytes,
//     numbers numerically) and are false otherwise.
//   - size(path) is the length of a string in UTF-16 code units, of a binary
//     in bytes, and the number of elements of a set, list or map; it has no
//     value for other types.
//
// Both sides of AND and OR are always evaluated, so the errors a condition
// returns depend only on the condition, never on the item.

// EvalCondition reports whether item satisfies c with DynamoDB's semantics.
// item may be nil or empty for an item that does not exist. Errors are
// *value.ValidationError values with DynamoDB's text for a ConditionExpression.
func EvalCondition(c Cond, item value.Item) (bool, error) {
	return evalCond(KindCondition, c, item, 0)
}

// EvalFilter is EvalCondition for a FilterExpression: the same semantics,
// with error messages naming FilterExpression.
func EvalFilter(c Cond, item value.Item) (bool, error) {
	return evalCond(KindFilter, c, item, 0)
}

// evalMsgMalformed follows "Invalid <Kind>: " for a tree no parser builds
// (a nil condition or operand, an unknown operator).
const evalMsgMalformed = "The expression is incomplete"

// evalErrTooDeep is the error for a tree nested deeper than maxDepth.
func evalErrTooDeep(kind Kind) error { return invalidf(kind, msgTooDeep, maxDepth) }

func evalCond(kind Kind, c Cond, item value.Item, depth int) (bool, error) {
	if depth > maxDepth {
		return false, evalErrTooDeep(kind)
	}
	switch c := c.(type) {
	case And:
		l, err := evalCond(kind, c.Left, item, depth+1)
		if err != nil {
			return false, err
		}
		r, err := evalCond(kind, c.Right, item, depth+1)
		if err != nil {
			return false, err
		}
		return l && r, nil
	case *And:
		if c == nil {
			break
		}
		return evalCond(kind, *c, item, depth)
	case Or:
		l, err := evalCond(kind, c.Left, item, depth+1)
		if err != nil {
			return false, err
		}
		r, err := evalCond(kind, c.Right, item, depth+1)
		if err != nil {
			return false, err
		}
		return l || r, nil
	case *Or:
		if c == nil {
			break
		}
		return evalCond(kind, *c, item, depth)
	case Not:
		b, err := evalCond(kind, c.Cond, item, depth+1)
		if err != nil {
			return false, err
		}
		return !b, nil
	case *Not:
		if c == nil {
			break
		}
		return evalCond(kind, *c, item, depth)
	case Compare:
		return evalCompare(kind, c, item, depth)
	case *Compare:
		if c == nil {
			break
		}
		return evalCompare(kind, *c, item, depth)
	case Between:
		return evalBetween(kind, c, item, depth)
	case *Between:
		if c == nil {
			break
		}
		return evalBetween(kind, *c, item, depth)
	case In:
		return evalIn(kind, c, item, depth)
	case *In:
		if c == nil {
			break
		}
		return evalIn(kind, *c, item, depth)
	case Func:
		return evalFunc(kind, c, item, depth)
	case *Func:
		if c == nil {
			break
		}
		return evalFunc(kind, *c, item, depth)
	}
	return false, invalidf(kind, evalMsgMalformed)
}

func evalCompare(kind Kind, c Compare, item value.Item, depth int) (bool, error) {
	l, lok, err := evalOperand(kind, c.Left, item, depth+1)
	if err != nil {
		return false, err
	}
	r, rok, err := evalOperand(kind, c.Right, item, depth+1)
	if err != nil {
		return false, err
	}
	switch c.Op {
	case OpEQ:
		return lok && rok && value.Equal(l, r), nil
	case OpNE:
		return !(lok && rok && value.Equal(l, r)), nil
	case OpLT, OpLE, OpGT, OpGE:
		if !lok || !rok {
			return false, nil
		}
		cmp, ok := value.Compare(l, r)
		if !ok {
			return false, nil
		}
		switch c.Op {
		case OpLT:
			return cmp < 0, nil
		case OpLE:
			return cmp <= 0, nil
		case OpGT:
			return cmp > 0, nil
		default:
			return cmp >= 0, nil
		}
	}
	return false, invalidf(kind, "Invalid comparison operator; operator: %s", c.Op)
}

func evalBetween(kind Kind, c Between, item value.Item, depth int) (bool, error) {
	v, vok, err := evalOperand(kind, c.Operand, item, depth+1)
	if err != nil {
		return false, err
	}
	lo, lok, err := evalOperand(kind, c.Low, item, depth+1)
	if err != nil {
		return false, err
	}
	hi, hok, err := evalOperand(kind, c.High, item, depth+1)
	if err != nil {
		return false, err
	}
	if !vok || !lok || !hok {
		return false, nil
	}
	cl, ok := value.Compare(v, lo)
	if !ok || cl < 0 {
		return false, nil
	}
	ch, ok := value.Compare(v, hi)
	return ok && ch <= 0, nil
}

func evalIn(kind Kind, c In, item value.Item, depth int) (bool, error) {
	v, vok, err := evalOperand(kind, c.Operand, item, depth+1)
	if err != nil {
		return false, err
	}
	found := false
	for _, o := range c.List {
		w, wok, err := evalOperand(kind, o, item, depth+1)
		if err != nil {
			return false, err
		}
		if vok && wok && !found && value.Equal(v, w) {
			found = true
		}
	}
	return found, nil
}

func evalFunc(kind Kind, f Func, item value.Item, depth int) (bool, error) {
	want := 0
	switch f.Name {
	case "attribute_exists", "attribute_not_exists":
		want = 1
	case "attribute_type", "begins_with", "contains":
		want = 2
	case "size":
		return false, invalidf(kind, msgMisusedFunction, f.Name)
	case "if_not_exists", "list_append":
		return false, invalidf(kind, msgNotInCondition, f.Name)
	default:
		return false, invalidf(kind, msgUnknownFunction, f.Name)
	}
	if len(f.Args) != want {
		return false, invalidf(kind, msgOperandCount, f.Name, len(f.Args))
	}
	args := make([]value.Value, 0, 2)
	var oks [2]bool
	for i, a := range f.Args {
		v, ok, err := evalOperand(kind, a, item, depth+1)
		if err != nil {
			return false, err
		}
		args = append(args, v)
		oks[i] = ok
	}
	switch f.Name {
	case "attribute_exists":
		if !evalIsPath(f.Args[0]) {
			return false, invalidf(kind, msgNeedsPath, f.Name)
		}
		return oks[0], nil
	case "attribute_not_exists":
		if !evalIsPath(f.Args[0]) {
			return false, invalidf(kind, msgNeedsPath, f.Name)
		}
		return !oks[0], nil
	case "attribute_type":
		// The type must be an expression attribute value holding a type
		// name, whatever the item.
		if t, ok := evalStaticType(f.Args[1]); t != "S" {
			if !ok {
				t = attributeTypeAnyArg
			}
			return false, invalidf(kind, msgOperandType, f.Name, t)
		}
		want, ok := value.ParseType(args[1].S)
		if !ok {
			return false, invalidf(kind, msgBadTypeName, args[1].S)
		}
		return oks[0] && args[0].Type == want, nil
	case "begins_with":
		for _, a := range f.Args {
			if t, ok := evalStaticType(a); ok && t != "S" && t != "B" {
				return false, invalidf(kind, msgOperandType, f.Name, t)
			}
		}
		if !oks[0] || !oks[1] {
			return false, nil
		}
		return evalBeginsWith(args[0], args[1]), nil
	default: // contains
		if !oks[0] || !oks[1] {
			return false, nil
		}
		return evalContains(args[0], args[1]), nil
	}
}

// evalStaticType returns the type of an operand known from the expression
// alone: that of an expression attribute value, N for size(). ok is false
// for document paths, whose type depends on the item.
func evalStaticType(o Operand) (t string, ok bool) {
	switch o := o.(type) {
	case ValueOperand:
		return o.Value.Type.String(), true
	case *ValueOperand:
		if o != nil {
			return o.Value.Type.String(), true
		}
	case FuncOperand:
		if o.Name == "size" {
			return value.TypeN.String(), true
		}
	case *FuncOperand:
		if o != nil && o.Name == "size" {
			return value.TypeN.String(), true
		}
	}
	return "", false
}

func evalIsPath(o Operand) bool {
	switch o := o.(type) {
	case PathOperand:
		return true
	case *PathOperand:
		return o != nil
	}
	return false
}

func evalIsValue(o Operand) bool {
	switch o := o.(type) {
	case ValueOperand:
		return true
	case *ValueOperand:
		return o != nil
	}
	return false
}

// evalOperand computes a condition operand: its value and whether it has one.
func evalOperand(kind Kind, o Operand, item value.Item, depth int) (value.Value, bool, error) {
	if depth > maxDepth {
		return value.Value{}, false, evalErrTooDeep(kind)
	}
	switch o := o.(type) {
	case PathOperand:
		v, ok := resolveDocPath(item, o.Path)
		return v, ok, nil
	case *PathOperand:
		if o == nil {
			break
		}
		v, ok := resolveDocPath(item, o.Path)
		return v, ok, nil
	case ValueOperand:
		return evalBoundValue(kind, o)
	case *ValueOperand:
		if o == nil {
			break
		}
		return evalBoundValue(kind, *o)
	case FuncOperand:
		return evalSizeOperand(kind, o, item, depth)
	case *FuncOperand:
		if o == nil {
			break
		}
		return evalSizeOperand(kind, *o, item, depth)
	case ArithOperand, *ArithOperand:
		return value.Value{}, false, invalidf(kind, msgSyntax, string(evalArithOp(o)), "")
	}
	return value.Value{}, false, invalidf(kind, evalMsgMalformed)
}

// evalBoundValue returns a ValueOperand's value, or DynamoDB's error for a
// placeholder that was never bound.
func evalBoundValue(kind Kind, o ValueOperand) (value.Value, bool, error) {
	if o.Value.Type == 0 {
		return value.Value{}, false, invalidf(kind, msgValueUndefined, o.Placeholder)
	}
	return o.Value, true, nil
}

// evalSizeOperand computes size(operand), the one function usable as a condition
// operand.
func evalSizeOperand(kind Kind, f FuncOperand, item value.Item, depth int) (value.Value, bool, error) {
	switch f.Name {
	case "size":
	case "if_not_exists", "list_append":
		return value.Value{}, false, invalidf(kind, msgNotInCondition, f.Name)
	case "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains":
		return value.Value{}, false, invalidf(kind, msgMisusedFunction, f.Name)
	default:
		return value.Value{}, false, invalidf(kind, msgUnknownFunction, f.Name)
	}
	if len(f.Args) != 1 {
		return value.Value{}, false, invalidf(kind, msgOperandCount, f.Name, len(f.Args))
	}
	v, ok, err := evalOperand(kind, f.Args[0], item, depth+1)
	if err != nil || !ok {
		return value.Value{}, false, err
	}
	n, ok := evalSizeOf(v)
	if !ok {
		if evalIsValue(f.Args[0]) {
			return value.Value{}, false, invalidf(kind, msgOperandType, f.Name, v.Type)
		}
		return value.Value{}, false, nil
	}
	return value.N(value.NumberFromInt(int64(n))), true, nil
}

// evalSizeOf is DynamoDB's size(): the length of a string in UTF-16 code units,
// of a binary in bytes, the number of elements of a set, list or map. Other
// types have no size.
func evalSizeOf(v value.Value) (int, bool) {
	switch v.Type {
	case value.TypeS:
		return evalUTF16Len(v.S), true
	case value.TypeB:
		return len(v.B), true
	case value.TypeSS:
		return len(v.SS), true
	case value.TypeNS:
		return len(v.NS), true
	case value.TypeBS:
		return len(v.BS), true
	case value.TypeL:
		return len(v.L), true
	case value.TypeM:
		return len(v.M), true
	}
	return 0, false
}

// evalUTF16Len returns the length of s in UTF-16 code units, which is what
// DynamoDB's size() counts for strings.
func evalUTF16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		if r >= 0x10000 && r <= utf8.MaxRune {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// evalBeginsWith reports whether v begins with prefix; both must be strings or
// both binaries.
func evalBeginsWith(v, prefix value.Value) bool {
	switch {
	case v.Type == value.TypeS && prefix.Type == value.TypeS:
		return strings.HasPrefix(v.S, prefix.S)
	case v.Type == value.TypeB && prefix.Type == value.TypeB:
		return bytes.HasPrefix(v.B, prefix.B)
	}
	return false
}

// evalContains is DynamoDB's contains(): a substring of a string, a subsequence
// of a binary, a member of a set of the operand's type, or an element of a
// list equal to the operand.
func evalContains(v, x value.Value) bool {
	switch v.Type {
	case value.TypeS:
		return x.Type == value.TypeS && strings.Contains(v.S, x.S)
	case value.TypeB:
		return x.Type == value.TypeB && bytes.Contains(v.B, x.B)
	case value.TypeSS:
		if x.Type != value.TypeS {
			return false
		}
		for _, s := range v.SS {
			if s == x.S {
				return true
			}
		}
	case value.TypeNS:
		if x.Type != value.TypeN {
			return false
		}
		for _, n := range v.NS {
			if n.Cmp(x.N) == 0 {
				return true
			}
		}
	case value.TypeBS:
		if x.Type != value.TypeB {
			return false
		}
		for _, b := range v.BS {
			if bytes.Equal(b, x.B) {
				return true
			}
		}
	case value.TypeL:
		for _, e := range v.L {
			if value.Equal(e, x) {
				return true
			}
		}
	}
	return false
}

// MatchSort reports whether a sort key value satisfies the key condition's
// sort key part; it is true when the condition does not constrain the sort
// key. Values of a different type never match.
func (k *KeyCondition) MatchSort(v value.Value) bool {
	if k == nil || k.SortKey == "" || k.SortOp == 0 {
		return true
	}
	if len(k.SortValues) == 0 {
		return false
	}
	first := k.SortValues[0]
	if k.SortOp == KeyBeginsWith {
		return evalBeginsWith(v, first)
	}
	c, ok := value.Compare(v, first)
	if !ok {
		return false
	}
	switch k.SortOp {
	case KeyEQ:
		return c == 0
	case KeyLT:
		return c < 0
	case KeyLE:
		return c <= 0
	case KeyGT:
		return c > 0
	case KeyGE:
		return c >= 0
	case KeyBetween:
		if c < 0 || len(k.SortValues) < 2 {
			return false
		}
		h, ok := value.Compare(v, k.SortValues[1])
		return ok && h <= 0
	}
	return false
}

// evalArithOp returns the operator byte of an arithmetic operand, for error
// messages.
func evalArithOp(o Operand) byte {
	switch o := o.(type) {
	case ArithOperand:
		return o.Op
	case *ArithOperand:
		if o != nil {
			return o.Op
		}
	}
	return '+'
}
