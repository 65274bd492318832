package main

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/proto/nodepb"
)

// runDrain marks a node as draining: the cluster's placement moves its
// replicas and leaders to other nodes (atollctl status shows them leave).
// With --wait it then polls the cluster until the node leads no range (its
// replicas stay where no other node can take them) or the wait is over.
// A server without the Drain RPC fails with errUnsupported.
func runDrain(ctx context.Context, c *cli, args []string) error {
	node := args[0]
	if err := c.drain(ctx, node, false); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Draining %s: its replicas and leaders move to other nodes.\n", node)
	if c.wait <= 0 {
		return nil
	}
	deadline := time.Now().Add(c.wait)
	for {
		st, err := c.status(ctx)
		if err != nil {
			return err
		}
		for _, n := range st.Nodes {
			if n.Id == node && n.Leaders == 0 {
				fmt.Fprintf(c.out, "%s leads no range (%d replicas left).\n", node, n.Replicas)
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("drain %s: still leading ranges after %v", node, c.wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// runUndrain clears a node's draining mark (a node also clears its own
// when it starts).
func runUndrain(ctx context.Context, c *cli, args []string) error {
	if err := c.drain(ctx, args[0], true); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "%s takes replicas and leaders again.\n", args[0])
	return nil
}

// drain calls the Drain RPC.
func (c *cli) drain(ctx context.Context, node string, undo bool) error {
	err := c.withMeta(func(m nodepb.MetaClient) error {
		ctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		_, err := m.Drain(ctx, &nodepb.DrainRequest{NodeId: node, Undo: undo})
		return err
	})
	switch status.Code(err) {
	case codes.OK:
		return nil
	case codes.Unimplemented:
		return fmt.Errorf("drain: %w", errUnsupported)
	case codes.NotFound:
		return fmt.Errorf("drain %s: no such node in the cluster", node)
	}
	return fmt.Errorf("drain from %s: %w", c.addr, err)
}
