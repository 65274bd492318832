package router

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ctlSDKOpts compares AWS SDK structures, which carry unexported fields.
var ctlSDKOpts = cmp.Options{
	cmpopts.IgnoreUnexported(types.TableDescription{}, types.KeySchemaElement{}, types.AttributeDefinition{},
		types.ProvisionedThroughputDescription{}, types.BillingModeSummary{}, types.TableClassSummary{},
		types.Tag{}, types.TimeToLiveDescription{}, types.TimeToLiveSpecification{}),
}

// ctlErrorOf returns the DynamoDB error code and message of err, failing the
// test if err is not a DynamoDB error.
func ctlErrorOf(t *testing.T, err error) (code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want a DynamoDB API error", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// ctlWantError fails the test unless err is the DynamoDB error code with
// message msg.
func ctlWantError(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s: %s", code, msg)
	}
	gotCode, gotMsg := ctlErrorOf(t, err)
	if gotCode != code || gotMsg != msg {
		t.Errorf("error = %s: %q\nwant    %s: %q", gotCode, gotMsg, code, msg)
	}
}

// ctlHashTable returns a CreateTable request for a PROVISIONED table with a
// string partition key "pk".
func ctlHashTable(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:             aws.String(name),
		AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
	}
}

func ctlCreate(t *testing.T, env *testEnv, in *dynamodb.CreateTableInput) *types.TableDescription {
	t.Helper()
	out, err := env.client.CreateTable(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateTable(%s): %v", aws.ToString(in.TableName), err)
	}
	return out.TableDescription
}

var ctlUUIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestControlCreateDescribeDeleteLifecycle(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	in := &dynamodb.CreateTableInput{
		TableName: aws.String("Music"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("Song"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("Artist"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("Artist"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("Song"), KeyType: types.KeyTypeRange},
		},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(3), WriteCapacityUnits: aws.Int64(7)},
		Tags:                  []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	}
	created := ctlCreate(t, env, in)
	if !ctlUUIDPattern.MatchString(aws.ToString(created.TableId)) {
		t.Errorf("TableId = %q, want a version 4 UUID", aws.ToString(created.TableId))
	}
	if c := aws.ToTime(created.CreationDateTime); c.Before(before) || c.After(time.Now().Add(time.Second)) {
		t.Errorf("CreationDateTime = %v, want about now", c)
	}
	want := &types.TableDescription{
		TableName:   aws.String("Music"),
		TableStatus: types.TableStatusCreating,
		TableArn:    aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/Music"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("Artist"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("Song"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: in.KeySchema,
		ProvisionedThroughput: &types.ProvisionedThroughputDescription{
			NumberOfDecreasesToday: aws.Int64(0), ReadCapacityUnits: aws.Int64(3), WriteCapacityUnits: aws.Int64(7),
		},
		ItemCount:                 aws.Int64(0),
		TableSizeBytes:            aws.Int64(0),
		DeletionProtectionEnabled: aws.Bool(false),
		TableId:                   created.TableId,
		CreationDateTime:          created.CreationDateTime,
	}
	if diff := cmp.Diff(want, created, ctlSDKOpts); diff != "" {
		t.Errorf("CreateTable description (-want +got):\n%s", diff)
	}

	waiter := dynamodb.NewTableExistsWaiter(env.client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 20*time.Millisecond
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Music")}, 5*time.Second); err != nil {
		t.Fatalf("TableExists waiter: %v", err)
	}
	desc, err := env.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Music")})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	want.TableStatus = types.TableStatusActive
	if diff := cmp.Diff(want, desc.Table, ctlSDKOpts); diff != "" {
		t.Errorf("DescribeTable (-want +got):\n%s", diff)
	}

	_, err = env.client.CreateTable(ctx, in)
	ctlWantError(t, err, "ResourceInUseException", "Table already exists: Music")

	del, err := env.client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Music")})
	if err != nil {
		t.Fatalf("DeleteTable: %v", err)
	}
	want.TableStatus = types.TableStatusDeleting
	if diff := cmp.Diff(want, del.TableDescription, ctlSDKOpts); diff != "" {
		t.Errorf("DeleteTable description (-want +got):\n%s", diff)
	}
	gone := dynamodb.NewTableNotExistsWaiter(env.client, func(o *dynamodb.TableNotExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 20*time.Millisecond
	})
	if err := gone.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Music")}, 5*time.Second); err != nil {
		t.Fatalf("TableNotExists waiter: %v", err)
	}
	_, err = env.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Music")})
	ctlWantError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Music not found")
	_, err = env.client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Music")})
	ctlWantError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Music not found")
	list, err := env.client.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(list.TableNames) != 0 {
		t.Errorf("ListTables after delete = %v, %v; want no tables", list, err)
	}

	// The name is free again, and the new table is a different table.
	again := ctlCreate(t, env, ctlHashTable("Music"))
	if aws.ToString(again.TableId) == aws.ToString(created.TableId) {
		t.Errorf("re-created table has the old TableId %s", aws.ToString(again.TableId))
	}
}

