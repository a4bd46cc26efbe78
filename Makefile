# Kestrel: top-level build. `make` builds the boot disk and every user program.
# See README.md for the targets.

BUILD := build
CC := gcc
LD := ld
OBJCOPY := objcopy
PYTHON := python3

GCC_INCLUDE := $(shell $(CC) -print-file-name=include 2>/dev/null)

KERNEL_CFLAGS := -std=gnu11 -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) -Isrc \
	-mcmodel=large -mno-red-zone -mgeneral-regs-only -fno-pie -fno-pic \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fcf-protection=none \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -DKERNEL -MMD -MP
# More kernel defines from the command line (make bench builds build/notrace with
# KERNEL_DEFS=-DVM_TRACE_OFF: the VM trace hooks compiled out).
KERNEL_CFLAGS += $(KERNEL_DEFS)
KERNEL_ASFLAGS := -Isrc -DKERNEL -g -MMD -MP

USER_CFLAGS := -std=gnu11 -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) -Isrc -Isrc/lib/user \
	-fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -DUSERPROG -MMD -MP
USER_LDFLAGS := -static -nostdlib -no-pie -Wl,--build-id=none

KERNEL_DIRS := src/main src/threads src/devices src/lib src/lib/kernel src/userprog src/filesys src/vm src/tests/threads
KERNEL_C := $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.c))
KERNEL_S := src/boot/start.S $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.S))
KERNEL_OBJ := $(patsubst src/%,$(BUILD)/kernel/%,$(KERNEL_C:.c=.o) $(KERNEL_S:.S=.asm.o))

USER_LIB_C := $(wildcard src/lib/*.c) $(wildcard src/lib/user/*.c) $(wildcard src/tests/lib.c)
USER_LIB_S := $(wildcard src/lib/user/*.S)
USER_LIB_OBJ := $(patsubst src/%,$(BUILD)/user/%,$(USER_LIB_C:.c=.o) $(USER_LIB_S:.S=.asm.o))

USER_SUITES := $(filter-out threads,$(notdir $(patsubst %/,%,$(dir $(wildcard src/tests/*/tests.cfg)))))
USER_TEST_SRC := $(foreach s,$(USER_SUITES),$(wildcard src/tests/$(s)/*.c))
USER_PROG_SRC := $(wildcard src/programs/*.c)
# Code shared by the shell and the utilities (not by test programs).
PROG_LIB_OBJ := $(patsubst src/%.c,$(BUILD)/user/%.o,$(wildcard src/programs/lib/*.c))
USER_PROGS := $(patsubst src/%.c,$(BUILD)/%,$(USER_TEST_SRC)) $(patsubst src/%.c,$(BUILD)/%,$(USER_PROG_SRC))

all: $(BUILD)/boot.img $(USER_PROGS)
# Keep the object files of user programs (intermediates of a pattern chain).
.SECONDARY:
.PHONY: all

include mk/toolcheck.mk

$(BUILD)/kernel/%.o: src/%.c | toolcheck
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(BUILD)/kernel/%.asm.o: src/%.S | toolcheck
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(BUILD)/kernel.elf: $(KERNEL_OBJ) src/threads/kernel.lds
	$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T src/threads/kernel.lds -o $@ $(KERNEL_OBJ)
$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	$(OBJCOPY) -O binary $< $@

$(BUILD)/boot/mbr.o: src/boot/mbr.S | toolcheck
	@mkdir -p $(dir $@)
	$(CC) -Isrc -c $< -o $@
$(BUILD)/boot/mbr.bin: $(BUILD)/boot/mbr.o src/boot/mbr.lds
	$(LD) -T src/boot/mbr.lds -o $(BUILD)/boot/mbr.elf $<
	$(OBJCOPY) -O binary -j .text $(BUILD)/boot/mbr.elf $@

# Default command line of the image: the shell (make run). Tests rewrite it in a copy.
$(BUILD)/boot.img: $(BUILD)/boot/mbr.bin $(BUILD)/kernel.bin tools/mkdisk harness/bootdisk.py
	$(PYTHON) tools/mkdisk boot --mbr $(BUILD)/boot/mbr.bin --kernel $(BUILD)/kernel.bin -o $@ -- run shell

$(BUILD)/user/%.o: src/%.c | toolcheck
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/user/%.asm.o: src/%.S | toolcheck
	@mkdir -p $(dir $@)
	$(CC) -Isrc -DUSERPROG -g -c $< -o $@
$(BUILD)/programs/%: $(BUILD)/user/programs/%.o $(USER_LIB_OBJ) $(PROG_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $< $(USER_LIB_OBJ) $(PROG_LIB_OBJ) -lgcc
$(BUILD)/%: $(BUILD)/user/%.o $(USER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $< $(USER_LIB_OBJ) -lgcc

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Harness targets (check, grade, bench, accept, run, run-qemu, ...).
-include harness/harness.mk

clean:
	rm -rf $(BUILD)
.PHONY: clean
