package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestReadyzURL(t *testing.T) {
	for _, tc := range []struct {
		addr, want string
		wantErr    bool
	}{
		{addr: ":8000", want: "http://127.0.0.1:8000/readyz"},
		{addr: "0.0.0.0:8001", want: "http://127.0.0.1:8001/readyz"},
		{addr: "[::]:8002", want: "http://127.0.0.1:8002/readyz"},
		{addr: "10.1.2.3:8000", want: "http://10.1.2.3:8000/readyz"},
		{addr: "[::1]:8000", want: "http://[::1]:8000/readyz"},
		{addr: "8000", wantErr: true},
		{addr: "127.0.0.1:0", wantErr: true},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			got, err := readyzURL(tc.addr)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("readyzURL(%q) = %q, %v; want %q (error: %v)", tc.addr, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestHealthcheck runs the subcommand against a fake node: 200 is healthy;
// 503, a closed port and a node that accepts but never answers are not.
func TestHealthcheck(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		if !ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	noEnv := func(string) string { return "" }

	if got := healthcheck([]string{"--api-addr", addr}, noEnv, io.Discard); got != healthy {
		t.Errorf("healthcheck on a ready node = %d, want %d", got, healthy)
	}
	env := func(k string) string {
		if k == "ATOLL_API_ADDR" {
			return addr
		}
		return ""
	}
	if got := healthcheck(nil, env, io.Discard); got != healthy {
		t.Errorf("healthcheck with ATOLL_API_ADDR=%s = %d, want %d", addr, got, healthy)
	}
	ready.Store(false)
	var stderr strings.Builder
	if got := healthcheck([]string{"--api-addr", addr}, noEnv, &stderr); got != unhealthy {
		t.Errorf("healthcheck on a node answering 503 = %d, want %d", got, unhealthy)
	}
	if !strings.Contains(stderr.String(), "503") {
		t.Errorf("healthcheck stderr = %q, want the 503 named", stderr.String())
	}

	// Accepts connections (the listener is bound) but never answers, as a
	// node that has not finished starting.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	start := time.Now()
	if got := healthcheck([]string{"--api-addr", silent.Addr().String(), "--timeout", "200ms"}, noEnv, io.Discard); got != unhealthy {
		t.Errorf("healthcheck on a silent listener = %d, want %d", got, unhealthy)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("healthcheck on a silent listener took %v, want about its 200ms timeout", d)
	}
	closedAddr := silent.Addr().String()
	silent.Close()
	if got := healthcheck([]string{"--api-addr", closedAddr}, noEnv, io.Discard); got != unhealthy {
		t.Errorf("healthcheck on a closed port = %d, want %d", got, unhealthy)
	}
	if got := healthcheck([]string{"--bogus"}, noEnv, io.Discard); got != unhealthy {
		t.Errorf("healthcheck --bogus = %d, want %d", got, unhealthy)
	}
}
