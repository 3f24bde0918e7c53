/* conclave-cluster.c — the running demonstration: processes, events, models.
 *
 * The only place where the control server, the store, the matcher, the
 * supervisor and the node models meet. Per batch of events it maps
 * connections to processes, updates node models, appends to the store,
 * feeds the matcher and emits "changed" once per main-loop turn, however
 * many batches arrived (pacing to frames is the views' business). It never
 * draws and never blocks; a child that misbehaves costs it an error count.
 */
#include "config.h"

#include "conclave-cluster.h"
#include "conclave-control-server.h"
#include "conclave-supervisor.h"
#include "conclave-cluster-private.h"
#include "conclave-line-parser.h"
#include "conclave-pages.h"
#include "conclave-trace-file.h"
#include "conclave-protocol.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define EXPIRE_INTERVAL_MS  200

static void conclave_cluster_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConclaveCluster, conclave_cluster, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, conclave_cluster_list_model_init))

enum { PROP_0, PROP_TEMPO, PROP_BASE_PORT, PROP_TITLE, PROP_FROZEN, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, NODE_ADDED, NODE_REMOVED, VIOLATION, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- GListModel ---------------------------------------------------------- */

static GType
list_get_item_type (GListModel *model)
{
  return CONCLAVE_TYPE_NODE;
}

static guint
list_get_n_items (GListModel *model)
{
  return CONCLAVE_CLUSTER (model)->nodes->len;
}

static gpointer
list_get_item (GListModel *model, guint position)
{
  ConclaveCluster *self = CONCLAVE_CLUSTER (model);

  if (position >= self->nodes->len)
    return NULL;
  return g_object_ref (self->nodes->pdata[position]);
}

static void
conclave_cluster_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* ---- change notification ------------------------------------------------- */

static gboolean
emit_changed (gpointer data)
{
  ConclaveCluster *self = data;
  GHashTableIter iter;
  gpointer node;

  self->changed_id = 0;
  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &node, NULL))
    conclave_node_flush_changes (node);
  g_hash_table_remove_all (self->dirty);
  g_signal_emit (self, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* Violations the checker just appended after `from`: one signal each. */
static void
announce_violations (ConclaveCluster *self, guint64 from)
{
  for (guint64 i = from; i < conclave_event_store_get_end (self->store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (self->store, i);
      if (e->type == CONCLAVE_EVENT_VIOLATION)
        g_signal_emit (self, signals[VIOLATION], 0, i);
    }
}

/* One "changed" for all the batches of one main-loop turn. */
void
_conclave_cluster_queue_changed (ConclaveCluster *self)
{
  if (self->changed_id == 0)
    self->changed_id = g_idle_add_full (G_PRIORITY_DEFAULT, emit_changed, self, NULL);
}

void
_conclave_cluster_digest (ConclaveCluster *self, guint64 first)
{
  guint64 end = conclave_event_store_get_end (self->store);

  conclave_matcher_feed (self->matcher, first, end);
  _conclave_hold_feed (self->hold, first, end);
  /* A recording brings its own verdicts: judging it again would say each twice. */
  if (self->replay)
    announce_violations (self, first);
  else if (conclave_checker_feed (self->checker, first, end) > 0)
    announce_violations (self, end);
  _conclave_cluster_queue_changed (self);
}

void
_conclave_cluster_mark_dirty (ConclaveCluster *self, ConclaveNode *node)
{
  if (node != NULL)
    g_hash_table_add (self->dirty, node);
}

/* ---- processes ----------------------------------------------------------- */

ConclaveNode *
conclave_cluster_lookup (ConclaveCluster *self, const char *name)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->by_name, name);
}

void
_conclave_cluster_node_added (ConclaveCluster *self, ConclaveNode *node)
{
  g_signal_emit (self, signals[NODE_ADDED], 0, node);
}

void
_conclave_cluster_add_top_level (ConclaveCluster *self, ConclaveNode *node)
{
  g_ptr_array_add (self->nodes, node);
  g_hash_table_insert (self->by_name, g_strdup (conclave_node_get_name (node)), node);
  g_list_model_items_changed (G_LIST_MODEL (self), self->nodes->len - 1, 0, 1);
  g_signal_emit (self, signals[NODE_ADDED], 0, node);
}