func TestControlCreatePayPerRequestShape(t *testing.T) {
	env := newTestEnv(t)
	in := ctlHashTable("OnDemand")
	in.ProvisionedThroughput = nil
	in.BillingMode = types.BillingModePayPerRequest
	in.TableClass = types.TableClassStandardInfrequentAccess
	in.DeletionProtectionEnabled = aws.Bool(true)
	got := ctlCreate(t, env, in)
	want := &types.TableDescription{
		TableName:            aws.String("OnDemand"),
		TableStatus:          types.TableStatusCreating,
		TableArn:             aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/OnDemand"),
		AttributeDefinitions: in.AttributeDefinitions,
		KeySchema:            in.KeySchema,
		ProvisionedThroughput: &types.ProvisionedThroughputDescription{
			NumberOfDecreasesToday: aws.Int64(0), ReadCapacityUnits: aws.Int64(0), WriteCapacityUnits: aws.Int64(0),
		},
		BillingModeSummary: &types.BillingModeSummary{
			BillingMode:                       types.BillingModePayPerRequest,
			LastUpdateToPayPerRequestDateTime: got.CreationDateTime,
		},
		TableClassSummary:         &types.TableClassSummary{TableClass: types.TableClassStandardInfrequentAccess},
		ItemCount:                 aws.Int64(0),
		TableSizeBytes:            aws.Int64(0),
		DeletionProtectionEnabled: aws.Bool(true),
		TableId:                   got.TableId,
		CreationDateTime:          got.CreationDateTime,
	}
	if diff := cmp.Diff(want, got, ctlSDKOpts); diff != "" {
		t.Errorf("CreateTable description (-want +got):\n%s", diff)
	}
	if got.CreationDateTime == nil {
		t.Error("CreationDateTime missing")
	}
}

