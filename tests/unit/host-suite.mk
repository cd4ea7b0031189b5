# Shared by the host test suites that build Keel sources with the sanitizers
# (tests/unit/libelf, tests/unit/x86_emulate).  The including Makefile sets
#   SUITE       name in the verdict lines: "PASS unit/<SUITE>-<group>"
#   TEST_BIN    the test program, run once per group: <TEST_BIN> <group>
#   GROUPS      its groups; a "fuzz-smoke" group runs $(OUT)/fuzz_smoke too
#   SMOKE_RUNS  how many random inputs fuzz_smoke tries
# and its own rules for the Keel objects and the programs.  Flags, `make
# fuzz` options and pattern rules: host-flags.mk.

include $(TOP)/tests/unit/host-flags.mk

# A build failure fails every group; each group runs with a time limit.
check:
	@mkdir -p $(OUT); \
	if ! $(MAKE) --no-print-directory -s all > $(OUT)/build.log 2>&1; then \
	    tail -n 30 $(OUT)/build.log | sed 's/^/    /'; \
	    for g in $(GROUPS) fuzz-smoke; do echo "FAIL unit/$(SUITE)-$$g"; done; \
	    exit 1; \
	fi; \
	fail=0; \
	for g in $(GROUPS) fuzz-smoke; do \
	    if [ $$g = fuzz-smoke ]; then \
	        cmd="$(OUT)/fuzz_smoke $(SMOKE_RUNS)"; \
	    else \
	        cmd="$(TEST_BIN) $$g"; \
	    fi; \
	    if timeout 60 $$cmd > $(OUT)/$$g.log 2>&1; then \
	        echo "PASS unit/$(SUITE)-$$g"; \
	    else \
	        fail=1; tail -n 30 $(OUT)/$$g.log | sed 's/^/    /'; \
	        echo "FAIL unit/$(SUITE)-$$g"; \
	    fi; \
	done; \
	exit $$fail
