# The two commands a new user runs (each does all set-up on a fresh Debian):
#   make demo   install dependencies, build, inspect the bundled credit data
#   make test   install dependencies, build, run the whole test suite
# and for the team:
#   make bench  build in Release and run every benchmark against its peer
BUILD ?= build
BENCH_BUILD ?= build-bench
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo test bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/src/nnrecipe inspect examples/data/credit_data.csv --target Status

test: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 900

bench: deps
	@NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNRECIPE_BUILD_TESTS=OFF
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	BENCH_BIN_DIR=$(BENCH_BUILD)/bench bench/run_all.sh

clean:
	rm -rf $(BUILD) $(BENCH_BUILD)
