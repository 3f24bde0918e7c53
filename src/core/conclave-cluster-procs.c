/* conclave-cluster-procs.c — the cluster's process table.
 *
 * Part of ConclaveCluster: which connection is which process, which node
 * (top-level or child) each process is, which node has which socket
 * address, and children appearing (hello) and ending. Never spawns or
 * kills a process; the supervisor does.
 */
#include "config.h"

#include "conclave-cluster-private.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#define MAX_ENDED_CHILDREN  64     /* per parent; the oldest beyond go */

/* A forked process that has not touched a socket (yet): a wrapper's
 * helper, a pyenv shim's `readlink`. It has no row of its own (its store
 * entry has no node name, so no view places it); its events count for the
 * nearest ancestor that has a node. */
typedef struct {
  ConclaveNode *ancestor;
  guint32       node;      /* the name it said hello with */
  guint32       role;
} Folded;

void
_conclave_cluster_folded_free (gpointer data)
{
  Folded *folded = data;

  g_clear_object (&folded->ancestor);
  g_free (folded);
}

/* A checkpoint's copy, folded into `ancestor` (the copy of its node). */
gpointer
_conclave_cluster_folded_copy (gpointer folded, ConclaveNode *ancestor)
{
  Folded *copy = g_memdup2 (folded, sizeof (Folded));

  copy->ancestor = ancestor ? g_object_ref (ancestor) : NULL;
  return copy;
}

ConclaveNode *
_conclave_cluster_folded_ancestor (gpointer folded)
{
  return ((Folded *) folded)->ancestor;
}

gboolean
_conclave_cluster_folded_into (gpointer proc, gpointer folded, gpointer node)
{
  ConclaveNode *ancestor = ((Folded *) folded)->ancestor;

  for (; ancestor != NULL; ancestor = conclave_node_get_parent (ancestor))
    if (ancestor == node)
      return TRUE;
  return FALSE;
}

void
_conclave_cluster_proc_entry_clear (gpointer data)
{
  g_clear_object (&((ProcEntry *) data)->node);
}

static ProcEntry *
proc_entry (ConclaveCluster *self, guint32 proc)
{
  if (proc >= self->procs->len)
    g_array_set_size (self->procs, proc + 1);
  return &g_array_index (self->procs, ProcEntry, proc);
}

ConclaveNode *
conclave_cluster_node_for_proc (ConclaveCluster *self, guint32 proc)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);

  if (proc == 0 || proc >= self->procs->len)
    return NULL;
  return g_array_index (self->procs, ProcEntry, proc).node;
}

guint32
_conclave_cluster_proc_of_node (ConclaveCluster *self, ConclaveNode *node)
{
  gint pid = node ? conclave_node_get_pid (node) : 0;
  ConclaveProcessInfo *info = pid > 0 ? conclave_event_store_find_process (self->store, pid) : NULL;

  return info ? info->index : 0;
}

ConclaveNode *
conclave_cluster_lookup_pid (ConclaveCluster *self, gint pid)
{
  ConclaveProcessInfo *info;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);

  for (guint i = 0; i < self->nodes->len; i++)
    if (conclave_node_get_pid (self->nodes->pdata[i]) == pid)
      return self->nodes->pdata[i];
  info = conclave_event_store_find_process (self->store, pid);
  return info ? conclave_cluster_node_for_proc (self, info->index) : NULL;
}

/* Ended children stay (how long one is shown is the views' decision, and
 * they remove it); only a bounded number, so a server that forks per
 * request does not grow without end where nobody removes them. */
static void
prune_ended_children (ConclaveNode *parent)
{
  GListModel *children = conclave_node_get_children (parent);
  guint ended = 0;

  for (guint i = g_list_model_get_n_items (children); i > 0; i--)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i - 1);

      if (conclave_node_get_state (child) >= CONCLAVE_NODE_EXITED && ++ended > MAX_ENDED_CHILDREN)
        conclave_node_remove_child (parent, child);
    }
}

