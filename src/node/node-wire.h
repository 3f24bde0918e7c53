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

/* A message was received: clock = max(clock, lc) + 1. */
void     node_wire_observe (guint32 lc);
guint32  node_wire_clock   (void);
