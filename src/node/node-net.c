/* node-net.c — sockets of conclave-node, with faults and reporting built in.
 *
 * The only file of the node that calls send/recv on the data plane. A
 * delayed message (fault delay) waits in a loop timer; closing a link
 * cancels its delayed messages so no timer outlives its socket. Errors of
 * the network are narrated and reported, never fatal.
 */
#include "node-net.h"

#include "conclave-protocol.h"
#include "conclave-report.h"
#include "node-control.h"
#include "node-hold.h"
#include "node-loop.h"
#include "node-report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATAGRAM_MAX 65536
#define READS_PER_WAKEUP 64

/* A message held back by a delay fault. */
typedef struct {
  NodeLink    link;
  gboolean    incoming;
  GBytes     *wire;       /* outgoing: what goes on the wire; incoming: as received */
  NodeWireMsg msg;        /* outgoing only: payload points into wire */
  NodeMsgFunc func;       /* incoming only */
  gpointer    data;
  guint       timer;
} Delayed;

static GList *delayed;  /* of Delayed*, owned by their timers */
static guint64 garbage_count;
static gboolean quit_when_sent;
static int quit_code;
static NodeSenderFunc sender_func;

static const char *
proto_name (NodeProto proto)
{
  switch (proto)
    {
    case NODE_PROTO_TCP: return "tcp";
    case NODE_PROTO_UNIX: return "unix";
    case NODE_PROTO_UDP:
    default: return "udp";
    }
}

void
node_net_loopback (guint16 port, struct sockaddr_in *addr)
{
  memset (addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_port = htons (port);
  addr->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
}

static gboolean
fail (GError **error, const char *what, const struct sockaddr_in *addr)
{
  int saved = errno;
  char text[NODE_ADDR_LEN];

  node_addr_format (addr, text);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               "cannot %s %s: %s", what, text, g_strerror (saved));
  return FALSE;
}

static void
local_address (int fd, struct sockaddr_in *local)
{
  socklen_t len = sizeof *local;

  getsockname (fd, (struct sockaddr *) local, &len);
}

/* socket() + bind() on host:port; -1 with error on failure. */
static int
open_bound (int type, struct in_addr host, guint16 port, struct sockaddr_in *local, GError **error)
{
  int fd = socket (AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;

  node_net_loopback (port, local);
  local->sin_addr = host;
  if (fd < 0)
    return fail (error, "create a socket for", local), -1;
  if (type == SOCK_STREAM)
    setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) local, sizeof *local) < 0)
    {
      fail (error, "bind", local);
      close (fd);
      return -1;
    }
  local_address (fd, local);
  node_report_socket ("bind", type == SOCK_STREAM ? "tcp" : "udp", local, NULL);
  return fd;
}

int
node_net_udp_open (guint16 port, struct sockaddr_in *local, GError **error)
{
  struct in_addr lo = { htonl (INADDR_LOOPBACK) };

  return open_bound (SOCK_DGRAM, lo, port, local, error);
}

int
node_net_udp_open_at (struct in_addr host, guint16 port, struct sockaddr_in *local, GError **error)
{
  return open_bound (SOCK_DGRAM, host, port, local, error);
}

int
node_net_tcp_listen (guint16 port, struct sockaddr_in *local, GError **error)
{
  struct in_addr lo = { htonl (INADDR_LOOPBACK) };
  int fd = open_bound (SOCK_STREAM, lo, port, local, error);

  if (fd < 0)
    return -1;
  if (listen (fd, SOMAXCONN) < 0)
    {
      fail (error, "listen on", local);
      close (fd);
      return -1;
    }
  node_report_socket ("listen", "tcp", local, NULL);
  return fd;
}