/* How a child ended, once known: its exit, its parent's reap, its
 * parent's end; it replaces a guess (child_gone). */
void
_conclave_cluster_child_ended (ConclaveCluster *self, ConclaveNode *child, gint code, gint signum)
{
  ConclaveNode *parent = conclave_node_get_parent (child);

  if (conclave_node_get_state (child) >= CONCLAVE_NODE_EXITED &&
      !g_hash_table_remove (self->guessed, conclave_node_get_name (child)))
    return;
  /* Crashed by the teacher (SIGKILL by its PID): its connection may end
   * before its parent's reap says how. */
  if (g_hash_table_remove (self->crashing, conclave_node_get_name (child)) && signum == 0)
    signum = SIGKILL;
  conclave_node_set_exit (child, code, signum);
  conclave_node_set_state (child, signum ? CONCLAVE_NODE_CRASHED : CONCLAVE_NODE_EXITED);
  _conclave_cluster_mark_dirty (self, parent);
  if (parent != NULL)
    prune_ended_children (parent);
}

/* A child gone without a word on how: ended as said, until its parent's
 * reap or end says how (a replay: as the recording says it was). */
void
_conclave_cluster_child_gone_as (ConclaveCluster *self, ConclaveNode *child, gint code, gint signum)
{
  if (conclave_node_get_state (child) >= CONCLAVE_NODE_EXITED)
    return;
  _conclave_cluster_child_ended (self, child, code, signum);
  g_hash_table_add (self->guessed, g_strdup (conclave_node_get_name (child)));
}

/* Live: a child whose connection closed and whose process is gone, no
 * "exit" having come (a traced program's child, a killed one). A
 * recording has no connections: it gets an "exited" saying so. */
void
_conclave_cluster_child_gone (ConclaveCluster *self, ConclaveNode *child)
{
  if (conclave_node_get_state (child) >= CONCLAVE_NODE_EXITED)
    return;
  _conclave_cluster_child_gone_as (self, child, 0, 0);
  _conclave_cluster_record (self, CONCLAVE_EVENT_EXITED, child, conclave_node_get_exit_code (child),
                            (guint32) conclave_node_get_exit_signal (child), NULL);
}

static ConclaveNode *
new_child (ConclaveCluster *self, ConclaveNode *parent, gint pid, gint ppid, const char *role)
{
  g_autofree char *name = g_strdup_printf ("%s/%d", conclave_node_get_name (parent), pid);
  ConclaveNode *child = conclave_node_new (name, role ? role : conclave_node_get_role (parent),
                                           CONCLAVE_NODE_KIND_CHILD);

  conclave_node_set_pid (child, pid);
  conclave_node_set_ppid (child, ppid);
  conclave_node_set_state (child, CONCLAVE_NODE_RUNNING);
  conclave_node_add_child (parent, child);
  _conclave_cluster_node_added (self, child);
  g_object_unref (child);  /* the parent's children model holds it */
  return child;
}

/* The node a process with this pid counts for: its own, or, for a folded
 * one, the ancestor it is folded into. */
static ConclaveNode *
node_or_fold_of_pid (ConclaveCluster *self, gint pid)
{
  ConclaveNode *node = conclave_cluster_lookup_pid (self, pid);
  ConclaveProcessInfo *info;
  Folded *folded;

  if (node != NULL || (info = conclave_event_store_find_process (self->store, pid)) == NULL)
    return node;
  folded = g_hash_table_lookup (self->folded, GUINT_TO_POINTER (info->index));
  return folded ? folded->ancestor : NULL;
}

/* A node's own process that never touched a socket forked, directly or
 * through other quiet helpers, a process that exec'd a program of its own
 * and now touched one (`sh -c 'python3 x.py; echo done'`): that program is
 * the node, the wrapper is folded into it. Once it has gone, the wrapper's
 * next one takes its place. A quiet parent's forks that run its own
 * program (multiprocessing clients) stay its children. */
