#!/usr/bin/env bash
# Idempotent setup: system packages, the pinned Dapr runtime, the Python environment.
# Every step skips itself when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

step() { printf '\n== %s\n' "$*"; }

apt_install() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

step "system packages (Redis, PostgreSQL, Chromium for the browser tests)"
apt_install redis-server postgresql chromium
# The Debian packages start system-wide servers; the project starts its own on loopback
# (make run reuses a Redis already on 6379; tests always start their own).

step "Dapr runtime (daprd + scheduler, pinned)"
bash tools/dapr/build.sh

step "helm (pinned, built from the Go module proxy)"
bash tools/helm/install.sh

step "kube-apiserver + etcd (pinned, built from the Go module proxy; chart lifecycle test)"
bash tools/kube/build.sh

step "promtool + kubeconform (Go module proxy) and checkov (PyPI), pinned: alert-rule and chart scanner tests"
bash tools/prometheus/install.sh
bash tools/kubeconform/install.sh
bash tools/checkov/install.sh

step "Kafka broker (pinned jars from Maven Central; PUBSUB=kafka make run and the Kafka tests)"
command -v java >/dev/null 2>&1 || apt_install default-jre-headless
command -v mvn >/dev/null 2>&1 || apt_install maven
bash tools/kafka/fetch.sh >/dev/null

# The playwright package must never fetch browsers (tests use /usr/bin/chromium).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
step "Python environment (.venv)"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade "pip==26.3"
# torch is pinned in backend/pyproject.toml's [export] extra (the ONNX export below, and the
# tests comparing it with sentence-transformers); pip skips it when that version is installed.
.venv/bin/python -m pip install -q \
    -e common -e "backend[export]" -e websocket -e reminders -e notification -e .

step "NLU model: ONNX export of all-MiniLM-L6-v2 (skipped when up to date)"
# Into ~/.cache/todo-chatbot/models/, where the backend looks when BACKEND_NLU_MODEL_PATH
# is unset; about 20 s the first time, well under a second after that.
.venv/bin/python -m todo_backend.nlu.tools.export

step "browser tests: axe-core from the npm registry (tests/browser/node_modules)"
# Playwright drives Debian's /usr/bin/chromium: it never downloads a browser of its own.
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi

step "done"
echo "make run   # start everything; make test   # run the tests"
