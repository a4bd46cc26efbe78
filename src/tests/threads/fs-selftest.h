#ifndef TESTS_THREADS_FS_SELFTEST_H
#define TESTS_THREADS_FS_SELFTEST_H

/* Kernel self-test of the file system (action `run fs-selftest`). Needs a mounted file
   system with at least 2 MB free; leaves it as it found it. Prints `(fs-selftest) ...`
   lines, ending with `(fs-selftest) PASS` or `(fs-selftest) FAIL`. */
void fs_selftest_run(void);

#endif
