package router

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// This file holds what every operation handler shares: DynamoDB's
// constraint-violation messages, table lookup, key extraction and capacity
// arithmetic.

var tableNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// constraints collects DynamoDB's request-level constraint violations, which
// DynamoDB reports together: "1 validation error detected: Value ... at
// 'tableName' failed to satisfy constraint: ..." or "N validation errors
// detected: ...; ...".
type constraints []string

// add records that the member at path with value shown as val breaks constraint.
func (c *constraints) add(val, path, constraint string) {
	*c = append(*c, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", val, path, constraint))
}

// notNull records a missing required member.
func (c *constraints) notNull(path string) { c.add("null", path, "Member must not be null") }

// err returns the ValidationException for the collected violations (at most
// maxConstraintErrors of them, as DynamoDB lists), or nil.
func (c constraints) err() error {
	if len(c) > maxConstraintErrors {
		c = c[:maxConstraintErrors]
	}
	switch len(c) {
	case 0:
		return nil
	case 1:
		return value.Validationf("1 validation error detected: %s", c[0])
	}
	return value.Validationf("%d validation errors detected: %s", len(c), strings.Join(c, "; "))
}

// quoted renders a member value as DynamoDB's constraint messages show it.
func quoted(s string) string { return "'" + s + "'" }

// checkTableName records the violations of a table name member at path.
func (c *constraints) checkTableName(name *string, path string) {
	if name == nil {
		c.notNull(path)
		return
	}
	n := *name
	// DynamoDB reports the pattern before the lengths.
	if !tableNamePattern.MatchString(n) {
		c.add(quoted(n), path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
	if len(n) < MinTableNameLength {
		c.add(quoted(n), path, fmt.Sprintf("Member must have length greater than or equal to %d", MinTableNameLength))
	}
	if len(n) > MaxTableNameLength {
		c.add(quoted(n), path, fmt.Sprintf("Member must have length less than or equal to %d", MaxTableNameLength))
	}
}

// checkEnum records a violation when v is set and not one of allowed.
// DynamoDB lists the allowed values in the message as given.
func (c *constraints) checkEnum(v, path string, allowed ...string) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add(quoted(v), path, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

// table returns the named live table of a data-plane request, or
// ResourceNotFoundException.
func (a *API) table(name string) (*catalog.Table, error) {
	t, err := a.tables.Get(name)
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, ErrResourceNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	return t, nil
}

// tableARN returns the table's ARN.
func (a *API) tableARN(name string) string {
	return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", a.cfg.Region, a.cfg.AccountID, name)
}

// Messages of key extraction.
const (
	msgKeyMismatch  = "The provided key element does not match the schema"
	msgMissingKey   = "One or more parameter values were invalid: Missing the key %s in the item"
	msgTypeMismatch = "One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s"
)

// itemKey returns the ring position and key attributes of a whole item
// (PutItem, a BatchWriteItem put), with DynamoDB's messages for a missing
// key attribute, a wrong type, an empty value or an oversized key.
func itemKey(t *catalog.Table, item value.Item) (pos []byte, key value.Item, err error) {
	pk, ok := item[t.PartitionKey.Name]
	if !ok {
		return nil, nil, value.Validationf(msgMissingKey, t.PartitionKey.Name)
	}
	var sk *value.Value
	if t.HasSortKey() {
		v, ok := item[t.SortKey.Name]
		if !ok {
			return nil, nil, value.Validationf(msgMissingKey, t.SortKey.Name)
		}
		sk = &v
	}
	return position(t, pk, sk)
}

// keyOf returns the ring position of a Key parameter (GetItem, UpdateItem,
// DeleteItem, BatchGetItem, ExclusiveStartKey of a table): it must hold
// exactly the table's key attributes with their types.
func keyOf(t *catalog.Table, key value.Item) (pos []byte, keyAttrs value.Item, err error) {
	want := 1
	if t.HasSortKey() {
		want = 2
	}
	pk, ok := key[t.PartitionKey.Name]
	if !ok || len(key) != want || pk.Type != t.PartitionKey.Type {
		return nil, nil, value.Validationf(msgKeyMismatch)
	}
	var sk *value.Value
	if t.HasSortKey() {
		v, ok := key[t.SortKey.Name]
		if !ok || v.Type != t.SortKey.Type {
			return nil, nil, value.Validationf(msgKeyMismatch)
		}
		sk = &v
	}
	return position(t, pk, sk)
}

func position(t *catalog.Table, pk value.Value, sk *value.Value) ([]byte, value.Item, error) {
	if err := value.ValidateKeyValue(t.PartitionKey.Name, pk, t.PartitionKey.Type, value.PartitionKeyRole); err != nil {
		return nil, nil, err
	}
	key := value.Item{t.PartitionKey.Name: pk}
	if sk != nil {
		if err := value.ValidateKeyValue(t.SortKey.Name, *sk, t.SortKey.Type, value.SortKeyRole); err != nil {
			return nil, nil, err
		}
		key[t.SortKey.Name] = *sk
	}
	pos, err := keys.Position(pk, sk)
	if err != nil {
		return nil, nil, fmt.Errorf("ring position: %w", err)
	}
	return pos, key, nil
}

// readUnits returns the read capacity consumed by reading size bytes.
func readUnits(size int, consistent bool) float64 {
	u := math.Max(1, math.Ceil(float64(size)/readUnitBytes))
	if !consistent {
		u /= 2
	}
	return u
}

// writeUnits returns the write capacity consumed by writing an item of size bytes.
func writeUnits(size int) float64 {
	return math.Max(1, math.Ceil(float64(size)/writeUnitBytes))
}

// Return modes of ReturnConsumedCapacity.
const (
	consumedIndexes = "INDEXES"
	consumedTotal   = "TOTAL"
	consumedNone    = "NONE"
)

// checkReturnConsumedCapacity records an invalid ReturnConsumedCapacity.
func (c *constraints) checkReturnConsumedCapacity(mode string) {
	c.checkEnum(mode, "returnConsumedCapacity", consumedIndexes, consumedTotal, consumedNone)
}

// wantsCapacity reports whether a ReturnConsumedCapacity mode asks for
// ConsumedCapacity, so that handlers compute it only then.
func wantsCapacity(mode string) bool { return mode == consumedTotal || mode == consumedIndexes }

// consumed returns the ConsumedCapacity to send for mode, or nil for NONE.
// write tells whether the units are write units.
func consumed(mode, table string, units float64, write bool) *wire.ConsumedCapacity {
	if !wantsCapacity(mode) {
		return nil
	}
	cc := &wire.ConsumedCapacity{TableName: &table, CapacityUnits: &units}
	if write {
		cc.WriteCapacityUnits = &units
	} else {
		cc.ReadCapacityUnits = &units
	}
	if mode == consumedIndexes {
		tu := units
		cc.Table = &wire.Capacity{CapacityUnits: &tu}
		if write {
			cc.Table.WriteCapacityUnits = &tu
		} else {
			cc.Table.ReadCapacityUnits = &tu
		}
	}
	return cc
}
