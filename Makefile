# Two commands do all the set-up: `make run` (the product, with a demo business) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
BIND ?= 127.0.0.1:8000
# llama.cpp is compiled for any x86-64 with AVX2, not for this CPU: -march=native turns on AMX
# kernels that crash on some virtual machines here, and such a wheel in pip's cache runs nowhere else.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_parley
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/10
# Everything started here is a development setup: without DJANGO_SECRET_KEY it runs on the published
# development key, which Parley refuses anywhere this is not set (README "Running in production").
export PARLEY_DEVELOPMENT ?= true

.PHONY: install run worker web lint test test-tools test-services bench eval clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install -r requirements.txt
	touch $@

# LangChain, which Parley does not use: the benchmarks' naive loop (and so their smoke test) compares with it.
$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

# ruff and mypy, apart from requirements.txt: the production image (Dockerfile) installs that file alone.
$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The server, the worker and the scheduler of periodic tasks (beat) run as separate processes;
# Ctrl-C stops them all. Metrics of an earlier run are dropped. The worker's pool comes from the
# settings: PARLEY_WORKER_CONCURRENCY threads (4; 1 on SQLite), their turns' model calls batched (README "Settings").
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py setup_demo
	rm -rf var/prometheus && mkdir -p var/prometheus
	@echo "Parley is starting on http://$(BIND)/ (admin at /admin/). Ctrl-C stops it."
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) -m celery -A config worker -Q llm,outbound -l info & \
	$(PY) -m celery -A config beat -l info -s var/celerybeat-schedule & \
	$(PY) -m gunicorn 'config.wsgi:create_application()' --bind $(BIND) --workers 2 --access-logfile - & \
	wait

# Style and types, with the settings in pyproject.toml: the formatting, the lint rules, then mypy.
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(PY) -m mypy

# Lint first: a style or type error fails in seconds, before the services start and the tests run.
# Besides Python packages the tests need Debian packages they drive, PostgreSQL and Redis: each is
# installed or started when missing (installing needs root; without it the script says what to run).
test: lint $(VENV)/.bench-installed test-tools test-services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

test-tools:
	scripts/install-test-tools

test-services:
	scripts/start-test-services $(TEST_DATABASE_URL) $(TEST_REDIS_URL)

# The benchmarks (bench/README.md): 12 to 20 minutes on the real stack, as fast as the machine is that
# day; writes bench/results.md.
bench: $(VENV)/.bench-installed
	scripts/install-test-tools wrk
	scripts/start-test-services $(BENCH_DATABASE_URL) $(BENCH_REDIS_URL)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m bench

# The evaluation set (eval/README.md): every conversation through the real turn code and model, on a
# fresh SQLite database under var/eval/; prints the table and writes eval/results.md. A slice:
# make eval EVAL_ARGS="--category bookings --language fr --failures"
eval: install
	$(PY) -m evaluation $(EVAL_ARGS)

clean:
	rm -rf var test-artifacts .pytest_cache .mypy_cache .ruff_cache
