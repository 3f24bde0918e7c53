/* test-programs.c — "Run a program…": the lecture's unmodified Python
 * scripts started through the application's actions and through the
 * dialog, traced, shown like any node (PIDs, a delivered message between
 * them), crashed by the action; bad command lines refused in the dialog
 * with nothing lost; a forking and an exec'ing wrapper shell shown as one
 * row per program. */
#include "config.h"

#include <signal.h>

#include "conclave-roles.h"
#include "conclave-run-dialog.h"
#include "conclave-timeline.h"
#include "ui-test-utils.h"

#define SERVER_LINE "/usr/bin/python3 {examples}/udp_server.py --port {port}"
#define CLIENT_LINE "/usr/bin/python3 {examples}/udp_client.py --port {port} --count 100000 --interval 0.2 --timeout 0.5"

typedef struct {
  UiFixture *f;
  guint      delivered;
} Exchange;

/* A message of the client's process, received by the server's process. */
static guint
n_between (ConclaveCluster *cluster,
           ConclaveNode    *from,
           ConclaveNode    *to)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveProcessInfo *src = conclave_event_store_find_process (store, conclave_node_get_pid (from));
  ConclaveProcessInfo *dst = conclave_event_store_find_process (store, conclave_node_get_pid (to));
  guint n = 0;

  if (src == NULL || dst == NULL)
    return 0;
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);

      n += m != NULL && m->state == CONCLAVE_MESSAGE_DELIVERED &&
           m->src_proc == src->index && m->dst_proc == dst->index;
    }
  return n;
}

/* Both run, and `from` has had at least `n` messages delivered to `to`. */
static gboolean
delivered_to (ConclaveCluster *cluster,
              const char      *from,
              const char      *to,
              guint            n)
{
  return ui_test_node_running (cluster, from) && ui_test_node_running (cluster, to) &&
         n_between (cluster, conclave_cluster_lookup (cluster, from),
                    conclave_cluster_lookup (cluster, to)) >= n;
}

static gboolean
exchanged (gpointer data)
{
  Exchange *e = data;

  return delivered_to (conclave_session_get_cluster (e->f->session), "c1", "s1", e->delivered) &&
         delivered_to (conclave_session_get_cluster (e->f->session), "s1", "c1", e->delivered);
}

static gboolean
c1_crashed (gpointer data)
{
  UiFixture *f = data;
  ConclaveNode *c1 = conclave_cluster_lookup (conclave_session_get_cluster (f->session), "c1");

  return conclave_node_get_state (c1) == CONCLAVE_NODE_CRASHED;
}

static void
test_run_command (UiFixture     *f,
                  gconstpointer  data)
{
  Exchange e = { f, 2 };
  ConclaveNode *s1, *c1;
  gint pid;

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "run-program"));
  ui_test_activate (f->app, "run-server-command", g_variant_new_string (SERVER_LINE));
  ui_test_activate (f->app, "run-command", g_variant_new_string (CLIENT_LINE));
  g_assert_true (ui_test_wait (exchanged, &e, 15000));

  s1 = conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s1");
  c1 = conclave_cluster_lookup (conclave_session_get_cluster (f->session), "c1");
  g_assert_true (conclave_node_is_server (s1));
  g_assert_false (conclave_node_is_server (c1));
  g_assert_cmpstr (conclave_node_get_role (c1), ==, "exec");
  g_assert_cmpstr (conclave_window_get_page (f->window), ==, "cluster");
  /* The newest program is selected, so the inspector shows it. */
  g_assert_true (conclave_session_get_selected (f->session) == c1);
  g_test_message ("s1 PID %d, c1 PID %d; %u hellos and %u replies delivered",
                  conclave_node_get_pid (s1), conclave_node_get_pid (c1),
                  n_between (conclave_session_get_cluster (f->session), c1, s1), n_between (conclave_session_get_cluster (f->session), s1, c1));

  pid = conclave_node_get_pid (c1);
  ui_test_activate (f->app, "crash-node", g_variant_new_string ("c1"));
  g_assert_true (ui_test_wait (c1_crashed, f, 3000));
  g_assert_cmpint (conclave_node_get_exit_signal (c1), ==, SIGKILL);
  g_assert_true (ui_test_pid_gone (pid));
  g_assert_true (ui_test_node_running (conclave_session_get_cluster (f->session), "s1"));
}

