package router

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/wire"
)

// This file is the control plane for tables: CreateTable, DescribeTable,
// ListTables, DeleteTable and UpdateTable. Tags are in control_tags.go,
// time to live in control_ttl.go.
//
// Table states. A single node creates, changes and deletes a table's
// metadata at once, so a table is ACTIVE for every call after the one that
// created or changed it. The responses still carry the transitional status
// DynamoDB answers with (CreateTable: CREATING, DeleteTable: DELETING,
// UpdateTable of throughput, billing mode or table class: UPDATING), so
// that tools which check the response behave as against DynamoDB, and the
// SDK's waiters (TableExists, TableNotExists), which poll DescribeTable,
// finish on their first poll.

// registerControl registers the handlers of the control plane.
func (a *API) registerControl(s *Server) {
	Handle(s, "CreateTable", a.createTable)
	Handle(s, "DescribeTable", a.describeTable)
	Handle(s, "ListTables", a.listTables)
	Handle(s, "DeleteTable", a.deleteTable)
	Handle(s, "UpdateTable", a.updateTable)
	Handle(s, "TagResource", a.tagResource)
	Handle(s, "UntagResource", a.untagResource)
	Handle(s, "ListTagsOfResource", a.listTagsOfResource)
	Handle(s, "DescribeTimeToLive", a.describeTimeToLive)
	Handle(s, "UpdateTimeToLive", a.updateTimeToLive)
}

// Key types of KeySchemaElement.
const (
	keyTypeHash  = "HASH"
	keyTypeRange = "RANGE"
)

// Table classes.
const (
	tableClassStandard   = "STANDARD"
	tableClassInfrequent = "STANDARD_INFREQUENT_ACCESS"
)

// Messages of the control plane, DynamoDB's texts.
const (
	msgTableNameRequired   = "The parameter 'TableName' is required but was not present in the request"
	msgTableNameLength     = "TableName must be at least 3 characters long and at most 255 characters long"
	msgTableNotFound       = "Requested resource not found: Table: %s not found"
	msgTableExists         = "Table already exists: %s"
	msgPrefixInvalid       = "One or more parameter values were invalid: "
	msgPPRWithThroughput   = msgPrefixInvalid + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
	msgProvisionedNoUnits  = msgPrefixInvalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
	msgOutOfBounds         = "Given value %d for %s is out of bounds"
	msgKeyNoDefinition     = "Invalid KeySchema: Some index key attribute have no definition"
	msgKeysNotDefined      = msgPrefixInvalid + "Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]"
	msgKeysSameName        = "Both the Hash Key and the Range Key element in the KeySchema have the same name"
	msgFirstNotHash        = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
	msgSecondNotRange      = "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
	msgAttributeCount      = msgPrefixInvalid + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
	msgAttributeDuplicated = "Attribute Name is duplicated: %s"
	msgEmptyIndexList      = msgPrefixInvalid + "List of %s is empty"
	msgInvalidTableClass   = "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."
	msgStreamDisabledView  = msgPrefixInvalid + "Table is being created with a stream disabled, UpdateViewType should not be specified"
	msgSSETypeDisabled     = msgPrefixInvalid + "SSEType can not be specified if Enabled is false"
	msgSSEKeyDisabled      = msgPrefixInvalid + "KMSMasterKeyId can not be specified if Enabled is false"
	msgDeletionProtected   = "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
	msgNothingToUpdate     = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"
	msgThroughputUnchanged = "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
	msgPPRThroughputGiven  = msgPrefixInvalid + "ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST"
	msgProvisionedNeedsPT  = msgPrefixInvalid + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED"
	msgOnlyOperation       = msgPrefixInvalid + "%s modification must be the only operation in the request"
	msgAlreadyEncrypted    = msgPrefixInvalid + "Table is already encrypted by default"
	msgNoStreamToDisable   = "Table has no stream to disable: TableName: %s"
)

// unsupported is the ValidationException for a DynamoDB feature atoll does
// not have yet. It is never accepted and ignored: a client must not believe
// it got an index, a stream or a key it did not get.
func unsupported(feature string) error {
	return value.Validationf(msgPrefixInvalid+"%s is not supported by atoll yet", feature)
}

