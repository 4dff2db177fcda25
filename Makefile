# Developer entry points. Each target creates what it needs (.venv, extras)
# itself, so they work on a fresh machine with Python 3.10+ and a C++ compiler.
#
#   make test    build (incrementally, build/) and run the whole test suite
#   make demo    build and run the main job on bundled data: compare, register, serve, query
#   make bench   run the benchmark suites against the peer libraries
#   make lint    ruff + clang-format checks;  make format  rewrites in place

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# pip also honours the machine's own constraints; ours pin the CPU torch build.
PIP_INSTALL := $(PIP) install --constraint .ci/constraints.txt
PYTEST_ARGS ?=
BENCH_ARGS ?=
DEMO_ARGS ?=
CPP_SOURCES = $(shell find cpp tests/cpp -name '*.cpp' -o -name '*.hpp' -o -name '*.cu' -o -name "*.cuh" -o -name "*.inc" 2>/dev/null)

.PHONY: all venv dev test demo bench lint format cpp-test clean

all: test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Build requirements are installed into the venv once (--no-build-isolation
# then reuses them, and the persistent build/ dir keeps rebuilds incremental).
$(VENV)/.build-deps: pyproject.toml .ci/constraints.txt | $(PY)
	$(PIP_INSTALL) --quiet "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja
	touch $@

venv: $(VENV)/.build-deps

# Editable install of the package with the given extras; re-running it only
# recompiles what changed.
define install_with
	$(PIP_INSTALL) --quiet --no-build-isolation -e ".[$(1)]"
endef

dev: venv
	$(call install_with,dev)

test: venv
	$(call install_with,test)
	$(PY) -m pytest $(PYTEST_ARGS)

# The main job on bundled data (no download): mlarsenal's and scikit-learn's gradient boosting
# side by side, the model registered with an alias, served on loopback, one Open Inference
# Protocol request, then a clean shutdown.
demo: venv
	$(PIP_INSTALL) --quiet --no-build-isolation -e ".[serve]"
	$(PY) -m mlarsenal.demo $(DEMO_ARGS)

bench: venv
	$(call install_with,bench)
	$(PY) -m benchmarks $(BENCH_ARGS)

lint: venv
	$(PIP_INSTALL) --quiet "ruff>=0.6" "clang-format>=17"
	$(VENV)/bin/ruff check python tests benchmarks
	$(VENV)/bin/ruff format --check python tests benchmarks
	$(VENV)/bin/clang-format --dry-run -Werror $(CPP_SOURCES)

format: venv
	$(PIP_INSTALL) --quiet "ruff>=0.6" "clang-format>=17"
	$(VENV)/bin/ruff check --fix python tests benchmarks
	$(VENV)/bin/ruff format python tests benchmarks
	$(VENV)/bin/clang-format -i $(CPP_SOURCES)

# C++ unit tests (tests/cpp), built in their own directory with CMake.
cpp-test: venv
	$(VENV)/bin/cmake -S . -B build/cpp-tests -G Ninja -DMLARSENAL_BUILD_TESTS=ON -DMLARSENAL_CUDA=OFF \
		-DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja)
	$(VENV)/bin/cmake --build build/cpp-tests
	cd build/cpp-tests && $(abspath $(VENV)/bin/ctest) --output-on-failure

clean:
	rm -rf build .pytest_cache .ruff_cache
