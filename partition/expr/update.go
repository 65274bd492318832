package expr

import (
	"bytes"
	"maps"
	"slices"

	"github.com/atolldb/atoll/partition/value"
)

// This file applies bound update trees (UpdateExpression) to items.
//
// DynamoDB computes every operand of an update against the item as it was
// before the update, then applies the actions; document paths of one update
// never overlap (the parser rejects that), so the order of the actions only
// matters for list indexes. Every list index names a position in the
// original list: SET and ADD on a[i] replace that element, or append at the
// end of the list when i is past the end (several appends go in index
// order); REMOVE of list elements then removes the original positions, from
// the highest down. ApplyUpdate does exactly that: all writes, in ascending
// path order, then all removals, in descending path order.

// DynamoDB's messages for updates that cannot be applied to the item.
const (
	msgUpdateMissingAttr = "The provided expression refers to an attribute that does not exist in the item"
	msgUpdateBadOperand  = "An operand in the update expression has an incorrect data type"
	msgUpdateBadPath     = "The document path provided in the update expression is invalid for update"
	msgUpdateItemSize    = "Item size to update has exceeded the maximum allowed size"
	msgUpdateKeyAttr     = "One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key"
)

// updateWrite is one value to store at a path.
type updateWrite struct {
	path  Path
	val   value.Value
	order int // position in the changed-paths result
}

// updateRemoval is one path to remove.
type updateRemoval struct {
	path  Path
	order int
}

// ApplyUpdate applies u to a copy of item (nil or empty for an item that does
// not exist yet) and returns the new item and the paths the update changed:
// the SET paths, the REMOVE paths that existed, the ADD paths and the DELETE
// paths that existed, in that order and each clause in action order. A SET or
// ADD past the end of a list is reported at the index it landed on. item is
// never modified; the new item shares unchanged values with it.
//
// Errors are *value.ValidationError values with DynamoDB's text: operand type
// errors found from the expression alone come first, then errors that depend
// on the item, then the nesting and 400 KB item size limits of the result.
func ApplyUpdate(u *Update, item value.Item) (value.Item, []Path, error) {
	if u == nil {
		u = &Update{}
	}
	if err := checkUpdateOperands(u); err != nil {
		return nil, nil, err
	}
	exists := len(item) > 0
	n := len(u.Set) + len(u.Remove) + len(u.Add) + len(u.Delete)
	writes := make([]updateWrite, 0, len(u.Set)+len(u.Add)+len(u.Delete))
	var removals []updateRemoval
	changed := make([]Path, n)
	done := make([]bool, n)
	order := 0

	for _, a := range u.Set {
		v, err := evalUpdateOperand(a.Value, item, 0)
		if err != nil {
			return nil, nil, err
		}
		writes = append(writes, updateWrite{path: a.Path, val: v, order: order})
		order++
	}
	for _, p := range u.Remove {
		// List indexes name positions in the original list: an index past
		// its end removes nothing, even if a SET of this update appends
		// an element that lands there.
		if !pastOriginalList(item, p) {
			removals = append(removals, updateRemoval{path: p, order: order})
		}
		order++
	}
	for _, a := range u.Add {
		v, err := evalAdd(a, item)
		if err != nil {
			return nil, nil, err
		}
		writes = append(writes, updateWrite{path: a.Path, val: v, order: order})
		order++
	}
	for _, a := range u.Delete {
		v, keep, present, err := evalDelete(a, item, exists)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case !present:
		case keep:
			writes = append(writes, updateWrite{path: a.Path, val: v, order: order})
		default:
			removals = append(removals, updateRemoval{path: a.Path, order: order})
		}
		order++
	}

	w := updateWriter{item: make(value.Item, len(item)+len(writes))}
	for k, v := range item {
		w.item[k] = v
	}
	slices.SortStableFunc(writes, func(a, b updateWrite) int { return compareDocPaths(a.path, b.path) })
	for _, wr := range writes {
		eff, err := w.set(wr.path, wr.val)
		if err != nil {
			return nil, nil, err
		}
		changed[wr.order], done[wr.order] = eff, true
	}
	if exists {
		slices.SortStableFunc(removals, func(a, b updateRemoval) int { return compareDocPaths(b.path, a.path) })
		for _, r := range removals {
			removed, err := w.remove(r.path)
			if err != nil {
				return nil, nil, err
			}
			if removed {
				changed[r.order], done[r.order] = r.path, true
			}
		}
	}

	// Sorted, so that the error reported is the same on every replica.
	for _, name := range slices.Sorted(maps.Keys(w.touched)) {
		if v, ok := w.item[name]; ok {
			if err := v.Validate(); err != nil {
				return nil, nil, err
			}
		}
	}
	if w.item.Size() > value.MaxItemSize {
		return nil, nil, value.Validationf(msgUpdateItemSize)
	}
	paths := make([]Path, 0, n)
	for i, p := range changed {
		if done[i] {
			paths = append(paths, p)
		}
	}
	return w.item, paths, nil
}

