package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// This file holds the recursive-descent parsers for DynamoDB's condition
// (also filter and key condition), update and projection grammars.
//
// A parse runs in two steps. The parser proper stops at the first token that
// cannot continue a valid expression and reports DynamoDB's syntax error for
// it. While it builds the tree it also records the first instance of each
// kind of "static" problem DynamoDB reports only for syntactically valid
// expressions (redundant parentheses, unknown or misplaced functions,
// reserved words, repeated update sections); once the whole input parsed,
// the first of those in DynamoDB's priority order becomes the error.
// Problems that need ExpressionAttributeNames or ExpressionAttributeValues
// are left to bind.go and check.go.

// grammar selects which of DynamoDB's three expression grammars to parse.
type grammar uint8

const (
	grammarCondition grammar = iota // ConditionExpression, FilterExpression, KeyConditionExpression
	grammarUpdate
	grammarProjection
)

func grammarOf(kind Kind) grammar {
	switch kind {
	case KindUpdate:
		return grammarUpdate
	case KindProjection:
		return grammarProjection
	}
	return grammarCondition
}

// Function names by where DynamoDB allows them. Function names are case
// sensitive: "SIZE(a)" is an unknown function.
var (
	conditionFuncArity = map[string]int{
		"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
		"begins_with": 2, "contains": 2, "size": 1,
	}
	updateFuncArity = map[string]int{"if_not_exists": 2, "list_append": 2}
)

// updateClause identifies a clause of an update expression.
type updateClause uint8

const (
	clauseSet updateClause = iota
	clauseRemove
	clauseAdd
	clauseDelete
)

var clauseNames = [...]string{clauseSet: "SET", clauseRemove: "REMOVE", clauseAdd: "ADD", clauseDelete: "DELETE"}

// parsed is the outcome of parsing one expression: an unbound tree or an
// error. Values of this type are cached and shared between goroutines; they
// are never modified after parse returns.
type parsed struct {
	cond       Cond
	update     *Update
	clauses    []updateClause // update clauses in the order written
	projection Projection
	err        error
}

// parse parses s as an expression of the given kind, including the length
// and emptiness checks and the static checks.
func parse(kind Kind, s string) *parsed {
	if s == "" {
		return &parsed{err: invalidf(kind, msgEmpty)}
	}
	if len(s) > MaxExpressionSize {
		return &parsed{err: invalidf(kind, msgTooLarge, len(s))}
	}
	p := &parser{kind: kind, grammar: grammarOf(kind), src: s, toks: lex(s)}
	out := &parsed{}
	switch p.grammar {
	case grammarCondition:
		out.cond, out.err = p.parseConditionExpr()
	case grammarUpdate:
		out.update, out.clauses, out.err = p.parseUpdateExpr()
	case grammarProjection:
		out.projection, out.err = p.parseProjectionExpr()
	}
	if out.err == nil {
		out.err = p.staticError()
	}
	if out.err != nil {
		return &parsed{err: out.err}
	}
	return out
}

// ParseCondition parses a ConditionExpression, FilterExpression or
// KeyConditionExpression (kind says which, for messages) into an unbound
// tree. It reports syntax errors and the checks that need neither
// ExpressionAttributeNames nor ExpressionAttributeValues; Compile runs the
// rest.
func ParseCondition(kind Kind, s string) (Cond, error) {
	if grammarOf(kind) != grammarCondition {
		return nil, fmt.Errorf("expr: ParseCondition called with kind %v", kind)
	}
	r := parse(kind, s)
	return r.cond, r.err
}

// ParseUpdate parses an UpdateExpression into an unbound tree; see
// ParseCondition for which checks it runs.
func ParseUpdate(s string) (*Update, error) {
	r := parse(KindUpdate, s)
	return r.update, r.err
}

// ParseProjection parses a ProjectionExpression into unbound paths; see
// ParseCondition for which checks it runs.
func ParseProjection(s string) (Projection, error) {
	r := parse(KindProjection, s)
	return r.projection, r.err
}

