package meta

import (
	"bytes"
	"fmt"
	"sort"
)

// GroupID is the meta group's id in the node's shared raft transport and
// raft-log store. Partition groups start at 1.
const GroupID uint64 = 0

// Node is a member of the cluster as the meta group records it. The JSON
// names are the log and snapshot format: never rename them.
type Node struct {
	// ID is the node's raft server ID, the same in every group.
	ID string `json:"id"`
	// GRPCAddr is the node's gRPC address (raft transport and the public
	// gRPC API).
	GRPCAddr string `json:"grpc_addr,omitempty"`
	// APIAddr is the node's DynamoDB HTTP API address.
	APIAddr string `json:"api_addr,omitempty"`
	// Zone is the node's failure zone, empty when unknown.
	Zone string `json:"zone,omitempty"`
	// Draining marks a node that placement moves replicas and leaders off.
	Draining bool `json:"draining,omitempty"`
}

// Table is a live table. Data is opaque to the meta group (the router's JSON
// table description).
type Table struct {
	// Name is the table's name, unique among live tables.
	Name string `json:"name"`
	// ID is allocated by create-table from State.NextTableID and never
	// reused, not even after the table is deleted.
	ID uint64 `json:"id,omitempty"`
	// Version is 1 at creation and grows by one with every put-table;
	// put-table and delete-table must name the stored version.
	Version uint64 `json:"version,omitempty"`
	// Data is the table's description, stored as given.
	Data []byte `json:"data,omitempty"`
}

// Range is a contiguous range of the ring and the Raft group that owns it.
type Range struct {
	// Group is the owning group's ID (at least 1).
	Group uint64 `json:"group"`
	// Start is the first ring position in the range; nil is the ring's
	// start.
	Start []byte `json:"start,omitempty"`
	// End is the first ring position after the range; nil is the ring's
	// end.
	End []byte `json:"end,omitempty"`
	// Epoch grows by one with every change of the range (put-range); a
	// change must name the stored epoch.
	Epoch uint64 `json:"epoch"`
	// Voters are the node IDs of the group's voting replicas.
	Voters []string `json:"voters,omitempty"`
}

// State is the meta group's state as of one applied command. A State handed
// out by Meta (and everything it reaches: maps, slices, byte slices) is an
// immutable snapshot shared by every reader: never modify it. Apply builds a
// new State for each command instead.
type State struct {
	// Index is the raft index of the last applied command; raft entries
	// that are not commands (no-ops, barriers, configuration changes) leave
	// it unchanged.
	Index uint64 `json:"index"`
	// Nodes holds the cluster's nodes by ID.
	Nodes map[string]Node `json:"nodes"`
	// Tables holds the live tables by name.
	Tables map[string]Table `json:"tables"`
	// NextTableID is the ID of the next table created; it starts at 1 and
	// table IDs are never reused.
	NextTableID uint64 `json:"next_table_id"`
	// Ranges is the ring, sorted by Start, covering it without gaps once
	// initialised (init-ring); empty before.
	Ranges []Range `json:"ranges,omitempty"`
	// NextGroupID is the next unallocated group ID; it starts at 1.
	NextGroupID uint64 `json:"next_group_id"`
}

// newState returns the state of a meta group nothing was applied to.
func newState() *State {
	return &State{Nodes: map[string]Node{}, Tables: map[string]Table{}, NextTableID: 1, NextGroupID: 1}
}

// RangeFor returns the range holding ring position pos (a binary search),
// or false when the ring is empty (not initialised yet).
func (s *State) RangeFor(pos []byte) (Range, bool) {
	// The first range whose Start is after pos; pos is in the one before.
	i := sort.Search(len(s.Ranges), func(i int) bool { return bytes.Compare(s.Ranges[i].Start, pos) > 0 })
	if i == 0 {
		return Range{}, false
	}
	r := s.Ranges[i-1]
	if len(r.End) > 0 && bytes.Compare(pos, r.End) >= 0 {
		return Range{}, false
	}
	return r, true
}

// Table returns the live table called name.
func (s *State) Table(name string) (Table, bool) {
	t, ok := s.Tables[name]
	return t, ok
}

