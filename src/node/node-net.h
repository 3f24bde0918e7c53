/* node-net.h — sockets of conclave-node, with faults and reporting built in.
 *
 * Every role sends and receives through here, so every message is stamped
 * (node-wire), run through the fault settings (drop, delay) at send and at
 * receive, and reported as send/recv/drop; garbage is counted and reported.
 * Only 127.0.0.1 is ever used, but for chapter 4's group on a LAN
 * (node-group-net: the host's own address). Nothing here may block for long or abort on
 * anything a peer does.
 */
#pragma once

#include <glib.h>
#include <netinet/in.h>

#include "node-wire.h"

typedef enum {
  NODE_PROTO_UDP,
  NODE_PROTO_TCP,
  NODE_PROTO_UNIX,  /* a socketpair inside one node (a pool's task queue) */
} NodeProto;

/* One way to reach a peer: a UDP socket and an address, or a TCP stream. */
typedef struct {
  NodeProto          proto;
  int                fd;
  struct sockaddr_in local;
  struct sockaddr_in peer;
} NodeLink;

typedef void (*NodeMsgFunc) (const NodeLink *link, const NodeWireMsg *msg, gpointer data);

void     node_net_loopback   (guint16 port, struct sockaddr_in *addr);

/* A non-blocking UDP socket bound to 127.0.0.1:port (0: any free port). */
int      node_net_udp_open   (guint16 port, struct sockaddr_in *local, GError **error);
/* The same bound to host:port (a LAN host's own address). */
int      node_net_udp_open_at (struct in_addr host, guint16 port, struct sockaddr_in *local, GError **error);
/* A TCP socket listening on 127.0.0.1:port. */
int      node_net_tcp_listen (guint16 port, struct sockaddr_in *local, GError **error);
gboolean node_net_tcp_connect (guint16 port, NodeLink *link, GError **error);
gboolean node_net_tcp_accept (int listen_fd, const struct sockaddr_in *local,
                              NodeLink *link, GError **error);
/* Closes link->fd (reported for TCP) and cancels its delayed messages. */
void     node_net_close      (NodeLink *link);

/* Stamps kind+payload (no newline in payload) and sends it over link,
 * subject to the faults. */
void     node_net_send       (const NodeLink *link, const char *kind, const char *payload);
/* The same to a peer known by its node name (chapter 4): isolation from
 * that node eats the message at send, reported as a drop (reason isolated). */
void     node_net_send_to    (const NodeLink *link, const char *peer_node,
                              const char *kind, const char *payload);

/* Roles whose messages name their sender set this, so that isolation also
 * applies at receive: a message from a node we are isolated from is dropped
 * (reason isolated) before it is reported as received. The function copies
 * the sender's node name into `name` and returns FALSE if there is none. */
typedef gboolean (*NodeSenderFunc) (const NodeWireMsg *msg, char *name, gsize size);
void     node_net_set_sender_func (NodeSenderFunc func);

/* Reads up to `max` datagrams waiting on a UDP socket (a pool worker
 * takes one at a time); each message goes to func. */
void     node_net_udp_read   (int fd, const struct sockaddr_in *local, int max,
                              NodeMsgFunc func, gpointer data);
/* Reads what a TCP stream has; each complete line goes to func. `in` keeps
 * a partial line. FALSE when the peer closed or the stream failed. */
gboolean node_net_tcp_read   (const NodeLink *link, GString *in,
                              NodeMsgFunc func, gpointer data);

/* A pool's task queue: a datagram socketpair between a server and the
 * workers it forked. Not the network: no fault applies. Messages are
 * stamped like any other and reported with proto "unix" and the names
 * `src` and `dst` (both ends report the same two). */
gboolean node_net_unix_send  (int fd, const char *src, const char *dst,
                              const char *kind, const char *payload);
/* Reads up to `max` messages waiting on fd; each goes to func with a
 * NODE_PROTO_UNIX link (no addresses). */
void     node_net_unix_read  (int fd, const char *src, const char *dst, int max,
                              NodeMsgFunc func, gpointer data);

/* Step mode (node-hold): hands a held message (as it arrived on link) to
 * func now, reported as received; reports one as held, or as dropped from
 * the hold queue (`dropped`). `len` as it arrived (a TCP line without its
 * newline). */
void     node_net_deliver_wire (const NodeLink *link, const char *data, gsize len,
                                NodeMsgFunc func, gpointer user_data);
void     node_net_report_held  (const NodeLink *link, const NodeWireMsg *msg, gsize len,
                                gboolean dropped);

/* Quits the loop with `code` once every delayed outgoing message has left
 * (at once if none is waiting). */
void     node_net_quit_when_sent (int code);

/* Datagrams/lines ignored as garbage so far. */
guint64  node_net_garbage_count (void);
