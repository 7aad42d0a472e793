#!/usr/bin/env bash
# Builds the pinned kubeconform from its Go module (the chart tests run it offline over the
# rendered chart, with the Kubernetes schemas of the kubernetes-validate package and the Dapr
# CRD schemas of helm/schemas/dapr/). Idempotent: skips the build when the binary is there.
#
#   tools/kubeconform/install.sh          # builds .tools/kubeconform-<ver>/kubeconform
#
# Prints the binary's path on its last line.
set -euo pipefail

KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.8.0}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="${repo_root}/.tools/kubeconform-${KUBECONFORM_VERSION}"
bin="${dest}/kubeconform"

if [[ -x "${bin}" ]] && "${bin}" -v >/dev/null 2>&1; then
  echo "kubeconform ${KUBECONFORM_VERSION} already present" >&2
  echo "${bin}"
  exit 0
fi

command -v go >/dev/null || { echo "go toolchain not found (needed to build kubeconform)" >&2; exit 1; }
mkdir -p "${dest}"
echo "building kubeconform ${KUBECONFORM_VERSION} (cold: well under a minute)" >&2
start=$(date +%s)
GOBIN="${dest}" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install \
  -trimpath -ldflags "-s -w" "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}"
echo "kubeconform built in $(( $(date +%s) - start )) s" >&2
echo "${bin}"