// pastOriginalList reports whether p ends with a list index beyond the end of
// that list in item.
func pastOriginalList(item value.Item, p Path) bool {
	if len(p) < 2 || !p[len(p)-1].IsIndex {
		return false
	}
	parent, ok := resolveDocPath(item, p[:len(p)-1])
	return ok && parent.Type == value.TypeL && p[len(p)-1].Index >= len(parent.L)
}

// CheckKeyUpdate returns DynamoDB's error when u sets, removes, adds to or
// deletes from one of the key attributes keyAttrs (or a path inside one).
func CheckKeyUpdate(u *Update, keyAttrs ...string) error {
	if u == nil {
		return nil
	}
	check := func(p Path) error {
		if len(p) > 0 && !p[0].IsIndex && slices.Contains(keyAttrs, p[0].Name) {
			return value.Validationf(msgUpdateKeyAttr, p[0].Name)
		}
		return nil
	}
	for _, a := range u.Set {
		if err := check(a.Path); err != nil {
			return err
		}
	}
	for _, p := range u.Remove {
		if err := check(p); err != nil {
			return err
		}
	}
	for _, a := range u.Add {
		if err := check(a.Path); err != nil {
			return err
		}
	}
	for _, a := range u.Delete {
		if err := check(a.Path); err != nil {
			return err
		}
	}
	return nil
}

// checkUpdateOperands returns the errors DynamoDB finds in an update from the
// expression alone, before looking at the item: expression attribute values
// of the wrong type for +, -, list_append, ADD and DELETE, and values that
// were never bound.
func checkUpdateOperands(u *Update) error {
	for _, a := range u.Set {
		if err := checkUpdateOperand(a.Value, 0); err != nil {
			return err
		}
	}
	for _, a := range u.Add {
		if err := checkActionOperand("ADD", a.Value); err != nil {
			return err
		}
	}
	for _, a := range u.Delete {
		if err := checkActionOperand("DELETE", a.Value); err != nil {
			return err
		}
	}
	return nil
}

func checkUpdateOperand(o Operand, depth int) error {
	if depth > maxDepth {
		return evalErrTooDeep(KindUpdate)
	}
	switch o := o.(type) {
	case ValueOperand:
		_, _, err := evalBoundValue(KindUpdate, o)
		return err
	case *ValueOperand:
		if o != nil {
			return checkUpdateOperand(*o, depth)
		}
	case FuncOperand:
		return checkUpdateFunc(o, depth)
	case *FuncOperand:
		if o != nil {
			return checkUpdateFunc(*o, depth)
		}
	case ArithOperand:
		return checkUpdateArith(o, depth)
	case *ArithOperand:
		if o != nil {
			return checkUpdateArith(*o, depth)
		}
	}
	return nil
}

func checkUpdateFunc(f FuncOperand, depth int) error {
	for _, a := range f.Args {
		if err := checkUpdateOperand(a, depth+1); err != nil {
			return err
		}
	}
	if f.Name != "list_append" {
		return nil
	}
	for _, a := range f.Args {
		if v, ok := operandConstant(a); ok && v.Type != value.TypeL {
			return invalidf(KindUpdate, msgOperandType, f.Name, v.Type)
		}
	}
	return nil
}