void
_conclave_cluster_remove_now (ConclaveCluster *self, ConclaveNode *node)
{
  guint position;

  if (!g_ptr_array_find (self->nodes, node, &position))
    return;
  g_object_ref (node);
  for (guint i = 0; i < self->procs->len; i++)
    {
      ProcEntry *entry = &g_array_index (self->procs, ProcEntry, i);
      if (entry->node == node || (entry->node && conclave_node_get_parent (entry->node) == node))
        g_clear_object (&entry->node);
    }
  g_hash_table_remove (self->dirty, node);
  g_hash_table_foreach_remove (self->folded, _conclave_cluster_folded_into, node);
  g_hash_table_remove (self->exec_cwd, conclave_node_get_name (node));
  _conclave_faults_forget (self->faults, conclave_node_get_name (node));
  g_hash_table_remove (self->by_name, conclave_node_get_name (node));
  g_ptr_array_remove_index (self->nodes, position);
  _conclave_cluster_lan_forget (self, conclave_node_get_name (node));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_signal_emit (self, signals[NODE_REMOVED], 0, node);
  g_object_unref (node);
}

char *
_conclave_cluster_tempo_command (double tempo)
{
  char value[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (value, sizeof value, tempo);
  return g_strdup_printf ("{\"cmd\":\"" CONCLAVE_CMD_TEMPO "\",\"scale\":%s}", value);
}

ConclaveFaults *
conclave_cluster_get_faults (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->faults;
}

static void
count_event (ConclaveCluster *self, ConclaveNode *node, const ConclaveEvent *e)
{
  ConclaveNodeCounters *c;
  g_autofree char *address = NULL;

  if (node == NULL)
    return;
  c = conclave_node_edit_counters (node);
  switch ((ConclaveEventType) e->type)
    {
    case CONCLAVE_EVENT_SEND: c->sent++; break;
    case CONCLAVE_EVENT_RECV: c->received++; break;
    case CONCLAVE_EVENT_DROP: c->dropped++; break;
    case CONCLAVE_EVENT_GARBAGE: c->garbage += (guint64) MAX (e->num, 0); break;
    case CONCLAVE_EVENT_ERROR: c->errors++; break;
    case CONCLAVE_EVENT_DELIVER:
      c->delivered++;
      conclave_node_add_delivered (node, e->num, conclave_event_store_str (self->store, e->s[1]),
                                   conclave_event_store_str (self->store, e->s[3]));
      break;
    case CONCLAVE_EVENT_OVERFLOW:
      if (e->s[0] != 0)
        c->lines_lost += (guint64) MAX (e->num, 0);
      break;
    case CONCLAVE_EVENT_SOCKET:
      _conclave_cluster_note_address (self, node, e);
      if (e->s[1] != 0)
        {
          address = g_strdup_printf ("%s %s (%s)", e->proto == CONCLAVE_PROTO_TCP ? "tcp" : "udp",
                                     conclave_event_store_str (self->store, e->s[1]),
                                     conclave_event_store_str (self->store, e->s[0]));
          conclave_node_add_address (node, address);
        }
      break;
    case CONCLAVE_EVENT_STATE:
      {
        const char *view = conclave_event_store_str (self->store, e->s[2]);
        g_auto(GStrv) members = view ? g_strsplit (view, ",", -1) : NULL;
        ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, e->proc);

        /* A dead process's last lines may come after its exit was seen. */
        if (conclave_node_get_state (node) >= CONCLAVE_NODE_EXITED ||
            info == NULL || info->pid != conclave_node_get_pid (node))
          break;
        conclave_node_set_group_state (node, conclave_event_store_str (self->store, e->s[0]),
                                       (guint64) conclave_event_state_term (e),
                                       conclave_event_store_str (self->store, e->s[1]),
                                       (const char * const *) members);
        conclave_node_set_election_timeout_ms (node, conclave_event_state_timeout_ms (e));
        break;
      }
    case CONCLAVE_EVENT_REAP:
      {
        ConclaveNode *child = conclave_cluster_lookup_pid (self, conclave_event_reap_child (e));
        if (child && conclave_node_get_kind (child) == CONCLAVE_NODE_KIND_CHILD)
          _conclave_cluster_child_ended (self, child, conclave_event_reap_code (e), (gint) conclave_event_reap_signal (e));
        break;
      }
    default:
      break;
    }
  _conclave_cluster_mark_dirty (self, node);
}

/* What one event of a process (its proc already known) tells the models:
 * the same for a live line and for a recorded one. */
