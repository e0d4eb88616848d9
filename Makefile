# The Makefile only bootstraps .venv; everything else lives in tasks.py (invoke).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# Test tools from npm (the W3C HTML checker), installed when npm is there.
NODE_STAMP := node_modules/.installed

.PHONY: build lint test check serve ingest bench clean publish

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

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
