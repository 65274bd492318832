package expr

import "github.com/atolldb/atoll/partition/value"

// keyTerm is one condition of a key condition on a single attribute.
type keyTerm struct {
	attr   string
	op     KeyOp
	values []value.Value
}

// KeyConditionFor validates a bound KeyConditionExpression against the key
// schema of the table or index queried and returns it as a KeyCondition.
// DynamoDB allows only "pk = :v", optionally ANDed with one sort key
// condition (=, <, <=, >, >=, BETWEEN or begins_with), each on a top-level
// key attribute compared with expression attribute values. sortKey is empty
// for a schema without a sort key.
//
// c must come from Compile (bound and checked). The values' types are not
// checked here: the caller checks that each is of the key attribute's
// scalar type and that strings and binaries are not empty.
func KeyConditionFor(c Cond, partitionKey, sortKey string) (*KeyCondition, error) {
	var terms []keyTerm
	if err := collectKeyTerms(c, &terms, 0); err != nil {
		return nil, err
	}
	var pk, sk *keyTerm
	other := false
	for i := range terms {
		switch t := &terms[i]; {
		case t.attr == partitionKey:
			pk = t
		case sortKey != "" && t.attr == sortKey:
			sk = t
		default:
			other = true
		}
	}
	if pk == nil {
		return nil, validationf(msgKeyMissed, partitionKey)
	}
	if other || pk.op != KeyEQ {
		return nil, validationf(msgKeyNotSupported)
	}
	kc := &KeyCondition{PartitionKey: partitionKey, PartitionValue: pk.values[0]}
	if sk != nil {
		kc.SortKey, kc.SortOp, kc.SortValues = sortKey, sk.op, sk.values
	}
	return kc, nil
}

var keyOps = map[CompareOp]KeyOp{OpEQ: KeyEQ, OpLT: KeyLT, OpLE: KeyLE, OpGT: KeyGT, OpGE: KeyGE}

// flippedKeyOps maps the operator of "value op key" to that of
// "key op' value".
var flippedKeyOps = map[KeyOp]KeyOp{KeyEQ: KeyEQ, KeyLT: KeyGT, KeyLE: KeyGE, KeyGT: KeyLT, KeyGE: KeyLE}

// collectKeyTerms walks c top-down and left to right, as DynamoDB does,
// reporting the first construct a key condition cannot hold.
func collectKeyTerms(c Cond, terms *[]keyTerm, depth int) error {
	if depth > maxDepth {
		return invalidf(KindKeyCondition, msgTooDeep, maxDepth)
	}
	var (
		args []Operand
		op   KeyOp
	)
	switch c := c.(type) {
	case And:
		if err := collectKeyTerms(c.Left, terms, depth+1); err != nil {
			return err
		}
		return collectKeyTerms(c.Right, terms, depth+1)
	case Or:
		return validationf(msgKeyInvalidOperator, "OR")
	case Not:
		return validationf(msgKeyInvalidOperator, "NOT")
	case In:
		return validationf(msgKeyInvalidOperator, "IN")
	case Compare:
		kop, ok := keyOps[c.Op]
		if !ok {
			return validationf(msgKeyInvalidOperator, c.Op.String())
		}
		args, op = []Operand{c.Left, c.Right}, kop
	case Between:
		if _, ok := c.Operand.(PathOperand); !ok {
			return validationf(msgKeyFirstOperand, "BETWEEN")
		}
		args, op = []Operand{c.Operand, c.Low, c.High}, KeyBetween
	case Func:
		switch c.Name {
		case "begins_with":
			if len(c.Args) == 0 {
				return validationf(msgKeyNoAttribute)
			}
			if _, ok := c.Args[0].(PathOperand); !ok {
				return validationf(msgKeyFirstOperand, c.Name)
			}
			args, op = c.Args, KeyBeginsWith
		case "size":
			return validationf(msgKeyNested)
		default:
			return validationf(msgKeyInvalidOperator, c.Name)
		}
	default:
		return validationf(msgKeyNotSupported)
	}
	attr, attrIx := "", 0
	var values []value.Value
	for i, a := range args {
		switch a := a.(type) {
		case PathOperand:
			if attr != "" {
				return validationf(msgKeyMultipleNames)
			}
			if len(a.Path) != 1 || a.Path[0].IsIndex {
				return validationf(msgKeyNestedAttribute)
			}
			attr, attrIx = a.Path[0].Name, i
		case ValueOperand:
			values = append(values, a.Value)
		default:
			return validationf(msgKeyNested)
		}
	}
	if attr == "" {
		return validationf(msgKeyNoAttribute)
	}
	for _, t := range *terms {
		if t.attr == attr {
			return validationf(msgKeyOnePerKey)
		}
	}
	if attrIx != 0 {
		op = flippedKeyOps[op]
	}
	*terms = append(*terms, keyTerm{attr: attr, op: op, values: values})
	return nil
}