func TestControlCreateTableValidation(t *testing.T) {
	env := newTestEnv(t)
	ctlCreate(t, env, ctlHashTable("exists"))
	const prefix = "One or more parameter values were invalid: "
	s, n := types.ScalarAttributeTypeS, types.ScalarAttributeTypeN
	def := func(name string, typ types.ScalarAttributeType) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: typ}
	}
	key := func(name string, kt types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: kt}
	}
	pt := func(r, w int64) *types.ProvisionedThroughput {
		return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
	}
	with := func(f func(in *dynamodb.CreateTableInput)) *dynamodb.CreateTableInput {
		in := ctlHashTable("newtable")
		f(in)
		return in
	}
	tags := func(n int) []types.Tag {
		out := make([]types.Tag, n)
		for i := range out {
			out[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
		}
		return out
	}
	tests := []struct {
		name      string
		in        *dynamodb.CreateTableInput
		code, msg string
	}{
		{"existing table", ctlHashTable("exists"), "ResourceInUseException", "Table already exists: exists"},
		{"short name", ctlHashTable("ab"), "ValidationException", "TableName must be at least 3 characters long and at most 255 characters long"},
		{"long name", ctlHashTable(strings.Repeat("a", 256)), "ValidationException", "TableName must be at least 3 characters long and at most 255 characters long"},
		{"bad name characters", ctlHashTable("abc;"), "ValidationException",
			"1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"bad attribute type", with(func(in *dynamodb.CreateTableInput) { in.AttributeDefinitions[0].AttributeType = "SS" }), "ValidationException",
			"1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"},
		{"bad key type and low units", with(func(in *dynamodb.CreateTableInput) {
			in.KeySchema[0].KeyType = "Woop"
			in.ProvisionedThroughput = pt(0, -1)
		}), "ValidationException",
			"3 validation errors detected: " +
				"Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value 'Woop' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"},
		{"bad billing mode", with(func(in *dynamodb.CreateTableInput) { in.BillingMode = "FREE" }), "ValidationException",
			"1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"},
		{"key name too long", with(func(in *dynamodb.CreateTableInput) {
			long := strings.Repeat("k", 256)
			in.KeySchema[0].AttributeName = aws.String(long)
			in.AttributeDefinitions[0].AttributeName = aws.String(long)
		}), "ValidationException",
			"2 validation errors detected: " +
				"Value '" + strings.Repeat("k", 256) + "' at 'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: Member must have length less than or equal to 255; " +
				"Value '" + strings.Repeat("k", 256) + "' at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must have length less than or equal to 255"},
		{"empty key schema", with(func(in *dynamodb.CreateTableInput) { in.KeySchema = []types.KeySchemaElement{} }), "ValidationException",
			"1 validation error detected: Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"provisioned without throughput", with(func(in *dynamodb.CreateTableInput) { in.ProvisionedThroughput = nil }), "ValidationException",
			prefix + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"explicit provisioned without throughput", with(func(in *dynamodb.CreateTableInput) {
			in.ProvisionedThroughput = nil
			in.BillingMode = types.BillingModeProvisioned
		}), "ValidationException", prefix + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"pay per request with throughput", with(func(in *dynamodb.CreateTableInput) { in.BillingMode = types.BillingModePayPerRequest }), "ValidationException",
			prefix + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"read units out of bounds", with(func(in *dynamodb.CreateTableInput) { in.ProvisionedThroughput = pt(1000000000001, 1000000000001) }), "ValidationException",
			"Given value 1000000000001 for ReadCapacityUnits is out of bounds"},
		{"write units out of bounds", with(func(in *dynamodb.CreateTableInput) { in.ProvisionedThroughput = pt(1000000000000, 1000000000001) }), "ValidationException",
			"Given value 1000000000001 for WriteCapacityUnits is out of bounds"},
		{"more keys than definitions", with(func(in *dynamodb.CreateTableInput) {
			in.KeySchema = append(in.KeySchema, key("sk", types.KeyTypeRange))
		}), "ValidationException", "Invalid KeySchema: Some index key attribute have no definition"},
		{"key not defined", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{def("b", s)}
		}), "ValidationException",
			prefix + "Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [b]"},
		{"duplicate definition", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{def("pk", s), def("pk", n)}
		}), "ValidationException", "Attribute Name is duplicated: pk"},
		{"hash and range same name", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{def("pk", s), def("b", s)}
			in.KeySchema = []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("pk", types.KeyTypeRange)}
		}), "ValidationException", "Both the Hash Key and the Range Key element in the KeySchema have the same name"},
		{"first not hash", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{def("pk", s), def("b", s)}
			in.KeySchema = []types.KeySchemaElement{key("pk", types.KeyTypeRange), key("b", types.KeyTypeHash)}
		}), "ValidationException", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"second not range", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{def("pk", s), def("b", s)}
			in.KeySchema = []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("b", types.KeyTypeHash)}
		}), "ValidationException", "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"},
		{"extra definition", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, def("extra", n))
		}), "ValidationException", prefix + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{"global secondary index", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, def("g", s))
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{
				IndexName: aws.String("gsi"), KeySchema: []types.KeySchemaElement{key("g", types.KeyTypeHash)},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}, ProvisionedThroughput: pt(1, 1),
			}}
		}), "ValidationException", prefix + "GlobalSecondaryIndexes (secondary indexes) is not supported by atoll yet"},
		{"local secondary index", with(func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = []types.AttributeDefinition{def("pk", s), def("sk", s), def("l", s)}
			in.KeySchema = []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("sk", types.KeyTypeRange)}
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{
				IndexName: aws.String("lsi"), KeySchema: []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("l", types.KeyTypeRange)},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
			}}
		}), "ValidationException", prefix + "LocalSecondaryIndexes (secondary indexes) is not supported by atoll yet"},
		{"stream enabled", with(func(in *dynamodb.CreateTableInput) {
			in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage}
		}), "ValidationException", prefix + "StreamSpecification.StreamEnabled (DynamoDB Streams) is not supported by atoll yet"},
		{"stream disabled with view type", with(func(in *dynamodb.CreateTableInput) {
			in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(false), StreamViewType: types.StreamViewTypeNewImage}
		}), "ValidationException", prefix + "Table is being created with a stream disabled, UpdateViewType should not be specified"},
		{"kms encryption", with(func(in *dynamodb.CreateTableInput) {
			in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true), SSEType: types.SSETypeKms}
		}), "ValidationException", prefix + "SSESpecification with a KMS key is not supported by atoll yet"},
		{"bad table class", with(func(in *dynamodb.CreateTableInput) { in.TableClass = "GLACIER" }), "ValidationException",
			"Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."},
		{"on-demand throughput", with(func(in *dynamodb.CreateTableInput) {
			in.OnDemandThroughput = &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(10)}
		}), "ValidationException", prefix + "OnDemandThroughput is not supported by atoll yet"},
		{"too many tags", with(func(in *dynamodb.CreateTableInput) { in.Tags = tags(51) }), "ValidationException",
			"Number of Tags exceed the current limit for the provided ResourceArn"},
		{"reserved tag", with(func(in *dynamodb.CreateTableInput) {
			in.Tags = []types.Tag{{Key: aws.String("aws:owner"), Value: aws.String("x")}}
		}), "ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:owner"},
		{"tag key too long", with(func(in *dynamodb.CreateTableInput) {
			in.Tags = []types.Tag{{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("x")}}
		}), "ValidationException",
			"1 validation error detected: Value '" + strings.Repeat("k", 129) + "' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.client.CreateTable(context.Background(), tt.in)
			ctlWantError(t, err, tt.code, tt.msg)
			if tt.code == "ValidationException" {
				_, err := env.client.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: tt.in.TableName})
				if err == nil {
					t.Errorf("table %s exists after a refused CreateTable", aws.ToString(tt.in.TableName))
				}
			}
		})
	}
}

