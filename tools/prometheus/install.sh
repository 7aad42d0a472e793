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
# shellcheck source=tools/go-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/../go-install.sh"

PROMETHEUS_VERSION="${PROMETHEUS_VERSION:-v0.316.0}"

# Prometheus' Makefile stamps the version through -ldflags; `promtool --version` shows it.
# `remove_all_sd` leaves out the cloud service-discovery plugins (AWS, Azure, GCE... SDKs):
# rule checks and rule unit tests need none, and the cold build (~3 min of CPU on 2 cores)
# takes half the CPU time.
go_install_tool prometheus promtool "${PROMETHEUS_VERSION}" --version \
  "github.com/prometheus/prometheus/cmd/promtool@${PROMETHEUS_VERSION}" -tags remove_all_sd \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}"
