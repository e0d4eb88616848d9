# The Makefile only bootstraps .venv; everything else lives in tasks.py (invoke).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# Every package .venv gets, direct or not, at an exact version with its hashes: the runtime
# dependencies and the test and bench extras of pyproject.toml. After changing the dependencies
# there, refresh it with `make lock` (uv, pinned, in .cache/); `make lock UPGRADE=1` also moves
# the packages pyproject.toml leaves free to their newest releases.
LOCK := requirements.lock
UV_VERSION := 0.13.8
UV_VENV := .cache/uv-$(UV_VERSION)
UV := $(UV_VENV)/bin/uv
# Test tools from npm (the W3C HTML checker), installed when npm is there.
NODE_STAMP := node_modules/.installed

.PHONY: build lint test check serve ingest bench clean publish lock

# pip twice quiet: only its errors, so that a first `make build` shows what newsdigest says.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --quiet --require-hashes -r $(LOCK)
	$(VENV)/bin/pip install --quiet --quiet --no-deps -e .
	$(VENV)/bin/pip check  # fails on a dependency pyproject.toml names and the lock lacks: run make lock
	touch $(STAMP)

$(UV):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet uv==$(UV_VERSION)

lock: $(UV)
	UV_CACHE_DIR=.cache/uv $(UV) pip compile pyproject.toml --extra test --extra bench --generate-hashes \
		--python $(PYTHON) --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

build: $(STAMP)
	$(VENV)/bin/invoke build

$(NODE_STAMP): package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $(NODE_STAMP); fi

# The quality gates (ruff's lint and format check, mypy), before any test runs.
lint: $(STAMP)
	$(VENV)/bin/invoke lint

test: $(STAMP) $(NODE_STAMP) lint
	$(VENV)/bin/invoke test

# The fast tier: unit tests and small builds, without the browser and slow tests.
check: $(STAMP) lint
	$(VENV)/bin/invoke test --fast

serve: $(STAMP)
	$(VENV)/bin/invoke serve

ingest: $(STAMP)
	$(VENV)/bin/invoke ingest --paths "$(PATHS)"

bench: $(STAMP)
	$(VENV)/bin/invoke bench

publish: $(STAMP)
	$(VENV)/bin/invoke publish --to "$(TO)"

clean:
	$(VENV)/bin/invoke clean 2>/dev/null || rm -rf output .cache
