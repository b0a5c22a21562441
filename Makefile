# The two commands: `make run` and `make test`. CMake does the building.
BUILD ?= build
ASAN_BUILD ?= build-asan
RELEASE_BUILD ?= build-release
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
WERROR ?= OFF
PREFIX ?= /usr/local

.PHONY: run test test-sanitize fuzz lint valgrind release build deps deps-test bench install clean

# `make run` builds the program alone; the tests come with `make test`.
run: deps
	cmake -S . -B $(BUILD) -DBUILD_TESTING=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS) --target sockpit
	./$(BUILD)/sockpit

test: deps-test build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-sanitize: deps-test
	cmake -S . -B $(ASAN_BUILD) -DSOCKPIT_SANITIZE=ON -DSOCKPIT_WERROR=$(WERROR) -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

fuzz: deps-test
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DSOCKPIT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzzers $(FUZZ_BUILD)

lint: deps-test
	cmake -S . -B $(BUILD) -DBUILD_TESTING=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) --target sockpit_git_commit >/dev/null
	clang-tidy -p $(BUILD) --quiet --warnings-as-errors='*' $(shell find src -name '*.c' | sort)
	cppcheck --error-exitcode=1 --quiet --enable=warning,portability,performance --std=c11 \
	  -I include -I $(BUILD)/generated --inline-suppr src/

# What a packager builds: Release (-O3), tests off. Warnings stay warnings
# unless asked (`make release WERROR=ON`, as CI does): a newer compiler's
# new warning must not fail a user's build.
release: deps
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DSOCKPIT_WERROR=$(WERROR) -DBUILD_TESTING=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

valgrind: deps-test build
	scripts/valgrind-batch $(BUILD)

build:
	cmake -S . -B $(BUILD) -DBUILD_TESTING=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/ensure-deps run

deps-test:
	@scripts/ensure-deps test

bench: deps-test build
	@for b in tests/bench/*.sh; do echo "== $$b"; SOCKPIT=$(BUILD)/sockpit SOCKPIT_BUILD=$(BUILD) bash $$b || exit 1; done

install: deps build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(RELEASE_BUILD)
