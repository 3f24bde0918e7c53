/* conclave-chaos.c — random trouble for a running cluster (conclave-run --chaos).
 *
 * A seeded GRand picks each disruption, its victim and how long it lasts
 * (in classroom seconds, scaled by the cluster's tempo); a timer undoes
 * it. Which disruptions are possible depends on what is down already: at
 * most a minority of the servers, at most one network fault at a time
 * (a fault command replaces a node's whole fault setting). Never touches a
 * node it did not find running.
 */
#include "config.h"

#include "conclave-chaos.h"

typedef enum {
  UNDO_RESTART,
  UNDO_RESUME,
  UNDO_HEAL,
  UNDO_CLEAR_DROP,
} UndoKind;

struct _ConclaveChaos {
  ConclaveCluster *cluster;
  GRand           *rand;
  guint            step_id;
  GPtrArray       *pending;   /* GSource*: undos still to come */
  GHashTable      *down;      /* server names crashed, paused or cut off */
  gboolean         network;   /* a partition or a lossy link is in force */
  gint64           start_us;
  guint            n_steps;
};

typedef struct {
  ConclaveChaos *chaos;
  UndoKind       kind;
  char          *name;
  gboolean       server;
} Undo;

static void
undo_free (gpointer data)
{
  Undo *u = data;

  g_free (u->name);
  g_free (u);
}

static void
say (ConclaveChaos *chaos, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
say (ConclaveChaos *chaos, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("chaos %6.2fs: %s\n", (double) (g_get_monotonic_time () - chaos->start_us) / G_USEC_PER_SEC, text);
}

static guint
scaled_ms (ConclaveChaos *chaos, double classroom_s)
{
  return (guint) (classroom_s * 1000.0 * conclave_cluster_get_tempo (chaos->cluster));
}

/* ---- undoing ---- */

static gboolean
run_undo (gpointer data)
{
  Undo *u = data;
  ConclaveChaos *chaos = u->chaos;
  ConclaveScenarioFault heal = { 0, CONCLAVE_FAULT_HEAL, NULL, 0 };

  switch (u->kind)
    {
    case UNDO_RESTART: conclave_cluster_restart (chaos->cluster, u->name, NULL); say (chaos, "restart %s", u->name); break;
    case UNDO_RESUME: conclave_cluster_resume (chaos->cluster, u->name); say (chaos, "resume %s", u->name); break;
    case UNDO_HEAL: conclave_cluster_apply_fault (chaos->cluster, &heal); say (chaos, "heal the partition"); break;
    case UNDO_CLEAR_DROP: conclave_faults_set_drop (conclave_cluster_get_faults (chaos->cluster), u->name, 0); say (chaos, "%s: no more loss", u->name); break;
    default: g_assert_not_reached ();
    }
  if (u->kind == UNDO_HEAL || u->kind == UNDO_CLEAR_DROP)
    chaos->network = FALSE;
  if (u->server && u->kind != UNDO_CLEAR_DROP)
    g_hash_table_remove (chaos->down, u->name);
  g_ptr_array_remove (chaos->pending, g_main_current_source ());
  return G_SOURCE_REMOVE;
}

static void
undo_later (ConclaveChaos *chaos, UndoKind kind, const char *name, gboolean server, double min_s, double max_s)
{
  Undo *u = g_new0 (Undo, 1);
  GSource *source = g_timeout_source_new (scaled_ms (chaos, g_rand_double_range (chaos->rand, min_s, max_s)));

  u->chaos = chaos;
  u->kind = kind;
  u->name = g_strdup (name);
  u->server = server;
  if (server && kind != UNDO_CLEAR_DROP)
    g_hash_table_add (chaos->down, g_strdup (name));
  g_source_set_callback (source, run_undo, u, undo_free);
  g_source_attach (source, NULL);
  g_ptr_array_add (chaos->pending, source);
}

/* ---- choosing ---- */

/* A running node of the kind, not down already; the leader first if asked. */
static ConclaveNode *
pick (ConclaveChaos *chaos, gboolean server, gboolean prefer_leader)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  ConclaveCluster *cluster = chaos->cluster;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);

      if (conclave_node_is_server (node) != server || conclave_node_get_state (node) != CONCLAVE_NODE_RUNNING
          || g_hash_table_contains (chaos->down, conclave_node_get_name (node)))
        continue;
      if (prefer_leader && conclave_node_is_leader (node))
        return node;
      g_ptr_array_add (candidates, node);
    }
  if (candidates->len == 0)
    return NULL;
  return candidates->pdata[g_rand_int_range (chaos->rand, 0, (gint32) candidates->len)];
}

