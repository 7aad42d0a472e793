#!/usr/bin/env bash
# Builds the pinned kube-apiserver and etcd from their Go modules into .tools/kube-<version>/,
# for the chart lifecycle test (tests/chart/test_chart_lifecycle.py). Only the Go module proxy
# is reachable here, so they are built from source rather than downloaded. Idempotent: skips
# whichever binary is already there. The versions are read from the wrappers' go.mod files:
#   tools/kube/apiserver/go.mod   requires k8s.io/kubernetes        vX.Y.Z  → .tools/kube-vX.Y.Z/
#   tools/kube/etcd/go.mod        requires go.etcd.io/etcd/server/v3 vA.B.C
# Cold (empty module and build caches, 2 cores): etcd 80 s, kube-apiserver 8.5 min (measured).
#
# Prints the folder holding both binaries on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${here}/../.." && pwd)"

# The version a wrapper's go.mod requires of a module (single-line or block `require`).
required_version() {
    awk -v mod="$2" '$1 == mod {print $2; exit} $1 == "require" && $2 == mod {print $3; exit}' "$1"
}

KUBE_VERSION="$(required_version "${here}/apiserver/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(required_version "${here}/etcd/go.mod" go.etcd.io/etcd/server/v3)"
[[ "${KUBE_VERSION}" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] \
    || { echo "cannot read the k8s.io/kubernetes version from apiserver/go.mod" >&2; exit 1; }
kube_minor="${BASH_REMATCH[1]}"
[[ -n "${ETCD_VERSION}" ]] \
    || { echo "cannot read the go.etcd.io/etcd/server/v3 version from etcd/go.mod" >&2; exit 1; }

out="${repo_root}/.tools/kube-${KUBE_VERSION}"
mkdir -p "${out}"
command -v go >/dev/null || { echo "go toolchain not found (needed to build kube-apiserver and etcd)" >&2; exit 1; }

# The wrappers' go.sum files are upstream's plus the entries of the published modules the
# replaces point at, so no checksum-database lookups are needed (none is reachable here).
export GOFLAGS="-mod=mod -buildvcs=false" GONOSUMDB="*" CGO_ENABLED=0

if [[ -x "${out}/etcd" ]] && "${out}/etcd" --version 2>/dev/null | grep -q "etcd Version: ${ETCD_VERSION#v}$"; then
    echo "etcd ${ETCD_VERSION} already built" >&2
else
    echo "building etcd ${ETCD_VERSION} (cold: ~1.5 min on 2 cores)" >&2
    start=$(date +%s)
    (cd "${here}/etcd" && go build -trimpath -ldflags "-s -w" -o "${out}/etcd" ./cmd/etcd)
    echo "etcd built in $(( $(date +%s) - start ))s" >&2
fi

if [[ -x "${out}/kube-apiserver" ]] \
    && "${out}/kube-apiserver" --version 2>/dev/null | grep -q "^Kubernetes ${KUBE_VERSION}$"; then
    echo "kube-apiserver ${KUBE_VERSION} already built" >&2
else
    echo "building kube-apiserver ${KUBE_VERSION} (cold: ~9 min on 2 cores)" >&2
    start=$(date +%s)
    # The version stamps of Kubernetes' own build (hack/lib/version.sh): without them the
    # server reports v0.0.0-master and helm rejects the chart's kubeVersion constraint.
    ldflags="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ldflags+=" -X ${pkg}.gitVersion=${KUBE_VERSION} -X ${pkg}.gitMajor=1"
        ldflags+=" -X ${pkg}.gitMinor=${kube_minor} -X ${pkg}.gitTreeState=clean"
    done
    (cd "${here}/apiserver" \
        && go build -trimpath -ldflags "${ldflags}" -o "${out}/kube-apiserver" ./cmd/kube-apiserver)
    echo "kube-apiserver built in $(( $(date +%s) - start ))s" >&2
fi

"${out}/kube-apiserver" --version >&2
"${out}/etcd" --version | sed -n 1p >&2  # sed reads it all: head would SIGPIPE etcd under pipefail
echo "${out}"
