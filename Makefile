# todo-chatbot: see README.md. Every target runs from the repository root.
PY := .venv/bin/python
export HF_HUB_OFFLINE := 1

.PHONY: setup run test test-unit test-e2e bench bench-report gameday soak token migrate backup restore lint format nlu-eval schemas clean helm kube images chart-test helm-schemas

setup: ## install everything (idempotent)
	bash scripts/setup.sh

run: ## start the whole system in the foreground; Ctrl-C stops it
	$(PY) -m devstack run

test: ## the whole suite: lint, unit, integration and end-to-end (real Dapr)
	$(PY) -m ruff check .
	$(PY) -m mypy common backend/todo_backend websocket reminders notification devstack tests bench
	$(PY) -m pytest -q

test-unit:
	$(PY) -m pytest -q tests/unit

test-e2e:
	$(PY) -m pytest -q -m e2e

bench: ## benchmarks beside their same-run floors; writes bench/results/latest.json (QUICK=1: short)
	$(PY) -m bench $(if $(QUICK),--quick)

bench-report: ## docs/performance.md and its plots from bench/results/latest.json
	$(PY) -m bench.report

gameday: ## faults in turn under mixed load, then the no-loss ledger; bench/results/gameday-<date>.json (SHORT=1: ~2 min)
	$(PY) -m bench.gameday $(if $(SHORT),--short)

soak: ## 10 minutes of steady mixed load: errors, p99 first vs last minute, RSS growth; bench/results/soak-<date>.json
	$(PY) -m bench.soak

nlu-eval: ## chat on the locked NLU test set: intents, entities, false actions, fallback, latency; fails below the bars
	$(PY) -m todo_backend.nlu.tools.evaluate --json bench/results/nlu-eval.json

token: ## print a JWT: make token USER=alice
	@$(PY) -m devstack token $(USER)

migrate: ## apply database migrations (DATABASE_URL)
	$(PY) -m todo_backend.migrate

backup: ## pg_dump (custom format, gzip) of DATABASE_URL into .data/backups/, keeps BACKUP_KEEP=14
	@bash scripts/backup.sh

restore: ## load a backup into DATABASE_URL (created if missing): make restore BACKUP=<file>
	@BACKUP="$(BACKUP)" bash scripts/restore.sh

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy common backend/todo_backend websocket reminders notification devstack

format:
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

schemas: ## regenerate docs/events/*.schema.json from the event models
	$(PY) -m todo_common.events docs/events

helm: ## build the pinned helm into .tools/helm-<version>/
	bash tools/helm/install.sh

kube: ## build the pinned kube-apiserver + etcd into .tools/kube-<version>/
	bash tools/kube/build.sh

images: ## docker build the four images (TAG=…, REGISTRY=…; needs a Docker engine)
	bash tools/helm/images.sh

chart-test: ## helm lint --strict, schema validation and rendered-object tests
	$(PY) -m pytest -q tests/chart

helm-schemas: ## re-extract the Dapr CRD schemas after a Dapr bump
	$(PY) tools/helm/extract_dapr_schemas.py

clean: ## remove local run data (SQLite, Redis, scheduler state, logs)
	rm -rf .data