static guint
n_servers (ConclaveChaos *chaos)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (chaos->cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (chaos->cluster), i);
      n += conclave_node_is_server (node);
    }
  return n;
}

/* A server may go down while a majority stays up. */
static ConclaveNode *
pick_server (ConclaveChaos *chaos)
{
  if (g_hash_table_size (chaos->down) + 1 > (n_servers (chaos) - 1) / 2)
    return NULL;
  return pick (chaos, TRUE, g_rand_boolean (chaos->rand));
}

static void
disrupt_server (ConclaveChaos *chaos, guint what)
{
  ConclaveNode *node = pick_server (chaos);
  ConclaveScenarioFault isolate = { 0, CONCLAVE_FAULT_ISOLATE, NULL, 0 };
  g_autofree char *name = NULL;
  gboolean leader;

  if (node == NULL || (what == 2 && chaos->network))
    return;
  name = g_strdup (conclave_node_get_name (node));
  leader = conclave_node_is_leader (node);
  chaos->n_steps++;
  switch (what)
    {
    case 0:
      say (chaos, "crash %s%s", name, leader ? " (the leader)" : "");
      conclave_cluster_crash (chaos->cluster, name);
      undo_later (chaos, UNDO_RESTART, name, TRUE, 2, 8);
      break;
    case 1:
      say (chaos, "pause %s%s", name, leader ? " (the leader)" : "");
      conclave_cluster_pause (chaos->cluster, name);
      undo_later (chaos, UNDO_RESUME, name, TRUE, 1, 5);
      break;
    default:
      say (chaos, "cut %s%s off from everyone", name, leader ? " (the leader)" : "");
      isolate.target = name;
      conclave_cluster_apply_fault (chaos->cluster, &isolate);
      chaos->network = TRUE;
      undo_later (chaos, UNDO_HEAL, name, TRUE, 3, 8);
      break;
    }
}

static void
lossy_link (ConclaveChaos *chaos)
{
  gboolean server = g_rand_boolean (chaos->rand);
  ConclaveNode *node = pick (chaos, server, FALSE);

  if (node == NULL || chaos->network)
    return;
  chaos->n_steps++;
  chaos->network = TRUE;
  say (chaos, "%s loses 20%% of its messages", conclave_node_get_name (node));
  conclave_faults_set_drop (conclave_cluster_get_faults (chaos->cluster), conclave_node_get_name (node), 0.2);
  undo_later (chaos, UNDO_CLEAR_DROP, conclave_node_get_name (node), server, 3, 6);
}

static void
disrupt_client (ConclaveChaos *chaos)
{
  ConclaveNode *node = pick (chaos, FALSE, FALSE);
  g_autofree char *name = NULL;

  if (node == NULL)
    return;
  name = g_strdup (conclave_node_get_name (node));
  chaos->n_steps++;
  say (chaos, "crash client %s", name);
  conclave_cluster_crash (chaos->cluster, name);
  undo_later (chaos, UNDO_RESTART, name, FALSE, 1, 4);
}

static gboolean
step (gpointer data)
{
  ConclaveChaos *chaos = data;
  guint roll = (guint) g_rand_int_range (chaos->rand, 0, 10);

  if (roll < 7)
    disrupt_server (chaos, roll % 3);   /* crash, pause, partition */
  else if (roll < 9)
    lossy_link (chaos);
  else
    disrupt_client (chaos);
  chaos->step_id = g_timeout_add (scaled_ms (chaos, g_rand_double_range (chaos->rand, 3, 7)), step, chaos);
  return G_SOURCE_REMOVE;
}

ConclaveChaos *
conclave_chaos_new (ConclaveCluster *cluster, guint32 seed)
{
  ConclaveChaos *chaos = g_new0 (ConclaveChaos, 1);

  chaos->cluster = g_object_ref (cluster);
  chaos->rand = g_rand_new_with_seed (seed);
  chaos->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  chaos->down = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  chaos->start_us = g_get_monotonic_time ();
  /* Let the group form first: ten classroom seconds. */
  chaos->step_id = g_timeout_add (scaled_ms (chaos, 10), step, chaos);
  return chaos;
}

void
conclave_chaos_free (ConclaveChaos *chaos)
{
  if (chaos == NULL)
    return;
  g_clear_handle_id (&chaos->step_id, g_source_remove);
  for (guint i = 0; i < chaos->pending->len; i++)
    g_source_destroy (chaos->pending->pdata[i]);
  g_ptr_array_unref (chaos->pending);
  g_hash_table_unref (chaos->down);
  g_rand_free (chaos->rand);
  g_object_unref (chaos->cluster);
  g_free (chaos);
}

guint
conclave_chaos_get_n_steps (ConclaveChaos *chaos)
{
  return chaos->n_steps;
}
