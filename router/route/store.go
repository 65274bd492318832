package route

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/proto/nodepb"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
)

// Config configures a Store.
type Config struct {
	// NodeID is this node's ID (its raft server ID in every group).
	NodeID string
	// MaxStaleness bounds eventually consistent reads: a replica serves
	// one only when it heard from its leader within this duration.
	MaxStaleness time.Duration
	// RequestTimeout bounds the retries of a request whose context has no
	// deadline.
	RequestTimeout time.Duration
	// AttemptTimeout bounds one attempt of a write at a node (within the
	// request's deadline), so that a leader that died with the request
	// does not take the whole deadline: the write is retried elsewhere.
	AttemptTimeout time.Duration
	// Rand is the source of request IDs; nil means crypto/rand.
	Rand io.Reader
	// Logger receives routing logs; nil discards them.
	Logger *slog.Logger
}

// DefaultConfig returns the defaults: 2 s staleness, 10 s per request, 2 s
// per attempt of a write.
func DefaultConfig() Config {
	return Config{MaxStaleness: 2 * time.Second, RequestTimeout: 10 * time.Second, AttemptTimeout: 2 * time.Second}
}

// Validate reports the first problem with c, or nil.
func (c Config) Validate() error {
	switch {
	case c.NodeID == "":
		return errors.New("route: Config.NodeID is empty")
	case c.MaxStaleness <= 0:
		return fmt.Errorf("route: Config.MaxStaleness %v is not positive", c.MaxStaleness)
	case c.RequestTimeout <= 0:
		return fmt.Errorf("route: Config.RequestTimeout %v is not positive", c.RequestTimeout)
	case c.AttemptTimeout <= 0:
		return fmt.Errorf("route: Config.AttemptTimeout %v is not positive", c.AttemptTimeout)
	}
	return nil
}

// Ring is the meta group's state as routing reads it: *meta.Meta. State
// may be called concurrently and returns an immutable snapshot.
type Ring interface {
	State() *meta.State
}

// Groups gives the group replicas this node hosts: *replication.Manager.
// Group returns nil for a group without a replica here.
type Groups interface {
	Group(id uint64) *replication.Group
}

// Store is the router.Store of a cluster node. See the package
// documentation.
type Store struct {
	cfg    Config
	ring   Ring
	groups Groups
	conns  *Conns
	db     *badger.DB
	log    *slog.Logger

	// hints maps a group ID to the node ID last seen leading it.
	hints sync.Map

	ctx    context.Context // canceled by Close; ends background drops
	cancel context.CancelFunc
	wg     sync.WaitGroup // background drops
}

// NewStore returns the Store of a node whose data DB is db.
func NewStore(cfg Config, ring Ring, groups Groups, conns *Conns, db *badger.DB) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Store{cfg: cfg, ring: ring, groups: groups, conns: conns, db: db, log: log.With("component", "route"), ctx: ctx, cancel: cancel}, nil
}

// bound gives ctx the default request deadline when it has none.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.cfg.RequestTimeout)
}

// attempt is one try of a request at node (this node or another) for
// group. It returns retry=true when the request may be tried again: it was
// certainly not served there, or it is a write with a request ID whose
// outcome is unknown (see Propose); hint is the leader the replica named
// (empty when none).
type attempt func(ctx context.Context, st *meta.State, group uint64, node string) (hint string, retry bool, err error)

// pick chooses the node to try for r: the leader hint, else the leader this
// node's replica knows, else the voters in turn.
func (s *Store) pick(r meta.Range, turn int) string {
	if h, ok := s.hints.Load(r.Group); ok && slices.Contains(r.Voters, h.(string)) {
		return h.(string)
	}
	if g := s.groups.Group(r.Group); g != nil {
		if l := g.Leader(); l.ID != "" && slices.Contains(r.Voters, l.ID) {
			return l.ID
		}
	}
	if len(r.Voters) == 0 {
		return ""
	}
	return r.Voters[turn%len(r.Voters)]
}

