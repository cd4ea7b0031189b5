# Keel: build, ISO, run, test, bench.  One place for the flags.
#
#   make            build/keel.gz (multiboot image) and build/keel-syms (ELF with symbols)
#   make iso        build/keel.iso, a GRUB2 rescue image with Keel
#   make run        Keel + Debian's Linux as dom0 to a shell on the serial console (Ctrl-A X quits)
#   make run-bare   Keel alone under QEMU
#   make test       unit tests, QEMU boot tests, guest tests; ends with "N passed, N failed"
#   make test-xen   the same guest tests on Debian's Xen 4.17 (the reference)
#   make bench      benchmark guests on Keel and on Xen 4.17, side by side
#   make fuzz       every libFuzzer target for a fixed number of executions, then
#                   the hypercall fuzz guests' full runs (outside `make test`)
#   make docs       regenerate docs/hypercalls.md from the hypercall table
#   make tools      build/tools/kl, the dom0 toolstack (xl's list, info, dmesg, pause, destroy)
#   make deps       install the Debian packages the above need (root)

CC       ?= gcc
LD       ?= ld
OBJCOPY  ?= objcopy
O        := build

SRC_DIRS := arch/x86 arch/x86/boot arch/x86/mm arch/x86/pv arch/x86/hvm arch/x86/hvm/svm arch/x86/x86_emulate common common/decompress common/libelf drivers/char drivers/acpi drivers/video xsm
C_SRCS   := $(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
S_SRCS   := $(filter-out %.lds.S,$(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.S))))
OBJS     := $(patsubst %.c,$(O)/%.o,$(C_SRCS)) $(patsubst %.S,$(O)/%.o,$(S_SRCS))

KEEL_COMPILER     := $(shell $(CC) --version | head -n1)
KEEL_COMPILE_DATE := $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} '+%Y-%m-%d %H:%M:%S UTC')

CPPFLAGS := -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
            -Iinclude -Iarch/x86/include -include include/keel/config.h
CFLAGS   := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
            -ffreestanding -fno-builtin -fno-common -fno-strict-aliasing \
            -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx -mno-3dnow \
            -msoft-float -fpie -fno-stack-protector -fno-asynchronous-unwind-tables \
            -fno-omit-frame-pointer -momit-leaf-frame-pointer -fcf-protection=none \
            -fno-jump-tables \
            -MMD -MP
ASFLAGS  := -D__ASSEMBLER__ -MMD -MP
LDFLAGS  := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
            --no-relax --build-id=none --no-warn-rwx-segments

.PHONY: tools run-bare all iso run test test-xen check unit boottest bench fuzz docs deps clean
all: $(O)/keel.gz

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) '-DKEEL_COMPILER="$(KEEL_COMPILER)"' \
	    '-DKEEL_COMPILE_DATE="$(KEEL_COMPILE_DATE)"' -c $< -o $@

$(O)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(CPPFLAGS) $(ASFLAGS) -c $< -o $@

# The build date is that of the image: version.o follows any other object.
$(O)/common/version.o: $(filter-out $(O)/common/version.o,$(OBJS))

$(O)/keel.lds: arch/x86/keel.lds.S arch/x86/include/asm/config.h
	@mkdir -p $(O)
	@$(CC) -E -P -x c -D__ASSEMBLER__ -Iarch/x86/include $< -o $@

# Two links: the first gives the addresses for the symbol table that the
# second embeds.  The table sits after .data, so no code moves between them.
$(O)/symbols-empty.S: tools/build/gen-symbols.sh
	@mkdir -p $(O)
	@printf '\t.section .symbols, "a", @progbits\n\t.balign 8\n\t.globl symbols_addresses, symbols_name_offsets, symbols_names, symbols_count\nsymbols_count:\n\t.quad 0\nsymbols_addresses:\nsymbols_name_offsets:\nsymbols_names:\n\t.byte 0\n' > $@

$(O)/symbols-%.o: $(O)/symbols-%.S
	@$(CC) -c $< -o $@

$(O)/keel-pass1: $(OBJS) $(O)/symbols-empty.o $(O)/keel.lds
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -T $(O)/keel.lds -o $@ $(OBJS) $(O)/symbols-empty.o

$(O)/symbols-final.S: $(O)/keel-pass1 tools/build/gen-symbols.sh
	@sh tools/build/gen-symbols.sh $< > $@

$(O)/keel-syms: $(OBJS) $(O)/symbols-final.o $(O)/keel.lds
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -T $(O)/keel.lds -o $@ $(OBJS) $(O)/symbols-final.o
	@nm -n $(O)/keel-pass1 | grep -i ' t ' | cut -d' ' -f1 > $(O)/text1.txt
	@nm -n $@ | grep -i ' t ' | cut -d' ' -f1 > $(O)/text2.txt
	@cmp -s $(O)/text1.txt $(O)/text2.txt || { echo "symbol table moved code between links"; exit 1; }

# The loaded image: a flat binary from the load address (the multiboot
# headers' address fields describe it), compressed for GRUB.
$(O)/keel.bin: $(O)/keel-syms
	$(OBJCOPY) -O binary $< $@

$(O)/keel.gz: $(O)/keel.bin
	gzip -9nc $< > $@

iso: $(O)/keel.iso
$(O)/keel.iso: $(O)/keel.gz tests/boot/mkiso.sh
	sh tests/boot/mkiso.sh $@ $(O)/keel.gz

run: $(O)/keel.gz
	sh tests/boot/deps.sh
	bash tests/linux/shell.sh $(O)

# Keel alone (no dom0), as before Linux booted.
run-bare: $(O)/keel.iso
	sh tests/boot/deps.sh
	sh tests/boot/run.sh $(O)/keel.iso

unit:
	$(MAKE) -C tests/unit check OUT=$(abspath $(O)/unit)

boottest: $(O)/keel.gz
	bash tests/boot/run-tests.sh $(O)

# kl, the dom0 toolstack (static over Debian's libxenctrl, fetched into ext/libxen)
tools:
	$(MAKE) -C tools O=$(abspath $(O)/tools)

test:
	sh tests/boot/deps.sh
	$(MAKE) all
	bash tests/run-all.sh $(O)

check: test

test-xen:
	sh tests/boot/deps.sh
	bash tests/guests/run.sh $(O) xen; g=$$?; bash tests/linux/run.sh $(O) xen; l=$$?; \
	    [ $$g -eq 0 ] && [ $$l -eq 0 ]

bench: $(O)/keel.gz
	sh tests/boot/deps.sh
	bash bench/run.sh $(O)
	bash bench/linux-boot.sh $(O)
	bash bench/domu-boot.sh $(O)

# Host fuzzing (clang), then the guest part: both must pass.
fuzz: $(O)/keel.gz
	bash tests/unit/fuzz.sh $(O); h=$$?; bash tests/guests/fuzz.sh $(O); g=$$?; \
	    [ $$h -eq 0 ] && [ $$g -eq 0 ]

docs: docs/hypercalls.md
docs/hypercalls.md: arch/x86/include/asm/pv_hypercalls.h tools/build/gen-hypercall-doc.sh
	sh tools/build/gen-hypercall-doc.sh $< > $@

deps:
	sh tests/boot/deps.sh

clean:
	rm -rf $(O)
	$(MAKE) -C tests/unit clean OUT=$(abspath $(O)/unit) 2>/dev/null || true

-include $(OBJS:.o=.d)
