# RecLMMs: `make run` and `make test` set everything up on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# CPU machines get a CPU torch first, so the project's `torch>=` range installs nothing more.
# GPU machines (nvidia-smi present) let pip pick the normal CUDA build.
TORCH_SPEC ?= torch==2.13.0
HAS_GPU := $(shell command -v nvidia-smi >/dev/null 2>&1 && echo 1)

.PHONY: run test test-quick lint install install-gpu bench eval clean-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
ifneq ($(HAS_GPU),1)
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
endif
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

install-gpu: $(STAMP)
	$(BIN)/python -m pip install -e ".[gpu]"

run: $(STAMP)
	$(BIN)/reclmms run

# The whole suite, real servers included, in TEST_WORKERS processes (pytest-xdist): about 10 minutes
# on 2 cores, as many of its tests wait on servers and subprocesses. TEST_WORKERS=0 runs it in one
# process. pytest's exit code 5 ("no tests collected") counts as success.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) ; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# A quicker run without the tests marked slow.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) -m "not slow" ; rc=$$?; if [ $$rc -eq 5 ]; then exit 0; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check reclmms bot agent catalog tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/agent_turn.py

clean-data:
	rm -rf data
