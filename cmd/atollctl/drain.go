package main

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/proto/nodepb"
)

// runDrain marks a node as draining: the cluster's placement moves its
// replicas and leaders to other nodes (atollctl status shows them leave).
// A server without the Drain RPC fails with errUnsupported.
func runDrain(ctx context.Context, c *cli, args []string) error {
	node := args[0]
	err := c.withMeta(func(m nodepb.MetaClient) error {
		ctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		_, err := m.Drain(ctx, &nodepb.DrainRequest{NodeId: node})
		return err
	})
	switch status.Code(err) {
	case codes.OK:
		fmt.Fprintf(c.out, "Draining %s: its replicas and leaders move to other nodes.\n", node)
		return nil
	case codes.Unimplemented:
		return fmt.Errorf("drain: %w", errUnsupported)
	case codes.NotFound:
		return fmt.Errorf("drain %s: no such node in the cluster", node)
	}
	return fmt.Errorf("drain from %s: %w", c.addr, err)
}
