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

.PHONY: all build run test vet lint unit fuzz bench clean proto

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

unit:
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

clean:
	rm -rf bin $(TOOLS_DIR)

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
