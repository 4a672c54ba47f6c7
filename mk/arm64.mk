# mk/arm64.mk - aarch64 (Raspberry Pi 4/5, 64-bit Raspberry Pi OS) cross-build and emulated tests.
# Included at the end of the Makefile.
#
#   make cross-arm64   build-arm64/jmixd, the unit tests (build-arm64/tests/) and the integration
#                      tests (build-arm64/itests/) for aarch64, with aarch64-linux-gnu-gcc against
#                      an arm64 sysroot assembled from Debian packages (tests/arm64/sysroot.sh:
#                      a private APT configuration and `apt-get download`, no foreign dpkg
#                      architecture on the host). Same warnings (-Werror) and OPT as the native
#                      build; a Pi 4 build says: make cross-arm64 OPT='-O2 -mcpu=cortex-a72'
#                      (objects do not depend on OPT: use another ARM64_BUILD, or remove
#                      build-arm64, when changing it)
#   make test-arm64    the arm64 unit tests under qemu-aarch64-static -L SYSROOT, then the
#                      integration tests with the arm64 jackd, jmixd and test programs under
#                      qemu in a private mount namespace with its own /dev/shm
#                      (tests/arm64/run-tests.sh); ends "N passed, N failed". Inside
#                      tests/run-all.sh (SUITE_TOTALS set) it adds its counts to the suite's.
#   make arm64-sysroot only the sysroot (cached: a rerun does nothing; ARM64_SYSROOT_REFRESH=1
#                      re-resolves against the archive)
#
# Host packages (Debian 12): gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
# (binfmt_misc is not needed: every arm64 program is started through qemu explicitly).
# Variables: ARM64_BUILD (build-arm64), ARM64_SYSROOT (build-arm64-deps/sysroot), ARM64_CC
# (aarch64-linux-gnu-gcc), ARM64_QEMU (qemu-aarch64-static); environment: ARM64_DEBS (the .deb
# cache, build-arm64-deps/debs; set it outside build-* to keep it across `make clean`).

ARM64_BUILD   ?= build-arm64
# Not under ARM64_BUILD: the Makefile's last line includes every "*.d" under $(BUILD), and the
# sysroot has folders named like that (etc/ld.so.conf.d), which stops make.
ARM64_SYSROOT ?= build-arm64-deps/sysroot
ARM64_CROSS   ?= aarch64-linux-gnu-
ARM64_CC      ?= $(ARM64_CROSS)gcc
ARM64_QEMU    ?= qemu-aarch64-static
ARM64_SYSROOT_ABS = $(abspath $(ARM64_SYSROOT))

# The main Makefile, recursively, with only CC, AR and BUILD replaced: CPPFLAGS, CFLAGS and
# LDLIBS keep their values (passing them on the command line would replace the Makefile's own
# flags). --sysroot in CC reaches both the compile and the link lines. pkg-config (the
# Makefile asks it about avahi-client) reads the sysroot's .pc files only, never the host's.
# Its system folders (as seen in the sysroot) are filtered out like the host's are natively;
# other -I/-L paths come back prefixed with the sysroot.
ARM64_PKG_CONFIG_ENV = PKG_CONFIG_SYSROOT_DIR=$(ARM64_SYSROOT_ABS) \
	PKG_CONFIG_LIBDIR=$(ARM64_SYSROOT_ABS)/usr/lib/aarch64-linux-gnu/pkgconfig:$(ARM64_SYSROOT_ABS)/usr/share/pkgconfig \
	PKG_CONFIG_SYSTEM_INCLUDE_PATH=$(ARM64_SYSROOT_ABS)/usr/include \
	PKG_CONFIG_SYSTEM_LIBRARY_PATH=$(ARM64_SYSROOT_ABS)/usr/lib/aarch64-linux-gnu:$(ARM64_SYSROOT_ABS)/usr/lib
ARM64_MAKE = $(ARM64_PKG_CONFIG_ENV) $(MAKE) --no-print-directory SAN= BUILD=$(ARM64_BUILD) \
	CC='$(ARM64_CC) --sysroot=$(ARM64_SYSROOT_ABS)' AR=$(ARM64_CROSS)ar

# GCC 12.2 for aarch64 (the cross compiler here, and the native one on Raspberry Pi OS 12)
# crashes (ICE in vect_transform_reduction) vectorising dsp_test.h's dt_peak() in some unit
# tests: reproducer and details in tests/arm64/gcc12-vect-ice.c. The unit-test objects only
# are built without loop vectorisation there; the DSP and the daemon are untouched.
ifeq ($(shell $(CC) -dumpmachine 2>/dev/null | cut -d- -f1)/$(shell $(CC) -dumpversion 2>/dev/null),aarch64/12)
$(BUILD)/tests/unit/%.o: CFLAGS += -fno-tree-loop-vectorize
endif

.PHONY: cross-arm64 test-arm64 arm64-sysroot arm64-deps-check
arm64-deps-check:
	@for t in $(ARM64_CC) $(ARM64_CROSS)ar $(ARM64_QEMU); do \
		command -v $$t > /dev/null || { echo "arm64: $$t not found; Debian 12: apt-get install" \
			"gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static" >&2; exit 1; }; \
	done

# The sysroot gets the libraries the Makefile's DEB_PACKAGES name (lib*-dev, and zlib1g-dev,
# test_touchosc's reference inflater) on top of tests/arm64/sysroot.sh's own list.
ARM64_EXTRA_PACKAGES ?= $(filter lib%-dev zlib1g-dev,$(filter-out libclang-rt-dev,$(DEB_PACKAGES)))
arm64-sysroot: arm64-deps-check
	@ARM64_EXTRA_PACKAGES='$(ARM64_EXTRA_PACKAGES)' tests/arm64/sysroot.sh $(ARM64_SYSROOT)

cross-arm64: arm64-sysroot
	+@$(ARM64_MAKE) all unit itests
	@$(ARM64_CROSS)readelf -h $(ARM64_BUILD)/jmixd | grep -q 'Machine: *AArch64' || \
		{ echo "cross-arm64: $(ARM64_BUILD)/jmixd is not an aarch64 binary" >&2; exit 1; }
	@echo "cross-arm64: $(ARM64_BUILD)/jmixd, $(words $(UNIT_BIN)) unit and $(words $(ITEST_BIN)) integration test programs (aarch64, OPT=$(OPT))"

test-arm64: cross-arm64
	@ARM64_BUILD=$(ARM64_BUILD) ARM64_SYSROOT=$(ARM64_SYSROOT_ABS) ARM64_QEMU=$(ARM64_QEMU) \
		tests/arm64/run-tests.sh