void
_conclave_cluster_take (ConclaveCluster *self, const ConclaveEvent *e)
{
  ConclaveNode *node;

  if (e->proc != 0)
    {
      ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, e->proc);
      info->lines++;
      info->last_ns = MAX (info->last_ns, e->time_ns);
      if (e->type == CONCLAVE_EVENT_ERROR)
        info->errors++;
      else if (e->type == CONCLAVE_EVENT_OVERFLOW && e->s[0] != 0)
        info->lines_lost += (guint64) MAX (e->num, 0);
    }
  if (e->proc != 0 && (e->type == CONCLAVE_EVENT_SOCKET || CONCLAVE_EVENT_IS_MESSAGE (e->type)))
    _conclave_cluster_networked (self, e->proc);
  count_event (self, conclave_cluster_node_for_proc (self, e->proc), e);
  /* A child's own "exit" says how it ended (before its connection closes;
   * a recording has only this). */
  if (e->type == CONCLAVE_EVENT_EXIT && (node = conclave_cluster_node_for_proc (self, e->proc)) != NULL &&
      conclave_node_get_kind (node) == CONCLAVE_NODE_KIND_CHILD)
    _conclave_cluster_child_ended (self, node, e->num, 0);
}

static void
on_events (ConclaveControlServer *server, ConclaveEventBatch *batch, ConclaveCluster *self)
{
  g_autofree ConclaveEvent *events = g_memdup2 (batch->events, batch->n_events * sizeof (ConclaveEvent));
  guint64 first = conclave_event_store_get_end (self->store);
  guint kept = 0;

  for (guint i = 0; i < batch->n_events; i++)
    {
      ConclaveEvent *e = &events[i];
      guint32 conn = e->proc;
      gpointer proc;

      if (e->type == CONCLAVE_EVENT_HELLO && !g_hash_table_contains (self->conn_proc, GUINT_TO_POINTER (conn)))
        {
          if (_conclave_cluster_hello_belongs (self, e, conn))
            _conclave_cluster_handle_hello (self, e, conn);
        }
      else if (g_hash_table_lookup_extended (self->conn_proc, GUINT_TO_POINTER (conn), NULL, &proc))
        {
          if (GPOINTER_TO_UINT (proc) == CONN_REFUSED)
            continue;  /* nothing a refused connection says counts */
          e->proc = GPOINTER_TO_UINT (proc);
        }
      else
        e->proc = 0;  /* spoke before saying hello: the controller's own row */

      _conclave_cluster_take (self, e);
      events[kept++] = *e;
    }

  conclave_event_store_append (self->store, events, kept);
  _conclave_cluster_digest (self, first);
}

static gboolean
expire_tick (gpointer data)
{
  ConclaveCluster *self = data;
  gint64 now_ns = g_get_monotonic_time () * 1000;
  guint64 before_tick;

  _conclave_cluster_expire (self, now_ns);
  before_tick = conclave_event_store_get_end (self->store);
  if (conclave_checker_tick (self->checker, now_ns) > 0)
    {
      announce_violations (self, before_tick);
      _conclave_cluster_queue_changed (self);
    }
  /* Ended children whose connection is gone but whose exit we never saw. */
  for (guint i = 1; i < self->procs->len; i++)
    {
      ProcEntry *entry = &g_array_index (self->procs, ProcEntry, i);
      ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, i);
      if (entry->conn == 0 && entry->node && info && conclave_node_get_kind (entry->node) == CONCLAVE_NODE_KIND_CHILD &&
          conclave_node_get_state (entry->node) < CONCLAVE_NODE_EXITED && kill (info->pid, 0) < 0 && errno == ESRCH)
        _conclave_cluster_child_gone (self, entry->node);
    }
  return G_SOURCE_CONTINUE;
}

/* Messages in flight too long at now_ns are lost; their senders count it. */
void
_conclave_cluster_expire (ConclaveCluster *self, gint64 now_ns)
{
  guint64 first = conclave_event_store_get_end (self->store);
  guint n = conclave_matcher_expire (self->matcher, now_ns);

  if (n > 0)
    {
      for (guint64 i = first; i < conclave_event_store_get_end (self->store); i++)
        {
          const ConclaveEvent *e = conclave_event_store_get (self->store, i);
          /* Unheard and not read are no loss of the network's: not counted. */
          gboolean lost = e->type == CONCLAVE_EVENT_LOST
                          && !(e->flags & (CONCLAVE_EVENT_FLAG_UNHEARD | CONCLAVE_EVENT_FLAG_NOT_READ));
          ConclaveNode *node = lost ? conclave_cluster_node_for_proc (self, e->proc) : NULL;
          if (node)
            {
              conclave_node_edit_counters (node)->lost++;
              _conclave_cluster_mark_dirty (self, node);
            }
        }
      _conclave_cluster_queue_changed (self);
    }
}