static gboolean
becomes_node (ConclaveCluster *self, ConclaveNode *node, guint32 proc)
{
  guint32 own = _conclave_cluster_proc_of_node (self, node);
  ConclaveProcessInfo *wrapper_info, *info, *before;
  ProcEntry *wrapper;

  if (own == 0 || own == proc || conclave_node_get_kind (node) == CONCLAVE_NODE_KIND_CHILD)
    return FALSE;
  wrapper = proc_entry (self, own);
  wrapper_info = conclave_event_store_get_process (self->store, own);
  info = conclave_event_store_get_process (self->store, proc);
  before = wrapper->program ? conclave_event_store_get_process (self->store, wrapper->program) : NULL;
  if (wrapper->networked || info->program == wrapper_info->program || (before != NULL && before->connected))
    return FALSE;
  wrapper->program = proc;
  return TRUE;
}

gint
conclave_cluster_get_program_pid (ConclaveCluster *self, ConclaveNode *node)
{
  guint32 own;
  ConclaveProcessInfo *program;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), 0);
  g_return_val_if_fail (CONCLAVE_IS_NODE (node), 0);

  own = _conclave_cluster_proc_of_node (self, node);
  if (own == 0 || own >= self->procs->len || g_array_index (self->procs, ProcEntry, own).program == 0)
    return conclave_node_get_pid (node);
  program = conclave_event_store_get_process (self->store, g_array_index (self->procs, ProcEntry, own).program);
  return program->pid;
}

void
_conclave_cluster_networked (ConclaveCluster *self, guint32 proc)
{
  ProcEntry *entry = proc_entry (self, proc);
  ConclaveProcessInfo *info;
  Folded *folded;
  ConclaveNode *child;

  if (entry->networked)
    return;
  entry->networked = TRUE;
  info = conclave_event_store_get_process (self->store, proc);
  folded = g_hash_table_lookup (self->folded, GUINT_TO_POINTER (proc));
  if (info == NULL || folded == NULL)
    return;
  info->node = folded->node;
  if (becomes_node (self, folded->ancestor, proc))
    child = folded->ancestor;
  else
    child = new_child (self, folded->ancestor, info->pid, info->ppid,
                       conclave_event_store_str (self->store, folded->role));
  g_set_object (&proc_entry (self, proc)->node, child);
  g_hash_table_remove (self->folded, GUINT_TO_POINTER (proc));
}

static gboolean
parent_networked (ConclaveCluster *self, gint ppid)
{
  ConclaveProcessInfo *parent = conclave_event_store_find_process (self->store, ppid);

  return parent != NULL && parent->index < self->procs->len &&
         g_array_index (self->procs, ProcEntry, parent->index).networked;
}

/* The same pid and parent, saying hello again on a new connection: it
 * exec'd (a wrapper's `exec python3 x.py`). Still the same process, and
 * the same row; not a pid reused after an end we saw. */
static gboolean
is_exec (ConclaveCluster *self, ConclaveProcessInfo *old, gint ppid)
{
  ProcEntry *entry;

  if (old == NULL || old->ppid != ppid)
    return FALSE;
  entry = proc_entry (self, old->index);
  if (entry->node == NULL)
    return g_hash_table_contains (self->folded, GUINT_TO_POINTER (old->index));
  return conclave_node_get_pid (entry->node) == old->pid &&
         conclave_node_get_state (entry->node) < CONCLAVE_NODE_EXITED;
}

static void
send_tempo (ConclaveCluster *self, guint32 conn)
{
  g_autofree char *line = _conclave_cluster_tempo_command (self->tempo);

  conclave_control_server_send (self->server, conn, line);
}

/* The first line of a connection: who is it? */
/* A hello that names a node we started (or claims one's process as its
 * parent) must come from that node's process tree (or its process group:
 * an orphan reparented elsewhere still belongs to the node that started
 * it). The control server already checked the pid against the kernel's. */
