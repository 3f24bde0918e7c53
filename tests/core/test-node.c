/* test-node.c — ConclaveNode: properties and their notifications, the
 * children model, the bounded output ring, and one "changed" per flush.
 * Pure model tests: no process is started here.
 */
#include <math.h>

#include "conclave-node.h"

typedef struct {
  GHashTable *notified;   /* property name → count */
  guint changed;
  guint output;
} Counts;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Counts     *counts)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts->notified, pspec->name));

  g_hash_table_insert (counts->notified, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static void
on_changed (ConclaveNode *node,
            Counts       *counts)
{
  counts->changed++;
}

static void
on_output (ConclaveNode *node,
           gint          stream,
           const char   *text,
           Counts       *counts)
{
  counts->output++;
}

static guint
notified (Counts     *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts->notified, name));
}

static void
watch (ConclaveNode *node,
       Counts       *counts)
{
  counts->notified = g_hash_table_new (g_str_hash, g_str_equal);
  counts->changed = counts->output = 0;
  g_signal_connect (node, "notify", G_CALLBACK (on_notify), counts);
  g_signal_connect (node, "changed", G_CALLBACK (on_changed), counts);
  g_signal_connect (node, "output", G_CALLBACK (on_output), counts);
}

static void
unwatch (ConclaveNode *node,
         Counts       *counts)
{
  g_signal_handlers_disconnect_by_data (node, counts);
  g_hash_table_unref (counts->notified);
}

static void
reset (Counts *counts)
{
  g_hash_table_remove_all (counts->notified);
  counts->changed = counts->output = 0;
}

static void
test_construct (void)
{
  g_autoptr(ConclaveNode) node = conclave_node_new ("s1", "udp-server", CONCLAVE_NODE_KIND_SERVER);
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;
  ConclaveNodeKind kind;
  ConclaveNodeState state;
  const char *argv[] = { "conclave-node", "udp-server", "--port", "10001", NULL };

  g_object_get (node, "name", &name, "role", &role, "kind", &kind, "state", &state, NULL);
  g_assert_cmpstr (name, ==, "s1");
  g_assert_cmpstr (role, ==, "udp-server");
  g_assert_cmpint (kind, ==, CONCLAVE_NODE_KIND_SERVER);
  g_assert_cmpint (state, ==, CONCLAVE_NODE_STARTING);
  g_assert_true (conclave_node_is_server (node));
  g_assert_null (conclave_node_get_parent (node));
  g_assert_null (conclave_node_get_argv (node));
  g_assert_cmpstr (conclave_node_get_group_role (node), ==, "");
  g_assert_cmpstr (conclave_node_get_leader (node), ==, "");
  g_assert_null (conclave_node_get_view (node)[0]);
  g_assert_null (conclave_node_get_addresses (node)[0]);

  conclave_node_set_argv (node, argv);
  g_assert_cmpstrv (conclave_node_get_argv (node), argv);

  g_clear_object (&node);
  node = conclave_node_new ("c1", "udp-client", CONCLAVE_NODE_KIND_CLIENT);
  g_assert_false (conclave_node_is_server (node));
}

static void
test_notify (void)
{
  g_autoptr(ConclaveNode) node = conclave_node_new ("c1", "udp-client", CONCLAVE_NODE_KIND_CLIENT);
  Counts counts;
  gint pid;

  watch (node, &counts);

  conclave_node_set_pid (node, 4242);
  conclave_node_set_pid (node, 4242);
  g_assert_cmpuint (notified (&counts, "pid"), ==, 1);
  g_object_get (node, "pid", &pid, NULL);
  g_assert_cmpint (pid, ==, 4242);

  conclave_node_set_ppid (node, 1);
  conclave_node_set_state (node, CONCLAVE_NODE_RUNNING);
  conclave_node_set_state (node, CONCLAVE_NODE_RUNNING);
  g_assert_cmpuint (notified (&counts, "ppid"), ==, 1);
  g_assert_cmpuint (notified (&counts, "state"), ==, 1);

  conclave_node_set_exit (node, -1, 9);
  conclave_node_set_exit (node, -1, 9);
  g_assert_cmpuint (notified (&counts, "exit-code"), ==, 1);
  g_assert_cmpuint (notified (&counts, "exit-signal"), ==, 1);
  g_assert_cmpint (conclave_node_get_exit_code (node), ==, -1);
  g_assert_cmpint (conclave_node_get_exit_signal (node), ==, 9);

  /* Setting a property through GObject goes through the same comparison. */
  g_object_set (node, "pid", 4242, NULL);
  g_assert_cmpuint (notified (&counts, "pid"), ==, 1);
  g_object_set (node, "pid", 4243, NULL);
  g_assert_cmpuint (notified (&counts, "pid"), ==, 2);

  unwatch (node, &counts);
}

