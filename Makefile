# softcard: `make demo` and `make test` are the two commands a newcomer needs.
# Both install what is missing (Debian packages), configure, build, then run.
BUILD ?= build
# The clang build with ASan+UBSan everywhere and the libFuzzer targets (tests/fuzz).
SAN_BUILD ?= build-san
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
SAN_CMAKE_FLAGS ?=
# WERROR=ON: any compiler warning in our code fails the gcc build in $(BUILD) (CI passes it; the
# clang build in $(SAN_BUILD) takes -DSOFTCARD_WERROR=ON through SAN_CMAKE_FLAGS). Unset leaves
# SOFTCARD_WERROR as configured (default OFF); set, it also applies to an existing $(BUILD).
WERROR ?=
WERROR_FLAG = $(if $(WERROR),-DSOFTCARD_WERROR=$(WERROR))
# `make fuzz`: seconds per target (the ctest smoke in `make test` runs a few seconds each).
FUZZ_SECONDS ?= 600
# `make soak`: kills of `softcard run` in the kill -9 fault test (CI runs a bounded count).
SOAK_KILLS ?= 500
# `make soak`: transactions per client and card in the load test (CI: 150).
SOAK_ROUNDS ?= 2000
# `make soak`: pcscd kill -9 + restarts under a serving `softcard run` (CI: 3).
SOAK_PCSCD_RESTARTS ?= 20

.PHONY: all deps configure build test unit demo bench format format-check clean \
        san-configure fuzzers fuzz-smoke fuzz sanitize soak tidy

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja $(WERROR_FLAG) $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja
	$(if $(WERROR),cmake -S . -B $(BUILD) $(WERROR_FLAG) >/dev/null)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# Every tier: unit, python, integration (real pcscd + vpcd), conformance (OpenSC tools), then a
# bounded smoke of every fuzz target in the clang build.
test: build fuzz-smoke
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 1500

unit: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -L unit

$(SAN_BUILD)/build.ninja: CMakeLists.txt
	CC=clang CXX=clang++ cmake -S . -B $(SAN_BUILD) -G Ninja -DSOFTCARD_FUZZ=ON $(SAN_CMAKE_FLAGS)

san-configure: deps $(SAN_BUILD)/build.ninja

fuzzers: san-configure
	cmake --build $(SAN_BUILD) -j$(JOBS) --target fuzzers

fuzz-smoke: fuzzers
	cd $(SAN_BUILD) && ctest --output-on-failure -L fuzz

# Every fuzz target for FUZZ_SECONDS each, one after the other; findings land in
# $(SAN_BUILD)/tests/fuzz/work/<target>/artifacts.
fuzz: fuzzers
	@for t in $$(cd $(SAN_BUILD)/fuzz && ls); do \
	  echo "== $$t: $(FUZZ_SECONDS) s"; \
	  log=$(SAN_BUILD)/tests/fuzz/work/$$t.log; mkdir -p $$(dirname $$log); \
	  sh tests/fuzz/run_fuzzer.sh $(SAN_BUILD)/fuzz/$$t tests/fuzz/corpus/$${t#fuzz_} \
	    $(SAN_BUILD)/tests/fuzz/work/$$t $(FUZZ_SECONDS) >$$log 2>&1; rc=$$?; \
	  grep -E '^(stat::|Done|#[0-9]+.*DONE)' $$log; [ $$rc -eq 0 ] || { tail -n 40 $$log; exit 1; }; \
	done

# The unit, integration and python tiers again in the ASan+UBSan build (every target links the
# shared ASan runtime, CMakeLists.txt says why). Python's interpreter is not instrumented: the
# runtime is preloaded into it (scripts/asan-python.sh, which `softcard run --applet` execs through
# SOFTCARD_PYTHON in the integration tier), and its own leaks are not ours to report. In the
# python tier the preload reaches every child (pcscd, our binaries): one runtime, leaks off.
sanitize: san-configure
	cmake --build $(SAN_BUILD) -j$(JOBS)
	cd $(SAN_BUILD) && SOFTCARD_PYTHON=$(CURDIR)/scripts/asan-python.sh \
	  ctest --output-on-failure -j$(JOBS) --timeout 1500 -L 'unit|integration'
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=0 \
	  LD_PRELOAD=$$(clang -print-file-name=libclang_rt.asan-x86_64.so) \
	  ctest --output-on-failure -j$(JOBS) --timeout 1500 -L python

# The fault suites (tests/integration/faults) for long: they read SOFTCARD_SOAK_* for their bounds.
soak: build
	cd $(BUILD) && SOFTCARD_SOAK_KILLS=$(SOAK_KILLS) SOFTCARD_SOAK_ROUNDS=$(SOAK_ROUNDS) \
	  SOFTCARD_SOAK_PCSCD_RESTARTS=$(SOAK_PCSCD_RESTARTS) ctest --output-on-failure -R '^fault_'

demo: build
	@scripts/demo.sh $(BUILD)

bench: build
	@scripts/bench.sh $(BUILD)

# clang-tidy over our product sources (.clang-tidy; tests/ is left to the compilers' warnings):
# `make tidy TIDY_FILES=regex` for a subset.
TIDY_FILES ?= ^(wire|card-os|vpcd-bridge|harness|minidriver|emulator|python|mdtest|bench)/
tidy: configure
	scripts/tidy.sh $(BUILD) $(JOBS) '$(TIDY_FILES)'

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