func checkUpdateArith(a ArithOperand, depth int) error {
	for _, o := range []Operand{a.Left, a.Right} {
		if err := checkUpdateOperand(o, depth+1); err != nil {
			return err
		}
	}
	for _, o := range []Operand{a.Left, a.Right} {
		if v, ok := operandConstant(o); ok && v.Type != value.TypeN {
			return invalidf(KindUpdate, msgOperandType, string(a.Op), v.Type)
		}
	}
	return nil
}

// checkActionOperand checks the value of an ADD or DELETE action: ADD takes
// a number or a set, DELETE a set.
func checkActionOperand(action string, o Operand) error {
	if err := checkUpdateOperand(o, 0); err != nil {
		return err
	}
	v, ok := operandConstant(o)
	if !ok {
		return nil
	}
	if v.Type.IsSet() || (action == "ADD" && v.Type == value.TypeN) {
		return nil
	}
	return actionTypeError(action, v.Type)
}

// operandConstant returns the value of an expression attribute value
// operand.
func operandConstant(o Operand) (value.Value, bool) {
	switch o := o.(type) {
	case ValueOperand:
		return o.Value, o.Value.Type != 0
	case *ValueOperand:
		if o != nil {
			return o.Value, o.Value.Type != 0
		}
	}
	return value.Value{}, false
}

// actionTypeError is DynamoDB's error for an ADD or DELETE value of type t,
// which the action does not take. Its type names are the long ones
// (STRING, MAP, ...).
func actionTypeError(action string, t value.Type) error {
	name, ok := actionTypeNames[t]
	if !ok {
		name = t.String()
	}
	return invalidf(KindUpdate, msgActionType, action, name, action)
}

// evalUpdateOperand computes the value of a SET operand against the
// original item.
func evalUpdateOperand(o Operand, item value.Item, depth int) (value.Value, error) {
	if depth > maxDepth {
		return value.Value{}, evalErrTooDeep(KindUpdate)
	}
	switch o := o.(type) {
	case PathOperand:
		return updatePathValue(o.Path, item)
	case *PathOperand:
		if o != nil {
			return updatePathValue(o.Path, item)
		}
	case ValueOperand:
		v, _, err := evalBoundValue(KindUpdate, o)
		return v, err
	case *ValueOperand:
		if o != nil {
			v, _, err := evalBoundValue(KindUpdate, *o)
			return v, err
		}
	case FuncOperand:
		return evalUpdateFunc(o, item, depth)
	case *FuncOperand:
		if o != nil {
			return evalUpdateFunc(*o, item, depth)
		}
	case ArithOperand:
		return evalUpdateArith(o, item, depth)
	case *ArithOperand:
		if o != nil {
			return evalUpdateArith(*o, item, depth)
		}
	}
	return value.Value{}, invalidf(KindUpdate, evalMsgMalformed)
}

func updatePathValue(p Path, item value.Item) (value.Value, error) {
	v, ok := resolveDocPath(item, p)
	if !ok {
		return value.Value{}, value.Validationf(msgUpdateMissingAttr)
	}
	return v, nil
}

func evalUpdateFunc(f FuncOperand, item value.Item, depth int) (value.Value, error) {
	switch f.Name {
	case "if_not_exists", "list_append":
	case "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size":
		return value.Value{}, invalidf(KindUpdate, msgNotInUpdate, f.Name)
	default:
		return value.Value{}, invalidf(KindUpdate, msgUnknownFunction, f.Name)
	}
	if len(f.Args) != 2 {
		return value.Value{}, invalidf(KindUpdate, msgOperandCount, f.Name, len(f.Args))
	}
	if f.Name == "if_not_exists" {
		var p Path
		switch a := f.Args[0].(type) {
		case PathOperand:
			p = a.Path
		case *PathOperand:
			if a != nil {
				p = a.Path
			}
		}
		if p == nil {
			return value.Value{}, invalidf(KindUpdate, msgNeedsPath, f.Name)
		}
		if v, ok := resolveDocPath(item, p); ok {
			return v, nil
		}
		return evalUpdateOperand(f.Args[1], item, depth+1)
	}
	a, err := evalUpdateOperand(f.Args[0], item, depth+1)
	if err != nil {
		return value.Value{}, err
	}
	b, err := evalUpdateOperand(f.Args[1], item, depth+1)
	if err != nil {
		return value.Value{}, err
	}
	if a.Type != value.TypeL || b.Type != value.TypeL {
		return value.Value{}, value.Validationf(msgUpdateBadOperand)
	}
	l := make([]value.Value, 0, len(a.L)+len(b.L))
	l = append(append(l, a.L...), b.L...)
	return value.L(l...), nil
}

