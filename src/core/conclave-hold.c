/* conclave-hold.c — see the header.
 *
 * A release removes its item at once (the window answers the click) and
 * notes how many reports it expects (a duplicate: two receives); those
 * reports then remove nothing more. A receive or drop nobody asked for (a
 * hold lifted: the process delivers everything it held) removes the
 * oldest item of that process and key.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "conclave-hold.h"
#include "conclave-protocol.h"
#include "conclave-cluster-private.h"

/* Reports a release still owes: they remove no item. */
typedef struct {
  guint32 proc;
  guint64 key;
  guint   reports;
} Pending;

struct _ConclaveHold
{
  GObject          parent_instance;
  ConclaveCluster *cluster;   /* owns us */
  GPtrArray       *items;     /* ConclaveHeld, oldest first */
  GHashTable      *nodes;     /* names of nodes held one by one */
  GArray          *pending;   /* Pending */
  gboolean         all;
};

static void conclave_hold_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConclaveHold, conclave_hold, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, conclave_hold_list_model_init))

enum { PROP_0, PROP_ALL, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* ---- GListModel ---------------------------------------------------------- */

static GType
get_item_type (GListModel *model)
{
  return CONCLAVE_TYPE_HELD;
}

static guint
get_n_items (GListModel *model)
{
  return CONCLAVE_HOLD (model)->items->len;
}

static gpointer
get_item (GListModel *model, guint position)
{
  ConclaveHold *self = CONCLAVE_HOLD (model);

  return position < self->items->len ? g_object_ref (self->items->pdata[position]) : NULL;
}

static void
conclave_hold_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- commands ------------------------------------------------------------ */

static char *
to_line (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
hold_command (gboolean on)
{
  return g_strdup_printf ("{\"cmd\":\"" CONCLAVE_CMD_HOLD "\",\"on\":%s}", on ? "true" : "false");
}

static const char *
action_word (ConclaveRelease action)
{
  switch (action)
    {
    case CONCLAVE_RELEASE_DROP: return CONCLAVE_ACTION_DROP;
    case CONCLAVE_RELEASE_DUPLICATE: return CONCLAVE_ACTION_DUPLICATE;
    case CONCLAVE_RELEASE_LATER: return CONCLAVE_ACTION_LATER;
    case CONCLAVE_RELEASE_DELIVER:
    default: return CONCLAVE_ACTION_DELIVER;
    }
}

static char *
release_command (ConclaveHeld *held, ConclaveRelease action)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cmd");
  json_builder_add_string_value (builder, CONCLAVE_CMD_RELEASE);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, action_word (action));
  if (conclave_held_get_key (held) == 0)
    {
      json_builder_set_member_name (builder, "off");
      json_builder_add_int_value (builder, conclave_held_get_offset (held));
    }
  else
    {
      json_builder_set_member_name (builder, conclave_held_get_key_is_hash (held) ? "hash" : "id");
      json_builder_add_string_value (builder, conclave_held_get_message_id (held));
    }
  json_builder_set_member_name (builder, "src");
  json_builder_add_string_value (builder, conclave_held_get_src (held));
  json_builder_end_object (builder);
  return to_line (builder);
}

static guint32
conn_of (ConclaveHold *self, guint32 proc)
{
  GArray *procs = self->cluster->procs;

  return proc < procs->len ? g_array_index (procs, ProcEntry, proc).conn : 0;
}

/* The top-level node a process belongs to. */
static ConclaveNode *
top_node_of (ConclaveHold *self, guint32 proc)
{
  ConclaveNode *node = conclave_cluster_node_for_proc (self->cluster, proc);

  while (node != NULL && conclave_node_get_parent (node) != NULL)
    node = conclave_node_get_parent (node);
  return node;
}

static void remove_at (ConclaveHold *self, guint position);

/* The node stops holding and delivers everything: its chunks, whose
 * receives name no key, leave the queue now. */
static void
forget_chunks (ConclaveHold *self, const char *name)
{
  for (guint i = self->items->len; i-- > 0;)
    if (conclave_held_get_key (self->items->pdata[i]) == 0
        && g_str_equal (conclave_held_get_node (self->items->pdata[i]), name))
      remove_at (self, i);
}

static void
tell_node (ConclaveHold *self, const char *name)
{
  g_autofree char *line = hold_command (conclave_hold_is_held (self, name));

  if (!conclave_hold_is_held (self, name))
    forget_chunks (self, name);
  conclave_cluster_send_command (self->cluster, name, line);
}

/* ---- the hold settings --------------------------------------------------- */

gboolean
conclave_hold_get_all (ConclaveHold *self)
{
  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), FALSE);
  return self->all;
}

