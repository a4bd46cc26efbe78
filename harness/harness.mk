# Harness targets, included by the top-level Makefile. See docs/harness.md.
#   make check [TESTS='globs'] [SEEDS=1-20] [IPS=N] [REPEAT=N] [SHARD=K/N] [JOBS=N] [EMU=qemu]
#              [FAIL_INJECT=SITES:every=N[:seed=S]]   (kernel -fail=: docs/harness.md)
#   make grade | make accept TESTS=... | make bench | make unit | make harness-test
#   make run [CMDLINE='run shell'] | make run-qemu

HARNESS := $(PYTHON) -m harness
HARNESS_ARGS = $(if $(TESTS),--tests '$(TESTS)') $(if $(SEEDS),--seeds '$(SEEDS)') \
	$(if $(IPS),--ips '$(IPS)') $(if $(REPEAT),--repeat '$(REPEAT)') \
	$(if $(SHARD),--shard '$(SHARD)') $(if $(JOBS),-j '$(JOBS)') \
	$(if $(filter qemu,$(EMU)),--qemu) $(if $(V),--verbose) \
	$(if $(FAIL_INJECT),--fail-inject '$(FAIL_INJECT)')

check: all
	@$(HARNESS) check $(HARNESS_ARGS)

grade: all
	@$(HARNESS) grade --no-unit $(HARNESS_ARGS)

accept: all
	@$(if $(TESTS),,echo "make accept needs TESTS='suite/name ...' (accepting every baseline at once is deliberate: TESTS='*')"; exit 2)
	@$(HARNESS) accept $(HARNESS_ARGS) $(if $(OUTPUT),--with-output)

# VM workload benchmark (harness/vmbench.py, when present), then ticks and cycles of the
# selected tests against the accepted baselines.
bench: all
	@if [ -f harness/vmbench.py ] && [ -z "$(TESTS)" ]; then $(PYTHON) harness/vmbench.py $(if $(JOBS),--jobs $(JOBS)); fi
	@$(HARNESS) bench --no-unit $(HARNESS_ARGS)

unit:
	@$(HARNESS) unit $(HARNESS_ARGS)

# System-call fuzzer, long runs (harness/fuzz.py): QEMU unless EMU=bochs.
fuzz: all
	@$(PYTHON) -m harness.fuzz --seeds '$(or $(SEEDS),1-100)' $(if $(filter bochs,$(EMU)),--bochs) \
		$(if $(JOBS),-j $(JOBS)) $(if $(FUZZ_CHILDREN),--children $(FUZZ_CHILDREN)) \
		$(if $(FUZZ_CALLS),--calls $(FUZZ_CALLS))

# Distinct console interleavings of the multi-process tests over seeds (harness/interleave.py).
interleavings: all
	@$(PYTHON) -m harness.interleave --seeds '$(or $(SEEDS),1-20)' $(if $(JOBS),-j $(JOBS)) $(TESTS)

harness-test: all
	@$(PYTHON) -m unittest discover -s harness/tests -t . $(if $(V),-v)

# make run: every program of build/programs on the fs disk, console on this terminal.
CMDLINE ?= run shell
RUN_FILES = $(foreach p,$(wildcard $(BUILD)/programs/*),-p $(p))
run: all
	@$(PYTHON) tools/pintos $(RUN_FILES) $(PINTOS_ARGS) -T 0 -- $(CMDLINE)

run-qemu: all
	@$(PYTHON) tools/pintos --qemu $(RUN_FILES) $(PINTOS_ARGS) -T 0 -- $(CMDLINE)

.PHONY: check grade accept bench unit harness-test run run-qemu fuzz interleavings
