# qifa (企法通) — install, run, test.  Prerequisites: Python 3.11 and make.
#
#   make run    install into .venv, then serve the HTTP API on embedded defaults
#   make test   install (and Debian chromium for the browser tests), then ruff + mypy + pytest
#
# torch==2.13.0 is installed first and on its own: a CPU build lies on disk for pip; letting
# the resolver pick torch together with everything else would download a multi-GB CUDA build.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH := torch==2.13.0
SHARED ?= ../shared
EVAL_DATA_DIR ?= var/eval

# The stamp's name carries a hash of pyproject.toml: a changed dependency list re-installs,
# an unchanged one makes `make install` a no-op.
PYPROJECT_HASH := $(shell (sha256sum pyproject.toml 2>/dev/null || cksum pyproject.toml) | cut -c1-16)
STAMP := $(VENV)/.installed-$(PYPROJECT_HASH)

.DEFAULT_GOAL := help
.PHONY: help install run test browser lint eval bench clean distclean

help:
	@echo "make run     install and serve qifa on QIFA_HOST:QIFA_PORT (default 127.0.0.1:8000)"
	@echo "make test    install and run ruff, mypy and the whole pytest suite"
	@echo "make lint    ruff + mypy"
	@echo "make eval    ingest $(SHARED)/seeds and $(SHARED)/corpus/laws into $(EVAL_DATA_DIR), then qifa eval"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make clean   remove caches, build output and $(EVAL_DATA_DIR); make distclean also removes .venv"

install: $(STAMP)

$(STAMP):
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "qifa needs Python 3.11+; run make PY=python3.11 ...")'
	@test -x $(BIN)/python || { echo "creating $(VENV) with $(PY)"; $(PY) -m venv $(VENV); }
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install $(TORCH)
	$(BIN)/python -m pip install -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: install
	$(BIN)/qifa serve

# Browser tests drive the Debian chromium through playwright's executable_path;
# browsers are never downloaded with `playwright install`.
# fonts-noto-cjk and fonts-noto-color-emoji: Chinese text and the widget's emoji in the screenshots.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing $(BROWSER_PACKAGES) with apt-get"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq $(BROWSER_PACKAGES); \
	else \
		echo "warning: /usr/bin/chromium or a CJK font is missing (sudo apt-get install $(BROWSER_PACKAGES)); browser tests will fail" >&2; \
	fi

# pytest's exit code is passed through unchanged, so 5 (no tests collected) fails the build.
test: install browser
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy .

eval: install
	QIFA_DATA_DIR=$(EVAL_DATA_DIR) $(BIN)/qifa ingest $(SHARED)/seeds $(SHARED)/corpus/laws
	QIFA_DATA_DIR=$(EVAL_DATA_DIR) $(BIN)/qifa eval

bench: install
	$(BIN)/python bench/bench_laws.py && $(BIN)/python bench/bench_scale.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache $(EVAL_DATA_DIR)
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