/* ---- controller events --------------------------------------------------- */

void
_conclave_cluster_record (ConclaveCluster   *self,
                          ConclaveEventType  type,
                          ConclaveNode      *node,
                          gint32             num,
                          guint32            lc,
                          const char        *text)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (self->store);
  ConclaveEvent e = { 0 };
  guint64 first = conclave_event_store_get_end (self->store);

  e.type = type;
  e.time_ns = g_get_monotonic_time () * 1000;
  e.proc = _conclave_cluster_proc_of_node (self, node);
  e.num = num;
  e.lc = lc;
  if (node)
    {
      e.s[0] = conclave_intern_add (intern, conclave_node_get_name (node));
      e.len = (guint32) MAX (conclave_node_get_pid (node), 0);
    }
  if (text)
    e.s[type == CONCLAVE_EVENT_SPAWN ? 2 : (type == CONCLAVE_EVENT_FAULT ? 1 : 3)] = conclave_intern_add (intern, text);
  conclave_event_store_append (self->store, &e, 1);
  _conclave_cluster_digest (self, first);
}

/* ---- supervisor ---------------------------------------------------------- */

static void
on_spawned (ConclaveSupervisor *sup, const char *name, gint pid, ConclaveCluster *self)
{
  ConclaveNode *node = conclave_cluster_lookup (self, name);
  g_autofree char *argv = NULL;

  if (node == NULL)
    return;
  conclave_node_set_pid (node, pid);
  conclave_node_set_ppid (node, getpid ());
  conclave_node_set_exit (node, 0, 0);
  conclave_node_set_state (node, CONCLAVE_NODE_STARTING);
  argv = g_strjoinv (",", (char **) conclave_node_get_argv (node));
  _conclave_cluster_record (self, CONCLAVE_EVENT_SPAWN, node, 0, 0, argv);
}

static void
on_output (ConclaveSupervisor *sup, const char *name, gint stream, const char *line, ConclaveCluster *self)
{
  ConclaveNode *node = conclave_cluster_lookup (self, name);

  if (node)
    _conclave_cluster_on_output (self, node, (ConclaveOutputStream) stream, line);
}

static void
on_exited (ConclaveSupervisor *sup, const char *name, gint pid, gint code, gint signum, ConclaveCluster *self)
{
  ConclaveNode *node = conclave_cluster_lookup (self, name);
  g_autoptr(GError) error = NULL;

  if (node == NULL || conclave_node_get_pid (node) != pid)
    return;
  _conclave_cluster_node_ended (self, node, code, signum);
  _conclave_cluster_record (self, CONCLAVE_EVENT_EXITED, node, code, (guint32) signum, NULL);
  g_hash_table_remove (self->crashing, name);
  _conclave_cluster_mark_dirty (self, node);

  if (g_hash_table_remove (self->removing, name))
    _conclave_cluster_remove_now (self, node);
  else if (g_hash_table_remove (self->restarting, name) && !_conclave_cluster_spawn_node (self, node, &error))
    g_warning ("Cannot restart %s: %s", name, error->message);
}

void
_conclave_cluster_set_title (ConclaveCluster *self, const char *title)
{
  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* ---- freezing ------------------------------------------------------------ */

void
conclave_cluster_freeze_all (ConclaveCluster *self, gboolean frozen)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));

  frozen = !!frozen;
  for (guint i = 0; i < self->nodes->len; i++)
    {
      ConclaveNode *node = self->nodes->pdata[i];
      ConclaveNodeState state = conclave_node_get_state (node);
      const char *name = conclave_node_get_name (node);

      if (frozen && (state == CONCLAVE_NODE_RUNNING || state == CONCLAVE_NODE_STARTING))
        _conclave_cluster_signal_node (self, name, CONCLAVE_EVENT_PAUSE);
      else if (!frozen && state == CONCLAVE_NODE_PAUSED)
        _conclave_cluster_signal_node (self, name, CONCLAVE_EVENT_RESUME);
    }
  if (self->frozen != frozen)
    {
      self->frozen = frozen;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROZEN]);
    }
}

gboolean
conclave_cluster_get_frozen (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  return self->frozen;
}

/* ---- tempo and ports ----------------------------------------------------- */

double
conclave_cluster_get_tempo (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), 1.0);
  return self->tempo;
}

