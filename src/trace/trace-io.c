/* trace-io.c — the data calls: send, sendto, sendmsg, sendmmsg, recv,
 * recvfrom, recvmsg, recvmmsg (and the fortified __recv_chk,
 * __recvfrom_chk), and read/write on a socket.
 *
 * Every one follows the same steps: apply the loopback rules, the
 * controller's faults (a message the dice eat is reported as a `drop` and
 * looks sent, or is never seen, to the program), make the real call, report
 * what went or came. The program sees the C library's return value and
 * errno, and its own buffers untouched. Nothing here waits for the
 * controller; a fault's delay waits on purpose.
 */
#include "trace-shim.h"

#include "trace-confine.h"
#include "trace-fault.h"
#include "trace-hold.h"
#include "trace-report.h"
#include "conclave-report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One traced call in progress. */
typedef struct {
  int                    fd;
  TraceFdKind            kind;
  int                    active;    /* a controller listens */
  const struct sockaddr *peer;      /* given destination / reported source; NULL: connected peer */
  socklen_t              peer_len;
  TraceFdAddrs           addrs;
  char                   peer_text[TRACE_ADDR_MAX];
  int                    peer_ready; /* peer_text already holds the peer */
  TraceMsg               msg;
} Op;

typedef enum { RECV_DELIVER, RECV_AGAIN, RECV_EATEN } RecvFate;

static int
is_traced (TraceFdKind kind)
{
  return kind == TRACE_FD_UDP || kind == TRACE_FD_TCP;
}

/* 1 if the call is traced (the thread is then inside the shim until
 * op_finish); 0 to hand it on untouched. */
static int
op_begin (Op *op, int fd, TraceFdKind kind)
{
  if (!is_traced (kind) || !trace_enter ())
    return 0;
  op->fd = fd;
  op->kind = kind;
  op->active = trace_report_active ();
  op->peer = NULL;
  op->peer_len = 0;
  op->peer_ready = 0;
  memset (&op->msg, 0, sizeof op->msg);
  op->msg.kind = kind;
  op->msg.off = -1;
  return 1;
}

static ssize_t
op_finish (Op *op, ssize_t result, int error)
{
  trace_leave ();
  errno = error;
  return result;
}

static size_t
iov_total (const struct iovec *iov, size_t n)
{
  size_t total = 0;

  for (size_t i = 0; i < n; i++)
    total += iov[i].iov_len;
  return total;
}

static void
op_payload (Op *op, const struct iovec *iov, size_t iovcnt, size_t len)
{
  op->msg.iov = iov;
  op->msg.iovcnt = (int) iovcnt;
  op->msg.len = len;
}

/* Source and destination as protocol strings. A datagram names its own
 * peer; a stream (or a connected datagram socket) has one. */
static void
op_ends (Op *op, int outgoing)
{
  const char *peer = op->addrs.peer;

  trace_fd_addrs (op->fd, &op->addrs);
  if (op->kind == TRACE_FD_UDP && op->peer_ready)
    peer = op->peer_text;
  else if (op->kind == TRACE_FD_UDP && op->peer != NULL
           && trace_addr_format (op->peer, op->peer_len, op->peer_text) > 0)
    peer = op->peer_text;
  op->msg.src = outgoing ? op->addrs.local : peer;
  op->msg.dst = outgoing ? peer : op->addrs.local;
}

static int
would_block (int fd, int flags)
{
  int fl;

  if (flags & MSG_DONTWAIT)
    return 0;
  fl = fcntl (fd, F_GETFL);
  return fl >= 0 && !(fl & O_NONBLOCK);
}

/* ---- sending ------------------------------------------------------------- */