static void
test_group_state (void)
{
  g_autoptr(ConclaveNode) node = conclave_node_new ("s2", "group-server", CONCLAVE_NODE_KIND_SERVER);
  const char *view[] = { "s1", "s2", "s3", NULL };
  Counts counts;
  gboolean is_leader;

  watch (node, &counts);

  conclave_node_set_group_state (node, "candidate", 3, NULL, view);
  g_assert_cmpuint (notified (&counts, "group-role"), ==, 1);
  g_assert_cmpuint (notified (&counts, "term"), ==, 1);
  g_assert_cmpuint (notified (&counts, "leader"), ==, 0);
  g_assert_cmpuint (notified (&counts, "is-leader"), ==, 0);
  g_assert_cmpstrv (conclave_node_get_view (node), view);

  conclave_node_set_group_state (node, "leader", 3, "s2", view);
  g_assert_cmpuint (notified (&counts, "group-role"), ==, 2);
  g_assert_cmpuint (notified (&counts, "term"), ==, 1);
  g_assert_cmpuint (notified (&counts, "leader"), ==, 1);
  g_assert_cmpuint (notified (&counts, "is-leader"), ==, 1);
  g_assert_true (conclave_node_is_leader (node));
  g_object_get (node, "is-leader", &is_leader, NULL);
  g_assert_true (is_leader);

  /* The same state again changes nothing. */
  reset (&counts);
  conclave_node_set_group_state (node, "leader", 3, "s2", view);
  g_assert_cmpuint (g_hash_table_size (counts.notified), ==, 0);

  conclave_node_set_group_state (node, "follower", 4, "s3", NULL);
  g_assert_false (conclave_node_is_leader (node));
  g_assert_cmpuint (notified (&counts, "is-leader"), ==, 1);
  g_assert_cmpuint (conclave_node_get_term (node), ==, 4);
  g_assert_cmpstr (conclave_node_get_leader (node), ==, "s3");
  g_assert_null (conclave_node_get_view (node)[0]);

  /* Terms are 64-bit, as the servers count them. */
  conclave_node_set_group_state (node, "follower", G_GUINT64_CONSTANT (4294967296), "s3", NULL);
  g_assert_cmpuint (conclave_node_get_term (node), ==, G_GUINT64_CONSTANT (4294967296));

  unwatch (node, &counts);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_children (void)
{
  g_autoptr(ConclaveNode) server = conclave_node_new ("s1", "fork-server", CONCLAVE_NODE_KIND_SERVER);
  g_autoptr(ConclaveNode) a = conclave_node_new ("s1/100", "fork-server", CONCLAVE_NODE_KIND_CHILD);
  g_autoptr(ConclaveNode) b = conclave_node_new ("s1/101", "fork-server", CONCLAVE_NODE_KIND_CHILD);
  GListModel *children = conclave_node_get_children (server);
  g_autoptr(ConclaveNode) listed = NULL;
  ConclaveNode *parent = NULL;
  guint changes = 0;
  Counts counts;

  g_assert_true (g_list_model_get_item_type (children) == CONCLAVE_TYPE_NODE);
  g_signal_connect (children, "items-changed", G_CALLBACK (on_items_changed), &changes);
  watch (a, &counts);

  conclave_node_add_child (server, a);
  conclave_node_add_child (server, b);
  conclave_node_add_child (server, a);   /* already there */
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 2);
  g_assert_cmpuint (changes, ==, 2);
  listed = g_list_model_get_item (children, 1);
  g_assert_true (listed == b);
  g_assert_true (conclave_node_get_parent (a) == server);
  g_assert_cmpuint (notified (&counts, "parent"), ==, 1);
  g_object_get (a, "parent", &parent, NULL);
  g_assert_true (parent == server);
  g_object_unref (parent);

  conclave_node_remove_child (server, a);
  conclave_node_remove_child (server, a);   /* no longer there */
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 1);
  g_assert_null (conclave_node_get_parent (a));
  g_assert_cmpuint (notified (&counts, "parent"), ==, 2);

  /* A child does not keep its parent alive, nor dangle when it goes. */
  g_signal_handlers_disconnect_by_data (children, &changes);
  g_clear_object (&server);
  g_assert_null (conclave_node_get_parent (b));
  unwatch (a, &counts);
}

