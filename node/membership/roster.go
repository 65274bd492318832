package membership

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// roster tracks every member memberlist reported, with the time it
// entered its state. It is memberlist's event delegate.
type roster struct {
	local  string // this node's ID
	now    func() time.Time
	logger *slog.Logger
	// changes holds at most one pending change notification (see
	// Membership.Changes); closed by stop.
	changes chan struct{}

	// mu guards byID, leaving and stopped. memberlist calls the event
	// methods while holding its own node lock, so code holding mu never
	// calls memberlist.
	mu   sync.Mutex
	byID map[string]Member
	// leaving holds the live members that announced a graceful leave: the
	// next NotifyLeave about one of them means Left, not Dead.
	leaving map[string]bool
	stopped bool
}

var _ memberlist.EventDelegate = (*roster)(nil)

func newRoster(local string, now func() time.Time, logger *slog.Logger) *roster {
	return &roster{
		local:   local,
		leaving: make(map[string]bool),
		now:     now,
		logger:  logger,
		changes: make(chan struct{}, 1),
		byID:    make(map[string]Member),
	}
}

// NotifyJoin is called by memberlist, under its node lock, when a member
// is first seen or comes back from dead or left (this node included, at
// start). It does not block.
func (r *roster) NotifyJoin(n *memberlist.Node) { r.observe(n, StateAlive) }

// NotifyLeave is called by memberlist, under its node lock, when a member
// is declared dead or leaves (this node included, on Leave). memberlist
// does not say which (the Node's State field is never set), so a member
// is Left when it announced its leave (see leaveIntent) or is this node,
// and Dead otherwise. It does not block.
func (r *roster) NotifyLeave(n *memberlist.Node) { r.observe(n, StateDead) }

// NotifyUpdate is called by memberlist, under its node lock, when a live
// member's metadata or address changes. It does not block.
func (r *roster) NotifyUpdate(n *memberlist.Node) { r.observe(n, StateAlive) }

// observe records what memberlist reports about n, in state (Alive, or
// Dead for a member that is gone), and signals a change.
func (r *roster) observe(n *memberlist.Node, state State) {
	meta, err := decodeMeta(n.Meta)
	if err == nil && meta.ID != n.Name {
		err = fmt.Errorf("%w: ID %q differs from memberlist name", ErrInvalidMeta, meta.ID)
	}
	if err != nil {
		r.logger.Warn("member has invalid metadata; reporting it without", slog.String("member", n.Name), slog.Any("error", err))
		meta = NodeMeta{ID: n.Name}
	}
	addr := n.Address()

	if state, changed := r.record(n.Name, meta, addr, state); changed {
		r.logger.Info("member state", slog.String("member", n.Name), slog.String("addr", addr), slog.String("state", state.String()))
	}
}

// record stores what memberlist reported about member id and signals a
// change if anything changed. A gone member (state Dead) is recorded Left
// if it announced its leave or is this node. It returns the recorded state
// and whether it changed (or the member is new).
func (r *roster) record(id string, meta NodeMeta, addr string, state State) (State, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return state, false
	}
	old, known := r.byID[id]
	if state == StateDead && (r.leaving[id] || id == r.local) {
		state = StateLeft
	}
	if state != StateAlive || !known || old.State != StateAlive {
		// Leaving, or (re)joining: any announced leave is over.
		delete(r.leaving, id)
	}
	if known && old.State == state && old.Meta == meta && old.Addr == addr {
		return state, false
	}
	stateChanged := !known || old.State != state
	since := old.Since
	if stateChanged {
		since = r.now()
	}
	r.byID[id] = Member{Meta: meta, Addr: addr, State: state, Since: since}
	r.signal()
	return state, stateChanged
}

// leaveIntent records that member id announced a graceful leave. A live
// member is marked, so that its coming NotifyLeave means Left; a member
// already declared dead (the announcement arrived after memberlist's leave
// message) becomes Left, keeping its Since. Unknown and left members are
// ignored.
func (r *roster) leaveIntent(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || id == r.local {
		return
	}
	m, ok := r.byID[id]
	switch {
	case !ok:
	case m.State == StateAlive:
		r.leaving[id] = true
	case m.State == StateDead:
		m.State = StateLeft
		r.byID[id] = m
		r.signal()
	}
}

// alive returns the live members other than this node.
func (r *roster) alive() []Member {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Member
	for id, m := range r.byID {
		if id != r.local && m.State == StateAlive {
			out = append(out, m)
		}
	}
	return out
}

// numAlive returns the number of live members, this node included.
func (r *roster) numAlive() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.byID {
		if m.State == StateAlive {
			n++
		}
	}
	return n
}

// signal makes a change notification pending. The caller holds mu.
func (r *roster) signal() {
	select {
	case r.changes <- struct{}{}:
	default:
	}
}

// members returns a copy of every member, sorted by ID.
func (r *roster) members() []Member {
	r.mu.Lock()
	out := make([]Member, 0, len(r.byID))
	for _, m := range r.byID {
		out = append(out, m)
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Meta.ID, b.Meta.ID) })
	return out
}

// member returns the member named id.
func (r *roster) member(id string) (Member, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.byID[id]
	return m, ok
}

// stop freezes the roster: later events are ignored and changes is closed.
// Idempotent.
func (r *roster) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stopped {
		r.stopped = true
		close(r.changes)
	}
}
