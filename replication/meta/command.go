package meta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Op names a command.
type Op string

// The commands. Each Op's string is part of the log format: never change
// one.
const (
	// OpPutNode inserts or replaces Command.Node by ID.
	OpPutNode Op = "put-node"
	// OpCreateTable creates Command.Table (Name and Data; the ID and
	// Version are allocated).
	OpCreateTable Op = "create-table"
	// OpPutTable replaces the Data of the table Command.Table.Name if its
	// stored version is Command.Table.Version.
	OpPutTable Op = "put-table"
	// OpDeleteTable deletes the table Command.Table.Name if its stored
	// version is Command.Table.Version.
	OpDeleteTable Op = "delete-table"
	// OpInitRing sets the ring to Command.Ranges, once.
	OpInitRing Op = "init-ring"
	// OpPutRange replaces the voters of the range of group
	// Command.Range.Group if its stored epoch is Command.Range.Epoch.
	OpPutRange Op = "put-range"
)

// Command is one change of the meta group's state, encoded as JSON in the
// raft log. Only the field of its Op is set.
type Command struct {
	// Op is the command.
	Op Op `json:"op"`
	// Node is put-node's node.
	Node *Node `json:"node,omitempty"`
	// Table is the table of create-table, put-table and delete-table.
	Table *Table `json:"table,omitempty"`
	// Ranges is init-ring's ring.
	Ranges []Range `json:"ranges,omitempty"`
	// Range is put-range's range.
	Range *Range `json:"range,omitempty"`
}

// Result is the outcome of an applied command: Err is a user-level error
// (ErrTableExists, ErrVersionMismatch, ...) after which the state is
// unchanged but for Index; otherwise Table (create-table, put-table: the
// stored record; delete-table: the record deleted) or Range (put-range: the
// stored range) describe it.
type Result struct {
	// Table is the table record the command stored or deleted.
	Table Table
	// Range is the range the command stored.
	Range Range
	// Err is the command's user-level error, nil when it took effect.
	Err error
}

// validate reports a command that must not be proposed: an unknown op or a
// missing payload.
func (c *Command) validate() error {
	var ok bool
	switch c.Op {
	case OpPutNode:
		ok = c.Node != nil && c.Node.ID != ""
	case OpCreateTable, OpPutTable, OpDeleteTable:
		ok = c.Table != nil && c.Table.Name != ""
	case OpInitRing:
		ok = len(c.Ranges) > 0
	case OpPutRange:
		ok = c.Range != nil
	default:
		return fmt.Errorf("%w: unknown op %q", ErrInvalidCommand, c.Op)
	}
	if !ok {
		return fmt.Errorf("%w: %s without its payload", ErrInvalidCommand, c.Op)
	}
	return nil
}

// known reports whether op is one of the commands.
func (op Op) known() bool {
	switch op {
	case OpPutNode, OpCreateTable, OpPutTable, OpDeleteTable, OpInitRing, OpPutRange:
		return true
	}
	return false
}

// encode returns the log entry of c.
func (c *Command) encode() ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("meta: encode %s command: %w", c.Op, err)
	}
	return b, nil
}

// decodeCommand decodes a log entry. It refuses unknown fields and ops as
// well as malformed JSON: a replica that silently ignored a field written by
// a newer version would diverge from the others.
func decodeCommand(data []byte) (*Command, error) {
	var c Command
	if err := decodeStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadEntry, err)
	}
	if !c.Op.known() {
		return nil, fmt.Errorf("%w: unknown op %q", ErrBadEntry, c.Op)
	}
	return &c, nil
}

// decodeStrict decodes exactly one JSON value from data into v, refusing
// unknown fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
