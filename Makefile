# jmixd - one non-recursive Makefile.
#
#   make            build build/jmixd
#   make deps       install missing Debian packages (apt-get; sudo when not root)
#   make run        build, start a dummy jackd if none runs, run jmixd on configs/default.cfg
#   make test       the whole suite: unit, integration, RT guard, sanitizers; ends "N passed, N failed"
#   make check      static checks: module boundaries, forbidden symbols in RT code, cppcheck
#   make bench      benchmarks (print figures, assert nothing)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Variables: OPT (default -O2; a Pi 4 build says OPT='-O2 -mcpu=cortex-a72'), SAN=asan|ubsan,
# CC, BUILD (output folder).

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
OPT        ?= -O2
CC         ?= cc
SAN        ?=
BUILD      ?= build$(if $(SAN),-$(SAN))

WARN       := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
CPPFLAGS   += -D_GNU_SOURCE -DJMIXD_VERSION='"$(VERSION)"' -I.
CFLAGS     ?=
CFLAGS     += -std=c11 $(OPT) -g $(WARN) -MMD -MP -pthread
LDLIBS     += -ljack -llo -lconfig -lm -lpthread

ifeq ($(SAN),asan)
CFLAGS     += -fsanitize=address -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=address
endif
ifeq ($(SAN),ubsan)
CFLAGS     += -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=undefined
endif

DSP_SRC    := $(wildcard dsp/*.c)
DAEMON_SRC := $(filter-out daemon/main.c,$(wildcard daemon/*.c))
OSC_SRC    := $(wildcard osc/*.c)
LIB_SRC    := $(DSP_SRC) $(DAEMON_SRC) $(OSC_SRC)
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

.PHONY: all deps run test unit itests check bench install clean
all: $(BUILD)/jmixd

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BUILD)/jmixd: $(BUILD)/daemon/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

$(BUILD)/itests/test_%: $(BUILD)/tests/integration/test_%.o $(HARNESS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka -ljack -llo -lm -lpthread

unit: $(UNIT_BIN)
itests: $(ITEST_BIN) $(BUILD)/jmixd

clean:
	rm -rf build build-*

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
