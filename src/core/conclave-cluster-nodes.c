/* conclave-cluster-nodes.c — what a teacher does to nodes: add, crash,
 * stop, pause, resume, restart, remove, faults and commands.
 *
 * Part of ConclaveCluster (see conclave-cluster.c). Asks the supervisor to
 * act and records what it asked for; the models change when the processes
 * report, never here on a guess. What a node's end does to its model (its
 * state, its leadership, its children) once the end is known, live or
 * recorded, is here too.
 */
#include "config.h"

#include "conclave-cluster-private.h"

#include <signal.h>
#include <string.h>

/* ---- node operations ----------------------------------------------------- */

char *
conclave_cluster_next_name (ConclaveCluster *self, gboolean server)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);

  for (guint n = 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%c%u", server ? 's' : 'c', n);
      if (!g_hash_table_contains (self->by_name, name))
        return g_steal_pointer (&name);
    }
}

#define TRACE_LIBRARY "libconclave-trace.so"

/* $variable, else the build tree's copy if there is one, else the installed one. */
static char *
find_path (const char *variable, const char *built, const char *installed)
{
  const char *value = g_getenv (variable);

  if (value != NULL && *value != '\0')
    return g_strdup (value);
  if (g_file_test (built, G_FILE_TEST_EXISTS))
    return g_strdup (built);
  return g_strdup (installed);
}

char *
conclave_find_trace_library (void)
{
  g_autofree char *built = g_build_filename (BUILD_TRACEDIR, TRACE_LIBRARY, NULL);
  g_autofree char *installed = g_build_filename (PKGLIBDIR, TRACE_LIBRARY, NULL);

  return find_path ("CONCLAVE_TRACE_LIBRARY", built, installed);
}

char *
conclave_find_examples_dir (void)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "examples", "python", NULL);

  return find_path ("CONCLAVE_EXAMPLES_DIR", BUILD_EXAMPLESDIR, installed);
}

