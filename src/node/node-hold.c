/* node-hold.c — the hold queue of a conclave-node process (step mode).
 *
 * A held message keeps its bytes as they arrived and the callback that
 * would have had it; releasing it hands it to node-net, which reports the
 * receive (or the drop) and calls back as if it had just arrived. Only
 * the controller's commands change the queue; it never blocks and never
 * calls a role's callback on its own.
 */
#include "node-hold.h"

#include "conclave-protocol.h"
#include "node-report.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  NodeLink    link;
  GBytes     *wire;
  NodeWireMsg msg;        /* payload points into wire */
  NodeMsgFunc func;
  gpointer    data;
} Held;

static gboolean holding;
static GQueue queue = G_QUEUE_INIT;  /* of Held*, oldest first */

static void
held_free (gpointer p)
{
  Held *h = p;

  g_bytes_unref (h->wire);
  g_free (h);
}

gboolean
node_hold_on (void)
{
  return holding;
}

void
node_hold_keep (const NodeLink *link, const char *data, gsize len, NodeMsgFunc func, gpointer user_data)
{
  Held *h = g_new0 (Held, 1);
  gsize wire_len;
  const char *bytes;

  h->link = *link;
  h->wire = g_bytes_new (data, len);
  h->func = func;
  h->data = user_data;
  bytes = g_bytes_get_data (h->wire, &wire_len);
  if (!node_wire_parse (bytes, wire_len, &h->msg))
    {
      held_free (h);  /* node-net keeps only messages that parse */
      return;
    }
  g_queue_push_tail (&queue, h);
  node_net_report_held (&h->link, &h->msg, len, FALSE);
  printf ("Holding a %s message (%u held)\n", h->msg.kind, g_queue_get_length (&queue));
}

static void
deliver (Held *h)
{
  gsize len;
  const char *bytes = g_bytes_get_data (h->wire, &len);

  node_net_deliver_wire (&h->link, bytes, len, h->func, h->data);
}

static void
deliver_all (void)
{
  Held *h;

  while ((h = g_queue_pop_head (&queue)) != NULL)
    {
      deliver (h);
      held_free (h);
    }
}

static GList *
find (const CCommand *cmd)
{
  for (GList *l = queue.head; l != NULL; l = l->next)
    {
      Held *h = l->data;

      if (cmd->has_id && (unsigned long) h->msg.pid == cmd->id_pid && h->msg.n == cmd->id_n)
        return l;
    }
  return NULL;
}

static void
release (const CCommand *cmd)
{
  GList *l = find (cmd);
  Held *h;

  if (l == NULL)
    {
      node_report_log ("warning", "asked to release a message that is not held");
      return;
    }
  h = l->data;
  g_queue_unlink (&queue, l);
  g_list_free_1 (l);
  switch (cmd->action)
    {
    case CCOMMAND_RELEASE_LATER:
      g_queue_push_tail (&queue, h);
      printf ("The %s message waits at the back of the queue\n", h->msg.kind);
      return;
    case CCOMMAND_RELEASE_DROP:
      node_net_report_held (&h->link, &h->msg, g_bytes_get_size (h->wire), TRUE);
      printf ("Dropped the held %s message\n", h->msg.kind);
      break;
    case CCOMMAND_RELEASE_DUPLICATE:
      deliver (h);
      deliver (h);
      break;
    case CCOMMAND_RELEASE_DELIVER:
    default:
      deliver (h);
      break;
    }
  held_free (h);
}

void
node_hold_apply (const CCommand *cmd)
{
  if (cmd->type == CCOMMAND_RELEASE)
    {
      release (cmd);
      return;
    }
  if (cmd->type != CCOMMAND_HOLD || holding == !!cmd->on)
    return;
  holding = !!cmd->on;
  printf (holding ? "Holding every arriving message\n" : "No longer holding messages\n");
  node_report_log ("info", holding ? "holding every arriving message" : "no longer holding messages");
  if (!holding)
    deliver_all ();
}

void
node_hold_lift (void)
{
  holding = FALSE;
  deliver_all ();
}

void
node_hold_forget_fd (int fd)
{
  GList *l = queue.head;

  while (l != NULL)
    {
      GList *next = l->next;
      Held *h = l->data;

      if (h->link.fd == fd)
        {
          g_queue_delete_link (&queue, l);
          node_net_report_held (&h->link, &h->msg, g_bytes_get_size (h->wire), TRUE);
          held_free (h);
        }
      l = next;
    }
}

void
node_hold_after_fork (void)
{
  /* The messages stay the parent's: free our copies without a word. The
   * hold itself stays as it is, as the controller last set it. */
  g_queue_clear_full (&queue, held_free);
}

void
node_hold_init (void)
{
  holding = g_strcmp0 (g_getenv (CONCLAVE_ENV_HOLD), "1") == 0;
}
