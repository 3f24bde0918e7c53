/* conclave-node-clone.c — a node's copy, for a replay's checkpoint.
 *
 * A checkpoint keeps the state of every node at its moment and gives a
 * copy of it to each replay restored from it: every field, the output
 * lines shared (reference-counted strings), never the observers, the
 * parent or the children (the cluster's copy links those, node by node).
 * Never changes the node it copies.
 */
#include "conclave-node-private.h"

static void
copy_output (ConclaveNode *copy, ConclaveNode *self)
{
  if (self->n_output == 0)
    return;
  copy->output = g_new0 (OutputLine, self->n_output);
  copy->output_capacity = self->n_output;
  copy->output_start = 0;
  copy->n_output = self->n_output;
  for (guint i = 0; i < self->n_output; i++)
    {
      const OutputLine *line = &self->output[(self->output_start + i) % self->output_capacity];

      copy->output[i].stream = line->stream;
      copy->output[i].text = g_ref_string_acquire (line->text);
    }
}

ConclaveNode *
_conclave_node_clone (ConclaveNode *self)
{
  ConclaveNode *copy;

  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);

  copy = conclave_node_new (self->name, self->role, self->kind);
  copy->argv = g_strdupv (self->argv);
  copy->pid = self->pid;
  copy->ppid = self->ppid;
  copy->state = self->state;
  copy->exit_code = self->exit_code;
  copy->exit_signal = self->exit_signal;
  for (guint i = 0; i + 1 < self->addresses->len; i++)
    conclave_node_add_address (copy, self->addresses->pdata[i]);
  copy->counters = self->counters;
  copy->group_role = g_strdup (self->group_role);
  copy->term = self->term;
  copy->leader = g_strdup (self->leader);
  copy->view = g_strdupv (self->view);
  copy->election_timeout_ms = self->election_timeout_ms;
  copy_output (copy, self);
  for (guint i = 0; self->delivered != NULL && i < self->delivered->len; i++)
    {
      const ConclaveDeliveredPost *post = self->delivered->pdata[i];

      conclave_node_add_delivered (copy, post->seqno, post->client, post->text);
    }
  copy->dirty = TRUE;
  return copy;
}

void
_conclave_node_set_parent_only (ConclaveNode *self, ConclaveNode *parent)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));
  g_set_weak_pointer (&self->parent, parent);
}
