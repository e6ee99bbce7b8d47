# Makefile for womsim: a parallel agent-based simulator of word-of-mouth
# reputation. `make run` and `make test` install missing Debian packages
# first (scripts/install-deps.sh), so a fresh Debian 12 machine needs nothing
# else. CFLAGS belongs to the user; the flags the build needs live in
# WOM_CFLAGS. `make MPI=1` also builds build/womsim-mpi (Open MPI, installed
# by scripts/install-deps.sh --mpi; docs/batch.md). `make test` installs
# Open MPI too, so that it runs the MPI test.
# SPDX-License-Identifier: GPL-3.0-or-later

CC       ?= cc
CFLAGS   ?= -O2 -g
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
SANITIZE ?=
MPI      ?=
MPICC    ?= mpicc
LIBS_PC  := gsl igraph inih libmd

# -ffp-contract=off: no fused multiply-adds, so results do not depend on the
# compiler or the instruction set. -MMD -MP: every object and program also
# writes a .d file of the headers it read, included at the end, so editing
# any header rebuilds exactly what uses it.
WOM_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -fopenmp -Iinclude -MMD -MP -ffp-contract=off \
	-Wall -Wextra -Wpedantic -Wmissing-prototypes -Wshadow \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	$(shell pkg-config --cflags $(LIBS_PC) 2>/dev/null)
WOM_LDLIBS := $(shell pkg-config --libs $(LIBS_PC) 2>/dev/null) -lm
ifneq ($(SANITIZE),)
WOM_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
WOM_LDFLAGS += -fsanitize=$(SANITIZE)
BUILD := $(BUILD)-sanitize
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1
endif

# The manifest of every result folder records the source's `git describe`;
# the stamp file changes only when the description does, so
# output_manifest.o is rebuilt then and not on every make.
GIT_DESCRIBE := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
GIT_STAMP    := $(BUILD)/git-describe
$(shell mkdir -p $(BUILD) && { echo '$(GIT_DESCRIBE)' | cmp -s - $(GIT_STAMP) || \
	echo '$(GIT_DESCRIBE)' >$(GIT_STAMP); })

