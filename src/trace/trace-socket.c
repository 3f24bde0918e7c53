/* trace-socket.c — the set-up calls: socket, bind, listen, connect,
 * accept, accept4, setsockopt, close, and fork; and the library's start.
 *
 * Each hands the call on unchanged (apart from the loopback rules in
 * trace-confine.c), then notes what it learnt in the fd table and reports
 * it. errno is what the C library left; the return value is the C
 * library's.
 */
#include "trace-shim.h"

#include "trace-confine.h"
#include "trace-fault.h"
#include "trace-hold.h"
#include "trace-report.h"
#include "conclave-report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static __thread int inside __attribute__ ((tls_model ("initial-exec")));

int
trace_enter (void)
{
  if (inside)
    return 0;
  inside = 1;
  return 1;
}

void
trace_leave (void)
{
  inside = 0;
}

/* ---- start-up ------------------------------------------------------------ */

/* "python3 server.py --port 10001": the program's command line, for the
 * controller's `hello` (the inspector shows it). */
static void
read_command_line (char *out, size_t size)
{
  char buf[512];
  ssize_t n = 0;
  int fd = open ("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  const char *argv0;

  out[0] = '\0';
  if (fd < 0)
    return;
  n = REAL (read) (fd, buf, sizeof buf - 1);
  REAL (close) (fd);
  if (n <= 0)
    return;
  buf[n] = '\0';
  for (ssize_t i = 0; i < n - 1; i++)
    if (buf[i] == '\0')
      buf[i] = ' ';
  argv0 = strrchr (buf, '/');
  /* Only the first word's directory goes: "/usr/bin/python3 x.py" → "python3 x.py". */
  if (argv0 == NULL || memchr (buf, ' ', (size_t) (argv0 - buf)) != NULL)
    argv0 = buf;
  else
    argv0++;
  n = (ssize_t) strnlen (argv0, size - 1);
  memcpy (out, argv0, (size_t) n);
  out[n] = '\0';
}

__attribute__ ((constructor)) static void
trace_start (void)
{
  char program[256];

  trace_real_init ();
  if (getenv ("CONCLAVE_CONTROL") == NULL)
    return;
  inside = 1;
  read_command_line (program, sizeof program);
  creport_set_batching (1);
  trace_hold_init ();
  creport_init ("exec", program);
  creport_flush ();
  inside = 0;
}

/* The longest a process waits at exit for a controller that takes none of
 * its last lines: a stopped controller delays an exit by this at most (one
 * that keeps reading gets them all, up to 10 s; see creport_drain). */
#define TRACE_EXIT_DRAIN_MS 500

__attribute__ ((destructor)) static void
trace_stop (void)
{
  /* Whatever is still queued goes now: a slow controller (a sanitizer
   * build, a loaded machine) would otherwise lose the last lines unseen. */
  creport_drain (TRACE_EXIT_DRAIN_MS);
}

/* ---- helpers ------------------------------------------------------------- */

static void
report_socket (const char *op, int fd, TraceFdKind kind)
{
  TraceFdAddrs addrs;

  if (!trace_report_active ())
    return;
  trace_fd_addrs (fd, &addrs);
  trace_report_socket (op, kind, addrs.local, strcmp (op, "bind") && strcmp (op, "listen") ? addrs.peer : NULL);
}

static int
is_traced (TraceFdKind kind)
{
  return kind == TRACE_FD_UDP || kind == TRACE_FD_TCP;
}

/* The program closed the reporter's fd behind our back (close_range, a raw
 * system call) and the kernel gave the number out again: it is the
 * program's now, and must never carry a report. */
static void
forget_stolen_channel (int fd)
{
  if (fd == creport_fd ())
    creport_fd_closing (fd);
}

/* ---- wrappers ------------------------------------------------------------ */

TRACE_EXPORT int
socket (int domain, int type, int protocol)
{
  int fd = REAL (socket) (domain, type, protocol);
  int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  TraceFdKind kind = TRACE_FD_OTHER;

  if (fd < 0)
    return fd;
  forget_stolen_channel (fd);
  if (domain == AF_INET || domain == AF_INET6)
    kind = base == SOCK_DGRAM ? TRACE_FD_UDP : base == SOCK_STREAM ? TRACE_FD_TCP : TRACE_FD_OTHER;
  trace_fd_track (fd, kind);
  return fd;
}

/* bind() and listen() (which binds an unbound socket to a port of the
 * kernel's choice) both give the socket its local address: report it. */
static int
report_bound (int rc, int fd, const char *op)
{
  int saved = errno;
  TraceFdKind kind;

  if (rc != 0 || !trace_enter ())
    return rc;
  kind = trace_fd_classify (fd);
  if (is_traced (kind))
    {
      trace_fd_refresh_local (fd);
      trace_fd_test_and_set (fd, TRACE_FD_AUTOBOUND_TOLD);
      report_socket (op, fd, kind);
    }
  trace_leave ();
  errno = saved;
  return rc;
}

TRACE_EXPORT int
bind (int fd, const struct sockaddr *addr, socklen_t len)
{
  TraceSockaddr storage;

  if (trace_enter ())
    {
      if (trace_fd_classify (fd) == TRACE_FD_UDP)
        addr = trace_confine_bind (fd, addr, len, &storage);
      trace_leave ();
    }
  return report_bound (REAL (bind) (fd, addr, len), fd, "bind");
}

TRACE_EXPORT int
listen (int fd, int backlog)
{
  return report_bound (REAL (listen) (fd, backlog), fd, "listen");
}

static void
connected (int fd, TraceFdKind kind, const struct sockaddr *addr, socklen_t len)
{
  trace_fd_set_peer (fd, addr, len);
  trace_fd_refresh_local (fd);
  trace_fd_test_and_set (fd, TRACE_FD_AUTOBOUND_TOLD);
  if (kind == TRACE_FD_TCP)
    trace_fd_reset_offsets (fd);  /* a fresh stream: offsets from zero on both ends */
  if (addr != NULL && addr->sa_family != AF_UNSPEC)
    report_socket ("connect", fd, kind);
}

TRACE_EXPORT int
connect (int fd, const struct sockaddr *addr, socklen_t len)
{
  TraceSockaddr storage;
  TraceFdKind kind;
  int rc, saved;

  if (!trace_enter ())
    return REAL (connect) (fd, addr, len);
  kind = trace_fd_classify (fd);
  if (kind == TRACE_FD_UDP)
    addr = trace_confine_dest (fd, addr, len, &storage);
  creport_flush ();  /* it may wait */
  rc = REAL (connect) (fd, addr, len);
  saved = errno;
  if (is_traced (kind) && (rc == 0 || saved == EINPROGRESS))
    connected (fd, kind, addr, len);
  else if (is_traced (kind) && trace_report_active ())
    {
      char to[TRACE_ADDR_MAX];
      trace_addr_format (addr, len, to);
      trace_report_log ("warning", "connect to %s failed: %s", to, strerrorname_np (saved) ?: "error");
    }
  trace_leave ();
  errno = saved;
  return rc;
}

static void
accepted (int listener, int fd)
{
  forget_stolen_channel (fd);
  if (fd < 0 || trace_fd_classify (listener) != TRACE_FD_TCP)
    {
      if (fd >= 0)
        trace_fd_track (fd, TRACE_FD_UNKNOWN);
      return;
    }
  trace_fd_track (fd, TRACE_FD_TCP);
  trace_fd_refresh_local (fd);
  trace_fd_refresh_peer (fd);
  trace_fd_test_and_set (fd, TRACE_FD_AUTOBOUND_TOLD);
  report_socket ("accept", fd, TRACE_FD_TCP);
}

/* What accept and accept4 returned, reported (errno kept). */
static int
report_accepted (int fd, int rc)
{
  int saved = errno;

  if (rc < 0 || !trace_enter ())
    return rc;
  accepted (fd, rc);
  trace_leave ();
  errno = saved;
  return rc;
}

TRACE_EXPORT int
accept (int fd, struct sockaddr *addr, socklen_t *len)
{
  return report_accepted (fd, (creport_flush (), REAL (accept) (fd, addr, len)));
}

TRACE_EXPORT int
accept4 (int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
  return report_accepted (fd, (creport_flush (), REAL (accept4) (fd, addr, len, flags)));
}

TRACE_EXPORT int
setsockopt (int fd, int level, int name, const void *value, socklen_t len)
{
  char storage[64];
  int rc, saved;

  if (level != IPPROTO_IP || !trace_enter ())
    return REAL (setsockopt) (fd, level, name, value, len);
  if (trace_fd_classify (fd) == TRACE_FD_UDP)
    value = trace_confine_sockopt (fd, level, name, value, len, storage);
  rc = REAL (setsockopt) (fd, level, name, value, len);
  saved = errno;
  trace_leave ();
  errno = saved;
  return rc;
}

TRACE_EXPORT int
close (int fd)
{
  TraceFdKind kind = trace_fd_kind (fd);
  TraceFdAddrs addrs;
  int rc, saved;

  if (!trace_enter ())
    return REAL (close) (fd);
  /* Never let the program's fd number be written to by the reporter. */
  creport_fd_closing (fd);
  if (is_traced (kind))
    trace_fd_addrs (fd, &addrs);
  if (kind == TRACE_FD_UDP)
    trace_hold_forget_fd (fd);
  trace_fd_forget (fd);
  rc = REAL (close) (fd);
  saved = errno;
  if (rc == 0 && is_traced (kind) && trace_report_active ())
    trace_report_socket ("close", kind, addrs.local, addrs.peer);
  trace_leave ();
  errno = saved;
  return rc;
}

/* _exit skips destructors (multiprocessing's children end this way, right
 * after their last send): what is batched goes first. _Exit is the same. */
TRACE_EXPORT void
_exit (int status)
{
  creport_drain (TRACE_EXIT_DRAIN_MS);
  REAL (exit_now) (status);
}

TRACE_EXPORT void
_Exit (int status)
{
  creport_drain (TRACE_EXIT_DRAIN_MS);
  REAL (exit_now) (status);
}

TRACE_EXPORT pid_t
fork (void)
{
  pid_t pid = REAL (fork) ();
  int saved = errno;

  if (pid < 0)
    return pid;
  if (pid == 0)
    {
      /* The child: its own dice, its own connection, saying who its parent is. */
      inside = 0;
      trace_fault_after_fork ();
      trace_hold_after_fork ();
      creport_after_fork ();
      creport_flush ();
    }
  else if (trace_enter ())
    {
      trace_report_fork ((long) pid);
      trace_leave ();
    }
  errno = saved;
  return pid;
}
