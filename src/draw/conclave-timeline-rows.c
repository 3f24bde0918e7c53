/* conclave-timeline-rows.c — process → timeline row (see the header).
 *
 * A process gets a child lane when the core made it a child node (a
 * server's worker); otherwise it is on the node's own row: the node's
 * process, the one after a restart, or the program a wrapper forked (the
 * core folds the wrapper into it: one program, one row). Lanes are given
 * out once, when a process is first seen, and never move.
 *
 * A recording opened without a cluster (conclave-run --replay --export)
 * has no node models: there a process forked by a process of its own node
 * is a child, as the replay's summary names it, and a node is a server when
 * its role says so.
 */
#include <string.h>

#include "conclave-timeline-rows.h"

typedef struct {
  guint32 node;
  guint   lane;      /* 0 = own lifeline; G_MAXUINT = not placed yet */
} ProcPlace;

typedef struct {
  guint32 node;
  GArray *lane_procs;   /* guint32: the latest process in each child lane (index 0 unused) */
} NodeLanes;

struct _ConclaveTimelineRows
{
  GArray     *places;     /* ProcPlace by process index */
  GHashTable *lanes;      /* node id → NodeLanes* */
  GArray     *rows;       /* ConclaveTimelineRow */
  GHashTable *row_of;     /* (node << 16 | lane) → row + 1 */
  guint       n_procs;    /* processes looked at: [1, n_procs) */
  GArray     *pending;    /* guint32: processes without a hello yet */
  guint       signature;  /* changes when the set of nodes changes */
};

static void
node_lanes_free (gpointer data)
{
  NodeLanes *lanes = data;

  g_array_unref (lanes->lane_procs);
  g_free (lanes);
}

ConclaveTimelineRows *
conclave_timeline_rows_new (void)
{
  ConclaveTimelineRows *self = g_new0 (ConclaveTimelineRows, 1);

  self->places = g_array_new (FALSE, TRUE, sizeof (ProcPlace));
  self->lanes = g_hash_table_new_full (NULL, NULL, NULL, node_lanes_free);
  self->rows = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineRow));
  self->row_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pending = g_array_new (FALSE, FALSE, sizeof (guint32));
  return self;
}

void
conclave_timeline_rows_free (ConclaveTimelineRows *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->places);
  g_hash_table_unref (self->lanes);
  g_array_unref (self->rows);
  g_hash_table_unref (self->row_of);
  g_array_unref (self->pending);
  g_free (self);
}

void
conclave_timeline_rows_clear (ConclaveTimelineRows *self)
{
  g_array_set_size (self->places, 0);
  g_hash_table_remove_all (self->lanes);
  g_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->row_of);
  g_array_set_size (self->pending, 0);
  self->n_procs = self->signature = 0;
}

static NodeLanes *
lanes_of (ConclaveTimelineRows *self,
          guint32               node)
{
  NodeLanes *lanes = g_hash_table_lookup (self->lanes, GUINT_TO_POINTER (node));

  if (lanes == NULL)
    {
      guint32 unused = 0;

      lanes = g_new0 (NodeLanes, 1);
      lanes->node = node;
      lanes->lane_procs = g_array_new (FALSE, TRUE, sizeof (guint32));
      g_array_append_val (lanes->lane_procs, unused);
      g_hash_table_insert (self->lanes, GUINT_TO_POINTER (node), lanes);
    }
  return lanes;
}

/* The core's answer, never re-derived here (one owner per fact), unless
 * there is no cluster (a recording). */
static gboolean
is_child (ConclaveEventStore  *store,
          ConclaveCluster     *cluster,
          ConclaveProcessInfo *process)
{
  ConclaveNode *node;
  ConclaveProcessInfo *parent;

  if (cluster == NULL)
    {
      parent = process->ppid > 0 ? conclave_event_store_find_process (store, process->ppid) : NULL;
      return parent != NULL && parent != process && parent->node == process->node;
    }
  node = conclave_cluster_node_for_proc (cluster, process->index);
  return node != NULL && conclave_node_get_kind (node) == CONCLAVE_NODE_KIND_CHILD;
}

