package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/atolldb/atoll/proto/nodepb"
)

// rangeJSON is one element of ring -o json. Its keys are a documented
// interface (doc.go): change them only together with the docs.
type rangeJSON struct {
	Group uint64 `json:"group"`
	// Start and End are the ring positions [Start, End) in hex; empty is
	// the open end of the ring.
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Epoch    uint64   `json:"epoch"`
	Replicas []string `json:"replicas"`
	// Leader is the group's leader as the answering node knows it, or
	// empty.
	Leader string `json:"leader"`
}

func runRing(ctx context.Context, c *cli, _ []string) error {
	resp, err := c.status(ctx)
	if err != nil {
		return err
	}
	ranges := newRangesJSON(resp.GetRanges())
	if c.json {
		return c.printJSON(ranges)
	}
	w := c.table()
	fmt.Fprintln(w, "START\tEND\tGROUP\tEPOCH\tLEADER\tREPLICAS")
	for _, r := range ranges {
		start, end := r.Start, r.End
		if start == "" {
			start = "-inf"
		}
		if end == "" {
			end = "+inf"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%s\t%s\n",
			start, end, r.Group, r.Epoch, orDash(r.Leader), orDash(strings.Join(r.Replicas, ",")))
	}
	return w.Flush()
}

// newRangesJSON converts the ranges of a Status response in ring order
// (by start; the open start first).
func newRangesJSON(in []*nodepb.RangeStatus) []rangeJSON {
	sorted := slices.Clone(in)
	slices.SortStableFunc(sorted, func(a, b *nodepb.RangeStatus) int {
		return bytes.Compare(a.GetStart(), b.GetStart())
	})
	out := make([]rangeJSON, 0, len(sorted))
	for _, r := range sorted {
		out = append(out, rangeJSON{
			Group:    r.GetGroup(),
			Start:    hex.EncodeToString(r.GetStart()),
			End:      hex.EncodeToString(r.GetEnd()),
			Epoch:    r.GetEpoch(),
			Replicas: append([]string{}, r.GetReplicas()...),
			Leader:   r.GetLeader(),
		})
	}
	return out
}
