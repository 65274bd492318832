package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"

	"github.com/atolldb/atoll/node"
	"github.com/atolldb/atoll/node/membership"
	"github.com/atolldb/atoll/proto/nodepb"
)

// fakeMeta answers Status with a fixed response. The thing under test is
// the CLI, so a canned cluster view is enough.
type fakeMeta struct {
	nodepb.UnimplementedMetaServer
	resp *nodepb.StatusResponse
}

func (f *fakeMeta) Status(context.Context, *nodepb.StatusRequest) (*nodepb.StatusResponse, error) {
	return f.resp, nil
}

var _ nodepb.MetaServer = (*fakeMeta)(nil)

// startMeta serves resp on a loopback gRPC server and returns its address.
func startMeta(t *testing.T, resp *nodepb.StatusResponse) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := grpc.NewServer()
	nodepb.RegisterMetaServer(srv, &fakeMeta{resp: resp})
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return ln.Addr().String()
}

// fixedStatus is a three-node cluster of four ranges, one without a
// leader, answered by n1 whose API is at apiAddr.
func fixedStatus(apiAddr string) *nodepb.StatusResponse {
	return &nodepb.StatusResponse{
		NodeId:     "n1",
		MetaLeader: "n2",
		Nodes: []*nodepb.NodeStatus{
			{Id: "n1", GrpcAddr: "10.0.0.1:9000", ApiAddr: apiAddr, Zone: "z1", State: "alive", Replicas: 3, Leaders: 2},
			{Id: "n3", GrpcAddr: "10.0.0.3:9000", ApiAddr: "10.0.0.3:8000", State: "dead", Draining: true, Replicas: 2},
			{Id: "n2", GrpcAddr: "10.0.0.2:9000", ApiAddr: "10.0.0.2:8000", Zone: "z2", State: "alive", Replicas: 3, Leaders: 1},
		},
		Ranges: []*nodepb.RangeStatus{
			{Group: 2, Start: []byte{0x40}, End: []byte{0x80}, Epoch: 3, Replicas: []string{"n2", "n3"}, Leader: "n2"},
			{Group: 1, End: []byte{0x40}, Epoch: 1, Replicas: []string{"n1", "n2"}, Leader: "n1"},
			{Group: 3, Start: []byte{0x80}, End: []byte{0xc0, 0x0a}, Epoch: 1, Replicas: []string{"n1", "n2", "n3"}},
			{Group: 4, Start: []byte{0xc0, 0x0a}, Epoch: 7, Replicas: []string{"n1"}, Leader: "n1"},
		},
	}
}

// runCLI runs atollctl with args and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// mustRun runs atollctl and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("atollctl %q exited %d, stderr:\n%s", args, code, stderr)
	}
	if stderr != "" {
		t.Errorf("atollctl %q wrote to stderr:\n%s", args, stderr)
	}
	return stdout
}

// rows returns the whitespace-separated fields of every line of out.
func rows(out string) [][]string {
	var rs [][]string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			rs = append(rs, f)
		}
	}
	return rs
}

// hasRow reports whether out has a line whose fields are want.
func hasRow(out string, want ...string) bool {
	return slices.ContainsFunc(rows(out), func(r []string) bool { return slices.Equal(r, want) })
}

func TestStatusText(t *testing.T) {
	addr := startMeta(t, fixedStatus("10.0.0.1:8000"))
	out := mustRun(t, "--addr", addr, "status")
	for _, want := range [][]string{
		{"Node:", "n1"},
		{"Meta", "leader:", "n2"},
		{"ID", "GRPC", "ADDR", "API", "ADDR", "ZONE", "STATE", "DRAINING", "REPLICAS", "LEADERS"},
		{"n1", "10.0.0.1:9000", "10.0.0.1:8000", "z1", "alive", "no", "3", "2"},
		{"n2", "10.0.0.2:9000", "10.0.0.2:8000", "z2", "alive", "no", "3", "1"},
		{"n3", "10.0.0.3:9000", "10.0.0.3:8000", "-", "dead", "yes", "2", "0"},
		{"Nodes", "alive:", "2/3"},
		{"Ranges:", "4"},
		{"Ranges", "without", "leader:", "1"},
	} {
		if !hasRow(out, want...) {
			t.Errorf("status output has no row %q:\n%s", want, out)
		}
	}
	// Nodes are listed by ID.
	if i2, i3 := strings.Index(out, "\nn2 "), strings.Index(out, "\nn3 "); i2 < 0 || i3 < i2 {
		t.Errorf("status lists n3 before n2:\n%s", out)
	}
}