func evalUpdateArith(a ArithOperand, item value.Item, depth int) (value.Value, error) {
	l, err := evalUpdateOperand(a.Left, item, depth+1)
	if err != nil {
		return value.Value{}, err
	}
	r, err := evalUpdateOperand(a.Right, item, depth+1)
	if err != nil {
		return value.Value{}, err
	}
	if l.Type != value.TypeN || r.Type != value.TypeN {
		return value.Value{}, value.Validationf(msgUpdateBadOperand)
	}
	var n value.Number
	switch a.Op {
	case '+':
		n, err = l.N.Add(r.N)
	case '-':
		n, err = l.N.Sub(r.N)
	default:
		return value.Value{}, invalidf(KindUpdate, msgSyntax, string(a.Op), "")
	}
	if err != nil {
		return value.Value{}, err
	}
	return value.N(n), nil
}

// evalAdd computes the value an ADD action stores: the sum of two numbers
// (a missing attribute counting as 0) or the union of two sets of the same
// type.
func evalAdd(a AddAction, item value.Item) (value.Value, error) {
	x, err := evalUpdateOperand(a.Value, item, 0)
	if err != nil {
		return value.Value{}, err
	}
	if x.Type != value.TypeN && !x.Type.IsSet() {
		return value.Value{}, actionTypeError("ADD", x.Type)
	}
	cur, ok := resolveDocPath(item, a.Path)
	if !ok {
		if x.Type == value.TypeN {
			return x, nil
		}
		return setUnion(value.Value{Type: x.Type}, x), nil
	}
	if cur.Type != x.Type {
		return value.Value{}, value.Validationf(msgUpdateBadOperand)
	}
	if x.Type == value.TypeN {
		n, err := cur.N.Add(x.N)
		if err != nil {
			return value.Value{}, err
		}
		return value.N(n), nil
	}
	return setUnion(cur, x), nil
}

// evalDelete computes the effect of a DELETE action: present is false when
// the attribute does not exist (nothing to do); otherwise keep reports
// whether the difference v is non-empty (else the attribute is removed).
func evalDelete(a DeleteAction, item value.Item, exists bool) (v value.Value, keep, present bool, err error) {
	x, err := evalUpdateOperand(a.Value, item, 0)
	if err != nil {
		return value.Value{}, false, false, err
	}
	if !x.Type.IsSet() {
		return value.Value{}, false, false, actionTypeError("DELETE", x.Type)
	}
	cur, ok := resolveDocPath(item, a.Path)
	if !ok {
		if exists && !parentHolds(item, a.Path) {
			return value.Value{}, false, false, value.Validationf(msgUpdateBadPath)
		}
		return value.Value{}, false, false, nil
	}
	if cur.Type != x.Type {
		return value.Value{}, false, false, value.Validationf(msgUpdateBadOperand)
	}
	d := setDifference(cur, x)
	return d, setLen(d) > 0, true, nil
}

func setLen(v value.Value) int {
	switch v.Type {
	case value.TypeSS:
		return len(v.SS)
	case value.TypeNS:
		return len(v.NS)
	case value.TypeBS:
		return len(v.BS)
	}
	return 0
}

