# Gazette. `make run` serves the embedded default; `make test` installs what
# the tests need and runs every check, as CI does.

GO      ?= go
TOOLS   ?= $(HOME)/.cache/gazette/bin
export GAZETTE_TOOLS     := $(TOOLS)
export GAZETTE_MINIO_BIN := $(TOOLS)/minio

.PHONY: run test tools check fmt vet unit eval-docnum build

run:
	$(GO) run ./cmd/gazette serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/gazette ./cmd/gazette

# Everything CI runs: formatting, vet, and every test with the race
# detector, against real MinIO.
test: tools check unit

tools:
	scripts/tools.sh

check: fmt vet

fmt:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt: needs formatting:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 -timeout 30m ./...

# The 文号 evaluation over ../shared/corpus/docnum: prints the parse and
# round-trip shares and every failure with its reason.
eval-docnum:
	$(GO) test ./gazette -run TestDocNumberCorpus -count=1 -v
