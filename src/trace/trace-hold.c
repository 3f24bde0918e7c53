/* trace-hold.c — the shim's hold queue (step mode).
 *
 * Two lists under one mutex: `held` (waiting for the controller, in queue
 * order) and `ready` (released, waiting for the program's next receive on
 * their socket, in release order). A blocked receive wakes on its socket,
 * on the control channel, and every WAIT_MS to look again (another thread
 * may have read the command). Plain libc, like the rest of the shim; the
 * only place besides a fault's delay where the shim waits, and only while
 * the teacher holds the node.
 */
#include "trace-hold.h"

#include "trace-addr.h"
#include "trace-fault.h"
#include "trace-fd.h"
#include "trace-real.h"
#include "trace-report.h"
#include "conclave-protocol.h"
#include "conclave-report.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DATAGRAM_MAX 65536
#define WAIT_MS 50

typedef struct Entry {
  struct Entry *next;
  int           fd;
  int           copies;   /* ready: deliveries left (2 for a duplicate) */
  int           stream;   /* a TCP chunk */
  int           end;      /* a stream's end (error: its errno, 0 for EOF) */
  int           error;
  int64_t       off;      /* a chunk's stream offset */
  size_t        taken;    /* a chunk's bytes the program has had */
  uint64_t      hash;
  char          src[TRACE_ADDR_MAX];
  char          dst[TRACE_ADDR_MAX];
  TraceSockaddr from;
  socklen_t     from_len;
  size_t        len;
  unsigned char data[];
} Entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Entry *held;       /* oldest first */
static Entry *ready;      /* released first, first */
static int    holding;
static int    queued;     /* entries in either list: a quick "nothing here" (atomic) */

/* ---- lists (under the lock) ---------------------------------------------- */

static void
append (Entry **list, Entry *e)
{
  e->next = NULL;
  while (*list != NULL)
    list = &(*list)->next;
  *list = e;
}

/* Back where it was taken from: before every entry of its fd. */
static void
append_front (Entry **list, Entry *e)
{
  while (*list != NULL && (*list)->fd != e->fd)
    list = &(*list)->next;
  e->next = *list;
  *list = e;
}

static Entry *
unlink_first (Entry **list, int (*match) (const Entry *, const void *), const void *data)
{
  for (; *list != NULL; list = &(*list)->next)
    if (match (*list, data))
      {
        Entry *e = *list;

        *list = e->next;
        e->next = NULL;
        return e;
      }
  return NULL;
}

static int
on_fd (const Entry *e, const void *data)
{
  return e->fd == *(const int *) data;
}

static int
named_by (const Entry *e, const void *data)
{
  const CCommand *cmd = data;

  if (cmd->src[0] != '\0' && strcmp (cmd->src, e->src) != 0)
    return 0;
  if (e->stream)
    return cmd->has_off && !e->end && (double) e->off == cmd->off;
  return cmd->has_hash && e->hash == cmd->hash;
}

static int
any (const Entry *e, const void *data)
{
  return 1;
}

typedef enum { REPORT_HELD, REPORT_DROPPED, REPORT_RECEIVED } Report;

static void
report (const Entry *e, Report what)
{
  struct iovec iov = { (void *) e->data, e->len };
  TraceMsg msg = { e->stream ? TRACE_FD_TCP : TRACE_FD_UDP, e->src, e->dst, &iov, 1, e->len,
                   e->stream ? e->off : -1, 0 };

  if (what == REPORT_HELD)
    trace_report_held (&msg);
  else if (what == REPORT_DROPPED)
    trace_report_drop_held (&msg);
  else
    trace_report_recv (&msg);
}

/* ---- commands ------------------------------------------------------------ */

/* Everything held becomes ready, in queue order. Under the lock. */
static void
release_all_locked (void)
{
  Entry *e;

  while ((e = unlink_first (&held, any, NULL)) != NULL)
    {
      e->copies = 1;
      append (&ready, e);
    }
}

static void
release (const CCommand *cmd)
{
  Entry *e;

  pthread_mutex_lock (&lock);
  e = unlink_first (&held, named_by, cmd);
  if (e != NULL && e->stream && cmd->action != CCOMMAND_RELEASE_DELIVER)
    {
      /* a stream's bytes are never dropped, doubled or reordered */
      append_front (&held, e);
      pthread_mutex_unlock (&lock);
      trace_report_log (CONCLAVE_LEVEL_WARNING, "a TCP chunk can only be delivered, in order");
      return;
    }
  if (e != NULL && cmd->action == CCOMMAND_RELEASE_LATER)
    append (&held, e);
  else if (e != NULL && cmd->action == CCOMMAND_RELEASE_DROP)
    __atomic_sub_fetch (&queued, 1, __ATOMIC_RELAXED);
  else if (e != NULL)
    {
      e->copies = cmd->action == CCOMMAND_RELEASE_DUPLICATE ? 2 : 1;
      append (&ready, e);
    }
  pthread_mutex_unlock (&lock);
  if (e == NULL)
    trace_report_log (CONCLAVE_LEVEL_WARNING, "asked to release a message that is not held");
  else if (cmd->action == CCOMMAND_RELEASE_DROP)
    {
      report (e, REPORT_DROPPED);
      free (e);
    }
}