func TestControlDescribeTableValidation(t *testing.T) {
	env := newTestEnv(t)
	tests := []struct {
		name, table, msg string
	}{
		{"short", "ab", "TableName must be at least 3 characters long and at most 255 characters long"},
		{"long", strings.Repeat("x", 256), "TableName must be at least 3 characters long and at most 255 characters long"},
		{"pattern", "abc;", "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.client.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(tt.table)})
			ctlWantError(t, err, "ValidationException", tt.msg)
			_, err = env.client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(tt.table)})
			ctlWantError(t, err, "ValidationException", tt.msg)
			_, err = env.client.DescribeTimeToLive(context.Background(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(tt.table)})
			ctlWantError(t, err, "ValidationException", tt.msg)
		})
	}
}

func TestControlListTables(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	var want []string
	for i := range 105 {
		name := fmt.Sprintf("table-%03d", i)
		want = append(want, name)
		ctlCreate(t, env, ctlHashTable(name))
	}

	t.Run("paginator", func(t *testing.T) {
		p := dynamodb.NewListTablesPaginator(env.client, &dynamodb.ListTablesInput{Limit: aws.Int32(10)})
		var got []string
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("page %d: %v", pages, err)
			}
			got = append(got, page.TableNames...)
			pages++
			if pages > 20 {
				t.Fatal("paginator does not end")
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("all pages (-want +got):\n%s", diff)
		}
		if pages != 11 {
			t.Errorf("pages = %d, want 11", pages)
		}
	})
	t.Run("default limit is 100", func(t *testing.T) {
		out, err := env.client.ListTables(ctx, &dynamodb.ListTablesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.TableNames) != 100 || aws.ToString(out.LastEvaluatedTableName) != "table-099" {
			t.Errorf("ListTables() = %d names, last %q; want 100, table-099", len(out.TableNames), aws.ToString(out.LastEvaluatedTableName))
		}
	})
	t.Run("full last page still has LastEvaluatedTableName", func(t *testing.T) {
		out, err := env.client.ListTables(ctx, &dynamodb.ListTablesInput{ExclusiveStartTableName: aws.String("table-099"), Limit: aws.Int32(5)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[100:], out.TableNames); diff != "" {
			t.Errorf("names (-want +got):\n%s", diff)
		}
		if got := aws.ToString(out.LastEvaluatedTableName); got != "table-104" {
			t.Errorf("LastEvaluatedTableName = %q, want table-104", got)
		}
		next, err := env.client.ListTables(ctx, &dynamodb.ListTablesInput{ExclusiveStartTableName: out.LastEvaluatedTableName, Limit: aws.Int32(5)})
		if err != nil || len(next.TableNames) != 0 || next.LastEvaluatedTableName != nil {
			t.Errorf("page after the last = %+v, %v; want empty without LastEvaluatedTableName", next, err)
		}
	})
	t.Run("partial page has none", func(t *testing.T) {
		out, err := env.client.ListTables(ctx, &dynamodb.ListTablesInput{ExclusiveStartTableName: aws.String("table-100"), Limit: aws.Int32(10)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.TableNames) != 4 || out.LastEvaluatedTableName != nil {
			t.Errorf("ListTables = %v, last %v; want 4 names, none", out.TableNames, out.LastEvaluatedTableName)
		}
	})

	errs := []struct {
		name string
		in   *dynamodb.ListTablesInput
		msg  string
	}{
		{"limit zero", &dynamodb.ListTablesInput{Limit: aws.Int32(0)},
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"limit 101", &dynamodb.ListTablesInput{Limit: aws.Int32(101)},
			"1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"bad start and limit", &dynamodb.ListTablesInput{Limit: aws.Int32(500), ExclusiveStartTableName: aws.String("a;")},
			"3 validation errors detected: " +
				"Value '500' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100; " +
				"Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.client.ListTables(ctx, tt.in)
			ctlWantError(t, err, "ValidationException", tt.msg)
		})
	}
}