static char *
expand_arg (ConclaveCluster *self, const char *arg)
{
  g_autofree char *port = g_strdup_printf ("%u", self->base_port);
  g_autofree char *group = g_strdup_printf ("%u", self->group_port);
  g_autofree char *examples = strstr (arg, "{examples}") ? conclave_find_examples_dir () : NULL;
  g_autoptr(GString) s = g_string_new (arg);

  g_string_replace (s, "{port}", port, 0);
  g_string_replace (s, "{group_port}", group, 0);
  if (strstr (arg, "{port") != NULL)
    {
      g_autofree char *port2 = g_strdup_printf ("%u", self->base_port + 2);
      g_autofree char *port3 = g_strdup_printf ("%u", self->base_port + 3);
      g_string_replace (s, "{port2}", port2, 0);
      g_string_replace (s, "{port3}", port3, 0);
    }
  if (examples != NULL)
    g_string_replace (s, "{examples}", examples, 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* A traced program starts with the shim preloaded (before anything the
 * user preloads) and Python's output unbuffered, so the inspector shows
 * its lines as they are printed. */
static GStrv
traced_env (GError **error)
{
  g_autofree char *shim = conclave_find_trace_library ();
  const char *preload = g_getenv ("LD_PRELOAD");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *value = NULL;

  if (!g_file_test (shim, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The trace library %s is missing: a program cannot be watched without it", shim);
      return NULL;
    }
  value = preload && *preload ? g_strdup_printf ("LD_PRELOAD=%s:%s", shim, preload)
                              : g_strdup_printf ("LD_PRELOAD=%s", shim);
  g_strv_builder_add (builder, value);
  g_strv_builder_add (builder, "PYTHONUNBUFFERED=1");
  return g_strv_builder_end (builder);
}

gboolean
_conclave_cluster_spawn_node (ConclaveCluster *self, ConclaveNode *node, GError **error)
{
  const char *name = conclave_node_get_name (node);
  g_auto(GStrv) env = NULL;
  g_auto(GStrv) argv = NULL;
  gint pid;

  if (g_strcmp0 (conclave_node_get_role (node), "exec") == 0 && (env = traced_env (error)) == NULL)
    return FALSE;
  if ((argv = _conclave_cluster_host_argv (self, node, error)) == NULL)
    return FALSE;
  pid = conclave_supervisor_spawn_with_env (self->supervisor, name, (const char * const *) argv,
                                            g_hash_table_lookup (self->exec_cwd, name),
                                            (const char * const *) env, error);
  return pid > 0;
}

static gboolean
check_new_name (ConclaveCluster *self, const char *name, GError **error)
{
  if (name == NULL || !g_regex_match_simple ("^[a-z][a-z0-9-]{0,31}$", name, 0, 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a node name (a letter, then letters, digits or -)", name ? name : "");
      return FALSE;
    }
  if (g_hash_table_contains (self->by_name, name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "There is already a node called “%s”", name);
      return FALSE;
    }
  return TRUE;
}

static ConclaveNode *
add_and_spawn (ConclaveCluster *self, const char *name, const char *role, GStrv argv,
               gboolean server, GError **error)
{
  g_autoptr(ConclaveNode) node = NULL;

  if (!check_new_name (self, name, error))
    return NULL;
  node = conclave_node_new (name, role, server ? CONCLAVE_NODE_KIND_SERVER : CONCLAVE_NODE_KIND_CLIENT);
  conclave_node_set_argv (node, (const char * const *) argv);
  _conclave_cluster_add_top_level (self, g_object_ref (node));
  if (!_conclave_cluster_spawn_node (self, node, error))
    {
      _conclave_cluster_remove_now (self, node);
      return NULL;
    }
  return node;
}

ConclaveNode *
conclave_cluster_add_node (ConclaveCluster *self, const char *name, const char *role,
                           const char * const *args, GError **error)
{
  g_autofree char *program = conclave_find_program ("conclave-node");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  g_return_val_if_fail (role != NULL, NULL);

  g_strv_builder_add (builder, program);
  g_strv_builder_add (builder, role);
  for (guint i = 0; args && args[i]; i++)
    {
      g_autofree char *arg = expand_arg (self, args[i]);
      g_strv_builder_add (builder, arg);
    }
  argv = g_strv_builder_end (builder);
  return add_and_spawn (self, name, role, argv, g_str_has_suffix (role, "server"), error);
}

ConclaveNode *
conclave_cluster_add_program (ConclaveCluster *self, const char *name, const char * const *argv,
                              const char *cwd, gboolean server, GError **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) expanded = NULL;
  ConclaveNode *node;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  for (guint i = 0; argv[i]; i++)
    {
      g_autofree char *arg = expand_arg (self, argv[i]);
      g_strv_builder_add (builder, arg);
    }
  expanded = g_strv_builder_end (builder);
  if (!check_new_name (self, name, error))
    return NULL;
  /* Kept for restarts; forgotten with the node. */
  if (cwd != NULL)
    g_hash_table_insert (self->exec_cwd, g_strdup (name), g_strdup (cwd));
  node = add_and_spawn (self, name, "exec", expanded, server, error);
  if (node == NULL)
    g_hash_table_remove (self->exec_cwd, name);
  return node;
}

/* A crash takes every process of the node, also those that detached
 * from its process group (setsid, a double fork): the keeper finds them. */
static gboolean
crash_node (ConclaveCluster *self, const char *name)
{
  gint pid = conclave_supervisor_get_pid (self->supervisor, name);
  gboolean ok = conclave_supervisor_crash (self->supervisor, name);

  if (self->keeper != NULL)   /* none in a replay */
    conclave_keeper_kill_node (self->keeper, name, pid);
  return ok;
}

gboolean
_conclave_cluster_signal_node (ConclaveCluster *self, const char *name, ConclaveEventType type)
{
  ConclaveNode *node = conclave_cluster_lookup (self, name);
  gboolean ok = FALSE;

  if (node == NULL)
    return FALSE;
  switch (type)
    {
    case CONCLAVE_EVENT_CRASH:
      g_hash_table_add (self->crashing, g_strdup (name));
      ok = crash_node (self, name);
      break;
    case CONCLAVE_EVENT_STOP: ok = conclave_supervisor_stop (self->supervisor, name); break;
    case CONCLAVE_EVENT_PAUSE: ok = conclave_supervisor_pause (self->supervisor, name); break;
    case CONCLAVE_EVENT_RESUME: ok = conclave_supervisor_resume (self->supervisor, name); break;
    default: g_assert_not_reached ();
    }
  if (!ok)
    return FALSE;
  if (type == CONCLAVE_EVENT_PAUSE)
    conclave_node_set_state (node, CONCLAVE_NODE_PAUSED);
  else if (type == CONCLAVE_EVENT_RESUME)
    conclave_node_set_state (node, CONCLAVE_NODE_RUNNING);
  _conclave_cluster_record (self, type, node, 0, 0, NULL);
  _conclave_cluster_mark_dirty (self, node);
  return TRUE;
}

/* "s1/4711": a running child (a forked worker) of a top-level node. */
static ConclaveNode *
lookup_child (ConclaveCluster *self, const char *name)
{
  const char *slash = strrchr (name, '/');
  g_autofree char *parent_name = slash ? g_strndup (name, slash - name) : NULL;
  ConclaveNode *parent = parent_name ? conclave_cluster_lookup (self, parent_name) : NULL;
  GListModel *children = parent ? conclave_node_get_children (parent) : NULL;

  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);

      if (g_str_equal (conclave_node_get_name (child), name) &&
          conclave_node_get_state (child) == CONCLAVE_NODE_RUNNING && conclave_node_get_pid (child) > 0)
        return child;  /* the parent's children model keeps it */
    }
  return NULL;
}

/* A child is not the supervisor's: it is killed by its PID, which its
 * parent reaps and reports (a pool then forks a replacement). */
static gboolean
crash_child (ConclaveCluster *self, const char *name)
{
  ConclaveNode *child = lookup_child (self, name);

  if (child == NULL || kill (conclave_node_get_pid (child), SIGKILL) != 0)
    return FALSE;
  g_hash_table_add (self->crashing, g_strdup (name));
  _conclave_cluster_record (self, CONCLAVE_EVENT_CRASH, child, 0, 0, NULL);
  return TRUE;
}

gboolean
conclave_cluster_crash (ConclaveCluster *self, const char *name)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (conclave_cluster_lookup (self, name) == NULL && strchr (name, '/') != NULL)
    return crash_child (self, name);
  return _conclave_cluster_signal_node (self, name, CONCLAVE_EVENT_CRASH);
}