// validateRing reports why ranges are not a ring: in order, the first
// starting at the ring's start and the last ending at its end, each ending
// where the next starts and not empty, with distinct groups of at least 1,
// epochs of at least 1 and valid voters.
func validateRing(ranges []Range) error {
	if len(ranges) == 0 {
		return fmt.Errorf("%w: no ranges", ErrInvalidRing)
	}
	if len(ranges[0].Start) != 0 {
		return fmt.Errorf("%w: the first range starts at %x, not at the ring's start", ErrInvalidRing, ranges[0].Start)
	}
	groups := make(map[uint64]bool, len(ranges))
	for i, r := range ranges {
		switch {
		case r.Group == 0:
			return fmt.Errorf("%w: range %d has group 0", ErrInvalidRing, i)
		case groups[r.Group]:
			return fmt.Errorf("%w: group %d owns two ranges", ErrInvalidRing, r.Group)
		case r.Epoch == 0:
			return fmt.Errorf("%w: group %d has epoch 0", ErrInvalidRing, r.Group)
		case i == len(ranges)-1 && len(r.End) != 0:
			return fmt.Errorf("%w: the last range ends at %x, not at the ring's end", ErrInvalidRing, r.End)
		case i < len(ranges)-1 && len(r.End) == 0:
			return fmt.Errorf("%w: group %d ends at the ring's end but is not the last range", ErrInvalidRing, r.Group)
		case len(r.End) != 0 && bytes.Compare(r.Start, r.End) >= 0:
			return fmt.Errorf("%w: group %d is empty or reversed [%x, %x)", ErrInvalidRing, r.Group, r.Start, r.End)
		case i < len(ranges)-1 && !bytes.Equal(r.End, ranges[i+1].Start):
			return fmt.Errorf("%w: group %d ends at %x but the next range starts at %x", ErrInvalidRing, r.Group, r.End, ranges[i+1].Start)
		}
		if err := validateVoters(r.Voters); err != nil {
			return fmt.Errorf("%w: group %d: %v", ErrInvalidRing, r.Group, err)
		}
		groups[r.Group] = true
	}
	return nil
}

// validateVoters reports why voters is not a list of at least one distinct,
// non-empty node ID.
func validateVoters(voters []string) error {
	if len(voters) == 0 {
		return fmt.Errorf("no voters")
	}
	seen := make(map[string]bool, len(voters))
	for _, v := range voters {
		if v == "" {
			return fmt.Errorf("empty voter ID")
		}
		if seen[v] {
			return fmt.Errorf("voter %q repeated", v)
		}
		seen[v] = true
	}
	return nil
}

// validate reports why s (a restored snapshot) breaks the state's
// invariants.
func (s *State) validate() error {
	for id, n := range s.Nodes {
		if n.ID != id {
			return fmt.Errorf("node %q stored under %q", n.ID, id)
		}
	}
	for name, t := range s.Tables {
		switch {
		case t.Name != name:
			return fmt.Errorf("table %q stored under %q", t.Name, name)
		case t.ID == 0 || t.ID >= s.NextTableID:
			return fmt.Errorf("table %q has id %d, next table id %d", name, t.ID, s.NextTableID)
		case t.Version == 0:
			return fmt.Errorf("table %q has version 0", name)
		}
	}
	if s.NextTableID == 0 || s.NextGroupID == 0 {
		return fmt.Errorf("next table id %d, next group id %d: want at least 1", s.NextTableID, s.NextGroupID)
	}
	if len(s.Ranges) == 0 {
		return nil
	}
	if err := validateRing(s.Ranges); err != nil {
		return err
	}
	for _, r := range s.Ranges {
		if r.Group >= s.NextGroupID {
			return fmt.Errorf("group %d at or past next group id %d", r.Group, s.NextGroupID)
		}
	}
	return nil
}

// clone returns a copy of r sharing nothing with it.
func (r Range) clone() Range {
	r.Start = cloneBytes(r.Start)
	r.End = cloneBytes(r.End)
	if r.Voters != nil {
		r.Voters = append([]string(nil), r.Voters...)
	}
	return r
}

// clone returns a copy of t sharing nothing with it.
func (t Table) clone() Table {
	t.Data = cloneBytes(t.Data)
	return t
}

// cloneBytes copies b; empty becomes nil (the state never holds empty
// non-nil byte slices, so that a snapshot round trip is exact).
func cloneBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}
