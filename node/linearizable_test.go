package node

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// regOp is the kind of an operation on the register an item's attribute v
// forms.
type regOp uint8

const (
	regGet regOp = iota // strongly consistent GetItem
	regPut              // unconditional PutItem
	regCAS              // PutItem with "attribute_not_exists(pk) OR v = :old"
)

// regInput is the input of one operation of TestClusterLinearizable.
type regInput struct {
	key string
	op  regOp
	// old is the value a CAS expects (0: the item is absent).
	old int64
	// new is the value a put or CAS writes (unique in the history).
	new int64
}

// regOutcome is how an operation ended, as the client saw it.
type regOutcome uint8

const (
	regOK      regOutcome = iota // acknowledged
	regFailed                    // ConditionalCheckFailedException: the CAS did not apply
	regUnknown                   // any other error: the write may or may not have applied
)

// regOutput is the output of one operation of TestClusterLinearizable.
type regOutput struct {
	outcome regOutcome
	// value is what a get read (0: the item is absent).
	value int64
}

// regStep is the sequential specification of one key: the state is the
// item's v (0 while the item is absent).
//
// A write of unknown outcome is recorded with a Return of +infinity, so the
// checker may linearize it anywhere after its call, including after every
// other operation, which is the same as never applying it. The step can
// therefore treat it as applied (when its condition holds) and stay
// deterministic.
func regStep(state, input, output any) (bool, any) {
	v, in, out := state.(int64), input.(regInput), output.(regOutput)
	switch in.op {
	case regGet:
		return out.value == v, v
	case regPut:
		return true, in.new
	case regCAS:
		holds := v == 0 || v == in.old
		switch out.outcome {
		case regOK:
			return holds, in.new
		case regFailed:
			return !holds, v
		default:
			if holds {
				return true, in.new
			}
			return true, v
		}
	}
	return false, v
}

// registerModel checks each key as an independent register.
var registerModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(regInput).key
			byKey[k] = append(byKey[k], op)
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([][]porcupine.Operation, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, byKey[k])
		}
		return parts
	},
	Init: func() any { return int64(0) },
	Step: regStep,
	DescribeOperation: func(input, output any) string {
		in, out := input.(regInput), output.(regOutput)
		var s string
		switch in.op {
		case regGet:
			return fmt.Sprintf("get(%s) -> %d", in.key, out.value)
		case regPut:
			s = fmt.Sprintf("put(%s, %d)", in.key, in.new)
		case regCAS:
			s = fmt.Sprintf("cas(%s, %d -> %d)", in.key, in.old, in.new)
		}
		switch out.outcome {
		case regOK:
			return s + " -> ok"
		case regFailed:
			return s + " -> failed"
		}
		return s + " -> unknown"
	},
	DescribeState: func(state any) string { return fmt.Sprint(state.(int64)) },
}

// numV returns the item attribute v = x.
func numV(x int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(x, 10)}
}

// itemV returns an item's attribute v, 0 for an absent item.
func itemV(item map[string]types.AttributeValue) (int64, error) {
	if item == nil {
		return 0, nil
	}
	n, ok := item["v"].(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("item %v has no number attribute v", item)
	}
	return strconv.ParseInt(n.Value, 10, 64)
}

// pollUntil polls cond until it holds, failing the test after timeout.
// cleanup runs before the failure (to stop load goroutines).
func pollUntil(t *testing.T, what string, timeout time.Duration, cleanup func(), cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			cleanup()
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		select {
		case <-t.Context().Done():
			cleanup()
			t.Fatalf("test ended waiting for %s", what)
		case <-tick.C:
		}
	}
}

