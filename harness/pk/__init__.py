"""Grading Pintos-KAIST kernels under Kestrel's deterministic Bochs (docs/grading-pintos.md).

tree     a Pintos-KAIST project: its test list and each test's launcher command, read from
         its own Makefiles; the trusted (pristine) tree built once into a cache
pkdisk   the disks the Pintos-KAIST launcher would build (boot, file system, scratch, swap)
emu      one test in a fresh Bochs machine: limits in emulated time, page faults counted
grading  the test's own .ck checker, the tree's Rubric/Grading files (make-grade)
cli      `python3 -m harness pintos ...`: runs, variants, class mode, result files
"""
