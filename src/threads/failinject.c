#include "threads/failinject.h"
#include <stdint.h>
#include "lib/stdio.h"
#include "lib/string.h"
#include "threads/interrupt.h"

static const char *const failinject_names[FAILINJECT_SITE_CNT] = {"kpage", "frame", "malloc",
                                                                  "dread", "dwrite"};

static bool fi_configured, fi_armed;
static bool fi_sites[FAILINJECT_SITE_CNT];
static unsigned long fi_every;    /* fail call number k*every + phase (0 = unused) */
static unsigned long fi_permille; /* else fail with this probability in 1/1000 */
static unsigned long fi_phase;
static uint64_t fi_rng;
static unsigned long fi_calls[FAILINJECT_SITE_CNT], fi_failed[FAILINJECT_SITE_CNT];

/* Parses the decimal number at *P up to a ':' or the end; advances *P. */
static bool failinject_number(const char **p, unsigned long *out)
{
  const char *s = *p;
  unsigned long v = 0;
  if (*s < '0' || *s > '9')
    return false;
  for (; *s >= '0' && *s <= '9'; s++)
    v = v * 10 + (unsigned long)(*s - '0');
  if (*s != '\0' && *s != ':')
    return false;
  *p = s;
  *out = v;
  return true;
}

/* Parses the SITES part of a spec up to ':' into SITES; advances *P. */
static bool failinject_parse_sites(const char **p, bool *sites)
{
  const char *s = *p;
  if (strncmp(s, "all:", 4) == 0) {
    for (int i = 0; i < FAILINJECT_SITE_CNT; i++)
      sites[i] = true;
    *p = s + 3;
    return true;
  }
  for (;;) {
    int found = -1;
    for (int i = 0; i < FAILINJECT_SITE_CNT; i++) {
      size_t n = strlen(failinject_names[i]);
      if (strncmp(s, failinject_names[i], n) == 0 && (s[n] == '+' || s[n] == ':')) {
        found = i;
        s += n;
        break;
      }
    }
    if (found < 0)
      return false;
    sites[found] = true;
    if (*s == ':')
      break;
    s++;
  }
  *p = s;
  return true;
}

bool failinject_configure(const char *spec)
{
  bool sites[FAILINJECT_SITE_CNT] = {false};
  unsigned long every = 0, permille = 0, seed = 0;
  const char *p = spec;
  if (!failinject_parse_sites(&p, sites))
    return false;
  while (*p == ':') {
    p++;
    if (strncmp(p, "every=", 6) == 0) {
      p += 6;
      if (!failinject_number(&p, &every) || every == 0)
        return false;
    } else if (strncmp(p, "permille=", 9) == 0) {
      p += 9;
      if (!failinject_number(&p, &permille) || permille > 1000)
        return false;
    } else if (strncmp(p, "seed=", 5) == 0) {
      p += 5;
      if (!failinject_number(&p, &seed))
        return false;
    } else {
      return false;
    }
  }
  if (*p != '\0' || (every == 0) == (permille == 0))
    return false;
  memcpy(fi_sites, sites, sizeof fi_sites);
  fi_every = every;
  fi_permille = permille;
  fi_phase = every ? seed % every : 0;
  fi_rng = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
  fi_configured = true;
  return true;
}

void failinject_arm(bool on) { fi_armed = on && fi_configured; }

/* Next number of the xorshift64* sequence seeded by failinject_configure. */
static uint64_t failinject_random(void)
{
  fi_rng ^= fi_rng >> 12;
  fi_rng ^= fi_rng << 25;
  fi_rng ^= fi_rng >> 27;
  return fi_rng * 0x2545F4914F6CDD1DULL;
}

bool failinject_should_fail(enum failinject_site site)
{
  if (!fi_armed || !fi_sites[site])
    return false;
  enum intr_level old = intr_disable();
  unsigned long n = fi_calls[site]++;
  bool fail = fi_every ? n % fi_every == fi_phase : failinject_random() % 1000 < fi_permille;
  if (fail)
    fi_failed[site]++;
  intr_set_level(old);
  return fail;
}

bool failinject_site_armed(enum failinject_site site) { return fi_armed && fi_sites[site]; }

int failinject_format_stats(char *buf, int size)
{
  int len = 0;
  if (!fi_configured)
    return 0;
  for (int i = 0; i < FAILINJECT_SITE_CNT && len < size; i++)
    len +=
        snprintf(buf + len, (size_t)(size - len), " fi_%s=%lu", failinject_names[i], fi_failed[i]);
  return len < size ? len : size - 1;
}
