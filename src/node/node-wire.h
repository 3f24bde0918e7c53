/* node-wire.h — the data plane of conclave-node: "CNV1 <pid>:<n> <lc> <kind> <payload>".
 *
 * Every datagram (and every TCP line) a node sends carries its id (pid:n)
 * and Lamport clock, so the controller pairs send and receive exactly and
 * orders them causally. Parsing is strict and never trusts the input: a
 * datagram that does not match is garbage, never a crash.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#define NODE_KIND_MAX 16

typedef struct {
  pid_t       pid;
  guint32     n;
  guint32     lc;
  char        kind[NODE_KIND_MAX];
  const char *payload;      /* points into the parsed buffer; not NUL-terminated */
  gsize       payload_len;
} NodeWireMsg;

/* TRUE if data[0..len) is a well-formed message; fills msg (payload points
 * into data). */
gboolean node_wire_parse   (const char *data, gsize len, NodeWireMsg *msg);

/* A new outgoing message from this process: next id, Lamport clock + 1. */
void     node_wire_stamp   (NodeWireMsg *msg, const char *kind,
                            const char *payload, gsize payload_len);

/* The wire form of msg, without a trailing newline. */
GBytes  *node_wire_format  (const NodeWireMsg *msg);

/* Chapter 4's group roles authenticate their datagrams: with a key set,
 * every message this process sends is "CNV1 #<mac> <pid>:<n> …" where <mac>
 * is HMAC-SHA256 under the key of everything after "#<mac> ", truncated to
 * its first 16 bytes (32 lowercase hex digits), and node_wire_parse accepts
 * only messages whose MAC checks out. NULL: plain messages (chapters 1–3). */
void     node_wire_set_key (const char *key);
/* The group's key: $CONCLAVE_GROUP_KEY (random per cluster, set by the
 * controller), else NODE_WIRE_DEFAULT_KEY so that two nodes run by hand in
 * terminals still talk to each other. */
const char *node_wire_group_key (void);
#define NODE_WIRE_DEFAULT_KEY "conclave-hand-run-group"
#define NODE_WIRE_MAC_HEX 32

/* A message was received: clock = max(clock, lc) + 1. */
void     node_wire_observe (guint32 lc);
guint32  node_wire_clock   (void);