// staticErrors holds the first message of each static problem class.
type staticErrors struct {
	parens, unknownFunc, misusedFunc, reserved, section string
}

func note(dst *string, format string, args ...any) {
	if *dst == "" {
		*dst = fmt.Sprintf(format, args...)
	}
}

type parser struct {
	kind    Kind
	grammar grammar
	src     string
	toks    []token // always ends with tokEOF
	pos     int
	depth   int
	static  staticErrors
}

// staticError returns the static problem DynamoDB reports first, if any.
func (p *parser) staticError() error {
	var order [4]string
	switch p.grammar {
	case grammarCondition:
		order = [4]string{p.static.parens, p.static.unknownFunc, p.static.misusedFunc, p.static.reserved}
	case grammarUpdate:
		order = [4]string{p.static.reserved, p.static.unknownFunc, p.static.misusedFunc, p.static.section}
	default:
		order = [4]string{p.static.reserved}
	}
	for _, msg := range order {
		if msg != "" {
			return invalidf(p.kind, "%s", msg)
		}
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) atEOF() bool { return p.toks[p.pos].kind == tokEOF }

func (p *parser) isPunct(s string) bool {
	t := p.toks[p.pos]
	return t.kind == tokPunct && t.text == s
}

// isKeyword reports whether the current token is the keyword word (given in
// upper case); keywords are case insensitive.
func (p *parser) isKeyword(word string) bool {
	t := p.toks[p.pos]
	return t.kind == tokIdent && strings.EqualFold(t.text, word)
}

// keyword reports whether an identifier is a keyword of the grammar being
// parsed, and so cannot name an attribute.
func (p *parser) keyword(text string) bool {
	var words *[5]string
	switch p.grammar {
	case grammarCondition:
		words = &conditionKeywords
	case grammarUpdate:
		words = &updateKeywords
	default:
		return false
	}
	for _, w := range words {
		if w != "" && strings.EqualFold(text, w) {
			return true
		}
	}
	return false
}

var (
	conditionKeywords = [5]string{"AND", "OR", "NOT", "BETWEEN", "IN"}
	updateKeywords    = [5]string{"SET", "REMOVE", "ADD", "DELETE"}
)

// fail returns DynamoDB's syntax error for the current token.
func (p *parser) fail() error { return p.syntaxErrorAt(p.pos) }

// syntaxErrorAt builds "Syntax error; token: <t>, near: <s>". DynamoDB quotes
// the offending token ("<EOF>" at the end of input) and the source text from
// the start of the token before it to the end of the token after it (to the
// end of the input when the offending token is the end).
func (p *parser) syntaxErrorAt(i int) error {
	t := p.toks[i]
	text, start, end := t.text, t.start, t.end
	if i > 0 {
		start = p.toks[i-1].start
	}
	switch {
	case t.kind == tokEOF:
		text, end = "<EOF>", len(p.src)
	case p.toks[i+1].kind != tokEOF:
		end = p.toks[i+1].end
	}
	return invalidf(p.kind, msgSyntax, text, p.src[start:end])
}

func (p *parser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return p.fail()
	}
	p.pos++
	return nil
}

// enter and leave bound the parser's recursion depth.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return invalidf(p.kind, msgTooDeep, maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// parsePath parses a document path: name or #placeholder, then any number
// of ".name", ".#placeholder" and "[index]" steps.
func (p *parser) parsePath() (Path, error) {
	var path Path
	elem, err := p.parsePathName()
	if err != nil {
		return nil, err
	}
	path = append(path, elem)
	for {
		switch {
		case p.isPunct("."):
			p.pos++
			elem, err := p.parsePathName()
			if err != nil {
				return nil, err
			}
			path = append(path, elem)
		case p.isPunct("["):
			p.pos++
			t := p.peek()
			if t.kind != tokNumber {
				return nil, p.fail()
			}
			n, err := strconv.ParseInt(t.text, 10, 32)
			if err != nil {
				return nil, p.fail()
			}
			p.pos++
			if err := p.expectPunct("]"); err != nil {
				return nil, err
			}
			path = append(path, PathElem{Index: int(n), IsIndex: true})
		default:
			return path, nil
		}
	}
}

