/* conclave-cluster-programs.c — what a node prints, what it is told, who it says leads.
 *
 * Part of ConclaveCluster. Every line the supervisor captured from a node
 * becomes an `output` event (so a headless run and a replay keep what the
 * programs said); a node's stdin is a pipe a line can be sent to; and the
 * leader pattern turns a program's own "leader is 205" into the `state`
 * events a conclave-node would have reported, so the crown, the leader
 * model, `crash:leader` and the checker treat it alike. Never draws; never
 * guesses a leader the pattern did not name.
 */
#include "config.h"

#include "conclave-cluster-private.h"
#include "conclave-protocol.h"

#include <string.h>

/* What a leader named by the pattern leads under: not raft, so two at once
 * that can reach each other is split brain for the checker. */
#define PATTERN_ELECTION "pattern"
#define WORD_DELIMITERS " \t=,:;/"

/* ---- the leader pattern ---------------------------------------------------- */

gboolean
conclave_cluster_set_leader_pattern (ConclaveCluster *self,
                                     const char      *pattern,
                                     GError         **error)
{
  g_autoptr(GRegex) regex = NULL;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);

  if (pattern != NULL && *pattern != '\0' &&
      (regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, error)) == NULL)
    return FALSE;
  g_clear_pointer (&self->leader_pattern, g_regex_unref);
  self->leader_pattern = g_steal_pointer (&regex);
  return TRUE;
}

const char *
conclave_cluster_get_leader_pattern (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->leader_pattern ? g_regex_get_pattern (self->leader_pattern) : NULL;
}

static gboolean
argv_has_word (ConclaveNode *node, const char *word)
{
  const char * const *argv = conclave_node_get_argv (node);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (argv[i], WORD_DELIMITERS, -1);
      if (g_strv_contains ((const char * const *) words, word))
        return TRUE;
    }
  return FALSE;
}

/* The node the program calls `name`: one of that name, else the one node
 * whose command line holds it as a word (`--id 205`); NULL if none or many. */
ConclaveNode *
_conclave_cluster_node_called (ConclaveCluster *self, const char *name)
{
  ConclaveNode *found = conclave_cluster_lookup (self, name);

  if (found != NULL)
    return found;
  for (guint i = 0; i < self->nodes->len; i++)
    if (argv_has_word (self->nodes->pdata[i], name))
      {
        if (found != NULL)
          return NULL;
        found = self->nodes->pdata[i];
      }
  return found;
}

/* A `state` as the node itself would have reported it. */
static void
record_state (ConclaveCluster *self, ConclaveNode *node, const char *role, const char *leader, gint term)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (self->store);
  guint64 first = conclave_event_store_get_end (self->store);
  ConclaveEvent e = { 0 };

  e.type = CONCLAVE_EVENT_STATE;
  e.time_ns = g_get_monotonic_time () * 1000;
  e.proc = _conclave_cluster_proc_of_node (self, node);
  e.s[0] = conclave_intern_add (intern, role);
  e.s[1] = conclave_intern_add (intern, leader);
  e.s[3] = conclave_intern_add (intern, PATTERN_ELECTION);
  e.num = MAX (term, 0);
  conclave_node_set_group_state (node, role, (guint) e.num, leader, conclave_node_get_view (node));
  _conclave_cluster_mark_dirty (self, node);
  if (e.proc == 0)
    return;   /* never said hello: no lifeline to put it on */
  conclave_event_store_append (self->store, &e, 1);
  _conclave_cluster_digest (self, first);
}

static gint
match_term (GMatchInfo *match)
{
  g_autofree char *term = g_match_info_fetch_named (match, "term");
  guint64 value = 0;

  if (term == NULL || !g_ascii_string_to_unsigned (term, 10, 0, G_MAXINT32, &value, NULL))
    return -1;
  return (gint) value;
}

static void
apply_leader_pattern (ConclaveCluster *self, ConclaveNode *printer, const char *line)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *named = NULL;
  ConclaveNode *leader;
  const char *leader_name;
  gint term;

  if (!g_regex_match (self->leader_pattern, line, 0, &match))
    return;
  named = g_match_info_fetch_named (match, "leader");
  leader = named != NULL && *named != '\0' ? _conclave_cluster_node_called (self, named) : printer;
  if (leader == NULL)
    return;
  leader_name = conclave_node_get_name (leader);
  term = match_term (match);
  if (term < 0)
    term = (gint) conclave_node_get_term (leader);
  /* Who names another leader no longer leads itself; a server that does
   * follows it, even if the first it ever said was that (a client only
   * learned where to send). */
  if (leader != printer &&
      (conclave_node_is_leader (printer) ||
       (conclave_node_is_server (printer) && g_strcmp0 (conclave_node_get_leader (printer), leader_name) != 0)))
    record_state (self, printer, "follower", leader_name, (gint) conclave_node_get_term (printer));
  if (conclave_node_get_state (leader) >= CONCLAVE_NODE_EXITED)
    return;   /* news of a dead leader */
  if (!conclave_node_is_leader (leader) || (guint) term != conclave_node_get_term (leader))
    record_state (self, leader, "leader", leader_name, term);
}

