/* conclave-cluster-replay.c — a cluster that shows a recording.
 *
 * Part of ConclaveCluster. A replay runs no process: the events of a
 * recording (a trace loaded into a store, or the live cluster's own store
 * when the teacher scrubs back) go through the path a live line takes —
 * hello makes the process and its node, every event counts on the node
 * models, the matcher pairs sends and receives, "changed" once per turn —
 * and the controller's recorded events (spawn, exited, pause, output,
 * fault) set the node models and fault settings as the supervisor's
 * signals and the teacher's faults did live. Fed up to a chosen
 * event, the cluster is the recording's state at that moment. Never reads
 * a clock: a recorded loss expires the matcher at its own time. Rebased,
 * a replay's own store is its source, with the moments its matcher
 * expired at: replayed again from it, the same events come out at the
 * same indices (the window keeps an opened recording so, once), and a
 * replay again reads them there (its store is a view of the source's).
 */
#include "config.h"

#include "conclave-cluster-private.h"
#include "conclave-protocol.h"

#include <string.h>

/* A batch ends where our index reaches a multiple of BATCH (or at a
 * moment of loss, or where a feed stops): the matcher forgets old keys
 * after each, so batches at fixed indices make a replay's forgetting,
 * and so its state, the same whatever batch it started from. */
#define BATCH 4096
/* A backward frame restores the checkpoint before it and feeds at most
 * this many events (~0.15 µs each); a multiple of BATCH, so a
 * checkpoint is taken where every replay ends a batch. */
#define CHECKPOINT_EVERY (12 * BATCH)

/* From source index `from` on (to the next shift), ours is source + by:
 * they part only where the recorded losses give way to our matcher's. */
typedef struct {
  guint64 from;
  gint64  by;
} Shift;

/* Our matcher expired at time_ns with `index` events in our store: the
 * losses it declared then are the events from index on. */
typedef struct {
  guint64 index;
  gint64  time_ns;
} Moment;

void
_conclave_cluster_replay_clear (ConclaveCluster *self)
{
  g_clear_object (&self->source);
  g_clear_pointer (&self->strings, g_array_unref);
  g_clear_pointer (&self->moments, g_array_unref);
  g_clear_pointer (&self->conn_own, g_array_unref);
  g_clear_pointer (&self->source_moments, g_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->shifts, g_array_unref);
  g_clear_pointer (&self->checkpoints, _conclave_checkpoints_unref);
}

ConclaveCluster *
conclave_cluster_new_replay (ConclaveEventStore *source,
                             const char         *title,
                             GError            **error)
{
  ConclaveCluster *self;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (source), NULL);

  if ((self = _conclave_cluster_new (FALSE, error)) == NULL)
    return NULL;
  /* Its losses are the recording's, at the recording's times. */
  g_clear_handle_id (&self->expire_id, g_source_remove);
  self->replay = TRUE;
  self->source = g_object_ref (source);
  self->source_next = conclave_event_store_get_first (source);
  self->strings = g_array_new (FALSE, TRUE, sizeof (guint32));
  self->moments = g_array_new (FALSE, FALSE, sizeof (Moment));
  self->conn_own = g_array_new (FALSE, TRUE, sizeof (guint32));
  self->pending = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), BATCH);
  self->shifts = g_array_new (FALSE, FALSE, sizeof (Shift));
  self->last_expiry = G_MININT64;
  /* A test's small recordings get checkpoints too (test-replay). */
  self->checkpoint_every = g_getenv ("CONCLAVE_REPLAY_CHECKPOINT_EVERY")
                           ? g_ascii_strtoull (g_getenv ("CONCLAVE_REPLAY_CHECKPOINT_EVERY"), NULL, 10) : CHECKPOINT_EVERY;
  _conclave_cluster_set_title (self, title);
  return self;
}

gboolean
conclave_cluster_is_replay (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  return self->replay;
}

ConclaveEventStore *
conclave_cluster_get_replay_source (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->source;
}

guint64
conclave_cluster_get_replay_position (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), 0);
  return self->source_next;
}

/* ---- from the source's strings and processes to ours ----------------------- */