// setUnion returns the members of a followed by the members of b not in a;
// a and b are sets of the same type. The result shares no slice with them.
func setUnion(a, b value.Value) value.Value {
	switch a.Type {
	case value.TypeSS:
		return value.SS(unionBy(a.SS, b.SS, func(s string) string { return s })...)
	case value.TypeNS:
		return value.NS(unionBy(a.NS, b.NS, func(n value.Number) value.Number { return n })...)
	case value.TypeBS:
		u := unionBy(a.BS, b.BS, func(b []byte) string { return string(b) })
		for i := range u {
			u[i] = bytes.Clone(u[i])
		}
		return value.BS(u...)
	}
	return a
}

// setDifference returns the members of a that are not in b.
func setDifference(a, b value.Value) value.Value {
	switch a.Type {
	case value.TypeSS:
		return value.SS(differenceBy(a.SS, b.SS, func(s string) string { return s })...)
	case value.TypeNS:
		return value.NS(differenceBy(a.NS, b.NS, func(n value.Number) value.Number { return n })...)
	case value.TypeBS:
		d := differenceBy(a.BS, b.BS, func(b []byte) string { return string(b) })
		for i := range d {
			d[i] = bytes.Clone(d[i])
		}
		return value.BS(d...)
	}
	return a
}

func unionBy[T any, K comparable](a, b []T, key func(T) K) []T {
	seen := make(map[K]struct{}, len(a)+len(b))
	out := make([]T, 0, len(a)+len(b))
	for _, s := range [2][]T{a, b} {
		for _, m := range s {
			k := key(m)
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
			out = append(out, m)
		}
	}
	return out
}

func differenceBy[T any, K comparable](a, b []T, key func(T) K) []T {
	drop := make(map[K]struct{}, len(b))
	for _, m := range b {
		drop[key(m)] = struct{}{}
	}
	out := make([]T, 0, len(a))
	for _, m := range a {
		if _, gone := drop[key(m)]; !gone {
			out = append(out, m)
		}
	}
	return out
}

// updateWriter changes a shallow copy of an item in place. A top-level
// attribute is deep-copied the first time a nested path is written or
// removed under it (it is then owned), so the input item is never changed.
type updateWriter struct {
	item    value.Item
	owned   map[string]bool // top-level attributes deep-copied by this writer
	touched map[string]bool // top-level attributes written or removed under
}

// own makes the top-level attribute name safe to change in place.
func (w *updateWriter) own(name string) value.Value {
	v := w.item[name]
	if !w.owned[name] {
		v = v.Clone()
		w.item[name] = v
		if w.owned == nil {
			w.owned = make(map[string]bool)
		}
		w.owned[name] = true
	}
	return v
}

func (w *updateWriter) touch(name string) {
	if w.touched == nil {
		w.touched = make(map[string]bool)
	}
	w.touched[name] = true
}

// set stores v at p and returns the path where it landed (p, or p with its
// last index changed when the value was appended to a list).
func (w *updateWriter) set(p Path, v value.Value) (Path, error) {
	if len(p) == 0 || p[0].IsIndex {
		return nil, value.Validationf(msgUpdateBadPath)
	}
	name := p[0].Name
	w.touch(name)
	if len(p) == 1 {
		// A top-level value is stored as it is, shared with the operand; a
		// later nested write under it (never in a parsed update) copies it
		// first.
		w.item[name] = v
		delete(w.owned, name)
		return p, nil
	}
	if _, ok := w.item[name]; !ok {
		return nil, value.Validationf(msgUpdateBadPath)
	}
	top, idx, err := setIn(w.own(name), p[1:], v.Clone())
	if err != nil {
		return nil, err
	}
	w.item[name] = top
	last := p[len(p)-1]
	if last.IsIndex && idx != last.Index {
		eff := slices.Clone(p)
		eff[len(eff)-1].Index = idx
		return eff, nil
	}
	return p, nil
}

