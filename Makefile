# Kramar: `make run` serves the shop and the back office; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BIN ?= $(shell command -v python3.13 2>/dev/null || echo "$$(pyenv root 2>/dev/null)/versions/3.13.0/bin/python")
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
MANAGE := $(PY) manage.py
VENDOR := var/vendor
PG_URL ?= postgres://postgres@127.0.0.1:5432/kramar
TEST_SQLITE_URL := sqlite:///$(CURDIR)/var/test.sqlite3
# DB=auto (PostgreSQL when one answers at 127.0.0.1:5432, else SQLite), DB=postgres or DB=sqlite.
DB ?= auto
PYTEST_ARGS ?=

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install assets messages run test test-browser-deps test-mail-deps lint migrate demo clean

help:
	@echo "make run    serve the shop at http://127.0.0.1:8000/ and the back office at /office/"
	@echo "make test   run the whole suite (PostgreSQL when it answers, else SQLite; DB=postgres|sqlite)"
	@echo "make lint   ruff, mypy, import contracts, bandit, migrations and deploy checks"

$(PY):
	@test -x "$(PYTHON_BIN)" || { echo "Python 3.13 not found: install it (pyenv install 3.13.0)"; exit 1; }
	"$(PYTHON_BIN)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(PY) pyproject.toml uv.lock
	$(UV) sync --frozen --inexact --python $(PY) --quiet
	@touch $@

install: $(VENV)/.synced

$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/pico.min.css
	cp node_modules/sortablejs/Sortable.min.js $(VENDOR)/Sortable.min.js
	@touch $@

assets: $(VENDOR)/.copied

messages: install
	DEBUG=true $(MANAGE) compilemessages --verbosity 0 --ignore .venv --ignore node_modules

migrate: install
	DEBUG=true $(MANAGE) migrate --no-input --verbosity 0

demo: migrate
	DEBUG=true $(MANAGE) kramar_demo --scale small

run: install assets messages
	@mkdir -p var
	DEBUG=true $(MANAGE) migrate --no-input --verbosity 0
	DEBUG=true $(MANAGE) kramar_demo --scale small
	@echo "Shop:        http://127.0.0.1:8000/"
	@echo "Back office: http://127.0.0.1:8000/office/   (admin: /admin/, API: /api/docs)"
	@trap 'kill 0' EXIT INT TERM; \
	  DEBUG=true $(MANAGE) kramar_worker & \
	  DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

# Playwright drives Debian's chromium (never a downloaded browser build).
test-browser-deps:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "chromium is missing and could not be installed (need root and apt)"; exit 1; }; }

# The mail tests run a private dovecot (Debian's dovecot-imapd) on loopback; install it if missing.
test-mail-deps:
	@command -v dovecot >/dev/null || test -x /usr/sbin/dovecot || { \
	  echo "Installing Debian's dovecot-imapd for the mail tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null) \
	  || { echo "dovecot is missing and could not be installed (need root and apt)"; exit 1; }; }

test: install assets messages test-browser-deps test-mail-deps
	@mkdir -p var
	@set -e; \
	case "$(DB)" in \
	  postgres) url="$(PG_URL)";; \
	  sqlite) url="$(TEST_SQLITE_URL)";; \
	  auto) if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; \
	        then url="$(PG_URL)"; else url="$(TEST_SQLITE_URL)"; fi;; \
	  *) echo "DB must be auto, postgres or sqlite"; exit 2;; \
	esac; \
	echo "== make test on $${url%%:*} ($$url)"; \
	DATABASE_URL="$$url" $(PY) -m pytest $(PYTEST_ARGS); \
	echo "== make test used $${url%%:*}"

lint: install assets
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r kramar config
	DEBUG=true $(MANAGE) makemigrations --check --dry-run
	DEBUG=false ALLOWED_HOSTS=shop.example.com SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  PAYMENT_PROVIDER=stripe STRIPE_SECRET_KEY=sk_test_lint STRIPE_WEBHOOK_SECRET=whsec_lint \
	  $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules var
