# The two commands a new user runs (each does all set-up on a fresh Debian):
#   make demo   install dependencies, build the CLI alone, run the whole recipe on the bundled credit data
#   make test   install dependencies, build everything, run the whole test suite
# and for the team:
#   make bench     build in Release and run every benchmark against its peer
#   make sanitize  build with AddressSanitizer + UBSan and run the suite but
#                  the budgeted whole-recipe runs (label `budgeted`; CI runs it)
#   make check     the sources follow .clang-format, and each libFuzzer
#                  harness runs clean for FUZZ_SECONDS (CI runs it; fuzz/README.md)
#   make package   the .deb packages (nnrecipe, nnrecipe-dev) in $(BUILD)/
#   make install-check  install into a scratch prefix, build examples/ against
#                  the installed CMake package, run it; build and install the
#                  .deb (CI runs it; needs root or sudo)
BUILD ?= build
BENCH_BUILD ?= build-bench
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

FUZZ_SECONDS ?= 30

.PHONY: all deps cli-deps configure build cli demo test bench sanitize check format package install-check docs clean

all: build

deps:
	@scripts/install-deps.sh

cli-deps:
	@scripts/install-deps.sh --cli

# Configured every time (seconds when nothing changed), so that a build
# directory first made by `make demo`, without GoogleTest, gains the tests.
configure:
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: deps
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD) -j $(JOBS)

# Only what the demo needs: the packages to build the CLI, and the CLI.
cli: cli-deps
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD) -j $(JOBS) --target nnrecipe

# A 3-minute budget keeps the demo short; `nnrecipe run` defaults to 10.
demo: cli
	@rm -rf runs/demo
	$(BUILD)/src/nnrecipe run examples/data/credit_data.csv --target Status --budget 3 --out runs/demo

test: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 900 --no-tests=error

bench: deps
	@NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNRECIPE_BUILD_TESTS=OFF
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	BENCH_BIN_DIR=$(BENCH_BUILD)/bench bench/run_all.sh

sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
	  -DNNRECIPE_SANITIZE=ON -DNNRECIPE_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest -j $(JOBS) --output-on-failure --timeout 900 -LE budgeted

check: deps
	git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror
	fuzz/run.sh $(FUZZ_SECONDS)

package: build
	cd $(BUILD) && cpack -G DEB

install-check: package
	scripts/install-check.sh $(BUILD)

# The API reference of include/nnrecipe/ (Doxygen; warnings are errors).
docs: deps
	doxygen docs/Doxyfile

# Reformats every C++ source in place (what `make check` asks for).
format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BENCH_BUILD) $(ASAN_BUILD) build-fuzz
