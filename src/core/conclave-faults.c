/* conclave-faults.c — see the header. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "conclave-faults.h"
#include "conclave-protocol.h"
#include "conclave-cluster-private.h"

typedef struct {
  double  drop;
  guint   delay_ms;
  GStrv   isolate;   /* NULL for none */
} Settings;

struct _ConclaveFaults
{
  GObject          parent_instance;
  ConclaveCluster *cluster;   /* owns us */
  GHashTable      *nodes;     /* name → Settings */
  GStrv            minority;  /* the partition's cut-off side; NULL: none */
};

G_DEFINE_FINAL_TYPE (ConclaveFaults, conclave_faults, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
settings_free (gpointer data)
{
  Settings *settings = data;

  g_strfreev (settings->isolate);
  g_free (settings);
}

static const Settings *
lookup (ConclaveFaults *self,
        const char     *name)
{
  static const Settings none = { 0, 0, NULL };
  const Settings *settings = name ? g_hash_table_lookup (self->nodes, name) : NULL;

  return settings ? settings : &none;
}

/* The settings of a top-level node, created on first use; NULL if there
 * is no such node. */
static Settings *
edit (ConclaveFaults *self,
      const char     *name)
{
  ConclaveNode *node = name ? conclave_cluster_lookup (self->cluster, name) : NULL;
  Settings *settings;

  if (node == NULL)
    return NULL;
  if ((settings = g_hash_table_lookup (self->nodes, name)) == NULL)
    {
      settings = g_new0 (Settings, 1);
      g_hash_table_insert (self->nodes, g_strdup (name), settings);
    }
  return settings;
}

/* The trace shim sees addresses, not node names: tell it theirs. */
static void
add_isolated_addresses (ConclaveFaults     *self,
                        JsonBuilder        *builder,
                        const char * const *isolate)
{
  g_autoptr(GPtrArray) addresses = _conclave_cluster_addresses_of (self->cluster, isolate);

  json_builder_set_member_name (builder, "isolate_addrs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < addresses->len; i++)
    json_builder_add_string_value (builder, addresses->pdata[i]);
  json_builder_end_array (builder);
}

static char *
fault_command (ConclaveFaults *self,
               const char     *name,
               const Settings *settings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cmd");
  json_builder_add_string_value (builder, CONCLAVE_CMD_FAULT);
  json_builder_set_member_name (builder, "drop");
  json_builder_add_double_value (builder, settings->drop);
  json_builder_set_member_name (builder, "delay_ms");
  json_builder_add_int_value (builder, settings->delay_ms);
  json_builder_set_member_name (builder, "isolate");
  json_builder_begin_array (builder);
  for (guint i = 0; settings->isolate && settings->isolate[i]; i++)
    json_builder_add_string_value (builder, settings->isolate[i]);
  json_builder_end_array (builder);
  add_isolated_addresses (self, builder, (const char * const *) settings->isolate);
  /* --network lan: the host's link drops and delays its datagrams. */
  if (_conclave_cluster_network_faults (self->cluster, name))
    {
      json_builder_set_member_name (builder, "by_network");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* All three settings of `name` to its processes, recorded as one FAULT. */
static gboolean
send_settings (ConclaveFaults *self,
               const char     *name)
{
  const Settings *settings = lookup (self, name);
  ConclaveNode *node = conclave_cluster_lookup (self->cluster, name);
  g_autofree char *line = fault_command (self, name, settings);
  g_autofree char *isolated = NULL;

  g_assert (node != NULL);
  if (settings->isolate != NULL)
    isolated = g_strjoinv (",", settings->isolate);
  /* A replay's settings come from the recording's FAULTs: no process to
   * tell, nothing new to record. */
  if (!conclave_cluster_is_replay (self->cluster))
    {
      _conclave_cluster_record (self->cluster, CONCLAVE_EVENT_FAULT, node, (gint32) settings->delay_ms,
                                (guint32) (settings->drop * 1000.0 + 0.5), isolated);
      conclave_cluster_send_command (self->cluster, name, line);
    }
  g_signal_emit (self, signals[CHANGED], 0, name);
  return TRUE;
}

double
conclave_faults_get_drop (ConclaveFaults *self,
                          const char     *name)
{
  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), 0);
  return lookup (self, name)->drop;
}

guint
conclave_faults_get_delay (ConclaveFaults *self,
                           const char     *name)
{
  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), 0);
  return lookup (self, name)->delay_ms;
}

const char * const *
conclave_faults_get_isolated (ConclaveFaults *self,
                              const char     *name)
{
  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), NULL);
  return (const char * const *) lookup (self, name)->isolate;
}