// tableNotFound is the ResourceNotFoundException of the control plane.
func tableNotFound(name string) error {
	return Errorf(CodeResourceNotFound, msgTableNotFound, name)
}

// controlTable returns the named table or the control plane's
// ResourceNotFoundException.
func (a *API) controlTable(name string) (*catalog.Table, error) {
	t, err := a.tables.Get(name)
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, tableNotFound(name)
	}
	if err != nil {
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	return t, nil
}

// namedTable checks the TableName of a control-plane request that names
// nothing else and returns the table, or the error DynamoDB gives.
func (a *API) namedTable(name *string) (*catalog.Table, error) {
	var c constraints
	if err := checkControlTableName(&c, name); err != nil {
		return nil, err
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return a.controlTable(*name)
}

// checkControlTableName checks the TableName of a control-plane operation
// the way DynamoDB does: a missing name and a name of the wrong length are
// reported on their own, before any constraint violation; a name outside
// the pattern is a constraint violation recorded in c.
func checkControlTableName(c *constraints, name *string) error {
	if name == nil {
		return value.Validationf(msgTableNameRequired)
	}
	if n := len(*name); n < MinTableNameLength || n > MaxTableNameLength {
		return value.Validationf(msgTableNameLength)
	}
	if !tableNamePattern.MatchString(*name) {
		c.add(quoted(*name), "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
	return nil
}

// checkLength records a string member shorter than lo or longer than hi
// bytes.
func (c *constraints) checkLength(s, path string, lo, hi int) {
	if len(s) < lo {
		c.add(quoted(s), path, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
	}
	if len(s) > hi {
		c.add(quoted(s), path, fmt.Sprintf("Member must have length less than or equal to %d", hi))
	}
}

// checkUnits records missing or non-positive capacity units of a
// ProvisionedThroughput member at path.
func (c *constraints) checkUnits(pt *wire.ProvisionedThroughput, path string) {
	if pt == nil {
		return
	}
	check := func(v *int64, member string) {
		switch {
		case v == nil:
			c.notNull(path + "." + member)
		case *v < 1:
			c.add(fmt.Sprintf("'%d'", *v), path+"."+member, "Member must have value greater than or equal to 1")
		}
	}
	check(pt.WriteCapacityUnits, "writeCapacityUnits")
	check(pt.ReadCapacityUnits, "readCapacityUnits")
}

// checkUnitBounds returns DynamoDB's error for capacity units above
// MaxCapacityUnits.
func checkUnitBounds(pt *wire.ProvisionedThroughput) error {
	if r := *pt.ReadCapacityUnits; r > MaxCapacityUnits {
		return value.Validationf(msgOutOfBounds, r, "ReadCapacityUnits")
	}
	if w := *pt.WriteCapacityUnits; w > MaxCapacityUnits {
		return value.Validationf(msgOutOfBounds, w, "WriteCapacityUnits")
	}
	return nil
}

// keySchemaString renders a KeySchema list as DynamoDB's constraint
// messages show a list value.
func keySchemaString(ks []wire.KeySchemaElement) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		name := "null"
		if k.AttributeName != nil {
			name = *k.AttributeName
		}
		keyType := k.KeyType
		if keyType == "" {
			keyType = "null"
		}
		parts[i] = fmt.Sprintf("KeySchemaElement(attributeName=%s, keyType=%s)", name, keyType)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// newTableUUID returns a random version 4 UUID, the TableId of a new table.
func newTableUUID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("table id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

func (a *API) createTable(ctx context.Context, in *wire.CreateTableInput) (*wire.CreateTableOutput, error) {
	t, err := a.checkCreateTable(in)
	if err != nil {
		return nil, err
	}
	id, err := newTableUUID(a.rand)
	if err != nil {
		return nil, err
	}
	now := a.now()
	t.UUID = id
	t.Created = now
	t.Status = catalog.StatusActive
	if t.Billing == catalog.BillingPayPerRequest {
		t.PayPerRequestSince = now
	}
	created, err := a.tables.Create(t)
	if errors.Is(err, catalog.ErrTableExists) {
		return nil, Errorf(CodeResourceInUse, msgTableExists, t.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("create table %q: %w", t.Name, err)
	}
	a.log.Info("table created", "table", created.Name, "id", created.ID)
	return &wire.CreateTableOutput{TableDescription: a.describe(created, catalog.StatusCreating, 0, 0)}, nil
}

// checkCreateTable validates a CreateTable request in DynamoDB's order
// (the table name, then every constraint violation together, then the
// semantic rules one at a time) and returns the table it describes.
func (a *API) checkCreateTable(in *wire.CreateTableInput) (*catalog.Table, error) {
	var c constraints
	if in.TableName == nil {
		return nil, value.Validationf(msgTableNameRequired)
	}
	if n := len(*in.TableName); n < MinTableNameLength || n > MaxTableNameLength {
		return nil, value.Validationf(msgTableNameLength)
	}
	if in.AttributeDefinitions == nil {
		c.notNull("attributeDefinitions")
	}
	for i, d := range in.AttributeDefinitions {
		path := fmt.Sprintf("attributeDefinitions.%d.member.", i+1)
		if d.AttributeName == nil {
			c.notNull(path + "attributeName")
		} else {
			c.checkLength(*d.AttributeName, path+"attributeName", 1, value.MaxKeyAttributeNameSize)
		}
		if d.AttributeType == "" {
			c.notNull(path + "attributeType")
		} else {
			c.checkEnum(d.AttributeType, path+"attributeType", "B", "N", "S")
		}
	}
	if !tableNamePattern.MatchString(*in.TableName) {
		c.add(quoted(*in.TableName), "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
	c.checkEnum(in.BillingMode, "billingMode", catalog.BillingProvisioned, catalog.BillingPayPerRequest)
	c.checkUnits(in.ProvisionedThroughput, "provisionedThroughput")
	switch {
	case in.KeySchema == nil:
		c.notNull("keySchema")
	case len(in.KeySchema) == 0:
		c.add("'[]'", "keySchema", "Member must have length greater than or equal to 1")
	case len(in.KeySchema) > 2:
		c.add(quoted(keySchemaString(in.KeySchema)), "keySchema", "Member must have length less than or equal to 2")
	}
	for i, k := range in.KeySchema {
		path := fmt.Sprintf("keySchema.%d.member.", i+1)
		if k.AttributeName == nil {
			c.notNull(path + "attributeName")
		} else {
			c.checkLength(*k.AttributeName, path+"attributeName", 1, value.MaxKeyAttributeNameSize)
		}
		if k.KeyType == "" {
			c.notNull(path + "keyType")
		} else {
			c.checkEnum(k.KeyType, path+"keyType", keyTypeHash, keyTypeRange)
		}
	}
	if in.StreamSpecification != nil && in.StreamSpecification.StreamEnabled == nil {
		c.notNull("streamSpecification.streamEnabled")
	}
	c.checkTags(in.Tags)
	if err := c.err(); err != nil {
		return nil, err
	}

	billing := in.BillingMode
	if billing == "" {
		billing = catalog.BillingProvisioned
	}
	pt := in.ProvisionedThroughput
	if billing == catalog.BillingPayPerRequest {
		if pt != nil {
			return nil, value.Validationf(msgPPRWithThroughput)
		}
	} else {
		if pt == nil {
			return nil, value.Validationf(msgProvisionedNoUnits)
		}
		if err := checkUnitBounds(pt); err != nil {
			return nil, err
		}
	}

	defs := make([]string, len(in.AttributeDefinitions))
	types := make(map[string]value.Type, len(defs))
	for i, d := range in.AttributeDefinitions {
		defs[i] = *d.AttributeName
		typ, _ := value.ParseType(d.AttributeType)
		types[*d.AttributeName] = typ
	}
	keys := make([]string, len(in.KeySchema))
	for i, k := range in.KeySchema {
		keys[i] = *k.AttributeName
	}
	if len(keys) > len(defs) {
		return nil, value.Validationf(msgKeyNoDefinition)
	}
	if len(types) != len(defs) {
		for i, name := range defs {
			if slices.Contains(defs[:i], name) {
				return nil, value.Validationf(msgAttributeDuplicated, name)
			}
		}
	}
	for _, k := range keys {
		if _, ok := types[k]; !ok {
			return nil, value.Validationf(msgKeysNotDefined, strings.Join(keys, ", "), strings.Join(defs, ", "))
		}
	}
	if len(keys) == 2 && keys[0] == keys[1] {
		return nil, value.Validationf(msgKeysSameName)
	}
	if in.KeySchema[0].KeyType != keyTypeHash {
		return nil, value.Validationf(msgFirstNotHash)
	}
	if len(keys) == 2 && in.KeySchema[1].KeyType != keyTypeRange {
		return nil, value.Validationf(msgSecondNotRange)
	}
	if in.LocalSecondaryIndexes != nil {
		if len(in.LocalSecondaryIndexes) == 0 {
			return nil, value.Validationf(msgEmptyIndexList, "LocalSecondaryIndexes")
		}
		return nil, unsupported("LocalSecondaryIndexes (secondary indexes)")
	}
	if in.GlobalSecondaryIndexes != nil {
		if len(in.GlobalSecondaryIndexes) == 0 {
			return nil, value.Validationf(msgEmptyIndexList, "GlobalSecondaryIndexes")
		}
		return nil, unsupported("GlobalSecondaryIndexes (secondary indexes)")
	}
	if len(keys) != len(defs) {
		return nil, value.Validationf(msgAttributeCount)
	}
	if err := checkTagRules(in.Tags); err != nil {
		return nil, err
	}
	if s := in.StreamSpecification; s != nil {
		if *s.StreamEnabled {
			return nil, unsupported("StreamSpecification.StreamEnabled (DynamoDB Streams)")
		}
		if s.StreamViewType != "" {
			return nil, value.Validationf(msgStreamDisabledView)
		}
	}
	if err := checkSSE(in.SSESpecification); err != nil {
		return nil, err
	}
	if in.TableClass != "" && in.TableClass != tableClassStandard && in.TableClass != tableClassInfrequent {
		return nil, value.Validationf(msgInvalidTableClass)
	}
	switch {
	case in.OnDemandThroughput != nil:
		return nil, unsupported("OnDemandThroughput")
	case in.WarmThroughput != nil:
		return nil, unsupported("WarmThroughput")
	case in.ResourcePolicy != nil:
		return nil, unsupported("ResourcePolicy")
	case in.GlobalTableSourceArn != nil || in.GlobalTableSettingsReplicationMode != "":
		return nil, unsupported("Global tables")
	case in.VectorIndexes != nil:
		return nil, unsupported("VectorIndexes")
	}

	t := &catalog.Table{
		Name:               *in.TableName,
		PartitionKey:       catalog.KeyAttr{Name: keys[0], Type: types[keys[0]]},
		Billing:            billing,
		BillingExplicit:    in.BillingMode != "",
		TableClass:         in.TableClass,
		DeletionProtection: in.DeletionProtectionEnabled != nil && *in.DeletionProtectionEnabled,
	}
	if len(keys) == 2 {
		t.SortKey = catalog.KeyAttr{Name: keys[1], Type: types[keys[1]]}
	}
	for _, name := range defs {
		t.Attributes = append(t.Attributes, catalog.KeyAttr{Name: name, Type: types[name]})
	}
	if pt != nil {
		t.ReadCapacity, t.WriteCapacity = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
	}
	for _, tag := range in.Tags {
		t.Tags = setTag(t.Tags, *tag.Key, *tag.Value)
	}
	return t, nil
}

// checkSSE accepts only DynamoDB's default encryption (an AWS owned key):
// encryption with a KMS key is not supported yet.
func checkSSE(s *wire.SSESpecification) error {
	if s == nil {
		return nil
	}
	if s.Enabled != nil && !*s.Enabled {
		if s.SSEType != "" {
			return value.Validationf(msgSSETypeDisabled)
		}
		if s.KMSMasterKeyId != nil {
			return value.Validationf(msgSSEKeyDisabled)
		}
		return nil
	}
	if s.Enabled != nil || s.SSEType != "" || s.KMSMasterKeyId != nil {
		return unsupported("SSESpecification with a KMS key")
	}
	return nil
}

func (a *API) describeTable(ctx context.Context, in *wire.DescribeTableInput) (*wire.DescribeTableOutput, error) {
	t, err := a.namedTable(in.TableName)
	if err != nil {
		return nil, err
	}
	count, size, err := a.store.TableStats(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("table %q stats: %w", t.Name, err)
	}
	return &wire.DescribeTableOutput{Table: a.describe(t, t.Status, count, size)}, nil
}

// describe returns the TableDescription of t with the given status and
// statistics, in DynamoDB's shape: members DynamoDB omits for a table
// (BillingModeSummary of a table never given a billing mode,
// TableClassSummary of a table never given a class, throughput change
// dates that never happened) are omitted.
func (a *API) describe(t *catalog.Table, status string, count, size int64) *wire.TableDescription {
	attrs := slices.Clone(t.Attributes)
	slices.SortFunc(attrs, func(x, y catalog.KeyAttr) int { return strings.Compare(x.Name, y.Name) })
	d := &wire.TableDescription{
		TableName:                 ptr(t.Name),
		TableStatus:               status,
		TableArn:                  ptr(a.tableARN(t.Name)),
		TableId:                   ptr(t.UUID),
		CreationDateTime:          ptr(t.Created),
		ItemCount:                 ptr(count),
		TableSizeBytes:            ptr(size),
		DeletionProtectionEnabled: ptr(t.DeletionProtection),
		KeySchema:                 []wire.KeySchemaElement{{AttributeName: ptr(t.PartitionKey.Name), KeyType: keyTypeHash}},
	}
	if t.HasSortKey() {
		d.KeySchema = append(d.KeySchema, wire.KeySchemaElement{AttributeName: ptr(t.SortKey.Name), KeyType: keyTypeRange})
	}
	for _, at := range attrs {
		d.AttributeDefinitions = append(d.AttributeDefinitions, wire.AttributeDefinition{AttributeName: ptr(at.Name), AttributeType: at.Type.String()})
	}
	var decreases int64
	if sameUTCDay(t.LastDecrease, a.now()) {
		decreases = t.DecreasesOnDay
	}
	pt := &wire.ProvisionedThroughputDescription{
		NumberOfDecreasesToday: ptr(decreases),
		ReadCapacityUnits:      ptr(t.ReadCapacity),
		WriteCapacityUnits:     ptr(t.WriteCapacity),
	}
	if !t.LastIncrease.IsZero() {
		pt.LastIncreaseDateTime = ptr(t.LastIncrease)
	}
	if !t.LastDecrease.IsZero() {
		pt.LastDecreaseDateTime = ptr(t.LastDecrease)
	}
	d.ProvisionedThroughput = pt
	if t.Billing == catalog.BillingPayPerRequest || t.BillingExplicit {
		d.BillingModeSummary = &wire.BillingModeSummary{BillingMode: t.Billing}
		if !t.PayPerRequestSince.IsZero() {
			d.BillingModeSummary.LastUpdateToPayPerRequestDateTime = ptr(t.PayPerRequestSince)
		}
	}
	if t.TableClass != "" {
		d.TableClassSummary = &wire.TableClassSummary{TableClass: t.TableClass}
		if !t.TableClassChanged.IsZero() {
			d.TableClassSummary.LastUpdateDateTime = ptr(t.TableClassChanged)
		}
	}
	return d
}

func (a *API) listTables(ctx context.Context, in *wire.ListTablesInput) (*wire.ListTablesOutput, error) {
	var c constraints
	limit := MaxListTablesLimit
	if in.Limit != nil {
		switch l := *in.Limit; {
		case l < 1:
			c.add(fmt.Sprintf("'%d'", l), "limit", "Member must have value greater than or equal to 1")
		case l > MaxListTablesLimit:
			c.add(fmt.Sprintf("'%d'", l), "limit", fmt.Sprintf("Member must have value less than or equal to %d", MaxListTablesLimit))
		default:
			limit = int(l)
		}
	}
	if s := in.ExclusiveStartTableName; s != nil {
		if !tableNamePattern.MatchString(*s) {
			c.add(quoted(*s), "exclusiveStartTableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
		}
		c.checkLength(*s, "exclusiveStartTableName", MinTableNameLength, MaxTableNameLength)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	out := &wire.ListTablesOutput{TableNames: []string{}}
	for _, t := range a.tables.List() {
		if in.ExclusiveStartTableName != nil && t.Name <= *in.ExclusiveStartTableName {
			continue
		}
		out.TableNames = append(out.TableNames, t.Name)
		if len(out.TableNames) == limit {
			// DynamoDB returns LastEvaluatedTableName whenever a page is
			// full, even when no table follows: the next page is empty.
			out.LastEvaluatedTableName = ptr(t.Name)
			break
		}
	}
	return out, nil
}

func (a *API) deleteTable(ctx context.Context, in *wire.DeleteTableInput) (*wire.DeleteTableOutput, error) {
	cur, err := a.namedTable(in.TableName)
	if err != nil {
		return nil, err
	}
	if cur.DeletionProtection {
		return nil, value.Validationf(msgDeletionProtected)
	}
	// The statistics are read before the table goes: a racing write may
	// make them one item stale, which DynamoDB's are too.
	count, size, err := a.store.TableStats(ctx, cur.ID)
	if err != nil {
		return nil, fmt.Errorf("table %q stats: %w", cur.Name, err)
	}
	t, err := a.tables.Delete(cur.Name, func(t *catalog.Table) error {
		if t.DeletionProtection {
			return value.Validationf(msgDeletionProtected)
		}
		return nil
	})
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, tableNotFound(cur.Name)
	}
	if err != nil {
		return nil, err
	}
	a.store.DropTable(t.ID)
	a.capacity.Forget(t.ID)
	a.log.Info("table deleted", "table", t.Name, "id", t.ID)
	return &wire.DeleteTableOutput{TableDescription: a.describe(t, catalog.StatusDeleting, count, size)}, nil
}

func (a *API) updateTable(ctx context.Context, in *wire.UpdateTableInput) (*wire.UpdateTableOutput, error) {
	var c constraints
	if err := checkControlTableName(&c, in.TableName); err != nil {
		return nil, err
	}
	c.checkEnum(in.BillingMode, "billingMode", catalog.BillingProvisioned, catalog.BillingPayPerRequest)
	c.checkUnits(in.ProvisionedThroughput, "provisionedThroughput")
	if in.StreamSpecification != nil && in.StreamSpecification.StreamEnabled == nil {
		c.notNull("streamSpecification.streamEnabled")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := checkUpdateTableShape(in); err != nil {
		return nil, err
	}
	if pt := in.ProvisionedThroughput; pt != nil {
		if err := checkUnitBounds(pt); err != nil {
			return nil, err
		}
	}
	now := a.now()
	status := catalog.StatusUpdating
	if in.DeletionProtectionEnabled != nil {
		status = catalog.StatusActive // a flag, no resources move
	}
	t, err := a.tables.Update(*in.TableName, func(t *catalog.Table) error {
		return applyTableUpdate(t, in, now)
	})
	if errors.Is(err, catalog.ErrTableNotFound) {
		return nil, tableNotFound(*in.TableName)
	}
	if err != nil {
		return nil, err
	}
	// The new throughput takes effect at once on this router; the
	// others adopt it with their next request to the table.
	a.capacity.Update(t.ID, throughput(t))
	count, size, err := a.store.TableStats(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("table %q stats: %w", t.Name, err)
	}
	return &wire.UpdateTableOutput{TableDescription: a.describe(t, status, count, size)}, nil
}

// checkUpdateTableShape checks which members an UpdateTable request
// combines, before the table is looked at.
func checkUpdateTableShape(in *wire.UpdateTableInput) error {
	switch {
	case len(in.GlobalSecondaryIndexUpdates) > 0:
		return unsupported("GlobalSecondaryIndexUpdates (secondary indexes)")
	case len(in.ReplicaUpdates) > 0 || len(in.GlobalTableWitnessUpdates) > 0 || in.MultiRegionConsistency != "" ||
		in.GlobalTableSettingsReplicationMode != "":
		return unsupported("Global tables")
	case in.OnDemandThroughput != nil:
		return unsupported("OnDemandThroughput")
	case in.WarmThroughput != nil:
		return unsupported("WarmThroughput")
	case len(in.VectorIndexUpdates) > 0:
		return unsupported("VectorIndexUpdates")
	case in.StreamSpecification != nil && *in.StreamSpecification.StreamEnabled:
		return unsupported("StreamSpecification.StreamEnabled (DynamoDB Streams)")
	}
	changes := 0
	for _, set := range []bool{in.BillingMode != "", in.ProvisionedThroughput != nil, in.DeletionProtectionEnabled != nil,
		in.TableClass != "", in.SSESpecification != nil, in.StreamSpecification != nil} {
		if set {
			changes++
		}
	}
	switch {
	case changes == 0:
		return value.Validationf(msgNothingToUpdate)
	case in.TableClass != "" && in.TableClass != tableClassStandard && in.TableClass != tableClassInfrequent:
		return value.Validationf(msgInvalidTableClass)
	case in.SSESpecification != nil && changes > 1:
		return value.Validationf(msgOnlyOperation, "Server-Side Encryption")
	case in.TableClass != "" && changes > 1:
		return value.Validationf(msgOnlyOperation, "TableClass")
	case in.DeletionProtectionEnabled != nil && changes > 1:
		return value.Validationf(msgOnlyOperation, "DeletionProtection")
	case in.BillingMode == catalog.BillingPayPerRequest && in.ProvisionedThroughput != nil:
		return value.Validationf(msgPPRThroughputGiven)
	}
	if in.SSESpecification != nil {
		if err := checkSSE(in.SSESpecification); err != nil {
			return err
		}
	}
	return nil
}

// applyTableUpdate applies a checked UpdateTable request to t, returning
// DynamoDB's error for a change the table's state refuses.
func applyTableUpdate(t *catalog.Table, in *wire.UpdateTableInput, now time.Time) error {
	if in.SSESpecification != nil {
		// Only the default encryption is supported, which the table has.
		return value.Validationf(msgAlreadyEncrypted)
	}
	if in.StreamSpecification != nil {
		// Streams cannot be enabled, so there is never one to disable.
		return value.Validationf(msgNoStreamToDisable, t.Name)
	}
	if in.DeletionProtectionEnabled != nil {
		t.DeletionProtection = *in.DeletionProtectionEnabled
	}
	if in.TableClass != "" {
		if in.TableClass != t.TableClass {
			t.TableClassChanged = now
		}
		t.TableClass = in.TableClass
	}
	billing := t.Billing
	if in.BillingMode != "" {
		billing = in.BillingMode
	}
	pt := in.ProvisionedThroughput
	switch {
	case billing == catalog.BillingPayPerRequest && pt != nil:
		return value.Validationf(msgPPRWithThroughput)
	case billing == catalog.BillingProvisioned && t.Billing == catalog.BillingPayPerRequest && pt == nil:
		return value.Validationf(msgProvisionedNeedsPT)
	}
	if billing != t.Billing {
		t.BillingChanged = now
		if billing == catalog.BillingPayPerRequest {
			t.PayPerRequestSince = now
			t.ReadCapacity, t.WriteCapacity = 0, 0
		}
		t.Billing = billing
	}
	if in.BillingMode != "" {
		t.BillingExplicit = true
	}
	if pt != nil {
		r, w := *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		if r == t.ReadCapacity && w == t.WriteCapacity {
			return value.Validationf(msgThroughputUnchanged, t.ReadCapacity, r, t.WriteCapacity, w)
		}
		if r > t.ReadCapacity || w > t.WriteCapacity {
			t.LastIncrease = now
		}
		if (r < t.ReadCapacity || w < t.WriteCapacity) && t.ReadCapacity > 0 {
			if sameUTCDay(t.LastDecrease, now) {
				t.DecreasesOnDay++
			} else {
				t.DecreasesOnDay = 1
			}
			t.LastDecrease = now
		}
		t.ReadCapacity, t.WriteCapacity = r, w
	}
	return nil
}

// sameUTCDay reports whether a (not zero) falls on b's UTC calendar day:
// NumberOfDecreasesToday counts "the number of provisioned throughput
// decreases for this table during this UTC calendar day".
func sameUTCDay(a, b time.Time) bool {
	if a.IsZero() {
		return false
	}
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	return ay == by && am == bm && ad == bd
}