/* ---- output and input -------------------------------------------------------- */

void
_conclave_cluster_on_output (ConclaveCluster *self, ConclaveNode *node, ConclaveOutputStream stream, const char *line)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (self->store);
  guint64 first = conclave_event_store_get_end (self->store);
  ConclaveEvent e = { 0 };

  conclave_node_append_output (node, stream, line);
  e.type = CONCLAVE_EVENT_OUTPUT;
  e.time_ns = g_get_monotonic_time () * 1000;
  e.proc = _conclave_cluster_proc_of_node (self, node);
  e.s[0] = conclave_intern_add (intern, conclave_node_get_name (node));
  e.s[1] = conclave_intern_add (intern, stream == CONCLAVE_OUTPUT_STDERR ? CONCLAVE_STREAM_STDERR
                                                                          : CONCLAVE_STREAM_STDOUT);
  e.s[3] = conclave_intern_add (intern, line);
  e.len = (guint32) MAX (conclave_node_get_pid (node), 0);
  conclave_event_store_append (self->store, &e, 1);
  _conclave_cluster_digest (self, first);
  /* Program nodes only: conclave-node servers report their state themselves. */
  if (self->leader_pattern != NULL && g_strcmp0 (conclave_node_get_role (node), "exec") == 0)
    apply_leader_pattern (self, node, line);
}

gboolean
conclave_cluster_send_input (ConclaveCluster *self,
                             const char      *name,
                             const char      *line,
                             GError         **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  g_return_val_if_fail (name != NULL && line != NULL, FALSE);

  text = g_str_has_suffix (line, "\n") ? g_strdup (line) : g_strconcat (line, "\n", NULL);
  return conclave_supervisor_write_input (self->supervisor, name, text, error);
}

/* ---- why a program failed ------------------------------------------------ */

/* The last line it wrote to stderr, and whether any said the port is taken. */
static const char *
last_stderr (ConclaveNode *node, gboolean *in_use)
{
  const char *last = NULL;

  *in_use = FALSE;
  for (guint i = 0; i < conclave_node_get_n_output (node); i++)
    {
      ConclaveOutputStream stream;
      const char *line = conclave_node_get_output (node, i, &stream);

      if (stream != CONCLAVE_OUTPUT_STDERR || line == NULL || *line == '\0')
        continue;
      last = line;
      *in_use |= strstr (line, "Address already in use") != NULL || strstr (line, "EADDRINUSE") != NULL;
    }
  return last;
}

/* The port on its command line that one of our nodes holds, or failing
 * that the first that cannot be bound; 0 if none. */
static guint
taken_port (ConclaveCluster *self, ConclaveNode *node, ConclaveNode **holder)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (self->store);
  const char * const *argv = conclave_node_get_argv (node);
  guint unbindable = 0;

  *holder = NULL;
  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (argv[i], WORD_DELIMITERS, -1);

      for (guint w = 0; words[w] != NULL; w++)
        {
          guint64 port;
          g_autofree char *address = NULL;

          if (!g_ascii_string_to_unsigned (words[w], 10, 1024, 65535, &port, NULL))
            continue;
          address = g_strdup_printf ("127.0.0.1:%u", (guint) port);
          *holder = conclave_cluster_lookup_address (self, conclave_intern_add (intern, address));
          if (*holder != NULL && *holder != node)
            return (guint) port;
          *holder = NULL;
          if (unbindable == 0 && !_conclave_cluster_ports_free ((guint) port))
            unbindable = (guint) port;
        }
    }
  return unbindable;
}

char *
conclave_cluster_explain_failure (ConclaveCluster *self, ConclaveNode *node)
{
  ConclaveNode *holder = NULL;
  const char *last;
  gboolean in_use;
  guint port;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  g_return_val_if_fail (CONCLAVE_IS_NODE (node), NULL);

  if (conclave_node_get_state (node) != CONCLAVE_NODE_EXITED || conclave_node_get_exit_code (node) == 0)
    return NULL;
  last = last_stderr (node, &in_use);
  if (!in_use)
    return last != NULL ? g_strdup (last) : NULL;
  port = taken_port (self, node, &holder);
  if (port != 0 && holder != NULL && self->title != NULL)
    return g_strdup_printf ("Address already in use: port %u is held by %s of %s", port,
                            conclave_node_get_name (holder), self->title);
  if (port != 0 && holder != NULL)
    return g_strdup_printf ("Address already in use: port %u is held by %s", port, conclave_node_get_name (holder));
  if (port != 0)
    return g_strdup_printf ("Address already in use: port %u is held by another program", port);
  return g_strdup ("Address already in use");
}
