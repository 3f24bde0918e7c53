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
 * shim still applies the exact lists and reports the drops.
 *
 * Drop probabilities and delays of a node alone on its host are applied
 * on that host's link too (conclave_lan_set_faults), where the kernel
 * lets us; the node's processes are then told (`by_network` in their
 * fault command) to leave them to the network for datagrams. Each
 * datagram the network drops comes back as a `drop` event here, made to
 * pair as the shim's would: at the receiver with the send a traced
 * sender reported, or as the sender's own drop where it reported none
 * (a static program).
 */
#include "conclave-cluster-private.h"
#include "conclave-line-parser.h"
#include "conclave-protocol.h"
#include "conclave-trace-file.h"

#include <glib/gi18n.h>
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

/* --- drop and delay on the links ------------------------------------------ */

/* The node that is alone on `host`, or NULL (none, or several). */
static ConclaveNode *
sole_node (ConclaveCluster *self, const char *host)
{
  ConclaveNode *found = NULL;

  for (guint i = 0; i < self->nodes->len; i++)
    if (g_str_equal (conclave_lan_get_host (self->lan, conclave_node_get_name (self->nodes->pdata[i])), host))
      {
        if (found != NULL)
          return NULL;
        found = self->nodes->pdata[i];
      }
  return found;
}

gboolean
_conclave_cluster_network_faults (ConclaveCluster *self, const char *name)
{
  return self->lan != NULL && conclave_lan_get_faults_refused (self->lan) == NULL &&
         conclave_lan_get_address (self->lan, name) != NULL &&
         sole_node (self, conclave_lan_get_host (self->lan, name)) == conclave_cluster_lookup (self, name);
}

/* Every host's link gets its sole node's drop and delay (none where
 * several share it: their shims keep applying them). */
static void
apply_link_faults (ConclaveCluster *self)
{
  g_autofree const char **hosts = NULL;

  if (conclave_lan_get_faults_refused (self->lan) != NULL)
    return;
  hosts = conclave_lan_list_hosts (self->lan);
  for (guint i = 0; hosts[i] != NULL; i++)
    {
      ConclaveNode *node = sole_node (self, hosts[i]);
      const char *name = node != NULL ? conclave_node_get_name (node) : NULL;
      g_autoptr(GError) error = NULL;

      if (!conclave_lan_set_faults (self->lan, hosts[i], name ? conclave_faults_get_drop (self->faults, name) : 0,
                                    name ? conclave_faults_get_delay (self->faults, name) : 0, &error))
        g_warning ("%s", error->message);
    }
}

/* The top-level node whose host has `address` ("10.77.0.3:40000"): its
 * sole node, or whoever reported that address (a socket event). */
static ConclaveNode *
node_at (ConclaveCluster *self, guint32 address)
{
  const char *text = conclave_event_store_str (self->store, address);
  g_autofree char *ip = text != NULL ? g_strndup (text, strcspn (text, ":")) : NULL;
  const char *host = ip != NULL ? conclave_lan_lookup_address (self->lan, ip) : NULL;
  ConclaveNode *node = host != NULL ? sole_node (self, host) : NULL;
  const char *owner = node == NULL ? g_hash_table_lookup (self->addr_owner, GUINT_TO_POINTER (address)) : NULL;

  return node != NULL ? node : owner != NULL ? conclave_cluster_lookup (self, owner) : NULL;
}

/* Whether `node`'s program reports its sends: its process said hello as
 * itself. The wrapper that puts it on its host (`conclave-lan enter`) says
 * hello first; a static program it execs never says anything more. */
