# Stepwise - build, test and install. `make help` lists the targets.
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS    := lua5.4 libcjson libutf8proc uuid libseccomp
HTTP_PKG := libmicrohttpd
DEPS_OK := $(shell pkg-config --exists $(PKGS) $(HTTP_PKG) 2>/dev/null && \
             /usr/bin/python3 -c 'import jsonschema, cffi, pytest' 2>/dev/null && \
             test -f /usr/share/i18n/locales/de_DE && echo yes)

.PHONY: all demo test unit cases valgrind install clean help deps html-check tsan api-test bench fuzz fuzz-replay fuzz-deps pytest
.DEFAULT_GOAL := all

ifneq ($(DEPS_OK),yes)
# The libraries are missing: install them first, then run the same target again.
all demo test unit cases valgrind install tsan api-test html-check bench fuzz fuzz-replay pytest:
	./scripts/install-deps.sh
	$(MAKE) $@
else

SOVERSION := 0
VERSION   := 0.1.0
WARN   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wformat=2 -Wno-format-nonliteral -Wvla
DEFS   := -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lm -lpthread
# libmicrohttpd: `serve --http` in the CLI only; the library does not link it
HTTP_LIBS   := $(shell pkg-config --libs $(HTTP_PKG))
BASE_CFLAGS = -std=c11 $(WARN) $(DEFS) -Iinclude -Isrc -Ibuild/gen $(PKG_CFLAGS) -MMD -MP
REL_FLAGS  := -O2 -g -fPIC -fvisibility=hidden
SAN_FLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -fPIC -fvisibility=hidden \
              -DSW_TEST_HOOKS

