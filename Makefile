# jmixd - one non-recursive Makefile.
#
#   make            build build/jmixd
#   make deps       install missing Debian packages to build and run (apt-get; sudo when not root)
#   make deps-test  the same plus what the test suite needs (make test runs it)
#   make run        build, start a dummy jackd if none runs, run jmixd on configs/default.cfg
#   make test       the whole suite: unit, integration, RT guard, sanitizers; ends "N passed, N failed"
#   make check      static checks: module boundaries, forbidden symbols in RT code, cppcheck
#   make bench      benchmarks (print figures, assert nothing)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Variables: OPT (default -O2; a Pi 4 build says OPT='-O2 -mcpu=cortex-a72'), SAN=asan|ubsan|asan-ubsan,
# CC, BUILD (output folder).

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
OPT        ?= -O2
CC         ?= cc
SAN        ?=
RTSAN_CC   ?= $(firstword $(foreach v,29 28 27 26 25 24 23 22 21 20,$(shell command -v clang-$(v))))
BUILD      ?= build$(if $(SAN),-$(SAN))

WARN       := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
CPPFLAGS   += -D_GNU_SOURCE -DJMIXD_VERSION='"$(VERSION)"' -I.
CFLAGS     ?=
# No fused multiply-add contraction: GCC's -std=c11 implies it, clang's does not, and the
# vector paths (FMA on AVX2) must give the same bits as the SSE2 baseline with either.
CFLAGS     += -std=c11 -ffp-contract=off $(OPT) -g $(WARN) -MMD -MP -pthread
LDLIBS     += -ljack -llo -lconfig -lm -lpthread
# The offline render (jmixd render) reads stems and writes mixes through libsndfile: WAV,
# FLAC, AIFF and more with one API, clipping on integer output, kept well in Debian.
LDLIBS     += -lsndfile

# Zeroconf (_osc._udp) through avahi-client when its development files are installed.
ifeq ($(shell pkg-config --exists avahi-client && echo yes),yes)
CPPFLAGS   += -DJMIXD_HAVE_AVAHI $(shell pkg-config --cflags avahi-client)
LDLIBS     += $(shell pkg-config --libs avahi-client)
endif

ifeq ($(SAN),asan)
CFLAGS     += -fsanitize=address -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=address
endif
# Both in one build, as make test runs them: one pass over the suites instead of two.
ifeq ($(SAN),asan-ubsan)
CFLAGS     += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=address,undefined
endif
ifeq ($(SAN),rtsan)
# clang's RealtimeSanitizer (clang 20+; Debian 12 has clang-22 in bookworm-security): any
# allocation, lock, sleep or blocking call inside a function marked RT_NONBLOCKING (the
# process callback) aborts with a report.
CC         := $(RTSAN_CC)
CFLAGS     += -fsanitize=realtime
LDFLAGS    += -fsanitize=realtime
endif
ifeq ($(SAN),ubsan)
CFLAGS     += -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=undefined
endif

