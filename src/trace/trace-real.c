/* trace-real.c — looks up the C library's socket functions once.
 *
 * dlsym (RTLD_NEXT) finds the next definition after ours: the C library's
 * (or another preloaded library's, which is then its business). Must never
 * call a wrapper, and must tolerate being entered by two threads at once
 * (both store the same pointers).
 */
#include "trace-real.h"

#include <dlfcn.h>

TraceReal trace_real;

#define LOOKUP(field, symbol) \
  __atomic_store_n (&trace_real.field, (__typeof__ (trace_real.field)) dlsym (RTLD_NEXT, symbol), __ATOMIC_RELEASE)

void
trace_real_init (void)
{
  if (__atomic_load_n (&trace_real.fork, __ATOMIC_ACQUIRE) != NULL)
    return;
  LOOKUP (socket, "socket");
  LOOKUP (bind, "bind");
  LOOKUP (listen, "listen");
  LOOKUP (connect, "connect");
  LOOKUP (accept, "accept");
  LOOKUP (accept4, "accept4");
  LOOKUP (send, "send");
  LOOKUP (sendto, "sendto");
  LOOKUP (sendmsg, "sendmsg");
  LOOKUP (sendmmsg, "sendmmsg");
  LOOKUP (recv, "recv");
  LOOKUP (recvfrom, "recvfrom");
  LOOKUP (recvmsg, "recvmsg");
  LOOKUP (recvmmsg, "recvmmsg");
  LOOKUP (recv_chk, "__recv_chk");
  LOOKUP (recvfrom_chk, "__recvfrom_chk");
  LOOKUP (read, "read");
  LOOKUP (write, "write");
  LOOKUP (close, "close");
  LOOKUP (setsockopt, "setsockopt");
  LOOKUP (exit_now, "_exit");
  /* Last: its presence says the table is complete. */
  LOOKUP (fork, "fork");
}