void
conclave_hold_set_all (ConclaveHold *self, gboolean all)
{
  GListModel *nodes;

  g_return_if_fail (CONCLAVE_IS_HOLD (self));

  if (self->all == !!all && (all || g_hash_table_size (self->nodes) == 0))
    return;
  /* off is off everywhere: what was held one node at a time goes too */
  if (!all)
    g_hash_table_remove_all (self->nodes);
  self->all = !!all;
  /* a node started from now on holds from its first message, not from
   * whenever it reads the command */
  conclave_supervisor_setenv (self->cluster->supervisor, CONCLAVE_ENV_HOLD, all ? "1" : NULL);
  nodes = G_LIST_MODEL (self->cluster);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      tell_node (self, conclave_node_get_name (node));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALL]);
}

gboolean
conclave_hold_set_node (ConclaveHold *self, const char *name, gboolean held)
{
  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (conclave_cluster_lookup (self->cluster, name) == NULL)
    return FALSE;
  if (held)
    g_hash_table_add (self->nodes, g_strdup (name));
  else
    g_hash_table_remove (self->nodes, name);
  tell_node (self, name);
  return TRUE;
}

gboolean
conclave_hold_is_held (ConclaveHold *self, const char *name)
{
  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), FALSE);
  return self->all || (name != NULL && g_hash_table_contains (self->nodes, name));
}

/* ---- the queue ----------------------------------------------------------- */

static gboolean
find (ConclaveHold *self, guint64 index, guint *position)
{
  for (guint i = 0; i < self->items->len; i++)
    if (conclave_held_get_index (self->items->pdata[i]) == index)
      return *position = i, TRUE;
  return FALSE;
}

ConclaveHeld *
conclave_hold_lookup (ConclaveHold *self, guint64 index)
{
  guint position;

  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), NULL);
  return find (self, index, &position) ? self->items->pdata[position] : NULL;
}

ConclaveHeld *
conclave_hold_find_key (ConclaveHold *self, guint64 key)
{
  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    if (conclave_held_get_key (self->items->pdata[i]) == key)
      return self->items->pdata[i];
  return NULL;
}

guint
conclave_hold_get_n_held (ConclaveHold *self)
{
  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), 0);
  return self->items->len;
}

static void
remove_at (ConclaveHold *self, guint position)
{
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

/* A TCP stream keeps its order: only its oldest held chunk may go. */
static gboolean
is_oldest_of_stream (ConclaveHold *self, guint position)
{
  ConclaveHeld *held = self->items->pdata[position];

  for (guint i = 0; i < position; i++)
    {
      ConclaveHeld *other = self->items->pdata[i];

      if (conclave_held_is_stream (other) && conclave_held_get_proc (other) == conclave_held_get_proc (held)
          && g_str_equal (conclave_held_get_src (other), conclave_held_get_src (held))
          && g_str_equal (conclave_held_get_dst (other), conclave_held_get_dst (held)))
        return FALSE;
    }
  return TRUE;
}

gboolean
conclave_hold_release (ConclaveHold *self, guint64 index, ConclaveRelease action)
{
  g_autoptr(ConclaveHeld) held = NULL;
  g_autofree char *line = NULL;
  guint position;
  Pending pending;

  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), FALSE);

  if (!find (self, index, &position))
    return FALSE;
  held = g_object_ref (self->items->pdata[position]);
  if (conclave_held_is_stream (held) && (action == CONCLAVE_RELEASE_LATER || !is_oldest_of_stream (self, position)))
    return FALSE;
  /* a shim's chunk is bytes of the stream: never dropped or doubled */
  if (conclave_held_get_key (held) == 0 && action != CONCLAVE_RELEASE_DELIVER)
    return FALSE;
  line = release_command (held, action);
  if (!conclave_control_server_send (self->cluster->server, conn_of (self, conclave_held_get_proc (held)), line))
    return FALSE;
  remove_at (self, position);
  if (action == CONCLAVE_RELEASE_LATER)
    {
      g_ptr_array_add (self->items, g_object_ref (held));
      g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
      return TRUE;
    }
  if (conclave_held_get_key (held) == 0)
    return TRUE;  /* a chunk may arrive in several receives: nothing to count */
  pending = (Pending) { conclave_held_get_proc (held), conclave_held_get_key (held),
                        action == CONCLAVE_RELEASE_DUPLICATE ? 2 : 1 };
  g_array_append_val (self->pending, pending);
  return TRUE;
}

gboolean
conclave_hold_release_next (ConclaveHold *self, ConclaveRelease action)
{
  g_return_val_if_fail (CONCLAVE_IS_HOLD (self), FALSE);

  return self->items->len > 0
         && conclave_hold_release (self, conclave_held_get_index (self->items->pdata[0]), action);
}

/* ---- following the events ------------------------------------------------ */

