/* conclave-report.c — the reporting end of the control channel.
 *
 * Writes JSON lines to $CONCLAVE_CONTROL for conclave-node and for the
 * LD_PRELOAD trace shim, so it lives by the rules of code injected into
 * somebody else's program: plain libc, one mutex, errno saved and restored
 * on every entry point, no signal (MSG_NOSIGNAL), no blocking (non-blocking
 * socket, bounded pending buffer, drop and count when it is full).
 *
 * It must never block, abort, print, or leave errno changed; after the
 * controller goes away every call is a cheap no-op.
 *
 * All socket I/O goes through the chan_* functions below, which use raw
 * system calls, so that a shim wrapping libc's socket/connect/send/recv
 * never sees (or reports) the reporter's own traffic.
 */
#include "conclave-report.h"
#include "conclave-report-private.h"
#include "conclave-protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PENDING_MAX (256 * 1024)

typedef enum {
  CHAN_OFF,         /* no CONCLAVE_CONTROL, or never connected */
  CHAN_CONNECTING,  /* the controller's backlog was full; retried lazily */
  CHAN_OPEN,
  CHAN_CLOSED,      /* the controller went away: reporting is a no-op */
} ChanState;

/* Batching (the trace shim): lines wait until this many bytes or this long
 * after the last write, or until the program is about to wait. */
#define BATCH_BYTES (16 * 1024)
#define BATCH_NS    (2LL * 1000 * 1000)

/* How long a process keeps retrying a connect that found the backlog full. */
#define CONNECT_RETRY_NS (5LL * 1000 * 1000 * 1000)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
/* Set while this thread is inside the reporter, to refuse re-entry from a
 * signal handler that interrupted us (that would deadlock). */
static __thread int inside;
static uint64_t reentry_dropped;

static ChanState state = CHAN_OFF;
static int chan_fd = -1;
static struct sockaddr_un chan_addr;
static int64_t connect_deadline;
static uint64_t seq;
static uint64_t dropped_total;
static uint64_t dropped_since;       /* since the last line that got through */
static int batching;
static int64_t last_flush_ns;
static char role_name[64];
static char program_name[256];

/* Lines accepted but not yet written: bytes [pending_head, pending_tail). */
static char pending[PENDING_MAX];
static size_t pending_head, pending_tail;

static char line_buf[CONCLAVE_MAX_LINE];

/* Commands read but not yet handed out (a partial line). */
static char cmd_buf[CONCLAVE_MAX_LINE];
static size_t cmd_len;
static int cmd_discarding;  /* inside an overlong line: skip to its newline */

/* ---- raw socket I/O: the only place that talks to the kernel ---- */

