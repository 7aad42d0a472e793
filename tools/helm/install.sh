#!/usr/bin/env bash
# Builds the pinned helm binary from the helm Go module (no prebuilt download:
# only the Go module proxy is reachable). Idempotent: does nothing when the
# binary for the pinned version is already present.
#
#   tools/helm/install.sh            # builds .tools/helm-<ver>/helm
#   HELM_VERSION=v3.21.4 tools/helm/install.sh
#
# Prints the path of the binary on its last line.
set -euo pipefail

# Newest helm v3 tag that builds from the module proxy reachable here
# (v3.16+ have no replace directives, so `go install pkg@tag` works).
HELM_VERSION="${HELM_VERSION:-v3.22.0}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="${repo_root}/.tools/helm-${HELM_VERSION}"
bin="${dest}/helm"

if [[ -x "${bin}" ]] && "${bin}" version --short 2>/dev/null | grep -q "^${HELM_VERSION}"; then
  echo "helm ${HELM_VERSION} already present" >&2
  echo "${bin}"
  exit 0
fi

command -v go >/dev/null || { echo "go toolchain not found (needed to build helm)" >&2; exit 1; }

mkdir -p "${dest}"
echo "building helm ${HELM_VERSION} (cold: ~4 min on 2 cores)" >&2

# Same -ldflags as helm's Makefile: the version string, and the Kubernetes version that
# `helm template`/`helm lint` assume (derived from the client-go version helm builds
# with; without it they assume v1.20 and reject charts needing a newer kubeVersion).
gomod="$(go mod download -json "helm.sh/helm/v3@${HELM_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
client_go="$(awk '$1 == "k8s.io/client-go" {print $2; exit}' "${gomod}")"
k8s_minor="$(echo "${client_go}" | cut -d. -f2)"
[[ -n "${k8s_minor}" ]] || { echo "could not read k8s.io/client-go version from ${gomod}" >&2; exit 1; }
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X ${pkg}.k8sVersionMajor=1 -X ${pkg}.k8sVersionMinor=${k8s_minor}"
done

GOBIN="${dest}" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install \
  -trimpath -ldflags "${ldflags}" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"

"${bin}" version --short >&2
echo "${bin}"