gboolean
conclave_cluster_stop (ConclaveCluster *self, const char *name)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  return _conclave_cluster_signal_node (self, name, CONCLAVE_EVENT_STOP);
}

gboolean
conclave_cluster_pause (ConclaveCluster *self, const char *name)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  return _conclave_cluster_signal_node (self, name, CONCLAVE_EVENT_PAUSE);
}

gboolean
conclave_cluster_resume (ConclaveCluster *self, const char *name)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  return _conclave_cluster_signal_node (self, name, CONCLAVE_EVENT_RESUME);
}

gboolean
conclave_cluster_restart (ConclaveCluster *self, const char *name, GError **error)
{
  ConclaveNode *node;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);

  node = conclave_cluster_lookup (self, name);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "There is no node called “%s”", name);
      return FALSE;
    }
  _conclave_cluster_record (self, CONCLAVE_EVENT_RESTART, node, 0, 0, NULL);
  if (conclave_supervisor_is_running (self->supervisor, name))
    {
      /* Same name and arguments, new PID, once the old one is gone. */
      g_hash_table_add (self->restarting, g_strdup (name));
      return crash_node (self, name);
    }
  return _conclave_cluster_spawn_node (self, node, error);
}

gboolean
conclave_cluster_remove (ConclaveCluster *self, const char *name)
{
  ConclaveNode *node;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);

  if ((node = conclave_cluster_lookup (self, name)) == NULL)
    return FALSE;
  _conclave_cluster_record (self, CONCLAVE_EVENT_REMOVE, node, 0, 0, NULL);
  if (conclave_supervisor_is_running (self->supervisor, name))
    {
      g_hash_table_add (self->removing, g_strdup (name));
      return crash_node (self, name);
    }
  if (self->keeper != NULL)   /* none in a replay */
    conclave_keeper_kill_node (self->keeper, name, 0);  /* what it left running */
  _conclave_cluster_remove_now (self, node);
  return TRUE;
}

gboolean
conclave_cluster_send_command (ConclaveCluster *self, const char *name, const char *json_line)
{
  ConclaveNode *node;
  gboolean any = FALSE;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);

  node = name ? conclave_cluster_lookup (self, name) : NULL;
  for (guint i = 1; i < self->procs->len; i++)
    {
      ProcEntry *entry = &g_array_index (self->procs, ProcEntry, i);
      if (entry->conn == 0 || entry->node == NULL)
        continue;
      if (node == NULL || entry->node == node || conclave_node_get_parent (entry->node) == node)
        any |= conclave_control_server_send (self->server, entry->conn, json_line);
    }
  return any;
}

/* ---- ends ---------------------------------------------------------------- */

static void
end_children (ConclaveCluster *self, ConclaveNode *node, gint signum)
{
  GListModel *children = conclave_node_get_children (node);

  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);
      _conclave_cluster_child_ended (self, child, signum ? -1 : 0, signum);
    }
}

/* A top-level node's process ended (live: its exit was seen; replay: the
 * recording says so). */
void
_conclave_cluster_node_ended (ConclaveCluster *self, ConclaveNode *node, gint code, gint signum)
{
  conclave_node_set_exit (node, code, signum);
  conclave_node_set_state (node, signum != 0 ? CONCLAVE_NODE_CRASHED : CONCLAVE_NODE_EXITED);
  /* A dead server leads nobody (its last term and view stay to be read). */
  if (*conclave_node_get_group_role (node) != '\0')
    conclave_node_set_group_state (node, NULL, conclave_node_get_term (node), NULL,
                                   conclave_node_get_view (node));
  end_children (self, node, signum);
}