gboolean
conclave_faults_is_partitioned (ConclaveFaults *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Settings *) value)->isolate != NULL)
      return TRUE;
  return FALSE;
}

gboolean
conclave_faults_set_drop (ConclaveFaults *self,
                          const char     *name,
                          double          drop)
{
  Settings *settings;

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);

  if ((settings = edit (self, name)) == NULL)
    return FALSE;
  settings->drop = CLAMP (drop, 0.0, 1.0);
  return send_settings (self, name);
}

gboolean
conclave_faults_set_delay (ConclaveFaults *self,
                           const char     *name,
                           guint           delay_ms)
{
  Settings *settings;

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);

  if ((settings = edit (self, name)) == NULL)
    return FALSE;
  settings->delay_ms = delay_ms;
  return send_settings (self, name);
}

/* Replaces the isolate list with `peers` (NULL-terminated, may be NULL). */
static void
set_list (Settings           *settings,
          const char * const *peers)
{
  g_strfreev (settings->isolate);
  settings->isolate = peers && peers[0] ? g_strdupv ((char **) peers) : NULL;
}

/* `peer` added to or removed from the list; FALSE if nothing changed. */
static gboolean
change_list (Settings   *settings,
             const char *peer,
             gboolean    isolated)
{
  const char * const *old = (const char * const *) settings->isolate;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) list = NULL;

  if ((old != NULL && g_strv_contains (old, peer)) == !!isolated)
    return FALSE;
  builder = g_strv_builder_new ();
  for (guint i = 0; old != NULL && old[i] != NULL; i++)
    if (g_strcmp0 (old[i], peer) != 0)
      g_strv_builder_add (builder, old[i]);
  if (isolated)
    g_strv_builder_add (builder, peer);
  list = g_strv_builder_end (builder);
  set_list (settings, (const char * const *) list);
  return TRUE;
}

gboolean
conclave_faults_set_isolated_from (ConclaveFaults *self,
                                   const char     *name,
                                   const char     *peer,
                                   gboolean        isolated)
{
  Settings *settings;

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  if ((settings = edit (self, name)) == NULL)
    return FALSE;
  change_list (settings, peer, isolated);
  return send_settings (self, name);
}

/* Top-level node names, in the cluster's order. */
static GPtrArray *
node_names (ConclaveFaults *self)
{
  GListModel *nodes = G_LIST_MODEL (self->cluster);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      g_ptr_array_add (names, g_strdup (conclave_node_get_name (node)));
    }
  return names;
}

gboolean
conclave_faults_isolate (ConclaveFaults *self,
                         const char     *name)
{
  const char *minority[] = { name, NULL };

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);
  return conclave_faults_partition (self, minority, NULL);
}

/* One side's new list: its own, plus every node of the other side. */
static void
isolate_from_side (ConclaveFaults     *self,
                   const char         *name,
                   const char * const *other_side)
{
  Settings *settings = edit (self, name);

  for (guint i = 0; other_side[i] != NULL; i++)
    change_list (settings, other_side[i], TRUE);
  send_settings (self, name);
}

gboolean
conclave_faults_partition (ConclaveFaults     *self,
                           const char * const *minority,
                           GError            **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) majority = g_ptr_array_new ();

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);

  names = node_names (self);
  for (guint i = 0; minority != NULL && minority[i] != NULL; i++)
    if (conclave_cluster_lookup (self->cluster, minority[i]) == NULL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no node called “%s”"), minority[i]);
        return FALSE;
      }
  for (guint i = 0; i < names->len; i++)
    if (minority == NULL || !g_strv_contains (minority, names->pdata[i]))
      g_ptr_array_add (majority, names->pdata[i]);
  if (minority == NULL || minority[0] == NULL || majority->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A partition needs nodes on both sides"));
      return FALSE;
    }
  g_ptr_array_add (majority, NULL);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      gboolean in_minority = g_strv_contains (minority, name);

      isolate_from_side (self, name, in_minority ? (const char * const *) majority->pdata : minority);
    }
  g_strfreev (self->minority);
  self->minority = g_strdupv ((char **) minority);
  return TRUE;
}

/* A node left the cut-off side: once it is empty there is no partition. */
static void
leave_minority (ConclaveFaults *self,
                const char     *name)
{
  g_autoptr(GStrvBuilder) rest = g_strv_builder_new ();

  if (self->minority == NULL || !g_strv_contains ((const char * const *) self->minority, name))
    return;
  for (guint i = 0; self->minority[i] != NULL; i++)
    if (!g_str_equal (self->minority[i], name))
      g_strv_builder_add (rest, self->minority[i]);
  g_strfreev (self->minority);
  self->minority = g_strv_builder_end (rest);
  if (self->minority[0] == NULL)
    g_clear_pointer (&self->minority, g_strfreev);
}

