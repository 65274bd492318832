package membership

import (
	"log/slog"

	"github.com/hashicorp/memberlist"
)

// msgLeaveIntent is the first byte of a leave announcement; the node's ID
// follows. It is membership's only user message.
const msgLeaveIntent = 1

// encodeLeaveIntent returns the announcement that node id is leaving.
func encodeLeaveIntent(id string) []byte {
	return append([]byte{msgLeaveIntent}, id...)
}

// decodeLeaveIntent returns the ID of the node a leave announcement names;
// ok is false for any other message.
func decodeLeaveIntent(b []byte) (id string, ok bool) {
	if len(b) < 2 || b[0] != msgLeaveIntent {
		return "", false
	}
	return string(b[1:]), true
}

// delegate is memberlist's Delegate: it serves this node's encoded
// NodeMeta, gossips leave announcements and hands received ones to the
// roster. It exchanges no state beyond memberlist's.
type delegate struct {
	meta   []byte
	roster *roster
	logger *slog.Logger
	// queue holds this node's leave announcement until it has ridden
	// enough gossip messages; safe for concurrent use.
	queue *memberlist.TransmitLimitedQueue
}

var _ memberlist.Delegate = (*delegate)(nil)

func newDelegate(meta []byte, r *roster, retransmitMult int, logger *slog.Logger) *delegate {
	return &delegate{
		meta:   meta,
		roster: r,
		logger: logger,
		queue:  &memberlist.TransmitLimitedQueue{NumNodes: r.numAlive, RetransmitMult: retransmitMult},
	}
}

// NodeMeta is called by memberlist when it announces this node; the
// encoding fits limit (Config.Validate checked MaxMetaSize).
func (d *delegate) NodeMeta(limit int) []byte { return d.meta }

// NotifyMsg is called by memberlist's packet and stream handlers with a
// user message; it must not block and must not keep b. A leave
// announcement is recorded; anything else is dropped.
func (d *delegate) NotifyMsg(b []byte) {
	id, ok := decodeLeaveIntent(b)
	if !ok {
		d.logger.Debug("dropped unknown user message", slog.Int("bytes", len(b)))
		return
	}
	d.roster.leaveIntent(id)
}

// GetBroadcasts is called by memberlist's gossip and probes to piggyback
// queued announcements within limit bytes.
func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte {
	return d.queue.GetBroadcasts(overhead, limit)
}

// LocalState is unused: membership exchanges no state beyond memberlist's.
func (d *delegate) LocalState(join bool) []byte { return nil }

// MergeRemoteState is unused: membership exchanges no state beyond
// memberlist's.
func (d *delegate) MergeRemoteState(buf []byte, join bool) {}

// broadcast is a queued user message; announcements never supersede each
// other.
type broadcast []byte

var _ memberlist.Broadcast = broadcast(nil)

func (b broadcast) Invalidates(memberlist.Broadcast) bool { return false }
func (b broadcast) Message() []byte                       { return b }
func (b broadcast) Finished()                             {}
