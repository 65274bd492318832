package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

const kubeDir = "kubernetes"

// kustomization is the part of kustomize's Kustomization the manifests use;
// decoding it strictly rejects any field the test does not know about.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
	} `json:"images,omitempty"`
}

// manifests are the decoded objects of deploy/kubernetes.
type manifests struct {
	kustomization kustomization
	statefulSet   *appsv1.StatefulSet
	services      map[string]*corev1.Service
	configMaps    map[string]*corev1.ConfigMap
	pdbs          []*policyv1.PodDisruptionBudget
	files         map[string][]string // file -> "Kind/name" of its objects
}

// decodeStrict turns one YAML document into v, rejecting duplicate keys,
// unknown fields and trailing data.
func decodeStrict(doc []byte, v any) error {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the object")
	}
	return nil
}

// splitDocuments splits a YAML stream at its "---" lines, dropping empty
// documents (comments only).
func splitDocuments(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
		js, err := yaml.YAMLToJSON([]byte(d))
		if err == nil && (string(js) == "null" || len(bytes.TrimSpace(js)) == 0) {
			continue
		}
		docs = append(docs, []byte(d))
	}
	return docs
}

// loadManifests decodes kustomization.yaml and every resource it lists into
// the k8s.io/api type of its kind.
func loadManifests(t *testing.T) manifests {
	t.Helper()
	m := manifests{services: map[string]*corev1.Service{}, configMaps: map[string]*corev1.ConfigMap{}, files: map[string][]string{}}
	b, err := os.ReadFile(filepath.Join(kubeDir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeStrict(b, &m.kustomization); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	for _, file := range m.kustomization.Resources {
		b, err := os.ReadFile(filepath.Join(kubeDir, file))
		if err != nil {
			t.Fatalf("kustomization.yaml lists %s: %v", file, err)
		}
		for i, doc := range splitDocuments(b) {
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				t.Fatalf("%s document %d: %v", file, i, err)
			}
			var obj interface{ GetName() string }
			switch tm.APIVersion + " " + tm.Kind {
			case "apps/v1 StatefulSet":
				if m.statefulSet != nil {
					t.Fatalf("%s: a second StatefulSet", file)
				}
				m.statefulSet = &appsv1.StatefulSet{}
				obj = m.statefulSet
			case "v1 Service":
				s := &corev1.Service{}
				obj = s
				defer func() { m.services[s.Name] = s }()
			case "v1 ConfigMap":
				c := &corev1.ConfigMap{}
				obj = c
				defer func() { m.configMaps[c.Name] = c }()
			case "policy/v1 PodDisruptionBudget":
				p := &policyv1.PodDisruptionBudget{}
				m.pdbs = append(m.pdbs, p)
				obj = p
			default:
				t.Fatalf("%s document %d: unexpected %s %s (add it to this test)", file, i, tm.APIVersion, tm.Kind)
			}
			if err := decodeStrict(doc, obj); err != nil {
				t.Fatalf("%s document %d (%s): %v", file, i, tm.Kind, err)
			}
			if obj.GetName() == "" {
				t.Errorf("%s document %d (%s) has no metadata.name", file, i, tm.Kind)
			}
			m.files[file] = append(m.files[file], tm.Kind+"/"+obj.GetName())
		}
	}
	return m
}

// TestKustomizationListsEveryManifest: every YAML file of deploy/kubernetes
// is a resource of the kustomization, once, and every resource exists.
func TestKustomizationListsEveryManifest(t *testing.T) {
	var k kustomization
	b, err := os.ReadFile(filepath.Join(kubeDir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeStrict(b, &k); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Errorf("kustomization.yaml is %s %s, want kustomize.config.k8s.io/v1beta1 Kustomization", k.APIVersion, k.Kind)
	}
	files, err := filepath.Glob(filepath.Join(kubeDir, "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range files {
		if base := filepath.Base(f); base != "kustomization.yaml" {
			want = append(want, base)
		}
	}
	got := slices.Clone(k.Resources)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("kustomization resources = %v, want every manifest of %s once: %v", got, kubeDir, want)
	}
	for _, img := range k.Images {
		if img.Name != "atoll" {
			t.Errorf("kustomization images[%q]: no container uses that image name", img.Name)
		}
	}
}

// TestKubernetesManifests decodes every manifest strictly and checks that
// the objects fit together and fit the atoll binary built from this tree.
func TestKubernetesManifests(t *testing.T) {
	m := loadManifests(t)
	flags := atollFlags(t)
	sts := m.statefulSet
	if sts == nil {
		t.Fatal("no StatefulSet in the kustomization")
	}
	pod := sts.Spec.Template
	podLabels := labels.Set(pod.Labels)

	t.Run("StatefulSet", func(t *testing.T) {
		sel, err := metav1.LabelSelectorAsSelector(sts.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(podLabels) {
			t.Errorf("StatefulSet selector %v (%v) does not select its pod template's labels %v", sts.Spec.Selector, err, pod.Labels)
		}
		if sts.Spec.Replicas == nil || *sts.Spec.Replicas != 3 {
			t.Errorf("replicas = %v, want 3", sts.Spec.Replicas)
		}
		if sts.Spec.PodManagementPolicy != appsv1.ParallelPodManagement {
			t.Errorf("podManagementPolicy = %q, want Parallel (the first nodes wait for each other)", sts.Spec.PodManagementPolicy)
		}
		if len(sts.Spec.VolumeClaimTemplates) != 1 {
			t.Fatalf("%d volumeClaimTemplates, want 1", len(sts.Spec.VolumeClaimTemplates))
		}
		aff := pod.Spec.Affinity
		if aff == nil || aff.PodAntiAffinity == nil || len(aff.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution) == 0 {
			t.Fatal("no required pod anti-affinity")
		}
		for _, term := range aff.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			if s, err := metav1.LabelSelectorAsSelector(term.LabelSelector); err != nil || !s.Matches(podLabels) {
				t.Errorf("anti-affinity selector %v does not select the atoll pods", term.LabelSelector)
			}
			if term.TopologyKey != corev1.LabelHostname {
				t.Errorf("anti-affinity topologyKey = %q, want %q", term.TopologyKey, corev1.LabelHostname)
			}
		}
		if len(pod.Spec.TopologySpreadConstraints) == 0 {
			t.Error("no topologySpreadConstraints")
		}
		for _, c := range pod.Spec.TopologySpreadConstraints {
			if s, err := metav1.LabelSelectorAsSelector(c.LabelSelector); err != nil || !s.Matches(podLabels) {
				t.Errorf("topology spread selector %v does not select the atoll pods", c.LabelSelector)
			}
		}
		// The node closes within 30 s of SIGTERM (cmd/atoll).
		if g := pod.Spec.TerminationGracePeriodSeconds; g == nil || *g < 60 {
			t.Errorf("terminationGracePeriodSeconds = %v, want at least 60", g)
		}
		// A Service named atoll would put ATOLL_SERVICE_HOST, ATOLL_PORT...
		// into the environment the node reads its ATOLL_* flags from.
		if l := pod.Spec.EnableServiceLinks; l == nil || *l {
			t.Error("enableServiceLinks is not false")
		}
		// The gRPC address is advertised under the host name, which must be
		// the stable DNS name of the pod.
		if f := pod.Spec.SetHostnameAsFQDN; f == nil || !*f {
			t.Error("setHostnameAsFQDN is not true: other nodes could not resolve the advertised gRPC address")
		}
		sc := pod.Spec.SecurityContext
		if sc == nil || sc.RunAsUser == nil || sc.FSGroup == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
			t.Fatal("pod securityContext needs runAsNonRoot, runAsUser and fsGroup")
		}
		if uid := imageUser(t); *sc.RunAsUser != uid || *sc.FSGroup != uid {
			t.Errorf("runAsUser %d, fsGroup %d; want the image's user %d", *sc.RunAsUser, *sc.FSGroup, uid)
		}
	})

	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	ports := map[string]corev1.ContainerPort{}
	for _, p := range c.Ports {
		ports[p.Name] = p
	}
	// settings are the node's effective flags: defaults, then the
	// environment, then the arguments, as cmd/atoll applies them.
	settings := map[string]string{}
	for f, d := range flags.defaults {
		settings[f] = d
	}

	t.Run("Environment", func(t *testing.T) {
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef == nil {
				t.Errorf("envFrom %+v: only ConfigMaps are expected", from)
				continue
			}
			cm, ok := m.configMaps[from.ConfigMapRef.Name]
			if !ok {
				t.Errorf("envFrom names ConfigMap %q, which is not in the kustomization", from.ConfigMapRef.Name)
				continue
			}
			for k, v := range cm.Data {
				f, ok := flags.flagOfEnv(k)
				if !ok {
					t.Errorf("ConfigMap %s sets %s, which is no flag's variable", cm.Name, k)
					continue
				}
				settings[f] = v
			}
		}
		if len(c.EnvFrom) == 0 {
			t.Error("the container takes no ConfigMap")
		}
		nodeID := false
		for _, e := range c.Env {
			f, ok := flags.flagOfEnv(e.Name)
			if !ok {
				t.Errorf("env %s is no flag's variable", e.Name)
				continue
			}
			if f == "node-id" {
				nodeID = e.ValueFrom != nil && e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.name"
			}
			if e.ValueFrom == nil {
				settings[f] = e.Value
			} else {
				settings[f] = "(from " + e.Name + ")"
			}
		}
		if !nodeID {
			t.Error("ATOLL_NODE_ID is not the pod name (valueFrom fieldRef metadata.name)")
		}
		args, err := flags.parseArgs(c.Args)
		if err != nil {
			t.Errorf("container args %q: %v", c.Args, err)
		}
		for f, v := range args {
			settings[f] = v
		}
		if len(c.Command) != 0 {
			t.Errorf("command = %q, want the image's entrypoint", c.Command)
		}
		if settings["advertise-addr"] != "" {
			t.Errorf("advertise-addr = %q: it would replace the stable gRPC host name and must resolve at start (see statefulset.yaml)", settings["advertise-addr"])
		}
	})

	t.Run("Ports", func(t *testing.T) {
		for _, want := range []struct {
			flag, port string
			proto      corev1.Protocol
		}{
			{"api-addr", "api", corev1.ProtocolTCP},
			{"grpc-addr", "grpc", corev1.ProtocolTCP},
			{"gossip-addr", "gossip-tcp", corev1.ProtocolTCP},
			{"gossip-addr", "gossip-udp", corev1.ProtocolUDP},
		} {
			p, ok := ports[want.port]
			if !ok {
				t.Errorf("no container port named %q", want.port)
				continue
			}
			if got := portOf(t, settings[want.flag]); p.ContainerPort != got || p.Protocol != want.proto {
				t.Errorf("container port %s = %d/%s, want %d/%s (--%s %s)", want.port, p.ContainerPort, p.Protocol, got, want.proto, want.flag, settings[want.flag])
			}
			if d := portOf(t, flags.defaults[want.flag]); p.ContainerPort != d {
				t.Errorf("container port %s = %d, the binary's default is %d", want.port, p.ContainerPort, d)
			}
		}
	})

	t.Run("Probes", func(t *testing.T) {
		probes := []struct {
			name, path string
			probe      *corev1.Probe
		}{
			{"readiness", "/readyz", c.ReadinessProbe},
			{"liveness", "/healthz", c.LivenessProbe},
			{"startup", "/healthz", c.StartupProbe},
		}
		api := startLocalNode(t)
		for _, p := range probes {
			if p.probe == nil || p.probe.HTTPGet == nil {
				t.Errorf("no HTTP %s probe", p.name)
				continue
			}
			g := p.probe.HTTPGet
			if g.Path != p.path {
				t.Errorf("%s probe path = %q, want %q", p.name, g.Path, p.path)
			}
			if g.Port.StrVal != "api" {
				t.Errorf("%s probe port = %v, want the api port by name", p.name, g.Port.String())
			}
			// The path answers 200 on a running node.
			client := &http.Client{Timeout: 5 * time.Second}
			resp, err := client.Get("http://" + api + g.Path)
			if err != nil {
				t.Errorf("%s probe: GET %s: %v", p.name, g.Path, err)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s probe: GET %s on a ready node = %s %q, want 200", p.name, g.Path, resp.Status, body)
			}
		}
		if s := c.StartupProbe; s != nil && time.Duration(s.PeriodSeconds*s.FailureThreshold)*time.Second < 2*time.Minute {
			t.Errorf("startup probe allows %ds, want minutes: the API answers only once the cluster formed", s.PeriodSeconds*s.FailureThreshold)
		}
	})

	t.Run("Volumes", func(t *testing.T) {
		claim := sts.Spec.VolumeClaimTemplates[0].Name
		mounted := false
		for _, v := range c.VolumeMounts {
			if v.Name == claim && v.MountPath == settings["data-dir"] {
				mounted = true
			}
		}
		if !mounted {
			t.Errorf("volume claim %q is not mounted at the data directory %q (mounts %+v)", claim, settings["data-dir"], c.VolumeMounts)
		}
		if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
			t.Error("the container's root filesystem is writable; the node writes only to its data directory")
		}
	})

	t.Run("Services", func(t *testing.T) {
		peer, ok := m.services[sts.Spec.ServiceName]
		if !ok {
			t.Fatalf("serviceName %q is not a Service of the kustomization", sts.Spec.ServiceName)
		}
		if peer.Spec.ClusterIP != corev1.ClusterIPNone {
			t.Errorf("Service %s: clusterIP %q, want None (headless)", peer.Name, peer.Spec.ClusterIP)
		}
		if !peer.Spec.PublishNotReadyAddresses {
			t.Errorf("Service %s: publishNotReadyAddresses is false: nodes could not find each other before they are ready", peer.Name)
		}
		var clients int
		for _, s := range m.services {
			if !labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels) || len(s.Spec.Selector) == 0 {
				t.Errorf("Service %s selector %v does not select the atoll pods %v", s.Name, s.Spec.Selector, pod.Labels)
			}
			for _, sp := range s.Spec.Ports {
				cp, ok := ports[sp.TargetPort.StrVal]
				if !ok {
					t.Errorf("Service %s port %s targets %q, not a named container port", s.Name, sp.Name, sp.TargetPort.String())
					continue
				}
				if sp.Port != cp.ContainerPort || sp.Protocol != cp.Protocol {
					t.Errorf("Service %s port %s = %d/%s, container port %s = %d/%s", s.Name, sp.Name, sp.Port, sp.Protocol, cp.Name, cp.ContainerPort, cp.Protocol)
				}
			}
			if s.Name != peer.Name {
				clients++
				if len(s.Spec.Ports) != 1 || s.Spec.Ports[0].TargetPort.StrVal != "api" {
					t.Errorf("client Service %s ports %+v, want the api port only", s.Name, s.Spec.Ports)
				}
			}
		}
		if clients != 1 {
			t.Errorf("%d client Services, want 1", clients)
		}
	})

	t.Run("Cluster", func(t *testing.T) {
		replicas := int(*sts.Spec.Replicas)
		if got := settings["bootstrap-expect"]; got != strconv.Itoa(replicas) {
			t.Errorf("bootstrap-expect = %q, want the %d replicas", got, replicas)
		}
		seeds := strings.Split(settings["join"], ",")
		if len(seeds) == 0 || seeds[0] == "" {
			t.Fatal("no --join seeds")
		}
		gossipPort := strconv.Itoa(int(portOf(t, settings["gossip-addr"])))
		for _, s := range seeds {
			host, port, err := net.SplitHostPort(strings.TrimSpace(s))
			if err != nil || port != gossipPort {
				t.Errorf("seed %q: want host:%s (%v)", s, gossipPort, err)
				continue
			}
			found := false
			for i := range replicas {
				name := fmt.Sprintf("%s-%d.%s", sts.Name, i, sts.Spec.ServiceName)
				found = found || host == name || strings.HasPrefix(host, name+".")
			}
			if !found {
				t.Errorf("seed %q is not the stable name of a pod (<statefulset>-<i>.<serviceName>)", s)
			}
		}
	})

	t.Run("PodDisruptionBudget", func(t *testing.T) {
		if len(m.pdbs) != 1 {
			t.Fatalf("%d PodDisruptionBudgets, want 1", len(m.pdbs))
		}
		p := m.pdbs[0]
		if mu := p.Spec.MaxUnavailable; mu == nil || mu.String() != "1" || p.Spec.MinAvailable != nil {
			t.Errorf("PodDisruptionBudget: maxUnavailable %v, minAvailable %v; want maxUnavailable 1 only", mu, p.Spec.MinAvailable)
		}
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(podLabels) {
			t.Errorf("PodDisruptionBudget selector %v (%v) does not select the StatefulSet's pods %v", p.Spec.Selector, err, pod.Labels)
		}
	})

	t.Run("Image", func(t *testing.T) {
		name, _, _ := strings.Cut(c.Image, ":")
		listed := false
		for _, img := range m.kustomization.Images {
			listed = listed || img.Name == name
		}
		if !listed {
			t.Errorf("container image %q is not in the kustomization's images", c.Image)
		}
	})
}

// portOf returns the port of a listen address such as ":8000".
func portOf(t *testing.T, addr string) int32 {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	n, err := strconv.ParseInt(p, 10, 32)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	return int32(n)
}

// imageUser returns the numeric user of deploy/Dockerfile's USER line.
func imageUser(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^USER\s+(\d+)(?::\d+)?\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("Dockerfile has no numeric USER line")
	}
	uid, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return uid
}
