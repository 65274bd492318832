package expr

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/atolldb/atoll/partition/value"
)

// This file holds the checks DynamoDB runs on a syntactically valid, bound
// expression: operand counts, operand types that are known before reading
// the item (those of expression attribute values and of size()), distinct
// operands, BETWEEN bounds, and overlapping document paths. Type errors that
// depend on the item are the evaluator's.

// String renders p as DynamoDB does in its messages: "[a, b, [2]]".
func (p Path) String() string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			sb.WriteString(", ")
		}
		if e.IsIndex {
			sb.WriteByte('[')
			sb.WriteString(strconv.Itoa(e.Index))
			sb.WriteByte(']')
		} else {
			sb.WriteString(e.Name)
		}
	}
	sb.WriteByte(']')
	return sb.String()
}

func pathsEqual(a, b Path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].IsIndex != b[i].IsIndex || a[i].Name != b[i].Name || a[i].Index != b[i].Index {
			return false
		}
	}
	return true
}

// staticType returns the type an operand is known to have before reading
// the item ("" when it depends on the item): a value's type, or N for size().
func staticType(o Operand) string {
	switch o := o.(type) {
	case ValueOperand:
		if o.Value.Type != 0 {
			return o.Value.Type.String()
		}
	case FuncOperand:
		if o.Name == "size" {
			return "N"
		}
	}
	return ""
}

// renderValue renders a scalar as DynamoDB's messages quote it:
// "N:10", "S:abc".
func renderValue(v value.Value) string {
	switch v.Type {
	case value.TypeS:
		return "S:" + v.S
	case value.TypeN:
		return "N:" + v.N.String()
	case value.TypeB:
		return "B:" + base64.StdEncoding.EncodeToString(v.B)
	case value.TypeBOOL:
		return "BOOL:" + strconv.FormatBool(v.BOOL)
	case value.TypeNULL:
		return "NULL:true"
	}
	return v.Type.String() + ":"
}

// condChecker collects the first problem of each class, reported in
// DynamoDB's priority order: operand counts, distinct operands, then
// operand types.
type condChecker struct {
	count, distinct, types string
	tooDeep                bool
}

func checkCondition(kind Kind, c Cond) error {
	var k condChecker
	k.cond(c, 0)
	if k.tooDeep {
		return invalidf(kind, msgTooDeep, maxDepth)
	}
	for _, msg := range []string{k.count, k.distinct, k.types} {
		if msg != "" {
			return invalidf(kind, "%s", msg)
		}
	}
	return nil
}

func (k *condChecker) cond(c Cond, depth int) {
	if depth > maxDepth {
		k.tooDeep = true
		return
	}
	switch c := c.(type) {
	case Compare:
		k.operand(c.Left, depth+1)
		k.operand(c.Right, depth+1)
		k.checkDistinct(c.Op.String(), c.Left, c.Right)
	case Between:
		k.operand(c.Operand, depth+1)
		k.operand(c.Low, depth+1)
		k.operand(c.High, depth+1)
		k.checkBetween(c.Low, c.High)
	case In:
		k.operand(c.Operand, depth+1)
		for _, o := range c.List {
			k.operand(o, depth+1)
		}
		if len(c.List) > MaxInOperands {
			note(&k.count, msgInTooMany, len(c.List))
		}
	case And:
		k.cond(c.Left, depth+1)
		k.cond(c.Right, depth+1)
	case Or:
		k.cond(c.Left, depth+1)
		k.cond(c.Right, depth+1)
	case Not:
		k.cond(c.Cond, depth+1)
	case Func:
		k.function(c.Name, c.Args, depth+1)
	}
}

func (k *condChecker) operand(o Operand, depth int) {
	if f, ok := o.(FuncOperand); ok {
		k.function(f.Name, f.Args, depth+1)
	}
}

// function checks a condition function's arguments (after its nested
// functions, as DynamoDB does).
func (k *condChecker) function(name string, args []Operand, depth int) {
	if depth > maxDepth {
		k.tooDeep = true
		return
	}
	for _, a := range args {
		k.operand(a, depth+1)
	}
	want, ok := conditionFuncArity[name]
	if !ok {
		return // reported by the parser
	}
	if len(args) != want {
		note(&k.count, msgOperandCount, name, len(args))
		return
	}
	if want == 2 {
		k.checkDistinct(name, args[0], args[1])
	}
	switch name {
	case "attribute_exists", "attribute_not_exists":
		if _, ok := args[0].(PathOperand); !ok {
			note(&k.types, msgNeedsPath, name)
		}
	case "begins_with":
		for _, a := range args {
			if t := staticType(a); t != "" && t != "S" && t != "B" {
				note(&k.types, msgOperandType, name, t)
				return
			}
		}
	case "attribute_type":
		t := staticType(args[1])
		switch {
		case t == "":
			note(&k.types, msgOperandType, name, attributeTypeAnyArg)
		case t != "S":
			note(&k.types, msgOperandType, name, t)
		default:
			if v, ok := args[1].(ValueOperand); ok {
				if _, valid := value.ParseType(v.Value.S); !valid {
					note(&k.types, msgBadTypeName, v.Value.S)
				}
			}
		}
	case "size":
		if t := staticType(args[0]); t == "N" || t == "BOOL" || t == "NULL" {
			note(&k.types, msgOperandType, name, t)
		}
	}
}

// checkDistinct reports a comparison or function whose two operands are the
// same document path.
func (k *condChecker) checkDistinct(op string, a, b Operand) {
	pa, ok1 := a.(PathOperand)
	pb, ok2 := b.(PathOperand)
	if ok1 && ok2 && pathsEqual(pa.Path, pb.Path) {
		note(&k.distinct, msgNotDistinct, op, pa.Path.String())
	}
}

// checkBetween checks BETWEEN bounds that are both values: same type, and
// low <= high for the ordered types.
func (k *condChecker) checkBetween(low, high Operand) {
	lv, ok1 := low.(ValueOperand)
	hv, ok2 := high.(ValueOperand)
	if !ok1 || !ok2 || lv.Value.Type == 0 || hv.Value.Type == 0 {
		return
	}
	if lv.Value.Type != hv.Value.Type {
		note(&k.types, msgBetweenTypes, renderValue(lv.Value), renderValue(hv.Value))
		return
	}
	if !lv.Value.Type.IsScalarKey() {
		return
	}
	if c, ok := value.Compare(lv.Value, hv.Value); ok && c > 0 {
		note(&k.types, msgBetweenOrder, renderValue(lv.Value), renderValue(hv.Value))
	}
}

// checkUpdate runs the post-binding checks of an update expression in
// DynamoDB's order: overlapping paths, ADD and DELETE operand types, then
// function and arithmetic operands.
func checkUpdate(u *Update, order []updateClause) error {
	var paths []Path
	for _, clause := range order {
		switch clause {
		case clauseSet:
			for _, a := range u.Set {
				paths = append(paths, a.Path)
			}
		case clauseRemove:
			paths = append(paths, u.Remove...)
		case clauseAdd:
			for _, a := range u.Add {
				paths = append(paths, a.Path)
			}
		case clauseDelete:
			for _, a := range u.Delete {
				paths = append(paths, a.Path)
			}
		}
	}
	if err := checkOverlaps(KindUpdate, paths); err != nil {
		return err
	}
	for _, clause := range order {
		switch clause {
		case clauseAdd:
			for _, a := range u.Add {
				if err := checkActionValue("ADD", a.Value); err != nil {
					return err
				}
			}
		case clauseDelete:
			for _, a := range u.Delete {
				if err := checkActionValue("DELETE", a.Value); err != nil {
					return err
				}
			}
		}
	}
	var k updChecker
	for _, a := range u.Set {
		k.operand(a.Value, 0)
	}
	if k.tooDeep {
		return invalidf(KindUpdate, msgTooDeep, maxDepth)
	}
	if k.msg != "" {
		return invalidf(KindUpdate, "%s", k.msg)
	}
	return nil
}