static gboolean
lane_free (ConclaveEventStore  *store,
           guint32              occupant,
           ConclaveProcessInfo *newcomer)
{
  ConclaveProcessInfo *process = conclave_event_store_get_process (store, occupant);

  /* Free once its process has gone, and had gone before this one came. */
  return process == NULL || (!process->connected && process->last_ns <= newcomer->first_ns);
}

static guint
take_lane (ConclaveTimelineRows *self,
           ConclaveEventStore   *store,
           ConclaveProcessInfo  *process)
{
  NodeLanes *lanes = lanes_of (self, process->node);
  guint32 proc = process->index;

  for (guint lane = 1; lane < lanes->lane_procs->len; lane++)
    if (lane_free (store, g_array_index (lanes->lane_procs, guint32, lane), process))
      {
        g_array_index (lanes->lane_procs, guint32, lane) = proc;
        return lane;
      }
  g_array_append_val (lanes->lane_procs, proc);
  return lanes->lane_procs->len - 1;
}

/* FALSE when the process has not said who it is yet (no hello). */
static gboolean
place (ConclaveTimelineRows *self,
       ConclaveEventStore   *store,
       ConclaveCluster      *cluster,
       guint32               proc,
       gboolean             *new_lane)
{
  ConclaveProcessInfo *process = conclave_event_store_get_process (store, proc);
  ProcPlace *slot;

  if (process == NULL || process->node == 0)
    return FALSE;
  if (self->places->len <= proc)
    g_array_set_size (self->places, proc + 1);
  slot = &g_array_index (self->places, ProcPlace, proc);
  slot->node = process->node;
  slot->lane = is_child (store, cluster, process) ? take_lane (self, store, process) : 0;
  *new_lane |= slot->lane >= 1;
  return TRUE;
}

static gboolean
place_new_processes (ConclaveTimelineRows *self,
                     ConclaveEventStore   *store,
                     ConclaveCluster      *cluster)
{
  /* Process indices start at 1; 0 is the controller. */
  guint end = conclave_event_store_get_n_processes (store) + 1;
  g_autoptr(GArray) still = g_array_new (FALSE, FALSE, sizeof (guint32));
  gboolean new_lane = FALSE;

  for (guint i = 0; i < self->pending->len; i++)
    {
      guint32 proc = g_array_index (self->pending, guint32, i);

      if (!place (self, store, cluster, proc, &new_lane))
        g_array_append_val (still, proc);
    }
  for (guint32 proc = MAX (self->n_procs, 1); proc < end; proc++)
    {
      if (conclave_event_store_get_process (store, proc) == NULL)
        {
          end = proc;   /* not there yet: look again next time */
          break;
        }
      if (!place (self, store, cluster, proc, &new_lane))
        g_array_append_val (still, proc);
    }
  self->n_procs = MAX (self->n_procs, end);
  g_array_set_size (self->pending, 0);
  g_array_append_vals (self->pending, still->data, still->len);
  return new_lane;
}

static void
add_row (ConclaveTimelineRows *self,
         guint32               node,
         guint                 lane,
         gboolean              server)
{
  ConclaveTimelineRow row = { node, lane, server };
  gint64 *key = g_new (gint64, 1);

  *key = ((gint64) node << 16) | lane;
  g_array_append_val (self->rows, row);
  g_hash_table_insert (self->row_of, key, GUINT_TO_POINTER (self->rows->len));
}

static void
add_node_rows (ConclaveTimelineRows *self,
               guint32               name,
               gboolean              server)
{
  NodeLanes *lanes = g_hash_table_lookup (self->lanes, GUINT_TO_POINTER (name));

  add_row (self, name, 0, server);
  for (guint lane = 1; lanes != NULL && lane < lanes->lane_procs->len; lane++)
    add_row (self, name, lane, server);
}

static void
rebuild_rows (ConclaveTimelineRows *self,
              ConclaveCluster      *cluster)
{
  GListModel *nodes = G_LIST_MODEL (cluster);
  ConclaveIntern *intern = conclave_event_store_get_intern (conclave_cluster_get_store (cluster));
  guint n = g_list_model_get_n_items (nodes);

  g_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->row_of);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

        if (conclave_node_is_server (node) == (pass == 0))
          add_node_rows (self, conclave_intern_add (intern, conclave_node_get_name (node)),
                         conclave_node_is_server (node));
      }
}

