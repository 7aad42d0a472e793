#!/usr/bin/env bash
# Installs the pinned checkov (PyPI) into its own virtual environment, .tools/checkov-<ver>/:
# its many pinned dependencies stay out of the project's .venv. The chart tests
# (tests/chart/test_chart_scanners.py) run it over the rendered chart. Idempotent.
#
# Prints the checkov executable's path on its last line.
set -euo pipefail

CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
PYTHON="${PYTHON:-python3.11}"
command -v "${PYTHON}" >/dev/null 2>&1 || PYTHON=python3

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="${repo_root}/.tools/checkov-${CHECKOV_VERSION}"
bin="${dest}/bin/checkov"

if [[ -x "${bin}" ]] && [[ "$("${bin}" --version 2>/dev/null)" == "${CHECKOV_VERSION}" ]]; then
  echo "checkov ${CHECKOV_VERSION} already present" >&2
  echo "${bin}"
  exit 0
fi

echo "installing checkov ${CHECKOV_VERSION} (~2 min cold, mostly downloads)" >&2
rm -rf "${dest}"
"${PYTHON}" -m venv "${dest}"
"${dest}/bin/pip" install -q --disable-pip-version-check "checkov==${CHECKOV_VERSION}"
"${bin}" --version >&2
echo "${bin}"
