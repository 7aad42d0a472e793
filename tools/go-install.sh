# shellcheck shell=bash
# Sourced by tools/<tool>/install.sh: builds a pinned Go tool with `go install` (only the Go
# module proxy is reachable here, so no release tarballs) into .tools/<dir>-<version>/, and
# does nothing when the binary there already answers its version flag. Prints the binary's
# path on its last line.
#
#   go_install_tool <dir> <binary> <version> <version flag> <package@version> [go install args]

go_install_tool() {
  local dir=$1 binary=$2 version=$3 version_flag=$4 package=$5
  shift 5
  local repo_root dest bin start
  repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  dest="${repo_root}/.tools/${dir}-${version}"
  bin="${dest}/${binary}"
  if [[ -x "${bin}" ]] && "${bin}" "${version_flag}" >/dev/null 2>&1; then
    echo "${binary} ${version} already present" >&2
    echo "${bin}"
    return 0
  fi
  command -v go >/dev/null || { echo "go toolchain not found (needed to build ${binary})" >&2; return 1; }
  mkdir -p "${dest}"
  echo "building ${binary} ${version}" >&2
  start=$(date +%s)
  GOBIN="${dest}" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install -trimpath "$@" "${package}"
  echo "${binary} built in $(( $(date +%s) - start )) s" >&2
  echo "${bin}"
}