void
conclave_cluster_set_tempo (ConclaveCluster *self, double tempo)
{
  char value[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *line = NULL;

  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));

  tempo = CLAMP (tempo, 0.01, 10.0);
  if (tempo == self->tempo)
    return;
  self->tempo = tempo;
  /* Five classroom heartbeats: long enough for any election's news. */
  conclave_checker_set_grace (self->checker, (gint64) (5e9 * tempo));
  conclave_checker_set_tempo (self->checker, tempo);
  g_ascii_dtostr (value, sizeof value, tempo);
  conclave_supervisor_setenv (self->supervisor, CONCLAVE_ENV_TEMPO, value);
  line = _conclave_cluster_tempo_command (tempo);
  conclave_cluster_send_command (self, NULL, line);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPO]);
}

guint
conclave_cluster_get_base_port (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), 0);
  return self->base_port;
}

void
conclave_cluster_set_base_port (ConclaveCluster *self, guint port)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));

  if (port == self->base_port)
    return;
  self->base_port = port;
  self->group_port = port + 1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_PORT]);
}

/* ---- life cycle ---------------------------------------------------------- */

ConclaveEventStore *
conclave_cluster_get_store (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->store;
}

ConclaveMatcher *
conclave_cluster_get_matcher (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->matcher;
}

ConclaveChecker *
conclave_cluster_get_checker (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->checker;
}

const char *
conclave_cluster_get_control_path (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return conclave_control_server_get_path (self->server);
}

void
conclave_cluster_shutdown (ConclaveCluster *self)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));

  _conclave_cluster_cancel_timers (self);
  /* "exited" comes within kill_all: nothing may start again then. */
  g_hash_table_remove_all (self->restarting);
  /* A replay started nothing (and sweeping /proc for orphans is slow). */
  if (self->supervisor && !self->replay)
    conclave_supervisor_kill_all (self->supervisor);
  conclave_cluster_stop_trace (self);
}

/* Chapter 4's servers authenticate their datagrams with this (node-wire.h):
 * 256 random bits from the kernel, new for every cluster. */