static gboolean
reports_sends (ConclaveCluster *self, ConclaveNode *node)
{
  guint32 proc = _conclave_cluster_proc_of_node (self, node);
  ConclaveProcessInfo *info = proc != 0 ? conclave_event_store_get_process (self->store, proc) : NULL;
  const char *program = info != NULL ? conclave_event_store_str (self->store, info->program) : NULL;
  const char *wrapper = program != NULL ? strstr (program, "conclave-lan enter ") : NULL;

  /* "conclave-lan enter …", or with the directory ("/…/conclave-lan enter …"). */
  return program != NULL && !(wrapper != NULL && (wrapper == program || wrapper[-1] == '/') &&
                               memchr (program, ' ', (gsize) (wrapper - program)) == NULL);
}

/* A drop the network reported, told to the models and stored. */
static void
add_drop (ConclaveCluster *self, const ConclaveEvent *e)
{
  _conclave_cluster_take (self, e);
  conclave_event_store_append (self->store, e, 1);
}

/* A broadcast or multicast datagram the network dropped as it left a
 * traced sender: its send is reported, and every copy is lost. Each
 * process listening on its port gets the drop of its copy (dir recv), as
 * when each receiver's shim drops its own. FALSE if `e` is to no group
 * address, or nobody listens there (then it is one drop, as before). */
static gboolean
drop_for_all (ConclaveCluster *self, const ConclaveEvent *e)
{
  g_autoptr(GArray) procs = conclave_matcher_list_listeners (self->matcher, conclave_event_dst (e));

  if (procs == NULL || procs->len == 0)
    return FALSE;
  for (guint i = 0; i < procs->len; i++)
    {
      ConclaveEvent copy = *e;

      copy.flags |= CONCLAVE_EVENT_FLAG_DIR_RECV;
      copy.proc = g_array_index (procs, guint32, i);
      add_drop (self, &copy);
    }
  return TRUE;
}

/* A datagram the network dropped as it left or came into `host`. A
 * traced sender reported its send: the drop pairs with it at the
 * receiver (every receiver of a group datagram dropped as it left). A
 * sender that reports nothing (static) gets its own drop. */
static void
on_lan_drop (ConclaveLan *lan, const char *host, gboolean at_receiver, const char *line, ConclaveCluster *self)
{
  guint64 first = conclave_event_store_get_end (self->store);
  ConclaveEvent e;
  ConclaveNode *sender, *receiver;

  if (self->lan_parser == NULL)
    self->lan_parser = conclave_line_parser_new (conclave_event_store_get_intern (self->store));
  if (conclave_line_parser_parse (self->lan_parser, line, strlen (line), &e, NULL) != CONCLAVE_PARSE_OK ||
      e.type != CONCLAVE_EVENT_DROP)
    return;
  sender = at_receiver ? node_at (self, conclave_event_src (&e)) : sole_node (self, host);
  receiver = at_receiver ? sole_node (self, host) : node_at (self, conclave_event_dst (&e));
  e.flags &= ~CONCLAVE_EVENT_FLAG_DIR_RECV;
  if (!at_receiver && reports_sends (self, sender) && drop_for_all (self, &e))
    {
      _conclave_cluster_digest (self, first);
      return;
    }
  if (at_receiver || reports_sends (self, sender))
    {
      e.flags |= CONCLAVE_EVENT_FLAG_DIR_RECV;
      e.proc = _conclave_cluster_proc_of_node (self, receiver);
    }
  else
    e.proc = _conclave_cluster_proc_of_node (self, sender);
  add_drop (self, &e);
  _conclave_cluster_digest (self, first);
}

static void
on_faults_changed (ConclaveCluster *self)
{
  if (self->lan != NULL)
    {
      apply_cuts (self);
      apply_link_faults (self);
    }
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
      if (conclave_lan_get_faults_refused (self->lan) != NULL)
        g_message (_("On this LAN each program drops and delays its own datagrams, as on loopback: %s."),
                   conclave_lan_get_faults_refused (self->lan));
      g_signal_connect_object (self->lan, "drop", G_CALLBACK (on_lan_drop), self, 0);
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
  /* A new host joins its side of a partition already in force, and its
   * node's drop and delay. */
  if (wrapped != NULL)
    {
      apply_cuts (self);
      apply_link_faults (self);
    }
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
