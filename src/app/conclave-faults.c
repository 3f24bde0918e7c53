/* conclave-faults.c — see the header. */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-faults.h"

typedef struct {
  double  drop;
  guint   delay_ms;
  GStrv   isolate;
} Settings;

struct _ConclaveFaults
{
  GObject          parent_instance;
  ConclaveCluster *cluster;   /* weak: the window owns both */
  GHashTable      *nodes;     /* name → Settings */
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
conclave_faults_set (ConclaveFaults     *self,
                     const char         *name,
                     double              drop,
                     guint               delay_ms,
                     const char * const *isolate)
{
  Settings *settings;

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (self->cluster == NULL || !conclave_cluster_set_fault (self->cluster, name, drop, delay_ms, isolate))
    return FALSE;
  settings = g_new0 (Settings, 1);
  settings->drop = CLAMP (drop, 0.0, 1.0);
  settings->delay_ms = delay_ms;
  settings->isolate = isolate && isolate[0] ? g_strdupv ((char **) isolate) : NULL;
  g_hash_table_replace (self->nodes, g_strdup (name), settings);
  g_signal_emit (self, signals[CHANGED], 0, name);
  return TRUE;
}

static gboolean
set_isolated (ConclaveFaults     *self,
              const char         *name,
              const char * const *isolate)
{
  const Settings *old = lookup (self, name);

  return conclave_faults_set (self, name, old->drop, old->delay_ms, isolate);
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
conclave_faults_partition (ConclaveFaults     *self,
                           const char * const *minority,
                           GError            **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) majority = g_ptr_array_new ();

  g_return_val_if_fail (CONCLAVE_IS_FAULTS (self), FALSE);

  if (self->cluster == NULL)
    return FALSE;
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

      set_isolated (self, name, in_minority ? (const char * const *) majority->pdata : minority);
    }
  return TRUE;
}

void
conclave_faults_heal (ConclaveFaults *self)
{
  g_autoptr(GPtrArray) names = NULL;

  g_return_if_fail (CONCLAVE_IS_FAULTS (self));

  if (self->cluster == NULL)
    return;
  names = node_names (self);
  for (guint i = 0; i < names->len; i++)
    if (conclave_faults_get_isolated (self, names->pdata[i]) != NULL)
      set_isolated (self, names->pdata[i], NULL);
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

/* A node that is gone (or a new class) starts again without faults: its
 * processes were new ones anyway. */
static void
on_node_removed (ConclaveFaults  *self,
                 ConclaveNode    *node)
{
  if (g_hash_table_remove (self->nodes, conclave_node_get_name (node)))
    g_signal_emit (self, signals[CHANGED], 0, conclave_node_get_name (node));
}

static void
conclave_faults_dispose (GObject *object)
{
  ConclaveFaults *self = CONCLAVE_FAULTS (object);

  g_clear_weak_pointer (&self->cluster);
  G_OBJECT_CLASS (conclave_faults_parent_class)->dispose (object);
}

static void
conclave_faults_finalize (GObject *object)
{
  ConclaveFaults *self = CONCLAVE_FAULTS (object);

  g_hash_table_unref (self->nodes);
  G_OBJECT_CLASS (conclave_faults_parent_class)->finalize (object);
}

static void
conclave_faults_class_init (ConclaveFaultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conclave_faults_dispose;
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
conclave_faults_new (ConclaveCluster *cluster)
{
  ConclaveFaults *self;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (cluster), NULL);

  self = g_object_new (CONCLAVE_TYPE_FAULTS, NULL);
  g_set_weak_pointer (&self->cluster, cluster);
  g_signal_connect_object (cluster, "node-removed", G_CALLBACK (on_node_removed), self,
                           G_CONNECT_SWAPPED);
  return self;
}
