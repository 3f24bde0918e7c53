/* conclave-cluster-checkpoint.c — where going back in a recording starts.
 *
 * Part of ConclaveCluster. A rebased replay (the opened recording) is
 * replayed again once to its end, and every `checkpoint_every` events its
 * state is kept: the store's view (an end, times, the process table), the
 * matcher (conclave-matcher-snapshot.c: its tables and the few messages
 * still open, the message table itself shared with the final one), every
 * node (copies), the cluster's tables (processes, connections, folded
 * processes, removals pending, address owners), the hold queue, the fault
 * settings and the replay's own fields (position, moments, shifts). A
 * replay again asked to go to T starts from the newest checkpoint at or
 * before T, restored into it (copies again: a checkpoint serves every
 * frame), and feeds on from there: the same state as a replay from the
 * start, which /cluster-replay/checkpoint checks. Never feeds a live
 * cluster; a checkpoint is never changed once made.
 */
#include "config.h"

#include "conclave-cluster-private.h"
#include "conclave-matcher-snapshot.h"
#include "conclave-node-private.h"

/* What the cluster's tables hold, wherever they are. */
typedef struct {
  GPtrArray      *nodes;       /* top-level, list order; children inside them */
  GArray         *procs;       /* ProcEntry */
  GHashTable     *conn_proc;
  GHashTable     *folded;
  GHashTable     *guessed;
  GHashTable     *removing;
  GHashTable     *addr_owner;
  ConclaveHold   *hold;
  ConclaveFaults *faults;
} Tables;

typedef struct {
  guint64                  at;          /* the state after conclave_cluster_replay_to (at) */
  ConclaveEventStore      *store;       /* a view of the recording, `at` long */
  ConclaveMatcherSnapshot *matcher;
  Tables                   tables;
  guint64                  source_next;
  gint64                   last_expiry;
  GArray                  *shifts;
  GArray                  *moments;
  guint                    source_moment;
  GArray                  *conn_own;
} Checkpoint;

struct _ConclaveCheckpoints {
  gint       ref_count;
  GPtrArray *list;    /* Checkpoint*, by `at` */
  ConclaveMatcherMessages *table;   /* the recording's final message table, shared */
};

static Tables
tables_of (ConclaveCluster *self)
{
  return (Tables) { self->nodes, self->procs, self->conn_proc, self->folded, self->guessed, self->removing,
                    self->addr_owner, self->hold, self->faults };
}

static void
checkpoint_free (gpointer data)
{
  Checkpoint *cp = data;
  Tables *t = &cp->tables;

  g_clear_object (&cp->store);
  _conclave_matcher_snapshot_free (cp->matcher);
  g_ptr_array_unref (t->nodes);
  g_array_unref (t->procs);
  g_hash_table_unref (t->conn_proc);
  g_hash_table_unref (t->folded);
  g_hash_table_unref (t->guessed);
  g_hash_table_unref (t->removing);
  g_hash_table_unref (t->addr_owner);
  g_object_unref (t->hold);
  g_object_unref (t->faults);
  g_array_unref (cp->shifts);
  g_array_unref (cp->moments);
  g_array_unref (cp->conn_own);
  g_free (cp);
}

ConclaveCheckpoints *
_conclave_checkpoints_ref (ConclaveCheckpoints *checkpoints)
{
  g_atomic_int_inc (&checkpoints->ref_count);
  return checkpoints;
}

void
_conclave_checkpoints_unref (ConclaveCheckpoints *checkpoints)
{
  if (checkpoints == NULL || !g_atomic_int_dec_and_test (&checkpoints->ref_count))
    return;
  g_ptr_array_unref (checkpoints->list);
  g_clear_pointer (&checkpoints->table, _conclave_matcher_messages_unref);
  g_free (checkpoints);
}

/* ---- nodes: copied once each, linked as they were ------------------------------- */

/* old node → its copy (the copies held by `keep` while copying). */
typedef struct {
  GHashTable *map;
  GPtrArray  *keep;
} Copying;

static ConclaveNode *copy_of (Copying *c, ConclaveNode *node);

static ConclaveNode *
copy_tree (Copying *c, ConclaveNode *node)
{
  ConclaveNode *copy = _conclave_node_clone (node);
  GListModel *children = conclave_node_get_children (node);

  g_ptr_array_add (c->keep, copy);
  g_hash_table_insert (c->map, node, copy);
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);

      conclave_node_add_child (copy, copy_tree (c, child));
    }
  return copy;
}

/* A node only a table names (a child its parent no longer lists, a
 * removed node's folded helper): a copy of its own. */
