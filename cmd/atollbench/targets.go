package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/node"
)

// The record model, YCSB's: a string key and fieldCount string fields of
// fieldLen bytes each (1000 bytes of values, about 1.1 KB with the names
// and the key as DynamoDB counts item size).
const (
	keyAttr    = "pk"
	fieldCount = 10
	fieldLen   = 100
)

// fieldNames are the names of the value attributes: field0 ... field9.
var fieldNames = func() [fieldCount]string {
	var n [fieldCount]string
	for i := range n {
		n[i] = "field" + strconv.Itoa(i)
	}
	return n
}()

// recordKey is the key of record i, "user" and 12 digits.
func recordKey(i uint64) string { return fmt.Sprintf("user%012d", i) }

// errNotFound is returned by a target's Get when the record is missing:
// every read goes to a loaded record, so it is counted as an error.
var errNotFound = errors.New("record not found")

// target is what a workload runs against. Workers call its methods
// concurrently; each blocks until the operation is acknowledged (for
// writes: durable, for the targets that store).
type target interface {
	// Put writes the whole record.
	Put(ctx context.Context, key string, fields *[fieldCount]string) error
	// Get reads the whole record, or returns errNotFound.
	Get(ctx context.Context, key string) error
	// Update replaces one field of the record.
	Update(ctx context.Context, key string, field int, val string) error
}

var (
	_ target = (*sdkTarget)(nil)
	_ target = (*badgerTarget)(nil)
)

// sdkTarget runs the operations as PutItem, GetItem and UpdateItem with
// one AWS SDK client shared by all workers.
type sdkTarget struct {
	client *dynamodb.Client
	table  string
}

// newSDKClient returns a DynamoDB client for endpoint whose HTTP transport
// keeps at least conns idle connections to the host, with retries off (a
// failed request is counted, not retried).
func newSDKClient(endpoint string, conns int) *dynamodb.Client {
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = max(100, 2*conns)
		tr.MaxIdleConnsPerHost = max(conns, 2)
		tr.IdleConnTimeout = 90 * time.Second
	})
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("atollbench", "atollbench", ""),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   httpClient,
		Retryer:      aws.NopRetryer{},
	})
}

func (t *sdkTarget) Put(ctx context.Context, key string, fields *[fieldCount]string) error {
	item := make(map[string]types.AttributeValue, fieldCount+1)
	item[keyAttr] = &types.AttributeValueMemberS{Value: key}
	for i, v := range fields {
		item[fieldNames[i]] = &types.AttributeValueMemberS{Value: v}
	}
	_, err := t.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &t.table, Item: item})
	return err
}

func (t *sdkTarget) Get(ctx context.Context, key string) error {
	out, err := t.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &t.table,
		Key:       map[string]types.AttributeValue{keyAttr: &types.AttributeValueMemberS{Value: key}},
	})
	if err != nil {
		return err
	}
	if out.Item == nil {
		return errNotFound
	}
	return nil
}

func (t *sdkTarget) Update(ctx context.Context, key string, field int, val string) error {
	_, err := t.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &t.table,
		Key:                       map[string]types.AttributeValue{keyAttr: &types.AttributeValueMemberS{Value: key}},
		UpdateExpression:          aws.String("SET #f = :v"),
		ExpressionAttributeNames:  map[string]string{"#f": fieldNames[field]},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: val}},
	})
	return err
}

// createTable creates the benchmark table (string hash key keyAttr, on
// demand) and waits until it is ACTIVE. An existing table is reused.
func createTable(ctx context.Context, c *dynamodb.Client, table string) error {
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &table,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(keyAttr), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(keyAttr), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", table, err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table})
		if err != nil {
			return fmt.Errorf("describe table %s: %w", table, err)
		}
		if out.Table != nil && out.Table.TableStatus == types.TableStatusActive {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("table %s not ACTIVE after 60s", table)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// badgerTarget is the storage limit: the same operations straight on an
// in-process Badger with SyncWrites (fsync before a write returns), sized
// like atoll's data Badger. A record is its fields concatenated under its
// key; Update is a read-modify-write in one transaction.
type badgerTarget struct {
	db *badger.DB
}

// openBadger opens the baseline Badger in dir with atoll's storage sizes
// (node.DefaultConfig().Storage and the options of node/badger.go) and
// SyncWrites on.
func openBadger(dir string) (*badgerTarget, error) {
	s := node.DefaultConfig().Storage
	opts := badger.DefaultOptions(dir).
		WithLogger(nil).
		WithSyncWrites(true).
		WithDetectConflicts(false).
		WithMemTableSize(s.MemTableSize).
		WithNumMemtables(s.NumMemtables).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithBaseTableSize(4 << 20).
		WithBlockCacheSize(s.BlockCacheSize).
		WithIndexCacheSize(s.IndexCacheSize).
		WithValueLogFileSize(s.ValueLogFileSize).
		WithNumCompactors(2)
	db, err := badger.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open baseline Badger: %w", err)
	}
	return &badgerTarget{db: db}, nil
}

func (t *badgerTarget) Close() error { return t.db.Close() }

func (t *badgerTarget) Put(_ context.Context, key string, fields *[fieldCount]string) error {
	v := make([]byte, 0, fieldCount*fieldLen)
	for _, f := range fields {
		v = append(v, f...)
	}
	return t.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(key), v) })
}

func (t *badgerTarget) Get(_ context.Context, key string) error {
	return t.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get([]byte(key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		_, err = it.ValueCopy(nil)
		return err
	})
}

func (t *badgerTarget) Update(_ context.Context, key string, field int, val string) error {
	return t.db.Update(func(txn *badger.Txn) error {
		it, err := txn.Get([]byte(key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		v, err := it.ValueCopy(nil)
		if err != nil {
			return err
		}
		if len(v) < (field+1)*fieldLen {
			return fmt.Errorf("record %s has %d bytes, want %d", key, len(v), fieldCount*fieldLen)
		}
		copy(v[field*fieldLen:(field+1)*fieldLen], val)
		return txn.Set([]byte(key), v)
	})
}