gboolean
node_net_tcp_connect (guint16 port, NodeLink *link, GError **error)
{
  /* Loopback connects at once or is refused; the timeout only guards
   * against a server whose backlog is full. */
  struct timeval timeout = { 2, 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  link->proto = NODE_PROTO_TCP;
  node_net_loopback (port, &link->peer);
  if (fd < 0)
    return fail (error, "create a socket for", &link->peer);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (connect (fd, (struct sockaddr *) &link->peer, sizeof link->peer) < 0)
    {
      fail (error, "connect to", &link->peer);
      close (fd);
      return FALSE;
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  link->fd = fd;
  local_address (fd, &link->local);
  node_report_socket ("connect", "tcp", &link->local, &link->peer);
  return TRUE;
}

gboolean
node_net_tcp_accept (int listen_fd, const struct sockaddr_in *local, NodeLink *link, GError **error)
{
  socklen_t len = sizeof link->peer;
  int fd = accept4 (listen_fd, (struct sockaddr *) &link->peer, &len,
                    SOCK_NONBLOCK | SOCK_CLOEXEC);

  if (fd < 0)
    return fail (error, "accept on", local);
  link->proto = NODE_PROTO_TCP;
  link->fd = fd;
  local_address (fd, &link->local);
  node_report_socket ("accept", "tcp", &link->local, &link->peer);
  return TRUE;
}

void
node_net_close (NodeLink *link)
{
  g_autoptr(GList) mine = NULL;

  if (link->fd < 0)
    return;
  for (GList *l = delayed; l != NULL; l = l->next)
    if (((Delayed *) l->data)->link.fd == link->fd)
      mine = g_list_prepend (mine, l->data);
  for (GList *l = mine; l != NULL; l = l->next)
    node_loop_cancel (((Delayed *) l->data)->timer);
  node_hold_forget_fd (link->fd);
  node_report_socket ("close", proto_name (link->proto), &link->local,
                      link->proto == NODE_PROTO_TCP ? &link->peer : NULL);
  close (link->fd);
  link->fd = -1;
}

/* ---- reporting ---- */

typedef enum { REPORT_SEND, REPORT_RECV, REPORT_DROP, REPORT_HELD, REPORT_DROP_HELD } ReportWhat;

/* `isolated`: only for a drop (a partition, else the drop probability). */
static void
report_named (ReportWhat what, NodeProto proto, const char *src, const char *dst,
              const NodeWireMsg *msg, gsize len, gint64 t, gboolean incoming, gboolean isolated)
{
  CReportMsg report = { 0 };

  report.proto = proto_name (proto);
  report.src = src;
  report.dst = dst;
  report.len = len;
  report.kind = msg->kind;
  report.payload = msg->payload;
  report.payload_len = msg->payload_len;
  report.id_pid = msg->pid;
  report.id_n = msg->n;
  report.lc = msg->lc;
  report.off = -1;
  report.t = t;
  if (what == REPORT_SEND)
    creport_send (&report);
  else if (what == REPORT_RECV)
    creport_recv (&report);
  else if (what == REPORT_HELD)
    creport_held (&report);
  else if (what == REPORT_DROP_HELD)
    creport_drop_held (&report);
  else
    creport_drop (&report, incoming, isolated);
}

static void
report_message (ReportWhat what, const NodeLink *link, gboolean outgoing,
                const NodeWireMsg *msg, gsize len, gint64 t, gboolean isolated)
{
  char local[NODE_ADDR_LEN], peer[NODE_ADDR_LEN];

  node_addr_format (&link->local, local);
  node_addr_format (&link->peer, peer);
  report_named (what, link->proto, outgoing ? local : peer, outgoing ? peer : local,
                msg, len, t, !outgoing, isolated);
}

/* `isolated`: a partition ate it (else the drop probability). */
static void
report_drop (const NodeLink *link, gboolean outgoing, const NodeWireMsg *msg, gsize len,
             gboolean isolated)
{
  char peer[NODE_ADDR_LEN];

  node_addr_format (&link->peer, peer);
  report_message (REPORT_DROP, link, outgoing, msg, len, 0, isolated);
  printf ("%s: dropped %s %s message %s %s\n",
          isolated ? "Partition" : "Fault",
          outgoing ? "outgoing" : "incoming", msg->kind, outgoing ? "to" : "from", peer);
}

/* ---- delayed messages ---- */

static void
delayed_free (gpointer p)
{
  Delayed *d = p;

  delayed = g_list_remove (delayed, d);
  g_bytes_unref (d->wire);
  g_free (d);
}

static void
delay (Delayed *d, NodeTimerFunc fire)
{
  delayed = g_list_prepend (delayed, d);
  d->timer = node_loop_add_timer (node_control_delay_ms (d->link.proto == NODE_PROTO_UDP), fire, d, delayed_free);
}

/* ---- sending ---- */

static void
transmit (const NodeLink *link, const NodeWireMsg *msg, GBytes *wire)
{
  gsize len;
  const char *data = g_bytes_get_data (wire, &len);
  gint64 t = creport_now_ns ();
  ssize_t sent;

  if (link->proto == NODE_PROTO_UDP)
    sent = sendto (link->fd, data, len, MSG_NOSIGNAL,
                   (const struct sockaddr *) &link->peer, sizeof link->peer);
  else
    sent = send (link->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent == (ssize_t) len)
    {
      report_message (REPORT_SEND, link, TRUE, msg, len, t, FALSE);
      return;
    }
  fprintf (stderr, "Could not send a %s message: %s\n", msg->kind,
           sent < 0 ? g_strerror (errno) : "the peer is not reading");
  node_report_log ("warning", "could not send a %s message", msg->kind);
  /* A stream that took half a line is out of step: end it; the reader
   * sees the end and closes it properly. */
  if (link->proto == NODE_PROTO_TCP)
    shutdown (link->fd, SHUT_RDWR);
}

static guint
outgoing_delayed (void)
{
  guint n = 0;

  for (GList *l = delayed; l != NULL; l = l->next)
    n += ((Delayed *) l->data)->incoming ? 0 : 1;
  return n;
}

static void
fire_send (gpointer p)
{
  Delayed *d = p;

  transmit (&d->link, &d->msg, d->wire);
  /* d is still listed until its timer frees it: 1 means "only this one" */
  if (quit_when_sent && outgoing_delayed () <= 1)
    node_loop_quit (quit_code);
}

void
node_net_quit_when_sent (int code)
{
  quit_code = code;
  quit_when_sent = TRUE;
  if (outgoing_delayed () == 0)
    node_loop_quit (code);
}

void
node_net_send (const NodeLink *link, const char *kind, const char *payload)
{
  node_net_send_to (link, NULL, kind, payload);
}

void
node_net_set_sender_func (NodeSenderFunc func)
{
  sender_func = func;
}

void
node_net_send_to (const NodeLink *link, const char *peer_node, const char *kind, const char *payload)
{
  NodeWireMsg msg;
  g_autoptr(GBytes) wire = NULL;
  gsize payload_len = strlen (payload);
  Delayed *d;

  g_return_if_fail (strchr (payload, '\n') == NULL);
  node_wire_stamp (&msg, kind, payload, payload_len);
  wire = node_wire_format (&msg);
  if (link->proto == NODE_PROTO_TCP)
    {
      GByteArray *line = g_bytes_unref_to_array (g_steal_pointer (&wire));

      g_byte_array_append (line, (const guint8 *) "\n", 1);
      wire = g_byte_array_free_to_bytes (line);
    }
  if (node_control_isolated (peer_node))
    {
      report_drop (link, TRUE, &msg, g_bytes_get_size (wire), TRUE);
      return;
    }
  if (node_control_should_drop (link->proto == NODE_PROTO_UDP))
    {
      report_drop (link, TRUE, &msg, g_bytes_get_size (wire), FALSE);
      return;
    }
  if (node_control_delay_ms (link->proto == NODE_PROTO_UDP) == 0)
    {
      transmit (link, &msg, wire);
      return;
    }
  d = g_new0 (Delayed, 1);
  d->link = *link;
  d->msg = msg;
  d->wire = g_steal_pointer (&wire);
  /* the payload is the wire's tail (before a TCP newline) */
  d->msg.payload = (const char *) g_bytes_get_data (d->wire, NULL)
                   + g_bytes_get_size (d->wire) - payload_len
                   - (link->proto == NODE_PROTO_TCP ? 1 : 0);
  delay (d, fire_send);
}

/* ---- receiving ---- */

/* A TCP message is a line: its newline counts, as it does at the sender. */
static gsize
wire_length (const NodeLink *link, gsize len)
{
  return link->proto == NODE_PROTO_TCP ? len + 1 : len;
}

static void
deliver (const NodeLink *link, const NodeWireMsg *msg, gsize len, NodeMsgFunc func, gpointer data)
{
  node_wire_observe (msg->lc);
  report_message (REPORT_RECV, link, FALSE, msg, len, 0, FALSE);
  func (link, msg, data);
}

void
node_net_deliver_wire (const NodeLink *link, const char *data, gsize len,
                       NodeMsgFunc func, gpointer user_data)
{
  NodeWireMsg msg;

  if (node_wire_parse (data, len, &msg))
    deliver (link, &msg, wire_length (link, len), func, user_data);
}

void
node_net_report_held (const NodeLink *link, const NodeWireMsg *msg, gsize len, gboolean dropped)
{
  report_message (dropped ? REPORT_DROP_HELD : REPORT_HELD, link, FALSE, msg,
                  wire_length (link, len), 0, FALSE);
}

static void
fire_receive (gpointer p)
{
  Delayed *d = p;
  gsize len;
  const char *bytes = g_bytes_get_data (d->wire, &len);
  NodeWireMsg msg;

  if (node_wire_parse (bytes, len, &msg))
    deliver (&d->link, &msg, wire_length (&d->link, len), d->func, d->data);
}

static void
garbage (const NodeLink *link)
{
  char from[NODE_ADDR_LEN];

  garbage_count++;
  node_addr_format (&link->peer, from);
  node_report_garbage (&link->peer);
  printf ("Ignored something that is not a Conclave message from %s (%" G_GUINT64_FORMAT " so far)\n",
          from, garbage_count);
}

static gboolean
from_isolated_node (const NodeWireMsg *msg)
{
  char sender[64];

  return sender_func != NULL && sender_func (msg, sender, sizeof sender)
         && node_control_isolated (sender);
}

static void
receive (const NodeLink *link, const char *data, gsize len, NodeMsgFunc func, gpointer user_data)
{
  NodeWireMsg msg;
  Delayed *d;

  if (!node_wire_parse (data, len, &msg))
    {
      garbage (link);
      return;
    }
  if (from_isolated_node (&msg))
    {
      report_drop (link, FALSE, &msg, wire_length (link, len), TRUE);
      return;
    }
  if (node_control_should_drop (link->proto == NODE_PROTO_UDP))
    {
      report_drop (link, FALSE, &msg, wire_length (link, len), FALSE);
      return;
    }
  if (node_hold_on ())
    {
      node_hold_keep (link, data, len, func, user_data);
      return;
    }
  if (node_control_delay_ms (link->proto == NODE_PROTO_UDP) == 0)
    {
      deliver (link, &msg, wire_length (link, len), func, user_data);
      return;
    }
  d = g_new0 (Delayed, 1);
  d->link = *link;
  d->incoming = TRUE;
  d->wire = g_bytes_new (data, len);
  d->func = func;
  d->data = user_data;
  delay (d, fire_receive);
}

void
node_net_udp_read (int fd, const struct sockaddr_in *local, int max,
                   NodeMsgFunc func, gpointer data)
{
  g_autofree char *buf = g_malloc (DATAGRAM_MAX);

  for (int i = 0; i < MIN (max, READS_PER_WAKEUP); i++)
    {
      NodeLink link = { NODE_PROTO_UDP, fd, *local, { 0 } };
      socklen_t addr_len = sizeof link.peer;
      ssize_t n = recvfrom (fd, buf, DATAGRAM_MAX, 0, (struct sockaddr *) &link.peer, &addr_len);

      if (n < 0)
        {
          /* EAGAIN: another pool worker took it, or nothing is left */
          if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fprintf (stderr, "recvfrom: %s\n", g_strerror (errno));
          return;
        }
      receive (&link, buf, (gsize) n, func, data);
      if (node_loop_quitting ())  /* the callback may have closed fd */
        return;
    }
}

/* Hands every complete line in `in` to receive() and keeps the rest. */
static void
split_lines (const NodeLink *link, GString *in, NodeMsgFunc func, gpointer data)
{
  gsize start = 0;
  char *nl;

  while ((nl = memchr (in->str + start, '\n', in->len - start)) != NULL)
    {
      gsize end = (gsize) (nl - in->str);

      receive (link, in->str + start, end - start, func, data);
      start = end + 1;
    }
  g_string_erase (in, 0, (gssize) start);
  if (in->len >= CONCLAVE_MAX_LINE)  /* a line that never ends */
    {
      garbage (link);
      g_string_truncate (in, 0);
    }
}

gboolean
node_net_tcp_read (const NodeLink *link, GString *in, NodeMsgFunc func, gpointer data)
{
  char chunk[4096];

  /* link->fd turns -1 when a message callback closed the link */
  while (link->fd >= 0)
    {
      ssize_t n = recv (link->fd, chunk, sizeof chunk, MSG_DONTWAIT);

      if (n > 0)
        {
          g_string_append_len (in, chunk, n);
          split_lines (link, in, func, data);
        }
      else if (n < 0 && errno == EINTR)
        continue;
      else
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  return TRUE;
}

guint64
node_net_garbage_count (void)
{
  return garbage_count;
}

/* ---- a pool's task queue ---- */

gboolean
node_net_unix_send (int fd, const char *src, const char *dst, const char *kind, const char *payload)
{
  NodeWireMsg msg;
  g_autoptr(GBytes) wire = NULL;
  gsize len;
  const char *data;
  gint64 t = creport_now_ns ();

  g_return_val_if_fail (strchr (payload, '\n') == NULL, FALSE);
  node_wire_stamp (&msg, kind, payload, strlen (payload));
  wire = node_wire_format (&msg);
  data = g_bytes_get_data (wire, &len);
  if (send (fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t) len)
    {
      fprintf (stderr, "Could not hand a %s message on: %s\n", kind, g_strerror (errno));
      node_report_log ("warning", "could not hand a %s message on", kind);
      return FALSE;
    }
  report_named (REPORT_SEND, NODE_PROTO_UNIX, src, dst, &msg, len, t, FALSE, FALSE);
  return TRUE;
}

void
node_net_unix_read (int fd, const char *src, const char *dst, int max,
                    NodeMsgFunc func, gpointer data)
{
  g_autofree char *buf = g_malloc (DATAGRAM_MAX);
  NodeLink link = { NODE_PROTO_UNIX, fd, { 0 }, { 0 } };

  for (int i = 0; i < MIN (max, READS_PER_WAKEUP); i++)
    {
      ssize_t n = recv (fd, buf, DATAGRAM_MAX, MSG_DONTWAIT);
      NodeWireMsg msg;

      if (n < 0)
        {
          /* EAGAIN: another worker took it, or nothing is left */
          if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fprintf (stderr, "recv: %s\n", g_strerror (errno));
          return;
        }
      if (!node_wire_parse (buf, (gsize) n, &msg))
        continue;  /* only our own parent writes here */
      node_wire_observe (msg.lc);
      report_named (REPORT_RECV, NODE_PROTO_UNIX, src, dst, &msg, (gsize) n, 0, TRUE, FALSE);
      func (&link, &msg, data);
      if (node_loop_quitting ())
        return;
    }
}