/* Source ids are dense: an array, not a hash table (four per event). */
static guint32
own_string (ConclaveCluster *self, guint32 id)
{
  const char *text;
  guint32 ours;

  /* A view of the source's events has its strings too. */
  if (id == 0 || self->same_strings)
    return id;
  if (id < self->strings->len && (ours = g_array_index (self->strings, guint32, id)) != 0)
    return ours;
  text = conclave_event_store_str (self->source, id);
  ours = text ? conclave_intern_add (conclave_event_store_get_intern (self->store), text) : 0;
  if (id >= self->strings->len)
    g_array_set_size (self->strings, id + 1);
  g_array_index (self->strings, guint32, id) = ours;
  return ours;
}

static void
translate (ConclaveCluster *self, ConclaveEvent *e)
{
  if (self->same_strings)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (e->s); i++)
    e->s[i] = own_string (self, e->s[i]);
  if (e->type == CONCLAVE_EVENT_STATE)
    e->len = own_string (self, e->len);   /* why: a string id there */
}

/* The source's process number is the connection it spoke on: a recorded
 * process says hello once, as a live one does on its connection. One
 * whose hello the recording lost is introduced from its table entry. */
static void
introduce (ConclaveCluster *self, guint32 conn, gint64 time_ns)
{
  ConclaveProcessInfo *info = conclave_event_store_get_process (self->source, conn);
  ConclaveEvent hello = { 0 };

  if (info == NULL)
    return;
  hello.type = CONCLAVE_EVENT_HELLO;
  hello.time_ns = time_ns;
  hello.s[0] = own_string (self, info->role);
  hello.s[1] = own_string (self, info->node);
  hello.s[2] = own_string (self, info->program);
  hello.len = (guint32) info->pid;
  hello.num = info->ppid;
  _conclave_cluster_handle_hello (self, &hello, conn);
}

/* Once a connection has its process, it keeps it (a replay's connections
 * never close): a dense cache of conn_proc (0: not known yet). */
static guint32
own_proc (ConclaveCluster *self, guint32 conn)
{
  gpointer proc;

  if (conn == 0)
    return 0;
  if (conn < self->conn_own->len && g_array_index (self->conn_own, guint32, conn) != 0)
    return g_array_index (self->conn_own, guint32, conn);
  if (!g_hash_table_lookup_extended (self->conn_proc, GUINT_TO_POINTER (conn), NULL, &proc))
    return 0;
  if (conn >= self->conn_own->len)
    g_array_set_size (self->conn_own, conn + 1);
  g_array_index (self->conn_own, guint32, conn) = GPOINTER_TO_UINT (proc);
  return GPOINTER_TO_UINT (proc);
}

/* ---- the controller's events ---------------------------------------------- */

/* "…/conclave-node,group-server,--port,…": the role; a program's is exec. */
static char *
role_of (const char *argv)
{
  g_auto(GStrv) parts = g_strsplit (argv ? argv : "", ",", 3);
  g_autofree char *program = parts[0] ? g_path_get_basename (parts[0]) : NULL;

  if (program != NULL && g_str_equal (program, "conclave-node") && parts[1] != NULL)
    return g_strdup (parts[1]);
  return g_strdup ("exec");
}

static void
spawned (ConclaveCluster *self, const ConclaveEvent *e)
{
  const char *name = conclave_event_store_str (self->store, e->s[0]);
  const char *argv = conclave_event_store_str (self->store, e->s[2]);
  ConclaveNode *node;

  if (name == NULL)
    return;
  if ((node = conclave_cluster_lookup (self, name)) == NULL)
    {
      g_autofree char *role = role_of (argv);
      g_auto(GStrv) args = g_strsplit (argv ? argv : "", ",", -1);
      gboolean server = g_str_has_suffix (role, "server") || (g_str_equal (role, "exec") && name[0] == 's');

      node = conclave_node_new (name, role, server ? CONCLAVE_NODE_KIND_SERVER : CONCLAVE_NODE_KIND_CLIENT);
      conclave_node_set_argv (node, (const char * const *) args);
      _conclave_cluster_add_top_level (self, node);
    }
  conclave_node_set_pid (node, (gint) e->len);
  conclave_node_set_exit (node, 0, 0);
  conclave_node_set_state (node, CONCLAVE_NODE_STARTING);
}

/* Live, a process's connection closes when it ends; the timeline ends
 * its lifeline there. A recording has no connections: the end it
 * records says it. */
