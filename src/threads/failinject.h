#ifndef THREADS_FAILINJECT_H
#define THREADS_FAILINJECT_H

#include <stdbool.h>

/* Deterministic fault injection (kernel option -fail=SPEC, docs/design.md). Chosen
   allocation sites are made to fail, every Nth call or with a seeded probability, while
   a user program runs (the `run` action of a program, not of a kernel self-test). A given kernel,
   command line and spec fail the same calls on every run under Bochs. */

enum failinject_site {
  FAILINJECT_KPAGE,  /* kernel-pool palloc (page tables, kernel stacks, bounce pages) */
  FAILINJECT_FRAME,  /* user-pool palloc: every user frame */
  FAILINJECT_MALLOC, /* kernel heap */
  FAILINJECT_DREAD,  /* disk sector read (file system, swap): the sector reads as zeros */
  FAILINJECT_DWRITE, /* disk sector write (file system, swap): the write is lost */
  FAILINJECT_SITE_CNT
};

#ifdef HOST_TEST
static inline bool failinject_should_fail(enum failinject_site site)
{
  (void)site;
  return false;
}
static inline bool failinject_site_armed(enum failinject_site site)
{
  (void)site;
  return false;
}
#else
/* Parses SPEC ("SITES:every=N[:seed=S]" or "SITES:permille=N[:seed=S]", SITES being
   "all" or names joined by '+': kpage, frame, malloc, dread, dwrite). Returns false for
   a malformed spec (nothing configured). Call before failinject_arm. */
bool failinject_configure(const char *spec);
/* Starts (ON) or stops failing; nothing fails before the first arm. */
void failinject_arm(bool on);
/* True if this call at SITE must fail; counts it. Callable with interrupts off. */
bool failinject_should_fail(enum failinject_site site);
/* False when no call at SITE can fail now (failinject_should_fail would return false
   without counting): lets a caller that asks once per item of a batch ask once. */
bool failinject_site_armed(enum failinject_site site);
/* Appends " fi_kpage=N fi_frame=N ..." (failures injected per site) to BUF, or nothing if
   injection was never configured; returns the length written. */
int failinject_format_stats(char *buf, int size);
#endif

#endif