func TestStatusJSON(t *testing.T) {
	addr := startMeta(t, fixedStatus("10.0.0.1:8000"))
	// Flags after the command.
	out := mustRun(t, "status", "-o", "json", "--addr", addr)
	var got statusJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode status -o json: %v\n%s", err, out)
	}
	if dec.More() {
		t.Errorf("status -o json printed more than one JSON value:\n%s", out)
	}
	want := statusJSON{
		NodeID:     "n1",
		MetaLeader: "n2",
		Nodes: []nodeJSON{
			{ID: "n1", GRPCAddr: "10.0.0.1:9000", APIAddr: "10.0.0.1:8000", Zone: "z1", State: "alive", Replicas: 3, Leaders: 2},
			{ID: "n2", GRPCAddr: "10.0.0.2:9000", APIAddr: "10.0.0.2:8000", Zone: "z2", State: "alive", Replicas: 3, Leaders: 1},
			{ID: "n3", GRPCAddr: "10.0.0.3:9000", APIAddr: "10.0.0.3:8000", State: "dead", Draining: true, Replicas: 2},
		},
		Totals: statusTotals{Nodes: 3, NodesAlive: 2, Ranges: 4, RangesWithoutLeader: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status -o json (-want +got):\n%s", diff)
	}
}

func TestRingJSON(t *testing.T) {
	addr := startMeta(t, fixedStatus("10.0.0.1:8000"))
	out := mustRun(t, "--addr", addr, "-o", "json", "ring")
	// Decode into maps so that a renamed or extra key fails.
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decode ring -o json: %v\n%s", err, out)
	}
	want := []map[string]any{
		{"group": 1.0, "start": "", "end": "40", "epoch": 1.0, "replicas": []any{"n1", "n2"}, "leader": "n1"},
		{"group": 2.0, "start": "40", "end": "80", "epoch": 3.0, "replicas": []any{"n2", "n3"}, "leader": "n2"},
		{"group": 3.0, "start": "80", "end": "c00a", "epoch": 1.0, "replicas": []any{"n1", "n2", "n3"}, "leader": ""},
		{"group": 4.0, "start": "c00a", "end": "", "epoch": 7.0, "replicas": []any{"n1"}, "leader": "n1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ring -o json (-want +got):\n%s", diff)
	}
}

func TestRingJSONEmptyReplicas(t *testing.T) {
	addr := startMeta(t, &nodepb.StatusResponse{NodeId: "n1", Ranges: []*nodepb.RangeStatus{{Group: 9}}})
	out := mustRun(t, "--addr", addr, "-o", "json", "ring")
	want := `[{"group":9,"start":"","end":"","epoch":0,"replicas":[],"leader":""}]`
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(out)); err != nil {
		t.Fatalf("ring -o json is not JSON: %v\n%s", err, out)
	}
	if compact.String() != want {
		t.Errorf("ring -o json = %s, want %s", compact.String(), want)
	}
}

func TestRingText(t *testing.T) {
	addr := startMeta(t, fixedStatus("10.0.0.1:8000"))
	out := mustRun(t, "ring", "--addr", addr)
	want := [][]string{
		{"START", "END", "GROUP", "EPOCH", "LEADER", "REPLICAS"},
		{"-inf", "40", "1", "1", "n1", "n1,n2"},
		{"40", "80", "2", "3", "n2", "n2,n3"},
		{"80", "c00a", "3", "1", "-", "n1,n2,n3"},
		{"c00a", "+inf", "4", "7", "n1", "n1"},
	}
	if diff := cmp.Diff(want, rows(out)); diff != "" {
		t.Errorf("ring output (-want +got):\n%s\n%s", diff, out)
	}
}

