# Development commands. `make run` and `make test` do all set-up on a fresh
# Debian machine with Python 3.11: nothing else needs to be installed first.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
MANAGE := $(VENV)/bin/python manage.py
# uv from PATH, or bootstrapped into .tools/ from PyPI.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
UV_SYNC := UV_PYTHON_DOWNLOADS=never $(UV) sync --python $(PYTHON) --frozen
# compilemessages and makemessages walk the whole tree; keep them out of the venvs.
I18N_IGNORE := --ignore=.venv --ignore=.tools --ignore=staticfiles
# The development server's port (`make run PORT=8400`): the portal is http://127.0.0.1:$(PORT),
# the stand-in http://localhost:$(PORT)/standin/. portal/settings.py derives every address
# from it (mail links, OIDC endpoints, the stand-in's client registration). Without PORT,
# the port of PORTAL_BASE_URL=http://127.0.0.1:<port>, else 8000.
PORT ?= $(or $(patsubst http://127.0.0.1:%,%,$(filter http://127.0.0.1:%,$(PORTAL_BASE_URL:/=))),8000)
PYTEST_ARGS ?=
# pytest-xdist: one test process per core (each with its own test database).
PYTEST_WORKERS ?= auto
# `make benchmark`: a dedicated PostgreSQL database (created when missing) and extra options.
BENCHMARK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kmo_benchmark
BENCHMARK_ARGS ?=
# Root installs missing Debian packages itself; anyone else is told what to install.
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y

# Prerequisites are steps in order (install before compilemessages, ...).
.NOTPARALLEL:

.PHONY: help run test install install-dev gettext dictionary chromium compilemessages migrate demo \
	collectstatic lint format messages check-deploy clean benchmark search-quality wrk backup restore up down \
	logs mail smoke servers load screenshots

help:
	@echo "make run           install, migrate, load demo data, serve http://127.0.0.1:$(PORT) [PORT=8400]"
	@echo "make test          install (with dev tools and Chromium) and run pytest [PYTEST_ARGS=...]"
	@echo "make up            the production shape: nginx, 2 app servers, worker, beat, PostgreSQL,"
	@echo "                   Redis, S3, SMTP, the stand-in (state in var/up/); make down stops it"
	@echo "make logs          follow the logs of make up (make mail: the mails it sent)"
	@echo "make smoke         make up, a journey through the shape, the SMTP outage, make down"
	@echo "make load          make up (if needed), 50 users for 4 min with four faults, accounting"
	@echo "                   [LOAD_ARGS=\"--users 10 --duration 30 --faults web1\"]"
	@echo "make install       runtime dependencies into .venv (install-dev: with dev tools)"
	@echo "make migrate       apply migrations"
	@echo "make demo          load the demo data (and register the stand-in's client for PORT)"
	@echo "make benchmark     seed PostgreSQL, measure the search, update docs/performance.md"
	@echo "make search-quality  recall and precision of the search on its judged query set"
	@echo "make lint          ruff check + ruff format --check"
	@echo "make format        ruff format + ruff check --fix"
	@echo "make messages      update locale/en/LC_MESSAGES/django.po"
	@echo "make screenshots   the start pages at 1366 and 390 px into docs/screenshots/ (demo data)"
	@echo "make check-deploy  manage.py check --deploy with the values of .env.example (and a new key)"
	@echo "make backup        database and private files into var/backups/kmo-backup-<time>/ [BACKUP_DIR=...]"
	@echo "make restore       BACKUP=var/backups/kmo-backup-... into an empty database and bucket [FORCE=1]"
	@echo "make clean         remove .venv, .tools, staticfiles, caches (keeps db.sqlite3)"

# The portal is http://127.0.0.1:$(PORT), the ACM/IDM stand-in http://localhost:$(PORT)/standin/:
# one server, two host names, so the two never share a session cookie.
# Development: DEBUG on for every step of `make run` (and for `make migrate` and
# `make demo` of the development database), which also turns on the ACM/IDM stand-in.
# `make demo` registers the portal's client at the stand-in for this port too, keeping
# the addresses registered before.
run migrate demo: export DJANGO_DEBUG := true
run migrate demo: export PORT := $(PORT)
run: install compilemessages dictionary migrate demo
	@getent ahostsv4 localhost | grep -q '^127\.0\.0\.1' || \
	  echo "WARNING: 'localhost' does not resolve to 127.0.0.1; the stand-in at http://localhost:$(PORT)/standin/ needs it (see /etc/hosts)."
	@echo "Portal: http://127.0.0.1:$(PORT)/   admin: http://127.0.0.1:$(PORT)/admin/ (admin/admin)   stand-in: http://localhost:$(PORT)/standin/"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-dev compilemessages dictionary chromium wrk servers collectstatic
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The production shape on this machine (ops/up.py, ops/Procfile, ops/up.env,
# docs/deployment.md): returns once the portal answers, honcho runs in the background.
up: install-dev gettext dictionary servers
	$(VENV)/bin/python ops/up.py up

down:
	@if [ -x $(VENV)/bin/python ]; then $(VENV)/bin/python ops/up.py down; else python3 ops/up.py down; fi

logs:
	tail -n 200 -F var/up/log/honcho.log

mail:
	@$(VENV)/bin/python ops/up.py mail

# Starts the shape, walks through it, stops it (ops/smoke.py; CI's "Production shape smoke").
# With the shape already up (make up), it walks through that one and leaves it running.
smoke: install-dev gettext servers
	$(VENV)/bin/python ops/smoke.py

# The load test with faults (ops/load/, docs/operations.md "Load and faults"): uses the
# running `make up` or starts one; the report goes to var/load/<run>/report.md.
LOAD_ARGS ?=
load: install-dev gettext servers
	$(VENV)/bin/python ops/load/run.py $(LOAD_ARGS)

# The Debian packages of `make up` (PostgreSQL 15 is the machine's own).
servers:
	@command -v nginx >/dev/null && command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && $(APT_INSTALL) nginx redis-server; \
	  else echo "nginx and redis-server are missing: run 'sudo apt-get install nginx redis-server' and retry."; exit 1; fi; }
	@test -x /usr/lib/postgresql/15/bin/initdb || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && $(APT_INSTALL) postgresql-15 postgresql-contrib; \
	  else echo "PostgreSQL 15 is missing: run 'sudo apt-get install postgresql-15' and retry."; exit 1; fi; }

.tools/bin/uv:
	$(PYTHON) -m venv .tools || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && $(APT_INSTALL) python3-venv && rm -rf .tools && $(PYTHON) -m venv .tools; \
	  else echo "python3 -m venv failed: run 'sudo apt-get install python3-venv' and retry."; exit 1; fi; }
	.tools/bin/pip install --quiet uv

