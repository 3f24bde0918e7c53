/* trace-real.h — the C library's own socket functions, found with
 * dlsym (RTLD_NEXT), so that every wrapper can hand the call on.
 *
 * Must never call a wrapped function itself, and never allocate after
 * start-up (dlsym may, once, in trace_real_init).
 */
#pragma once

#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

typedef struct {
  int     (*socket)     (int, int, int);
  int     (*bind)       (int, const struct sockaddr *, socklen_t);
  int     (*listen)     (int, int);
  int     (*connect)    (int, const struct sockaddr *, socklen_t);
  int     (*accept)     (int, struct sockaddr *, socklen_t *);
  int     (*accept4)    (int, struct sockaddr *, socklen_t *, int);
  ssize_t (*send)       (int, const void *, size_t, int);
  ssize_t (*sendto)     (int, const void *, size_t, int, const struct sockaddr *, socklen_t);
  ssize_t (*sendmsg)    (int, const struct msghdr *, int);
  int     (*sendmmsg)   (int, struct mmsghdr *, unsigned int, int);
  ssize_t (*recv)       (int, void *, size_t, int);
  ssize_t (*recvfrom)   (int, void *, size_t, int, struct sockaddr *, socklen_t *);
  ssize_t (*recvmsg)    (int, struct msghdr *, int);
  int     (*recvmmsg)   (int, struct mmsghdr *, unsigned int, int, struct timespec *);
  ssize_t (*recv_chk)   (int, void *, size_t, size_t, int);
  ssize_t (*recvfrom_chk) (int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);
  ssize_t (*read)       (int, void *, size_t);
  ssize_t (*write)      (int, const void *, size_t);
  int     (*close)      (int);
  int     (*setsockopt) (int, int, int, const void *, socklen_t);
  void    (*exit_now)   (int) __attribute__ ((noreturn));  /* _exit */
  pid_t   (*fork)       (void);
} TraceReal;

extern TraceReal trace_real;

/* Fills trace_real; cheap and idempotent, safe from any thread. */
void trace_real_init (void);

/* The wrapper's way to the real function, initialising on first use (a
 * wrapper can run before our constructor, from another library's). */
#define REAL(fn) (__builtin_expect (trace_real.fn != NULL, 1) ? trace_real.fn : (trace_real_init (), trace_real.fn))