// fakeDynamo is a DynamoDB API that serves ListTables in pages of two
// names and DescribeTable.
type fakeDynamo struct {
	t      *testing.T
	tables map[string]string // name -> DescribeTable's Table JSON
	// missing tables are listed but answer ResourceNotFoundException, as
	// if deleted between ListTables and DescribeTable.
	missing []string

	mu sync.Mutex // guards starts
	// starts is the ExclusiveStartTableName of every ListTables, in order.
	starts []string
}

func (f *fakeDynamo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" {
		f.t.Errorf("%s request with Content-Type %q, want POST of application/x-amz-json-1.0", r.Method, r.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("read request: %v", err)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	switch target := r.Header.Get("X-Amz-Target"); target {
	case "DynamoDB_20120810.ListTables":
		var req struct{ ExclusiveStartTableName *string }
		if err := json.Unmarshal(body, &req); err != nil {
			f.t.Errorf("ListTables body %q: %v", body, err)
		}
		start := ""
		if req.ExclusiveStartTableName != nil {
			start = *req.ExclusiveStartTableName
			if start == "" {
				f.t.Errorf("ListTables with an empty ExclusiveStartTableName")
			}
		}
		f.mu.Lock()
		f.starts = append(f.starts, start)
		f.mu.Unlock()
		var names []string
		for name := range f.tables {
			names = append(names, name)
		}
		names = append(names, f.missing...)
		slices.Sort(names)
		i, _ := slices.BinarySearch(names, start)
		if i < len(names) && names[i] == start {
			i++
		}
		page := names[i:min(i+2, len(names))]
		resp := map[string]any{"TableNames": page}
		if i+2 < len(names) {
			resp["LastEvaluatedTableName"] = page[len(page)-1]
		}
		json.NewEncoder(w).Encode(resp)
	case "DynamoDB_20120810.DescribeTable":
		var req struct{ TableName string }
		if err := json.Unmarshal(body, &req); err != nil {
			f.t.Errorf("DescribeTable body %q: %v", body, err)
		}
		table, ok := f.tables[req.TableName]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: %s not found"}`, req.TableName)
			return
		}
		fmt.Fprintf(w, `{"Table":%s}`, table)
	default:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"com.amazon.coral.service#UnknownOperationException","message":"unknown target %s"}`, target)
	}
}

// listStarts returns the ExclusiveStartTableName of every ListTables.
func (f *fakeDynamo) listStarts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.starts)
}

// startTables serves fake on loopback and a Meta service whose answering
// node advertises the API under a wildcard host, as a node bound to every
// interface does.
func startTables(t *testing.T, fake *fakeDynamo) (grpcAddr string) {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return startMeta(t, fixedStatus("0.0.0.0:"+port))
}

func threeTables(t *testing.T) *fakeDynamo {
	return &fakeDynamo{t: t, tables: map[string]string{
		"alpha": `{"TableName":"alpha","TableStatus":"ACTIVE","ItemCount":12,
			"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
			"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}`,
		"beta": `{"TableName":"beta","TableStatus":"ACTIVE","ItemCount":0,
			"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"ts","AttributeType":"N"}],
			"KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"ts","KeyType":"RANGE"}]}`,
		"gamma": `{"TableName":"gamma","TableStatus":"DELETING","ItemCount":3,
			"AttributeDefinitions":[{"AttributeName":"k","AttributeType":"B"}],
			"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}]}`,
	}}
}

func TestTablesText(t *testing.T) {
	fake := threeTables(t)
	addr := startTables(t, fake)
	out := mustRun(t, "--addr", addr, "tables")
	want := [][]string{
		{"NAME", "STATUS", "ITEMS", "KEY", "SCHEMA"},
		{"alpha", "ACTIVE", "12", "pk:S", "HASH"},
		{"beta", "ACTIVE", "0", "id:S", "HASH,", "ts:N", "RANGE"},
		{"gamma", "DELETING", "3", "k:B", "HASH"},
	}
	if diff := cmp.Diff(want, rows(out)); diff != "" {
		t.Errorf("tables output (-want +got):\n%s\n%s", diff, out)
	}
	// Two pages: the second starts after the first's last name.
	if diff := cmp.Diff([]string{"", "beta"}, fake.listStarts()); diff != "" {
		t.Errorf("ListTables ExclusiveStartTableName of each page (-want +got):\n%s", diff)
	}
}

