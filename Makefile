# HDMS: `make run` serves the desk with demo data; `make test` runs every test.
SHELL := /bin/bash
VENV ?= $(CURDIR)/.venv
PYTHON ?= python3

.PHONY: run test setup system-setup backend-setup frontend-setup lint test-backend test-frontend e2e migrate demo clean

setup: system-setup backend-setup frontend-setup

system-setup:
	scripts/setup-system.sh

backend-setup: $(VENV)/.installed

$(VENV)/.installed: backend/requirements.txt backend/requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r backend/requirements-dev.txt
	touch $@

frontend-setup:
	@if [ -f frontend/package.json ]; then scripts/frontend-setup.sh; fi

run: setup
	scripts/run.sh

test: setup
	scripts/test.sh

lint: backend-setup
	cd backend && $(VENV)/bin/ruff check . && $(VENV)/bin/lint-imports

migrate: backend-setup
	cd backend && $(VENV)/bin/python manage.py migrate --noinput

demo: migrate
	cd backend && $(VENV)/bin/python manage.py seed_demo

clean:
	rm -rf var backend/.pytest_cache
