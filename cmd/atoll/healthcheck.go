package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheckTimeout bounds `atoll healthcheck`: connecting, the request and
// the answer. A container's HEALTHCHECK runs it every few seconds, so it
// must fail fast rather than hang on a node that accepted the connection
// but does not answer yet (the API is served only once the node is ready).
const healthcheckTimeout = 3 * time.Second

// Exit statuses of `atoll healthcheck`, as Docker's HEALTHCHECK reads them.
const (
	healthy   = 0
	unhealthy = 1
)

// healthcheck runs `atoll healthcheck [--api-addr addr] [--timeout d]`: it
// asks the node listening on the API address (ATOLL_API_ADDR when the flag
// is not given, else :8000) for GET /readyz and returns healthy when it
// answers 200, unhealthy otherwise. It exists because a `FROM scratch`
// image has no shell or curl for Docker's HEALTHCHECK.
func healthcheck(args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("atoll healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := ":8000"
	if v := getenv(envName("api-addr")); v != "" {
		addr = v
	}
	fs.StringVar(&addr, "api-addr", addr, "listen address of the node's API (default: $ATOLL_API_ADDR, else :8000)")
	timeout := fs.Duration("timeout", healthcheckTimeout, "deadline of the whole check")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: atoll healthcheck [flags]\n\nExits 0 when GET /readyz on the node's API answers 200, else 1.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return healthy
		}
		return unhealthy
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "atoll healthcheck: unexpected argument %q\n", fs.Arg(0))
		return unhealthy
	}
	url, err := readyzURL(addr)
	if err != nil {
		fmt.Fprintln(stderr, "atoll healthcheck:", err)
		return unhealthy
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintln(stderr, "atoll healthcheck:", err)
		return unhealthy
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "atoll healthcheck:", err)
		return unhealthy
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "atoll healthcheck: %s answered %s: %s\n", url, resp.Status, body)
		return unhealthy
	}
	return healthy
}

// readyzURL returns the /readyz URL of a node whose API listens on addr:
// the listen host when it is a specific address, else 127.0.0.1.
func readyzURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("api address %q: %w", addr, err)
	}
	if port == "" || port == "0" {
		return "", fmt.Errorf("api address %q has no fixed port to check", addr)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