// atLeader runs try against the leader of the group owning pos until it
// is served or ctx ends.
func (s *Store) atLeader(ctx context.Context, pos []byte, try attempt) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	backoff := 500 * time.Microsecond
	var lastErr error
	followed := false // a hint was followed at once already
	for turn := 0; ; {
		st := s.ring.State()
		if r, ok := st.RangeFor(pos); !ok {
			lastErr = ErrNoRing
		} else if node := s.pick(r, turn); node == "" {
			lastErr = fmt.Errorf("group %d: %w: no voters", r.Group, ErrUnavailable)
		} else {
			hint, retry, err := try(ctx, st, r.Group, node)
			if !retry {
				if err == nil {
					s.hints.Store(r.Group, node)
				}
				return err
			}
			lastErr = err
			if hint != "" && hint != node {
				s.hints.Store(r.Group, hint)
				if !followed {
					// Follow the first fresh hint at once; later ones
					// (replicas naming each other during an election)
					// back off.
					followed = true
					continue
				}
			} else {
				s.hints.Delete(r.Group)
				turn++
			}
		}
		select {
		case <-ctx.Done():
			if lastErr == nil {
				lastErr = ErrUnavailable
			}
			return fmt.Errorf("%w (%w)", lastErr, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 100*time.Millisecond)
	}
}

// remoteErr classifies the error of a call to another node. A refused
// connection (UNAVAILABLE) is retried elsewhere. ABORTED (the replica
// stopped or lost its leadership) and DEADLINE_EXCEEDED (of an attempt,
// while the request goes on) leave the outcome unknown: they are retried
// when unknownOK, that is for reads, which change nothing, and for writes
// with a request ID (see Propose). Anything else is returned, the outcome
// unknown.
func remoteErr(ctx context.Context, node string, err error, unknownOK bool) (retry bool, out error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st, ok := status.FromError(err)
	switch {
	case ok && st.Code() == codes.Unavailable:
		return true, fmt.Errorf("node %s: %w: %w", node, ErrUnavailable, err)
	case ok && unknownOK && (st.Code() == codes.Aborted || st.Code() == codes.DeadlineExceeded):
		return true, fmt.Errorf("node %s: %w: %w", node, ErrRemote, err)
	}
	return false, fmt.Errorf("node %s: %w: %w", node, ErrRemote, err)
}

// routeErr interprets a RouteError of a response: retry when set.
func routeErr(group uint64, node string, e *nodepb.RouteError) (hint string, retry bool, err error) {
	if e == nil || e.Kind == nodepb.RouteError_KIND_UNSPECIFIED {
		return "", false, nil
	}
	return e.LeaderId, true, fmt.Errorf("group %d at node %s: %s: %w", group, node, e.Kind, ErrUnavailable)
}

// localErr interprets an error of a local group. A replica that is not the
// leader names the one to try at once. An unknown outcome (leadership lost,
// the replica stopped, the attempt's deadline while the request goes on) is
// retried when unknownOK, as in remoteErr.
func localErr(ctx context.Context, err error, unknownOK bool) (hint string, retry bool, out error) {
	var nl *replication.NotLeaderError
	if errors.As(err, &nl) {
		return nl.Leader.ID, true, err
	}
	if errors.Is(err, replication.ErrKeyNotInGroup) {
		return "", true, err // the ring changed: route again
	}
	if err != nil && unknownOK && ctx.Err() == nil && (errors.Is(err, replication.ErrLeadershipLost) ||
		errors.Is(err, replication.ErrStopped) || errors.Is(err, context.DeadlineExceeded)) {
		return "", true, err
	}
	return "", false, err
}

// client returns the Data client of node.
func (s *Store) client(st *meta.State, node string) (nodepb.DataClient, error) {
	n, ok := st.Nodes[node]
	if !ok || n.GRPCAddr == "" {
		return nil, fmt.Errorf("node %s: no address in the meta group: %w", node, ErrUnavailable)
	}
	return s.conns.Data(n.GRPCAddr)
}

// requestIDSize is the length of the request IDs Propose draws.
const requestIDSize = 16

