# Shared by the host test suites that build Keel sources with the sanitizers
# (tests/unit/libelf, tests/unit/x86_emulate).  The including Makefile sets
#   SUITE       name in the verdict lines: "PASS unit/<SUITE>-<group>"
#   TEST_BIN    the test program, run once per group: <TEST_BIN> <group>
#   GROUPS      its groups; a "fuzz-smoke" group runs $(OUT)/fuzz_smoke too
#   SMOKE_RUNS  how many random inputs fuzz_smoke tries
# and its own rules for the Keel objects and the programs.

HOSTCC     ?= gcc
CLANG      ?= clang

SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all \
          -fno-omit-frame-pointer
# Freestanding everywhere, so that <stdint.h> is the compiler's, as in
# Keel; test files include Keel's headers before the C library's.
BASE   := -std=gnu11 -g -O1 -Wall -Wextra -Werror -MMD -MP $(SAN) \
          -ffreestanding -I$(TOP)/include -I$(TOP)/arch/x86/include
# Keel's sources as in the kernel, but with the C library's names renamed
# (keel_memcpy...) so that they never clash with, or call, libc's.
KEEL_FLAGS := $(BASE) -fno-builtin \
              -include $(TOP)/tests/unit/shim/keel_rename.h
# gcc only: no loops turned into calls to libc's memset.
GCC_KEEL_FLAGS := $(KEEL_FLAGS) -fno-tree-loop-distribute-patterns

$(OUT)/gcc/%.o: %.c | $(OUT)/gcc
	$(HOSTCC) $(BASE) -c $< -o $@
$(OUT)/clang/%.o: %.c | $(OUT)/clang
	$(CLANG) $(BASE) -c $< -o $@

$(OUT)/gcc $(OUT)/clang:
	mkdir -p $@

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

clean:
	rm -rf $(OUT)

-include $(wildcard $(OUT)/gcc/*.d $(OUT)/clang/*.d)