/* Faults before a send. 1 if the message was eaten (and reported). */
static int
op_send_faulted (Op *op)
{
  TraceVerdict verdict;
  unsigned delay;

  if (!op->active)
    return 0;
  trace_fault_poll ();
  op_ends (op, 1);
  verdict = trace_fault_judge (op->msg.dst, op->kind == TRACE_FD_UDP);
  if (verdict != TRACE_PASS)
    {
      trace_report_drop (&op->msg, 0, verdict == TRACE_ISOLATED);
      return 1;
    }
  if ((delay = trace_fault_delay_ms (op->kind == TRACE_FD_UDP)) > 0)
    trace_fault_sleep (delay);
  /* Taken before the real call: a send never looks later than its receive. */
  op->msg.t = creport_now_ns ();
  return 0;
}

static void
op_sent (Op *op, ssize_t n)
{
  if (!op->active || n < 0 || (n == 0 && op->kind == TRACE_FD_TCP))
    return;
  /* Again: a datagram socket's first send gave it its port. */
  op_ends (op, 1);
  op->msg.len = (size_t) n;
  if (op->kind == TRACE_FD_TCP)
    op->msg.off = (int64_t) trace_fd_advance (op->fd, 1, (size_t) n);
  trace_report_send (&op->msg);
  if (op->kind == TRACE_FD_UDP && !trace_fd_test_and_set (op->fd, TRACE_FD_AUTOBOUND_TOLD))
    trace_report_socket ("bind", op->kind, op->addrs.local, NULL);
}

/* The common path of every single-message send; `call` makes the real one. */
#define TRACED_SEND(op, total, call)                         \
  do {                                                       \
    ssize_t n_;                                              \
    int error_;                                              \
    if (op_send_faulted (op))                                \
      return op_finish (op, (ssize_t) (total), errno);       \
    n_ = (call);                                             \
    error_ = errno;                                          \
    op_sent (op, n_);                                        \
    return op_finish (op, n_, error_);                       \
  } while (0)

