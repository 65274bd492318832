// Package deploy holds what runs atoll outside a developer's shell, and the
// tests that check it works as shipped:
//
//   - Dockerfile: the image, `FROM scratch` with the static atoll and
//     atollctl binaries (`make docker`), running as user 65532 with its data
//     in the /data volume and `atoll healthcheck` as its HEALTHCHECK.
//   - docker-compose.yml: a three-node cluster on one Docker host
//     (`make compose-up`); docker-compose.two-clusters.yml: two independent
//     clusters side by side, kept apart by their networks.
//   - kubernetes/: a StatefulSet with its headless and client Services,
//     PodDisruptionBudget and ConfigMap, applied with `kubectl apply -k`.
//
// The package has no Go code of its own, only tests. The manifest tests
// decode every Kubernetes manifest strictly into the k8s.io/api types and
// check ports, probe paths, flags and environment variables against the
// atoll binary built from this tree (its -help output, and a node it
// starts); they also check the compose files' commands. The container
// tests (compose_test.go) build the image, start the compose cluster under
// a project name of their own, and drive it with the AWS SDK through every
// node while a node is killed and restarted and while one is cut off the
// network; they run when a Docker engine answers `docker info`, are
// skipped with the reason otherwise and in -short mode, and remove every
// container, volume and image they made. internal/probe is the small
// client they run inside a cut-off node's network namespace.
package deploy