static void
disconnect (ConclaveCluster *self, ConclaveNode *node)
{
  for (guint i = 1; i < self->procs->len; i++)
    {
      ConclaveNode *of = g_array_index (self->procs, ProcEntry, i).node;
      ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, i);

      if (info != NULL && of != NULL && (of == node || conclave_node_get_parent (of) == node))
        info->connected = FALSE;
    }
}

static void
exited (ConclaveCluster *self, ConclaveNode *node, const ConclaveEvent *e)
{
  /* An earlier process's end (0: a file from before exited kept a pid). */
  if (e->len != 0 && conclave_node_get_pid (node) != (gint) e->len)
    return;
  _conclave_cluster_node_ended (self, node, e->num, (gint) e->lc);
  disconnect (self, node);
  if (g_hash_table_remove (self->removing, conclave_node_get_name (node)))
    _conclave_cluster_remove_now (self, node);
}

/* A child the live cluster saw go, without a word on how. */
static void
child_gone (ConclaveCluster *self, const ConclaveEvent *e)
{
  ConclaveNode *child = conclave_cluster_lookup_pid (self, conclave_event_exited_pid (e));

  if (child != NULL && conclave_node_get_kind (child) == CONCLAVE_NODE_KIND_CHILD)
    _conclave_cluster_child_gone_as (self, child, conclave_event_exited_code (e), (gint) conclave_event_exited_signal (e));
}

static void
controller (ConclaveCluster *self, const ConclaveEvent *e)
{
  const char *name = conclave_event_store_str (self->store, e->s[0]);
  ConclaveNode *node = name ? conclave_cluster_lookup (self, name) : NULL;
  ConclaveNodeState state = node ? conclave_node_get_state (node) : CONCLAVE_NODE_EXITED;

  if (e->type == CONCLAVE_EVENT_SPAWN)
    spawned (self, e);
  else if (node == NULL && e->type == CONCLAVE_EVENT_EXITED)
    child_gone (self, e);
  else if (node == NULL)
    return;
  else if (e->type == CONCLAVE_EVENT_EXITED)
    exited (self, node, e);
  else if (e->type == CONCLAVE_EVENT_PAUSE && state < CONCLAVE_NODE_EXITED)
    conclave_node_set_state (node, CONCLAVE_NODE_PAUSED);
  else if (e->type == CONCLAVE_EVENT_RESUME && state == CONCLAVE_NODE_PAUSED)
    conclave_node_set_state (node, CONCLAVE_NODE_RUNNING);
  else if (e->type == CONCLAVE_EVENT_REMOVE && state >= CONCLAVE_NODE_EXITED)
    _conclave_cluster_remove_now (self, node);
  else if (e->type == CONCLAVE_EVENT_REMOVE)
    g_hash_table_add (self->removing, g_strdup (name));
  else if (e->type == CONCLAVE_EVENT_FAULT)
    _conclave_faults_restore (self->faults, name, conclave_event_fault_drop_permille (e) / 1000.0,
                              (guint) MAX (conclave_event_fault_delay_ms (e), 0),
                              conclave_event_store_str (self->store, conclave_event_fault_isolate (e)));
  else if (e->type == CONCLAVE_EVENT_OUTPUT)
    conclave_node_append_output (node,
                                 g_strcmp0 (conclave_event_store_str (self->store, e->s[1]), CONCLAVE_STREAM_STDERR) == 0
                                 ? CONCLAVE_OUTPUT_STDERR : CONCLAVE_OUTPUT_STDOUT,
                                 conclave_event_store_str (self->store, e->s[3]) ?: "");
  _conclave_cluster_mark_dirty (self, node);
}

/* ---- feeding ---------------------------------------------------------------- */

/* Live, the matcher forgets old keys at every expiry tick; a replay has
 * no ticks between its recorded losses, so it forgets after each batch,
 * at the batch's last moment (or a long class would keep every key). */
static void
flush (ConclaveCluster *self)
{
  guint64 first = conclave_event_store_get_end (self->store);
  gint64 last_ns;

  if (self->pending->len == 0)
    return;
  last_ns = g_array_index (self->pending, ConclaveEvent, self->pending->len - 1).time_ns;
  conclave_event_store_append (self->store, (const ConclaveEvent *) (gpointer) self->pending->data,
                               self->pending->len);
  g_array_set_size (self->pending, 0);
  _conclave_cluster_digest (self, first);
  conclave_matcher_tidy (self->matcher, last_ns);
}

