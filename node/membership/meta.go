package membership

import (
	"encoding/binary"
	"fmt"

	"github.com/hashicorp/memberlist"
)

// MaxMetaSize is the largest encoded NodeMeta: memberlist's limit on a
// node's metadata (memberlist.MetaMaxSize, 512 bytes), which rides in
// every alive message.
const MaxMetaSize = memberlist.MetaMaxSize

// metaVersion is the first byte of an encoded NodeMeta. A decoder rejects
// any other version, so a future format must keep accepting this one for
// as long as mixed-version clusters exist.
const metaVersion = 1

// NodeMeta is what a node tells the cluster about itself through gossip:
// its identity, where its services listen and its failure zone.
type NodeMeta struct {
	// ID is the node's unique, stable identifier; it equals the node's
	// memberlist name (Config.NodeID).
	ID string
	// GRPCAddr is the host:port of the node's internal gRPC server (Raft
	// transport, forwarding).
	GRPCAddr string
	// APIAddr is the host:port of the node's DynamoDB HTTP API.
	APIAddr string
	// Zone is the node's failure zone (for example an availability zone);
	// placement spreads replicas across zones. Empty means unknown.
	Zone string
}

// fields returns the encoded fields of m in wire order.
func (m NodeMeta) fields() [4]string {
	return [4]string{m.ID, m.GRPCAddr, m.APIAddr, m.Zone}
}

// encodedMetaSize is the length of encodeMeta(m).
func encodedMetaSize(m NodeMeta) int {
	n := 1
	for _, f := range m.fields() {
		n += 2 + len(f)
	}
	return n
}

// encodeMeta encodes m as a version byte followed by each field (ID,
// GRPCAddr, APIAddr, Zone) as a big-endian uint16 length and its bytes.
// The encoding is canonical: decodeMeta accepts exactly the outputs of
// encodeMeta. The caller ensures encodedMetaSize(m) <= MaxMetaSize
// (Config.Validate does), which also keeps every length within uint16.
func encodeMeta(m NodeMeta) []byte {
	b := make([]byte, 0, encodedMetaSize(m))
	b = append(b, metaVersion)
	for _, f := range m.fields() {
		b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
		b = append(b, f...)
	}
	return b
}

// decodeMeta decodes the output of encodeMeta. Any other input, including
// one with trailing bytes or longer than MaxMetaSize, returns an error
// wrapping ErrInvalidMeta; it never panics.
func decodeMeta(b []byte) (NodeMeta, error) {
	if len(b) == 0 {
		return NodeMeta{}, fmt.Errorf("%w: empty", ErrInvalidMeta)
	}
	if len(b) > MaxMetaSize {
		return NodeMeta{}, fmt.Errorf("%w: %d bytes, limit %d", ErrInvalidMeta, len(b), MaxMetaSize)
	}
	if b[0] != metaVersion {
		return NodeMeta{}, fmt.Errorf("%w: version %d, want %d", ErrInvalidMeta, b[0], metaVersion)
	}
	rest := b[1:]
	var fields [4]string
	for i := range fields {
		if len(rest) < 2 {
			return NodeMeta{}, fmt.Errorf("%w: truncated before field %d", ErrInvalidMeta, i)
		}
		n := int(binary.BigEndian.Uint16(rest))
		rest = rest[2:]
		if len(rest) < n {
			return NodeMeta{}, fmt.Errorf("%w: field %d has %d bytes, %d left", ErrInvalidMeta, i, n, len(rest))
		}
		fields[i] = string(rest[:n])
		rest = rest[n:]
	}
	if len(rest) != 0 {
		return NodeMeta{}, fmt.Errorf("%w: %d trailing bytes", ErrInvalidMeta, len(rest))
	}
	return NodeMeta{ID: fields[0], GRPCAddr: fields[1], APIAddr: fields[2], Zone: fields[3]}, nil
}