func (p *parser) parsePathName() (PathElem, error) {
	t := p.peek()
	switch {
	case t.kind == tokName:
		p.pos++
		return PathElem{Name: t.text, Placeholder: true}, nil
	case t.kind == tokIdent && !p.keyword(t.text):
		p.pos++
		if isReserved(t.text) {
			note(&p.static.reserved, msgReserved, t.text)
		}
		return PathElem{Name: t.text}, nil
	}
	return PathElem{}, p.fail()
}

// parseOperand parses an expression attribute value, a function call or a
// document path.
func (p *parser) parseOperand() (Operand, error) {
	t := p.peek()
	switch {
	case t.kind == tokValue:
		p.pos++
		return ValueOperand{Placeholder: t.text}, nil
	case t.kind == tokIdent && !p.keyword(t.text) &&
		p.toks[p.pos+1].kind == tokPunct && p.toks[p.pos+1].text == "(":
		return p.parseCall()
	}
	path, err := p.parsePath()
	if err != nil {
		return nil, err
	}
	return PathOperand{Path: path}, nil
}

// parseCall parses "name(operand, ...)" with at least one argument.
func (p *parser) parseCall() (Operand, error) {
	name := p.peek().text
	p.pos += 2
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var args []Operand
	for {
		arg, _, err := p.parseOperandParens()
		if err != nil {
			return nil, err
		}
		p.useOperand(arg)
		args = append(args, arg)
		if !p.isPunct(",") {
			break
		}
		p.pos++
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	return FuncOperand{Name: name, Args: args}, nil
}

// parseOperandParens parses an operand optionally wrapped in parentheses and
// reports whether it was wrapped. Doubled parentheses are redundant.
func (p *parser) parseOperandParens() (Operand, bool, error) {
	if !p.isPunct("(") {
		o, err := p.parseOperand()
		return o, false, err
	}
	p.pos++
	if err := p.enter(); err != nil {
		return nil, false, err
	}
	o, inner, err := p.parseOperandParens()
	p.leave()
	if err != nil {
		return nil, false, err
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, false, err
	}
	if inner {
		note(&p.static.parens, msgRedundantParens)
	}
	return o, true, nil
}

// useOperand records the static problems of a function call used where a
// value is expected.
func (p *parser) useOperand(o Operand) {
	f, ok := o.(FuncOperand)
	if !ok {
		return
	}
	_, cond := conditionFuncArity[f.Name]
	_, upd := updateFuncArity[f.Name]
	switch {
	case p.grammar == grammarUpdate && upd, p.grammar == grammarCondition && f.Name == "size":
	case p.grammar == grammarUpdate && cond:
		note(&p.static.misusedFunc, msgNotInUpdate, f.Name)
	case cond:
		note(&p.static.misusedFunc, msgMisusedFunction, f.Name)
	case upd:
		note(&p.static.misusedFunc, msgNotInCondition, f.Name)
	default:
		note(&p.static.unknownFunc, msgUnknownFunction, f.Name)
	}
}

// item is a parsed piece of a condition: a condition, or an operand that may
// still turn out to be the left side of a comparison (or, for a function
// call, a boolean function).
type item struct {
	c     Cond
	o     Operand
	paren bool // the piece is exactly one parenthesized expression
}

// asCond converts an item to a condition: a function call becomes a Func.
// It reports false for a plain operand, which cannot stand alone.
func (p *parser) asCond(it item) (Cond, bool) {
	if it.c != nil {
		return it.c, true
	}
	f, ok := it.o.(FuncOperand)
	if !ok {
		return nil, false
	}
	_, cond := conditionFuncArity[f.Name]
	_, upd := updateFuncArity[f.Name]
	switch {
	case f.Name == "size":
		note(&p.static.misusedFunc, msgMisusedFunction, f.Name)
	case cond:
	case upd:
		note(&p.static.misusedFunc, msgNotInCondition, f.Name)
	default:
		note(&p.static.unknownFunc, msgUnknownFunction, f.Name)
	}
	return Func(f), true
}

func (p *parser) parseConditionExpr() (Cond, error) {
	it, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if !p.atEOF() {
		return nil, p.fail()
	}
	c, ok := p.asCond(it)
	if !ok {
		return nil, p.fail()
	}
	return c, nil
}

func (p *parser) parseOr() (item, error) {
	it, err := p.parseAnd()
	if err != nil || !p.isKeyword("OR") {
		return it, err
	}
	left, ok := p.asCond(it)
	if !ok {
		return item{}, p.fail()
	}
	for p.isKeyword("OR") {
		p.pos++
		rit, err := p.parseAnd()
		if err != nil {
			return item{}, err
		}
		right, ok := p.asCond(rit)
		if !ok {
			return item{}, p.fail()
		}
		left = Or{Left: left, Right: right}
	}
	return item{c: left}, nil
}

func (p *parser) parseAnd() (item, error) {
	it, err := p.parseNot()
	if err != nil || !p.isKeyword("AND") {
		return it, err
	}
	left, ok := p.asCond(it)
	if !ok {
		return item{}, p.fail()
	}
	for p.isKeyword("AND") {
		p.pos++
		rit, err := p.parseNot()
		if err != nil {
			return item{}, err
		}
		right, ok := p.asCond(rit)
		if !ok {
			return item{}, p.fail()
		}
		left = And{Left: left, Right: right}
	}
	return item{c: left}, nil
}

func (p *parser) parseNot() (item, error) {
	if !p.isKeyword("NOT") {
		return p.parsePrimary()
	}
	p.pos++
	if err := p.enter(); err != nil {
		return item{}, err
	}
	defer p.leave()
	it, err := p.parseNot()
	if err != nil {
		return item{}, err
	}
	c, ok := p.asCond(it)
	if !ok {
		return item{}, p.fail()
	}
	return item{c: Not{Cond: c}}, nil
}

// atComparison reports whether the current token continues an operand into
// a comparison, BETWEEN or IN.
func (p *parser) atComparison() bool {
	t := p.peek()
	if t.kind == tokPunct {
		_, ok := compareOps[t.text]
		return ok
	}
	return p.isKeyword("BETWEEN") || p.isKeyword("IN")
}

var compareOps = map[string]CompareOp{"=": OpEQ, "<>": OpNE, "<": OpLT, "<=": OpLE, ">": OpGT, ">=": OpGE}

func (p *parser) parsePrimary() (item, error) {
	var left Operand
	if p.isPunct("(") {
		p.pos++
		if err := p.enter(); err != nil {
			return item{}, err
		}
		inner, err := p.parseOr()
		p.leave()
		if err != nil {
			return item{}, err
		}
		if err := p.expectPunct(")"); err != nil {
			return item{}, err
		}
		if inner.paren {
			note(&p.static.parens, msgRedundantParens)
		}
		if inner.c != nil || !p.atComparison() {
			return item{c: inner.c, o: inner.o, paren: true}, nil
		}
		left = inner.o
	} else {
		o, err := p.parseOperand()
		if err != nil {
			return item{}, err
		}
		if !p.atComparison() {
			return item{o: o}, nil
		}
		left = o
	}
	p.useOperand(left)
	t := p.peek()
	if op, ok := compareOps[t.text]; ok && t.kind == tokPunct {
		p.pos++
		right, _, err := p.parseOperandParens()
		if err != nil {
			return item{}, err
		}
		p.useOperand(right)
		return item{c: Compare{Op: op, Left: left, Right: right}}, nil
	}
	if p.isKeyword("BETWEEN") {
		p.pos++
		low, _, err := p.parseOperandParens()
		if err != nil {
			return item{}, err
		}
		p.useOperand(low)
		if !p.isKeyword("AND") {
			return item{}, p.fail()
		}
		p.pos++
		high, _, err := p.parseOperandParens()
		if err != nil {
			return item{}, err
		}
		p.useOperand(high)
		return item{c: Between{Operand: left, Low: low, High: high}}, nil
	}
	// IN (atComparison guarantees it).
	p.pos++
	if err := p.expectPunct("("); err != nil {
		return item{}, err
	}
	var list []Operand
	for {
		o, _, err := p.parseOperandParens()
		if err != nil {
			return item{}, err
		}
		p.useOperand(o)
		list = append(list, o)
		if !p.isPunct(",") {
			break
		}
		p.pos++
	}
	if err := p.expectPunct(")"); err != nil {
		return item{}, err
	}
	return item{c: In{Operand: left, List: list}}, nil
}

func (p *parser) parseUpdateExpr() (*Update, []updateClause, error) {
	u := &Update{}
	var order []updateClause
	var seen [len(clauseNames)]bool
	if p.atEOF() {
		return nil, nil, p.fail()
	}
	for !p.atEOF() {
		clause := updateClause(len(clauseNames))
		for c, name := range clauseNames {
			if p.isKeyword(name) {
				clause = updateClause(c)
			}
		}
		if int(clause) == len(clauseNames) {
			return nil, nil, p.fail()
		}
		p.pos++
		if seen[clause] {
			note(&p.static.section, msgSectionTwice, clauseNames[clause])
		} else {
			seen[clause] = true
			order = append(order, clause)
		}
		for {
			if err := p.parseAction(u, clause); err != nil {
				return nil, nil, err
			}
			if !p.isPunct(",") {
				break
			}
			p.pos++
		}
	}
	return u, order, nil
}

// parseAction parses one action of the given clause and appends it to u.
func (p *parser) parseAction(u *Update, clause updateClause) error {
	path, err := p.parsePath()
	if err != nil {
		return err
	}
	switch clause {
	case clauseSet:
		if err := p.expectPunct("="); err != nil {
			return err
		}
		v, err := p.parseSetValue()
		if err != nil {
			return err
		}
		u.Set = append(u.Set, SetAction{Path: path, Value: v})
	case clauseRemove:
		u.Remove = append(u.Remove, path)
	default:
		t := p.peek()
		if t.kind != tokValue {
			return p.fail()
		}
		p.pos++
		v := ValueOperand{Placeholder: t.text}
		if clause == clauseAdd {
			u.Add = append(u.Add, AddAction{Path: path, Value: v})
		} else {
			u.Delete = append(u.Delete, DeleteAction{Path: path, Value: v})
		}
	}
	return nil
}

// parseSetValue parses the right side of a SET action: an operand, or
// "operand + operand" / "operand - operand", optionally parenthesized.
func (p *parser) parseSetValue() (Operand, error) {
	left, err := p.parseSetTerm(true)
	if err != nil {
		return nil, err
	}
	if !p.isPunct("+") && !p.isPunct("-") {
		return left, nil
	}
	if _, ok := left.(ArithOperand); ok {
		return nil, p.fail()
	}
	op := p.peek().text[0]
	p.pos++
	right, err := p.parseSetTerm(false)
	if err != nil {
		return nil, err
	}
	return ArithOperand{Op: op, Left: left, Right: right}, nil
}

// parseSetTerm parses an operand in parentheses or not; when arith is true
// the parentheses may hold a whole "a + b".
func (p *parser) parseSetTerm(arith bool) (Operand, error) {
	if !p.isPunct("(") {
		o, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		p.useOperand(o)
		return o, nil
	}
	p.pos++
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var o Operand
	var err error
	if arith {
		o, err = p.parseSetValue()
	} else {
		o, err = p.parseSetTerm(false)
	}
	if err != nil {
		return nil, err
	}
	if err := p.expectPunct(")"); err != nil {
		return nil, err
	}
	return o, nil
}

func (p *parser) parseProjectionExpr() (Projection, error) {
	var proj Projection
	for {
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		proj = append(proj, path)
		if !p.isPunct(",") {
			break
		}
		p.pos++
	}
	if !p.atEOF() {
		return nil, p.fail()
	}
	return proj, nil
}