// setIn stores v at rest below cur, which the writer owns, and returns the
// new cur and, when the last step is a list index, the index used. The
// recursion is bounded by the length of rest.
func setIn(cur value.Value, rest Path, v value.Value) (value.Value, int, error) {
	e := rest[0]
	if e.IsIndex {
		if cur.Type != value.TypeL || e.Index < 0 {
			return cur, 0, value.Validationf(msgUpdateBadPath)
		}
		if len(rest) == 1 {
			if e.Index < len(cur.L) {
				cur.L[e.Index] = v
				return cur, e.Index, nil
			}
			cur.L = append(cur.L, v)
			return cur, len(cur.L) - 1, nil
		}
		if e.Index >= len(cur.L) {
			return cur, 0, value.Validationf(msgUpdateBadPath)
		}
		child, idx, err := setIn(cur.L[e.Index], rest[1:], v)
		if err != nil {
			return cur, 0, err
		}
		cur.L[e.Index] = child
		return cur, idx, nil
	}
	if cur.Type != value.TypeM {
		return cur, 0, value.Validationf(msgUpdateBadPath)
	}
	if len(rest) == 1 {
		if cur.M == nil {
			cur.M = make(map[string]value.Value, 1)
		}
		cur.M[e.Name] = v
		return cur, 0, nil
	}
	child, ok := cur.M[e.Name]
	if !ok {
		return cur, 0, value.Validationf(msgUpdateBadPath)
	}
	child, idx, err := setIn(child, rest[1:], v)
	if err != nil {
		return cur, 0, err
	}
	cur.M[e.Name] = child
	return cur, idx, nil
}

// remove deletes the value at p and reports whether there was one. A
// missing last step is not an error; a missing or mistyped parent is.
func (w *updateWriter) remove(p Path) (bool, error) {
	if len(p) == 0 || p[0].IsIndex {
		return false, value.Validationf(msgUpdateBadPath)
	}
	name := p[0].Name
	if _, ok := w.item[name]; !ok {
		if len(p) == 1 {
			return false, nil
		}
		return false, value.Validationf(msgUpdateBadPath)
	}
	if len(p) == 1 {
		delete(w.item, name)
		delete(w.owned, name)
		return true, nil
	}
	// Check before copying, so that a no-op removal copies nothing.
	if _, ok := resolveDocPath(w.item, p); !ok {
		if !parentHolds(w.item, p) {
			return false, value.Validationf(msgUpdateBadPath)
		}
		return false, nil
	}
	w.touch(name)
	top, err := removeIn(w.own(name), p[1:])
	if err != nil {
		return false, err
	}
	w.item[name] = top
	return true, nil
}

// removeIn removes the existing value at rest below cur, which the writer
// owns. The recursion is bounded by the length of rest.
func removeIn(cur value.Value, rest Path) (value.Value, error) {
	e := rest[0]
	if e.IsIndex {
		if cur.Type != value.TypeL || e.Index < 0 || e.Index >= len(cur.L) {
			return cur, value.Validationf(msgUpdateBadPath)
		}
		if len(rest) == 1 {
			cur.L = slices.Delete(cur.L, e.Index, e.Index+1)
			return cur, nil
		}
		child, err := removeIn(cur.L[e.Index], rest[1:])
		if err != nil {
			return cur, err
		}
		cur.L[e.Index] = child
		return cur, nil
	}
	if cur.Type != value.TypeM {
		return cur, value.Validationf(msgUpdateBadPath)
	}
	child, ok := cur.M[e.Name]
	if !ok {
		return cur, value.Validationf(msgUpdateBadPath)
	}
	if len(rest) == 1 {
		delete(cur.M, e.Name)
		return cur, nil
	}
	child, err := removeIn(child, rest[1:])
	if err != nil {
		return cur, err
	}
	cur.M[e.Name] = child
	return cur, nil
}

// parentHolds reports whether the parent of path p exists in item and is the
// kind of container p's last step needs (a map for a key, a list for an
// index), so that the last step may be missing without the path being
// invalid. A top-level path always qualifies.
func parentHolds(item value.Item, p Path) bool {
	if len(p) <= 1 {
		return true
	}
	parent, ok := resolveDocPath(item, p[:len(p)-1])
	if !ok {
		return false
	}
	if p[len(p)-1].IsIndex {
		return parent.Type == value.TypeL
	}
	return parent.Type == value.TypeM
}
