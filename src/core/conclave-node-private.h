/* conclave-node-private.h — the node model's fields, for its own files
 * (conclave-node.c, and conclave-node-clone.c, which copies a node for a
 * replay's checkpoint). Nothing else reads them: ask the accessors.
 */
#pragma once

#include "conclave-node.h"

G_BEGIN_DECLS

/* Enough for a long demonstration; a chatty node cannot grow us without bound. */
#define OUTPUT_CAPACITY 5000
#define DELIVERED_CAPACITY 200

typedef struct {
  ConclaveOutputStream stream;
  char *text;
} OutputLine;

struct _ConclaveNode
{
  GObject parent_instance;

  char *name;
  char *role;
  ConclaveNodeKind kind;
  GStrv argv;

  gint pid;
  gint ppid;
  ConclaveNodeState state;
  gint exit_code;
  gint exit_signal;

  ConclaveNode *parent;      /* weak: a child must not keep its parent alive */
  GListStore *children;
  GPtrArray *addresses;      /* NULL-terminated char* */

  ConclaveNodeCounters counters;

  char *group_role;
  guint64 term;
  char *leader;
  GStrv view;
  guint election_timeout_ms;

  OutputLine *output;        /* ring of output_capacity, up to OUTPUT_CAPACITY */
  guint output_capacity;
  guint output_start;
  guint n_output;

  GPtrArray *delivered;      /* ConclaveDeliveredPost*, the newest DELIVERED_CAPACITY */

  gboolean dirty;
};

/* conclave-node-clone.c: a copy of `self`'s fields, no parent, no
 * children, no observers (the caller links the copies). */
ConclaveNode *_conclave_node_clone        (ConclaveNode *self);
/* A clone's parent, without making it a child of it (a child its parent
 * no longer lists still names it). */
void          _conclave_node_set_parent_only (ConclaveNode *self, ConclaveNode *parent);

G_END_DECLS
