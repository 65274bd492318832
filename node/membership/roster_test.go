package membership

import (
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/memberlist"
)

// peer returns the memberlist.Node of a peer id announcing testMeta(id).
func peer(id string, port uint16) *memberlist.Node {
	return &memberlist.Node{Name: id, Addr: net.IPv4(127, 0, 0, 1), Port: port, Meta: encodeMeta(testMeta(id))}
}

// TestRosterStates drives the roster with memberlist's events and leave
// announcements, in both arrival orders, with a fake clock.
func TestRosterStates(t *testing.T) {
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: t0}
	r := newRoster("self", clock.Now, slog.New(slog.DiscardHandler))
	at := func(d time.Duration) time.Time { t := t0.Add(d); clock.Set(t); return t }
	state := func(id string) (State, time.Time) {
		m, ok := r.member(id)
		if !ok {
			t.Fatalf("member(%q) not found", id)
		}
		return m.State, m.Since
	}
	check := func(step, id string, wantState State, wantSince time.Time) {
		t.Helper()
		if s, since := state(id); s != wantState || !since.Equal(wantSince) {
			t.Errorf("%s: %s is %v since %v, want %v since %v", step, id, s, since, wantState, wantSince)
		}
	}

	r.NotifyJoin(peer("self", 1))
	r.NotifyJoin(peer("crash", 2))
	r.NotifyJoin(peer("early", 3))
	r.NotifyJoin(peer("late", 4))
	check("joined", "crash", StateAlive, t0)

	t1 := at(time.Minute)
	r.NotifyLeave(peer("crash", 2))
	check("no announcement", "crash", StateDead, t1)

	r.leaveIntent("early")
	r.NotifyUpdate(peer("early", 3)) // a metadata update does not cancel the announcement
	check("announced, still alive", "early", StateAlive, t0)
	r.NotifyLeave(peer("early", 3))
	check("announcement before leave", "early", StateLeft, t1)

	r.NotifyLeave(peer("late", 4))
	t2 := at(2 * time.Minute)
	r.leaveIntent("late")
	check("announcement after leave", "late", StateLeft, t1)

	r.NotifyJoin(peer("early", 3))
	check("rejoined", "early", StateAlive, t2)
	t3 := at(3 * time.Minute)
	r.NotifyLeave(peer("early", 3))
	check("crash after rejoin (announcement consumed)", "early", StateDead, t3)

	r.leaveIntent("unknown")
	if _, ok := r.member("unknown"); ok {
		t.Error("a leave announcement for an unknown node added a member")
	}
	r.NotifyLeave(peer("self", 1))
	check("self leaves", "self", StateLeft, t3)

	r.stop()
	r.NotifyJoin(peer("crash", 2))
	check("event after stop", "crash", StateDead, t1)
	want := []string{"crash", "early", "late", "self"}
	var got []string
	for _, m := range r.members() {
		got = append(got, m.Meta.ID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members() IDs (-want +got):\n%s", diff)
	}
}

func TestLeaveIntentRoundTrip(t *testing.T) {
	id, ok := decodeLeaveIntent(encodeLeaveIntent("node-7"))
	if !ok || id != "node-7" {
		t.Errorf("decodeLeaveIntent(encodeLeaveIntent(%q)) = %q, %v", "node-7", id, ok)
	}
	for _, b := range [][]byte{nil, {msgLeaveIntent}, {2, 'a'}} {
		if id, ok := decodeLeaveIntent(b); ok {
			t.Errorf("decodeLeaveIntent(%v) = %q, true; want false", b, id)
		}
	}
}