gboolean
_conclave_cluster_hello_belongs (ConclaveCluster *self, ConclaveEvent *e, guint32 conn)
{
  const char *name = conclave_event_store_str (self->store, conclave_event_hello_node (e));
  ConclaveNode *named = name ? conclave_cluster_lookup (self, name) : NULL;
  ConclaveNode *parent = conclave_cluster_lookup_pid (self, conclave_event_hello_ppid (e));
  ConclaveNode *claimed = named != NULL ? named : parent;
  g_autofree char *reason = NULL;

  while (claimed != NULL && conclave_node_get_parent (claimed) != NULL)
    claimed = conclave_node_get_parent (claimed);
  if (claimed == NULL || conclave_node_get_pid (claimed) <= 0
      || conclave_control_server_peer_belongs_to (self->server, conn, conclave_node_get_pid (claimed)))
    return TRUE;
  reason = g_strdup_printf ("identity: pid %d claims to be part of %s, but is not its process or a descendant; "
                            "connection refused", conclave_event_hello_pid (e), conclave_node_get_name (claimed));
  g_hash_table_insert (self->conn_proc, GUINT_TO_POINTER (conn), GUINT_TO_POINTER (CONN_REFUSED));
  conclave_control_server_refuse (self->server, conn);
  memset (e, 0, sizeof *e);
  e->type = CONCLAVE_EVENT_ERROR;
  e->time_ns = g_get_monotonic_time () * 1000;
  e->s[3] = conclave_intern_add (conclave_event_store_get_intern (self->store), reason);
  return FALSE;
}

void
_conclave_cluster_handle_hello (ConclaveCluster *self, ConclaveEvent *e, guint32 conn)
{
  const char *name = conclave_event_store_str (self->store, e->s[1]);
  const char *role = conclave_event_store_str (self->store, e->s[0]);
  gint pid = (gint) e->len, ppid = e->num;
  ConclaveProcessInfo *info = conclave_event_store_find_process (self->store, pid);
  ConclaveNode *named = name ? conclave_cluster_lookup (self, name) : NULL;
  ConclaveNode *parent_node = node_or_fold_of_pid (self, ppid);
  ProcEntry *entry;
  ConclaveNode *node;

  if (is_exec (self, info, ppid))
    {
      info->role = e->s[0];
      info->program = e->s[2];
      info->connected = TRUE;
      g_hash_table_insert (self->conn_proc, GUINT_TO_POINTER (conn), GUINT_TO_POINTER (info->index));
      proc_entry (self, info->index)->conn = conn;
      e->proc = info->index;
      if (self->tempo != 1.0)
        send_tempo (self, conn);
      /* The program a wrapper exec'd (`conclave-lan enter`, `sh -c exec`):
       * what was told to the wrapper went with it. */
      if (named != NULL && conclave_node_get_pid (named) == pid)
        _conclave_faults_node_started (self->faults, name);
      return;
    }
  info = conclave_event_store_add_process (self->store, pid);

  info->ppid = ppid;
  info->node = e->s[1];
  info->role = e->s[0];
  info->program = e->s[2];
  info->first_ns = e->time_ns;
  info->connected = TRUE;
  g_hash_table_insert (self->conn_proc, GUINT_TO_POINTER (conn), GUINT_TO_POINTER (info->index));

  if (named != NULL && conclave_node_get_pid (named) == pid)
    {
      node = named;
      _conclave_faults_node_started (self->faults, name);
    }
  else if (parent_node != NULL && parent_networked (self, ppid))
    node = new_child (self, parent_node, pid, ppid, role);   /* a server's worker */
  else if (parent_node != NULL || named != NULL)
    {
      Folded *folded = g_new0 (Folded, 1);

      /* A wrapper's helper: folded until it touches a socket. */
      folded->ancestor = g_object_ref (parent_node ? parent_node : named);
      folded->node = info->node;
      folded->role = info->role;
      info->node = 0;
      g_hash_table_insert (self->folded, GUINT_TO_POINTER (info->index), folded);
      proc_entry (self, info->index)->conn = conn;
      e->proc = info->index;
      if (self->tempo != 1.0)
        send_tempo (self, conn);
      return;
    }
  else
    {
      /* Someone we did not start (a program run by hand with our socket). */
      g_autofree char *own = name ? g_strdup (name) : g_strdup_printf ("p%d", pid);
      node = conclave_node_new (own, role ? role : "program", CONCLAVE_NODE_KIND_CLIENT);
      conclave_node_set_pid (node, pid);
      _conclave_cluster_add_top_level (self, node);
    }
  conclave_node_set_ppid (node, ppid);
  if (conclave_node_get_state (node) == CONCLAVE_NODE_STARTING)
    conclave_node_set_state (node, CONCLAVE_NODE_RUNNING);
  entry = proc_entry (self, info->index);
  entry->conn = conn;
  g_set_object (&entry->node, node);
  e->proc = info->index;
  /* Spawned before the last tempo change but connected after it: it has
   * the old tempo from its environment and missed the command. */
  if (self->tempo != 1.0)
    send_tempo (self, conn);
}