func TestTablesJSON(t *testing.T) {
	fake := threeTables(t)
	fake.missing = []string{"deleted"} // listed, then not found: left out
	addr := startTables(t, fake)
	out := mustRun(t, "--addr", addr, "tables", "-o", "json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decode tables -o json: %v\n%s", err, out)
	}
	key := func(name, typ, kind string) map[string]any {
		return map[string]any{"attributeName": name, "attributeType": typ, "keyType": kind}
	}
	want := []map[string]any{
		{"name": "alpha", "status": "ACTIVE", "itemCount": 12.0, "keySchema": []any{key("pk", "S", "HASH")}},
		{"name": "beta", "status": "ACTIVE", "itemCount": 0.0, "keySchema": []any{key("id", "S", "HASH"), key("ts", "N", "RANGE")}},
		{"name": "gamma", "status": "DELETING", "itemCount": 3.0, "keySchema": []any{key("k", "B", "HASH")}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables -o json (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"", "beta"}, fake.listStarts()); diff != "" {
		t.Errorf("ListTables ExclusiveStartTableName of each page (-want +got):\n%s", diff)
	}
}

func TestTablesNone(t *testing.T) {
	addr := startTables(t, &fakeDynamo{t: t})
	if out := mustRun(t, "--addr", addr, "tables"); out != "No tables.\n" {
		t.Errorf("tables with no tables = %q, want %q", out, "No tables.\n")
	}
	if out := strings.TrimSpace(mustRun(t, "--addr", addr, "tables", "-o", "json")); out != "[]" {
		t.Errorf("tables -o json with no tables = %q, want []", out)
	}
}

func TestTablesFailures(t *testing.T) {
	t.Run("API error", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#AccessDeniedException","message":"no"}`)
		}))
		t.Cleanup(srv.Close)
		addr := startMeta(t, fixedStatus(srv.Listener.Addr().String()))
		code, _, stderr := runCLI(t, "--addr", addr, "tables")
		if want := "ListTables: AccessDeniedException: no"; code != exitFailed || !strings.Contains(stderr, want) {
			t.Errorf("tables against a failing API = %d, %q; want %d and %q", code, stderr, exitFailed, want)
		}
	})
	t.Run("answering node not listed", func(t *testing.T) {
		resp := fixedStatus("10.0.0.1:8000")
		resp.NodeId = "n9"
		addr := startMeta(t, resp)
		code, _, stderr := runCLI(t, "--addr", addr, "tables")
		if code != exitFailed || !strings.Contains(stderr, errNoAPIAddr.Error()) {
			t.Errorf("tables with an unlisted answering node = %d, %q; want %d and %q", code, stderr, exitFailed, errNoAPIAddr)
		}
	})
}

