# syntax=docker/dockerfile:1
# The three small services from one recipe: websocket (8001), reminders (8002) and
# notification (8003), each `todo_<SERVICE>.main:app` under uvicorn. No torch, no model:
# only backend has those (backend/Dockerfile).
#
# Build context is the repository root; tools/helm/images.sh passes the arguments:
#   docker build -f service.Dockerfile --build-arg SERVICE=reminders --build-arg PORT=8002 \
#     --build-arg SETTINGS_PREFIX=REMINDERS -t todo-chatbot-reminders:dev .
# SETTINGS_PREFIX is the service's settings prefix (REMINDERS_PORT, ...): the chart sets
# <PREFIX>_PORT, the image listens there. GRACEFUL_SHUTDOWN_SECONDS: websocket 40 (its pod's
# grace period is 60 s: clients are closed and reconnect elsewhere), the others 20.
# Pin the base by digest in CI (PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:...).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
RUN if [ -z "${SERVICE}" ]; then echo "needs --build-arg SERVICE (tools/helm/images.sh)" >&2; exit 1; fi \
    && python -m venv /opt/venv
COPY common/ /src/common/
COPY ${SERVICE}/ /src/${SERVICE}/
RUN pip install /src/common "/src/${SERVICE}" \
    && python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is not None)" \
    && python -m compileall -q /opt/venv

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG PORT
ARG SETTINGS_PREFIX
ARG GRACEFUL_SHUTDOWN_SECONDS=20
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    SERVICE=${SERVICE} \
    SETTINGS_PREFIX=${SETTINGS_PREFIX} \
    GRACEFUL_SHUTDOWN_SECONDS=${GRACEFUL_SHUTDOWN_SECONDS}
RUN test -n "${PORT}" && test -n "${SETTINGS_PREFIX}" \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
# The service's own variable names (ENV expands the key too: REMINDERS_PORT=8002); after
# the last RUN, which has no use for them.
ENV ${SETTINGS_PREFIX}_HOST=0.0.0.0 \
    ${SETTINGS_PREFIX}_PORT=${PORT}
WORKDIR /app
USER 10001:10001
EXPOSE ${PORT}
# Kubernetes ignores HEALTHCHECK (the chart's probes hit /health/live and /health/ready);
# this serves `docker run`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ[os.environ['SETTINGS_PREFIX'] + '_PORT'] + '/health/live', timeout=4)"]
# exec: uvicorn becomes PID 1 and receives SIGTERM directly. The variables are read by the
# service's own names at run time (<PREFIX>_HOST, <PREFIX>_PORT). Protocol pings are the
# websocket clients' liveness (WEBSOCKET_PING_INTERVAL_SECONDS / _TIMEOUT_SECONDS, see its
# settings.py); the other services serve no socket, so the flags are inert there (devstack
# passes them to every service alike).
CMD ["sh", "-c", "exec uvicorn todo_${SERVICE}.main:app --host \"$(printenv \"${SETTINGS_PREFIX}_HOST\")\" --port \"$(printenv \"${SETTINGS_PREFIX}_PORT\")\" --no-server-header --timeout-graceful-shutdown \"$GRACEFUL_SHUTDOWN_SECONDS\" --ws-ping-interval \"$(printenv \"${SETTINGS_PREFIX}_PING_INTERVAL_SECONDS\" || echo 20)\" --ws-ping-timeout \"$(printenv \"${SETTINGS_PREFIX}_PING_TIMEOUT_SECONDS\" || echo 20)\""]