/* Which node has which address, so that isolating a node can name its
 * addresses to programs that only see addresses (the trace shim). The
 * latest claim wins: a port is reused by whoever binds it next. */
void
_conclave_cluster_note_address (ConclaveCluster *self, ConclaveNode *node, const ConclaveEvent *e)
{
  const char *op = conclave_event_store_str (self->store, e->s[0]);
  const char *local = conclave_event_store_str (self->store, e->s[1]);

  if (local == NULL || *local == '\0' || g_strcmp0 (op, "close") == 0)
    return;
  while (conclave_node_get_parent (node) != NULL)
    node = conclave_node_get_parent (node);
  g_hash_table_insert (self->addr_owner, GUINT_TO_POINTER (e->s[1]), g_strdup (conclave_node_get_name (node)));
}

ConclaveNode *
conclave_cluster_lookup_address (ConclaveCluster *self, guint32 address)
{
  const char *owner;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);

  owner = address ? g_hash_table_lookup (self->addr_owner, GUINT_TO_POINTER (address)) : NULL;
  return owner ? conclave_cluster_lookup (self, owner) : NULL;
}

GPtrArray *
_conclave_cluster_addresses_of (ConclaveCluster *self, const char * const *names)
{
  GPtrArray *addresses = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer address, owner;

  g_hash_table_iter_init (&iter, self->addr_owner);
  while (names != NULL && g_hash_table_iter_next (&iter, &address, &owner))
    if (g_strv_contains (names, owner))
      g_ptr_array_add (addresses, (gpointer) conclave_event_store_str (self->store, GPOINTER_TO_UINT (address)));
  return addresses;
}

void
_conclave_cluster_on_closed (ConclaveControlServer *server, guint conn, ConclaveCluster *self)
{
  gpointer proc;
  ProcEntry *entry;
  ConclaveProcessInfo *info;

  if (!g_hash_table_lookup_extended (self->conn_proc, GUINT_TO_POINTER (conn), NULL, &proc))
    return;
  g_hash_table_remove (self->conn_proc, GUINT_TO_POINTER (conn));
  if (GPOINTER_TO_UINT (proc) == CONN_REFUSED)
    return;
  entry = proc_entry (self, GPOINTER_TO_UINT (proc));
  if (entry->conn != conn)
    return;   /* the connection it had before it exec'd: it lives on */
  entry->conn = 0;
  info = conclave_event_store_get_process (self->store, GPOINTER_TO_UINT (proc));
  info->connected = FALSE;
  /* A child whose connection ends has ended (its parent's reap may say how). */
  if (entry->node && conclave_node_get_kind (entry->node) == CONCLAVE_NODE_KIND_CHILD &&
      kill (info->pid, 0) < 0 && errno == ESRCH)
    _conclave_cluster_child_gone (self, entry->node);
  _conclave_cluster_queue_changed (self);
}
