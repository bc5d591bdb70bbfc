# Two commands on a fresh machine: `make run` and `make test`. Each bootstraps itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAMPLE := sample_inputs/contact_center_week.xlsx
PLAN_OUT := out/contact_center_week_plan.xlsx

.PHONY: run test lint bench system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's Chromium for the browser test and PostgreSQL for the database tests (apt needs root;
# each skipped when already present).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	{ command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } \
		|| missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages for the tests:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Plans the sample once (progress and summary here), writes the plan workbook, then serves the UI
# with that plan stored.
run: $(STAMP)
	$(VENV)/bin/planner serve --host 127.0.0.1 --port 5000 --load-sample $(SAMPLE) --write-plan $(PLAN_OUT)

test: $(STAMP) system-deps
	$(VENV)/bin/ruff check planner web models tests benchmarks
	PLANNER_REQUIRE_POSTGRES=1 $(PY) -m pytest

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) benchmarks/bench_queueing.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
