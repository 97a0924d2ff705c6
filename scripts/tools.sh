#!/usr/bin/env bash
# Installs the pinned servers and tools the tests need into $GAZETTE_TOOLS
# (default ~/.cache/gazette/bin), skipping what is already there at the
# pinned version. Safe to rerun; a fresh machine needs only Go.
set -euo pipefail

TOOLS="${GAZETTE_TOOLS:-$HOME/.cache/gazette/bin}"
mkdir -p "$TOOLS"

# MinIO: the last community build; the S3 API is the only coupling.
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"

installed() { [ -x "$TOOLS/$1" ] && [ "$(cat "$TOOLS/$1.version" 2>/dev/null)" = "$2" ]; }

if installed minio "$MINIO_VERSION"; then
	echo "tools: minio $MINIO_VERSION already installed"
else
	echo "tools: building minio $MINIO_VERSION (several minutes the first time; cached afterwards)"
	GOBIN="$TOOLS" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
	echo "$MINIO_VERSION" >"$TOOLS/minio.version"
fi
