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

# Demo mode (config/settings/base.py DEMO_MODE) for the demo's targets and what they
# run first: a development SECRET_KEY, the published Open311 demo key and the `demo`
# passwords are accepted only with HT_DEMO=1. Anything else needs SECRET_KEY set.
demo demo-users demo-history fixtures bench worker: export HT_DEMO := 1

.PHONY: demo demo-users demo-history test bench lint format db stop migrate fixtures deps venv clean messages

deps:
	@bash scripts/system-deps.sh

# The virtualenv installs the locked versions, each checked against its hash
# (requirements/dev-lock.txt: runtime + dev tools, `make lock` writes it), then the
# project itself without resolving anything more.
$(VENV)/.installed: pyproject.toml requirements/dev-lock.txt
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || bash -c 'apt-get install -y -qq python3-venv >/dev/null'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --require-hashes -r requirements/dev-lock.txt
	@$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed

# A serving install: runtime dependencies only (requirements/lock.txt, no test or lint
# tools), hash-checked, into SERVE_VENV; run it with the production settings. The
# project is installed from this checkout (editable): it runs from here (templates,
# static files, translations and fixtures are read beside the code).
SERVE_VENV ?= .venv-serve
.PHONY: install-serving
install-serving:
	@test -x $(SERVE_VENV)/bin/python || $(PYTHON) -m venv $(SERVE_VENV)
	@$(SERVE_VENV)/bin/pip install -q --require-hashes -r requirements/lock.txt
	@$(SERVE_VENV)/bin/pip install -q --no-deps --no-build-isolation -e .

# Regenerate the lock files from pyproject.toml (after adding or changing a
# dependency): pip-tools runs in a virtualenv of its own under .data/, never in .venv,
# against PyPI only. Pins already in the files are kept, so only what changed is
# resolved; LOCK_ARGS=--upgrade (or --upgrade-package NAME) moves pins.
LOCK_VENV := .data/lock-venv
LOCK_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= \
	$(LOCK_VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
# The two files are independent: `make -j2 lock` writes them side by side (~1.5 min,
# mostly waiting on PyPI).
.PHONY: lock lock-serving lock-dev
lock: lock-serving lock-dev
$(LOCK_VENV)/bin/pip-compile:
	@$(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q pip-tools==7.5.3
lock-serving: $(LOCK_VENV)/bin/pip-compile
	$(LOCK_COMPILE) -o requirements/lock.txt pyproject.toml requirements/build.in
lock-dev: $(LOCK_VENV)/bin/pip-compile
	$(LOCK_COMPILE) --extra dev -o requirements/dev-lock.txt pyproject.toml requirements/build.in

# The project cluster starts durable (make demo, make db); make test starts it with
# fsync and synchronous commits off (PG_START below), and leaves a running durable one so.
db: deps
ifeq ($(origin DATABASE_URL),file)
	@bash scripts/pg.sh start $(PG_START)
else
	@true
endif

# Translations: locale/*/LC_MESSAGES/*.po → .mo (msgfmt comes with the gettext package).
# The test settings carry their own SECRET_KEY, so this runs before any is set.
messages: venv deps
	@$(PY) manage.py compilemessages --settings=config.settings.test -v 0 -i .venv -i .data -i node_modules

migrate: venv db messages
	@$(PY) manage.py migrate --noinput -v 0

fixtures: migrate
	@$(PY) manage.py boundaries_load_fixtures
	@$(PY) manage.py places_import fixtures/places/dong_hoi_places.geojson
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
	@echo "  public results   http://$(HOST):$(PORT)/ket-qua/  (map, list, feed.atom; JSON /api/v1/public/reports)"
	@echo "  health           http://$(HOST):$(PORT)/healthz"
	@echo "  admin            http://$(HOST):$(PORT)/admin/  (make superuser: .venv/bin/python manage.py createsuperuser)"
	@echo "  staff pages      http://$(HOST):$(PORT)/ops/ (queue), /ops/zones/ (zone editor), /plan/ (planners' map)"
	@echo "                   demo accounts, password demo: ioc, moitruong, phuongdonghoi, dieuphoi, quyhoach"
	@echo ""
	@$(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi -b $(HOST):$(PORT)

test: PG_START := --fast
test: venv db messages
	@WITH_BROWSER=1 WITH_PGBOUNCER=1 bash scripts/system-deps.sh
	@$(PY) -m pytest $(PYTEST_ARGS)

# With MAPIT_ROOT set (MapIt installed there by ../shared/anchors/mapit/setup.sh),
# the point lookup is also timed side by side with MapIt 3.0 (bench/mapit.py).
comma := ,
bench: fixtures
	@$(PY) -m bench --only service,http,bulk,routing,intake,analytics,web,places$(if $(MAPIT_ROOT),$(comma)mapit)

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

clean:
	@bash scripts/pg.sh remove
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
# Needs SECRET_KEY and ALLOWED_HOSTS in the environment. It runs from the serving
# virtualenv (runtime dependencies only, from requirements/lock.txt), as a server does.
serve: export DJANGO_SETTINGS_MODULE := config.settings.production
serve: install-serving db
	@$(SERVE_VENV)/bin/python manage.py migrate --noinput -v 0
	@$(SERVE_VENV)/bin/python manage.py collectstatic --noinput -v 0
	@$(SERVE_VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi
