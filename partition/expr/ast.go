package expr

import "github.com/atolldb/atoll/partition/value"

// This file holds the expression syntax tree shared by the parsers, the
// binder, the legacy-parameter translator and the evaluator.
//
// The parser produces an unbound tree: path elements and values may be
// placeholders ("#name", ":value"). Bind resolves a tree against a request's
// ExpressionAttributeNames and ExpressionAttributeValues and returns a new,
// bound tree, in which every PathElem.Name is the real attribute name and every
// ValueOperand.Value is set. Only bound trees are evaluated. Parsed trees are
// cached and shared between goroutines: they are never modified after parsing.

// PathElem is one step of a document path: a map key (or the top-level
// attribute name) or a list index.
type PathElem struct {
	// Name is the attribute or map key name. In an unbound tree it may be a
	// placeholder such as "#n" (Placeholder is then true).
	Name string
	// Placeholder is true when Name came from an ExpressionAttributeNames
	// placeholder. It stays set after binding (for error messages).
	Placeholder bool
	// Index is the list index when IsIndex is true.
	Index int
	// IsIndex is true for a list index step ("[3]").
	IsIndex bool
}

// Path is a document path: a top-level attribute name followed by map keys
// and list indexes, such as a.b[2].c. A path has at least one element and its
// first element is never an index.
type Path []PathElem

// Operand is a value-producing term: PathOperand, ValueOperand, FuncOperand or
// ArithOperand.
type Operand interface{ isOperand() }

// PathOperand reads the value at a document path of the item.
type PathOperand struct{ Path Path }

// ValueOperand is an expression attribute value (":v") or, in trees built from
// legacy parameters, a literal value.
type ValueOperand struct {
	// Placeholder is the ":name" this operand came from; empty for legacy literals.
	Placeholder string
	// Value is set in bound trees.
	Value value.Value
}

// FuncOperand is a function producing a value: size(path) in conditions;
// if_not_exists(path, operand) and list_append(operand, operand) in SET.
type FuncOperand struct {
	Name string // "size", "if_not_exists" or "list_append"
	Args []Operand
}

// ArithOperand is "Left + Right" or "Left - Right" in a SET action.
type ArithOperand struct {
	Op          byte // '+' or '-'
	Left, Right Operand
}

func (PathOperand) isOperand()  {}
func (ValueOperand) isOperand() {}
func (FuncOperand) isOperand()  {}
func (ArithOperand) isOperand() {}

// Cond is a boolean condition: Compare, Between, In, And, Or, Not or Func.
type Cond interface{ isCond() }

// CompareOp is a comparator.
type CompareOp uint8

// The comparators of DynamoDB's condition syntax.
const (
	OpEQ CompareOp = iota + 1 // =
	OpNE                      // <>
	OpLT                      // <
	OpLE                      // <=
	OpGT                      // >
	OpGE                      // >=
)

// String returns the operator's token.
func (op CompareOp) String() string {
	switch op {
	case OpEQ:
		return "="
	case OpNE:
		return "<>"
	case OpLT:
		return "<"
	case OpLE:
		return "<="
	case OpGT:
		return ">"
	case OpGE:
		return ">="
	}
	return "?"
}

// Compare is "Left Op Right".
type Compare struct {
	Op          CompareOp
	Left, Right Operand
}

// Between is "Operand BETWEEN Low AND High".
type Between struct {
	Operand, Low, High Operand
}

// In is "Operand IN (List...)".
type In struct {
	Operand Operand
	List    []Operand
}

// And is "Left AND Right".
type And struct{ Left, Right Cond }

// Or is "Left OR Right".
type Or struct{ Left, Right Cond }

// Not is "NOT Cond".
type Not struct{ Cond Cond }

// Func is a boolean function: attribute_exists(path), attribute_not_exists(path),
// attribute_type(path, :type), begins_with(path, operand), contains(path, operand).
type Func struct {
	Name string // lower-case function name as written
	Args []Operand
}

func (Compare) isCond() {}
func (Between) isCond() {}
func (In) isCond()      {}
func (And) isCond()     {}
func (Or) isCond()      {}
func (Not) isCond()     {}
func (Func) isCond()    {}

// Update is a parsed UpdateExpression: its four clauses, each action in the
// order written.
type Update struct {
	Set    []SetAction
	Remove []Path
	Add    []AddAction
	Delete []DeleteAction
}

// SetAction is "Path = Value" in a SET clause.
type SetAction struct {
	Path  Path
	Value Operand
}

// AddAction is "Path Value" in an ADD clause; Value is a ValueOperand.
type AddAction struct {
	Path  Path
	Value Operand
}

// DeleteAction is "Path Value" in a DELETE clause; Value is a ValueOperand.
type DeleteAction struct {
	Path  Path
	Value Operand
}

// Projection is a parsed ProjectionExpression: the paths to return.
type Projection []Path

// KeyOp is the operator applied to the sort key in a key condition.
type KeyOp uint8

// Sort key operators allowed in a KeyConditionExpression.
const (
	KeyEQ KeyOp = iota + 1
	KeyLT
	KeyLE
	KeyGT
	KeyGE
	KeyBetween
	KeyBeginsWith
)

// KeyCondition is a validated, bound KeyConditionExpression (or legacy
// KeyConditions): equality on the partition key and an optional condition on
// the sort key.
type KeyCondition struct {
	PartitionKey   string      // partition key attribute name
	PartitionValue value.Value // the value it must equal
	// SortKey is the sort key attribute name; empty when the condition does
	// not constrain the sort key.
	SortKey string
	SortOp  KeyOp
	// SortValues holds one value, or two for KeyBetween (low, high).
	SortValues []value.Value
}
