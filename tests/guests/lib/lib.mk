# Build rules of the guest test library, shared by tests/guests and bench/.
# The includer sets GO (absolute output directory) before including this.
# Provides: GUEST_LIB_OBJS_<env>, GUEST_LINK_<env> (the link command line
# without its output), and the library object rules for every environment.
#   pv64:  64-bit PV kernel (lib/pv64)
#   pvh:   32-bit PVH kernel, flat protected mode without paging (lib/hvm + lib/pvh);
#          linked as ELF32, then converted to ELF64 (Keel and Xen want ELF64)
#   hvm64: the PVH image switches to long mode itself (lib/hvm + lib/hvm64)
GUEST_LIB  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KEEL_TOP   := $(abspath $(GUEST_LIB)/../../..)
GUEST_CC   ?= gcc
GUEST_LD   ?= ld
GUEST_ENVS := pv64 pvh hvm64

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
    -ffreestanding -nostdlib -nostdinc -isystem $(shell $(GUEST_CC) -print-file-name=include) \
    -fno-pic -fno-pie -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx -msoft-float \
    -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
    -fno-common -fno-strict-aliasing -MMD -MP
GUEST_CFLAGS_pv64 := -mcmodel=kernel -DENV_pv64
GUEST_CFLAGS_hvm64 := -m64 -mcmodel=small -DENV_hvm64 -DENV_hvm
GUEST_CFLAGS_pvh := -m32 -march=i686 -DENV_pvh -DENV_hvm
GUEST_CPPFLAGS := -I$(GUEST_LIB)/include -I$(KEEL_TOP)/include
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
    --build-id=none --no-warn-rwx-segments
GUEST_LDFLAGS_pv64 := -m elf_x86_64
GUEST_LDFLAGS_hvm64 := -m elf_x86_64 -L$(GUEST_LIB)/pvh
GUEST_LDFLAGS_pvh := -m elf_i386 -L$(GUEST_LIB)/pvh

# Library directories per environment.
GUEST_LIB_DIRS_pv64 := common pv64
GUEST_LIB_DIRS_pvh := common hvm pvh
GUEST_LIB_DIRS_hvm64 := common hvm hvm64

guest_lib_srcs = $(foreach d,$(GUEST_LIB_DIRS_$(1)),\
    $(wildcard $(GUEST_LIB)/$(d)/*.c) $(wildcard $(GUEST_LIB)/$(d)/*.S))
guest_lib_objs = $(patsubst $(GUEST_LIB)/%,$(GO)/$(1)/lib/%.o,$(call guest_lib_srcs,$(1)))

# guest_link <env>,<elf>,<objects>: link one test kernel.  pvh kernels
# stay ELF32 (i386), as 32-bit PVH kernels are: Keel loads both classes.
guest_link = $(GUEST_LD) $(GUEST_LDFLAGS) $(GUEST_LDFLAGS_$(1)) \
    -T $(GUEST_LIB)/$(1)/link.lds -o $(2) $(3)

define guest_env_rules
GUEST_LIB_OBJS_$(1) := $$(call guest_lib_objs,$(1))

$$(GO)/$(1)/lib/%.c.o: $$(GUEST_LIB)/%.c
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$(notdir $$(GO))/$$(patsubst $$(GO)/%,%,$$@)"
	@$$(GUEST_CC) $$(GUEST_CPPFLAGS) $$(GUEST_CFLAGS) $$(GUEST_CFLAGS_$(1)) -c $$< -o $$@

$$(GO)/$(1)/lib/%.S.o: $$(GUEST_LIB)/%.S
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$(notdir $$(GO))/$$(patsubst $$(GO)/%,%,$$@)"
	@$$(GUEST_CC) $$(GUEST_CPPFLAGS) -D__ASSEMBLER__ -fno-pic $$(GUEST_CFLAGS_$(1)) -MMD -MP -c $$< -o $$@

-include $$(GUEST_LIB_OBJS_$(1):.o=.d)
endef
$(foreach e,$(GUEST_ENVS),$(eval $(call guest_env_rules,$(e))))
