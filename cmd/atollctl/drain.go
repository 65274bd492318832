package main

import (
	"context"
	"fmt"
)

// runDrain would mark a node as draining so that placement moves its
// replicas elsewhere. The Meta service has no RPC for it yet (NodeStatus
// only reports the draining flag), so it fails with errUnsupported before
// contacting the node. When the server grows one, call it here through
// c.withMeta with a context bounded by c.timeout, check that args[0] is a
// node of c.status, and keep errUnsupported for a server that answers
// codes.Unimplemented.
func runDrain(_ context.Context, _ *cli, _ []string) error {
	return fmt.Errorf("drain: %w", errUnsupported)
}
