#ifndef LIB_DEBUG_H
#define LIB_DEBUG_H

#define UNUSED                    __attribute__((unused))
#define NO_RETURN                 __attribute__((noreturn))
#define PRINTF_FORMAT(FMT, FIRST) __attribute__((format(printf, FMT, FIRST)))

/* Prints "PANIC at FILE:LINE in FUNC: MESSAGE", registers-free backtrace, powers off.
   Kernel only; the user library provides its own (exit(-1) after a message). */
void debug_panic(const char *file, int line, const char *function, const char *message, ...)
    PRINTF_FORMAT(4, 5) NO_RETURN;
void debug_backtrace(void);
/* Kernel only (devices/console.c): from now on the console takes no lock and writes
   synchronously, so a report printed before a panic cannot wait for a lock the failing
   thread holds. */
void console_panic(void);

#define PANIC(...) debug_panic(__FILE__, __LINE__, __func__, __VA_ARGS__)

#ifdef NDEBUG
#define ASSERT(CONDITION) ((void)0)
#else
#define ASSERT(CONDITION)                                                                          \
  do {                                                                                             \
    if (!(CONDITION))                                                                              \
      PANIC("assertion `%s' failed.", #CONDITION);                                                 \
  } while (0)
#endif
#define NOT_REACHED() PANIC("executed an unreachable statement")

#endif