// Propose applies cmd at the leader of the group owning cmd.Key.
//
// It gives the command a request ID when it has none (on a copy: cmd is not
// changed), so that it may retry, on another node after a backoff, an
// attempt whose outcome is unknown: the group's state machine applies an ID
// once and answers a retry with the first application's result. Each
// attempt gets AttemptTimeout within the request's deadline. Unknown
// outcomes are retried only within half of partition.DedupRetention of the
// first attempt, well inside the time the state machine remembers the ID.
func (s *Store) Propose(ctx context.Context, cmd *partition.Command) (partition.Result, error) {
	if len(cmd.ID) == 0 {
		id := make([]byte, requestIDSize)
		if _, err := io.ReadFull(s.cfg.Rand, id); err != nil {
			return partition.Result{}, fmt.Errorf("route: request id: %w", err)
		}
		c := *cmd
		c.ID = id
		cmd = &c
	}
	var enc []byte // encoded on the first remote attempt
	first := time.Now()
	var res partition.Result
	err := s.atLeader(ctx, cmd.Key, func(ctx context.Context, st *meta.State, group uint64, node string) (string, bool, error) {
		unknownOK := time.Since(first) < partition.DedupRetention/2
		actx, cancel := context.WithTimeout(ctx, s.cfg.AttemptTimeout)
		defer cancel()
		if node == s.cfg.NodeID {
			g := s.groups.Group(group)
			if g == nil {
				return "", true, fmt.Errorf("group %d: %w: no replica here", group, ErrUnavailable)
			}
			var err error
			res, err = g.Propose(actx, cmd)
			return localErr(ctx, err, unknownOK)
		}
		c, err := s.client(st, node)
		if err != nil {
			return "", true, err
		}
		if enc == nil {
			enc = cmd.Encode(nil)
		}
		resp, err := c.Propose(actx, &nodepb.ProposeRequest{Group: group, Command: enc})
		if err != nil {
			retry, err := remoteErr(ctx, node, err, unknownOK)
			return "", retry, err
		}
		if hint, retry, err := routeErr(group, node, resp.Error); retry {
			return hint, true, err
		}
		res, err = partition.DecodeResult(resp.Result)
		return "", false, err
	})
	return res, err
}

// local returns this node's replica of the group owning pos when it may
// serve an eventually consistent read.
func (s *Store) local(pos []byte) *replication.Group {
	r, ok := s.ring.State().RangeFor(pos)
	if !ok {
		return nil
	}
	if g := s.groups.Group(r.Group); g != nil && g.Fresh(s.cfg.MaxStaleness) {
		return g
	}
	return nil
}

// Get reads the item at pos: strongly consistent reads at the leader,
// eventually consistent ones from a fresh local replica when there is one.
func (s *Store) Get(ctx context.Context, table uint64, pos []byte, consistent bool) (value.Item, error) {
	if !consistent {
		if g := s.local(pos); g != nil {
			return g.StateMachine().Get(table, pos)
		}
	}
	var item value.Item
	err := s.atLeader(ctx, pos, func(ctx context.Context, st *meta.State, group uint64, node string) (string, bool, error) {
		if node == s.cfg.NodeID {
			g := s.groups.Group(group)
			if g == nil {
				return "", true, fmt.Errorf("group %d: %w: no replica here", group, ErrUnavailable)
			}
			if consistent {
				if err := g.ReadBarrier(ctx); err != nil {
					return localErr(ctx, err, true)
				}
			} else if !g.Fresh(s.cfg.MaxStaleness) {
				return "", true, fmt.Errorf("group %d: %w: local replica is stale", group, ErrUnavailable)
			}
			var err error
			item, err = g.StateMachine().Get(table, pos)
			return "", false, err
		}
		c, err := s.client(st, node)
		if err != nil {
			return "", true, err
		}
		resp, err := c.Get(ctx, &nodepb.GetRequest{Group: group, Table: table, Position: pos, Consistent: consistent, MaxStalenessMs: s.cfg.MaxStaleness.Milliseconds()})
		if err != nil {
			retry, err := remoteErr(ctx, node, err, true)
			return "", retry, err
		}
		if hint, retry, err := routeErr(group, node, resp.Error); retry {
			return hint, true, err
		}
		item = nil
		if resp.Found {
			item, err = value.DecodeItem(resp.Item)
		}
		return "", false, err
	})
	return item, err
}

