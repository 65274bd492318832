package deploy

import (
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// composeFile is the part of the compose format the files use; decoding it
// strictly rejects a misspelt key.
type composeFile struct {
	Version  string                    `json:"version"`
	XAtoll   map[string]any            `json:"x-atoll"`
	Services map[string]composeService `json:"services"`
	Networks map[string]any            `json:"networks"`
	Volumes  map[string]any            `json:"volumes"`
}

type composeService struct {
	Image           string            `json:"image"`
	Restart         string            `json:"restart"`
	StopGracePeriod string            `json:"stop_grace_period"`
	Hostname        string            `json:"hostname"`
	Command         []string          `json:"command"`
	Environment     map[string]string `json:"environment"`
	Ports           []string          `json:"ports"`
	Volumes         []string          `json:"volumes"`
	Networks        []string          `json:"networks"`
}

// composeVar matches ${VAR:-default}; composeDefault resolves it to its
// default, as compose does with VAR unset.
var composeVar = regexp.MustCompile(`\$\{[A-Z0-9_]+:-([^}]*)\}`)

func composeDefault(s string) string { return composeVar.ReplaceAllString(s, "$1") }

// TestComposeFiles checks the compose files against the atoll binary built
// from this tree: every flag and variable exists, node IDs and host names
// are the service names (the gRPC address is advertised under the host
// name), seeds are other nodes of the same network, each cluster's
// --bootstrap-expect is its size, and the published ports differ.
func TestComposeFiles(t *testing.T) {
	flags := atollFlags(t)
	apiPort := strconv.Itoa(int(portOf(t, flags.defaults["api-addr"])))
	gossipPort := strconv.Itoa(int(portOf(t, flags.defaults["gossip-addr"])))
	for _, tc := range []struct {
		file     string
		clusters int
	}{
		{"docker-compose.yml", 1},
		{"docker-compose.two-clusters.yml", 2},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var f composeFile
			if err := decodeStrict(b, &f); err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			network := func(s composeService) string {
				if len(s.Networks) == 0 {
					return "default"
				}
				if len(s.Networks) > 1 {
					t.Errorf("a node on networks %v: nodes of two clusters could merge (same gossip label)", s.Networks)
				}
				return s.Networks[0]
			}
			clusters := map[string][]string{} // network -> services
			hostPorts := map[string]string{}
			for name, s := range f.Services {
				clusters[network(s)] = append(clusters[network(s)], name)
				if _, ok := f.Networks[network(s)]; !ok && network(s) != "default" {
					t.Errorf("service %s: network %q is not declared", name, network(s))
				}
			}
			if len(clusters) != tc.clusters {
				t.Errorf("%d clusters (networks), want %d", len(clusters), tc.clusters)
			}
			for name, s := range f.Services {
				settings := map[string]string{}
				for k, v := range s.Environment {
					fl, ok := flags.flagOfEnv(k)
					if !ok {
						t.Errorf("service %s: environment %s is no flag's variable", name, k)
						continue
					}
					settings[fl] = composeDefault(v)
				}
				args, err := flags.parseArgs(s.Command)
				if err != nil {
					t.Errorf("service %s: command %q: %v", name, s.Command, err)
				}
				for k, v := range args {
					settings[k] = v
				}
				if settings["node-id"] != name {
					t.Errorf("service %s: --node-id %q, want the service name", name, settings["node-id"])
				}
				if s.Hostname != name {
					t.Errorf("service %s: hostname %q, want the service name: the gRPC address is advertised under the host name", name, s.Hostname)
				}
				if settings["advertise-addr"] != "" {
					t.Errorf("service %s: --advertise-addr %q: gossip resolves it once at start", name, settings["advertise-addr"])
				}
				peers := clusters[network(s)]
				if got := settings["bootstrap-expect"]; got != strconv.Itoa(len(peers)) {
					t.Errorf("service %s: --bootstrap-expect %q, want its cluster's %d nodes", name, got, len(peers))
				}
				var seeds []string
				for _, seed := range strings.Split(settings["join"], ",") {
					host, port, err := net.SplitHostPort(seed)
					if err != nil || port != gossipPort {
						t.Errorf("service %s: seed %q, want host:%s", name, seed, gossipPort)
						continue
					}
					seeds = append(seeds, host)
					if host == name || !slices.Contains(peers, host) {
						t.Errorf("service %s: seed %q is not another node of its cluster %v", name, seed, peers)
					}
				}
				if want := len(peers) - 1; len(seeds) != want {
					t.Errorf("service %s: %d seeds %v, want the other %d nodes (a restarted node must find one alive)", name, len(seeds), seeds, want)
				}
				if len(s.Ports) != 1 {
					t.Errorf("service %s: ports %v, want the API port only", name, s.Ports)
				}
				for _, p := range s.Ports {
					p = composeDefault(p)
					host, container, _ := strings.Cut(p, ":")
					if container != apiPort {
						t.Errorf("service %s: port %q does not publish the API port %s", name, p, apiPort)
					}
					if other, ok := hostPorts[host]; ok {
						t.Errorf("services %s and %s both publish host port %s", name, other, host)
					}
					hostPorts[host] = name
				}
				if len(s.Volumes) != 1 {
					t.Errorf("service %s: volumes %v, want one for /data", name, s.Volumes)
				}
				for _, v := range s.Volumes {
					vol, path, _ := strings.Cut(v, ":")
					if _, ok := f.Volumes[vol]; !ok || path != "/data" {
						t.Errorf("service %s: volume %q, want a declared named volume on /data", name, v)
					}
				}
				if s.Image == "" {
					t.Errorf("service %s: no image", name)
				}
			}
			if want := map[int][]string{1: {"8000", "8001", "8002"}, 2: {"8000", "8001", "8002", "8010", "8011", "8012"}}[tc.clusters]; !sameKeys(hostPorts, want) {
				t.Errorf("published host ports %v, want %v", hostPorts, want)
			}
		})
	}
}

func sameKeys(m map[string]string, want []string) bool {
	var got []string
	for k := range m {
		got = append(got, k)
	}
	slices.Sort(got)
	return slices.Equal(got, want)
}
