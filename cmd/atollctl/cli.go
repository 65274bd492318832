package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/atolldb/atoll/proto/nodepb"
)

// cli is what every command runs with: where the node is, how long a
// request may take and how to print.
type cli struct {
	addr    string        // gRPC address of the node asked
	timeout time.Duration // deadline of each request
	wait    time.Duration // drain: how long to wait for the node's leaders to move
	json    bool          // print JSON instead of text
	out     io.Writer
}

// withMeta calls fn with a Meta client of the node at c.addr. The
// connection is opened lazily by the first RPC and closed when fn returns.
func (c *cli) withMeta(fn func(nodepb.MetaClient) error) error {
	conn, err := grpc.NewClient(c.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(nodepb.NewMetaClient(conn))
}

// status returns the cluster as the node at c.addr sees it.
func (c *cli) status(ctx context.Context) (*nodepb.StatusResponse, error) {
	var resp *nodepb.StatusResponse
	err := c.withMeta(func(m nodepb.MetaClient) error {
		ctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		var err error
		resp, err = m.Status(ctx, &nodepb.StatusRequest{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("status from %s: %w", c.addr, err)
	}
	return resp, nil
}

// printJSON writes v as indented JSON.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table returns a tabwriter over c.out for aligned columns; the caller
// flushes it.
func (c *cli) table() *tabwriter.Writer {
	return tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
}

// orDash returns s, or "-" when s is empty, for text columns.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
