package meta

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
)

// apply returns the state after applying c at raft index: a new State that
// shares with s whatever c does not change (copy-on-write: the maps and
// slices it changes are cloned first), and c's result. s is not modified.
// It is deterministic: it reads nothing but s, index and c.
func (s *State) apply(index uint64, c *Command) (*State, Result) {
	next := *s
	next.Index = index
	if err := c.validate(); err != nil {
		return &next, Result{Err: err}
	}
	var res Result
	switch c.Op {
	case OpPutNode:
		next.Nodes = maps.Clone(s.Nodes)
		next.Nodes[c.Node.ID] = *c.Node
	case OpCreateTable:
		res = next.createTable(c.Table)
	case OpPutTable:
		res = next.putTable(c.Table)
	case OpDeleteTable:
		res = next.deleteTable(c.Table)
	case OpInitRing:
		res = next.initRing(c.Ranges)
	case OpPutRange:
		res = next.putRange(c.Range)
	}
	return &next, res
}

// The methods below run on the new State, whose maps and slices are still
// shared with the previous one: they clone before they write.

func (s *State) createTable(t *Table) Result {
	if _, ok := s.Tables[t.Name]; ok {
		return Result{Err: fmt.Errorf("table %q: %w", t.Name, ErrTableExists)}
	}
	stored := Table{Name: t.Name, ID: s.NextTableID, Version: 1, Data: cloneBytes(t.Data)}
	s.NextTableID++
	s.Tables = maps.Clone(s.Tables)
	s.Tables[t.Name] = stored
	return Result{Table: stored}
}

// checkVersion returns the stored table t names if its version is t's.
func (s *State) checkVersion(t *Table) (Table, error) {
	stored, ok := s.Tables[t.Name]
	if !ok {
		return Table{}, fmt.Errorf("table %q: %w", t.Name, ErrTableNotFound)
	}
	if t.Version != stored.Version {
		return Table{}, fmt.Errorf("table %q version %d, stored %d: %w", t.Name, t.Version, stored.Version, ErrVersionMismatch)
	}
	return stored, nil
}

func (s *State) putTable(t *Table) Result {
	stored, err := s.checkVersion(t)
	if err != nil {
		return Result{Err: err}
	}
	stored.Version++
	stored.Data = cloneBytes(t.Data)
	s.Tables = maps.Clone(s.Tables)
	s.Tables[t.Name] = stored
	return Result{Table: stored}
}

func (s *State) deleteTable(t *Table) Result {
	stored, err := s.checkVersion(t)
	if err != nil {
		return Result{Err: err}
	}
	s.Tables = maps.Clone(s.Tables)
	delete(s.Tables, t.Name)
	return Result{Table: stored}
}

func (s *State) initRing(ranges []Range) Result {
	if len(s.Ranges) > 0 {
		return Result{Err: ErrRingExists}
	}
	if err := validateRing(ranges); err != nil {
		return Result{Err: err}
	}
	ring := make([]Range, len(ranges))
	for i, r := range ranges {
		ring[i] = r.clone()
		s.NextGroupID = max(s.NextGroupID, r.Group+1)
	}
	s.Ranges = ring
	return Result{}
}

func (s *State) putRange(r *Range) Result {
	i := slices.IndexFunc(s.Ranges, func(x Range) bool { return x.Group == r.Group })
	if i < 0 {
		return Result{Err: fmt.Errorf("group %d: %w", r.Group, ErrGroupNotFound)}
	}
	stored := s.Ranges[i]
	switch {
	case r.Epoch != stored.Epoch:
		return Result{Err: fmt.Errorf("group %d epoch %d, stored %d: %w", r.Group, r.Epoch, stored.Epoch, ErrEpochMismatch)}
	case !bytes.Equal(r.Start, stored.Start) || !bytes.Equal(r.End, stored.End):
		return Result{Err: fmt.Errorf("%w: group %d: the bounds [%x, %x) cannot change to [%x, %x)", ErrInvalidRange, r.Group, stored.Start, stored.End, r.Start, r.End)}
	}
	if err := validateVoters(r.Voters); err != nil {
		return Result{Err: fmt.Errorf("%w: group %d: %v", ErrInvalidRange, r.Group, err)}
	}
	next := r.clone()
	next.Start, next.End = stored.Start, stored.End
	next.Epoch = stored.Epoch + 1
	s.Ranges = slices.Clone(s.Ranges)
	s.Ranges[i] = next
	return Result{Range: next}
}