/* A recorded loss is a moment the live matcher expired messages: ours
 * expires then too, and makes its own loss events (the recorded ones of
 * that moment are their copies). */
static void
expire_at (ConclaveCluster *self, gint64 time_ns)
{
  flush (self);
  self->last_expiry = time_ns;
  g_array_append_val (self->moments, ((Moment) { conclave_event_store_get_end (self->store), time_ns }));
  _conclave_cluster_expire (self, time_ns);
}

static void
lost (ConclaveCluster *self, const ConclaveEvent *e)
{
  if (e->time_ns != self->last_expiry)
    expire_at (self, e->time_ns);
}

/* A replay's store as the source: its losses are its matcher's, declared
 * at its moments; ours declares them there too (the same ones, at the same
 * indices), and the copies pass by. */
static void
expire_moments (ConclaveCluster *self, guint64 source_index)
{
  while (self->source_moments != NULL && self->source_moment < self->source_moments->len)
    {
      const Moment *m = &g_array_index (self->source_moments, Moment, self->source_moment);

      if (m->index > source_index)
        return;
      expire_at (self, m->time_ns);
      self->source_moment++;
    }
}

/* A process's own events, as the live cluster's reader takes them. */
static void
process_event (ConclaveCluster *self, ConclaveEvent *e, guint32 conn)
{
  ConclaveNode *node;

  if (conn != 0 && own_proc (self, conn) == 0)
    {
      if (e->type == CONCLAVE_EVENT_HELLO)
        _conclave_cluster_handle_hello (self, e, conn);
      else
        introduce (self, conn, e->time_ns);
    }
  e->proc = own_proc (self, conn);
  _conclave_cluster_take (self, e);
  if (e->type == CONCLAVE_EVENT_EXIT && e->proc != 0)
    conclave_event_store_get_process (self->store, e->proc)->connected = FALSE;
  else if (e->type == CONCLAVE_EVENT_REAP && (node = conclave_cluster_lookup_pid (self, conclave_event_reap_child (e))) != NULL &&
           conclave_node_get_kind (node) == CONCLAVE_NODE_KIND_CHILD)
    disconnect (self, node);
}

/* ---- source indices to ours ---------------------------------------------------- */

static guint64
own_next (ConclaveCluster *self)
{
  return conclave_event_store_get_end (self->store) + self->pending->len;
}

static void
note_shift (ConclaveCluster *self, guint64 source_index)
{
  gint64 by = (gint64) own_next (self) - (gint64) source_index;

  if (self->shifts->len == 0 || g_array_index (self->shifts, Shift, self->shifts->len - 1).by != by)
    g_array_append_val (self->shifts, ((Shift) { source_index, by }));
}

guint64
conclave_cluster_replay_own_index (ConclaveCluster *self,
                                   guint64          source_index)
{
  guint lo = 0, hi;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), G_MAXUINT64);

  if (!self->replay || source_index >= self->source_next || self->shifts->len == 0 ||
      source_index < g_array_index (self->shifts, Shift, 0).from)
    return G_MAXUINT64;
  /* The last shift at or before it. */
  hi = self->shifts->len;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (self->shifts, Shift, mid).from <= source_index)
        lo = mid;
      else
        hi = mid;
    }
  return (guint64) ((gint64) source_index + g_array_index (self->shifts, Shift, lo).by);
}

/* A verdict's cause (its key) is an index of the store it was made in:
 * ours is where that event went here. Without one (0: a file written
 * before causes were kept) the verdict itself is what there is to show. */
static void
own_cause (ConclaveCluster *self, ConclaveEvent *e, guint64 source_index)
{
  guint64 cause = e->key != 0 && e->key < source_index ? conclave_cluster_replay_own_index (self, e->key) : G_MAXUINT64;

  e->key = cause != G_MAXUINT64 ? cause : own_next (self);
}

