#!/usr/bin/env bash
# Builds the pinned kubeconform from its Go module (the chart tests run it offline over the
# rendered chart, with the Kubernetes schemas of the kubernetes-validate package and the Dapr
# CRD schemas of helm/schemas/dapr/). Idempotent; cold build well under a minute.
#
#   tools/kubeconform/install.sh          # builds .tools/kubeconform-<ver>/kubeconform
#
# Prints the binary's path on its last line.
set -euo pipefail
# shellcheck source=tools/go-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/../go-install.sh"

KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.8.0}"
go_install_tool kubeconform kubeconform "${KUBECONFORM_VERSION}" -v \
  "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}" -ldflags "-s -w"
