package membership

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		c := DefaultConfig()
		c.NodeID = "n1"
		c.Meta = NodeMeta{GRPCAddr: "10.0.0.1:7000", APIAddr: "10.0.0.1:8000", Zone: "z1"}
		return c
	}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // substring; empty: valid
	}{
		{"default with ID", func(*Config) {}, ""},
		{"test config", func(c *Config) { n := c.NodeID; *c = TestConfig(); c.NodeID = n }, ""},
		{"meta ID equal to NodeID", func(c *Config) { c.Meta.ID = "n1" }, ""},
		{"IPv6 bind and advertise", func(c *Config) { c.BindAddr = "[::1]:0"; c.AdvertiseAddr = "[2001:db8::1]:7946" }, ""},
		{"meta at the limit", func(c *Config) { c.Meta = NodeMeta{Zone: strings.Repeat("z", MaxMetaSize-9-len("n1"))} }, ""},
		{"empty NodeID", func(c *Config) { c.NodeID = "" }, "NodeID is empty"},
		{"meta ID differs", func(c *Config) { c.Meta.ID = "n2" }, `Meta.ID "n2" differs from NodeID "n1"`},
		{"meta one byte too big", func(c *Config) { c.Meta = NodeMeta{Zone: strings.Repeat("z", MaxMetaSize-8-len("n1"))} }, "Meta encodes to 513 bytes, more than memberlist's limit of 512"},
		{"huge NodeID", func(c *Config) { c.NodeID = strings.Repeat("n", 600) }, "Meta encodes to 637 bytes"},
		{"bad GRPCAddr", func(c *Config) { c.Meta.GRPCAddr = "10.0.0.1" }, `Meta.GRPCAddr "10.0.0.1" is not host:port`},
		{"bad APIAddr", func(c *Config) { c.Meta.APIAddr = "api" }, `Meta.APIAddr "api" is not host:port`},
		{"BindAddr without port", func(c *Config) { c.BindAddr = "127.0.0.1" }, `BindAddr "127.0.0.1" is not host:port`},
		{"BindAddr hostname", func(c *Config) { c.BindAddr = "localhost:7946" }, `host "localhost" is not an IP address`},
		{"BindAddr port out of range", func(c *Config) { c.BindAddr = ":70000" }, `port "70000" is not a number in [0, 65535]`},
		{"BindAddr empty", func(c *Config) { c.BindAddr = "" }, `BindAddr "" is not host:port`},
		{"AdvertiseAddr unspecified", func(c *Config) { c.AdvertiseAddr = "0.0.0.0:7946" }, "needs a specific IP"},
		{"AdvertiseAddr hostname", func(c *Config) { c.AdvertiseAddr = "node1:7946" }, `host "node1" is not an IP address`},
		{"empty label", func(c *Config) { c.Label = "" }, "Label is empty"},
		{"label too long", func(c *Config) { c.Label = strings.Repeat("l", 256) }, "Label is 256 bytes, more than 255"},
		{"zero ProbeInterval", func(c *Config) { c.ProbeInterval = 0 }, "ProbeInterval 0s is not positive"},
		{"ProbeTimeout not below interval", func(c *Config) { c.ProbeTimeout = c.ProbeInterval }, "ProbeTimeout 1s is outside (0, ProbeInterval 1s)"},
		{"zero GossipInterval", func(c *Config) { c.GossipInterval = 0 }, "GossipInterval 0s is not positive"},
		{"zero SuspicionMult", func(c *Config) { c.SuspicionMult = 0 }, "SuspicionMult 0 is less than 1"},
		{"zero PushPullInterval", func(c *Config) { c.PushPullInterval = 0 }, "PushPullInterval 0s is not positive"},
		{"zero StreamTimeout", func(c *Config) { c.StreamTimeout = 0 }, "StreamTimeout 0s is not positive"},
		{"zero JoinBackoffMin", func(c *Config) { c.JoinBackoffMin = 0 }, "JoinBackoffMin 0s is not positive"},
		{"JoinBackoffMax below min", func(c *Config) { c.JoinBackoffMax = c.JoinBackoffMin / 2 }, "JoinBackoffMax 100ms is less than JoinBackoffMin 200ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("Validate() = nil, want an error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// New must refuse what Validate refuses, before binding anything.
func TestNewValidates(t *testing.T) {
	c := TestConfig()
	if _, err := New(c); err == nil || !strings.Contains(err.Error(), "NodeID is empty") {
		t.Errorf("New(config without NodeID) = %v, want the NodeID error", err)
	}
}
