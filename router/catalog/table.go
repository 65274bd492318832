package catalog

import (
	"time"

	"github.com/atolldb/atoll/partition/value"
)

// Table states, as DynamoDB's TableStatus reports them.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusUpdating = "UPDATING"
	StatusDeleting = "DELETING"
)

// Billing modes.
const (
	BillingProvisioned   = "PROVISIONED"
	BillingPayPerRequest = "PAY_PER_REQUEST"
)

// KeyAttr is a key attribute of a table: its name and scalar type (S, N or B).
type KeyAttr struct {
	Name string     `json:"name"`
	Type value.Type `json:"type"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Table is the metadata of one table. Values returned by the Catalog are
// copies: changing one changes nothing stored.
type Table struct {
	// Name is the table name, unique among live tables.
	Name string `json:"name"`
	// ID is the internal table id, the prefix of every data key of the
	// table. IDs are never reused, so data of a deleted table that is still
	// being removed never shows through a new table of the same name.
	ID uint64 `json:"id"`
	// UUID is the table's TableId in DescribeTable.
	UUID string `json:"uuid"`
	// PartitionKey and SortKey are the key schema; SortKey.Name is empty
	// for a table without a sort key.
	PartitionKey KeyAttr `json:"pk"`
	SortKey      KeyAttr `json:"sk"`
	// Attributes are the AttributeDefinitions as given (name -> type).
	Attributes []KeyAttr `json:"attrs"`
	// Billing is BillingProvisioned or BillingPayPerRequest.
	Billing string `json:"billing"`
	// ReadCapacity and WriteCapacity are the provisioned throughput (0 on demand).
	ReadCapacity  int64 `json:"rcu"`
	WriteCapacity int64 `json:"wcu"`
	// LastIncrease and LastDecrease are when throughput last went up or down.
	LastIncrease time.Time `json:"lastIncrease"`
	LastDecrease time.Time `json:"lastDecrease"`
	// DecreasesOnDay is how many decreases were made on the UTC day of
	// LastDecrease (DynamoDB's NumberOfDecreasesToday while that day lasts).
	DecreasesOnDay int64 `json:"decreasesOnDay"`
	// BillingChanged is when the billing mode was last changed (zero if never).
	BillingChanged time.Time `json:"billingChanged"`
	// PayPerRequestSince is when the table last became PAY_PER_REQUEST
	// (at creation or by UpdateTable); zero if it never was. DynamoDB
	// reports it as BillingModeSummary.LastUpdateToPayPerRequestDateTime.
	PayPerRequestSince time.Time `json:"payPerRequestSince"`
	// BillingExplicit is whether BillingMode was ever given (at creation
	// or by UpdateTable): only then does DynamoDB describe a provisioned
	// table with a BillingModeSummary.
	BillingExplicit bool `json:"billingExplicit"`
	// Tags are the table's tags, in insertion order, keys unique.
	Tags []Tag `json:"tags"`
	// Status is the table status (StatusActive once created).
	Status string `json:"status"`
	// Created is the creation time.
	Created time.Time `json:"created"`
	// DeletionProtection refuses DeleteTable while set.
	DeletionProtection bool `json:"deletionProtection"`
	// TableClass is STANDARD or STANDARD_INFREQUENT_ACCESS, or "" when it
	// was never given (DynamoDB then omits TableClassSummary).
	TableClass string `json:"tableClass"`
	// TableClassChanged is when UpdateTable last changed the table class
	// (zero if never).
	TableClassChanged time.Time `json:"tableClassChanged"`
	// TTLAttribute is the time-to-live attribute name; TTLEnabled whether TTL is on.
	TTLAttribute string `json:"ttlAttribute"`
	TTLEnabled   bool   `json:"ttlEnabled"`
}

// HasSortKey reports whether the table has a sort key.
func (t *Table) HasSortKey() bool { return t.SortKey.Name != "" }

// Clone returns a deep copy of t.
func (t *Table) Clone() *Table {
	c := *t
	c.Attributes = append([]KeyAttr(nil), t.Attributes...)
	c.Tags = append([]Tag(nil), t.Tags...)
	return &c
}