TRACE_EXPORT ssize_t
sendto (int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
  struct iovec iov = { (void *) buf, len };
  TraceSockaddr storage;
  Op op;

  if (!op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (sendto) (fd, buf, len, flags, to, tolen);
  if (to != NULL && op.kind == TRACE_FD_UDP)
    to = trace_confine_dest (fd, to, tolen, &storage);
  op.peer = to;
  op.peer_len = tolen;
  op_payload (&op, &iov, 1, len);
  TRACED_SEND (&op, len, REAL (sendto) (fd, buf, len, flags, to, tolen));
}

TRACE_EXPORT ssize_t
send (int fd, const void *buf, size_t len, int flags)
{
  struct iovec iov = { (void *) buf, len };
  Op op;

  if (!op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (send) (fd, buf, len, flags);
  op_payload (&op, &iov, 1, len);
  TRACED_SEND (&op, len, REAL (send) (fd, buf, len, flags));
}

TRACE_EXPORT ssize_t
write (int fd, const void *buf, size_t len)
{
  struct iovec iov = { (void *) buf, len };
  Op op;

  /* Files too come this way: never probe, only known sockets are traced. */
  if (!op_begin (&op, fd, trace_fd_kind (fd)))
    return REAL (write) (fd, buf, len);
  op_payload (&op, &iov, 1, len);
  TRACED_SEND (&op, len, REAL (write) (fd, buf, len));
}

/* A copy of msg whose destination is kept on loopback, if it must be. */
static const struct msghdr *
confine_msghdr (int fd, const struct msghdr *msg, struct msghdr *copy, TraceSockaddr *storage)
{
  const struct sockaddr *to;

  if (msg->msg_name == NULL)
    return msg;
  to = trace_confine_dest (fd, msg->msg_name, msg->msg_namelen, storage);
  if (to == msg->msg_name)
    return msg;
  *copy = *msg;
  copy->msg_name = (void *) to;
  return copy;
}

TRACE_EXPORT ssize_t
sendmsg (int fd, const struct msghdr *msg, int flags)
{
  struct msghdr copy;
  TraceSockaddr storage;
  Op op;

  if (msg == NULL || !op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (sendmsg) (fd, msg, flags);
  if (op.kind == TRACE_FD_UDP)
    msg = confine_msghdr (fd, msg, &copy, &storage);
  op.peer = msg->msg_name;
  op.peer_len = msg->msg_namelen;
  op_payload (&op, msg->msg_iov, msg->msg_iovlen, iov_total (msg->msg_iov, msg->msg_iovlen));
  TRACED_SEND (&op, op.msg.len, REAL (sendmsg) (fd, msg, flags));
}

static int
mmsg_needs_confining (int fd, struct mmsghdr *vec, unsigned n)
{
  TraceSockaddr storage;

  for (unsigned i = 0; i < n; i++)
    if (vec[i].msg_hdr.msg_name != NULL
        && trace_confine_dest (fd, vec[i].msg_hdr.msg_name, vec[i].msg_hdr.msg_namelen, &storage)
           != vec[i].msg_hdr.msg_name)
      return 1;
  return 0;
}

/* sendmmsg with a rewritten destination: one message at a time, as the
 * kernel would report it (the count sent, or -1 if the first failed). */
static int
sendmmsg_confined (int fd, struct mmsghdr *vec, unsigned n, int flags)
{
  unsigned i;

  for (i = 0; i < n; i++)
    {
      struct msghdr copy;
      TraceSockaddr storage;
      const struct msghdr *m = confine_msghdr (fd, &vec[i].msg_hdr, &copy, &storage);
      ssize_t sent = REAL (sendmsg) (fd, m, flags);

      if (sent < 0)
        return i > 0 ? (int) i : -1;
      vec[i].msg_len = (unsigned) sent;
    }
  return (int) i;
}

static void
report_mmsg (Op *op, int outgoing, struct mmsghdr *vec, int n)
{
  for (int i = 0; op->active && i < n; i++)
    {
      op->peer = vec[i].msg_hdr.msg_name;
      op->peer_len = vec[i].msg_hdr.msg_namelen;
      op_payload (op, vec[i].msg_hdr.msg_iov, vec[i].msg_hdr.msg_iovlen, vec[i].msg_len);
      op->msg.t = 0;
      op->msg.off = -1;
      if (outgoing)
        op_sent (op, (ssize_t) vec[i].msg_len);
      else
        {
          op_ends (op, 0);
          if (op->kind == TRACE_FD_TCP)
            op->msg.off = (int64_t) trace_fd_advance (op->fd, 0, vec[i].msg_len);
          trace_report_recv (&op->msg);
        }
    }
}

/* Batches are traced and kept on loopback; faults apply to single calls. */
TRACE_EXPORT int
sendmmsg (int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
  Op op;
  int rc, error;

  if (vec == NULL || !op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (sendmmsg) (fd, vec, n, flags);
  if (op.kind == TRACE_FD_UDP && mmsg_needs_confining (fd, vec, n))
    rc = sendmmsg_confined (fd, vec, n, flags);
  else
    rc = REAL (sendmmsg) (fd, vec, n, flags);
  error = errno;
  report_mmsg (&op, 1, vec, rc);
  return (int) op_finish (&op, rc, error);
}

/* ---- receiving ----------------------------------------------------------- */

/* Before a receive, which may wait: what is queued goes to the controller
 * now (the reporter batches, see creport_set_batching). */
static void
op_before_wait (Op *op)
{
  if (op->active)
    creport_flush ();
}

/* After a receive: report it, or let a fault eat it. */
static RecvFate
op_received (Op *op, ssize_t n, int flags)
{
  TraceVerdict verdict;
  unsigned delay;

  if (!op->active || n < 0 || (flags & MSG_PEEK) || (n == 0 && op->kind == TRACE_FD_TCP))
    return RECV_DELIVER;
  trace_fault_poll ();
  op_ends (op, 0);
  op->msg.len = (size_t) n;
  /* A stream cannot lose bytes in the middle: faults on TCP act at the sender. */
  if (op->kind == TRACE_FD_UDP && (verdict = trace_fault_judge (op->msg.src, 1)) != TRACE_PASS)
    {
      trace_report_drop (&op->msg, 1, verdict == TRACE_ISOLATED);
      return would_block (op->fd, flags) ? RECV_AGAIN : RECV_EATEN;
    }
  if ((delay = trace_fault_delay_ms (op->kind == TRACE_FD_UDP)) > 0 && would_block (op->fd, flags))
    trace_fault_sleep (delay);
  if (op->kind == TRACE_FD_TCP)
    op->msg.off = (int64_t) trace_fd_advance (op->fd, 0, (size_t) n);
  op->msg.t = 0;
  trace_report_recv (&op->msg);
  return RECV_DELIVER;
}

/* The common loop of every single-message receive: `call` makes the real
 * one and may be repeated when a fault ate what came. */
#define TRACED_RECV(op, flags, call)                                    \
  do {                                                                  \
    ssize_t n_;                                                         \
    int error_;                                                         \
    RecvFate fate_;                                                     \
    op_before_wait (op);                                                \
    do                                                                  \
      {                                                                 \
        n_ = (call);                                                    \
        error_ = errno;                                                 \
        fate_ = op_received (op, n_, flags);                            \
      }                                                                 \
    while (fate_ == RECV_AGAIN);                                        \
    if (fate_ == RECV_EATEN)                                            \
      return op_finish (op, -1, EAGAIN);                                \
    return op_finish (op, n_, error_);                                  \
  } while (0)

/* ---- held receives (step mode) ------------------------------------------- */

/* Copies a released datagram into the program's buffers as the kernel
 * would: cut to fit (unless MSG_TRUNC asks for the real length), the
 * source cut to the program's address buffer. Returns the call's result. */
static ssize_t
hand_over (TraceHeld *h, const struct iovec *iov, size_t iovcnt, int flags,
           struct sockaddr *addr, socklen_t *addr_len, int *msg_flags)
{
  size_t done = 0;

  for (size_t i = 0; i < iovcnt && done < h->len; i++)
    {
      size_t n = iov[i].iov_len < h->len - done ? iov[i].iov_len : h->len - done;

      memcpy (iov[i].iov_base, h->data + done, n);
      done += n;
    }
  if (addr != NULL && addr_len != NULL)
    {
      memcpy (addr, &h->from, h->from_len < *addr_len ? h->from_len : *addr_len);
      *addr_len = h->from_len;
    }
  if (msg_flags != NULL)
    *msg_flags = done < h->len ? MSG_TRUNC : 0;
  free (h->data);
  if (h->end)  /* a stream's end, held behind its last chunk */
    return h->error != 0 ? (errno = h->error, -1) : 0;
  return (flags & MSG_TRUNC) ? (ssize_t) h->len : (ssize_t) done;
}

/* A receive on a held datagram socket. 1 if it was answered (*result,
 * errno set), 0 to take the ordinary path. */
static int
held_receive (Op *op, const struct iovec *iov, size_t iovcnt, int flags,
              struct sockaddr *addr, socklen_t *addr_len, int *msg_flags, ssize_t *result)
{
  TraceHeld h;
  int rc;

  if (!op->active)
    return 0;
  trace_fault_poll ();  /* a hold sent on hello is read before the first receive */
  if (!trace_hold_wanted (op->fd))
    return 0;
  op_before_wait (op);
  rc = trace_hold_receive (op->fd, op->kind == TRACE_FD_TCP, iov_total (iov, iovcnt),
                           !would_block (op->fd, flags), (flags & MSG_PEEK) != 0, &h);
  if (rc == 0)
    return 0;
  *result = rc < 0 ? -1 : hand_over (&h, iov, iovcnt, flags, addr, addr_len, msg_flags);
  return 1;
}

#define HELD_RECEIVE(op, iov, iovcnt, flags, addr, addr_len, msg_flags)                 \
  do {                                                                                  \
    ssize_t r_;                                                                         \
    if (held_receive (op, iov, iovcnt, flags, addr, addr_len, msg_flags, &r_))          \
      return op_finish (op, r_, errno);                                                 \
  } while (0)

/* The source address of a receive, for the report: the kernel always fills
 * our own buffer, and the program gets what it would have got, the address
 * cut to its buffer's size and the full length in *len (or nothing, if it
 * did not ask). */
typedef struct {
  TraceSockaddr    own;
  socklen_t        own_len;
  struct sockaddr *addr;      /* the program's, or NULL */
  socklen_t       *len;
} Source;

static void
source_init (Source *s, struct sockaddr *addr, socklen_t *len)
{
  s->addr = addr && len ? addr : NULL;
  s->len = addr && len ? len : NULL;
}

static void
source_hand_over (Source *s)
{
  if (s->addr == NULL)
    return;
  memcpy (s->addr, &s->own, s->own_len < *s->len ? s->own_len : *s->len);
  *s->len = s->own_len;
}

/* recvfrom that keeps the source for the report. */
static ssize_t
recvfrom_noting (Op *op, Source *s, void *buf, size_t len, int flags)
{
  ssize_t n;

  s->own_len = sizeof s->own;
  n = REAL (recvfrom) (op->fd, buf, len, flags, &s->own.sa, &s->own_len);
  if (n >= 0)
    source_hand_over (s);
  op->peer = n >= 0 ? &s->own.sa : NULL;
  op->peer_len = s->own_len;
  return n;
}

TRACE_EXPORT ssize_t
recvfrom (int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
  struct iovec iov = { buf, len };
  Source src;
  Op op;

  /* An address without a length is the kernel's to refuse (EFAULT). */
  if ((from != NULL && fromlen == NULL) || !op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (recvfrom) (fd, buf, len, flags, from, fromlen);
  source_init (&src, from, fromlen);
  op_payload (&op, &iov, 1, 0);
  HELD_RECEIVE (&op, &iov, 1, flags, src.addr, src.len, NULL);
  TRACED_RECV (&op, flags, recvfrom_noting (&op, &src, buf, len, flags));
}

TRACE_EXPORT ssize_t
recv (int fd, void *buf, size_t len, int flags)
{
  struct iovec iov = { buf, len };
  Source src;
  Op op;

  if (!op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (recv) (fd, buf, len, flags);
  op_payload (&op, &iov, 1, 0);
  HELD_RECEIVE (&op, &iov, 1, flags, NULL, NULL, NULL);
  if (op.kind == TRACE_FD_TCP)
    TRACED_RECV (&op, flags, REAL (recv) (fd, buf, len, flags));
  /* recv is recvfrom without an address: ask for one to report it. */
  source_init (&src, NULL, NULL);
  TRACED_RECV (&op, flags, recvfrom_noting (&op, &src, buf, len, flags));
}

TRACE_EXPORT ssize_t
read (int fd, void *buf, size_t len)
{
  struct iovec iov = { buf, len };
  Source src;
  Op op;

  if (!op_begin (&op, fd, trace_fd_kind (fd)))
    return REAL (read) (fd, buf, len);
  op_payload (&op, &iov, 1, 0);
  HELD_RECEIVE (&op, &iov, 1, 0, NULL, NULL, NULL);
  if (op.kind == TRACE_FD_TCP)
    TRACED_RECV (&op, 0, REAL (read) (fd, buf, len));
  source_init (&src, NULL, NULL);
  TRACED_RECV (&op, 0, recvfrom_noting (&op, &src, buf, len, 0));
}

/* _FORTIFY_SOURCE builds call these instead; the C library checks the
 * buffer, we trace as for recv and recvfrom. */
TRACE_EXPORT ssize_t
__recv_chk (int fd, void *buf, size_t len, size_t buflen, int flags)
{
  if (len > buflen)
    return REAL (recv_chk) (fd, buf, len, buflen, flags);  /* aborts, as it must */
  return recv (fd, buf, len, flags);
}

TRACE_EXPORT ssize_t
__recvfrom_chk (int fd, void *buf, size_t len, size_t buflen, int flags,
                struct sockaddr *from, socklen_t *fromlen)
{
  if (len > buflen)
    return REAL (recvfrom_chk) (fd, buf, len, buflen, flags, from, fromlen);
  return recvfrom (fd, buf, len, flags, from, fromlen);
}

/* recvmsg on a copy of the header that names our own address buffer; what
 * the kernel writes back is handed to the program's header as the kernel
 * would have written it. */
static ssize_t
recvmsg_with_source (int fd, struct msghdr *msg, int flags, Op *op)
{
  TraceSockaddr own;
  struct msghdr copy = *msg;
  ssize_t n;

  copy.msg_name = &own;
  copy.msg_namelen = sizeof own;
  n = REAL (recvmsg) (fd, &copy, flags);
  if (n < 0)
    return n;
  msg->msg_flags = copy.msg_flags;
  msg->msg_controllen = copy.msg_controllen;
  if (msg->msg_name != NULL)
    {
      memcpy (msg->msg_name, &own, copy.msg_namelen < msg->msg_namelen ? copy.msg_namelen : msg->msg_namelen);
      msg->msg_namelen = copy.msg_namelen;
    }
  /* Formatted now: `own` goes out of scope. */
  op->peer_ready = trace_addr_format (&own.sa, copy.msg_namelen, op->peer_text) > 0;
  return n;
}

TRACE_EXPORT ssize_t
recvmsg (int fd, struct msghdr *msg, int flags)
{
  Op op;
  ssize_t held;

  if (msg == NULL || !op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (recvmsg) (fd, msg, flags);
  op_payload (&op, msg->msg_iov, msg->msg_iovlen, 0);
  if (held_receive (&op, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name,
                    msg->msg_name ? &msg->msg_namelen : NULL, &msg->msg_flags, &held))
    {
      if (held >= 0)
        msg->msg_controllen = 0;  /* no ancillary data comes with a held datagram */
      return op_finish (&op, held, errno);
    }
  TRACED_RECV (&op, flags, recvmsg_with_source (fd, msg, flags, &op));
}

/* A batch on a held socket: the first datagram waits as recvmsg would,
 * the rest are only those already released (as with MSG_WAITFORONE), so
 * the program sees each one when the teacher releases it. 1 if answered
 * (*result, errno set), 0 to take the ordinary path. */
static int
held_receive_batch (Op *op, struct mmsghdr *vec, unsigned int n, int flags, int *result)
{
  int got = 0;

  for (unsigned int i = 0; i < n; i++)
    {
      struct msghdr *m = &vec[i].msg_hdr;
      ssize_t r;

      if (!held_receive (op, m->msg_iov, m->msg_iovlen, i == 0 ? flags : flags | MSG_DONTWAIT,
                         m->msg_name, m->msg_name ? &m->msg_namelen : NULL, &m->msg_flags, &r))
        break;
      if (r < 0)
        {
          *result = got > 0 ? got : -1;
          if (got > 0)
            errno = 0;
          return 1;
        }
      m->msg_controllen = 0;  /* no ancillary data comes with a held datagram */
      vec[i].msg_len = (unsigned int) r;
      got++;
      if (flags & MSG_PEEK)
        break;  /* a peek would only see the same one again */
    }
  *result = got;
  return got > 0;
}

TRACE_EXPORT int
recvmmsg (int fd, struct mmsghdr *vec, unsigned int n, int flags, struct timespec *timeout)
{
  Op op;
  int rc, error;

  if (vec == NULL || !op_begin (&op, fd, trace_fd_classify (fd)))
    return REAL (recvmmsg) (fd, vec, n, flags, timeout);
  if (op.kind == TRACE_FD_UDP && n > 0 && held_receive_batch (&op, vec, n, flags, &rc))
    return (int) op_finish (&op, rc, errno);
  op_before_wait (&op);
  rc = REAL (recvmmsg) (fd, vec, n, flags, timeout);
  error = errno;
  if (!(flags & MSG_PEEK))
    report_mmsg (&op, 0, vec, rc);
  return (int) op_finish (&op, rc, error);
}