func TestAPIHostPort(t *testing.T) {
	tests := []struct {
		name, api, grpc, want string
	}{
		{"specific host", "10.0.0.1:8000", "127.0.0.1:9000", "10.0.0.1:8000"},
		{"host name", "db-1:8000", "127.0.0.1:9000", "db-1:8000"},
		{"empty host", ":8000", "10.1.2.3:9000", "10.1.2.3:8000"},
		{"IPv4 wildcard", "0.0.0.0:8000", "db-1:9000", "db-1:8000"},
		{"IPv6 wildcard", "[::]:8000", "[fe80::1]:9000", "[fe80::1]:8000"},
		{"wildcard --addr", ":8000", ":9000", "localhost:8000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apiHostPort(tt.api, tt.grpc)
			if err != nil || got != tt.want {
				t.Errorf("apiHostPort(%q, %q) = %q, %v; want %q", tt.api, tt.grpc, got, err, tt.want)
			}
		})
	}
	if _, err := apiHostPort("8000", "127.0.0.1:9000"); err == nil {
		t.Errorf("apiHostPort(%q, ...) succeeded, want an error", "8000")
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"--bogus", "status"}, "flag provided but not defined: -bogus"},
		{"bad output", []string{"status", "-o", "yaml"}, `output format "yaml"`},
		{"bad timeout", []string{"--timeout", "0s", "status"}, "timeout 0s"},
		{"unparsable timeout", []string{"status", "--timeout", "soon"}, "invalid value"},
		{"extra argument", []string{"status", "n1"}, "status takes no arguments"},
		{"drain without node", []string{"drain"}, "usage: atollctl drain NODE"},
		{"drain two nodes", []string{"drain", "n1", "n2"}, "usage: atollctl drain NODE"},
		{"flag after --", []string{"status", "--", "-o", "json"}, "status takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("atollctl %q exited %d, want %d", tt.args, code, exitUsage)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("atollctl %q stderr = %q, want it to contain %q", tt.args, stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("atollctl %q stdout = %q, want none", tt.args, stdout)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"status", "-h"}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK || !strings.Contains(stdout, "Usage: atollctl") || stderr != "" {
			t.Errorf("atollctl %q = %d, stdout %q, stderr %q; want 0 and the usage on stdout", args, code, stdout, stderr)
		}
	}
}