static void
test_output_ring (void)
{
  g_autoptr(ConclaveNode) node = conclave_node_new ("c1", "udp-client", CONCLAVE_NODE_KIND_CLIENT);
  const guint total = 5000 + 17;
  ConclaveOutputStream stream;
  guint n;
  Counts counts;

  watch (node, &counts);
  g_assert_null (conclave_node_get_output (node, 0, NULL));

  for (guint i = 0; i < total; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u", i);

      conclave_node_append_output (node, i % 3 == 0 ? CONCLAVE_OUTPUT_STDERR : CONCLAVE_OUTPUT_STDOUT, line);
    }

  n = conclave_node_get_n_output (node);
  g_assert_cmpuint (counts.output, ==, total);
  g_assert_cmpuint (n, <, total);
  g_assert_cmpuint (n, >=, 1000);
  /* The oldest lines made room; the newest are all there, in order. */
  for (guint i = 0; i < n; i++)
    {
      guint number = total - n + i;
      g_autofree char *expected = g_strdup_printf ("line %u", number);

      g_assert_cmpstr (conclave_node_get_output (node, i, &stream), ==, expected);
      g_assert_cmpint (stream, ==, number % 3 == 0 ? CONCLAVE_OUTPUT_STDERR : CONCLAVE_OUTPUT_STDOUT);
    }
  g_assert_null (conclave_node_get_output (node, n, NULL));
  /* Output is its own signal, not a "changed". */
  conclave_node_flush_changes (node);
  g_assert_cmpuint (counts.changed, ==, 0);

  unwatch (node, &counts);
}

static void
test_flush (void)
{
  g_autoptr(ConclaveNode) node = conclave_node_new ("s1", "udp-server", CONCLAVE_NODE_KIND_SERVER);
  Counts counts;

  watch (node, &counts);

  conclave_node_flush_changes (node);
  g_assert_cmpuint (counts.changed, ==, 0);

  conclave_node_set_pid (node, 10);
  conclave_node_set_state (node, CONCLAVE_NODE_RUNNING);
  conclave_node_edit_counters (node)->sent += 3;
  conclave_node_add_address (node, "udp 127.0.0.1:10001");
  g_assert_cmpuint (counts.changed, ==, 0);
  conclave_node_flush_changes (node);
  g_assert_cmpuint (counts.changed, ==, 1);
  conclave_node_flush_changes (node);
  g_assert_cmpuint (counts.changed, ==, 1);

  conclave_node_edit_counters (node)->received++;
  conclave_node_edit_counters (node)->received++;
  conclave_node_flush_changes (node);
  g_assert_cmpuint (counts.changed, ==, 2);
  g_assert_cmpuint (conclave_node_get_counters (node)->sent, ==, 3);
  g_assert_cmpuint (conclave_node_get_counters (node)->received, ==, 2);

  /* Setting what is already there is no change. */
  conclave_node_set_pid (node, 10);
  conclave_node_add_address (node, "udp 127.0.0.1:10001");
  conclave_node_flush_changes (node);
  g_assert_cmpuint (counts.changed, ==, 2);
  g_assert_cmpstr (conclave_node_get_addresses (node)[0], ==, "udp 127.0.0.1:10001");
  g_assert_null (conclave_node_get_addresses (node)[1]);

  unwatch (node, &counts);
}

static void
test_state_names (void)
{
  g_autoptr(GEnumClass) states = g_type_class_ref (CONCLAVE_TYPE_NODE_STATE);

  for (guint i = 0; i < states->n_values; i++)
    g_assert_cmpstr (conclave_node_state_to_string (states->values[i].value), ==,
                     states->values[i].value_nick);
  g_assert_cmpstr (conclave_node_state_to_string (CONCLAVE_NODE_CRASHED), ==, "crashed");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/node/construct", test_construct);
  g_test_add_func ("/node/notify", test_notify);
  g_test_add_func ("/node/group-state", test_group_state);
  g_test_add_func ("/node/children", test_children);
  g_test_add_func ("/node/output-ring", test_output_ring);
  g_test_add_func ("/node/flush", test_flush);
  g_test_add_func ("/node/state-names", test_state_names);

  return g_test_run ();
}
