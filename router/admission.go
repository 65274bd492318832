package router

import (
	"context"
	"time"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/router/capacity"
	"github.com/atolldb/atoll/router/catalog"
)

// This file is the admission of data-plane requests against their table's
// capacity (router/capacity). Every data-plane handler, once the request is
// valid and its table known and before it reads or proposes anything, takes
// the least the request can consume (one read unit, half for an eventually
// consistent read; the write units of a put's item, one for an update or a
// delete); a table whose bucket is empty or in debt refuses it with
// ProvisionedThroughputExceededException or, on demand, ThrottlingException.
// Once the request knows what it consumed (the unit arithmetic of
// common.go), the difference is charged, which may leave the bucket in debt.
// A request that fails after admission keeps its minimum charge.

// capacitySweepInterval is how often the buckets of tables that are no
// longer in the catalog (deleted through another router) are dropped.
const capacitySweepInterval = 10 * time.Minute

// throughput returns the capacity settings of t.
func throughput(t *catalog.Table) capacity.Throughput {
	return capacity.Throughput{
		OnDemand:  t.Billing == catalog.BillingPayPerRequest,
		ReadUnits: t.ReadCapacity, WriteUnits: t.WriteCapacity,
	}
}

// take admits a request of kind k to t and charges it units, or returns
// capacity.ErrProvisionedThroughputExceeded or capacity.ErrThrottled
// (mapped to DynamoDB's errors in errmap.go).
func (a *API) take(t *catalog.Table, k capacity.Kind, units float64) error {
	a.sweepCapacity()
	return a.capacity.Take(t.ID, throughput(t), k, units)
}

// charge records units more (negative: fewer) consumed by an admitted
// request of kind k to t.
func (a *API) charge(t *catalog.Table, k capacity.Kind, units float64) {
	a.capacity.Charge(t.ID, throughput(t), k, units)
}

// sweepCapacity drops, at most once per capacitySweepInterval, the buckets
// of tables the catalog no longer has. The request that finds the interval
// passed does it; the others go on.
func (a *API) sweepCapacity() {
	now := a.now().UnixNano()
	last := a.lastSweep.Load()
	if now-last < int64(capacitySweepInterval) || !a.lastSweep.CompareAndSwap(last, now) {
		return
	}
	live := make(map[uint64]struct{})
	for _, t := range a.tables.List() {
		live[t.ID] = struct{}{}
	}
	a.capacity.Retain(func(id uint64) bool {
		_, ok := live[id]
		return ok
	})
}

// proposeWrite admits a single-item write of at least est units to t,
// proposes it, charges what it consumed and returns the units consumed
// (writeCost). A failed condition consumes capacity too: "If a
// ConditionExpression evaluates to false during a conditional write,
// DynamoDB will still consume write capacity from the table: If the item
// does not currently exist in the table, DynamoDB will consume one write
// capacity unit. If the item does exist, then the number of write capacity
// units consumed depends on the size of the item" (the developer guide's
// "Capacity Units Consumed by Conditional Writes"); writeCost of such a
// result sizes its Old, the current item. A write whose outcome is unknown
// keeps est.
func (a *API) proposeWrite(ctx context.Context, t *catalog.Table, cmd *partition.Command, est float64, onFailure string) (partition.Result, float64, error) {
	if err := a.take(t, capacity.Write, est); err != nil {
		return partition.Result{}, 0, err
	}
	res, err := a.propose(ctx, cmd, onFailure)
	units := est
	if err == nil || res.Err != nil {
		units = writeCost(res)
	}
	a.charge(t, capacity.Write, units-est)
	return res, units, err
}