static void
feed_one (ConclaveCluster *self, const ConclaveEvent *recorded, guint64 source_index)
{
  ConclaveEvent e = *recorded;

  if (e.type == CONCLAVE_EVENT_LOST)
    {
      if (self->source_moments == NULL)
        lost (self, &e);
      return;
    }
  translate (self, &e);

  /* The controller's own, and the checker's verdicts; everything else a
   * process said (an ERROR too: a line of its that was malformed). */
  if (CONCLAVE_EVENT_IS_CONTROLLER (e.type) || e.type == CONCLAVE_EVENT_VIOLATION)
    {
      e.proc = own_proc (self, recorded->proc);
      if (e.type != CONCLAVE_EVENT_VIOLATION)
        controller (self, &e);
    }
  else
    process_event (self, &e, recorded->proc);
  if (e.type == CONCLAVE_EVENT_VIOLATION)
    own_cause (self, &e, source_index);
  note_shift (self, source_index);
  g_array_append_val (self->pending, e);
  if (own_next (self) % BATCH == 0)
    flush (self);
}

guint64
conclave_cluster_replay_to (ConclaveCluster *self,
                            guint64          end)
{
  guint64 from;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), 0);
  g_return_val_if_fail (self->replay, 0);

  /* A fresh replay again starts at the checkpoint before `end`. */
  if (self->checkpoints != NULL && self->source_next == 0 && conclave_event_store_get_end (self->store) == 0 &&
      self->pending->len == 0)
    _conclave_cluster_checkpoint_restore (self, end);
  from = MAX (self->source_next, conclave_event_store_get_first (self->source));
  end = MIN (end, conclave_event_store_get_end (self->source));
  for (guint64 i = from; i < end; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (self->source, i);

      expire_moments (self, i);
      if (e != NULL)
        {
          feed_one (self, e, i);
          self->source_next = i + 1;
        }
    }
  /* At the very end: a moment that declared nothing lost. */
  if (end == conclave_event_store_get_end (self->source))
    expire_moments (self, end);
  flush (self);
  self->source_next = MAX (self->source_next, end);
  return end > from ? end - from : 0;
}

void
conclave_cluster_replay_rebase (ConclaveCluster *self)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));
  g_return_if_fail (self->replay);

  flush (self);
  g_set_object (&self->source, self->store);
  g_clear_pointer (&self->source_moments, g_array_unref);
  self->source_moments = g_array_copy (self->moments);
  self->source_moment = self->source_moments->len;
  self->source_next = conclave_event_store_get_end (self->store);
  /* Our ids are the source's now; the index map is the identity. */
  g_array_set_size (self->strings, 0);
  g_array_set_size (self->conn_own, 0);
  g_array_set_size (self->shifts, 0);
  g_array_append_val (self->shifts, ((Shift) { conclave_event_store_get_first (self->store), 0 }));
  if (self->checkpoints == NULL)
    _conclave_cluster_checkpoints_make (self);
}

void
conclave_cluster_replay_set_checkpoint_every (ConclaveCluster *self,
                                              guint64          events)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));
  self->checkpoint_every = events;
}

gboolean
conclave_cluster_replay_needs_again (ConclaveCluster *self,
                                     guint64          end)
{
  guint64 i;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), TRUE);

  if (end < self->source_next)
    return TRUE;
  /* Forward past a checkpoint well ahead: restoring it feeds less. */
  i = self->checkpoints != NULL ? _conclave_checkpoints_at_or_before (self->checkpoints, end) : G_MAXUINT64;
  return i != G_MAXUINT64 && _conclave_checkpoints_get_at (self->checkpoints, (guint) i) > self->source_next + self->checkpoint_every / 2;
}

ConclaveCluster *
conclave_cluster_new_replay_again (ConclaveCluster *replay,
                                   GError         **error)
{
  ConclaveCluster *self;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (replay), NULL);
  g_return_val_if_fail (replay->replay, NULL);

  if ((self = conclave_cluster_new_replay (replay->source, replay->title, error)) == NULL)
    return NULL;
  self->checkpoint_every = replay->checkpoint_every;
  if (replay->checkpoints != NULL)
    self->checkpoints = _conclave_checkpoints_ref (replay->checkpoints);
  /* Rebased: we make the source's events at its indices, so our store
   * reads them there instead of holding a copy. */
  if (replay->source_moments != NULL)
    {
      self->source_moments = g_array_ref (replay->source_moments);
      if (conclave_event_store_get_first (replay->source) == 0)
        conclave_event_store_share (self->store, replay->source);
      self->same_strings = conclave_event_store_get_intern (self->store) == conclave_event_store_get_intern (replay->source);
    }
  return self;
}