static int
chan_socket (void)
{
#ifdef SYS_socket
  return (int) syscall (SYS_socket, AF_UNIX,
                        SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
  return socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#endif
}

static int
chan_connect (int fd, const struct sockaddr_un *addr)
{
#ifdef SYS_connect
  return (int) syscall (SYS_connect, fd, addr, sizeof *addr);
#else
  return connect (fd, (const struct sockaddr *) addr, sizeof *addr);
#endif
}

static ssize_t
chan_send (int fd, const void *buf, size_t len)
{
#ifdef SYS_sendto
  return syscall (SYS_sendto, fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT, NULL, 0);
#else
  return send (fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
#endif
}

static void
chan_close (int fd)
{
#ifdef SYS_close
  syscall (SYS_close, fd);
#else
  close (fd);
#endif
}

static ssize_t
chan_recv (int fd, void *buf, size_t len)
{
#ifdef SYS_recvfrom
  return syscall (SYS_recvfrom, fd, buf, len, MSG_DONTWAIT, NULL, NULL);
#else
  return recv (fd, buf, len, MSG_DONTWAIT);
#endif
}

/* Waits at most ms for fd to take more; a raw call so that a shim wrapping
 * poll never sees it. */
static void
chan_wait_writable (int fd, int ms)
{
  struct pollfd pfd = { fd, POLLOUT, 0 };
  struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

#ifdef SYS_ppoll
  syscall (SYS_ppoll, &pfd, 1, &ts, NULL, (size_t) 8);
#else
  poll (&pfd, 1, ms);
#endif
}

/* ---- locking ---- */

/* Returns 0 (and counts a drop) when this thread already holds the lock,
 * i.e. we were called from a signal handler that interrupted the reporter. */
static int
lock_enter (void)
{
  if (inside)
    {
      __atomic_add_fetch (&reentry_dropped, 1, __ATOMIC_RELAXED);
      return 0;
    }
  inside = 1;
  pthread_mutex_lock (&lock);
  return 1;
}

static void
lock_leave (void)
{
  pthread_mutex_unlock (&lock);
  inside = 0;
}

/* fork() while another thread holds the lock would leave it held forever
 * in the child: hold it across fork so the child gets a consistent state. */
static void
atfork_prepare (void)
{
  pthread_mutex_lock (&lock);
}

static void
atfork_release (void)
{
  pthread_mutex_unlock (&lock);
}

static void
atfork_register (void)
{
  pthread_atfork (atfork_prepare, atfork_release, atfork_release);
}

/* ---- time, hashing ---- */

int64_t
creport_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

uint64_t
creport_hash_update (uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;

  for (size_t i = 0; i < len; i++)
    {
      h ^= p[i];
      h *= 1099511628211ULL;
    }
  return h;
}

uint64_t
creport_hash (const void *data, size_t len)
{
  return creport_hash_update (CREPORT_HASH_INIT, data, len);
}

/* ---- the pending buffer and line output (lock held) ---- */

static void
chan_close_locked (ChanState new_state)
{
  if (chan_fd >= 0)
    chan_close (chan_fd);
  chan_fd = -1;
  state = new_state;
  pending_head = pending_tail = 0;
  cmd_len = 0;
  cmd_discarding = 0;
}

static int
try_connect_locked (void)
{
  if (chan_connect (chan_fd, &chan_addr) == 0 || errno == EISCONN)
    {
      state = CHAN_OPEN;
      return 1;
    }
  if (errno == EAGAIN && creport_now_ns () < connect_deadline)
    {
      state = CHAN_CONNECTING;
      return 0;
    }
  chan_close_locked (CHAN_CLOSED);
  return 0;
}

static void
flush_locked (void)
{
  if (state == CHAN_CONNECTING && !try_connect_locked ())
    return;
  if (batching && pending_head < pending_tail)
    last_flush_ns = creport_now_ns ();
  while (state == CHAN_OPEN && pending_head < pending_tail)
    {
      ssize_t n = chan_send (chan_fd, pending + pending_head, pending_tail - pending_head);

      if (n > 0)
        pending_head += (size_t) n;
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      else
        chan_close_locked (CHAN_CLOSED);
    }
  if (pending_head == pending_tail)
    pending_head = pending_tail = 0;
}

/* Room for a line of len bytes, compacting the buffer if that makes it. */
static int
room_locked (size_t len)
{
  if (pending_tail + len > PENDING_MAX && pending_head > 0)
    {
      memmove (pending, pending + pending_head, pending_tail - pending_head);
      pending_tail -= pending_head;
      pending_head = 0;
    }
  return pending_tail + len <= PENDING_MAX;
}

static int
format_locked (const char *ev, int64_t t, const char *fields)
{
  CJsonBuf b;

  cjson_init (&b, line_buf, sizeof line_buf);
  cjson_raw (&b, "{\"ev\":\"", 7);
  cjson_raw (&b, ev, strlen (ev));
  cjson_raw (&b, "\",\"seq\":", 8);
  cjson_u64 (&b, seq);
  cjson_raw (&b, ",\"t\":", 5);
  cjson_i64 (&b, t ? t : creport_now_ns ());
  if (fields && *fields)
    {
      cjson_raw (&b, ",", 1);
      cjson_raw (&b, fields, strlen (fields));
    }
  cjson_raw (&b, "}\n", 2);
  /* A line cut at the buffer's end is not a line: the caller drops it. */
  return b.full ? (int) sizeof line_buf : (int) b.len;
}

/* Queues `{"ev":EV,"seq":N,"t":T[,FIELDS]}\n` whole, or drops it whole
 * (never a part of it). The seq is consumed either way. */
static void
emit_locked (const char *ev, int64_t t, const char *fields)
{
  int n = format_locked (ev, t, fields);

  seq++;
  if (n > 0 && (size_t) n < sizeof line_buf && room_locked ((size_t) n))
    {
      memcpy (pending + pending_tail, line_buf, (size_t) n);
      pending_tail += (size_t) n;
      return;
    }
  dropped_total++;
  dropped_since++;
}

/* Tells how many lines were dropped, if the telling fits now; otherwise it
 * waits for a later line (without using a seq), so a flood of drops does not
 * become a flood of dropped overflow lines. */
static void
tell_overflow_locked (void)
{
  char count[48];
  CJsonBuf b;
  int n;

  cjson_init (&b, count, sizeof count);
  cjson_member_u64 (&b, "dropped", dropped_since);
  n = format_locked (CONCLAVE_EV_OVERFLOW, 0, count);
  if (n <= 0 || (size_t) n >= sizeof line_buf || !room_locked ((size_t) n))
    return;
  memcpy (pending + pending_tail, line_buf, (size_t) n);
  pending_tail += (size_t) n;
  seq++;
  dropped_since = 0;
}

static void
event_locked (const char *ev, int64_t t, const char *fields)
{
  uint64_t reentered = __atomic_exchange_n (&reentry_dropped, 0, __ATOMIC_RELAXED);

  dropped_total += reentered;
  dropped_since += reentered;
  if (!batching)
    flush_locked ();
  if (state != CHAN_OPEN && state != CHAN_CONNECTING)
    return;
  if (dropped_since > 0)
    tell_overflow_locked ();
  emit_locked (ev, t, fields);
  if (!batching || pending_tail - pending_head >= BATCH_BYTES
      || creport_now_ns () - last_flush_ns >= BATCH_NS)
    flush_locked ();
}

static void
hello_locked (void)
{
  char fields[2048];
  const char *env_node = getenv (CONCLAVE_ENV_NODE);
  CJsonBuf b;

  cjson_init (&b, fields, sizeof fields);
  cjson_member_u64 (&b, "v", CONCLAVE_PROTOCOL_VERSION);
  cjson_member_i64 (&b, "pid", getpid ());
  cjson_member_i64 (&b, "ppid", getppid ());
  cjson_key (&b, "node");
  cjson_string (&b, env_node, env_node ? strlen (env_node) : 0, 256, CJSON_TEXT);
  cjson_member_str (&b, "role", role_name);
  cjson_member_str (&b, "program", program_name);
  event_locked (CONCLAVE_EV_HELLO, 0, fields);
}

/* Opens a fresh connection (closing any old one) and says hello. */
static int
open_locked (void)
{
  const char *path = getenv (CONCLAVE_ENV_CONTROL);

  chan_close_locked (CHAN_OFF);
  seq = 0;
  dropped_since = 0;
  if (path == NULL || *path == '\0' || strlen (path) >= sizeof chan_addr.sun_path)
    return 0;
  memset (&chan_addr, 0, sizeof chan_addr);
  chan_addr.sun_family = AF_UNIX;
  memcpy (chan_addr.sun_path, path, strlen (path) + 1);
  chan_fd = chan_socket ();
  if (chan_fd < 0)
    {
      state = CHAN_CLOSED;
      return 0;
    }
  connect_deadline = creport_now_ns () + CONNECT_RETRY_NS;
  try_connect_locked ();
  if (state == CHAN_CLOSED)
    return 0;
  hello_locked ();
  return state == CHAN_OPEN || state == CHAN_CONNECTING;
}

static void
copy_name (char *dst, size_t size, const char *src)
{
  snprintf (dst, size, "%s", src ? src : "");
}

/* ---- public entry points: errno saved, lock taken ---- */

int
creport_init (const char *role, const char *program)
{
  int saved = errno;
  int ok = 0;

  pthread_once (&atfork_once, atfork_register);
  if (lock_enter ())
    {
      copy_name (role_name, sizeof role_name, role);
      copy_name (program_name, sizeof program_name, program);
      dropped_total = 0;
      ok = open_locked ();
      lock_leave ();
    }
  errno = saved;
  return ok;
}

void
creport_after_fork (void)
{
  int saved = errno;

  if (lock_enter ())
    {
      /* close() without shutdown(): the parent's connection stays open. */
      if (state != CHAN_OFF || chan_fd >= 0)
        {
          dropped_total = 0;
          open_locked ();
        }
      lock_leave ();
    }
  errno = saved;
}

void
creport_fd_closing (int fd)
{
  int saved = errno;

  if (fd >= 0 && lock_enter ())
    {
      if (fd == chan_fd)
        {
          /* The program closes it itself; we must never write to the
           * number again, whatever it becomes. */
          chan_fd = -1;
          chan_close_locked (CHAN_CLOSED);
        }
      lock_leave ();
    }
  errno = saved;
}

int
creport_active (void)
{
  int saved = errno;
  int active = 0;

  if (lock_enter ())
    {
      active = state == CHAN_OPEN || state == CHAN_CONNECTING;
      lock_leave ();
    }
  errno = saved;
  return active;
}

int
creport_fd (void)
{
  int saved = errno;
  int fd = -1;

  if (lock_enter ())
    {
      fd = state == CHAN_OPEN ? chan_fd : -1;
      lock_leave ();
    }
  errno = saved;
  return fd;
}

/* The typed writers' way in (conclave-report-private.h). */
static char fields_buf[CONCLAVE_MAX_LINE - 256];

int
_creport_begin (CJsonBuf *fields)
{
  if (!lock_enter ())
    return 0;
  if (state != CHAN_OPEN && state != CHAN_CONNECTING)
    {
      lock_leave ();
      return 0;
    }
  cjson_init (fields, fields_buf, sizeof fields_buf);
  return 1;
}

void
_creport_end (const char *ev, int64_t t, CJsonBuf *fields)
{
  if (fields->full)
    {
      /* half an object is not JSON: drop it whole, and say so */
      seq++;
      dropped_total++;
      dropped_since++;
    }
  else
    event_locked (ev, t, fields->buf);
  lock_leave ();
}

/* Moves the complete lines out of cmd_buf into a malloc'd block, so the
 * callbacks run without the lock (they may report events). */
static char *
take_lines_locked (size_t *out_len)
{
  char *last_nl = cmd_len ? memrchr (cmd_buf, '\n', cmd_len) : NULL;
  size_t n;
  char *block;

  *out_len = 0;
  if (last_nl == NULL)
    return NULL;
  n = (size_t) (last_nl - cmd_buf) + 1;
  block = malloc (n + 1);
  if (block == NULL)
    return NULL;
  memcpy (block, cmd_buf, n);
  block[n] = '\0';
  memmove (cmd_buf, cmd_buf + n, cmd_len - n);
  cmd_len -= n;
  *out_len = n;
  return block;
}

/* Appends received bytes to cmd_buf; an overlong line is skipped whole. */
static void
absorb_locked (const char *data, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (cmd_discarding)
        {
          cmd_discarding = data[i] != '\n';
          continue;
        }
      if (cmd_len == sizeof cmd_buf)
        {
          const char *nl = memrchr (cmd_buf, '\n', cmd_len);
          size_t keep = nl ? (size_t) (nl - cmd_buf) + 1 : 0;

          cmd_len = keep;  /* the partial line cannot fit: drop it */
          cmd_discarding = data[i] != '\n';
          if (keep == 0 || cmd_discarding)
            continue;
        }
      cmd_buf[cmd_len++] = data[i];
    }
}

/* Reads what is waiting; returns -1 when the controller closed. */
static int
read_locked (void)
{
  char chunk[8192];

  while (state == CHAN_OPEN && cmd_len < sizeof cmd_buf)
    {
      ssize_t n = chan_recv (chan_fd, chunk, sizeof chunk);

      if (n > 0)
        absorb_locked (chunk, (size_t) n);
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      else
        chan_close_locked (CHAN_CLOSED);
    }
  return state == CHAN_CLOSED ? -1 : 0;
}

int
creport_read_commands (CReportCommandFunc cb, void *data)
{
  int saved = errno;
  int ret = 0;
  char *block = NULL;
  size_t len = 0;

  if (!lock_enter ())
    {
      errno = saved;
      return 0;
    }
  ret = read_locked ();
  block = take_lines_locked (&len);
  lock_leave ();
  /* memchr, not strchr: a line may hold a NUL byte, and strchr would stop
   * there and miss the newline. */
  for (char *line = block; line != NULL && line < block + len;)
    {
      char *nl = memchr (line, '\n', (size_t) (block + len - line));

      *nl = '\0';
      if (nl > line && cb != NULL)
        cb (line, (size_t) (nl - line), data);
      line = nl + 1;
    }
  free (block);
  errno = saved;
  return ret;
}

/* However slowly the controller reads, a process never waits longer than
 * this at exit. */
#define DRAIN_CAP_NS (10LL * 1000 * 1000 * 1000)

void
creport_drain (int ms)
{
  int saved = errno;
  int64_t start = creport_now_ns ();
  int64_t idle_ns = (int64_t) ms * 1000000;
  int64_t deadline = start + idle_ns;
  size_t before = (size_t) -1;

  for (;;)
    {
      size_t left = 0;
      int fd = -1;
      int64_t now;

      if (!lock_enter ())
        break;
      flush_locked ();
      left = pending_tail - pending_head;
      fd = state == CHAN_OPEN ? chan_fd : -1;
      lock_leave ();
      now = creport_now_ns ();
      /* A controller that is taking lines, however slowly (a loaded
       * machine, a sanitizer build), gets them all; one that takes
       * nothing for `ms` (stopped, gone) is given up on. */
      if (left < before)
        deadline = now + idle_ns < start + DRAIN_CAP_NS ? now + idle_ns : start + DRAIN_CAP_NS;
      before = left;
      if (left == 0 || now >= deadline)
        break;
      if (fd >= 0)
        chan_wait_writable (fd, 10);
      else
        {
          struct timespec ts = { 0, 10 * 1000 * 1000 };  /* still connecting */
          nanosleep (&ts, NULL);
        }
    }
  errno = saved;
}

void
creport_set_batching (int on)
{
  int saved = errno;

  if (lock_enter ())
    {
      batching = on;
      lock_leave ();
    }
  errno = saved;
}

void
creport_flush (void)
{
  int saved = errno;

  if (lock_enter ())
    {
      flush_locked ();
      lock_leave ();
    }
  errno = saved;
}

size_t
creport_pending (void)
{
  int saved = errno;
  size_t n = 0;

  if (lock_enter ())
    {
      n = pending_tail - pending_head;
      lock_leave ();
    }
  errno = saved;
  return n;
}

uint64_t
creport_dropped (void)
{
  int saved = errno;
  uint64_t n = 0;

  if (lock_enter ())
    {
      n = dropped_total + __atomic_load_n (&reentry_dropped, __ATOMIC_RELAXED);
      lock_leave ();
    }
  errno = saved;
  return n;
}