LIB_SRC  := $(wildcard src/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
EMBED    := $(wildcard scripts/*.lua scripts/rubrics/*.lua frameworks/*.json)

# Every bundled Lua script and framework is compiled into the library.
build/gen/embedded.c: $(EMBED) scripts/embed.sh
	@mkdir -p build/gen
	./scripts/embed.sh $(EMBED) > $@.tmp && mv $@.tmp $@

# The installed data folder, compiled into the CLI: rewritten only when PREFIX
# changes, so that `make install PREFIX=...` after `make` rebuilds what uses it.
build/gen/sharedir.h: FORCE
	@mkdir -p build/gen
	@echo '#define SW_SHAREDIR "$(PREFIX)/share/stepwise"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
.PHONY: FORCE
FORCE:

# $(1): variant directory; $(2): flags
define variant
$(1)/obj/src/cli/cmd_rubric.o: build/gen/sharedir.h
$(1)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	@echo "  CC  $$<"; $$(CC) $$(BASE_CFLAGS) $(2) $$(CFLAGS) -c $$< -o $$@
$(1)/obj/build/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $$(dir $$@)
	@echo "  CC  $$<"; $$(CC) $$(BASE_CFLAGS) $(2) $$(CFLAGS) -c $$< -o $$@
$(1)/libstepwise.a: $(patsubst %.c,$(1)/obj/%.o,$(LIB_SRC)) $(1)/obj/build/gen/embedded.o
	rm -f $$@ # a fresh archive: no member left from a source file renamed or removed
	$$(AR) rcs $$@ $$^
$(1)/stepwise: $(patsubst %.c,$(1)/obj/%.o,$(CLI_SRC)) $(1)/libstepwise.a
	$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(PKG_LIBS) $$(HTTP_LIBS)
$(1)/unit: $(patsubst %.c,$(1)/obj/%.o,$(UNIT_SRC)) $(1)/libstepwise.a
	$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)
-include $$(shell find $(1)/obj -name '*.d' 2>/dev/null)
endef
$(eval $(call variant,build,$(REL_FLAGS)))
$(eval $(call variant,build/asan,$(SAN_FLAGS)))
TSAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread -fPIC -fvisibility=hidden
$(eval $(call variant,build/tsan,$(TSAN_FLAGS)))
build/tsan/threads: build/tsan/obj/tests/api/threads.o build/tsan/libstepwise.a
	$(CC) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The shared library: libstepwise.so.VERSION with the soname libstepwise.so.SOVERSION;
# the version script exports the sw_ functions only (scripts/libstepwise.map).
build/libstepwise.so.$(VERSION): $(patsubst %.c,build/obj/%.o,$(LIB_SRC)) build/obj/build/gen/embedded.o scripts/libstepwise.map
	$(CC) -shared -Wl,-soname,libstepwise.so.$(SOVERSION) \
	  -Wl,--version-script=scripts/libstepwise.map -o $@ $(filter %.o,$^) $(PKG_LIBS)
build/libstepwise.so.$(SOVERSION): build/libstepwise.so.$(VERSION)
	ln -sf libstepwise.so.$(VERSION) $@
	ln -sf libstepwise.so.$(SOVERSION) build/libstepwise.so

# The installed static library: one object whose hidden (internal) symbols are
# made local, so that only the sw_ functions of the header are global.
build/dist/libstepwise.a: $(patsubst %.c,build/obj/%.o,$(LIB_SRC)) build/obj/build/gen/embedded.o
	@mkdir -p build/dist
	$(LD) -r -o build/dist/stepwise.o $^
	objcopy --localize-hidden build/dist/stepwise.o
	rm -f $@ && $(AR) rcs $@ build/dist/stepwise.o

all: build/libstepwise.a build/libstepwise.so.$(SOVERSION) build/dist/libstepwise.a build/stepwise

# The main job on the bundled defaults: the example class, evaluated with the
# bundled Skills Builder 2.0 framework and the default rubric.
demo: build/stepwise
	./build/stepwise evaluate --pupils examples/class-5b/pupils.csv \
	  --evidence examples/class-5b/evidence.csv --format table

# Everything under AddressSanitizer and UndefinedBehaviorSanitizer.
test: build/asan/stepwise build/asan/unit build/unit # build/unit: make valgrind's, built so that it cannot break unseen
	ASAN_OPTIONS=detect_leaks=1 ./build/asan/unit
	ASAN_OPTIONS=detect_leaks=1 ./tests/html-check.sh ./build/asan/stepwise
	ASAN_OPTIONS=detect_leaks=1 ./tests/summary-check.py ./build/asan/stepwise tests/fixtures/cluster
	ASAN_OPTIONS=detect_leaks=1 ./tests/compare-html-check.py ./build/asan/stepwise tests/fixtures/cluster
	$(MAKE) api-test tsan fuzz-replay pytest
	ASAN_OPTIONS=detect_leaks=1 ./tests/run-cases.sh ./build/asan/stepwise

# The shared library's exports, the Python examples, and the C example built
# against an installed copy only.
api-test: build/stepwise build/libstepwise.so.$(SOVERSION) build/dist/libstepwise.a
	./tests/api/symbols.sh build/libstepwise.so.$(SOVERSION) include/stepwise.h build/dist/libstepwise.a
	./tests/api/ffi-check.sh build/libstepwise.so.$(SOVERSION)
	./examples/python/check.sh build/stepwise build/libstepwise.so.$(SOVERSION)
	./tests/api/install-test.sh

# The service protocol against its JSON Schema, `serve --http` driven from
# Python, and the Python package (src/python) over the shared library.
pytest: build/asan/stepwise build/stepwise build/libstepwise.so.$(SOVERSION)
	STEPWISE=build/asan/stepwise STEPWISE_RELEASE=build/stepwise STEPWISE_LIB=build/libstepwise.so.$(SOVERSION) PYTHONDONTWRITEBYTECODE=1 \
	  ASAN_OPTIONS=detect_leaks=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider \
	  tests/service src/python/tests

# Several engines in parallel threads under ThreadSanitizer.
tsan: build/tsan/threads
	TSAN_OPTIONS=halt_on_error=1 ./build/tsan/threads examples/class-5b

# The HTML report and passport rendered in headless Chromium.
html-check: build/asan/stepwise
	./tests/html-check.sh ./build/asan/stepwise

unit: build/asan/unit
	./build/asan/unit

cases: build/asan/stepwise
	./tests/run-cases.sh ./build/asan/stepwise

# The same suite under valgrind memcheck, on the optimised build. Each unit test
# runs in a child whose output valgrind keeps quiet; a test with an error fails
# with valgrind's exit status 99: `UNIT_JOBS=1 valgrind ... build/unit NAME` shows it.
# Left out: cases whose outcome depends on the clock, which valgrind slows 20 to 50
# times (a signal sent after a wait; a time limit racing the instruction limit).
# VALGRIND_QUICK=1 leaves out the unit tests' allocation sweeps too (`_oom`; make
# test runs them under AddressSanitizer): minutes instead of over an hour.
VALGRIND_SKIP := tests/cases/isolate-hook-% tests/cases/io-interrupted-% \
                 tests/cases/io-terminated-% tests/cases/isolate-interrupt-% tests/cases/sandbox-cpu-%
valgrind: build/stepwise build/unit
	$(if $(VALGRIND_QUICK),UNIT_SKIP=_oom )valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes -q ./build/unit
	STEPWISE_WRAP="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes -q" \
	  ./tests/run-cases.sh ./build/stepwise $(filter-out $(VALGRIND_SKIP),$(wildcard tests/cases/*.test))

# The benchmark (tests/bench/run.py): the floor programs, the timing helper and
# the C API benchmark, built with the release flags. BENCH_SIZES="10k 100k" limits it.
BENCH_BIN := build/bench/floor_jsonl build/bench/floor_csv build/bench/measure \
             build/bench/embed_bench build/bench/edit_bench build/bench/service_bench
build/bench/floor_jsonl build/bench/floor_csv build/bench/measure: build/bench/%: tests/bench/%.c
	@mkdir -p build/bench
	$(CC) $(BASE_CFLAGS) $(REL_FLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(PKG_LIBS)
build/bench/embed_bench: tests/bench/embed_bench.c include/stepwise.h build/libstepwise.a
	@mkdir -p build/bench
	$(CC) $(BASE_CFLAGS) $(REL_FLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< build/libstepwise.a $(PKG_LIBS)
build/bench/edit_bench build/bench/service_bench: build/bench/%: tests/bench/%.c include/stepwise.h build/libstepwise.a
	@mkdir -p build/bench
	$(CC) $(BASE_CFLAGS) $(REL_FLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< build/libstepwise.a $(PKG_LIBS)
bench: build/stepwise $(BENCH_BIN)
	python3 tests/bench/run.py
	build/bench/service_bench 30 300
	python3 tests/bench/http_load.py build/stepwise --requests 2000 --seconds 20

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/stepwise/frameworks \
	  $(DESTDIR)$(PREFIX)/share/stepwise/rubrics
	install -m 755 build/stepwise $(DESTDIR)$(PREFIX)/bin/stepwise
	install -m 644 build/dist/libstepwise.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 build/libstepwise.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libstepwise.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libstepwise.so.$(SOVERSION)
	ln -sf libstepwise.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libstepwise.so
	install -m 644 include/stepwise.h include/stepwise_ffi.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 frameworks/*.json $(DESTDIR)$(PREFIX)/share/stepwise/frameworks/
	install -m 644 scripts/stepwise.lua $(DESTDIR)$(PREFIX)/share/stepwise/
	install -m 644 scripts/rubrics/*.lua $(DESTDIR)$(PREFIX)/share/stepwise/rubrics/
	install -d $(DESTDIR)$(PREFIX)/share/stepwise/examples/class-5b
	install -m 644 examples/class-5b/*.csv $(DESTDIR)$(PREFIX)/share/stepwise/examples/class-5b/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	  -e 's|@LIBS_PRIVATE@|$(PKG_LIBS)|' scripts/stepwise.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/stepwise.pc


# Fuzzing with libFuzzer (clang): `make fuzz FUZZ_SECONDS=N` runs each harness
# of tests/fuzz/ for N seconds; `make fuzz-replay` (part of `make test`) runs
# the regression inputs and seed corpora through the same harnesses with gcc.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZERS      := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC  $< (fuzz)"; $(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -c $< -o $@
build/fuzz/obj/build/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	@echo "  CC  $< (fuzz)"; $(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -c $< -o $@
build/fuzz/libstepwise.a: $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC)) build/fuzz/obj/build/gen/embedded.o
	rm -f $@ # a fresh archive: no member left from a source file renamed or removed
	$(AR) rcs $@ $^
build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o build/fuzz/libstepwise.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS)
-include $(shell find build/fuzz/obj -name '*.d' 2>/dev/null)

# clang and its libFuzzer runtime, installed when a one-line fuzzer cannot be built
fuzz-deps:
	@mkdir -p build/fuzz
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
	  | $(FUZZ_CC) -fsanitize=fuzzer -x c - -o build/fuzz/probe 2>/dev/null \
	  || ./scripts/install-deps.sh --fuzz

fuzz: fuzz-deps
	@$(MAKE) $(addprefix build/fuzz/,$(FUZZERS))
	@for f in $(FUZZERS); do \
	  mkdir -p tests/fuzz/out/$$f; \
	  echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1 build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=tests/fuzz/out/$$f/ \
	    tests/fuzz/out/$$f tests/fuzz/corpus/$$f \
	    $$(test -d tests/fuzz/regress/$$f && echo tests/fuzz/regress/$$f) || exit 1; \
	done

build/asan/replay_%: build/asan/obj/tests/fuzz/replay.o build/asan/obj/tests/fuzz/fuzz_%.o build/asan/libstepwise.a
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
fuzz-replay: $(patsubst fuzz_%,build/asan/replay_%,$(FUZZERS))
	@for f in $(patsubst fuzz_%,%,$(FUZZERS)); do \
	  printf 'fuzz_%s: ' $$f; \
	  ASAN_OPTIONS=detect_leaks=1 build/asan/replay_$$f tests/fuzz/regress/fuzz_$$f \
	    tests/fuzz/corpus/fuzz_$$f || exit 1; \
	done
.SECONDARY: $(patsubst %.c,build/fuzz/obj/%.o,$(wildcard tests/fuzz/*.c)) \
            $(patsubst %.c,build/asan/obj/%.o,$(wildcard tests/fuzz/*.c))

endif

deps:
	./scripts/install-deps.sh

clean:
	rm -rf build

help:
	@echo "make            build build/libstepwise.a, build/libstepwise.so.0, build/stepwise"
	@echo "make demo       build and run the main job on the bundled defaults"
	@echo "make test       build with ASan+UBSan and run every test"
	@echo "make valgrind   run the test suite under valgrind memcheck (VALGRIND_QUICK=1: without the memory-failure sweeps)"
	@echo "make api-test   exported symbols, Python examples, install test with examples/embed"
	@echo "make tsan       engines in parallel threads under ThreadSanitizer"
	@echo "make pytest     the service protocol and serve --http (tests/service), the Python package"
	@echo "make fuzz       run each libFuzzer harness for FUZZ_SECONDS (default 30)"
	@echo "make bench      benchmark against the parsing floor and a Python peer (BENCH_SIZES=\"10k 100k\")"
	@echo "make install    install under PREFIX (default /usr/local), honouring DESTDIR"
	@echo "make deps       install the libraries (Debian: apt-get)"