func TestControlDeletionProtection(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	in := ctlHashTable("guarded")
	in.DeletionProtectionEnabled = aws.Bool(true)
	ctlCreate(t, env, in)
	_, err := env.client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("guarded")})
	ctlWantError(t, err, "ValidationException",
		"Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")

	up, err := env.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("guarded"), DeletionProtectionEnabled: aws.Bool(false)})
	if err != nil {
		t.Fatalf("UpdateTable(DeletionProtectionEnabled=false): %v", err)
	}
	if aws.ToBool(up.TableDescription.DeletionProtectionEnabled) || up.TableDescription.TableStatus != types.TableStatusActive {
		t.Errorf("UpdateTable = protection %v, status %s; want false, ACTIVE",
			aws.ToBool(up.TableDescription.DeletionProtectionEnabled), up.TableDescription.TableStatus)
	}
	if _, err := env.client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("guarded")}); err != nil {
		t.Errorf("DeleteTable after disabling protection: %v", err)
	}
}

func TestControlUpdateTable(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	ctlCreate(t, env, ctlHashTable("prov"))
	ppr := ctlHashTable("ppr")
	ppr.ProvisionedThroughput = nil
	ppr.BillingMode = types.BillingModePayPerRequest
	ctlCreate(t, env, ppr)
	const prefix = "One or more parameter values were invalid: "
	pt := func(r, w int64) *types.ProvisionedThroughput {
		return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
	}

	errs := []struct {
		name      string
		in        *dynamodb.UpdateTableInput
		code, msg string
	}{
		{"nothing", &dynamodb.UpdateTableInput{TableName: aws.String("prov")}, "ValidationException",
			"At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"},
		{"missing table", &dynamodb.UpdateTableInput{TableName: aws.String("nope"), ProvisionedThroughput: pt(1, 2)}, "ResourceNotFoundException",
			"Requested resource not found: Table: nope not found"},
		{"same throughput", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), ProvisionedThroughput: pt(5, 5)}, "ValidationException",
			"The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."},
		{"zero units", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), ProvisionedThroughput: pt(0, 5)}, "ValidationException",
			"1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"out of bounds", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), ProvisionedThroughput: pt(5, 1000000000001)}, "ValidationException",
			"Given value 1000000000001 for WriteCapacityUnits is out of bounds"},
		{"throughput on demand", &dynamodb.UpdateTableInput{TableName: aws.String("ppr"), ProvisionedThroughput: pt(1, 1)}, "ValidationException",
			prefix + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"to provisioned without throughput", &dynamodb.UpdateTableInput{TableName: aws.String("ppr"), BillingMode: types.BillingModeProvisioned}, "ValidationException",
			prefix + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED"},
		{"to on demand with throughput", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), BillingMode: types.BillingModePayPerRequest, ProvisionedThroughput: pt(1, 1)}, "ValidationException",
			prefix + "ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST"},
		{"protection with another change", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), DeletionProtectionEnabled: aws.Bool(true), ProvisionedThroughput: pt(1, 1)}, "ValidationException",
			prefix + "DeletionProtection modification must be the only operation in the request"},
		{"table class with another change", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), TableClass: types.TableClassStandard, ProvisionedThroughput: pt(1, 1)}, "ValidationException",
			prefix + "TableClass modification must be the only operation in the request"},
		{"bad table class", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), TableClass: "COLD"}, "ValidationException",
			"Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."},
		{"index update", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{
			{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("gsi")}}}}, "ValidationException",
			prefix + "GlobalSecondaryIndexUpdates (secondary indexes) is not supported by atoll yet"},
		{"enable stream", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), StreamSpecification: &types.StreamSpecification{
			StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}}, "ValidationException",
			prefix + "StreamSpecification.StreamEnabled (DynamoDB Streams) is not supported by atoll yet"},
		{"disable absent stream", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), StreamSpecification: &types.StreamSpecification{
			StreamEnabled: aws.Bool(false)}}, "ValidationException", "Table has no stream to disable: TableName: prov"},
		{"default encryption again", &dynamodb.UpdateTableInput{TableName: aws.String("prov"), SSESpecification: &types.SSESpecification{Enabled: aws.Bool(false)}}, "ValidationException",
			prefix + "Table is already encrypted by default"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.client.UpdateTable(ctx, tt.in)
			ctlWantError(t, err, tt.code, tt.msg)
		})
	}

	t.Run("throughput change", func(t *testing.T) {
		out, err := env.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("prov"), ProvisionedThroughput: pt(10, 2)})
		if err != nil {
			t.Fatal(err)
		}
		d := out.TableDescription
		if d.TableStatus != types.TableStatusUpdating || aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 10 ||
			aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 2 {
			t.Errorf("UpdateTable = %s %d/%d, want UPDATING 10/2", d.TableStatus,
				aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits), aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits))
		}
		if d.ProvisionedThroughput.LastIncreaseDateTime == nil || d.ProvisionedThroughput.LastDecreaseDateTime == nil {
			t.Errorf("want both LastIncreaseDateTime and LastDecreaseDateTime, got %+v", d.ProvisionedThroughput)
		}
		desc, err := env.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("prov")})
		if err != nil {
			t.Fatal(err)
		}
		if desc.Table.TableStatus != types.TableStatusActive || aws.ToInt64(desc.Table.ProvisionedThroughput.ReadCapacityUnits) != 10 {
			t.Errorf("DescribeTable after update = %s, %d RCU; want ACTIVE, 10", desc.Table.TableStatus,
				aws.ToInt64(desc.Table.ProvisionedThroughput.ReadCapacityUnits))
		}
	})
	t.Run("billing mode round trip", func(t *testing.T) {
		out, err := env.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("prov"), BillingMode: types.BillingModePayPerRequest})
		if err != nil {
			t.Fatal(err)
		}
		d := out.TableDescription
		if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest ||
			d.BillingModeSummary.LastUpdateToPayPerRequestDateTime == nil || aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 0 {
			t.Errorf("after switch to PAY_PER_REQUEST: summary %+v, throughput %+v", d.BillingModeSummary, d.ProvisionedThroughput)
		}
		out, err = env.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("prov"),
			BillingMode: types.BillingModeProvisioned, ProvisionedThroughput: pt(4, 4)})
		if err != nil {
			t.Fatal(err)
		}
		d = out.TableDescription
		if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModeProvisioned ||
			aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 4 {
			t.Errorf("after switch to PROVISIONED: summary %+v, throughput %+v", d.BillingModeSummary, d.ProvisionedThroughput)
		}
	})
	t.Run("table class", func(t *testing.T) {
		out, err := env.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("prov"), TableClass: types.TableClassStandardInfrequentAccess})
		if err != nil {
			t.Fatal(err)
		}
		s := out.TableDescription.TableClassSummary
		if s == nil || s.TableClass != types.TableClassStandardInfrequentAccess || s.LastUpdateDateTime == nil {
			t.Errorf("TableClassSummary = %+v, want STANDARD_INFREQUENT_ACCESS with LastUpdateDateTime", s)
		}
	})
}