// TestClusterLinearizable checks with porcupine that strongly consistent
// reads, conditional (compare-and-set) and unconditional writes on a few
// keys form a linearizable history, across the kill of a group leader.
func TestClusterLinearizable(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process cluster test; skipped in -short mode")
	}
	c := startCluster(t, 3)
	c.createTable(0, "lin")
	ctx := t.Context()

	// The victim leads group 1; the clients use only the two others.
	leader, err := c.nodes[0].groups.Group(1).WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	victim := -1
	var survivors []int
	for i, n := range c.nodes {
		if n.ID() == leader.ID {
			victim = i
		} else {
			survivors = append(survivors, i)
		}
	}
	if victim < 0 {
		t.Fatalf("leader %q of group 1 is not a node of the cluster", leader.ID)
	}

	// One key per group (the ring has 4), group 1's among them.
	var keys []string
	groupOf := map[string]uint64{}
	seen := map[uint64]bool{}
	for _, r := range c.nodes[survivors[0]].meta.State().Ranges {
		if !seen[r.Group] {
			seen[r.Group] = true
			k := c.keyInGroup(survivors[0], r.Group)
			keys = append(keys, k)
			groupOf[k] = r.Group
		}
	}
	if !seen[1] || len(keys) < 3 {
		t.Fatalf("ring groups %v, want group 1 and at least 3 groups", seen)
	}
	g1Key := c.keyInGroup(survivors[0], 1)

	const (
		workers   = 6
		opTimeout = 3 * time.Second
		minBefore = 60 // successful operations before the kill
		minAfter  = 60 // successful operations after it
		minG1     = 10 // successful operations on group 1's key after it
	)
	clients := make([]*dynamodb.Client, workers)
	for w := range clients {
		clients[w] = c.client(survivors[w%len(survivors)])
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d; victim %s leads group 1; keys %v (groups %v)", seed, leader.ID, keys, groupOf)

	base := time.Now()
	now := func() int64 { return int64(time.Since(base)) } // monotonic
	var (
		nextValue atomic.Int64 // the last value written; values are unique
		nextID    atomic.Int64 // the next client ID after an unknown outcome
		okOps     atomic.Int64 // successful operations
		okAfter   atomic.Int64 // successful operations called after the kill
		okG1After atomic.Int64 // those on group 1's key
		killedAt  atomic.Int64 // now() once the victim is closed; 0 before
	)
	nextID.Store(workers)
	stop := make(chan struct{})
	histories := make([][]porcupine.Operation, workers)
	unknownErrs := make([][]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			cl := clients[w]
			id := w
			last := map[string]int64{} // the value this client last saw per key
			for {
				select {
				case <-stop:
					return
				default:
				}
				in := regInput{key: keys[rng.IntN(len(keys))]}
				key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: in.key}}
				octx, cancel := context.WithTimeout(ctx, opTimeout)
				var (
					out regOutput
					err error
				)
				call := now()
				switch r := rng.IntN(10); {
				case r < 4:
					in.op = regGet
					var res *dynamodb.GetItemOutput
					res, err = cl.GetItem(octx, &dynamodb.GetItemInput{TableName: aws.String("lin"), Key: key, ConsistentRead: aws.Bool(true)})
					if err == nil {
						out.value, err = itemV(res.Item)
						if err != nil {
							cancel()
							t.Errorf("GetItem(%s): %v", in.key, err)
							return
						}
					}
				case r < 8:
					in.op, in.old, in.new = regCAS, last[in.key], nextValue.Add(1)
					_, err = cl.PutItem(octx, &dynamodb.PutItemInput{
						TableName:                 aws.String("lin"),
						Item:                      map[string]types.AttributeValue{"pk": key["pk"], "v": numV(in.new)},
						ConditionExpression:       aws.String("attribute_not_exists(pk) OR v = :old"),
						ExpressionAttributeValues: map[string]types.AttributeValue{":old": numV(in.old)},
					})
				default:
					in.op, in.new = regPut, nextValue.Add(1)
					_, err = cl.PutItem(octx, &dynamodb.PutItemInput{
						TableName: aws.String("lin"),
						Item:      map[string]types.AttributeValue{"pk": key["pk"], "v": numV(in.new)},
					})
				}
				ret := now()
				cancel()
				var ccf *types.ConditionalCheckFailedException
				switch {
				case err == nil:
					out.outcome = regOK
					if in.op == regGet {
						last[in.key] = out.value
					} else {
						last[in.key] = in.new
					}
					okOps.Add(1)
					if k := killedAt.Load(); k != 0 && call > k {
						okAfter.Add(1)
						if in.key == g1Key {
							okG1After.Add(1)
						}
					}
				case in.op == regCAS && errors.As(err, &ccf):
					out.outcome = regFailed
				case in.op == regGet:
					// A failed read has no effect: leave it out.
					continue
				default:
					// The write may still apply at any later time.
					out.outcome, ret = regUnknown, math.MaxInt64
					unknownErrs[w] = append(unknownErrs[w], err)
				}
				histories[w] = append(histories[w], porcupine.Operation{ClientId: id, Input: in, Call: call, Output: out, Return: ret})
				if out.outcome == regUnknown {
					// Like a crashed process: this client's later operations
					// overlap the pending one, so they get a new ID.
					id = int(nextID.Add(1) - 1)
				}
				time.Sleep(time.Duration(1+rng.IntN(4)) * time.Millisecond) // pacing, not synchronisation
			}
		}()
	}
	var stopOnce sync.Once
	halt := func() {
		stopOnce.Do(func() { close(stop) })
		wg.Wait()
	}
	defer halt()

	started := time.Now()
	pollUntil(t, fmt.Sprintf("2s and %d successful operations before the kill", minBefore), 30*time.Second, halt, func() bool {
		return time.Since(started) >= 2*time.Second && okOps.Load() >= minBefore
	})
	before := okOps.Load()
	killStart := now()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	c.nodes[victim].Close(cctx)
	cancel()
	c.nodes[victim] = nil
	killedAt.Store(now())
	killed := time.Now()
	pollUntil(t, fmt.Sprintf("3s, %d successful operations and %d on group 1's key after the kill", minAfter, minG1), 30*time.Second, halt, func() bool {
		return time.Since(killed) >= 3*time.Second && okAfter.Load() >= minAfter && okG1After.Load() >= minG1
	})
	halt()

	var ops []porcupine.Operation
	for _, h := range histories {
		ops = append(ops, h...)
	}
	counts := map[string]int{}
	for _, op := range ops {
		in, out := op.Input.(regInput), op.Output.(regOutput)
		kind := [...]string{regGet: "get", regPut: "put", regCAS: "cas"}[in.op]
		counts[kind+" "+[...]string{regOK: "ok", regFailed: "failed", regUnknown: "unknown"}[out.outcome]]++
	}
	var unknown []error
	for _, errs := range unknownErrs {
		unknown = append(unknown, errs...)
	}
	t.Logf("%d operations in %v (%d successful before the kill, %d after; killing took %v): %v",
		len(ops), time.Since(started).Round(time.Millisecond), before, okAfter.Load(),
		time.Duration(killedAt.Load()-killStart).Round(time.Millisecond), counts)
	for _, err := range unknown[:min(len(unknown), 5)] {
		t.Logf("unknown outcome: %v", err)
	}

	checkStart := time.Now()
	res := porcupine.CheckOperationsTimeout(registerModel, ops, 30*time.Second)
	t.Logf("porcupine: %s in %v", res, time.Since(checkStart).Round(time.Millisecond))
	switch res {
	case porcupine.Ok:
		return
	case porcupine.Unknown:
		t.Errorf("porcupine could not decide linearizability of %d operations within 30s", len(ops))
	default:
		t.Errorf("history of %d operations is not linearizable", len(ops))
	}
	// Visualize the failing history (the directory survives with
	// -artifacts).
	_, info := porcupine.CheckOperationsVerbose(registerModel, ops, 60*time.Second)
	path := filepath.Join(t.ArtifactDir(), "linearizability.html")
	if err := porcupine.VisualizePath(registerModel, info, path); err != nil {
		t.Errorf("visualize: %v", err)
		return
	}
	t.Logf("visualization: %s (rerun with -artifacts -outputdir DIR to keep it)", path)
}

