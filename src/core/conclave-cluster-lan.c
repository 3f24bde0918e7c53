/* conclave-cluster-lan.c — the cluster's network: loopback or a LAN.
 *
 * In LAN mode the cluster owns one ConclaveLan and every node it spawns
 * runs inside its own host there (conclave_lan_wrap_argv); the nodes learn
 * it from CONCLAVE_NETWORK=lan. The network only changes while no node
 * runs: a running node cannot move between hosts.
 *
 * Isolation and partitions (conclave-faults.c, the one owner) are also
 * made real cuts there: hosts that cannot talk go on different bridges,
 * so a program that bypasses the shim (static, Go) is cut off too. Hosts
 * with the same set of cut peers share a bridge: exact for an isolated
 * node and for a partition into sides; a cut that is not (A–B cut, C
 * talking to both) separates more than asked at the network, while the
 * shim still applies the exact lists and reports the drops. Drop
 * probabilities and delays stay with the shim and conclave-node (this
 * kernel has no netem).
 */
#include "conclave-cluster-private.h"
#include "conclave-protocol.h"
#include "conclave-trace-file.h"

#include <stdlib.h>
#include <string.h>

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
isolated (ConclaveCluster *self, const char *a, const char *b)
{
  const char * const *list = conclave_faults_get_isolated (self->faults, a);

  return list != NULL && g_strv_contains (list, b);
}

/* The hosts that host `host`'s nodes cannot talk with, either way, as
 * "h1,h2,": a key that is equal for the hosts of one side. Nodes sharing
 * a host cannot be cut at the network (the shim still cuts them). */
static char *
cut_set (ConclaveCluster *self, const char *host)
{
  g_autoptr(GPtrArray) cut = g_ptr_array_new ();
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      const char *a = conclave_node_get_name (self->nodes->pdata[i]);

      if (!g_str_equal (conclave_lan_get_host (self->lan, a), host))
        continue;
      for (guint j = 0; j < self->nodes->len; j++)
        {
          const char *b = conclave_node_get_name (self->nodes->pdata[j]);
          const char *other = conclave_lan_get_host (self->lan, b);

          if (!g_str_equal (other, host) && (isolated (self, a, b) || isolated (self, b, a)) &&
              !g_ptr_array_find_with_equal_func (cut, other, g_str_equal, NULL))
            g_ptr_array_add (cut, (gpointer) other);
        }
    }
  g_ptr_array_sort (cut, compare_names);
  for (guint i = 0; i < cut->len; i++)
    g_string_append_printf (key, "%s,", (const char *) cut->pdata[i]);
  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* Every host onto the bridge of its side: the largest side (on a tie,
 * the one of the first name) stays on the switch's bridge 0, the others
 * get 1, 2 … in name order, so the same faults give the same bridges. */
static void
apply_cuts (ConclaveCluster *self)
{
  g_autofree const char **hosts = conclave_lan_list_hosts (self->lan);
  guint n = g_strv_length ((char **) hosts);
  g_autofree char **keys = g_new0 (char *, n + 1);
  g_autoptr(GHashTable) sizes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) sides = g_hash_table_new (g_str_hash, g_str_equal);
  const char *largest = NULL;
  guint next = 1;

  qsort (hosts, n, sizeof *hosts, compare_names);
  for (guint i = 0; i < n; i++)
    {
      keys[i] = cut_set (self, hosts[i]);
      g_hash_table_insert (sizes, keys[i], GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (sizes, keys[i])) + 1));
    }
  for (guint i = 0; i < n; i++)
    if (largest == NULL || GPOINTER_TO_UINT (g_hash_table_lookup (sizes, keys[i])) >
                            GPOINTER_TO_UINT (g_hash_table_lookup (sizes, largest)))
      largest = keys[i];
  if (largest != NULL)
    g_hash_table_insert (sides, (gpointer) largest, GUINT_TO_POINTER (0));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      gpointer side;

      if (!g_hash_table_lookup_extended (sides, keys[i], NULL, &side))
        g_hash_table_insert (sides, keys[i], (side = GUINT_TO_POINTER (next++)));
      if (!conclave_lan_set_segment (self->lan, hosts[i], GPOINTER_TO_UINT (side), &error))
        g_warning ("%s", error->message);
    }
  for (guint i = 0; i < n; i++)
    g_free (keys[i]);
}

