# atoll build and test entry points. Everything a target needs is installed
# by the target itself (pinned versions), so a fresh clone works as is.

GO          ?= go
TOOLS_DIR   := $(CURDIR)/.tools
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(TOOLS_DIR)/staticcheck-$(STATICCHECK_VERSION)
# How long each fuzz target runs under `make fuzz`.
FUZZTIME    ?= 60s
# Benchmark repetitions under `make bench` (medians need several).
BENCHCOUNT  ?= 5

.PHONY: all build run test vet lint unit fuzz bench clean proto docker compose-up compose-down

# `make docker` builds the static binaries into DOCKER_BUILD_DIR and the
# image IMAGE from deploy/Dockerfile, offline (the base is scratch).
IMAGE            ?= atoll:dev
DOCKER_BUILD_DIR ?= deploy/build
# The compose file of compose-up/compose-down and the project name;
# COMPOSE_FILES=deploy/docker-compose.two-clusters.yml starts two clusters.
COMPOSE_FILES    ?= deploy/docker-compose.yml
COMPOSE_PROJECT  ?= atoll
# docker-compose (v1, Debian's package) when installed, else `docker compose` (v2).
COMPOSE          ?= $(shell command -v docker-compose >/dev/null 2>&1 && echo docker-compose || echo docker compose)

all: build

build:
	$(GO) build ./...
	$(GO) build -o bin/atoll ./cmd/atoll
	$(GO) build -o bin/atollctl ./cmd/atollctl

run: build
	./bin/atoll

test: vet lint unit

vet:
	$(GO) vet ./...

$(STATICCHECK):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLS_DIR)/staticcheck $(STATICCHECK)

lint: $(STATICCHECK)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || \
		{ echo "gofmt needed on:"; gofmt -l .; exit 1; }
	$(STATICCHECK) ./...

# The container tests of deploy/ need a Docker engine; without one they are
# skipped, which go test reports only with -v, so say it here.
unit:
	@docker info >/dev/null 2>&1 || echo "*** no Docker engine reachable (docker info failed): the container tests of deploy/ (TestCluster) will be SKIPPED ***"
	$(GO) test -race -count=1 ./...

# fuzz runs every FuzzXxx target of every package for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./...
	$(GO) run ./cmd/atollbench --suite --records 30000 --warmup 500ms --duration 3s --reps 3 --markdown BENCHMARKS.md
	cd cmd/raftbench/boltbaseline && $(GO) build -o $(CURDIR)/bin/boltbaseline .
	$(GO) run ./cmd/raftbench --reps 3 --baseline bin/boltbaseline --markdown BENCHMARKS.md
	$(GO) build -o bin/atoll ./cmd/atoll
	@command -v etcd >/dev/null || apt-get install -y etcd-server || \
		{ apt-get update && apt-get install -y etcd-server; }
	$(GO) run ./cmd/atollbench --cluster --atoll-bin bin/atoll --etcd-bin etcd --markdown BENCHMARKS.md

clean:
	rm -rf bin $(TOOLS_DIR) deploy/build

docker:
	mkdir -p $(DOCKER_BUILD_DIR)/data
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(DOCKER_BUILD_DIR)/atoll ./cmd/atoll
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(DOCKER_BUILD_DIR)/atollctl ./cmd/atollctl
	docker build --pull=false -t $(IMAGE) -f deploy/Dockerfile $(DOCKER_BUILD_DIR)

# compose-up starts the cluster(s) of COMPOSE_FILES in the background with
# the image `make docker` built; compose-down stops them and keeps their
# volumes (`$(COMPOSE) -p atoll -f ... down -v` deletes the data too).
compose-up: docker
	ATOLL_IMAGE=$(IMAGE) $(COMPOSE) -p $(COMPOSE_PROJECT) -f $(COMPOSE_FILES) up -d

compose-down:
	ATOLL_IMAGE=$(IMAGE) $(COMPOSE) -p $(COMPOSE_PROJECT) -f $(COMPOSE_FILES) down

# proto regenerates the committed Go code in proto/*pb/ from proto/*.proto.
# The plugin versions match google.golang.org/protobuf and grpc in go.mod;
# protoc itself comes from Debian's protobuf-compiler (3.21.12).
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
PROTOC_GEN_GO      := $(TOOLS_DIR)/protoc-gen-go-$(PROTOC_GEN_GO_VERSION)
PROTOC_GEN_GO_GRPC := $(TOOLS_DIR)/protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION)

$(PROTOC_GEN_GO):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	mv $(TOOLS_DIR)/protoc-gen-go $(PROTOC_GEN_GO)

$(PROTOC_GEN_GO_GRPC):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	mv $(TOOLS_DIR)/protoc-gen-go-grpc $(PROTOC_GEN_GO_GRPC)

proto: $(PROTOC_GEN_GO) $(PROTOC_GEN_GO_GRPC)
	@command -v protoc >/dev/null || apt-get install -y protobuf-compiler || \
		{ apt-get update && apt-get install -y protobuf-compiler; }
	protoc -I proto \
		--plugin=protoc-gen-go=$(PROTOC_GEN_GO) \
		--plugin=protoc-gen-go-grpc=$(PROTOC_GEN_GO_GRPC) \
		--go_out=. --go_opt=module=github.com/atolldb/atoll \
		--go-grpc_out=. --go-grpc_opt=module=github.com/atolldb/atoll \
		proto/*.proto
