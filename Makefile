# The two commands of the README:
#   make up    installs what is missing, builds, and runs `sluice up` (a simulated GPU fleet
#              behind the gateway on :8080)
#   make test  installs what is missing, builds, and runs the whole test suite
# plus the release build (used by both), the sanitizer build of the unit tests, and benchmarks.

JOBS ?= $(shell nproc)
SLUICE := build/release/src/cli/sluice

.PHONY: up test deps build build-asan test-release test-asan bench clean format

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

up: build
	$(SLUICE) up

test-release: build
	@scripts/install-test-deps.sh
	ctest --preset release -j $(JOBS)

test-asan: build-asan
	ctest --preset asan -j $(JOBS)

# Release build with every test label, then the ASan+UBSan build of the unit tests.
test: test-release test-asan

bench: build
	bench/run_all.sh

format:
	@find src tests bench -name '*.h' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf build