static gboolean
clients_running (gpointer data)
{
  Exchange *e = data;

  return delivered_to (conclave_session_get_cluster (e->f->session), "c1", "s1", e->delivered) &&
         delivered_to (conclave_session_get_cluster (e->f->session), "c2", "s1", e->delivered);
}

static gboolean
dialog_gone (gpointer data)
{
  ConclaveRunDialog **dialog = data;

  return *dialog == NULL;
}

static void
test_dialog (UiFixture     *f,
             gconstpointer  data)
{
  ConclaveRunDialog *dialog = CONCLAVE_RUN_DIALOG (ui_test_open_run_dialog (f->app));
  Exchange e = { f, 1 };
  g_autoptr(GdkTexture) shot = NULL;

  /* Nothing typed, an unclosed quote, a program that is not there: each
   * refused, the dialog stays with the text as it was, nothing started. */
  g_assert_false (conclave_run_dialog_run (dialog));
  g_assert_nonnull (conclave_run_dialog_get_error (dialog));
  conclave_run_dialog_set_command (dialog, "/usr/bin/python3 'udp_client.py");
  g_assert_null (conclave_run_dialog_get_error (dialog));
  g_assert_false (conclave_run_dialog_run (dialog));
  g_test_message ("unclosed quote: %s", conclave_run_dialog_get_error (dialog));
  g_assert_nonnull (conclave_run_dialog_get_error (dialog));
  conclave_run_dialog_set_command (dialog, "/nonexistent/program --port {port}");
  g_assert_false (conclave_run_dialog_run (dialog));
  g_test_message ("missing program: %s", conclave_run_dialog_get_error (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conclave_session_get_cluster (f->session))), ==, 0);

  /* A server by the action, then two copies of a client the way a teacher
   * types it: relative to the working folder, by default the one Conclave
   * was started from (never the examples), here the examples, chosen. */
  {
    g_autofree char *here = g_get_current_dir ();
    g_autofree char *examples = conclave_find_examples_dir ();

    g_assert_cmpstr (conclave_session_get_working_folder (f->session), ==, here);
    conclave_run_dialog_set_folder (dialog, examples);
  }
  ui_test_activate (f->app, "run-server-command", g_variant_new_string (SERVER_LINE));
  conclave_run_dialog_set_command (dialog, "/usr/bin/python3 udp_client.py --port {port} --count 100000 --interval 0.2 --timeout 0.5");
  conclave_run_dialog_set_copies (dialog, 2);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (conclave_run_dialog_run (dialog));
  g_assert_true (ui_test_wait (dialog_gone, &dialog, 2000));
  if (!ui_test_wait (clients_running, &e, 15000))
    ui_test_describe_nodes (conclave_session_get_cluster (f->session));
  g_assert_true (clients_running (&e));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conclave_session_get_cluster (f->session))), ==, 3);
  /* What the class sees: one server, two copies of the client. (This also
   * lets the window draw once after the dialog went: GTK 4.8 warns when a
   * window is destroyed before that.) */
  g_clear_object (&shot);
  shot = ui_test_screenshot (GTK_WIDGET (f->window), "run-program");
}

/* One program, one row: the server behind a wrapper shell that forks it
 * (and says "done" after), the client behind one that execs it. */
#define FORKING_SERVER "/bin/sh -c '/usr/bin/python3 {examples}/udp_server.py --port {port}; echo done'"
#define EXEC_CLIENT "/bin/sh -c 'exec /usr/bin/python3 {examples}/udp_client.py --port {port} " \
                    "--count 100000 --interval 0.2 --timeout 0.5'"

/* The process that sends and receives for a node (the program, not its
 * wrapper), from the messages themselves. */
static guint32
program_proc (ConclaveCluster *cluster,
              ConclaveNode    *node)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);

      if (m != NULL && m->state == CONCLAVE_MESSAGE_DELIVERED &&
          conclave_cluster_node_for_proc (cluster, m->src_proc) == node)
        return m->src_proc;
    }
  return 0;
}

static gboolean
wrapped_exchanged (gpointer data)
{
  UiFixture *f = data;
  ConclaveCluster *cluster = conclave_session_get_cluster (f->session);

  return ui_test_node_running (cluster, "s1") && ui_test_node_running (cluster, "c1") &&
         ui_test_n_delivered (cluster) >= 4;
}