// Range streams the items of table in [start, end) range by range, in ring
// order (descending when reverse), until fn returns false.
func (s *Store) Range(ctx context.Context, table uint64, start, end []byte, reverse, consistent bool, fn partition.RangeFunc) error {
	st := s.ring.State()
	if len(st.Ranges) == 0 {
		return ErrNoRing
	}
	n := len(st.Ranges)
	for i := range n {
		r := st.Ranges[i]
		if reverse {
			r = st.Ranges[n-1-i]
		}
		lo, hi, ok := intersect(start, end, r.Start, r.End)
		if !ok {
			continue
		}
		more, err := s.rangeOf(ctx, table, lo, hi, reverse, consistent, fn)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// intersect returns [start, end) ∩ [rs, re) with nil as open bounds, and
// whether it is not empty.
func intersect(start, end, rs, re []byte) (lo, hi []byte, ok bool) {
	lo, hi = start, end
	if rs != nil && (lo == nil || bytes.Compare(rs, lo) > 0) {
		lo = rs
	}
	if re != nil && (hi == nil || bytes.Compare(re, hi) < 0) {
		hi = re
	}
	return lo, hi, hi == nil || lo == nil && len(hi) > 0 || bytes.Compare(lo, hi) < 0
}

// rangeOf streams [lo, hi), which lies in one range. It resumes after the
// last delivered item when a retry moves to another replica.
func (s *Store) rangeOf(ctx context.Context, table uint64, lo, hi []byte, reverse, consistent bool, fn partition.RangeFunc) (more bool, err error) {
	more = true
	// deliver wraps fn, narrowing the bounds past each delivered item.
	deliver := func(pos []byte, item value.Item) (bool, error) {
		if reverse {
			hi = append([]byte(nil), pos...)
		} else {
			lo = append(append([]byte(nil), pos...), 0)
		}
		m, err := fn(pos, item)
		more = m
		return m, err
	}
	if !consistent {
		if g := s.local(lo); g != nil {
			return more, g.StateMachine().Range(table, lo, hi, reverse, deliver)
		}
	}
	key := lo
	if key == nil {
		key = []byte{}
	}
	err = s.atLeader(ctx, key, func(ctx context.Context, st *meta.State, group uint64, node string) (string, bool, error) {
		if node == s.cfg.NodeID {
			g := s.groups.Group(group)
			if g == nil {
				return "", true, fmt.Errorf("group %d: %w: no replica here", group, ErrUnavailable)
			}
			if consistent {
				if err := g.ReadBarrier(ctx); err != nil {
					return localErr(ctx, err, true)
				}
			} else if !g.Fresh(s.cfg.MaxStaleness) {
				return "", true, fmt.Errorf("group %d: %w: local replica is stale", group, ErrUnavailable)
			}
			return "", false, g.StateMachine().Range(table, lo, hi, reverse, deliver)
		}
		c, err := s.client(st, node)
		if err != nil {
			return "", true, err
		}
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stream, err := c.Range(sctx, &nodepb.RangeRequest{Group: group, Table: table, Start: lo, End: hi, Reverse: reverse, Consistent: consistent, MaxStalenessMs: s.cfg.MaxStaleness.Milliseconds()})
		if err != nil {
			retry, err := remoteErr(ctx, node, err, true)
			return "", retry, err
		}
		for {
			resp, err := stream.Recv()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return "", false, nil
				}
				retry, err := remoteErr(ctx, node, err, true)
				return "", retry, err
			}
			if hint, retry, err := routeErr(group, node, resp.Error); retry {
				return hint, true, err
			}
			for _, ri := range resp.Items {
				item, err := value.DecodeItem(ri.Item)
				if err != nil {
					return "", false, fmt.Errorf("node %s: %w", node, err)
				}
				m, err := deliver(ri.Position, item)
				if err != nil || !m {
					return "", false, err
				}
			}
		}
	})
	return more, err
}

// TableStats sums the table's item count and size over the ranges; each
// comes from this node's replica when it has one, else from the leader.
func (s *Store) TableStats(ctx context.Context, table uint64) (count, size int64, err error) {
	st := s.ring.State()
	for _, r := range st.Ranges {
		var c, sz int64
		if g := s.groups.Group(r.Group); g != nil {
			c, sz, err = g.StateMachine().TableStats(table)
		} else {
			key := r.Start
			if key == nil {
				key = []byte{}
			}
			err = s.atLeader(ctx, key, func(ctx context.Context, st *meta.State, group uint64, node string) (string, bool, error) {
				cl, err := s.client(st, node)
				if err != nil {
					return "", true, err
				}
				resp, err := cl.TableStats(ctx, &nodepb.TableStatsRequest{Group: group, Table: table})
				if err != nil {
					retry, err := remoteErr(ctx, node, err, true)
					return "", retry, err
				}
				if hint, retry, err := routeErr(group, node, resp.Error); retry {
					return hint, true, err
				}
				c, sz = resp.Count, resp.Size
				return "", false, nil
			})
		}
		if err != nil {
			return 0, 0, fmt.Errorf("group %d: %w", r.Group, err)
		}
		count += c
		size += sz
	}
	return count, size, nil
}

// DropTable does nothing: every node drops the data of a table once the
// meta group no longer has it (see DropLocal).
func (s *Store) DropTable(uint64) {}

// DropLocal removes the table's data from this node's data DB in the
// background; Close stops it.
func (s *Store) DropLocal(table uint64) {
	if s.ctx.Err() != nil {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := partition.DropTable(s.ctx, s.db, table); err != nil && s.ctx.Err() == nil {
			s.log.Error("drop table data", "table", table, "err", err)
		}
	}()
}

// Close stops background drops and waits for them.
func (s *Store) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}
