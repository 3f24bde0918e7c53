/* trace-fd.c — the per-descriptor table of the shim.
 *
 * Chunks of 1024 entries, allocated on first use and published with an
 * atomic compare-and-swap, so lookups never lock; a forked child gets a
 * copy for free. Descriptors beyond the table's reach are treated as
 * "other" and simply not traced.
 */
#include "trace-fd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define CHUNK_BITS 10
#define CHUNK_SIZE (1 << CHUNK_BITS)
#define MAX_CHUNKS 1024   /* fds up to 1 Mi */

typedef struct {
  uint8_t  kind;
  uint8_t  flags;
  uint64_t tx;
  uint64_t rx;
  char     local[TRACE_ADDR_MAX];
  char     peer[TRACE_ADDR_MAX];
} Entry;

static Entry *chunks[MAX_CHUNKS];

static Entry *
entry_for (int fd, int create)
{
  Entry *chunk, *fresh;
  unsigned index = (unsigned) fd >> CHUNK_BITS;

  if (fd < 0 || index >= MAX_CHUNKS)
    return NULL;
  chunk = __atomic_load_n (&chunks[index], __ATOMIC_ACQUIRE);
  if (chunk == NULL)
    {
      if (!create || (fresh = calloc (CHUNK_SIZE, sizeof (Entry))) == NULL)
        return NULL;
      if (__atomic_compare_exchange_n (&chunks[index], &chunk, fresh, 0,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        chunk = fresh;
      else
        free (fresh);  /* another thread was first: chunk holds its table */
    }
  return &chunk[fd & (CHUNK_SIZE - 1)];
}

TraceFdKind
trace_fd_kind (int fd)
{
  Entry *e = entry_for (fd, 0);

  return e ? (TraceFdKind) __atomic_load_n (&e->kind, __ATOMIC_RELAXED) : TRACE_FD_UNKNOWN;
}

static void
copy_addr (char dst[TRACE_ADDR_MAX], const char *src)
{
  size_t n = strnlen (src, TRACE_ADDR_MAX - 2);

  memcpy (dst, src, n);
  dst[n] = '\0';
}

static void
store_name (char dst[TRACE_ADDR_MAX], int fd, int peer)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char text[TRACE_ADDR_MAX];
  int rc = peer ? getpeername (fd, (struct sockaddr *) &ss, &len)
                : getsockname (fd, (struct sockaddr *) &ss, &len);

  if (rc != 0)
    return;
  trace_addr_format ((struct sockaddr *) &ss, len, text);
  copy_addr (dst, text);
}

TraceFdKind
trace_fd_classify (int fd)
{
  Entry *e;
  int domain = 0, type = 0;
  socklen_t len = sizeof domain;
  TraceFdKind kind = TRACE_FD_OTHER;

  if ((e = entry_for (fd, 1)) == NULL)
    return TRACE_FD_OTHER;
  if (e->kind != TRACE_FD_UNKNOWN)
    return (TraceFdKind) e->kind;
  if (getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
    {
      /* A closed fd is not remembered: the number may become a socket. */
      if (errno == EBADF)
        return TRACE_FD_OTHER;
    }
  else if (domain == AF_INET || domain == AF_INET6)
    {
      len = sizeof type;
      if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0)
        kind = type == SOCK_DGRAM ? TRACE_FD_UDP : type == SOCK_STREAM ? TRACE_FD_TCP : TRACE_FD_OTHER;
    }
  trace_fd_track (fd, kind);
  if (kind != TRACE_FD_OTHER)
    {
      store_name (e->local, fd, 0);
      store_name (e->peer, fd, 1);
    }
  return kind;
}

void
trace_fd_track (int fd, TraceFdKind kind)
{
  Entry *e = entry_for (fd, kind != TRACE_FD_UNKNOWN);

  if (e == NULL)
    return;
  e->flags = 0;
  e->tx = e->rx = 0;
  e->local[0] = '\0';
  e->peer[0] = '\0';
  __atomic_store_n (&e->kind, (uint8_t) kind, __ATOMIC_RELEASE);
}

void
trace_fd_forget (int fd)
{
  trace_fd_track (fd, TRACE_FD_UNKNOWN);
}

void
trace_fd_refresh_local (int fd)
{
  Entry *e = entry_for (fd, 0);

  if (e != NULL)
    store_name (e->local, fd, 0);
}

void
trace_fd_refresh_peer (int fd)
{
  Entry *e = entry_for (fd, 0);

  if (e != NULL)
    store_name (e->peer, fd, 1);
}

void
trace_fd_set_peer (int fd, const struct sockaddr *sa, socklen_t len)
{
  Entry *e = entry_for (fd, 0);
  char text[TRACE_ADDR_MAX];

  if (e == NULL)
    return;
  /* AF_UNSPEC dissolves a UDP association. */
  trace_addr_format (sa, len, text);
  copy_addr (e->peer, text);
}

/* ":0" at the end: the kernel has not given it a port yet. */
static int
has_port (const char *addr)
{
  size_t n = strnlen (addr, TRACE_ADDR_MAX);

  return n > 2 && !(addr[n - 1] == '0' && addr[n - 2] == ':');
}

int
trace_fd_bound (int fd)
{
  Entry *e = entry_for (fd, 0);

  return e != NULL && has_port (e->local);
}

void
trace_fd_addrs (int fd, TraceFdAddrs *out)
{
  Entry *e = entry_for (fd, 0);

  if (e == NULL)
    {
      out->local[0] = out->peer[0] = '\0';
      return;
    }
  if (!has_port (e->local))
    store_name (e->local, fd, 0);
  copy_addr (out->local, e->local);
  copy_addr (out->peer, e->peer);
}

uint64_t
trace_fd_advance (int fd, int tx, size_t n)
{
  Entry *e = entry_for (fd, 0);

  if (e == NULL)
    return 0;
  return __atomic_fetch_add (tx ? &e->tx : &e->rx, (uint64_t) n, __ATOMIC_RELAXED);
}

void
trace_fd_reset_offsets (int fd)
{
  Entry *e = entry_for (fd, 0);

  if (e == NULL)
    return;
  __atomic_store_n (&e->tx, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&e->rx, 0, __ATOMIC_RELAXED);
}

int
trace_fd_test_and_set (int fd, TraceFdFlags flag)
{
  Entry *e = entry_for (fd, 0);

  if (e == NULL)
    return 1;
  return (__atomic_fetch_or (&e->flags, (uint8_t) flag, __ATOMIC_RELAXED) & flag) != 0;
}
