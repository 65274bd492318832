package expr

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/atolldb/atoll/partition/value"
)

// The binary encoding of bound trees. Replicated commands carry conditions
// and updates in this form, so every replica evaluates exactly the tree the
// leader built, whatever parser version it runs. The format is stable:
// tags never change meaning.
//
//	Cond:     tag byte (0 nil, 1 Compare, 2 Between, 3 In, 4 And, 5 Or, 6 Not, 7 Func), then
//	          Compare: op byte, operand, operand; Between: 3 operands;
//	          In: operand, uvarint n, n operands; And/Or: cond, cond; Not: cond;
//	          Func: name, uvarint n, n operands
//	Operand:  tag byte (1 path, 2 value, 3 function, 4 arithmetic), then
//	          path; placeholder string, value (value.AppendValue);
//	          name, uvarint n, n operands; op byte, operand, operand
//	Path:     uvarint n, n × (flags byte: 1 index, 2 placeholder; then uvarint index or name)
//	Update:   for SET, REMOVE, ADD, DELETE in turn: uvarint n, n actions
//	          (SET/ADD/DELETE: path, operand; REMOVE: path)
//	strings:  uvarint length, bytes

// ErrCorruptTree is returned by the decoders when the input is not a valid
// tree encoding.
var ErrCorruptTree = errors.New("expr: corrupt tree encoding")

// maxTreeDepth bounds decoder recursion. Expressions are at most 4 KB long,
// so no real tree comes near it.
const maxTreeDepth = 2048

const (
	tagNil byte = iota
	tagCompare
	tagBetween
	tagIn
	tagAnd
	tagOr
	tagNot
	tagFunc
)

const (
	tagPathOperand byte = iota + 1
	tagValueOperand
	tagFuncOperand
	tagArithOperand
)

// AppendCond appends the encoding of c (which may be nil) to dst.
func AppendCond(dst []byte, c Cond) []byte {
	switch c := c.(type) {
	case nil:
		return append(dst, tagNil)
	case Compare:
		dst = append(dst, tagCompare, byte(c.Op))
		dst = appendOperand(dst, c.Left)
		return appendOperand(dst, c.Right)
	case Between:
		dst = append(dst, tagBetween)
		dst = appendOperand(dst, c.Operand)
		dst = appendOperand(dst, c.Low)
		return appendOperand(dst, c.High)
	case In:
		dst = append(dst, tagIn)
		dst = appendOperand(dst, c.Operand)
		return appendOperands(dst, c.List)
	case And:
		dst = append(dst, tagAnd)
		dst = AppendCond(dst, c.Left)
		return AppendCond(dst, c.Right)
	case Or:
		dst = append(dst, tagOr)
		dst = AppendCond(dst, c.Left)
		return AppendCond(dst, c.Right)
	case Not:
		dst = append(dst, tagNot)
		return AppendCond(dst, c.Cond)
	case Func:
		dst = append(dst, tagFunc)
		dst = appendString(dst, c.Name)
		return appendOperands(dst, c.Args)
	}
	panic(fmt.Sprintf("expr: AppendCond of unknown node %T", c))
}

// DecodeCond decodes a Cond from the front of src and returns the rest.
func DecodeCond(src []byte) (Cond, []byte, error) {
	d := treeDecoder{buf: src}
	var c Cond
	if len(src) > 0 && src[0] == tagNil {
		d.buf = src[1:]
	} else {
		c = d.cond(0)
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	return c, d.buf, nil
}

// AppendUpdate appends the encoding of u (not nil) to dst.
func AppendUpdate(dst []byte, u *Update) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(u.Set)))
	for _, a := range u.Set {
		dst = appendPath(dst, a.Path)
		dst = appendOperand(dst, a.Value)
	}
	dst = binary.AppendUvarint(dst, uint64(len(u.Remove)))
	for _, p := range u.Remove {
		dst = appendPath(dst, p)
	}
	dst = binary.AppendUvarint(dst, uint64(len(u.Add)))
	for _, a := range u.Add {
		dst = appendPath(dst, a.Path)
		dst = appendOperand(dst, a.Value)
	}
	dst = binary.AppendUvarint(dst, uint64(len(u.Delete)))
	for _, a := range u.Delete {
		dst = appendPath(dst, a.Path)
		dst = appendOperand(dst, a.Value)
	}
	return dst
}

// DecodeUpdate decodes an Update from the front of src and returns the rest.
func DecodeUpdate(src []byte) (*Update, []byte, error) {
	d := treeDecoder{buf: src}
	u := &Update{}
	for range d.count() {
		u.Set = append(u.Set, SetAction{Path: d.path(), Value: d.operand(0)})
	}
	for range d.count() {
		u.Remove = append(u.Remove, d.path())
	}
	for range d.count() {
		u.Add = append(u.Add, AddAction{Path: d.path(), Value: d.operand(0)})
	}
	for range d.count() {
		u.Delete = append(u.Delete, DeleteAction{Path: d.path(), Value: d.operand(0)})
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	return u, d.buf, nil
}

// AppendProjection appends the encoding of p to dst.
func AppendProjection(dst []byte, p Projection) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(p)))
	for _, path := range p {
		dst = appendPath(dst, path)
	}
	return dst
}