static ConclaveNode *
copy_of (Copying *c, ConclaveNode *node)
{
  ConclaveNode *copy;

  if (node == NULL)
    return NULL;
  if ((copy = g_hash_table_lookup (c->map, node)) != NULL)
    return copy;
  copy = _conclave_node_clone (node);
  g_ptr_array_add (c->keep, copy);
  g_hash_table_insert (c->map, node, copy);
  _conclave_node_set_parent_only (copy, copy_of (c, conclave_node_get_parent (node)));
  return copy;
}

/* A restored cluster's views hear of every node, as a replay fed from
 * the start tells them. */
static void
announce (ConclaveCluster *self, ConclaveNode *node)
{
  GListModel *children = conclave_node_get_children (node);

  _conclave_cluster_mark_dirty (self, node);
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);

      _conclave_cluster_node_added (self, child);
      announce (self, child);
    }
}

/* ---- the tables ------------------------------------------------------------------ */

static void
copy_strings (GHashTable *to, GHashTable *from)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (to, g_strdup (key));
}

static void
copy_procs (Copying *c, Tables *to, const Tables *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_array_set_size (to->procs, from->procs->len);
  for (guint i = 0; i < from->procs->len; i++)
    {
      ProcEntry *entry = &g_array_index (from->procs, ProcEntry, i), *copy = &g_array_index (to->procs, ProcEntry, i);
      ConclaveNode *node = copy_of (c, entry->node);

      *copy = *entry;
      copy->node = node ? g_object_ref (node) : NULL;
    }
  g_hash_table_iter_init (&iter, from->conn_proc);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to->conn_proc, key, value);
  g_hash_table_iter_init (&iter, from->folded);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to->folded, key,
                         _conclave_cluster_folded_copy (value, copy_of (c, _conclave_cluster_folded_ancestor (value))));
}

/* `into`: the fresh replay the tables go into (NULL: a checkpoint's). */
static void
copy_tables (ConclaveCluster *into, Tables *to, const Tables *from)
{
  Copying c = { g_hash_table_new (NULL, NULL), g_ptr_array_new_with_free_func (g_object_unref) };
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < from->nodes->len; i++)
    {
      ConclaveNode *copy = copy_tree (&c, from->nodes->pdata[i]);

      if (into != NULL)
        {
          _conclave_cluster_add_top_level (into, g_object_ref (copy));
          announce (into, copy);
        }
      else
        g_ptr_array_add (to->nodes, g_object_ref (copy));
    }
  copy_procs (&c, to, from);
  copy_strings (to->guessed, from->guessed);
  copy_strings (to->removing, from->removing);
  g_hash_table_iter_init (&iter, from->addr_owner);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to->addr_owner, key, g_strdup (value));
  _conclave_hold_copy (to->hold, from->hold);
  _conclave_faults_copy (to->faults, from->faults);
  g_hash_table_unref (c.map);
  g_ptr_array_unref (c.keep);
}

/* ---- making checkpoints ------------------------------------------------------------ */

static Checkpoint *
checkpoint_new (ConclaveCluster *self)
{
  Checkpoint *cp = g_new0 (Checkpoint, 1);
  Tables *t = &cp->tables;
  Tables from = tables_of (self);

  cp->at = self->source_next;
  cp->store = conclave_event_store_new ();
  if (!conclave_event_store_copy_view (cp->store, self->store))
    g_clear_object (&cp->store);   /* the replay went its own way: no checkpoints */
  cp->matcher = _conclave_matcher_snapshot_new (self->matcher);
  t->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  t->procs = g_array_new (FALSE, TRUE, sizeof (ProcEntry));
  g_array_set_clear_func (t->procs, _conclave_cluster_proc_entry_clear);
  t->conn_proc = g_hash_table_new (NULL, NULL);
  t->folded = g_hash_table_new_full (NULL, NULL, NULL, _conclave_cluster_folded_free);
  t->guessed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t->removing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t->addr_owner = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  t->hold = g_object_new (CONCLAVE_TYPE_HOLD, NULL);
  t->faults = _conclave_faults_new (NULL);
  copy_tables (NULL, t, &from);
  cp->source_next = self->source_next;
  cp->last_expiry = self->last_expiry;
  cp->shifts = g_array_copy (self->shifts);
  cp->moments = g_array_copy (self->moments);
  cp->source_moment = self->source_moment;
  cp->conn_own = g_array_copy (self->conn_own);
  return cp;
}

/* A replay again of `self` to its end, stopping every checkpoint_every
 * events to keep its state; its message table, final, is kept too, and
 * self reads it instead of its own (one copy of the messages). */