/* A top-level node's process said hello: a new process (a restart, a node
 * added later) gets the node's settings; a node that was not there when
 * the partition was made is on the majority side, cut off from the
 * minority both ways, as a teacher who partitioned "s1 from the others"
 * expects of a client added afterwards. */
void
_conclave_faults_node_started (ConclaveFaults *self,
                               const char     *name)
{
  const Settings *settings = lookup (self, name);

  if (settings->drop > 0 || settings->delay_ms > 0 || settings->isolate != NULL)
    {
      send_settings (self, name);
      return;
    }
  if (self->minority == NULL || g_strv_contains ((const char * const *) self->minority, name))
    return;
  isolate_from_side (self, name, (const char * const *) self->minority);
  for (guint i = 0; self->minority[i] != NULL; i++)
    {
      Settings *other = edit (self, self->minority[i]);

      if (other != NULL && change_list (other, name, TRUE))
        send_settings (self, self->minority[i]);
    }
}

void
conclave_faults_heal (ConclaveFaults *self)
{
  g_autoptr(GPtrArray) names = NULL;

  g_return_if_fail (CONCLAVE_IS_FAULTS (self));

  g_clear_pointer (&self->minority, g_strfreev);
  names = node_names (self);
  for (guint i = 0; i < names->len; i++)
    if (conclave_faults_get_isolated (self, names->pdata[i]) != NULL)
      {
        set_list (edit (self, names->pdata[i]), NULL);
        send_settings (self, names->pdata[i]);
      }
}

gboolean
conclave_faults_rejoin (ConclaveFaults *self,
                        const char     *name)
{
  g_autoptr(GPtrArray) names = NULL;
  Settings *settings;

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);

  if ((settings = edit (self, name)) == NULL)
    return FALSE;
  leave_minority (self, name);
  set_list (settings, NULL);
  send_settings (self, name);
  names = node_names (self);
  for (guint i = 0; i < names->len; i++)
    {
      Settings *other = g_hash_table_lookup (self->nodes, names->pdata[i]);

      if (other != NULL && change_list (other, name, FALSE))
        send_settings (self, names->pdata[i]);
    }
  return TRUE;
}

/* A recorded FAULT (a replay): the node's settings as they were then. */
void
_conclave_faults_restore (ConclaveFaults *self,
                          const char     *name,
                          double          drop,
                          guint           delay_ms,
                          const char     *isolated)
{
  g_auto(GStrv) peers = isolated && *isolated ? g_strsplit (isolated, ",", -1) : NULL;
  Settings *settings = edit (self, name);

  if (settings == NULL)
    return;
  settings->drop = CLAMP (drop, 0.0, 1.0);
  settings->delay_ms = delay_ms;
  set_list (settings, (const char * const *) peers);
  send_settings (self, name);
}

void
_conclave_faults_copy (ConclaveFaults *self, ConclaveFaults *from)
{
  GHashTableIter iter;
  gpointer name, value;

  g_strfreev (self->minority);
  self->minority = g_strdupv (from->minority);
  g_hash_table_iter_init (&iter, from->nodes);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      Settings *settings = g_memdup2 (value, sizeof (Settings));

      settings->isolate = g_strdupv (settings->isolate);
      g_hash_table_insert (self->nodes, g_strdup (name), settings);
      g_signal_emit (self, signals[CHANGED], 0, name);
    }
}

/* A node that is gone (or a new class) starts again without faults: its
 * processes were new ones anyway. */
void
_conclave_faults_forget (ConclaveFaults *self,
                         const char     *name)
{
  leave_minority (self, name);
  if (g_hash_table_remove (self->nodes, name))
    g_signal_emit (self, signals[CHANGED], 0, name);
}

static void
conclave_faults_finalize (GObject *object)
{
  ConclaveFaults *self = CONCLAVE_FAULTS (object);

  g_hash_table_unref (self->nodes);
  g_strfreev (self->minority);
  G_OBJECT_CLASS (conclave_faults_parent_class)->finalize (object);
}

static void
conclave_faults_class_init (ConclaveFaultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conclave_faults_finalize;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
conclave_faults_init (ConclaveFaults *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, settings_free);
}

ConclaveFaults *
_conclave_faults_new (ConclaveCluster *cluster)
{
  ConclaveFaults *self = g_object_new (CONCLAVE_TYPE_FAULTS, NULL);

  self->cluster = cluster;
  return self;
}
