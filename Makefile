# Hiện Trường: the two commands that matter are `make demo` and `make test`.
# Both install what is missing (Debian packages, the virtualenv), start a project-managed
# PostGIS under .data/ when DATABASE_URL is unset, and migrate.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

export DATABASE_URL ?= $(shell scripts/pg.sh url)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo demo-users demo-history test bench lint format db stop migrate fixtures deps venv clean messages

deps:
	@bash scripts/system-deps.sh

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || bash -c 'apt-get install -y -qq python3-venv >/dev/null'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

db: deps
ifeq ($(origin DATABASE_URL),file)
	@bash scripts/pg.sh start
else
	@true
endif

# Translations: locale/*/LC_MESSAGES/*.po → .mo (msgfmt comes with the gettext package).
messages: venv deps
	@$(PY) manage.py compilemessages -v 0 -i .venv -i .data -i node_modules

migrate: venv db messages
	@$(PY) manage.py migrate --noinput -v 0

fixtures: migrate
	@$(PY) manage.py boundaries_load_fixtures
	@$(PY) manage.py routing_load_fixtures
	@$(PY) manage.py open311_load_fixtures
	@$(PY) manage.py open311_key_create "Demo (không dùng thật / demo only)" --demo >/dev/null

# Demo staff accounts (password `demo`, for the demo only; never on a real server).
demo-users: migrate
	@$(PY) manage.py staff_create ioc --role ioc_operator --password demo >/dev/null
	@$(PY) manage.py staff_create moitruong --role department_officer --department qb-moitruong --password demo >/dev/null
	@$(PY) manage.py staff_create phuongdonghoi --role unit_officer --unit 18880 --password demo >/dev/null
	@$(PY) manage.py staff_create dieuphoi --role routing_officer --password demo >/dev/null
	@$(PY) manage.py staff_create quyhoach --role planner --password demo >/dev/null

# Two years of synthetic reports around Đồng Hới, loaded once (DEMO_REPORTS=0 skips).
DEMO_REPORTS ?= 50000
demo-history: fixtures
	@$(PY) manage.py demo_history --reports $(DEMO_REPORTS)

demo: fixtures demo-users demo-history
	@echo ""
	@echo "Hiện Trường is serving on http://$(HOST):$(PORT)/"
	@echo "  boundary lookup  http://$(HOST):$(PORT)/api/v1/boundaries/lookup?lon=106.6155&lat=17.4689"
	@echo "  units (GeoJSON)  http://$(HOST):$(PORT)/api/v1/boundaries/units?level=ward"
	@echo "  boundary sets    http://$(HOST):$(PORT)/api/v1/boundaries/sets"
	@echo "  health           http://$(HOST):$(PORT)/healthz"
	@echo "  admin            http://$(HOST):$(PORT)/admin/  (make superuser: .venv/bin/python manage.py createsuperuser)"
	@echo "  staff pages      http://$(HOST):$(PORT)/ops/ (queue), /ops/zones/ (zone editor), /plan/ (planners' map)"
	@echo "                   demo accounts, password demo: ioc, moitruong, phuongdonghoi, dieuphoi, quyhoach"
	@echo ""
	@$(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi -b $(HOST):$(PORT)

test: venv db messages
	@WITH_BROWSER=1 bash scripts/system-deps.sh
	@$(PY) -m pytest $(PYTEST_ARGS)

bench: fixtures
	@$(PY) -m bench --only service,http,bulk,routing,intake,analytics,web

# mypy's Django plugin sets Django up, and GeoDjango loads GDAL and GEOS: deps first.
lint: venv deps
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy

format: venv
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

stop:
	@bash scripts/pg.sh stop

clean: stop
	rm -rf .data $(VENV)

# Celery worker with the embedded beat (outbox sweep every 30 s, SLA escalation): one
# such process per deployment runs beat (its schedule file under .data/); scale out with
# more workers started without -B. `make worker BEAT=0` and `make beat` run the two
# apart, as production does (deploy/hientruong-worker.service, -beat.service).
BEAT ?= 1
.PHONY: worker beat serve
worker: venv db
	@mkdir -p .data && $(VENV)/bin/celery -A config worker $(if $(filter 1,$(BEAT)),-B -s .data/celerybeat-schedule) -l info --concurrency 2

beat: venv db
	@mkdir -p .data && $(VENV)/bin/celery -A config beat -l info -s .data/celerybeat-schedule

# The production profile on this machine (docs/operations.md): hashed, compressed
# static files, JSON logs, HTTPS-only cookies (put nginx in front, deploy/nginx).
# Needs SECRET_KEY and ALLOWED_HOSTS in the environment.
serve: export DJANGO_SETTINGS_MODULE := config.settings.production
serve: migrate
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi
