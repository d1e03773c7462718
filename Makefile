# icsat: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_APP := $(VENV)/.installed-app
STAMP_TEST := $(VENV)/.installed-test
# The lockfiles: exact versions with hashes, compiled by `make lock` from pyproject.toml's ranges.
LOCK_APP := requirements/app.txt
LOCK_TEST := requirements/test.txt
LOCK_BUILD := requirements/build.txt
# Only `make lock` uses uv (installed into .venv); installing needs only pip.
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000

# A Python >= 3.12: PYTHON if given, then python3.13/3.12/python3 on PATH, then pyenv's versions.
find_python = $(firstword $(foreach c,$(PYTHON) python3.14 python3.13 python3.12 python3 \
	$(wildcard $(shell pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3), \
	$(shell command -v $(c) >/dev/null 2>&1 && $(c) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $(c))))

.PHONY: help run test lint typecheck format messages bench check-deploy lock clean

help:
	@echo "make run           start icsat with demo data (web + Celery worker + beat) on SQLite"
	@echo "make test          run the whole test suite (PYTEST_ARGS=... to pass options)"
	@echo "make lint          ruff check and format check"
	@echo "make typecheck     mypy (django-stubs) on the services, selectors and permissions"
	@echo "make format        ruff: fix what it can and format"
	@echo "make messages      refresh and compile the es/nb translations (needs GNU gettext)"
	@echo "make check-deploy  manage.py check --deploy with production settings"
	@echo "make bench         time the pages at 10k/100k/1M/10M tickets on PostgreSQL, reusing seeds (BENCH_ARGS=...)"
	@echo "make lock          update requirements/*.txt to the newest versions pyproject.toml allows"
	@echo "make clean         remove .venv and var/ (the demo database, e-mails, broker)"

$(PY):
	@py="$(find_python)"; \
	if [ -z "$$py" ]; then \
	  echo "icsat needs Python 3.12 or newer with venv, and none was found."; \
	  echo "Install one, e.g. on Debian/Ubuntu: sudo apt-get install python3.12 python3.12-venv"; \
	  echo "(or: pyenv install 3.12), then run make again; PYTHON=/path/to/python3.12 also works."; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	$$py -m venv $(VENV)
	@$(PIP) install --quiet --upgrade "pip>=25.3"

# Installs exactly what the lockfile pins, each file checked against its hash; an updated
# lockfile reinstalls. xstatic-bootstrap is an sdist whose build needs setuptools<81 (it imports
# pkg_resources): requirements/build.txt pins that setuptools, with hashes, for pip's build step.
# The project itself has no code to install (pyproject.toml: packages = []).
PIP_INSTALL = $(PIP) install --quiet --require-hashes --build-constraint $(LOCK_BUILD) -r

$(STAMP_APP): $(LOCK_APP) $(LOCK_BUILD) | $(PY)
	$(PIP_INSTALL) $(LOCK_APP)
	@touch $@

$(STAMP_TEST): $(LOCK_TEST) $(LOCK_BUILD) | $(PY)
	$(PIP_INSTALL) $(LOCK_TEST)
	@touch $@ $(STAMP_APP)

run: export DEBUG ?= 1
run: export ICSAT_BASE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP_APP)
	@mkdir -p var/broker/queue var/broker/control var/mail
	$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py seed_demo --if-empty
	@$(PY) manage.py rebuild_rollups --if-missing
	@echo ""
	@echo "  icsat is starting at http://$(HOST):$(PORT)/"
	@$(PY) manage.py seed_demo --print-logins
	@echo "  E-mails are written to var/mail/*.eml. Stop everything with Ctrl-C."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

test: $(STAMP_TEST)
	DJANGO_SETTINGS_MODULE=icsat.settings_test $(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP_TEST)
	$(VENV)/bin/mypy

format: $(STAMP_TEST)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP_APP)
	DEBUG=1 $(PY) manage.py makemessages -l es -l nb --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

check-deploy: $(STAMP_APP)
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=icsat.example.com $(PY) manage.py check --deploy --fail-level WARNING

# Seeds PostgreSQL at 10k, 100k and 1M tickets and writes bench/RESULTS.md (not part of CI).
# A seeded size is reused (the 10M seed takes ~45 minutes); BENCH_ARGS="--sizes 10k" to pick.
bench: $(STAMP_TEST)
	$(PY) -m bench.run --reuse $(BENCH_ARGS)

# Re-resolves to the newest versions the ranges allow (pyproject.toml for the app and its test
# extra, build-constraints.txt for the sdist build), for Python 3.12+ on any platform, with hashes.
# The app lock is resolved within the test lock, so both pin a package to the same version.
# Review the diff, run `make test`, commit.
# `make lock UPGRADE=` keeps every pin it can and only adds what a new range needs.
UPGRADE ?= --upgrade
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet $(UPGRADE) --universal --python-version 3.12 \
	--generate-hashes --annotation-style line --custom-compile-command 'make lock'
lock: | $(PY)
	$(PIP) install --quiet "uv==$(UV_VERSION)"
	@mkdir -p requirements
	$(UV_COMPILE) build-constraints.txt --output-file $(LOCK_BUILD)
	$(UV_COMPILE) pyproject.toml --build-constraints $(LOCK_BUILD) --extra test --output-file $(LOCK_TEST)
	$(UV_COMPILE) pyproject.toml --build-constraints $(LOCK_BUILD) --constraints $(LOCK_TEST) \
	  --output-file $(LOCK_APP)

clean:
	rm -rf $(VENV) var