static void
held (ConclaveHold *self, const ConclaveEvent *e, guint64 index)
{
  ConclaveNode *node = conclave_cluster_node_for_proc (self->cluster, e->proc);
  ConclaveEventStore *store = self->cluster->store;

  g_ptr_array_add (self->items, conclave_held_new (store, e, index, node ? conclave_node_get_name (node) : NULL));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

/* A receive or a drop at the receiver: the end of a held message. */
static void
released (ConclaveHold *self, const ConclaveEvent *e)
{
  if (e->key == 0)
    return;  /* chunks leave the queue when released or lifted */
  for (guint i = 0; i < self->pending->len; i++)
    {
      Pending *p = &g_array_index (self->pending, Pending, i);

      if (p->proc == e->proc && p->key == e->key)
        {
          if (--p->reports == 0)
            g_array_remove_index (self->pending, i);
          return;
        }
    }
  for (guint i = 0; i < self->items->len; i++)
    if (conclave_held_get_proc (self->items->pdata[i]) == e->proc
        && conclave_held_get_key (self->items->pdata[i]) == e->key)
      {
        remove_at (self, i);
        return;
      }
}

static void
hello (ConclaveHold *self, const ConclaveEvent *e)
{
  ConclaveNode *node = top_node_of (self, e->proc);
  g_autofree char *line = NULL;

  if (node == NULL || !conclave_hold_is_held (self, conclave_node_get_name (node)))
    return;
  line = hold_command (TRUE);
  conclave_control_server_send (self->cluster->server, conn_of (self, e->proc), line);
}

void
_conclave_hold_feed (ConclaveHold *self, guint64 first, guint64 end)
{
  ConclaveEventStore *store = self->cluster->store;

  for (guint64 i = MAX (first, conclave_event_store_get_first (store)); i < end; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e == NULL || e->proc == 0)
        continue;
      if (e->type == CONCLAVE_EVENT_HELLO)
        hello (self, e);
      else if (e->type == CONCLAVE_EVENT_HELD)
        held (self, e, i);
      else if ((self->items->len > 0 || self->pending->len > 0)
               && (e->type == CONCLAVE_EVENT_RECV
                   || (e->type == CONCLAVE_EVENT_DROP && (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV))))
        released (self, e);
    }
}

/* A process whose channel closed holds nothing any more (the trace shim
 * delivers what it held; a dead process's messages are gone). */
static void
on_closed (ConclaveControlServer *server, guint conn, ConclaveHold *self)
{
  for (guint i = self->items->len; i-- > 0;)
    if (conn_of (self, conclave_held_get_proc (self->items->pdata[i])) == 0)
      remove_at (self, i);
  for (guint i = self->pending->len; i-- > 0;)
    if (conn_of (self, g_array_index (self->pending, Pending, i).proc) == 0)
      g_array_remove_index (self->pending, i);
}

void
_conclave_hold_copy (ConclaveHold *self, ConclaveHold *from)
{
  GHashTableIter iter;
  gpointer name;

  g_assert (self->items->len == 0);
  for (guint i = 0; i < from->items->len; i++)
    g_ptr_array_add (self->items, g_object_ref (from->items->pdata[i]));
  g_hash_table_iter_init (&iter, from->nodes);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_hash_table_add (self->nodes, g_strdup (name));
  g_array_append_vals (self->pending, from->pending->data, from->pending->len);
  self->all = from->all;
  if (self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->items->len);
}

/* ---- GObject ------------------------------------------------------------- */

static void
conclave_hold_finalize (GObject *object)
{
  ConclaveHold *self = CONCLAVE_HOLD (object);

  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->nodes);
  g_array_unref (self->pending);
  G_OBJECT_CLASS (conclave_hold_parent_class)->finalize (object);
}

static void
conclave_hold_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ALL: g_value_set_boolean (value, CONCLAVE_HOLD (object)->all); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_hold_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ALL: conclave_hold_set_all (CONCLAVE_HOLD (object), g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_hold_class_init (ConclaveHoldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conclave_hold_finalize;
  object_class->get_property = conclave_hold_get_property;
  object_class->set_property = conclave_hold_set_property;
  properties[PROP_ALL] = g_param_spec_boolean ("all", NULL, NULL, FALSE,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conclave_hold_init (ConclaveHold *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
}

ConclaveHold *
_conclave_hold_new (ConclaveCluster *cluster)
{
  ConclaveHold *self = g_object_new (CONCLAVE_TYPE_HOLD, NULL);

  self->cluster = cluster;
  g_signal_connect_object (cluster->server, "closed", G_CALLBACK (on_closed), self, G_CONNECT_AFTER);
  return self;
}

ConclaveHold *
conclave_cluster_get_hold (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->hold;
}