func TestParse(t *testing.T) {
	env := func(addr string) func(string) string {
		return func(k string) string {
			if k == addrEnv {
				return addr
			}
			return ""
		}
	}
	tests := []struct {
		name string
		args []string
		env  string
		want options
	}{
		{"defaults", []string{"status"}, "", options{addr: defaultAddr, timeout: defaultTimeout, output: "text", command: "status", args: []string{}}},
		{"environment", []string{"ring"}, "10.0.0.9:9000", options{addr: "10.0.0.9:9000", timeout: defaultTimeout, output: "text", command: "ring", args: []string{}}},
		{"flag beats environment", []string{"--addr", "a:1", "ring"}, "10.0.0.9:9000", options{addr: "a:1", timeout: defaultTimeout, output: "text", command: "ring", args: []string{}}},
		{"flags after the command", []string{"status", "-o", "json", "--timeout=2s"}, "", options{addr: defaultAddr, timeout: 2 * time.Second, output: "json", command: "status", args: []string{}}},
		{"flags around arguments", []string{"-output=json", "drain", "--addr", "b:2", "n3", "-o", "text"}, "", options{addr: "b:2", timeout: defaultTimeout, output: "text", command: "drain", args: []string{"n3"}}},
		{"double dash", []string{"--addr", "c:3", "--", "drain", "-x"}, "", options{addr: "c:3", timeout: defaultTimeout, output: "text", command: "drain", args: []string{"-x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(tt.args, env(tt.env))
			if err != nil {
				t.Fatalf("parse(%q) error: %v", tt.args, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(options{})); diff != "" {
				t.Errorf("parse(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	// A refused connection fails at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	// A listener that never speaks gRPC: only the timeout ends the request.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })

	const timeout = 500 * time.Millisecond
	for _, tt := range []struct{ name, addr string }{{"refused", closed}, {"silent", silent.Addr().String()}} {
		for _, cmd := range []string{"status", "ring", "tables"} {
			t.Run(tt.name+"/"+cmd, func(t *testing.T) {
				start := time.Now()
				code, stdout, stderr := runCLI(t, "--addr", tt.addr, "--timeout", timeout.String(), cmd)
				elapsed := time.Since(start)
				if code != exitFailed {
					t.Errorf("%s against %s exited %d, want %d", cmd, tt.name, code, exitFailed)
				}
				if want := "atollctl: status from " + tt.addr + ": "; !strings.HasPrefix(stderr, want) {
					t.Errorf("%s against %s stderr = %q, want prefix %q", cmd, tt.name, stderr, want)
				}
				if stdout != "" {
					t.Errorf("%s against %s stdout = %q, want none", cmd, tt.name, stdout)
				}
				if limit := timeout + 2*time.Second; elapsed > limit {
					t.Errorf("%s against %s took %v, want under %v", cmd, tt.name, elapsed, limit)
				}
			})
		}
	}
}

// TestAgainstRealNode runs the commands against a single in-memory node.
func TestAgainstRealNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an in-process node; skipped in -short mode")
	}
	cfg := node.DefaultConfig()
	cfg.NodeID = "n1"
	cfg.InMemory = true
	cfg.APIAddr, cfg.GRPCAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.Gossip = membership.TestConfig()
	n, err := node.New(cfg)
	if err != nil {
		t.Fatalf("node.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n.Close(ctx)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := n.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	addr := n.GRPCAddr()

	var st statusJSON
	if err := json.Unmarshal([]byte(mustRun(t, "--addr", addr, "status", "-o", "json")), &st); err != nil {
		t.Fatalf("decode status -o json: %v", err)
	}
	wantTotals := statusTotals{Nodes: 1, NodesAlive: 1, Ranges: cfg.Ranges}
	if st.NodeID != "n1" || st.MetaLeader != "n1" || st.Totals != wantTotals {
		t.Errorf("status = node %q, meta leader %q, totals %+v; want n1, n1, %+v", st.NodeID, st.MetaLeader, st.Totals, wantTotals)
	}
	if out := mustRun(t, "--addr", addr, "status"); !hasRow(out, "Nodes", "alive:", "1/1") {
		t.Errorf("status output has no row \"Nodes alive: 1/1\":\n%s", out)
	}

	var ring []rangeJSON
	if err := json.Unmarshal([]byte(mustRun(t, "--addr", addr, "ring", "-o", "json")), &ring); err != nil {
		t.Fatalf("decode ring -o json: %v", err)
	}
	if len(ring) != 8 {
		t.Fatalf("ring has %d ranges, want 8", len(ring))
	}
	for i, r := range ring {
		if !slices.Equal(r.Replicas, []string{"n1"}) || r.Leader != "n1" {
			t.Errorf("range %d (group %d) has replicas %v and leader %q, want [n1] and n1", i, r.Group, r.Replicas, r.Leader)
		}
		if i > 0 && r.Start != ring[i-1].End {
			t.Errorf("range %d starts at %q, want the previous end %q", i, r.Start, ring[i-1].End)
		}
	}
	if ring[0].Start != "" || ring[len(ring)-1].End != "" {
		t.Errorf("ring runs from %q to %q, want open ends", ring[0].Start, ring[len(ring)-1].End)
	}

	createTable(t, n.Addr().String(), `{"TableName":"tbl","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}`)
	out := mustRun(t, "--addr", addr, "tables")
	if !hasRow(out, "tbl", "ACTIVE", "0", "pk:S", "HASH,", "sk:N", "RANGE") {
		t.Errorf("tables output has no row for tbl:\n%s", out)
	}

	// Drain: an unknown node is refused; a known one is marked draining.
	if code, _, stderr := runCLI(t, "--addr", addr, "drain", "nope"); code != exitFailed || !strings.Contains(stderr, "no such node") {
		t.Errorf("drain nope = exit %d, %q; want %d and \"no such node\"", code, stderr, exitFailed)
	}
	if out := mustRun(t, "--addr", addr, "drain", "n1"); !strings.Contains(out, "Draining n1") {
		t.Errorf("drain n1 printed %q", out)
	}
	if err := json.Unmarshal([]byte(mustRun(t, "--addr", addr, "status", "-o", "json")), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Nodes) != 1 || !st.Nodes[0].Draining {
		t.Errorf("status after drain n1 = %+v, want n1 draining", st.Nodes)
	}
}

func TestDrainUnsupported(t *testing.T) {
	addr := startMeta(t, fixedStatus("127.0.0.1:1"))
	code, _, stderr := runCLI(t, "--addr", addr, "drain", "n1")
	if code != exitUsage || stderr != "atollctl: drain: not supported by this server yet\n" {
		t.Errorf("drain against a server without Drain = exit %d, %q; want %d and the unsupported message", code, stderr, exitUsage)
	}
}

// createTable sends a raw, unsigned CreateTable to the DynamoDB API at addr.
func createTable(t *testing.T, addr, body string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+addr+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.CreateTable")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CreateTable = HTTP %d: %s", resp.StatusCode, data)
	}
}
