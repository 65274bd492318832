package expr

import (
	"slices"

	"github.com/atolldb/atoll/partition/value"
)

// Binding turns an unbound tree (shared, cached, never modified) into a new
// bound tree for one request: every placeholder path element gets its
// attribute name from ExpressionAttributeNames and every ValueOperand its
// value from ExpressionAttributeValues. The binder also records which
// placeholders were used, across all expressions of the request, for the
// "unused" checks.

type binder struct {
	kind   Kind
	names  map[string]string
	values map[string]value.Value
	// usedNames and usedValues collect the placeholders any expression of
	// the request referenced.
	usedNames, usedValues map[string]struct{}

	// Per expression: the first undefined name and value placeholder, and
	// which came first.
	missingName, missingValue string
	nameFirst                 bool
	tooDeep                   bool
}

func newBinder(names map[string]string, values map[string]value.Value) *binder {
	b := &binder{names: names, values: values}
	if len(names) > 0 {
		b.usedNames = make(map[string]struct{}, len(names))
	}
	if len(values) > 0 {
		b.usedValues = make(map[string]struct{}, len(values))
	}
	return b
}

// reset prepares the binder for the next expression.
func (b *binder) reset(kind Kind) {
	b.kind = kind
	b.missingName, b.missingValue, b.nameFirst, b.tooDeep = "", "", false, false
}

// err returns the binding error of the expression just bound, if any. In
// condition expressions DynamoDB reports the first undefined placeholder of
// either sort; in update expressions undefined names before values.
func (b *binder) err(g grammar) error {
	switch {
	case b.tooDeep:
		return invalidf(b.kind, msgTooDeep, maxDepth)
	case b.missingName != "" && (b.nameFirst || g != grammarCondition || b.missingValue == ""):
		return invalidf(b.kind, msgNameUndefined, b.missingName)
	case b.missingValue != "":
		return invalidf(b.kind, msgValueUndefined, b.missingValue)
	}
	return nil
}

func (b *binder) unusedNames() []string {
	var out []string
	for k := range b.names {
		if _, ok := b.usedNames[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (b *binder) unusedValues() []string {
	var out []string
	for k := range b.values {
		if _, ok := b.usedValues[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (b *binder) path(p Path) Path {
	out := make(Path, len(p))
	copy(out, p)
	for i, e := range out {
		if !e.Placeholder {
			continue
		}
		name, ok := b.names[e.Name]
		if !ok {
			if b.missingName == "" {
				b.missingName = e.Name
				b.nameFirst = b.missingValue == ""
			}
			continue
		}
		b.usedNames[e.Name] = struct{}{}
		out[i].Name = name
	}
	return out
}

func (b *binder) operand(o Operand, depth int) Operand {
	if depth > maxDepth {
		b.tooDeep = true
		return o
	}
	switch o := o.(type) {
	case PathOperand:
		return PathOperand{Path: b.path(o.Path)}
	case ValueOperand:
		if o.Placeholder == "" {
			return o // a literal from a legacy parameter
		}
		v, ok := b.values[o.Placeholder]
		if !ok {
			if b.missingValue == "" {
				b.missingValue = o.Placeholder
			}
			return o
		}
		b.usedValues[o.Placeholder] = struct{}{}
		return ValueOperand{Placeholder: o.Placeholder, Value: v}
	case FuncOperand:
		return FuncOperand{Name: o.Name, Args: b.operands(o.Args, depth+1)}
	case ArithOperand:
		return ArithOperand{Op: o.Op, Left: b.operand(o.Left, depth+1), Right: b.operand(o.Right, depth+1)}
	}
	return o
}

func (b *binder) operands(ops []Operand, depth int) []Operand {
	out := make([]Operand, len(ops))
	for i, o := range ops {
		out[i] = b.operand(o, depth)
	}
	return out
}

func (b *binder) cond(c Cond, depth int) Cond {
	if depth > maxDepth {
		b.tooDeep = true
		return c
	}
	switch c := c.(type) {
	case Compare:
		return Compare{Op: c.Op, Left: b.operand(c.Left, depth+1), Right: b.operand(c.Right, depth+1)}
	case Between:
		return Between{
			Operand: b.operand(c.Operand, depth+1),
			Low:     b.operand(c.Low, depth+1),
			High:    b.operand(c.High, depth+1),
		}
	case In:
		return In{Operand: b.operand(c.Operand, depth+1), List: b.operands(c.List, depth+1)}
	case And:
		return And{Left: b.cond(c.Left, depth+1), Right: b.cond(c.Right, depth+1)}
	case Or:
		return Or{Left: b.cond(c.Left, depth+1), Right: b.cond(c.Right, depth+1)}
	case Not:
		return Not{Cond: b.cond(c.Cond, depth+1)}
	case Func:
		return Func{Name: c.Name, Args: b.operands(c.Args, depth+1)}
	}
	return c
}

// update binds u. Its actions are visited clause by clause in the order the
// clauses were written, so the first undefined placeholder is the first in
// the text.
func (b *binder) update(u *Update, order []updateClause) *Update {
	out := &Update{}
	for _, clause := range order {
		switch clause {
		case clauseSet:
			out.Set = make([]SetAction, len(u.Set))
			for i, a := range u.Set {
				out.Set[i] = SetAction{Path: b.path(a.Path), Value: b.operand(a.Value, 1)}
			}
		case clauseRemove:
			out.Remove = make([]Path, len(u.Remove))
			for i, p := range u.Remove {
				out.Remove[i] = b.path(p)
			}
		case clauseAdd:
			out.Add = make([]AddAction, len(u.Add))
			for i, a := range u.Add {
				out.Add[i] = AddAction{Path: b.path(a.Path), Value: b.operand(a.Value, 1)}
			}
		case clauseDelete:
			out.Delete = make([]DeleteAction, len(u.Delete))
			for i, a := range u.Delete {
				out.Delete[i] = DeleteAction{Path: b.path(a.Path), Value: b.operand(a.Value, 1)}
			}
		}
	}
	return out
}

func (b *binder) projection(p Projection) Projection {
	out := make(Projection, len(p))
	for i, path := range p {
		out[i] = b.path(path)
	}
	return out
}

// compileCondition binds and checks a parsed condition.
func compileCondition(b *binder, p *parsed) (Cond, error) {
	b.reset(b.kind)
	c := b.cond(p.cond, 0)
	if err := b.err(grammarCondition); err != nil {
		return nil, err
	}
	if err := checkCondition(b.kind, c); err != nil {
		return nil, err
	}
	return c, nil
}

// compileUpdate binds and checks a parsed update expression.
func compileUpdate(b *binder, p *parsed) (*Update, error) {
	b.reset(KindUpdate)
	u := b.update(p.update, p.clauses)
	if err := b.err(grammarUpdate); err != nil {
		return nil, err
	}
	if err := checkUpdate(u, p.clauses); err != nil {
		return nil, err
	}
	return u, nil
}

// compileProjection binds and checks a parsed projection expression.
func compileProjection(b *binder, p *parsed) (Projection, error) {
	b.reset(KindProjection)
	proj := b.projection(p.projection)
	if err := b.err(grammarProjection); err != nil {
		return nil, err
	}
	if err := checkOverlaps(KindProjection, proj); err != nil {
		return nil, err
	}
	return proj, nil
}
