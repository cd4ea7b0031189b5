# Build rules of the guest test library, shared by tests/guests and bench/.
# The includer sets GO (absolute output directory) before including this.
# Provides: GUEST_LIB_OBJS_<env>, and the rule
#   $(GO)/<env>/<name>.elf from $(GO)/<env>/<name>/main.o + the library.
GUEST_LIB  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KEEL_TOP   := $(abspath $(GUEST_LIB)/../../..)
GUEST_CC   ?= gcc
GUEST_LD   ?= ld
GUEST_ENVS := pv64

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
    -ffreestanding -nostdlib -nostdinc -isystem $(shell $(GUEST_CC) -print-file-name=include) \
    -fno-pic -fno-pie -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx -msoft-float \
    -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
    -fno-common -fno-strict-aliasing -MMD -MP
GUEST_CFLAGS_pv64 := -mcmodel=kernel -DENV_pv64
GUEST_CPPFLAGS := -I$(GUEST_LIB)/include -I$(KEEL_TOP)/include
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
    --build-id=none --no-warn-rwx-segments

guest_lib_srcs = $(wildcard $(GUEST_LIB)/common/*.c) \
    $(wildcard $(GUEST_LIB)/$(1)/*.c) $(wildcard $(GUEST_LIB)/$(1)/*.S)
guest_lib_objs = $(patsubst $(GUEST_LIB)/%,$(GO)/$(1)/lib/%.o,$(call guest_lib_srcs,$(1)))

GUEST_LIB_OBJS_pv64 := $(call guest_lib_objs,pv64)

$(GO)/pv64/lib/%.c.o: $(GUEST_LIB)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $(notdir $(GO))/$(patsubst $(GO)/%,%,$@)"
	@$(GUEST_CC) $(GUEST_CPPFLAGS) $(GUEST_CFLAGS) $(GUEST_CFLAGS_pv64) -c $< -o $@

$(GO)/pv64/lib/%.S.o: $(GUEST_LIB)/%.S
	@mkdir -p $(dir $@)
	@echo "  CC      $(notdir $(GO))/$(patsubst $(GO)/%,%,$@)"
	@$(GUEST_CC) $(GUEST_CPPFLAGS) -D__ASSEMBLER__ -fno-pic $(GUEST_CFLAGS_pv64) -MMD -MP -c $< -o $@

-include $(GUEST_LIB_OBJS_pv64:.o=.d)