static void
on_faults_changed (ConclaveCluster *self)
{
  if (self->lan != NULL)
    apply_cuts (self);
}

static gboolean
any_running (ConclaveCluster *self)
{
  for (guint i = 0; i < self->nodes->len; i++)
    if (conclave_supervisor_is_running (self->supervisor, conclave_node_get_name (self->nodes->pdata[i])))
      return TRUE;
  return FALSE;
}

gboolean
conclave_cluster_set_network (ConclaveCluster *self, ConclaveNetwork network, GError **error)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);

  if (network == conclave_cluster_get_network (self))
    return TRUE;
  if (any_running (self))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "The network can only change while no node runs");
      return FALSE;
    }
  g_clear_object (&self->lan);
  g_signal_handlers_disconnect_by_func (self->faults, on_faults_changed, self);
  if (network == CONCLAVE_NETWORK_LAN)
    {
      dir = g_path_get_dirname (conclave_control_server_get_path (self->server));
      self->lan = conclave_lan_new (dir, error);
      if (self->lan == NULL)
        return FALSE;
      g_signal_connect_object (self->faults, "changed", G_CALLBACK (on_faults_changed), self, G_CONNECT_SWAPPED);
    }
  conclave_supervisor_setenv (self->supervisor, CONCLAVE_ENV_NETWORK,
                              self->lan != NULL ? conclave_network_to_string (network) : NULL);
  return TRUE;
}

ConclaveNetwork
conclave_cluster_get_network (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), CONCLAVE_NETWORK_LOOPBACK);
  return self->lan != NULL ? CONCLAVE_NETWORK_LAN : CONCLAVE_NETWORK_LOOPBACK;
}

ConclaveLan *
conclave_cluster_get_lan (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->lan;
}

GStrv
_conclave_cluster_host_argv (ConclaveCluster *self, ConclaveNode *node, GError **error)
{
  const char * const *argv = conclave_node_get_argv (node);
  GStrv wrapped;

  if (self->lan == NULL)
    return g_strdupv ((char **) argv);
  wrapped = conclave_lan_wrap_argv (self->lan, conclave_node_get_name (node), argv, error);
  /* A new host joins its side of a partition already in force. */
  if (wrapped != NULL)
    apply_cuts (self);
  return wrapped;
}

GPtrArray *
conclave_cluster_list_hosts (ConclaveCluster *self)
{
  GPtrArray *hosts;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  if (self->lan == NULL)
    return NULL;
  hosts = g_ptr_array_new_with_free_func (conclave_trace_host_free);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const char *name = conclave_node_get_name (self->nodes->pdata[i]);
      const char *address = conclave_lan_get_address (self->lan, name);

      if (address != NULL)
        g_ptr_array_add (hosts, conclave_trace_host_new (name, conclave_lan_get_host (self->lan, name), address));
    }
  return hosts;
}

void
conclave_cluster_set_recorded_hosts (ConclaveCluster *self, GPtrArray *hosts)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));
  g_return_if_fail (self->replay);

  g_clear_object (&self->lan);
  if (hosts == NULL || hosts->len == 0)
    return;
  self->lan = conclave_lan_new_recorded ();
  for (guint i = 0; i < hosts->len; i++)
    {
      const ConclaveTraceHost *h = hosts->pdata[i];
      conclave_lan_record_host (self->lan, h->node, h->host, h->address);
    }
}

void
_conclave_cluster_lan_forget (ConclaveCluster *self, const char *name)
{
  const char *host;
  gboolean shared = FALSE;

  if (self->lan == NULL)
    return;
  host = conclave_lan_get_host (self->lan, name);
  for (guint i = 0; i < self->nodes->len && !shared; i++)
    shared = g_str_equal (conclave_lan_get_host (self->lan, conclave_node_get_name (self->nodes->pdata[i])), host);
  conclave_lan_remove_node (self->lan, name, shared);
}
