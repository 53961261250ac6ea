# profilegen: the README's two commands are `make demo` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
# Line tables only (-g1): backtraces, perf and ASan reports keep file:line, and the build takes a third less
# time than with full debug information (-g), which nothing here reads. `make DEBUG_INFO=-g` for gdb sessions.
DEBUG_INFO ?= -g1

.PHONY: all deps build demo test check test-unit test-asan asan-build bench fuzz clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $(DEBUG_INFO) -DNDEBUG" \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 $(DEBUG_INFO) -DNDEBUG" $(CMAKE_ARGS) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)/profilegen

# Every test: the suite, each libFuzzer target for 20 s on its seed corpus, then the suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer. The fuzz and sanitizer builds run beside the suite, which
# leaves a core idle (scripts/test_all.sh says how). (`make test-unit` for the pure-code tests only.)
test: build
	@bash scripts/test_all.sh $(BUILD) $(ASAN_BUILD)

# The edit-test loop: the whole suite once, without fuzzing and without sanitizers.
check: build
	@bash scripts/test.sh $(BUILD)

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -L unit

# The sanitizer build is optimised a little (-O1, as AddressSanitizer recommends) and runs every ctest entry but
# the engine scenarios (label `engine`: shell scripts driving runc, crun, podman and Docker, which run once, in
# the suite above) and with 250 instead of 1,000 random profiles against the kernel: that keeps `make test`
# under 30 minutes on 2 cores. `make test-asan ASAN_CTEST_ARGS=` runs everything under the sanitizers.
ASAN_CTEST_ARGS ?= -LE engine
asan-build: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="$(DEBUG_INFO) -O1" \
	  -DCMAKE_C_FLAGS_DEBUG="$(DEBUG_INFO) -O1" -DPROFILEGEN_SANITIZE=ON -DPROFILEGEN_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

test-asan: asan-build
	@PROFILEGEN_ORACLE_PROFILES=$${PROFILEGEN_ORACLE_PROFILES:-250} bash scripts/test.sh $(ASAN_BUILD) $(ASAN_CTEST_ARGS)

bench: build
	@bash bench/record_bench.sh $(BUILD)/profilegen

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
