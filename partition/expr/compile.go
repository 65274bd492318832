package expr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/atolldb/atoll/partition/value"
)

// Kind identifies which request parameter an expression came from (used in
// messages).
type Kind uint8

// The expression parameters of DynamoDB's API.
const (
	KindCondition    Kind = iota + 1 // ConditionExpression
	KindFilter                       // FilterExpression
	KindKeyCondition                 // KeyConditionExpression
	KindUpdate                       // UpdateExpression
	KindProjection                   // ProjectionExpression
)

// String returns the request parameter's name, as DynamoDB's messages use it.
func (k Kind) String() string {
	switch k {
	case KindCondition:
		return "ConditionExpression"
	case KindFilter:
		return "FilterExpression"
	case KindKeyCondition:
		return "KeyConditionExpression"
	case KindUpdate:
		return "UpdateExpression"
	case KindProjection:
		return "ProjectionExpression"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// compileOrder is the order in which DynamoDB validates a request's
// expressions; the first error found wins.
var compileOrder = [...]Kind{KindUpdate, KindCondition, KindKeyCondition, KindFilter, KindProjection}

// Request holds one API request's expression parameters. Empty string =
// absent.
type Request struct {
	Condition, Filter, KeyCondition, Update, Projection string
	Names                                               map[string]string      // nil when absent; non-nil empty map = present but empty (an error)
	Values                                              map[string]value.Value // same convention

	// Empty lists the expression parameters that were present in the
	// request with an empty string value. DynamoDB rejects each with
	// "Invalid <Kind>: The expression can not be empty;", which the string
	// fields above cannot express.
	Empty []Kind

	// Accepts lists, in the order DynamoDB names them, the value-taking
	// expression parameters (not ProjectionExpression) of the operation,
	// e.g. {KindUpdate, KindCondition} for UpdateItem. It only words the
	// error for ExpressionAttributeValues sent without any of them
	// ("...: UpdateExpression and ConditionExpression are null"); when nil
	// the message has no suffix.
	Accepts []Kind
}

func (r *Request) text(k Kind) string {
	switch k {
	case KindCondition:
		return r.Condition
	case KindFilter:
		return r.Filter
	case KindKeyCondition:
		return r.KeyCondition
	case KindUpdate:
		return r.Update
	case KindProjection:
		return r.Projection
	}
	return ""
}

func (r *Request) present(k Kind) bool { return r.text(k) != "" || slices.Contains(r.Empty, k) }

// Compiled holds the bound trees of one request; nil fields where the
// expression was absent.
type Compiled struct {
	Condition, Filter, KeyCondition Cond
	Update                          *Update
	Projection                      Projection
}

// Config configures a Compiler.
type Config struct {
	// CacheSize is the number of parsed expressions kept, keyed by kind and
	// text; 0 disables the cache. Must not be negative.
	CacheSize int
}

// DefaultConfig returns the configuration used in production.
func DefaultConfig() Config { return Config{CacheSize: 4096} }

// Validate reports whether cfg is usable.
func (c Config) Validate() error {
	if c.CacheSize < 0 {
		return fmt.Errorf("expr: Config.CacheSize must not be negative, got %d", c.CacheSize)
	}
	return nil
}

// Compiler parses (through its cache), binds and checks the expressions of
// requests. It is safe for concurrent use.
type Compiler struct {
	cache *parseCache // nil when caching is disabled
}

// New returns a Compiler for cfg.
func New(cfg Config) (*Compiler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Compiler{cache: newParseCache(cfg.CacheSize)}, nil
}

// parse returns the parse of (kind, s), from the cache when possible.
func (c *Compiler) parse(kind Kind, s string) *parsed {
	if c.cache == nil {
		return parse(kind, s)
	}
	if p, ok := c.cache.get(kind, s); ok {
		return p
	}
	p := parse(kind, s)
	c.cache.add(kind, s, p)
	return p
}

// Compile parses (through the cache) and binds every expression of r,
// running all of DynamoDB's checks in DynamoDB's order:
//
//  1. ExpressionAttributeNames / ExpressionAttributeValues sent without an
//     expression that could use them;
//  2. the two maps' shape (empty, malformed keys) and size;
//  3. each expression in the order UpdateExpression, ConditionExpression,
//     KeyConditionExpression, FilterExpression, ProjectionExpression: empty,
//     too long, syntax, static checks, undefined placeholders, then the
//     checks that need the bound names and values;
//  4. names, then values, that no expression used.
//
// The key condition is only checked as a condition here; the caller, which
// knows the key schema, passes Compiled.KeyCondition to KeyConditionFor.
// Values themselves (well-formed numbers, no empty sets, ...) are validated
// by the caller before Compile.
func (c *Compiler) Compile(r Request) (*Compiled, error) {
	if err := checkMaps(&r); err != nil {
		return nil, err
	}
	b := newBinder(r.Names, r.Values)
	out := &Compiled{}
	for _, kind := range compileOrder {
		s := r.text(kind)
		if s == "" {
			if slices.Contains(r.Empty, kind) {
				return nil, invalidf(kind, msgEmpty)
			}
			continue
		}
		p := c.parse(kind, s)
		if p.err != nil {
			return nil, p.err
		}
		b.kind = kind
		var err error
		switch kind {
		case KindUpdate:
			out.Update, err = compileUpdate(b, p)
		case KindProjection:
			out.Projection, err = compileProjection(b, p)
		default:
			var cond Cond
			cond, err = compileCondition(b, p)
			switch kind {
			case KindCondition:
				out.Condition = cond
			case KindKeyCondition:
				out.KeyCondition = cond
			default:
				out.Filter = cond
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if unused := b.unusedNames(); len(unused) > 0 {
		return nil, validationf(msgNamesUnused, joinKeys(unused))
	}
	if unused := b.unusedValues(); len(unused) > 0 {
		return nil, validationf(msgValuesUnused, joinKeys(unused))
	}
	return out, nil
}

// checkMaps runs the request-level checks of ExpressionAttributeNames and
// ExpressionAttributeValues, in DynamoDB's order.
func checkMaps(r *Request) error {
	anyExpr, valueExpr := false, false
	for _, k := range compileOrder {
		if r.present(k) {
			anyExpr = true
			valueExpr = valueExpr || k != KindProjection
		}
	}
	if r.Names != nil && !anyExpr {
		return validationf(msgNamesNoExpression)
	}
	if r.Values != nil && !valueExpr {
		if len(r.Accepts) == 0 {
			return validationf(msgValuesNoExpression)
		}
		names := make([]string, len(r.Accepts))
		for i, k := range r.Accepts {
			names[i] = k.String()
		}
		verb := "is"
		if len(names) > 1 {
			verb = "are"
		}
		return validationf("%s: %s %s null", msgValuesNoExpression, strings.Join(names, " and "), verb)
	}
	size := 0
	if r.Names != nil {
		if len(r.Names) == 0 {
			return validationf(msgNamesEmpty)
		}
		for _, k := range sortedMapKeys(r.Names) {
			if !validPlaceholder(k, '#') || len(k) > MaxPlaceholderSize {
				return validationf(msgNamesBadKey, k)
			}
			if r.Names[k] == "" {
				return validationf(msgNamesEmptyValue, k)
			}
			size += len(k) + len(r.Names[k])
		}
	}
	if r.Values != nil {
		if len(r.Values) == 0 {
			return validationf(msgValuesEmpty)
		}
		for _, k := range sortedMapKeys(r.Values) {
			if !validPlaceholder(k, ':') || len(k) > MaxPlaceholderSize {
				return validationf(msgValuesBadKey, k)
			}
			size += len(k) + r.Values[k].Size()
		}
	}
	if size > MaxSubstitutionSize {
		return validationf(msgSubstitutionSize, size)
	}
	return nil
}

// sortedMapKeys returns m's keys in byte order, so that the first bad key
// reported is deterministic.
func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