void
trace_hold_apply (const CCommand *cmd)
{
  if (cmd->type == CCOMMAND_RELEASE)
    {
      release (cmd);
      return;
    }
  pthread_mutex_lock (&lock);
  __atomic_store_n (&holding, cmd->on, __ATOMIC_RELAXED);
  if (!cmd->on)
    release_all_locked ();
  pthread_mutex_unlock (&lock);
  trace_report_log (CONCLAVE_LEVEL_INFO, cmd->on ? "holding every arriving message"
                                                 : "no longer holding messages");
}

void
trace_hold_lift (void)
{
  pthread_mutex_lock (&lock);
  __atomic_store_n (&holding, 0, __ATOMIC_RELAXED);
  release_all_locked ();
  pthread_mutex_unlock (&lock);
}

void
trace_hold_forget_fd (int fd)
{
  Entry *e;

  if (__atomic_load_n (&queued, __ATOMIC_RELAXED) == 0)
    return;
  for (;;)
    {
      pthread_mutex_lock (&lock);
      if ((e = unlink_first (&held, on_fd, &fd)) == NULL)
        e = unlink_first (&ready, on_fd, &fd);
      if (e != NULL)
        __atomic_sub_fetch (&queued, 1, __ATOMIC_RELAXED);
      pthread_mutex_unlock (&lock);
      if (e == NULL)
        return;
      if (!e->end)
        report (e, REPORT_DROPPED);
      free (e);
    }
}

void
trace_hold_after_fork (void)
{
  Entry *e;

  /* Single-threaded now; the lock may have been taken by a vanished thread. */
  pthread_mutex_init (&lock, NULL);
  while ((e = unlink_first (&held, any, NULL)) != NULL)
    free (e);
  while ((e = unlink_first (&ready, any, NULL)) != NULL)
    free (e);
  queued = 0;
}

void
trace_hold_init (void)
{
  const char *env = getenv (CONCLAVE_ENV_HOLD);

  __atomic_store_n (&holding, env != NULL && strcmp (env, "1") == 0, __ATOMIC_RELAXED);
}

/* ---- receiving ----------------------------------------------------------- */

int
trace_hold_wanted (int fd)
{
  return __atomic_load_n (&holding, __ATOMIC_RELAXED) || __atomic_load_n (&queued, __ATOMIC_RELAXED) > 0;
}

static void
enqueue (Entry *e)
{
  pthread_mutex_lock (&lock);
  append (&held, e);
  __atomic_add_fetch (&queued, 1, __ATOMIC_RELAXED);
  pthread_mutex_unlock (&lock);
}

/* An entry for fd with room for the longest read; its ends named. */
static Entry *
entry_new (int fd, const TraceFdAddrs *addrs, int stream)
{
  Entry *e = calloc (1, sizeof *e + DATAGRAM_MAX);

  if (e == NULL)
    return NULL;
  e->fd = fd;
  e->stream = stream;
  e->from_len = sizeof e->from;
  memcpy (e->src, addrs->peer, sizeof e->src);
  memcpy (e->dst, addrs->local, sizeof e->dst);
  return e;
}

/* The entry cut to the n bytes that came. */
static Entry *
entry_fit (Entry *e, ssize_t n)
{
  Entry *fit = realloc (e, sizeof *e + (size_t) n);

  e = fit != NULL ? fit : e;
  e->len = (size_t) n;
  return e;
}

/* Reads what the kernel has for stream fd into the queue, a chunk a read;
 * the stream's end (or error) waits there behind them. */