# --inexact keeps the dev tools that `make test` installed.
install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV_SYNC) --no-dev --inexact

install-dev: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV_SYNC)

gettext:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && $(APT_INSTALL) gettext; \
	  else echo "msgfmt (GNU gettext) is missing: run 'sudo apt-get install gettext' and retry."; exit 1; fi; }

# The OpenTaal Dutch dictionary that splits compounds for the public search (directory/compounds.py).
dictionary:
	@test -f /usr/share/hunspell/nl.dic || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && $(APT_INSTALL) hunspell-nl; \
	  else echo "hunspell-nl is missing: the search will not split compounds ('sudo apt-get install hunspell-nl')."; fi; }

chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && $(APT_INSTALL) chromium; \
	  else echo "Chromium is missing, browser tests will be skipped: 'sudo apt-get install chromium'."; fi; }

compilemessages: gettext
	$(MANAGE) compilemessages $(I18N_IGNORE) -v0

# createcachetable: the database cache that counts rate limits when no Redis is configured.
migrate:
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

demo:
	$(MANAGE) load_demo_data

# Tests run with DEBUG off, so templates resolve static files through the manifest.
collectstatic:
	$(MANAGE) collectstatic --noinput -v0

# Seeds $(BENCHMARK_DATABASE_URL) once (50,000 providers), measures, writes the figures.
benchmark: install collectstatic wrk
	BENCHMARKS_ENABLED=true $(MANAGE) benchmark --database-url $(BENCHMARK_DATABASE_URL) --markdown $(BENCHMARK_ARGS)

# The judged query set in a throwaway test database (SQLite; DATABASE_URL=postgres://... for PostgreSQL).
search-quality: install
	BENCHMARKS_ENABLED=true $(MANAGE) search_quality $(SEARCH_QUALITY_ARGS)

wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && $(APT_INSTALL) wrk; \
	  else echo "wrk is missing: the benchmark's throughput needs it ('sudo apt-get install wrk')."; fi; }

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install gettext
	$(MANAGE) makemessages -l en $(I18N_IGNORE)

# ops/screenshots.py: a temporary SQLite database with the demo data, the portal on a free
# port, Playwright with the machine's Chromium; PNGs into docs/screenshots/.
screenshots: install-dev compilemessages chromium
	$(VENV)/bin/python ops/screenshots.py

# .env.example's secret key is a placeholder that the checks refuse: a generated one instead.
check-deploy: install
	set -a && . ./.env.example && set +a && \
	  DJANGO_SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(MANAGE) check --deploy --fail-level WARNING

# Backup and restore (core/backup.py, docs/deployment.md): of the database and the private
# files that the environment (.env, DATABASE_URL, S3_*) points at.
BACKUP_DIR ?= var/backups
backup:
	$(MANAGE) backup --output $(BACKUP_DIR)

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=$(BACKUP_DIR)/kmo-backup-<time> [FORCE=1]"; exit 2; }
	$(MANAGE) restore $(BACKUP) $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) .tools staticfiles .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
