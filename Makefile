# softcard: `make demo` and `make test` are the two commands a newcomer needs.
# Both install what is missing (Debian packages), configure, build, then run.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test unit demo bench format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# Every tier: unit, python, integration (real pcscd + vpcd), conformance (OpenSC tools).
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 1500

unit: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -L unit

demo: build
	@scripts/demo.sh $(BUILD)

bench: build
	@scripts/bench.sh $(BUILD)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