static void
set_group_key (ConclaveCluster *self)
{
  guint8 bytes[32];
  char hex[sizeof bytes * 2 + 1];

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("getrandom: %s", g_strerror (errno));
  for (gsize i = 0; i < sizeof bytes; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", bytes[i]);
  conclave_supervisor_setenv (self->supervisor, CONCLAVE_ENV_GROUP_KEY, hex);
}

ConclaveCluster *
conclave_cluster_new (GError **error)
{
  return _conclave_cluster_new (TRUE, error);
}

/* A replay runs no process: it needs no keeper (a process per replay, one
 * per scrub back). */
ConclaveCluster *
_conclave_cluster_new (gboolean runs_processes, GError **error)
{
  g_autoptr(ConclaveCluster) self = g_object_new (CONCLAVE_TYPE_CLUSTER, NULL);

  self->server = conclave_control_server_new (conclave_event_store_get_intern (self->store), error);
  if (self->server == NULL)
    return NULL;
  g_signal_connect_object (self->server, "events", G_CALLBACK (on_events), self, 0);
  g_signal_connect_object (self->server, "closed", G_CALLBACK (_conclave_cluster_on_closed), self, 0);
  self->hold = _conclave_hold_new (self);
  self->supervisor = conclave_supervisor_new (conclave_control_server_get_path (self->server));
  if (runs_processes)
    self->keeper = conclave_keeper_new (conclave_control_server_get_path (self->server));
  g_signal_connect_object (self->supervisor, "spawned", G_CALLBACK (on_spawned), self, 0);
  g_signal_connect_object (self->supervisor, "output", G_CALLBACK (on_output), self, 0);
  g_signal_connect_object (self->supervisor, "exited", G_CALLBACK (on_exited), self, 0);
  conclave_supervisor_setenv (self->supervisor, CONCLAVE_ENV_TEMPO, "1");
  set_group_key (self);
  _conclave_cluster_make_state_dir (self);
  return g_steal_pointer (&self);
}

static void
conclave_cluster_dispose (GObject *object)
{
  ConclaveCluster *self = CONCLAVE_CLUSTER (object);

  if (self->supervisor)
    conclave_cluster_shutdown (self);
  g_clear_handle_id (&self->changed_id, g_source_remove);
  g_clear_handle_id (&self->expire_id, g_source_remove);
  /* Before the control server removes the directory around them. */
  _conclave_cluster_remove_state_dir (self);
  g_clear_object (&self->lan);
  g_clear_pointer (&self->lan_parser, conclave_line_parser_free);
  if (self->server)
    conclave_control_server_close (self->server);
  g_clear_object (&self->supervisor);
  g_clear_pointer (&self->keeper, conclave_keeper_free);
  g_clear_object (&self->server);
  if (self->nodes)
    g_ptr_array_set_size (self->nodes, 0);
  G_OBJECT_CLASS (conclave_cluster_parent_class)->dispose (object);
}

static void
conclave_cluster_finalize (GObject *object)
{
  ConclaveCluster *self = CONCLAVE_CLUSTER (object);

  g_clear_pointer (&self->matcher, conclave_matcher_free);
  g_clear_pointer (&self->checker, conclave_checker_free);
  g_clear_object (&self->store);
  g_clear_pointer (&self->scenario, conclave_scenario_unref);
  g_ptr_array_unref (self->nodes);
  g_ptr_array_unref (self->timers);
  g_hash_table_unref (self->by_name);
  g_hash_table_unref (self->conn_proc);
  g_hash_table_unref (self->folded);
  g_hash_table_unref (self->dirty);
  g_hash_table_unref (self->crashing);
  g_hash_table_unref (self->guessed);
  g_hash_table_unref (self->restarting);
  g_hash_table_unref (self->removing);
  g_hash_table_unref (self->exec_cwd);
  g_hash_table_unref (self->addr_owner);
  g_clear_object (&self->faults);
  g_clear_object (&self->hold);
  g_array_unref (self->procs);
  g_free (self->title);
  g_clear_pointer (&self->leader_pattern, g_regex_unref);
  _conclave_cluster_replay_clear (self);
  G_OBJECT_CLASS (conclave_cluster_parent_class)->finalize (object);
}

static void
conclave_cluster_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ConclaveCluster *self = CONCLAVE_CLUSTER (object);

  switch (prop_id)
    {
    case PROP_TEMPO: g_value_set_double (value, self->tempo); break;
    case PROP_BASE_PORT: g_value_set_uint (value, self->base_port); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_FROZEN: g_value_set_boolean (value, self->frozen); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_cluster_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ConclaveCluster *self = CONCLAVE_CLUSTER (object);

  switch (prop_id)
    {
    case PROP_TEMPO: conclave_cluster_set_tempo (self, g_value_get_double (value)); break;
    case PROP_BASE_PORT: conclave_cluster_set_base_port (self, g_value_get_uint (value)); break;
    case PROP_FROZEN: conclave_cluster_freeze_all (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_cluster_class_init (ConclaveClusterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* A cluster keeps millions of events: malloc must give back (conclave-pages.h). */
  conclave_pages_set_malloc_policy ();

  object_class->dispose = conclave_cluster_dispose;
  object_class->finalize = conclave_cluster_finalize;
  object_class->get_property = conclave_cluster_get_property;
  object_class->set_property = conclave_cluster_set_property;

  properties[PROP_TEMPO] =
    g_param_spec_double ("tempo", NULL, NULL, 0.01, 10.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_PORT] =
    g_param_spec_uint ("base-port", NULL, NULL, 1, 65534, 10001,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FROZEN] =
    g_param_spec_boolean ("frozen", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[NODE_ADDED] = g_signal_new ("node-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, CONCLAVE_TYPE_NODE);
  signals[VIOLATION] = g_signal_new ("violation", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[NODE_REMOVED] = g_signal_new ("node-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, CONCLAVE_TYPE_NODE);
}

static void
conclave_cluster_init (ConclaveCluster *self)
{
  self->store = conclave_event_store_new ();
  self->matcher = conclave_matcher_new (self->store);
  self->checker = conclave_checker_new (self->store);
  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->timers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->conn_proc = g_hash_table_new (NULL, NULL);
  self->folded = g_hash_table_new_full (NULL, NULL, NULL, _conclave_cluster_folded_free);
  self->dirty = g_hash_table_new (NULL, NULL);
  self->crashing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->guessed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->restarting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->removing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->exec_cwd = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->addr_owner = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->faults = _conclave_faults_new (self);
  self->procs = g_array_new (FALSE, TRUE, sizeof (ProcEntry));
  g_array_set_clear_func (self->procs, _conclave_cluster_proc_entry_clear);
  self->tempo = 1.0;
  conclave_cluster_set_base_port (self, _conclave_cluster_choose_base_port ());
  self->expire_id = g_timeout_add (EXPIRE_INTERVAL_MS, expire_tick, self);
}
