package expr

import "unicode/utf8"

// tokKind classifies a lexical token.
type tokKind uint8

const (
	tokEOF     tokKind = iota // end of input; text is empty
	tokIdent                  // name, keyword or function name: [A-Za-z][A-Za-z0-9_]*
	tokName                   // expression attribute name placeholder: #[A-Za-z0-9_]+
	tokValue                  // expression attribute value placeholder: :[A-Za-z0-9_]+
	tokNumber                 // unsigned decimal digits (list indexes)
	tokPunct                  // ( ) [ ] . , = <> < <= > >= + -
	tokInvalid                // any other character, or a lone # or :
)

// token is one lexical token of an expression; start and end are byte
// offsets into the source, used to quote the source in syntax errors.
type token struct {
	kind       tokKind
	text       string
	start, end int
}

// lex splits src into tokens, always ending with a tokEOF token. It never
// fails: characters outside the grammar become tokInvalid tokens, which the
// parser reports as syntax errors at the right position. Its work is linear
// in len(src).
func lex(src string) []token {
	toks := make([]token, 0, len(src)/3+2)
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		kind := tokPunct
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case isIdentStart(c):
			for i++; i < len(src) && isIdentPart(src[i]); i++ {
			}
			kind = tokIdent
		case c >= '0' && c <= '9':
			for i++; i < len(src) && src[i] >= '0' && src[i] <= '9'; i++ {
			}
			kind = tokNumber
		case c == '#' || c == ':':
			for i++; i < len(src) && isIdentPart(src[i]); i++ {
			}
			switch {
			case i == start+1:
				kind = tokInvalid
			case c == '#':
				kind = tokName
			default:
				kind = tokValue
			}
		case c == '<':
			i++
			if i < len(src) && (src[i] == '>' || src[i] == '=') {
				i++
			}
		case c == '>':
			i++
			if i < len(src) && src[i] == '=' {
				i++
			}
		case c == '(' || c == ')' || c == '[' || c == ']' || c == '.' || c == ',' ||
			c == '=' || c == '+' || c == '-':
			i++
		default:
			_, size := utf8.DecodeRuneInString(src[i:])
			i += size
			kind = tokInvalid
		}
		toks = append(toks, token{kind: kind, text: src[start:i], start: start, end: i})
	}
	return append(toks, token{kind: tokEOF, start: len(src), end: len(src)})
}

// isIdentStart reports whether c may start a bare name. DynamoDB's names
// start with a letter: "_a = :v" is a syntax error at token "_".
func isIdentStart(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isIdentPart(c byte) bool { return isIdentStart(c) || c == '_' || (c >= '0' && c <= '9') }

// validPlaceholder reports whether key is a well-formed placeholder: prefix
// ('#' or ':') followed by one or more letters, digits or underscores.
func validPlaceholder(key string, prefix byte) bool {
	if len(key) < 2 || key[0] != prefix {
		return false
	}
	for i := 1; i < len(key); i++ {
		if !isIdentPart(key[i]) {
			return false
		}
	}
	return true
}