// DecodeProjection decodes a Projection from the front of src and returns the rest.
func DecodeProjection(src []byte) (Projection, []byte, error) {
	d := treeDecoder{buf: src}
	var p Projection
	for range d.count() {
		p = append(p, d.path())
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	return p, d.buf, nil
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendOperands(dst []byte, ops []Operand) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ops)))
	for _, o := range ops {
		dst = appendOperand(dst, o)
	}
	return dst
}

func appendOperand(dst []byte, o Operand) []byte {
	switch o := o.(type) {
	case PathOperand:
		dst = append(dst, tagPathOperand)
		return appendPath(dst, o.Path)
	case ValueOperand:
		dst = append(dst, tagValueOperand)
		dst = appendString(dst, o.Placeholder)
		return value.AppendValue(dst, o.Value)
	case FuncOperand:
		dst = append(dst, tagFuncOperand)
		dst = appendString(dst, o.Name)
		return appendOperands(dst, o.Args)
	case ArithOperand:
		dst = append(dst, tagArithOperand, o.Op)
		dst = appendOperand(dst, o.Left)
		return appendOperand(dst, o.Right)
	}
	panic(fmt.Sprintf("expr: appendOperand of unknown node %T", o))
}

func appendPath(dst []byte, p Path) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(p)))
	for _, e := range p {
		var flags byte
		if e.IsIndex {
			flags |= 1
		}
		if e.Placeholder {
			flags |= 2
		}
		dst = append(dst, flags)
		if e.IsIndex {
			dst = binary.AppendUvarint(dst, uint64(e.Index))
		} else {
			dst = appendString(dst, e.Name)
		}
	}
	return dst
}

// treeDecoder reads the tree encoding; the first error sticks.
type treeDecoder struct {
	buf []byte
	err error
}

func (d *treeDecoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorruptTree, what)
	}
	d.buf = nil
}

func (d *treeDecoder) byte1() byte {
	if len(d.buf) == 0 {
		d.fail("truncated")
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *treeDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// count reads an element count, bounded by the remaining input (every
// element takes at least one byte).
func (d *treeDecoder) count() int {
	c := d.uvarint()
	if c > uint64(len(d.buf)) {
		d.fail("count exceeds input")
		return 0
	}
	return int(c)
}

func (d *treeDecoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.fail("truncated string")
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

func (d *treeDecoder) path() Path {
	n := d.count()
	if n == 0 && d.err == nil {
		d.fail("empty path")
	}
	p := make(Path, 0, n)
	for range n {
		flags := d.byte1()
		e := PathElem{IsIndex: flags&1 != 0, Placeholder: flags&2 != 0}
		if flags > 3 {
			d.fail("bad path flags")
		}
		if e.IsIndex {
			idx := d.uvarint()
			if idx > 1<<31 {
				d.fail("index out of range")
			}
			e.Index = int(idx)
		} else {
			e.Name = d.str()
		}
		if d.err != nil {
			return nil
		}
		p = append(p, e)
	}
	return p
}

func (d *treeDecoder) operands(depth int) []Operand {
	n := d.count()
	ops := make([]Operand, 0, n)
	for range n {
		ops = append(ops, d.operand(depth+1))
		if d.err != nil {
			return nil
		}
	}
	return ops
}

func (d *treeDecoder) operand(depth int) Operand {
	if d.err != nil {
		return nil
	}
	if depth > maxTreeDepth {
		d.fail("tree too deep")
		return nil
	}
	switch d.byte1() {
	case tagPathOperand:
		return PathOperand{Path: d.path()}
	case tagValueOperand:
		ph := d.str()
		if d.err != nil {
			return nil
		}
		v, rest, err := value.DecodeValue(d.buf)
		if err != nil {
			d.fail(err.Error())
			return nil
		}
		d.buf = rest
		return ValueOperand{Placeholder: ph, Value: v}
	case tagFuncOperand:
		name := d.str()
		return FuncOperand{Name: name, Args: d.operands(depth)}
	case tagArithOperand:
		op := d.byte1()
		if op != '+' && op != '-' {
			d.fail("bad arithmetic operator")
			return nil
		}
		l := d.operand(depth + 1)
		r := d.operand(depth + 1)
		return ArithOperand{Op: op, Left: l, Right: r}
	}
	d.fail("unknown operand tag")
	return nil
}

func (d *treeDecoder) cond(depth int) Cond {
	if d.err != nil {
		return nil
	}
	if depth > maxTreeDepth {
		d.fail("tree too deep")
		return nil
	}
	switch d.byte1() {
	case tagCompare:
		op := CompareOp(d.byte1())
		if op < OpEQ || op > OpGE {
			d.fail("bad comparator")
			return nil
		}
		l := d.operand(depth + 1)
		r := d.operand(depth + 1)
		return Compare{Op: op, Left: l, Right: r}
	case tagBetween:
		o := d.operand(depth + 1)
		lo := d.operand(depth + 1)
		hi := d.operand(depth + 1)
		return Between{Operand: o, Low: lo, High: hi}
	case tagIn:
		o := d.operand(depth + 1)
		return In{Operand: o, List: d.operands(depth)}
	case tagAnd:
		l := d.cond(depth + 1)
		r := d.cond(depth + 1)
		return And{Left: l, Right: r}
	case tagOr:
		l := d.cond(depth + 1)
		r := d.cond(depth + 1)
		return Or{Left: l, Right: r}
	case tagNot:
		return Not{Cond: d.cond(depth + 1)}
	case tagFunc:
		name := d.str()
		return Func{Name: name, Args: d.operands(depth)}
	}
	d.fail("unknown condition tag")
	return nil
}