void
_conclave_cluster_checkpoints_make (ConclaveCluster *self)
{
  g_autoptr(ConclaveCluster) again = NULL;
  ConclaveCheckpoints *checkpoints;
  guint64 end = conclave_event_store_get_end (self->source);

  g_assert (self->checkpoints == NULL);
  if (self->checkpoint_every == 0 || end <= self->checkpoint_every ||
      conclave_event_store_get_first (self->source) != 0 ||
      (again = conclave_cluster_new_replay_again (self, NULL)) == NULL)
    return;
  checkpoints = g_new0 (ConclaveCheckpoints, 1);
  checkpoints->ref_count = 1;
  checkpoints->list = g_ptr_array_new_with_free_func (checkpoint_free);
  for (guint64 at = self->checkpoint_every; at < end; at += self->checkpoint_every)
    {
      Checkpoint *cp;

      conclave_cluster_replay_to (again, at);
      g_ptr_array_add (checkpoints->list, cp = checkpoint_new (again));
      if (cp->store == NULL)
        {
          _conclave_checkpoints_unref (checkpoints);
          return;
        }
    }
  conclave_cluster_replay_to (again, G_MAXUINT64);
  checkpoints->table = _conclave_matcher_steal_table (conclave_cluster_get_matcher (again));
  for (guint i = 0; i < checkpoints->list->len; i++)
    _conclave_matcher_snapshot_prune (((Checkpoint *) checkpoints->list->pdata[i])->matcher, checkpoints->table);
  _conclave_matcher_borrow_table (self->matcher, checkpoints->table);
  self->checkpoints = checkpoints;
}

guint64
_conclave_checkpoints_at_or_before (ConclaveCheckpoints *checkpoints, guint64 end)
{
  guint lo = 0, hi = checkpoints->list->len;

  /* The first one after end. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (((Checkpoint *) checkpoints->list->pdata[mid])->at <= end)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo > 0 ? lo - 1 : G_MAXUINT64;
}

guint64
_conclave_checkpoints_get_at (ConclaveCheckpoints *checkpoints, guint i)
{
  return ((Checkpoint *) checkpoints->list->pdata[i])->at;
}

/* Roughly: what each copy holds, but the nodes' shared output lines. */
static gsize
checkpoint_bytes (Checkpoint *cp)
{
  gsize bytes = sizeof *cp + _conclave_matcher_snapshot_bytes (cp->matcher) +
                conclave_event_store_get_memory (cp->store) + cp->tables.procs->len * sizeof (ProcEntry) +
                (cp->shifts->len * 16 + cp->moments->len * 16 + cp->conn_own->len * 4);

  for (guint i = 0; i < cp->tables.nodes->len; i++)
    {
      ConclaveNode *node = cp->tables.nodes->pdata[i];

      bytes += 512 + g_list_model_get_n_items (conclave_node_get_children (node)) * 512 +
               conclave_node_get_n_output (node) * sizeof (OutputLine);
    }
  return bytes;
}

guint
conclave_cluster_replay_count_checkpoints (ConclaveCluster *self, gsize *bytes)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), 0);

  if (bytes != NULL)
    *bytes = 0;
  if (self->checkpoints == NULL)
    return 0;
  for (guint i = 0; bytes != NULL && i < self->checkpoints->list->len; i++)
    *bytes += checkpoint_bytes (self->checkpoints->list->pdata[i]);
  return self->checkpoints->list->len;
}

/* ---- restoring --------------------------------------------------------------------- */

gboolean
_conclave_cluster_checkpoint_restore (ConclaveCluster *self, guint64 end)
{
  guint64 i = self->checkpoints != NULL ? _conclave_checkpoints_at_or_before (self->checkpoints, end) : G_MAXUINT64;
  Checkpoint *cp;
  Tables to = tables_of (self);

  if (i == G_MAXUINT64)
    return FALSE;
  g_assert (self->source_next == 0 && self->nodes->len == 0 && self->pending->len == 0);
  cp = self->checkpoints->list->pdata[i];
  if (!conclave_event_store_copy_view (self->store, cp->store))
    return FALSE;
  _conclave_matcher_snapshot_restore (cp->matcher, self->matcher, self->checkpoints->table);
  copy_tables (self, &to, &cp->tables);
  self->source_next = cp->source_next;
  self->last_expiry = cp->last_expiry;
  g_array_append_vals (self->shifts, cp->shifts->data, cp->shifts->len);
  g_array_append_vals (self->moments, cp->moments->data, cp->moments->len);
  self->source_moment = cp->source_moment;
  g_array_append_vals (self->conn_own, cp->conn_own->data, cp->conn_own->len);
  _conclave_cluster_queue_changed (self);
  return TRUE;
}