func TestControlTags(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	in := ctlHashTable("tagged")
	in.Tags = []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}
	d := ctlCreate(t, env, in)
	arn := d.TableArn
	list := func(t *testing.T) []types.Tag {
		t.Helper()
		out, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatalf("ListTagsOfResource: %v", err)
		}
		if out.NextToken != nil {
			t.Errorf("NextToken = %q, want none", aws.ToString(out.NextToken))
		}
		return out.Tags
	}
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

	if diff := cmp.Diff([]types.Tag{tag("env", "dev")}, list(t), ctlSDKOpts); diff != "" {
		t.Errorf("tags from CreateTable (-want +got):\n%s", diff)
	}
	if _, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn,
		Tags: []types.Tag{tag("env", "prod"), tag("team", "db"), tag("empty", "")}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if diff := cmp.Diff([]types.Tag{tag("env", "prod"), tag("team", "db"), tag("empty", "")}, list(t), ctlSDKOpts); diff != "" {
		t.Errorf("tags after TagResource (-want +got):\n%s", diff)
	}
	if _, err := env.client.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	if diff := cmp.Diff([]types.Tag{tag("team", "db"), tag("empty", "")}, list(t), ctlSDKOpts); diff != "" {
		t.Errorf("tags after UntagResource (-want +got):\n%s", diff)
	}

	many := make([]types.Tag, 48)
	for i := range many {
		many[i] = tag(fmt.Sprintf("k%02d", i), "v")
	}
	if _, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: many}); err != nil {
		t.Fatalf("TagResource up to 50 tags: %v", err)
	}
	if got := len(list(t)); got != 50 {
		t.Errorf("%d tags listed, want 50 in one page", got)
	}

	other := "arn:aws:dynamodb:us-east-1:000000000000:table/missing"
	errs := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"51st tag", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("one-more", "x")}})
			return err
		}, "ValidationException", "Number of Tags exceed the current limit for the provided ResourceArn"},
		{"no tags", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{}})
			return err
		}, "ValidationException", "Atleast one Tag needs to be provided as Input."},
		{"no tag keys", func() error {
			_, err := env.client.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: arn, TagKeys: []string{}})
			return err
		}, "ValidationException", "Atleast one Tag Key needs to be provided as Input."},
		{"bad key characters", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("a;b", "x")}})
			return err
		}, "ValidationException", "The Tag Key provided is invalid, Key: a;b"},
		{"bad value characters", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("k", "#!")}})
			return err
		}, "ValidationException", "The Tag Value provided is invalid, Value: #!"},
		{"reserved prefix", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("AWS:x", "v")}})
			return err
		}, "ValidationException", "Tag Key cannot be prefixed with aws:, Key: AWS:x"},
		{"duplicate keys", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("d", "1"), tag("d", "2")}})
			return err
		}, "ValidationException", "Duplicate Tag Keys provided as input: Duplicate Tag Key found d"},
		{"value too long", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("k", strings.Repeat("v", 257))}})
			return err
		}, "ValidationException", "1 validation error detected: Value '" + strings.Repeat("v", 257) +
			"' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"unknown table", func() error {
			_, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(other)})
			return err
		}, "ResourceNotFoundException", "Requested resource not found: ResourcArn: " + other + " not found"},
		{"tag unknown table", func() error {
			_, err := env.client.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(other), Tags: []types.Tag{tag("k", "v")}})
			return err
		}, "ResourceNotFoundException", "Requested resource not found: ResourcArn: " + other + " not found"},
		{"not an arn", func() error {
			_, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String("tagged")})
			return err
		}, "ValidationException", "One or more parameter values were invalid: ARNs must start with 'arn:': tagged"},
		{"other service", func() error {
			_, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String("arn:aws:s3:us-east-1:000000000000:table/tagged")})
			return err
		}, "ValidationException", "One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: arn:aws:s3:us-east-1:000000000000:table/tagged"},
		{"index arn", func() error {
			_, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(aws.ToString(arn) + "/index/gsi")})
			return err
		}, "ValidationException", "One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: " +
			aws.ToString(arn) + "/index/gsi"},
		{"other region", func() error {
			_, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String("arn:aws:dynamodb:eu-west-1:000000000000:table/tagged")})
			return err
		}, "ValidationException", "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:eu-west-1:000000000000:table/tagged"},
		{"short table name", func() error {
			_, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/ab")})
			return err
		}, "ValidationException", "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:us-east-1:000000000000:table/ab"},
		{"bad next token", func() error {
			_, err := env.client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: arn, NextToken: aws.String("zz")})
			return err
		}, "ValidationException", "Invalid NextToken"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			ctlWantError(t, tt.call(), tt.code, tt.msg)
		})
	}
	if got := len(list(t)); got != 50 {
		t.Errorf("%d tags after refused calls, want 50 (a refused TagResource changes nothing)", got)
	}
}