// actionTypeNames are the type names DynamoDB uses for ADD and DELETE
// operands of the wrong type.
var actionTypeNames = map[value.Type]string{
	value.TypeS: "STRING", value.TypeN: "NUMBER", value.TypeB: "BINARY", value.TypeNULL: "NULL",
	value.TypeBOOL: "BOOLEAN", value.TypeL: "LIST", value.TypeM: "MAP",
}

// checkActionValue checks the value of an ADD (number or set) or DELETE
// (set) action.
func checkActionValue(op string, o Operand) error {
	v, ok := o.(ValueOperand)
	if !ok {
		return nil
	}
	_, bad := actionTypeNames[v.Value.Type]
	if bad && !(op == "ADD" && v.Value.Type == value.TypeN) {
		return actionTypeError(op, v.Value.Type)
	}
	return nil
}

type updChecker struct {
	msg     string
	tooDeep bool
}

// operand checks SET operands, nested functions first.
func (k *updChecker) operand(o Operand, depth int) {
	if depth > maxDepth {
		k.tooDeep = true
		return
	}
	switch o := o.(type) {
	case FuncOperand:
		for _, a := range o.Args {
			k.operand(a, depth+1)
		}
		want, ok := updateFuncArity[o.Name]
		if !ok {
			return
		}
		if len(o.Args) != want {
			note(&k.msg, msgOperandCount, o.Name, len(o.Args))
			return
		}
		switch o.Name {
		case "if_not_exists":
			if _, ok := o.Args[0].(PathOperand); !ok {
				note(&k.msg, msgNeedsPath, o.Name)
			}
		case "list_append":
			for _, a := range o.Args {
				if v, ok := a.(ValueOperand); ok && v.Value.Type != 0 && v.Value.Type != value.TypeL {
					note(&k.msg, msgOperandType, o.Name, v.Value.Type.String())
					return
				}
			}
		}
	case ArithOperand:
		k.operand(o.Left, depth+1)
		k.operand(o.Right, depth+1)
		for _, a := range []Operand{o.Left, o.Right} {
			if v, ok := a.(ValueOperand); ok && v.Value.Type != 0 && v.Value.Type != value.TypeN {
				note(&k.msg, msgOperandType, string(o.Op), v.Value.Type.String())
				return
			}
		}
	}
}

// checkOverlaps reports two paths of one expression where one is a prefix
// of the other (overlap) or where one continues with a map key and the other
// with a list index at the same position (conflict). Paths are compared in
// the order written; the first overlap wins over any conflict. Only paths
// with the same top-level attribute can clash, so paths are grouped by it
// first.
func checkOverlaps(kind Kind, paths []Path) error {
	var conflict error
	byHead := make(map[string][]int, len(paths))
	for j, pj := range paths {
		head := pj[0].Name
		for _, i := range byHead[head] {
			overlap, clash := relatePaths(paths[i], pj)
			if overlap {
				return invalidf(kind, msgPathsOverlap, paths[i], pj)
			}
			if clash && conflict == nil {
				conflict = invalidf(kind, msgPathsConflict, paths[i], pj)
			}
		}
		byHead[head] = append(byHead[head], j)
	}
	return conflict
}

// relatePaths reports whether a and b overlap (one is a prefix of the
// other) or conflict (name versus index at the first differing position).
func relatePaths(a, b Path) (overlap, conflict bool) {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].IsIndex != b[i].IsIndex {
			return false, true
		}
		if a[i].Name != b[i].Name || a[i].Index != b[i].Index {
			return false, false
		}
	}
	return true, false
}