// TestClusterEventualStaleness checks that an eventually consistent read
// is never staler than the node's MaxStaleness: it returns at least every
// write acknowledged MaxStaleness before the read began.
func TestClusterEventualStaleness(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process cluster test; skipped in -short mode")
	}
	c := startCluster(t, 3)
	c.createTable(0, "stale")
	ctx := t.Context()
	bound := c.nodes[0].cfg.MaxStaleness

	// The writer goes through the leader of group 1, the readers through
	// the two others, whose replicas of the group are followers.
	leader, err := c.nodes[0].groups.Group(1).WaitLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	writer := -1
	var readers []int
	for i, n := range c.nodes {
		if n.ID() == leader.ID {
			writer = i
		} else {
			readers = append(readers, i)
		}
	}
	if writer < 0 {
		t.Fatalf("leader %q of group 1 is not a node of the cluster", leader.ID)
	}
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: c.keyInGroup(writer, 1)}}

	// Reads in the first MaxStaleness have nothing old enough to miss; run
	// two seconds past it.
	duration := bound + 2*time.Second
	const opTimeout = 3 * time.Second
	base := time.Now()
	now := func() time.Duration { return time.Since(base) } // monotonic

	// invoked[v] and acked[v] are when the write of v began and was
	// acknowledged (-1: not acknowledged); v = index+1.
	var invoked, acked []time.Duration
	type read struct {
		node       int
		start, end time.Duration
		value      int64
	}
	reads := make([][]read, len(readers))
	readErrs := make([]int, len(readers))
	firstReadErr := make([]error, len(readers))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		cl := c.client(writer)
		for v := int64(1); ; v++ {
			select {
			case <-stop:
				return
			default:
			}
			octx, cancel := context.WithTimeout(ctx, opTimeout)
			invoked = append(invoked, now())
			_, err := cl.PutItem(octx, &dynamodb.PutItemInput{TableName: aws.String("stale"), Item: map[string]types.AttributeValue{"pk": key["pk"], "v": numV(v)}})
			cancel()
			if err != nil {
				acked = append(acked, -1)
				continue
			}
			acked = append(acked, now())
			time.Sleep(5 * time.Millisecond) // pacing
		}
	}()
	for r, i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := c.client(i)
			for {
				select {
				case <-stop:
					return
				default:
				}
				octx, cancel := context.WithTimeout(ctx, opTimeout)
				start := now()
				out, err := cl.GetItem(octx, &dynamodb.GetItemInput{TableName: aws.String("stale"), Key: key, ConsistentRead: aws.Bool(false)})
				end := now()
				cancel()
				var x int64
				if err == nil {
					x, err = itemV(out.Item)
				}
				if err != nil {
					if readErrs[r] == 0 {
						firstReadErr[r] = err
					}
					readErrs[r]++
					continue
				}
				reads[r] = append(reads[r], read{node: i, start: start, end: end, value: x})
				time.Sleep(3 * time.Millisecond) // pacing
			}
		}()
	}
	timer := time.NewTimer(duration)
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()

	// The acknowledged writes, in order of value and so of time (one
	// writer).
	var ackV []int64
	var ackT []time.Duration
	for i, a := range acked {
		if a >= 0 {
			ackV, ackT = append(ackV, int64(i+1)), append(ackT, a)
		}
	}
	if len(ackV) == 0 {
		t.Fatal("no write was acknowledged")
	}
	var worst time.Duration // the stalest read seen
	total, checked, violations := 0, 0, 0
	// violation reports the first few bad reads; the count comes last.
	violation := func(format string, args ...any) {
		t.Helper()
		if violations++; violations <= 5 {
			t.Errorf(format, args...)
		}
	}
	for r, rs := range reads {
		if len(rs) == 0 {
			t.Errorf("no eventually consistent read was served by n%d (%d errors, first: %v)", readers[r]+1, readErrs[r], firstReadErr[r])
		}
		total += len(rs)
		for _, rd := range rs {
			// Every write acknowledged before start-bound must be visible.
			n := sort.Search(len(ackT), func(j int) bool { return ackT[j] >= rd.start-bound })
			if n > 0 {
				checked++
				if want := ackV[n-1]; rd.value < want {
					violation("eventually consistent read on n%d at %v returned v=%d, but v=%d was acknowledged at %v, %v before the read began (bound %v)",
						rd.node+1, rd.start, rd.value, want, ackT[n-1], rd.start-ackT[n-1], bound)
				}
			}
			// Nothing is read before its write began.
			if rd.value > 0 && (int(rd.value) > len(invoked) || invoked[rd.value-1] > rd.end) {
				violation("eventually consistent read on n%d at %v returned v=%d, which was not written before the read ended at %v", rd.node+1, rd.start, rd.value, rd.end)
			}
			// Its staleness: how long before the read the first write it
			// misses was acknowledged.
			if j, ok := slices.BinarySearch(ackV, rd.value+1); ok && ackT[j] < rd.start {
				worst = max(worst, rd.start-ackT[j])
			}
		}
	}
	t.Logf("%d writes through %s (%d acknowledged), %d eventually consistent reads through the others (%d checked against an acknowledged write, errors per reader %v); stalest read %v behind (bound %v)",
		len(invoked), leader.ID, len(ackV), total, checked, readErrs, worst.Round(time.Microsecond), bound)
	if violations > 0 {
		t.Errorf("%d of %d reads violated the staleness bound or read a value before it was written", violations, total)
	}
	if checked == 0 {
		t.Errorf("no read began %v after an acknowledged write: nothing was checked", bound)
	}
}