func TestControlTimeToLive(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	ctlCreate(t, env, ctlHashTable("ttl"))
	describe := func(t *testing.T) *types.TimeToLiveDescription {
		t.Helper()
		out, err := env.client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("ttl")})
		if err != nil {
			t.Fatalf("DescribeTimeToLive: %v", err)
		}
		return out.TimeToLiveDescription
	}
	update := func(attr string, enabled bool) (*dynamodb.UpdateTimeToLiveOutput, error) {
		return env.client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("ttl"),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(attr), Enabled: aws.Bool(enabled)}})
	}

	if diff := cmp.Diff(&types.TimeToLiveDescription{TimeToLiveStatus: types.TimeToLiveStatusDisabled}, describe(t), ctlSDKOpts); diff != "" {
		t.Errorf("initial TTL (-want +got):\n%s", diff)
	}
	_, err := update("expires", false)
	ctlWantError(t, err, "ValidationException", "TimeToLive is already disabled")

	out, err := update("expires", true)
	if err != nil {
		t.Fatalf("enable TTL: %v", err)
	}
	if diff := cmp.Diff(&types.TimeToLiveSpecification{AttributeName: aws.String("expires"), Enabled: aws.Bool(true)},
		out.TimeToLiveSpecification, ctlSDKOpts); diff != "" {
		t.Errorf("UpdateTimeToLive response (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&types.TimeToLiveDescription{TimeToLiveStatus: types.TimeToLiveStatusEnabled, AttributeName: aws.String("expires")},
		describe(t), ctlSDKOpts); diff != "" {
		t.Errorf("enabled TTL (-want +got):\n%s", diff)
	}
	_, err = update("expires", true)
	ctlWantError(t, err, "ValidationException", "TimeToLive is already enabled")
	_, err = update("other", true)
	ctlWantError(t, err, "ValidationException", "TimeToLive is active on a different AttributeName: current AttributeName is expires")

	if _, err := update("expires", false); err != nil {
		t.Fatalf("disable TTL: %v", err)
	}
	if got := describe(t).TimeToLiveStatus; got != types.TimeToLiveStatusDisabled {
		t.Errorf("status after disable = %s, want DISABLED", got)
	}

	_, err = env.client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("missing"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("a"), Enabled: aws.Bool(true)}})
	ctlWantError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: missing not found")
	_, err = env.client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("missing")})
	ctlWantError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: missing not found")
	_, err = update("", true)
	ctlWantError(t, err, "ValidationException", "TimeToLiveSpecification.AttributeName must be non empty")
}

