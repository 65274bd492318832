// Command probe sends one DynamoDB API request and prints the outcome as a
// JSON line: {"status":200,"body":"..."} or {"error":"..."}. The container
// tests of package deploy run it, built static into its own `FROM scratch`
// image, inside a node container's network namespace
// (docker run --network container:<node>), to reach a node that `docker
// network disconnect` cut off from every network, the host included.
//
// Usage:
//
//	probe -addr 127.0.0.1:8000 -op PutItem -body '{"TableName":...}' -timeout 5s
//
// It exits 0 whenever it printed an outcome, 2 on a bad command line.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// result is the line probe prints.
type result struct {
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	Error  string `json:"error,omitempty"`
}

func main() {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8000", "host:port of the node's DynamoDB API")
	op := fs.String("op", "", "operation: the X-Amz-Target after DynamoDB_20120810.")
	body := fs.String("body", "{}", "request body, DynamoDB JSON")
	timeout := fs.Duration("timeout", 5*time.Second, "deadline of the request")
	if err := fs.Parse(os.Args[1:]); err != nil || *op == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: probe -addr host:port -op Operation -body JSON [-timeout 5s]")
		os.Exit(2)
	}
	r := do(*addr, *op, *body, *timeout)
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		os.Exit(1)
	}
}

func do(addr, op, body string, timeout time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/", bytes.NewReader([]byte(body)))
	if err != nil {
		return result{Error: err.Error()}
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{Error: err.Error()}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return result{Status: resp.StatusCode, Error: err.Error()}
	}
	return result{Status: resp.StatusCode, Body: string(b)}
}