static int
row_named (char **rows, const char *name)
{
  for (guint i = 0; rows[i] != NULL; i++)
    if (g_str_equal (rows[i], name))
      return (int) i;
  return -1;
}

static void
test_wrappers (UiFixture     *f,
               gconstpointer  data)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (f->session);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveTimeline *timeline;
  g_auto(GStrv) rows = NULL;
  ConclaveNode *s1, *c1;
  guint arrows = 0;

  ui_test_activate (f->app, "run-server-command", g_variant_new_string (FORKING_SERVER));
  ui_test_activate (f->app, "run-command", g_variant_new_string (EXEC_CLIENT));
  if (!ui_test_wait (wrapped_exchanged, f, 15000))
    ui_test_describe_nodes (cluster);
  g_assert_true (wrapped_exchanged (f));
  s1 = conclave_cluster_lookup (cluster, "s1");
  c1 = conclave_cluster_lookup (cluster, "c1");

  /* The window: one row per program, named as the node, never "sh" or
   * "-c"; every delivered datagram's arrow between those two rows. */
  conclave_session_set_selected (f->session, s1);
  ui_test_look (f->window, "timeline", "wrapped-programs");
  timeline = CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline"));
  rows = conclave_timeline_list_rows (timeline);
  for (guint i = 0; rows[i] != NULL; i++)
    g_test_message ("timeline row %u: %s", i, rows[i]);
  g_assert_cmpuint (g_strv_length (rows), ==, 2);
  g_assert_cmpint (row_named (rows, "s1"), >=, 0);
  g_assert_cmpint (row_named (rows, "c1"), >=, 0);
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      int from, to;

      if (m == NULL || m->state != CONCLAVE_MESSAGE_DELIVERED)
        continue;
      from = conclave_timeline_row_of_proc (timeline, m->src_proc);
      to = conclave_timeline_row_of_proc (timeline, m->dst_proc);
      g_assert_true ((from == row_named (rows, "c1") && to == row_named (rows, "s1")) ||
                     (from == row_named (rows, "s1") && to == row_named (rows, "c1")));
      arrows++;
    }
  g_test_message ("%u delivered datagrams between the rows; s1's program PID %d (wrapper %d)", arrows,
                  conclave_cluster_get_program_pid (cluster, s1), conclave_node_get_pid (s1));
  g_assert_cmpuint (arrows, >=, 4);
  /* The core: the forked server is s1 itself (no child node), the wrapper
   * folded into it; the exec'd client kept its PID. */
  g_assert_cmpuint (program_proc (cluster, s1), !=, 0);
  g_assert_cmpuint (program_proc (cluster, c1), !=, 0);
  g_assert_cmpuint (g_list_model_get_n_items (conclave_node_get_children (s1)), ==, 0);
  g_assert_cmpint (conclave_event_store_get_process (store, program_proc (cluster, s1))->ppid, ==,
                   conclave_node_get_pid (s1));
  g_assert_cmpint (conclave_cluster_get_program_pid (cluster, s1), ==,
                   conclave_event_store_get_process (store, program_proc (cluster, s1))->pid);
  g_assert_cmpint (conclave_cluster_get_program_pid (cluster, c1), ==, conclave_node_get_pid (c1));
  g_assert_cmpint (conclave_event_store_get_process (store, program_proc (cluster, c1))->pid, ==,
                   conclave_node_get_pid (c1));

  {
    g_autofree char *s1_name = conclave_role_describe_node (s1);
    g_autofree char *c1_name = conclave_role_describe_node (c1);

    g_assert_cmpstr (s1_name, ==, "udp_server.py");
    g_assert_cmpstr (c1_name, ==, "udp_client.py");
  }
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/programs/run-command", UiFixture, NULL, ui_fixture_set_up, test_run_command, ui_fixture_tear_down);
  g_test_add ("/programs/wrappers", UiFixture, NULL, ui_fixture_set_up, test_wrappers, ui_fixture_tear_down);
  g_test_add ("/programs/dialog", UiFixture, NULL, ui_fixture_set_up, test_dialog, ui_fixture_tear_down);
  return g_test_run ();
}
