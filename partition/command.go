package partition

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
)

// Op is the kind of a Command.
type Op uint8

// The commands of the state machine.
const (
	// OpPut writes Item at Key, replacing any item there, if Condition holds.
	OpPut Op = iota + 1
	// OpDelete removes the item at Key, if Condition holds.
	OpDelete
	// OpUpdate applies Update to the item at Key (creating it from KeyAttrs
	// when it does not exist), if Condition holds.
	OpUpdate
)

// Command is one write, validated and bound by the router: the state machine
// only evaluates it. Commands are encoded with Encode into the replicated log;
// the encoding is stable.
type Command struct {
	Op Op
	// Table is the id of the table.
	Table uint64
	// Key is the item's ring position (keys.Position).
	Key []byte
	// KeyAttrs are the item's key attributes (OpUpdate creates a new item
	// from them).
	KeyAttrs value.Item
	// Item is the new item of OpPut, key attributes included.
	Item value.Item
	// Condition, when not nil, must hold on the current item (absent items
	// evaluate as empty) or the command fails with ErrConditionFailed.
	Condition expr.Cond
	// Update is the bound update of OpUpdate.
	Update *expr.Update
	// ID, when not empty, identifies the request (the router draws 16
	// random bytes) so that a retry of it is not applied twice: the state
	// machine records the result of every ID it applies and answers a
	// later command with the same ID with that result, without evaluating
	// it (see DESIGN.md, "Request deduplication"). At most MaxCommandIDSize
	// bytes.
	ID []byte
}

// MaxCommandIDSize bounds Command.ID, which becomes part of system keys.
const MaxCommandIDSize = 64

// The versions of the command encoding (its first byte). Version 2 adds the
// request ID; a command without one is still encoded as version 1, so logs
// written before IDs existed and commands without an ID read the same.
const (
	commandVersionNoID = 1
	commandVersion     = 2
)

// Encode appends the binary encoding of c to dst.
//
//	version byte (1 without an ID, 2 with one), op byte,
//	[version 2: uvarint len (1..MaxCommandIDSize) + ID,]
//	uvarint table id, uvarint len + key,
//	key attributes (value.AppendItem), item presence byte + item,
//	condition (expr.AppendCond), update presence byte + update (expr.AppendUpdate)
func (c *Command) Encode(dst []byte) []byte {
	if len(c.ID) == 0 {
		dst = append(dst, commandVersionNoID, byte(c.Op))
	} else {
		dst = append(dst, commandVersion, byte(c.Op))
		dst = binary.AppendUvarint(dst, uint64(len(c.ID)))
		dst = append(dst, c.ID...)
	}
	dst = binary.AppendUvarint(dst, c.Table)
	dst = binary.AppendUvarint(dst, uint64(len(c.Key)))
	dst = append(dst, c.Key...)
	dst = value.AppendItem(dst, c.KeyAttrs)
	if c.Item != nil {
		dst = append(dst, 1)
		dst = value.AppendItem(dst, c.Item)
	} else {
		dst = append(dst, 0)
	}
	dst = expr.AppendCond(dst, c.Condition)
	if c.Update != nil {
		dst = append(dst, 1)
		dst = expr.AppendUpdate(dst, c.Update)
	} else {
		dst = append(dst, 0)
	}
	return dst
}

// DecodeCommand decodes a command encoded by Encode. Errors wrap ErrCorruptCommand.
func DecodeCommand(b []byte) (*Command, error) {
	c, err := decodeCommand(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptCommand, err)
	}
	return c, nil
}

var errTruncated = errors.New("truncated")

func decodeCommand(b []byte) (*Command, error) {
	if len(b) < 2 {
		return nil, errTruncated
	}
	version := b[0]
	if version != commandVersionNoID && version != commandVersion {
		return nil, fmt.Errorf("unknown command version %d", version)
	}
	c := &Command{Op: Op(b[1])}
	if c.Op < OpPut || c.Op > OpUpdate {
		return nil, fmt.Errorf("unknown op %d", c.Op)
	}
	b = b[2:]
	var n int
	if version == commandVersion {
		idLen, n := binary.Uvarint(b)
		if n <= 0 || idLen > uint64(len(b)-n) {
			return nil, errTruncated
		}
		if idLen == 0 || idLen > MaxCommandIDSize {
			// A command without an ID is encoded as version 1.
			return nil, fmt.Errorf("request id of %d bytes", idLen)
		}
		c.ID = b[n : n+int(idLen) : n+int(idLen)]
		b = b[n+int(idLen):]
	}
	if c.Table, n = binary.Uvarint(b); n <= 0 {
		return nil, errTruncated
	}
	if c.Table == 0 {
		// Table id 0 is the system keyspace (applied indexes, statistics,
		// the catalog); no command may write there.
		return nil, errors.New("table id 0")
	}
	b = b[n:]
	klen, n := binary.Uvarint(b)
	if n <= 0 || klen > uint64(len(b)-n) {
		return nil, errTruncated
	}
	c.Key = b[n : n+int(klen) : n+int(klen)]
	b = b[n+int(klen):]

	var err error
	if c.KeyAttrs, b, err = value.DecodeItemPrefix(b); err != nil {
		return nil, fmt.Errorf("key attributes: %w", err)
	}
	if len(b) == 0 {
		return nil, errTruncated
	}
	hasItem := b[0]
	b = b[1:]
	switch hasItem {
	case 0:
	case 1:
		if c.Item, b, err = value.DecodeItemPrefix(b); err != nil {
			return nil, fmt.Errorf("item: %w", err)
		}
	default:
		return nil, errors.New("bad item flag")
	}
	if c.Condition, b, err = expr.DecodeCond(b); err != nil {
		return nil, fmt.Errorf("condition: %w", err)
	}
	if len(b) == 0 {
		return nil, errTruncated
	}
	hasUpdate := b[0]
	b = b[1:]
	switch hasUpdate {
	case 0:
	case 1:
		if c.Update, b, err = expr.DecodeUpdate(b); err != nil {
			return nil, fmt.Errorf("update: %w", err)
		}
	default:
		return nil, errors.New("bad update flag")
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%d trailing bytes", len(b))
	}
	if c.Op == OpPut && c.Item == nil || c.Op == OpUpdate && c.Update == nil {
		return nil, fmt.Errorf("op %d without its payload", c.Op)
	}
	return c, nil
}