DSP_SRC    := $(wildcard dsp/*.c)
DAEMON_SRC := $(filter-out daemon/main.c daemon/dispatch.c,$(wildcard daemon/*.c))
OSC_SRC    := $(wildcard osc/*.c)
MIDI_SRC   := $(wildcard midi/*.c)
LIB_SRC    := $(DSP_SRC) $(DAEMON_SRC) $(OSC_SRC) $(MIDI_SRC)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/libjmixd.a

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Integration tests: each tests/integration/test_*.c is a cmocka program that starts its own
# private jackd and the real jmixd through tests/integration/harness.c.
ITEST_SRC  := $(wildcard tests/integration/test_*.c)
ITEST_BIN  := $(ITEST_SRC:tests/integration/%.c=$(BUILD)/itests/%)
HARNESS    := $(BUILD)/tests/integration/harness.o

# dsp/ promises float arithmetic: a silent promotion to double is a bug there.
$(BUILD)/dsp/%.o: CFLAGS += -Wdouble-promotion

.PHONY: all deps deps-test run test unit itests rtguard check bench install clean man fuzz fuzz-config fuzz-midi netjack \
	layouts golden-layouts
all: $(BUILD)/jmixd

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# Vector paths (daemon/simd.h). On x86-64 jmixd holds the whole daemon three times: compiled
# at 4 lanes (SSE2, the objects above), 8 (AVX2) and 16 (AVX-512). Each copy is linked into
# one relocatable object whose only global is its entry, jmixd_main_<path>; daemon/dispatch.c
# picks one at start. Per lane every copy does the same float operations (ISO C mode keeps FMA
# contraction off), so all three give the same output. Elsewhere (aarch64) one copy, 4 lanes.
SIMD_ARCH         := $(shell $(CC) -dumpmachine 2>/dev/null | cut -d- -f1)
SIMD_FLAGS_avx2   := -DDSP_LANES=8 -mavx2 -mfma
SIMD_FLAGS_avx512 := -DDSP_LANES=16 -mavx512f -mavx2 -mfma
SIMD_SRC          := $(LIB_SRC) daemon/main.c
ifeq ($(SIMD_ARCH),x86_64)
SIMD_PATHS        := sse2 avx2 avx512
$(BUILD)/daemon/dispatch.o: CPPFLAGS += -DJMIXD_DISPATCH
$(BUILD)/jmixd: $(BUILD)/daemon/dispatch.o $(SIMD_PATHS:%=$(BUILD)/simd/jmixd-%.o)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
define simd_path_rules
$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(SIMD_FLAGS_$(1)) -c $$< -o $$@
$(BUILD)/$(1)/dsp/%.o: CFLAGS += -Wdouble-promotion
$(BUILD)/simd/jmixd-$(1).o: $(SIMD_SRC:%.c=$(BUILD)/$(1)/%.o)
	@mkdir -p $$(@D)
	$$(CC) -r -nostdlib -o $$@.tmp $$^
	objcopy --redefine-sym jmixd_main=jmixd_main_$(1) $$@.tmp
	objcopy --keep-global-symbol=jmixd_main_$(1) $$@.tmp $$@
	@rm -f $$@.tmp
endef
$(eval $(call simd_path_rules,avx2))
$(eval $(call simd_path_rules,avx512))
$(BUILD)/simd/jmixd-sse2.o: $(SIMD_SRC:%.c=$(BUILD)/%.o)
	@mkdir -p $(@D)
	$(CC) -r -nostdlib -o $@.tmp $^
	objcopy --redefine-sym jmixd_main=jmixd_main_sse2 $@.tmp
	objcopy --keep-global-symbol=jmixd_main_sse2 $@.tmp $@
	@rm -f $@.tmp
else
$(BUILD)/jmixd: $(BUILD)/daemon/dispatch.o $(BUILD)/daemon/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
endif
# Programs built once per path over that path's objects: test_simd's scripted mixer run, and
# the benchmarks whose figures depend on the width (make bench runs each path the CPU has).
SIMD_WIDE_PATHS := $(filter-out sse2,$(SIMD_PATHS))
SIMD_OBJ_sse2   := $(LIB_OBJ)
$(foreach p,$(SIMD_WIDE_PATHS),$(eval SIMD_OBJ_$(p) := $(LIB_SRC:%.c=$(BUILD)/$(p)/%.o)))
SIMD_RUN_BIN    := $(SIMD_PATHS:%=$(BUILD)/simd/mixer_run-%)
SIMD_BENCHES    := bench_mixer bench_strip_modules
SIMD_BENCH_BIN  := $(foreach p,$(SIMD_WIDE_PATHS),$(SIMD_BENCHES:%=$(BUILD)/bench/$(p)/%))
define simd_path_programs
$(BUILD)/simd/mixer_run-$(1): tests/simd/mixer_run.c $$(SIMD_OBJ_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(SIMD_FLAGS_$(1)) $$(LDFLAGS) $$< -o $$@ $$(SIMD_OBJ_$(1)) \
		$$(LDLIBS)
$(BUILD)/bench/$(1)/%: bench/%.c $$(SIMD_OBJ_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$(SIMD_FLAGS_$(1)) $$(LDFLAGS) -Wno-missing-prototypes $$< \
		-o $$@ $$(SIMD_OBJ_$(1)) $$(LDLIBS)
endef
$(foreach p,$(SIMD_PATHS),$(eval $(call simd_path_programs,$(p))))

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

$(BUILD)/itests/test_%: $(BUILD)/tests/integration/test_%.o $(HARNESS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka -ljack -llo -lm -lpthread

# The MIDI suites drive jmixd from a JACK MIDI client of their own, on the daemon's SPSC ring.
$(BUILD)/itests/test_midi $(BUILD)/itests/test_midi_rt $(BUILD)/itests/test_mcu: $(BUILD)/tests/integration/midi_peer.o \
	$(BUILD)/daemon/spsc.o

# libebur128 is a test-only reference for the loudness meter: only this test links it.
$(BUILD)/tests/test_loudness: LDLIBS += -lebur128
# zlib and libxml2 are test-only references for the TouchOSC layouts (an independent inflater,
# the reference checksums, an XML parser); jmixd itself writes both formats without them.
$(BUILD)/tests/unit/test_touchosc.o: CPPFLAGS += $(shell pkg-config --cflags libxml-2.0)
$(BUILD)/tests/test_touchosc: LDLIBS += -lxml2 -lz

# The TouchOSC layouts of configs/default.cfg, kept in the tree (configs/touchosc/) and
# rewritten by every native `make` when the generator or the config changed; test_touchosc
# checks they are current. golden-layouts rewrites the small config's golden files.
LAYOUT_DIR   := configs/touchosc
LAYOUT_FILES := $(LAYOUT_DIR)/jmixd.tosc $(LAYOUT_DIR)/jmixd.touchosc \
		$(LAYOUT_DIR)/monitor-wedge.tosc $(LAYOUT_DIR)/monitor-iem.tosc
layouts: $(LAYOUT_FILES)
$(LAYOUT_DIR)/jmixd.tosc: $(BUILD)/jmixd configs/default.cfg
	$(BUILD)/jmixd --print-layout touchosc -c configs/default.cfg -o $@
$(LAYOUT_DIR)/jmixd.touchosc: $(BUILD)/jmixd configs/default.cfg
	$(BUILD)/jmixd --print-layout touchosc-mk1 -c configs/default.cfg -o $@
$(LAYOUT_DIR)/monitor-%.tosc: $(BUILD)/jmixd configs/default.cfg
	$(BUILD)/jmixd --print-layout touchosc-monitor $* --layout-size phone -c configs/default.cfg -o $@
ifeq ($(BUILD)$(SAN),build)
all: layouts
endif
golden-layouts: $(BUILD)/jmixd
	$(BUILD)/jmixd --print-layout touchosc -c tests/fixtures/good-aux.cfg -o tests/golden/good-aux.tosc
	$(BUILD)/jmixd --print-layout touchosc-mk1 --layout-size phone -c tests/fixtures/good-aux.cfg \
		-o tests/golden/good-aux-phone.touchosc
	$(BUILD)/jmixd --print-layout touchosc-monitor wedge --layout-size phone \
		-c tests/fixtures/good-aux.cfg -o tests/golden/good-aux-wedge.tosc

unit: $(UNIT_BIN)
itests: $(ITEST_BIN) $(BUILD)/jmixd $(BUILD)/libslowfsync.so $(SIMD_RUN_BIN)

# Benchmarks print figures and assert nothing (see bench/README).
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $< -o $@ $(LIB) $(LDLIBS)
bench: $(BENCH_BIN) $(BUILD)/jmixd $(SIMD_BENCH_BIN)
	@for b in $(BENCH_BIN); do echo; echo "== $$b"; $$b; done
	@# The wider vector paths (above: the 4-lane baseline), each the CPU runs.
	@for p in $(SIMD_WIDE_PATHS); do for b in $(SIMD_BENCHES); do \
		echo; echo "== $(BUILD)/bench/$$p/$$b ($$p)"; \
		if why=$$($(BUILD)/jmixd --simd=$$p --version 2>&1 >/dev/null); then \
			$(BUILD)/bench/$$p/$$b; else echo "skipped: $$why"; fi; \
	done; done
	@echo; echo "== live: jackd (dummy) + jmixd, 64 channels of noise"; bench/live.sh

# A stage box and two desks over netjack2 in network namespaces (root only; README "Stage box
# and several desks over the network"): the probe it measures with, and the test on its own.
NETJACK_PROBE := $(BUILD)/netjack/nj_probe
$(NETJACK_PROBE): tests/netjack/nj_probe.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< -o $@ -ljack -lm
netjack: $(NETJACK_PROBE) $(BUILD)/jmixd
	tests/netjack/netjack.sh

# make install PREFIX=/usr/local DESTDIR=: the binary, man pages, /etc/jmixd/jmixd.cfg (kept
# if it exists), and systemd units (jmixd.service with the binary's path, a jackd.service).
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
install: $(BUILD)/jmixd
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SYSCONFDIR)/jmixd $(DESTDIR)$(UNITDIR)
	install -m 755 $(BUILD)/jmixd $(DESTDIR)$(BINDIR)/jmixd
	install -m 644 man/jmixd.1 $(DESTDIR)$(MANDIR)/man1/jmixd.1
	install -m 644 man/jmixd.conf.5 $(DESTDIR)$(MANDIR)/man5/jmixd.conf.5
	install -m 644 man/jmixd-osc.7 $(DESTDIR)$(MANDIR)/man7/jmixd-osc.7
	install -m 644 man/jmixd-x32.7 $(DESTDIR)$(MANDIR)/man7/jmixd-x32.7
	[ -e $(DESTDIR)$(SYSCONFDIR)/jmixd/jmixd.cfg ] || \
		install -m 644 configs/default.cfg $(DESTDIR)$(SYSCONFDIR)/jmixd/jmixd.cfg
	sed 's|@BINDIR@|$(BINDIR)|g' configs/jmixd.service.in > $(DESTDIR)$(UNITDIR)/jmixd.service
	install -m 644 configs/jackd.service $(DESTDIR)$(UNITDIR)/jackd.service
	install -m 644 configs/jackd-desk.service $(DESTDIR)$(UNITDIR)/jackd-desk.service
	@echo "installed; on a real system: useradd -r -G audio jmixd; systemctl enable --now jackd jmixd"

print-rtsan-cc:
	@echo $(RTSAN_CC)

# Canary for the real-time checkers (see tests/rt_canary.c): it must be caught.
$(BUILD)/rt_canary: tests/rt_canary.c
	@mkdir -p $(@D)
	$(CC) -O1 -g $(if $(filter rtsan,$(SAN)),-fsanitize=realtime) $< -o $@

# The LD_PRELOAD audio-thread guard; its interposers are written in the libc's own style,
# so it gets the plain warning set only.
rtguard: $(BUILD)/librtguard.so
$(BUILD)/librtguard.so: tests/rtguard.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared $< -o $@ -ldl

# A slow disk for test_slowdisk: every fsync sleeps (tests/slowfsync.c).
$(BUILD)/libslowfsync.so: tests/slowfsync.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared $< -o $@ -ldl

# Fuzzing the OSC input path with libFuzzer (clang). Crashes land in build-fuzz/; copy each
# into tests/fuzz/regressions/ so the normal suite replays it forever.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BIN     := build-fuzz/fuzz_osc
# Every fuzz target: tests/fuzz/fuzz_NAME.c over the whole library, as build-fuzz/fuzz_NAME.
# The library's objects are built once for all targets (and in parallel with -j): one clang
# run over the whole library per target took about 30 s each of the suite's 25 minutes.
FUZZ_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -DJMIXD_VERSION='"$(VERSION)"' -DJMIXD_LIBFUZZER -I. \
	       -fno-sanitize-recover=undefined
FUZZ_OBJ    := $(LIB_SRC:%.c=build-fuzz/obj/%.o)
build-fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@
-include $(FUZZ_OBJ:.o=.d)
build-fuzz/fuzz_%: $(FUZZ_OBJ) tests/fuzz/fuzz_%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		$(FUZZ_OBJ) tests/fuzz/fuzz_$*.c -o $@ $(LDLIBS)
fuzz: $(FUZZ_BIN)
	@mkdir -p build-fuzz/corpus
	cp tests/fuzz/corpus/* build-fuzz/corpus/
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=4200 -timeout=5 \
		-artifact_prefix=build-fuzz/ -print_final_stats=1 build-fuzz/corpus 2>&1 | \
		tee build-fuzz/fuzz.log | grep -E '^#[0-9]+ +(INITED|DONE)|ERROR|SUMMARY|stat::number_of_executed_units'

# Fuzzing the config loader and the state and scene writer and reader (tests/fuzz/fuzz_config.c),
# shorter by default: it writes real files. Crashes land in build-fuzz/config-*; copy each into
# tests/fuzz/config-regressions/.
FUZZ_CONFIG_SECONDS ?= 30
FUZZ_CONFIG_BIN     := build-fuzz/fuzz_config
fuzz-config: $(FUZZ_CONFIG_BIN)
	@mkdir -p build-fuzz/config-corpus
	cp tests/fuzz/config-corpus/* build-fuzz/config-corpus/
	LSAN_OPTIONS=suppressions=tests/fuzz/lsan-config.supp \
	$(FUZZ_CONFIG_BIN) -max_total_time=$(FUZZ_CONFIG_SECONDS) -max_len=8192 -timeout=10 \
		-artifact_prefix=build-fuzz/config- -print_final_stats=1 build-fuzz/config-corpus 2>&1 | \
		tee build-fuzz/fuzz-config.log | grep -E '^#[0-9]+ +(INITED|DONE)|ERROR|SUMMARY|stat::number_of_executed_units'

# Fuzzing the MIDI input path (tests/fuzz/fuzz_midi.c: decoder, bindings, takeover, learn,
# feedback). Crashes land in build-fuzz/midi-*; copy each into tests/fuzz/midi-corpus/.
FUZZ_MIDI_SECONDS ?= 20
fuzz-midi: build-fuzz/fuzz_midi
	@mkdir -p build-fuzz/midi-corpus
	cp tests/fuzz/midi-corpus/* build-fuzz/midi-corpus/
	build-fuzz/fuzz_midi -max_total_time=$(FUZZ_MIDI_SECONDS) -max_len=1024 -timeout=5 \
		-artifact_prefix=build-fuzz/midi- -print_final_stats=1 build-fuzz/midi-corpus 2>&1 | \
		tee build-fuzz/fuzz-midi.log | grep -E '^#[0-9]+ +(INITED|DONE)|ERROR|SUMMARY|stat::number_of_executed_units'

# The reference tables of the man pages come from the parameter table.
man: $(BUILD)/jmixd
	man/splice.sh man/jmixd-osc.7 osc $(BUILD)/jmixd
	man/splice.sh man/jmixd.conf.5 conf $(BUILD)/jmixd
	man/splice.sh man/jmixd-x32.7 x32 $(BUILD)/jmixd

test: deps-test
	tests/run-all.sh

run: deps
	$(MAKE) all
	daemon/run-dev.sh

# Debian packages, in two sets. `make deps`: what building and running needs (a Pi running
# `make run` gets no cross compiler, qemu or test libraries). `make deps-test`: that, plus
# what only the suite needs (cmocka, cppcheck, valgrind, clang for libFuzzer and RTSan,
# libebur128 as a loudness reference, the aarch64 cross compiler and qemu for the Pi build,
# node.js and npm for the x32-osc client that test_x32_osc installs from npm).
# Each installs only what is missing; sudo when not root.
DEB_RUN      := gcc make libc6-dev pkg-config libjack-jackd2-dev liblo-dev libconfig-dev \
		jackd2 liblo-tools util-linux procps \
		libavahi-client-dev avahi-daemon avahi-utils dbus-daemon iproute2 libsndfile1-dev
DEB_TEST     := libcmocka-dev cppcheck valgrind clang libclang-rt-dev libebur128-dev \
		zlib1g-dev libxml2-dev \
		gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
DEB_PACKAGES := $(DEB_RUN) $(DEB_TEST)
# node.js and npm from Debian only when no npm is installed: a node.js from elsewhere
# (NodeSource's bundles its npm) conflicts with Debian's npm package.
DEB_NODE     := nodejs npm
# RealtimeSanitizer needs clang 20 or later: Debian 12 has clang-22 in bookworm-security.
# Installed by deps-test when the archive offers it; the suite says so and skips RTSan when not.
DEB_OPTIONAL := clang-22 libclang-rt-22-dev
deps:
	@$(call deb_install,$(DEB_RUN),)
deps-test:
	@$(call deb_install,$(DEB_PACKAGES),$(DEB_OPTIONAL))
	@if command -v npm > /dev/null 2>&1; then echo "$@: npm present ($$(command -v npm))"; \
	else $(call deb_install,$(DEB_NODE),); fi

# $(call deb_install,REQUIRED,OPTIONAL): apt-get install what dpkg does not list as
# installed; an optional package the archive lacks is reported, not an error.
define deb_install
missing=$$(for p in $(1); do \
	dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
done); \
optional=$$(for p in $(2); do \
	dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
done); \
if [ -z "$$missing$$optional" ]; then echo "$@: all Debian packages present"; exit 0; fi; \
echo "$@: installing:" $$missing; \
sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
{ [ -z "$$missing" ] || $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--no-install-recommends $$missing; } && \
{ [ -z "$$optional" ] || $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--no-install-recommends $$optional || \
	echo "$@: $$optional not available: RealtimeSanitizer runs are skipped"; }
endef

# Module boundaries (STYLE.md), forbidden calls in the RT objects, and cppcheck.
RT_OBJ := $(DSP_SRC:%.c=$(BUILD)/%.o) $(BUILD)/daemon/process.o $(BUILD)/daemon/publish.o \
	  $(BUILD)/daemon/spsc.o $(BUILD)/daemon/params.o
RT_FORBIDDEN := malloc|calloc|realloc|free|printf|fprintf|puts|fopen|fwrite|syslog|\
		pthread_mutex_lock|pthread_cond_wait|usleep|nanosleep|sleep|lo_.*|\
		jack_client_open|jack_connect|write|read|sendto|recvfrom|poll
# The wider vector paths' copies of the same files (Vector paths, above).
RT_OBJ += $(foreach p,$(SIMD_WIDE_PATHS),$(DSP_SRC:%.c=$(BUILD)/$(p)/%.o) \
	  $(addprefix $(BUILD)/$(p)/daemon/,process.o publish.o spsc.o params.o))
check: $(RT_OBJ)
	@! grep -nE '#include *[<"](jack/|lo/|libconfig|stdio|stdlib|pthread)' dsp/*.[ch] || \
		{ echo "check: dsp/ must stay pure (no JACK, liblo, libconfig, stdio, malloc, threads)"; exit 1; }
	@! grep -nE '#include *[<"](jack/|dsp/|daemon/engine)' osc/*.[ch] || \
		{ echo "check: osc/ must not reach JACK or the DSP"; exit 1; }
	@! grep -nE '#include *[<"]lo/' daemon/*.[ch] || \
		{ echo "check: daemon/ must not include liblo"; exit 1; }
	@! grep -nE '#include *[<"](jack/|lo/|dsp/|daemon/engine)' midi/*.[ch] || \
		{ echo "check: midi/ must not reach JACK, liblo or the DSP (bytes come through the engine's rings)"; exit 1; }
	@# The same rules through every header a file reaches (cc -M), not only its own lines.
	@for f in osc/*.c midi/*.c; do \
		bad=$$($(CC) $(CPPFLAGS) -M $$f | tr ' \\' '\n\n' | grep -E '^dsp/|/jack/|^daemon/engine' | tr '\n' ' '); \
		[ -z "$$bad" ] || { echo "check: $$f reaches JACK or the DSP through: $$bad"; exit 1; }; \
	done
	@for f in daemon/*.c; do \
		bad=$$($(CC) $(CPPFLAGS) -M $$f | tr ' \\' '\n\n' | grep -E '/lo/' | tr '\n' ' '); \
		[ -z "$$bad" ] || { echo "check: $$f reaches liblo through: $$bad"; exit 1; }; \
	done
	@for o in $(RT_OBJ); do \
		bad=$$(nm -u $$o | awk '{print $$2}' | sed 's/@.*//' | grep -xE '$(RT_FORBIDDEN)' | tr '\n' ' '); \
		[ -z "$$bad" ] || { echo "check: $$o calls RT-unsafe: $$bad"; exit 1; }; \
	done
	@cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -I. -D__GNUC__ -D__x86_64__ \
		--std=c11 dsp daemon osc midi
	@echo "check: ok (module boundaries, RT symbols, cppcheck)"

clean:
	rm -rf build build-*

.SECONDARY:

-include $(shell find $(BUILD) -name sysroot -prune -o -name '*.d' -type f -print 2>/dev/null)
-include mk/arm64.mk