// TestControlRawRequests sends requests the SDK refuses to build (missing
// required members, null members) and checks that each gets DynamoDB's
// 400 error, never a 500.
func TestControlRawRequests(t *testing.T) {
	env := newTestEnv(t)
	ctlCreate(t, env, ctlHashTable("raw"))
	tests := []struct {
		op, body, typ, msg string
	}{
		{"CreateTable", `{}`, "ValidationException", "The parameter 'TableName' is required but was not present in the request"},
		{"CreateTable", `{"TableName":"abc;"}`, "ValidationException",
			"3 validation errors detected: Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null; " +
				"Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value null at 'keySchema' failed to satisfy constraint: Member must not be null"},
		{"CreateTable", `{"TableName":"abc","AttributeDefinitions":[{}],"KeySchema":[{"KeyType":"HASH"},{"AttributeName":"a"},{"AttributeName":"a","KeyType":"HASH"}],"ProvisionedThroughput":{}}`,
			"ValidationException", "7 validation errors detected: " +
				"Value null at 'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must not be null; " +
				"Value '[KeySchemaElement(attributeName=null, keyType=HASH), KeySchemaElement(attributeName=a, keyType=null), KeySchemaElement(attributeName=a, keyType=HASH)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2; " +
				"Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must not be null"},
		{"CreateTable", `{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],"KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{}}`,
			"ValidationException", "1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null"},
		{"DescribeTable", `{}`, "ValidationException", "The parameter 'TableName' is required but was not present in the request"},
		{"DeleteTable", `{"TableName":null}`, "ValidationException", "The parameter 'TableName' is required but was not present in the request"},
		{"UpdateTable", `{"TableName":"raw","StreamSpecification":{}}`, "ValidationException",
			"1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null"},
		{"UpdateTable", `{"TableName":"raw","ProvisionedThroughput":{}}`, "ValidationException",
			"2 validation errors detected: Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must not be null"},
		{"UpdateTimeToLive", `{"TableName":"raw"}`, "ValidationException",
			"1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null"},
		{"UpdateTimeToLive", `{"TableName":"raw","TimeToLiveSpecification":{}}`, "ValidationException",
			"2 validation errors detected: Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null"},
		{"TagResource", `{}`, "ValidationException", "Invalid TableArn"},
		{"TagResource", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/raw","Tags":[{"Key":"k"}]}`, "ValidationException",
			"The Tag Value provided is invalid, Value: null"},
		{"UntagResource", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/raw"}`, "ValidationException",
			"Atleast one Tag Key needs to be provided as Input."},
		{"ListTagsOfResource", `{"ResourceArn":"arn:aws:dynamodb"}`, "ValidationException",
			"Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.body, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, env.url, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+tt.op)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("decode error body: %v", err)
			}
			if resp.StatusCode != http.StatusBadRequest || !strings.HasSuffix(body.Type, "#"+tt.typ) || body.Message != tt.msg {
				t.Errorf("%s %s = %d %s: %q\nwant 400 %s: %q", tt.op, tt.body, resp.StatusCode, body.Type, body.Message, tt.typ, tt.msg)
			}
		})
	}
}
