#ifndef THREADS_IO_H
#define THREADS_IO_H

#include <stddef.h>
#include <stdint.h>

/* Port I/O (Intel SDM vol. 2, IN/OUT/INS/OUTS). */
static inline uint8_t inb(uint16_t port)
{
  uint8_t v;
  __asm__ volatile("inb %w1, %b0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline uint16_t inw(uint16_t port)
{
  uint16_t v;
  __asm__ volatile("inw %w1, %w0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline uint32_t inl(uint16_t port)
{
  uint32_t v;
  __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline void outb(uint16_t port, uint8_t v)
{
  __asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
  __asm__ volatile("outw %w0, %w1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
  __asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"(port));
}

/* Read/write COUNT 16-bit words between PORT and BUF (ATA PIO data transfers). */
static inline void insw(uint16_t port, void *buf, size_t count)
{
  __asm__ volatile("rep insw" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}
static inline void outsw(uint16_t port, const void *buf, size_t count)
{
  __asm__ volatile("rep outsw" : "+S"(buf), "+c"(count) : "d"(port));
}

/* Doubleword string I/O: COUNT 32-bit transfers between PORT and BUF. */
static inline void insl(uint16_t port, void *buf, size_t count)
{
  __asm__ volatile("rep insl" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}
static inline void outsl(uint16_t port, const void *buf, size_t count)
{
  __asm__ volatile("rep outsl" : "+S"(buf), "+c"(count) : "d"(port));
}

static inline uint64_t rdtsc(void)
{
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

#endif
