# Flags and pattern rules of the host suites that build Keel sources with
# the sanitizers; host-suite.mk adds the usual check rule.  The including
# Makefile sets TOP and OUT and its own rules for the Keel objects.

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

# `make fuzz`: FUZZ_RUNS executions (else FUZZ_TIME seconds); the corpus
# and any crash reproducer go to FUZZ_DIR.
FUZZ_DIR   ?= $(OUT)
FUZZ_LIMIT  = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_TIME))
FUZZ_FLAGS  = $(FUZZ_LIMIT) -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/

$(OUT)/gcc/%.o: %.c | $(OUT)/gcc
	$(HOSTCC) $(BASE) -c $< -o $@
$(OUT)/clang/%.o: %.c | $(OUT)/clang
	$(CLANG) $(BASE) -c $< -o $@

$(OUT)/gcc $(OUT)/clang:
	mkdir -p $@

clean:
	rm -rf $(OUT)

-include $(wildcard $(OUT)/gcc/*.d $(OUT)/clang/*.d)
