#!/usr/bin/env bash
# Builds (and optionally pushes) the four service images from the repository root, the
# way the chart names them: <registry>/todo-chatbot-<service>:<tag>.
#
#   tools/helm/images.sh                       # build, tag = short git commit
#   TAG=1.2.3 tools/helm/images.sh --push      # build and push
#   REGISTRY=registry.digitalocean.com/todo-chatbot SERVICES="backend" tools/helm/images.sh
#
# backend has its own recipe (backend/Dockerfile: the NLU model); websocket, reminders
# and notification share service.Dockerfile, told apart by build arguments (below).
#
# Needs a Docker engine with BuildKit (none runs on the development machines: the
# Dockerfiles are linted by tests/chart/test_chart_dockerfiles.py instead).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REGISTRY="${REGISTRY:-registry.digitalocean.com/todo-chatbot}"
TAG="${TAG:-$(git -C "${repo_root}" rev-parse --short HEAD 2>/dev/null || echo dev)}"
SERVICES="${SERVICES:-backend websocket reminders notification}"
PLATFORM="${PLATFORM:-linux/amd64}"   # DOKS nodes are amd64
push=false
[[ "${1:-}" == "--push" ]] && push=true

if ! docker info >/dev/null 2>&1; then
  echo "images.sh: no Docker engine reachable (docker info failed); nothing built" >&2
  exit 1
fi

# The port each small service listens on (the chart's containerPort defaults).
service_port() {
  case "$1" in
    websocket) echo 8001 ;;
    reminders) echo 8002 ;;
    notification) echo 8003 ;;
    *) echo "images.sh: unknown service $1" >&2; return 1 ;;
  esac
}

for service in ${SERVICES}; do
  image="${REGISTRY}/todo-chatbot-${service}:${TAG}"
  echo "==> ${image}" >&2
  dockerfile="${repo_root}/backend/Dockerfile"
  build_args=()
  if [[ "${service}" != "backend" ]]; then
    dockerfile="${repo_root}/service.Dockerfile"
    port="$(service_port "${service}")"
    build_args=(--build-arg "SERVICE=${service}" --build-arg "PORT=${port}"
                --build-arg "SETTINGS_PREFIX=${service^^}")
    if [[ "${service}" == "websocket" ]]; then
      build_args+=(--build-arg "GRACEFUL_SHUTDOWN_SECONDS=40")
    fi
  fi
  DOCKER_BUILDKIT=1 docker build \
    --platform "${PLATFORM}" \
    --file "${dockerfile}" \
    "${build_args[@]}" \
    --tag "${image}" \
    --label "org.opencontainers.image.revision=${TAG}" \
    --label "org.opencontainers.image.source=todo-chatbot/${service}" \
    "${repo_root}"
  if ${push}; then
    docker push "${image}"
  fi
done
echo "built tag ${TAG}: helm upgrade ... --set image.tag=${TAG}" >&2
