# Harness targets, included by the top-level Makefile. See docs/harness.md.
#   make check [TESTS='globs'] [SEEDS=1-20] [IPS=N] [REPEAT=N] [SHARD=K/N] [JOBS=N] [EMU=qemu]
#              [EVICT=NAME] [FORK=NAME] [FAULTS=report] [EXPECTED=DIR] [RESULTS=DIR]
#              [FAIL_INJECT=SITES:every=N[:seed=S]]   (kernel -fail=: docs/harness.md)
#   make grade [RERUN=1] | make accept TESTS=... | make bench | make unit | make harness-test
#   make help | make list [TESTS=...] | make build/tests/SUITE/NAME.result
#   python3 -m harness merge DIR... --results OUT [--force]   (join shard results)
#   make run [CMDLINE='run shell'] | make run-qemu | make debug | make debug-bochs

HARNESS := $(PYTHON) -m harness
# The harness reads the make variables of the command line itself (--make): the variables,
# their valid values and their harness flags are one table, harness/options.py (make help).
HARNESS_ARGS := --make
# Checks the make variables (one line naming the valid values) before other tools start.
CHECK_VARS = $(PYTHON) -m harness.options check

check: all
	@$(HARNESS) check $(HARNESS_ARGS)

grade: all
	@$(HARNESS) grade --no-unit $(HARNESS_ARGS)

accept: all
	@$(if $(TESTS),,echo "make accept needs TESTS='suite/name ...' (accepting every baseline at once is deliberate: TESTS='*')"; exit 2)
	@$(HARNESS) accept $(HARNESS_ARGS)

# VM workloads (python3 -m harness.vmbench: memory pressure against simulated policies, swap
# cost, fork eager against copy-on-write), then ticks and cycles of the selected tests
# against the accepted baselines, then make check's whole selection against its floor, the
# emulated tests also on the classic Bochs machine (python3 -m harness.floor). With TESTS,
# only the last two.
# The kernel with the VM trace hooks compiled out (-DVM_TRACE_OFF), for make bench's table of
# what the hooks cost with the trace off; its own build directory, the same sources.
notrace: toolcheck
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/notrace KERNEL_DEFS=-DVM_TRACE_OFF $(BUILD)/notrace/boot.img
.PHONY: notrace

# The kernel before issue 19 (make bench's disk tables compare against it): its sources from
# git at BASELINE_REV, built in their own tree under build/baseline. Without git or that
# commit the target says so and make bench leaves the column out.
BASELINE_REV ?= 264c52b
baseline: toolcheck
	@if [ -f $(BUILD)/baseline/boot.img ] && [ "$$(cat $(BUILD)/baseline/rev 2>/dev/null)" = "$(BASELINE_REV)" ]; then :; \
	elif git rev-parse -q --verify '$(BASELINE_REV)^{commit}' >/dev/null 2>&1; then \
	  rm -rf $(BUILD)/baseline && mkdir -p $(BUILD)/baseline/tree && \
	  git archive '$(BASELINE_REV)' | tar -x -C $(BUILD)/baseline/tree && \
	  $(MAKE) --no-print-directory -s -C $(BUILD)/baseline/tree all >/dev/null && \
	  cp $(BUILD)/baseline/tree/build/boot.img $(BUILD)/baseline/boot.img && \
	  echo '$(BASELINE_REV)' > $(BUILD)/baseline/rev && \
	  echo "baseline: built the kernel of $(BASELINE_REV) into $(BUILD)/baseline/boot.img"; \
	else echo "baseline: no commit $(BASELINE_REV) in this checkout; make bench leaves out the before-issue-19 column"; fi
.PHONY: baseline

bench: all notrace baseline
	@$(CHECK_VARS)
	@if [ -z "$(TESTS)" ]; then $(PYTHON) -m harness.vmbench $(if $(JOBS),-j $(JOBS)) $(if $(EVICT),--evict '$(EVICT)') $(if $(FORK),--fork '$(FORK)'); fi
	@$(HARNESS) bench --no-unit $(HARNESS_ARGS)
	@$(PYTHON) -m harness.floor $(if $(TESTS),--tests '$(TESTS)') $(if $(JOBS),-j $(JOBS))

unit:
	@$(HARNESS) unit $(HARNESS_ARGS)

# The VM page of one test (harness/view.py): runs it with the kernel's VM trace and writes
# build/results/SUITE/NAME.html; `make check VIEW=1` writes one for every test of a run.
view: all
	@$(PYTHON) -m harness.view --run '$(TEST)'

# Where one test's emulated instructions go (harness/profile.py): a sampled table.
profile: all
	@$(PYTHON) -m harness.profile '$(TEST)' $(if $(EVERY),--every $(EVERY))