LIB_SRC   := $(filter-out sim/main.c sim/cli_%.c,$(wildcard sim/*.c))
CLI_SRC   := sim/main.c $(wildcard sim/cli_*.c)
LIB_OBJ   := $(LIB_SRC:sim/%.c=$(BUILD)/sim/%.o)
CLI_OBJ   := $(CLI_SRC:sim/%.c=$(BUILD)/sim/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
WOMSIM    := $(BUILD)/womsim
LIBWOMSIM := $(BUILD)/libwomsim.a
DEPS_OK   := $(BUILD)/.deps-ok
BENCH     := $(BUILD)/bench
CEILING   := $(BUILD)/ceiling
VALIDATE  := $(BUILD)/validate
MANPAGE   := $(BUILD)/womsim.1
# The MPI program lives in sim/mpi/, out of the wildcards above: it links
# the command line's objects but main.o, and only mpicc can build it.
WOMSIM_MPI := $(BUILD)/womsim-mpi
MPI_OBJ    := $(BUILD)/sim/mpi/main.o
HAVE_MPI   := $(shell command -v $(MPICC) >/dev/null 2>&1 && \
	command -v mpirun >/dev/null 2>&1 && echo yes)

.PHONY: all deps run test check unit e2e regress reference validate bench bench-large bad-inputs \
	fuzz-replay fuzz fuzz-harnesses sanitize valgrind tsan install uninstall clean format docs \
	regress-clang
.DELETE_ON_ERROR:

# make MPI=1 installs Open MPI when it is missing, then makes the usual
# build and womsim-mpi with pkg-config asked again (as `make run` does).
ifeq ($(MPI),1)
all:
	@scripts/install-deps.sh --mpi
	@$(MAKE) --no-print-directory MPI=0 all $(WOMSIM_MPI)
else
all: $(WOMSIM) $(LIBWOMSIM) $(MANPAGE)
	@ln -sf $(WOMSIM) womsim
endif

# The manual page, made from the program's help texts (scripts/man.sh).
$(MANPAGE): $(WOMSIM) scripts/man.sh
	scripts/man.sh $(WOMSIM) >$@

# Installs missing packages, then re-runs make so that pkg-config is asked
# again with the packages in place.
deps:
	@scripts/install-deps.sh

$(BUILD)/sim/%.o: sim/%.c | $(BUILD)/sim
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/sim/output_manifest.o: $(GIT_STAMP)
$(BUILD)/sim/output_manifest.o: WOM_CFLAGS += -DWOM_GIT_DESCRIBE='"$(GIT_DESCRIBE)"'

$(LIBWOMSIM): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(WOMSIM): $(CLI_OBJ) $(LIBWOMSIM)
	$(CC) $(WOM_CFLAGS) $(CFLAGS) $(WOM_LDFLAGS) $(LDFLAGS) $^ $(WOM_LDLIBS) -o $@

# Unit tests, the benchmark and the fuzz harnesses may include the library's
# private headers (sim/*.h): they test what the public API hides.
$(BUILD)/tests/%: tests/unit/%.c $(LIBWOMSIM) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) -Isim $(CFLAGS) $(WOM_LDFLAGS) $(LDFLAGS) $< $(LIBWOMSIM) \
		$(shell pkg-config --cflags --libs cmocka 2>/dev/null) $(WOM_LDLIBS) -o $@

$(BENCH): tests/bench/bench.c $(LIBWOMSIM) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) -Isim $(CFLAGS) $(WOM_LDFLAGS) $(LDFLAGS) $< $(LIBWOMSIM) \
		$(WOM_LDLIBS) -o $@

# W7's ceiling: a plain reader and CSR, and the library's cascade kernel
# (tests/bench/ceiling.c).
$(CEILING): tests/bench/ceiling.c $(LIBWOMSIM) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) $(CFLAGS) $(WOM_LDFLAGS) $(LDFLAGS) $< $(LIBWOMSIM) \
		$(WOM_LDLIBS) -o $@

$(VALIDATE): tests/validate/validate.c $(LIBWOMSIM) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) $(CFLAGS) $(WOM_LDFLAGS) $(LDFLAGS) $< $(LIBWOMSIM) \
		$(WOM_LDLIBS) -o $@

$(MPI_OBJ): sim/mpi/main.c | $(BUILD)/sim/mpi
	$(MPICC) $(CPPFLAGS) $(WOM_CFLAGS) -Isim $(CFLAGS) -c $< -o $@

$(WOMSIM_MPI): $(MPI_OBJ) $(filter-out $(BUILD)/sim/main.o,$(CLI_OBJ)) $(LIBWOMSIM)
	$(MPICC) $(WOM_CFLAGS) $(CFLAGS) $(WOM_LDFLAGS) $(LDFLAGS) $^ $(WOM_LDLIBS) -o $@

$(BUILD)/sim $(BUILD)/sim/mpi $(BUILD)/tests $(BUILD)/fuzz:
	@mkdir -p $@

run: deps
	@$(MAKE) --no-print-directory all
	./$(WOMSIM) run configs/baseline.ini

# The install step takes Open MPI too, so that CI on a fresh machine runs
# the MPI test (about 8 s more, once), and Chromium (--test), which the
# report test loads pages in.
test:
	@scripts/install-deps.sh --mpi --test
	@$(MAKE) --no-print-directory unit e2e bad-inputs fuzz-replay regress regress-clang validate

check: test

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

# With mpicc and mpirun present the MPI test runs too (else it says it is
# skipped).
e2e: $(WOMSIM) $(BENCH) $(if $(HAVE_MPI),$(WOMSIM_MPI))
	@WOMSIM=$(abspath $(WOMSIM)) WOMSIM_MPI=$(if $(HAVE_MPI),$(abspath $(WOMSIM_MPI))) \
		BENCH=$(abspath $(BENCH)) tests/e2e/run.sh

# The benchmark of docs/performance.md: W1-W4, W6 and W7 at 1 and 2 threads
# (BENCH_THREADS="1 2 4 ..." for others), a table in out/bench/ (a few
# minutes). bench-large runs the 10-million-agent W5.
bench: deps
	@$(MAKE) --no-print-directory $(BENCH) $(CEILING)
	@BENCH=$(BENCH) CEILING=$(CEILING) tests/bench/run.sh

bench-large: deps
	@$(MAKE) --no-print-directory $(BENCH)
	@BENCH=$(BENCH) BENCH_WORKLOADS=W5 BENCH_THREADS=2 tests/bench/run.sh

# The reference runs in results/reference/ (docs/regression.md): regress
# reruns them and fails on any difference; reference remakes them, only ever
# on purpose, after a reviewed change of the model's results.
regress: $(WOMSIM)
	./$(WOMSIM) regress results/reference

# Same bytes on any compiler: the references rerun by clang at -O3 for this
# machine's instruction set (build-clang/); -ffp-contract=off in WOM_CFLAGS
# is what keeps fused multiply-adds out (with -ffp-contract=fast in CFLAGS
# this fails).
CLANG_BUILD := build-clang

regress-clang:
	@$(MAKE) --no-print-directory CC=$(CLANG) CFLAGS="-O3 -march=native" SANITIZE= BUILD=$(CLANG_BUILD) \
		$(CLANG_BUILD)/womsim
	@./$(CLANG_BUILD)/womsim regress results/reference >$(CLANG_BUILD)/regress.log 2>&1 || \
		{ cat $(CLANG_BUILD)/regress.log; echo "regress-clang: clang -O3 -march=native differs"; exit 1; }
	@echo "regress-clang: $$(grep -c ': ok$$' $(CLANG_BUILD)/regress.log) references identical under clang -O3 -march=native"

reference: $(WOMSIM)
	./$(WOMSIM) regress --update results/reference

# The validation suite (docs/validation.md): every published figure the
# model is checked against, simulated now; fails when a row fails or when
# the table in the doc is not what the program prints (make docs remakes it).
validate: $(VALIDATE)
	@$(VALIDATE) --markdown >$(BUILD)/validation.md || \
		{ cat $(BUILD)/validation.md; echo "validate: a row failed"; exit 1; }
	@sed -n '/<!-- validation:begin -->/,/<!-- validation:end -->/p' docs/validation.md | \
		sed '1d;$$d' | cmp -s - $(BUILD)/validation.md || \
		{ echo "validate: docs/validation.md is stale (make docs)"; \
		  diff $(BUILD)/validation.md - <docs/validation.md | head -20; exit 1; }
	@echo "validate: $$(grep -c '| pass |' $(BUILD)/validation.md) rows pass"

# The catalogue of bad inputs: each case's exit status, exact message, and
# that nothing is left half-written (tests/bad-inputs/README.md).
bad-inputs: $(WOMSIM)
	@WOMSIM=$(abspath $(WOMSIM)) tests/bad-inputs/run.sh

# Fuzzing (tests/fuzz/): each harness is linked with libFuzzer by `make
# fuzz`, and with replay.c (a plain main, the normal compiler) for `make
# test`, which replays the seed corpora and the crash reproducers kept in
# tests/fuzz/crashes/, so a crash found once fails the tests until fixed.
FUZZ_HARNESSES := scenario sweep edges graph_files
FUZZ_SECONDS   ?= 60
CLANG          ?= clang-14
FUZZ_BUILD     := build-fuzz

$(BUILD)/fuzz/replay.o: tests/fuzz/replay.c | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/replay.o $(LIBWOMSIM) | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) -Isim $(CFLAGS) $(WOM_LDFLAGS) $(LDFLAGS) $< \
		$(BUILD)/fuzz/replay.o $(LIBWOMSIM) $(WOM_LDLIBS) -o $@

fuzz-replay: $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/replay_%)
	@passed=0; failed=0; for harness in $(FUZZ_HARNESSES); do \
	    if $(BUILD)/fuzz/replay_$$harness tests/fuzz/corpus/$$harness \
	        $$(ls -d tests/fuzz/crashes/$$harness 2>/dev/null); then passed=$$((passed + 1)); \
	    else failed=$$((failed + 1)); echo "FAIL replay of $$harness"; fi; \
	done; echo "fuzz-replay: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]

# Only in the libFuzzer build (CC=clang-14, BUILD=build-fuzz): the library
# is compiled with SANITIZE=fuzzer-no-link,address,undefined, the harness
# links libFuzzer's main.
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIBWOMSIM) | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) $(WOM_CFLAGS) -Isim $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) $< $(LIBWOMSIM) \
		$(WOM_LDLIBS) -o $@

fuzz-harnesses: $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/fuzz_%)

# Runs each harness for FUZZ_SECONDS on its seed corpus (new inputs go to
# build-fuzz/corpus/, crashes to build-fuzz/crashes/) and prints its last
# status line: executions, coverage (cov: edges, ft: features), exec/s.
fuzz:
	@scripts/install-deps.sh --dev
	@$(MAKE) --no-print-directory CC=$(CLANG) BUILD=$(FUZZ_BUILD) \
		SANITIZE=fuzzer-no-link,address,undefined fuzz-harnesses
	@failed=0; for harness in $(FUZZ_HARNESSES); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$harness $(FUZZ_BUILD)/crashes/$$harness; \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(FUZZ_BUILD)/fuzz/fuzz_$$harness \
	        -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_BUILD)/crashes/$$harness/ $(FUZZ_BUILD)/corpus/$$harness \
	        tests/fuzz/corpus/$$harness >$(FUZZ_BUILD)/$$harness.log 2>&1 || failed=1; \
	    echo "fuzz_$$harness: $$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' \
	        $(FUZZ_BUILD)/$$harness.log | tail -n 1)"; \
	    grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error' \
	        $(FUZZ_BUILD)/$$harness.log && { failed=1; \
	        echo "fuzz_$$harness found a crash: see $(FUZZ_BUILD)/$$harness.log"; }; \
	done; [ $$failed -eq 0 ]

# make sanitize (CI runs it after make test): the tests under
# AddressSanitizer and UBSan (build-sanitize/), a valgrind memcheck of
# small runs on one thread (tests/valgrind.sh), and ThreadSanitizer on the
# parallel kernel (tests/tsan.sh): clang-14 with LLVM's OpenMP runtime and
# its libarcher tool, build-tsan/.
TSAN_BUILD := build-tsan
ARCHER      = $(dir $(realpath $(shell command -v $(CLANG))))../lib/libarcher.so

sanitize:
	@scripts/install-deps.sh --mpi --dev
	@$(MAKE) --no-print-directory SANITIZE=address,undefined test
	@$(MAKE) --no-print-directory valgrind tsan

valgrind: $(WOMSIM)
	@scripts/install-deps.sh --dev
	@WOMSIM=$(abspath $(WOMSIM)) tests/valgrind.sh

tsan:
	@scripts/install-deps.sh --dev
	@$(MAKE) --no-print-directory CC=$(CLANG) BUILD=$(TSAN_BUILD) SANITIZE=thread $(TSAN_BUILD)/womsim
	@WOMSIM=$(abspath $(TSAN_BUILD)/womsim) ARCHER=$(abspath $(ARCHER)) tests/tsan.sh

# Everything a user of an installed womsim needs, under PREFIX: the
# program, the library and its headers, the manual page, bash completion,
# the scenarios (`womsim run NAME` finds them from any folder), the
# reference runs (`womsim regress` with no folder reruns them) and the docs.
SHARE := $(DESTDIR)$(PREFIX)/share

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include/womsim $(SHARE)/womsim/configs $(SHARE)/man/man1 \
		$(SHARE)/bash-completion/completions $(SHARE)/doc/womsim/docs/img
	install -m 755 $(WOMSIM) $(DESTDIR)$(PREFIX)/bin/womsim
	install -m 644 $(LIBWOMSIM) $(DESTDIR)$(PREFIX)/lib/libwomsim.a
	install -m 644 include/womsim/*.h $(DESTDIR)$(PREFIX)/include/womsim/
	install -m 644 configs/*.ini $(SHARE)/womsim/configs/
	rm -rf $(SHARE)/womsim/reference
	cp -R results/reference $(SHARE)/womsim/reference
	install -m 644 $(MANPAGE) $(SHARE)/man/man1/womsim.1
	install -m 644 scripts/womsim.bash $(SHARE)/bash-completion/completions/womsim
	install -m 644 README.md LICENSE $(SHARE)/doc/womsim/
	install -m 644 docs/*.md $(SHARE)/doc/womsim/docs/
	install -m 644 docs/img/* $(SHARE)/doc/womsim/docs/img/
	$(if $(filter 1,$(MPI)),install -m 755 $(WOMSIM_MPI) $(DESTDIR)$(PREFIX)/bin/womsim-mpi)

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/womsim $(DESTDIR)$(PREFIX)/bin/womsim-mpi \
		$(DESTDIR)$(PREFIX)/lib/libwomsim.a $(SHARE)/man/man1/womsim.1 \
		$(SHARE)/bash-completion/completions/womsim
	rm -rf $(DESTDIR)$(PREFIX)/include/womsim $(SHARE)/womsim $(SHARE)/doc/womsim

clean:
	rm -rf build build-sanitize build-fuzz build-tsan build-clang womsim

# docs/parameters.md and docs/model.md carry the key table between two
# markers; an e2e test fails when either is stale.
DOCS_WITH_PARAMS := docs/parameters.md docs/model.md
docs: $(WOMSIM) $(VALIDATE)
	@for doc in $(DOCS_WITH_PARAMS); do \
	    { sed '/<!-- params:begin -->/q' $$doc; ./$(WOMSIM) params --markdown; \
	      sed -n '/<!-- params:end -->/,$$p' $$doc; } >$$doc.tmp && mv $$doc.tmp $$doc; \
	done
	@$(VALIDATE) --markdown >$(BUILD)/validation.md; \
	{ sed '/<!-- validation:begin -->/q' docs/validation.md; cat $(BUILD)/validation.md; \
	  sed -n '/<!-- validation:end -->/,$$p' docs/validation.md; } >docs/validation.md.tmp && \
	mv docs/validation.md.tmp docs/validation.md

# Every C source and header the project has.
format:
	clang-format -i $$(git ls-files '*.c' '*.h' 2>/dev/null || find sim include tests -name '*.[ch]')

# The header dependencies the compiler wrote (-MMD -MP).
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
