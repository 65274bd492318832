package partition

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

func TestCommitterManyGroups(t *testing.T) {
	_, db := newSM(t)
	c := NewCommitter(db)
	defer c.Close()
	const groups, perGroup = 4, 60
	sms := make([]*StateMachine, groups)
	for i := range sms {
		sm, err := NewStateMachine(db, uint64(10+i), nil)
		if err != nil {
			t.Fatal(err)
		}
		sm.SetCommitter(c)
		sms[i] = sm
	}
	var wg sync.WaitGroup
	errs := make(chan error, groups)
	for i, sm := range sms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perGroup {
				cmd := addCounter(t, 1, fmt.Sprintf("g%d", i))
				res, err := sm.Apply([]Entry{{Index: uint64(n + 1), Time: uint64(n + 1), Command: cmd.Encode(nil)}})
				if err == nil {
					err = res[0].Err
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, sm := range sms {
		if sm.AppliedIndex() != perGroup {
			t.Errorf("group %d AppliedIndex = %d, want %d", i, sm.AppliedIndex(), perGroup)
		}
		it, err := sm.Get(1, pos(t, fmt.Sprintf("g%d", i)))
		if err != nil || !value.Equal(it["n"], num(perGroup)) {
			t.Errorf("group %d counter = %v, %v; want %d", i, it["n"], err, perGroup)
		}
		// A fresh state machine reads the same applied index back.
		again, err := NewStateMachine(db, uint64(10+i), nil)
		if err != nil || again.AppliedIndex() != perGroup {
			t.Errorf("group %d stored applied index = %d, %v; want %d", i, again.AppliedIndex(), err, perGroup)
		}
	}
}

func TestCommitterCorruptEntryFailsOnlyItsGroup(t *testing.T) {
	_, db := newSM(t)
	c := NewCommitter(db)
	defer c.Close()
	bad, err := NewStateMachine(db, 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	good, err := NewStateMachine(db, 21, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad.SetCommitter(c)
	good.SetCommitter(c)
	ok := addCounter(t, 1, "b").Encode(nil)
	_, err = bad.Apply([]Entry{{Index: 1, Command: ok}, {Index: 2, Command: []byte{1, 99}}})
	if !errors.Is(err, ErrCorruptCommand) {
		t.Fatalf("Apply with a corrupt entry = %v, want ErrCorruptCommand", err)
	}
	if bad.AppliedIndex() != 1 {
		t.Errorf("AppliedIndex after the corrupt entry = %d, want 1 (the good entry before it)", bad.AppliedIndex())
	}
	res, err := good.Apply([]Entry{{Index: 1, Command: addCounter(t, 1, "g").Encode(nil)}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("another group's Apply = %v, %v", err, res[0].Err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := good.Apply([]Entry{{Index: 2, Command: ok}}); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply after Close = %v, want ErrClosed", err)
	}
}

// TestCommitterRoundKeepsReplayedGroupsIndex guards against a round
// resetting the applied index of a group whose entries were all replays
// (skipped) to zero when another group's entries committed in the round.
func TestCommitterRoundKeepsReplayedGroupsIndex(t *testing.T) {
	_, db := newSM(t)
	replayed, err := NewStateMachine(db, 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := NewStateMachine(db, 21, nil)
	if err != nil {
		t.Fatal(err)
	}
	log := []Entry{
		{Index: 1, Time: 1, Command: addCounter(t, 1, "r").Encode(nil)},
		{Index: 2, Time: 2, Command: addCounter(t, 1, "r").Encode(nil)},
	}
	if _, err := replayed.Apply(log); err != nil {
		t.Fatal(err)
	}
	c := &Committer{db: db}
	calls := []*applyCall{
		{sm: replayed, entries: log, done: make(chan struct{})},
		{sm: fresh, entries: []Entry{{Index: 1, Time: 3, Command: addCounter(t, 1, "f").Encode(nil)}}, done: make(chan struct{})},
	}
	c.round(calls)
	for _, call := range calls {
		if call.err != nil {
			t.Fatal(call.err)
		}
	}
	if got := replayed.AppliedIndex(); got != 2 {
		t.Errorf("replayed group's AppliedIndex after the round = %d, want 2", got)
	}
	if got := fresh.AppliedIndex(); got != 1 {
		t.Errorf("fresh group's AppliedIndex = %d, want 1", got)
	}
}