static gboolean
role_is_server (ConclaveEventStore  *store,
                ConclaveProcessInfo *process)
{
  const char *role = conclave_event_store_str (store, process->role);

  return role != NULL && g_str_has_suffix (role, "server");
}

/* A recording: the nodes of the placed processes, servers first, each in
 * the order its first process came. */
static void
rebuild_rows_from_store (ConclaveTimelineRows *self,
                         ConclaveEventStore   *store)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  g_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->row_of);
  for (int pass = 0; pass < 2; pass++)
    for (guint32 proc = 1; proc < self->places->len; proc++)
      {
        const ProcPlace *slot = &g_array_index (self->places, ProcPlace, proc);
        ConclaveProcessInfo *process = conclave_event_store_get_process (store, proc);
        gboolean server;

        if (slot->node == 0 || slot->lane != 0 || process == NULL ||
            g_hash_table_contains (seen, GUINT_TO_POINTER (slot->node)))
          continue;
        server = role_is_server (store, process);
        if (server != (pass == 0))
          continue;
        g_hash_table_add (seen, GUINT_TO_POINTER (slot->node));
        add_node_rows (self, slot->node, server);
      }
}

static guint
nodes_signature (ConclaveCluster *cluster)
{
  GListModel *nodes = G_LIST_MODEL (cluster);
  guint n = g_list_model_get_n_items (nodes);
  guint hash = n;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      hash = hash * 31 + g_str_hash (conclave_node_get_name (node));
    }
  return hash;
}

void
conclave_timeline_rows_update (ConclaveTimelineRows *self,
                               ConclaveEventStore   *store,
                               ConclaveCluster      *cluster)
{
  gboolean new_lanes = place_new_processes (self, store, cluster);
  guint signature = cluster ? nodes_signature (cluster) : self->n_procs;

  if (new_lanes || signature != self->signature || self->rows->len == 0)
    {
      self->signature = signature;
      if (cluster != NULL)
        rebuild_rows (self, cluster);
      else
        rebuild_rows_from_store (self, store);
    }
}

guint
conclave_timeline_rows_get_n (ConclaveTimelineRows *self)
{
  return self->rows->len;
}

const ConclaveTimelineRow *
conclave_timeline_rows_get (ConclaveTimelineRows *self,
                            guint                 row)
{
  g_return_val_if_fail (row < self->rows->len, NULL);
  return &g_array_index (self->rows, ConclaveTimelineRow, row);
}

static int
row_of (ConclaveTimelineRows *self,
        guint32               node,
        guint                 lane)
{
  gint64 key = ((gint64) node << 16) | lane;

  return GPOINTER_TO_INT (g_hash_table_lookup (self->row_of, &key)) - 1;
}

int
conclave_timeline_rows_for_proc (ConclaveTimelineRows *self,
                                 guint32               proc)
{
  const ProcPlace *place;

  if (proc == 0 || proc >= self->places->len)
    return -1;
  place = &g_array_index (self->places, ProcPlace, proc);
  if (place->node == 0)
    return -1;
  return row_of (self, place->node, place->lane);
}

int
conclave_timeline_rows_for_node (ConclaveTimelineRows *self,
                                 guint32               node)
{
  return row_of (self, node, 0);
}

guint32
conclave_timeline_rows_get_lane_proc (ConclaveTimelineRows *self,
                                      guint                 row)
{
  const ConclaveTimelineRow *info;
  NodeLanes *lanes;

  g_return_val_if_fail (row < self->rows->len, 0);

  info = &g_array_index (self->rows, ConclaveTimelineRow, row);
  lanes = g_hash_table_lookup (self->lanes, GUINT_TO_POINTER (info->node));
  if (lanes == NULL || info->lane == 0 || info->lane >= lanes->lane_procs->len)
    return 0;
  return g_array_index (lanes->lane_procs, guint32, info->lane);
}
