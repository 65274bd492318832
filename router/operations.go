package router

import (
	"context"
	"fmt"

	"github.com/atolldb/atoll/router/wire"
)

// Operations lists the DynamoDB operations a Server accepts, in the order of
// DynamoDB's API reference groups (control plane, then data plane). New
// registers each of them; those without a handler answer
// UnknownOperationException.
func Operations() []string {
	return []string{
		"CreateTable", "DescribeTable", "ListTables", "DeleteTable", "UpdateTable",
		"DescribeLimits", "DescribeEndpoints",
		"TagResource", "UntagResource", "ListTagsOfResource",
		"DescribeTimeToLive", "UpdateTimeToLive",
		"PutItem", "GetItem", "UpdateItem", "DeleteItem",
		"BatchGetItem", "BatchWriteItem", "Query", "Scan",
	}
}

// Handle registers h as the handler of the operation op ("PutItem") on s,
// replacing any previous one. For each request, the body is decoded into a
// new In with wire.Unmarshal (a SerializationException or, for invalid
// attribute values, a ValidationException if it does not decode), h is
// called with the request's context (see RequestInfoFromContext), and its
// *Out is encoded with wire.Marshal; a nil *Out sends "{}".
//
// h may be called concurrently from many goroutines. It returns DynamoDB
// errors as *Error or *value.ValidationError (see errmap.go for the others);
// any other error becomes an InternalServerError, logged and not shown to
// the client, and so does a panic.
func Handle[In, Out any](s *Server, op string, h func(ctx context.Context, in *In) (*Out, error)) {
	s.register(op, func(ctx context.Context, body []byte) ([]byte, error) {
		in := new(In)
		if err := wire.Unmarshal(body, in); err != nil {
			return nil, err
		}
		out, err := h(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return []byte("{}"), nil
		}
		resp, err := wire.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("%s response: %w", op, err)
		}
		return resp, nil
	})
}

// notImplemented is the handler of an operation that is accepted but not
// yet served.
func notImplemented[In any](context.Context, *In) (*struct{}, error) {
	return nil, ErrNotImplemented
}

// registerBuiltins registers the operations served by the router itself and
// placeholders for the others.
func registerBuiltins(s *Server) {
	Handle(s, "CreateTable", notImplemented[wire.CreateTableInput])
	Handle(s, "DescribeTable", notImplemented[wire.DescribeTableInput])
	Handle(s, "ListTables", notImplemented[wire.ListTablesInput])
	Handle(s, "DeleteTable", notImplemented[wire.DeleteTableInput])
	Handle(s, "UpdateTable", notImplemented[wire.UpdateTableInput])
	Handle(s, "DescribeLimits", describeLimits)
	Handle(s, "DescribeEndpoints", describeEndpoints)
	Handle(s, "TagResource", notImplemented[wire.TagResourceInput])
	Handle(s, "UntagResource", notImplemented[wire.UntagResourceInput])
	Handle(s, "ListTagsOfResource", notImplemented[wire.ListTagsOfResourceInput])
	Handle(s, "DescribeTimeToLive", notImplemented[wire.DescribeTimeToLiveInput])
	Handle(s, "UpdateTimeToLive", notImplemented[wire.UpdateTimeToLiveInput])
	Handle(s, "PutItem", notImplemented[wire.PutItemInput])
	Handle(s, "GetItem", notImplemented[wire.GetItemInput])
	Handle(s, "UpdateItem", notImplemented[wire.UpdateItemInput])
	Handle(s, "DeleteItem", notImplemented[wire.DeleteItemInput])
	Handle(s, "BatchGetItem", notImplemented[wire.BatchGetItemInput])
	Handle(s, "BatchWriteItem", notImplemented[wire.BatchWriteItemInput])
	Handle(s, "Query", notImplemented[wire.QueryInput])
	Handle(s, "Scan", notImplemented[wire.ScanInput])
}

// Capacity limits reported by DescribeLimits: DynamoDB's default quotas
// ("Service, account, and table quotas in Amazon DynamoDB": per table 40,000
// read and 40,000 write capacity units, per account 80,000 each). atoll
// enforces no account-wide capacity; it reports DynamoDB's defaults so that
// tools sizing tables from DescribeLimits behave as against DynamoDB.
const (
	AccountMaxReadCapacityUnits  = 80000
	AccountMaxWriteCapacityUnits = 80000
	TableMaxReadCapacityUnits    = 40000
	TableMaxWriteCapacityUnits   = 40000
)

func describeLimits(context.Context, *wire.DescribeLimitsInput) (*wire.DescribeLimitsOutput, error) {
	return &wire.DescribeLimitsOutput{
		AccountMaxReadCapacityUnits:  ptr[int64](AccountMaxReadCapacityUnits),
		AccountMaxWriteCapacityUnits: ptr[int64](AccountMaxWriteCapacityUnits),
		TableMaxReadCapacityUnits:    ptr[int64](TableMaxReadCapacityUnits),
		TableMaxWriteCapacityUnits:   ptr[int64](TableMaxWriteCapacityUnits),
	}, nil
}

// endpointCachePeriodMinutes is how long DynamoDB tells clients to cache the
// answer of DescribeEndpoints: one day.
const endpointCachePeriodMinutes = 1440

// describeEndpoints answers with the address the client used: every atoll
// node serves every request, so the endpoint a client reached is as good as
// any.
func describeEndpoints(ctx context.Context, _ *wire.DescribeEndpointsInput) (*wire.DescribeEndpointsOutput, error) {
	info, _ := RequestInfoFromContext(ctx)
	return &wire.DescribeEndpointsOutput{
		Endpoints: []wire.Endpoint{{
			Address:              ptr(info.Host),
			CachePeriodInMinutes: endpointCachePeriodMinutes,
		}},
	}, nil
}

func ptr[T any](v T) *T { return &v }
