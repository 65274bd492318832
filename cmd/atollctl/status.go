package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/atolldb/atoll/proto/nodepb"
)

// statusJSON is the output of status -o json.
type statusJSON struct {
	NodeID     string       `json:"nodeId"`
	MetaLeader string       `json:"metaLeader"`
	Nodes      []nodeJSON   `json:"nodes"`
	Totals     statusTotals `json:"totals"`
}

type nodeJSON struct {
	ID       string `json:"id"`
	GRPCAddr string `json:"grpcAddr"`
	APIAddr  string `json:"apiAddr"`
	Zone     string `json:"zone"`
	State    string `json:"state"`
	Draining bool   `json:"draining"`
	Replicas uint32 `json:"replicas"`
	Leaders  uint32 `json:"leaders"`
}

type statusTotals struct {
	Nodes               int `json:"nodes"`
	NodesAlive          int `json:"nodesAlive"`
	Ranges              int `json:"ranges"`
	RangesWithoutLeader int `json:"rangesWithoutLeader"`
}

// stateAlive is the gossip state of a reachable node in NodeStatus.state.
const stateAlive = "alive"

func runStatus(ctx context.Context, c *cli, _ []string) error {
	resp, err := c.status(ctx)
	if err != nil {
		return err
	}
	s := newStatusJSON(resp)
	if c.json {
		return c.printJSON(s)
	}
	w := c.table()
	fmt.Fprintf(w, "Node:\t%s\n", orDash(s.NodeID))
	fmt.Fprintf(w, "Meta leader:\t%s\n", orDash(s.MetaLeader))
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(c.out)
	w = c.table()
	fmt.Fprintln(w, "ID\tGRPC ADDR\tAPI ADDR\tZONE\tSTATE\tDRAINING\tREPLICAS\tLEADERS")
	for _, n := range s.Nodes {
		draining := "no"
		if n.Draining {
			draining = "yes"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n",
			n.ID, orDash(n.GRPCAddr), orDash(n.APIAddr), orDash(n.Zone), orDash(n.State), draining, n.Replicas, n.Leaders)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(c.out)
	w = c.table()
	fmt.Fprintf(w, "Nodes alive:\t%d/%d\n", s.Totals.NodesAlive, s.Totals.Nodes)
	fmt.Fprintf(w, "Ranges:\t%d\n", s.Totals.Ranges)
	fmt.Fprintf(w, "Ranges without leader:\t%d\n", s.Totals.RangesWithoutLeader)
	return w.Flush()
}

// newStatusJSON converts a Status response, nodes sorted by ID.
func newStatusJSON(resp *nodepb.StatusResponse) statusJSON {
	s := statusJSON{
		NodeID:     resp.GetNodeId(),
		MetaLeader: resp.GetMetaLeader(),
		Nodes:      []nodeJSON{},
		Totals:     statusTotals{Nodes: len(resp.GetNodes()), Ranges: len(resp.GetRanges())},
	}
	for _, n := range resp.GetNodes() {
		s.Nodes = append(s.Nodes, nodeJSON{
			ID: n.GetId(), GRPCAddr: n.GetGrpcAddr(), APIAddr: n.GetApiAddr(), Zone: n.GetZone(),
			State: n.GetState(), Draining: n.GetDraining(), Replicas: n.GetReplicas(), Leaders: n.GetLeaders(),
		})
		if n.GetState() == stateAlive {
			s.Totals.NodesAlive++
		}
	}
	slices.SortStableFunc(s.Nodes, func(a, b nodeJSON) int { return cmp.Compare(a.ID, b.ID) })
	for _, r := range resp.GetRanges() {
		if r.GetLeader() == "" {
			s.Totals.RangesWithoutLeader++
		}
	}
	return s
}
