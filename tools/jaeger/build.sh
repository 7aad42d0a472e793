#!/usr/bin/env bash
# Builds the pinned Jaeger all-in-one from the Jaeger Go module (the `tool` in go.mod) into
# .tools/jaeger-<version>/jaeger. On demand only (`TRACING=1 make run` asks for it; `make
# setup` does not, to keep CI's budget): a cold build takes many minutes. Skips when built.
set -euo pipefail
cd "$(dirname "$0")"
VERSION=$(awk '$1 == "github.com/jaegertracing/jaeger" {print $2}' go.mod | head -n 1)
[ -n "$VERSION" ] || { echo "cannot read the jaeger version from go.mod" >&2; exit 1; }
OUT=../../.tools/jaeger-$VERSION
STAMP="$OUT/.built-$(cat go.mod go.sum | sha256sum | cut -c1-16)"
if [ -x "$OUT/jaeger" ] && [ -f "$STAMP" ]; then
    echo "jaeger $VERSION already built in ${OUT#../../}"
    exit 0
fi
mkdir -p "$OUT"
echo "building jaeger $VERSION; a cold build takes many minutes"
start=$(date +%s)
# -mod=readonly: go.mod and go.sum are committed as `go get -tool` resolved them; a drift
# fails here instead of rewriting them.
GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$VERSION" \
    -o "$OUT/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger
rm -f "$OUT"/.built-*
touch "$STAMP"
echo "built in $(( $(date +%s) - start ))s"
