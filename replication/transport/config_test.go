package transport

import (
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr bool
	}{
		{"zero value uses defaults", func(c *Config) { *c = Config{} }, false},
		{"defaults", func(*Config) {}, false},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, true},
		{"tiny message size", func(c *Config) { c.MaxMessageSize = 1024 }, true},
		{"chunk does not fit a message", func(c *Config) { c.SnapshotChunkSize = c.MaxMessageSize }, true},
		{"negative chunk", func(c *Config) { c.SnapshotChunkSize = -1 }, true},
		{"keepalive below gRPC's floor", func(c *Config) { c.KeepaliveTime = time.Second }, true},
		{"pipelining disabled", func(c *Config) { c.PipelineDepth = -1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mod(&c)
			if err := c.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate(%+v) = %v, want error %v", c, err, tt.wantErr)
			}
		})
	}
}

func TestPipelineDisabled(t *testing.T) {
	cfg := DefaultConfig()
	cfg.PipelineDepth = -1
	n, err := New(cfg, "127.0.0.1:1", nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = n.Close() })
	if _, err := n.Transport(1).AppendEntriesPipeline("n2", "127.0.0.1:2"); !errors.Is(err, raft.ErrPipelineReplicationNotSupported) {
		t.Errorf("AppendEntriesPipeline with PipelineDepth -1 = %v, want raft.ErrPipelineReplicationNotSupported", err)
	}
}
