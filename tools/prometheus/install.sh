#!/usr/bin/env bash
# Builds the pinned promtool from the Prometheus Go module (only the Go module proxy is
# reachable here, so no release tarball). Idempotent: does nothing when the binary of the
# pinned version is there. tests/observability/test_alert_rules.py runs
# `promtool check rules` and `promtool test rules` with it.
#
#   tools/prometheus/install.sh                      # builds .tools/prometheus-<ver>/promtool
#   PROMETHEUS_VERSION=v0.315.1 tools/prometheus/install.sh
#
# Module versions v0.3XX.Y are Prometheus 3.XX.Y. Prints the binary's path on its last line.
set -euo pipefail

PROMETHEUS_VERSION="${PROMETHEUS_VERSION:-v0.316.0}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="${repo_root}/.tools/prometheus-${PROMETHEUS_VERSION}"
bin="${dest}/promtool"

if [[ -x "${bin}" ]] && "${bin}" --version >/dev/null 2>&1; then
  echo "promtool ${PROMETHEUS_VERSION} already present" >&2
  echo "${bin}"
  exit 0
fi

command -v go >/dev/null || { echo "go toolchain not found (needed to build promtool)" >&2; exit 1; }
mkdir -p "${dest}"
echo "building promtool ${PROMETHEUS_VERSION} (cold: ~3 min of CPU on 2 cores)" >&2
start=$(date +%s)
# Prometheus' Makefile stamps the version through -ldflags; `promtool --version` shows it.
# `remove_all_sd` leaves out the cloud service-discovery plugins (AWS, Azure, GCE... SDKs):
# rule checks and rule unit tests need none, and the cold build takes half the CPU time.
ldflags="-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}"
GOBIN="${dest}" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install \
  -trimpath -tags remove_all_sd -ldflags "${ldflags}" "github.com/prometheus/prometheus/cmd/promtool@${PROMETHEUS_VERSION}"
echo "promtool built in $(( $(date +%s) - start )) s" >&2
echo "${bin}"