static void
drain_stream (int fd)
{
  TraceFdAddrs addrs;

  trace_fd_addrs (fd, &addrs);
  for (;;)
    {
      Entry *e = entry_new (fd, &addrs, 1);
      ssize_t n;

      if (e == NULL)
        return;
      n = REAL (recv) (fd, e->data, DATAGRAM_MAX, MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        {
          free (e);
          return;
        }
      if (n <= 0)
        {
          e->end = 1;
          e->error = n < 0 ? errno : 0;
          enqueue (e);
          return;
        }
      e = entry_fit (e, n);
      e->off = (int64_t) trace_fd_advance (fd, 0, (size_t) n);
      report (e, REPORT_HELD);
      enqueue (e);
    }
}

/* Reads every datagram the kernel has for fd into the queue (a fault may
 * eat one on the way, as in an ordinary receive). */
static void
drain_kernel (int fd)
{
  TraceFdAddrs addrs;

  trace_fd_addrs (fd, &addrs);
  for (;;)
    {
      Entry *e = entry_new (fd, &addrs, 0);
      ssize_t n;
      TraceVerdict verdict;

      if (e == NULL)
        return;
      n = REAL (recvfrom) (fd, e->data, DATAGRAM_MAX, MSG_DONTWAIT, &e->from.sa, &e->from_len);
      if (n < 0)
        {
          free (e);
          return;
        }
      e = entry_fit (e, n);
      e->hash = creport_hash (e->data, e->len);
      trace_addr_format (&e->from.sa, e->from_len, e->src);
      if ((verdict = trace_fault_judge (e->src, 1)) != TRACE_PASS)
        {
          struct iovec iov = { e->data, e->len };
          TraceMsg msg = { TRACE_FD_UDP, e->src, e->dst, &iov, 1, e->len, -1, 0 };

          trace_report_drop (&msg, 1, verdict == TRACE_ISOLATED);
          free (e);
          continue;
        }
      report (e, REPORT_HELD);
      enqueue (e);
    }
}

/* A piece of a released chunk (at most `want` bytes), as the program
 * gets it: reported as received at its own offset. Under the lock. */
static void
take_piece (Entry *e, size_t want, int peek, TraceHeld *out)
{
  size_t n = e->len - e->taken < want ? e->len - e->taken : want;
  struct iovec iov = { e->data + e->taken, n };
  TraceMsg msg = { TRACE_FD_TCP, e->src, e->dst, &iov, 1, n, e->off + (int64_t) e->taken, 0 };

  out->len = n;
  out->data = malloc (n ? n : 1);
  if (out->data != NULL)
    memcpy (out->data, e->data + e->taken, n);
  if (peek || e->end)
    return;
  trace_report_recv (&msg);
  e->taken += n;
}

/* The first ready datagram (or chunk, or a stream's end) of fd, copied
 * or taken; 1 if there was one. */
static int
take_ready (int fd, size_t want, int peek, TraceHeld *out)
{
  Entry *e;
  int last = 0;

  pthread_mutex_lock (&lock);
  for (e = ready; e != NULL && e->fd != fd; e = e->next)
    ;
  /* a stream's end goes once everything before it has */
  if (e == NULL)
    {
      Entry **list = &held;

      while (*list != NULL && (*list)->fd != fd)
        list = &(*list)->next;
      if (*list != NULL && (*list)->end)
        {
          e = *list;
          *list = e->next;
          e->copies = 1;
          append (&ready, e);
        }
    }
  if (e != NULL)
    {
      out->from = e->from;
      out->from_len = e->from_len;
      out->end = e->end;
      out->error = e->error;
      if (e->stream)
        take_piece (e, want, peek, out);
      else
        {
          out->len = e->len;
          out->data = malloc (e->len ? e->len : 1);
          if (out->data != NULL)
            memcpy (out->data, e->data, e->len);
          /* under the lock: a duplicate's other copy may be taken meanwhile */
          if (!peek)
            report (e, REPORT_RECEIVED);
        }
      last = !peek && (e->stream ? e->end || e->taken == e->len : --e->copies == 0);
      if (last)
        {
          unlink_first (&ready, on_fd, &fd);
          __atomic_sub_fetch (&queued, 1, __ATOMIC_RELAXED);
        }
    }
  pthread_mutex_unlock (&lock);
  if (last)
    free (e);
  return e != NULL && out->data != NULL;
}

static int
nothing_for (int fd)
{
  Entry *e;
  int none = 1;

  pthread_mutex_lock (&lock);
  for (e = held; e != NULL && none; e = e->next)
    none = e->fd != fd;
  for (e = ready; e != NULL && none; e = e->next)
    none = e->fd != fd;
  pthread_mutex_unlock (&lock);
  return none;
}

/* Sleeps until fd or the channel has something, WAIT_MS at most; -1 on a
 * signal. Commands that came are applied. */
static int
wait_a_little (int fd)
{
  struct pollfd fds[2] = { { fd, POLLIN, 0 }, { creport_fd (), POLLIN, 0 } };
  int n;

  creport_flush ();  /* what was just held goes out before we wait (batching) */
  n = poll (fds, fds[1].fd >= 0 ? 2 : 1, WAIT_MS);

  if (n < 0 && errno == EINTR)
    return -1;
  trace_fault_poll_now ();
  return 0;
}

int
trace_hold_receive (int fd, int stream, size_t want, int nonblock, int peek, TraceHeld *out)
{
  for (;;)
    {
      if (take_ready (fd, want, peek, out))
        return 1;
      if (!__atomic_load_n (&holding, __ATOMIC_RELAXED) && nothing_for (fd))
        return 0;
      if (__atomic_load_n (&holding, __ATOMIC_RELAXED))
        (stream ? drain_stream : drain_kernel) (fd);
      if (take_ready (fd, want, peek, out))
        return 1;
      if (nonblock)
        {
          errno = EAGAIN;
          return -1;
        }
      if (wait_a_little (fd) < 0)
        {
          errno = EINTR;
          return -1;
        }
    }
}