# System-call fuzzer, long runs (harness/fuzz.py): QEMU unless EMU=bochs.
fuzz: all
	@$(CHECK_VARS)
	@$(PYTHON) -m harness.fuzz --seeds '$(or $(SEEDS),1-100)' $(if $(filter bochs,$(EMU)),--bochs) \
		$(if $(JOBS),-j $(JOBS)) $(if $(FUZZ_CHILDREN),--children $(FUZZ_CHILDREN)) \
		$(if $(FUZZ_CALLS),--calls $(FUZZ_CALLS)) $(if $(FORK),--fork '$(FORK)')

# Distinct console interleavings of the multi-process tests over seeds (harness/interleave.py).
interleavings: all
	@$(CHECK_VARS)
	@$(PYTHON) -m harness.interleave --seeds '$(or $(SEEDS),1-20)' $(if $(JOBS),-j $(JOBS)) $(TESTS)

harness-test: all
	@$(PYTHON) -m unittest discover -s harness/tests -t . $(if $(V),-v)
	@$(PYTHON) -m unittest discover -s tools/tests $(if $(V),-v)

# make run: every program of build/programs on the fs disk, console on this terminal.
# The list comes from the sources, not from $(wildcard) on build/programs: make reads a
# directory once, before the programs are built, so after `make clean` the first run would
# get an empty disk.
CMDLINE ?= run shell
RUN_FILES = $(foreach p,$(patsubst src/%.c,$(BUILD)/%,$(USER_PROG_SRC)),-p $(p))
run: all
	@$(PYTHON) tools/pintos $(RUN_FILES) $(PINTOS_ARGS) -T 0 -- $(CMDLINE)

run-qemu: all
	@$(PYTHON) tools/pintos --qemu $(RUN_FILES) $(PINTOS_ARGS) -T 0 -- $(CMDLINE)

# Two results directories compared test by test (harness/compare.py): Markdown on stdout;
# COMPARE_ARGS='--html FILE --fail-faults 5' etc. Exit 1 when a verdict got worse.
compare:
	@$(PYTHON) -m harness.compare --make '$(OLD)' '$(NEW)' $(COMPARE_ARGS)

# make help: every target and variable; make list: the tests a selection would run.
help:
	@$(PYTHON) -m harness.options help

list:
	@$(HARNESS) list $(HARNESS_ARGS)

# make build/tests/SUITE/NAME.result (or .output): run that one test and write the Pintos
# result files build/tests/SUITE/NAME.output and .result.
$(BUILD)/tests/%.result $(BUILD)/tests/%.output: all FORCE
	@$(HARNESS) check $(HARNESS_ARGS) --tests '$*' --no-unit

FORCE:
.PHONY: check grade accept bench unit harness-test run run-qemu fuzz interleavings help list FORCE view compare profile

# make debug: `make run` under QEMU with its gdb stub waiting (attach as the launcher says);
# make debug-bochs: under Bochs's built-in debugger with the kernel's symbols. docs/debugging.md.
debug: all
	@$(PYTHON) tools/pintos --gdb $(RUN_FILES) $(PINTOS_ARGS) -- $(CMDLINE)

debug-bochs: all
	@$(PYTHON) tools/pintos --bochs-debugger $(RUN_FILES) $(PINTOS_ARGS) -- $(CMDLINE)

.PHONY: debug debug-bochs

# Grading a Pintos-KAIST kernel under Bochs with the tree's own checkers (docs/grading-pintos.md):
#   make grade-pintos KERNEL=<tree>/<project>/build [TREE=<pristine tree>] [TESTS=...] [JOBS=N]
#        [VARIANTS=N] [RESULTS=DIR] [SHARD=K/N]     or     CLASS=<folder> PROJECT=vm TREE=...
grade-pintos:
	@$(if $(KERNEL)$(CLASS),,echo "make grade-pintos needs KERNEL=<tree>/<project>/build (or CLASS=DIR PROJECT=NAME TREE=DIR)"; exit 2)
	@$(HARNESS) pintos $(if $(KERNEL),--kernel '$(KERNEL)') $(if $(TREE),--tree '$(TREE)') \
		$(if $(TESTS),--tests '$(TESTS)') $(if $(JOBS),-j '$(JOBS)') $(if $(RESULTS),--results '$(RESULTS)') \
		$(if $(VARIANTS),--variants '$(VARIANTS)') $(if $(SHARD),--shard '$(SHARD)') \
		$(if $(CLASS),--class '$(CLASS)') $(if $(PROJECT),--project '$(PROJECT)') $(if $(V),--verbose)

.PHONY: grade-pintos
