package membership

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMemberlistLogsGoToSlog(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})).
		With(slog.String("component", "membership"))
	std := newStdLogger(logger)
	std.Printf("[DEBUG] memberlist: Stream connection from=%s", "127.0.0.1:1") // below Info: dropped
	std.Printf("[INFO] memberlist: Suspect %s has failed, no acks received", "c")
	std.Printf("[WARN] memberlist: Refuting a suspect message (from: %s)", "b")
	std.Printf("[ERR] memberlist: Failed to send ping: %v", "boom")
	std.Printf("[ERR] Failed to shutdown transport: %v", "x")
	std.Print("no level prefix")

	type record struct{ Level, Msg, Component string }
	var got []record
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var r struct {
			Level, Msg string
			Component  string `json:"component"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		got = append(got, record{r.Level, r.Msg, r.Component})
	}
	want := []record{
		{"INFO", "Suspect c has failed, no acks received", "membership"},
		{"WARN", "Refuting a suspect message (from: b)", "membership"},
		{"ERROR", "Failed to send ping: boom", "membership"},
		{"ERROR", "Failed to shutdown transport: x", "membership"},
		{"INFO", "no level prefix", "membership"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("slog records (-want +got):\n%s", diff)
	}
}

func TestParseLogLine(t *testing.T) {
	tests := []struct {
		line      string
		wantLevel slog.Level
		wantMsg   string
	}{
		{"[DEBUG] memberlist: x\n", slog.LevelDebug, "x"},
		{"[ERROR] y", slog.LevelError, "y"},
		{"", slog.LevelInfo, ""},
		{"[WARN]", slog.LevelWarn, ""},
	}
	for _, tt := range tests {
		level, msg := parseLogLine(tt.line)
		if level != tt.wantLevel || msg != tt.wantMsg {
			t.Errorf("parseLogLine(%q) = %v, %q; want %v, %q", tt.line, level, msg, tt.wantLevel, tt.wantMsg)
		}
	}
}
