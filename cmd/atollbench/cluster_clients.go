package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

const clusterTable = "usertable"

var (
	_ target = consistentTarget{}
	_ target = (*etcdTarget)(nil)
)

// consistentTarget is sdkTarget with GetItem's ConsistentRead set: a
// linearizable read at the owning group's leader.
type consistentTarget struct{ *sdkTarget }

func (t consistentTarget) Get(ctx context.Context, key string) error {
	out, err := t.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &t.table,
		Key:            map[string]types.AttributeValue{keyAttr: &types.AttributeValueMemberS{Value: key}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return err
	}
	if out.Item == nil {
		return errNotFound
	}
	return nil
}

// atollTargets creates the benchmark table through every node (the first
// creates it, the others wait until they see it ACTIVE) and returns, per
// node, a target whose GetItem is strongly consistent and one whose GetItem
// is eventually consistent. Each node has its own SDK client, shared by
// the workers bound to it.
func atollTargets(ctx context.Context, endpoints []string, workers int) (strong, eventual []target, err error) {
	perNode := (workers + len(endpoints) - 1) / len(endpoints)
	for _, ep := range endpoints {
		c := newSDKClient(ep, perNode)
		if err := createTable(ctx, c, clusterTable); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", ep, err)
		}
		t := &sdkTarget{client: c, table: clusterTable}
		strong = append(strong, consistentTarget{t})
		eventual = append(eventual, t)
	}
	return strong, eventual, nil
}

// etcdTarget runs the operations on etcd through its Go client: a record
// is its fields concatenated (1000 bytes) under its key; Get is etcd's
// default, linearizable Range.
type etcdTarget struct {
	cli *clientv3.Client
}

// etcdTargets returns one target per endpoint, each with its own client
// talking to that member only (no endpoint sync), and a function closing
// the clients.
func etcdTargets(endpoints []string) ([]target, func() error, error) {
	var ts []target
	var clis []*clientv3.Client
	closeAll := func() error {
		var err error
		for _, c := range clis {
			err = errors.Join(err, c.Close())
		}
		return err
	}
	for _, ep := range endpoints {
		cli, err := clientv3.New(clientv3.Config{
			Endpoints:   []string{ep},
			DialTimeout: 10 * time.Second,
			Logger:      zap.NewNop(),
		})
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("etcd client for %s: %w", ep, err)
		}
		clis = append(clis, cli)
		ts = append(ts, &etcdTarget{cli: cli})
	}
	return ts, closeAll, nil
}

func joinFields(fields *[fieldCount]string) string {
	var b strings.Builder
	b.Grow(fieldCount * fieldLen)
	for _, f := range fields {
		b.WriteString(f)
	}
	return b.String()
}

func (t *etcdTarget) Put(ctx context.Context, key string, fields *[fieldCount]string) error {
	_, err := t.cli.Put(ctx, key, joinFields(fields))
	return err
}

func (t *etcdTarget) Get(ctx context.Context, key string) error {
	resp, err := t.cli.Get(ctx, key)
	if err != nil {
		return err
	}
	if len(resp.Kvs) == 0 {
		return errNotFound
	}
	return nil
}

// Update replaces one field: a linearizable Get and a Put, not atomic
// (etcd has no partial update; cluster mode runs no update on etcd).
func (t *etcdTarget) Update(ctx context.Context, key string, field int, val string) error {
	resp, err := t.cli.Get(ctx, key)
	if err != nil {
		return err
	}
	if len(resp.Kvs) == 0 {
		return errNotFound
	}
	v := resp.Kvs[0].Value
	if len(v) < (field+1)*fieldLen {
		return fmt.Errorf("record %s has %d bytes, want %d", key, len(v), fieldCount*fieldLen)
	}
	copy(v[field*fieldLen:(field+1)*fieldLen], val)
	_, err = t.cli.Put(ctx, key, string(v))
	return err
}
