/* test-program-nodes.c — what the cluster does for a program node, live.
 *
 * Real Python processes under the trace shim on a cluster of our own:
 * a line sent to a node's stdin is read by input() and nothing else is;
 * a leader pattern's named group maps "205" to the node run with
 * `--id 205` (not to one whose command line merely contains 205 inside a
 * longer word), and the server that said it follows that node even if it
 * never led; a later "leader is 206" moves the crown; a program
 * that cannot bind because another node holds the port explains itself
 * with that node's name and the port, from its stderr; a wrapper shell is
 * folded into the program it forks, a quiet parent's own forks are not.
 */
#include "trace-test-util.h"

#include <string.h>

#define PYTHON "/usr/bin/python3"

/* Prints each line it reads as "echo: …"; a leader line when told. */
static const char echo_script[] =
  "import sys\n"
  "for line in sys.stdin:\n"
  "    print('echo: ' + line.strip(), flush=True)\n";

/* Binds {port} (no SO_REUSEADDR) and waits. */
static const char bind_script[] =
  "import socket, sys, time\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "s.bind(('127.0.0.1', int(sys.argv[1])))\n"
  "print('bound', flush=True)\n"
  "time.sleep(60)\n";

/* Sends itself one datagram and reads it; with "fork", in a forked child
 * of the same program while the parent stays quiet. Then waits. */
static const char talk_script[] =
  "import os, socket, sys, time\n"
  "def talk():\n"
  "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "    s.bind(('127.0.0.1', 0))\n"
  "    s.sendto(b'hi', s.getsockname())\n"
  "    s.recvfrom(16)\n"
  "if sys.argv[1] == 'fork':\n"
  "    if os.fork() == 0:\n"
  "        talk()\n"
  "        time.sleep(30)\n"
  "        os._exit(0)\n"
  "else:\n"
  "    talk()\n"
  "time.sleep(30)\n";

static gboolean
has_line (ConclaveCluster *cluster, gpointer data)
{
  const char * const *want = data;
  ConclaveNode *node = conclave_cluster_lookup (cluster, want[0]);

  for (guint i = 0; node != NULL && i < conclave_node_get_n_output (node); i++)
    if (g_strcmp0 (conclave_node_get_output (node, i, NULL), want[1]) == 0)
      return TRUE;
  return FALSE;
}

static void
wait_line (ConclaveCluster *cluster, const char *node, const char *line)
{
  const char *want[] = { node, line };

  trace_test_wait (cluster, has_line, (gpointer) want, 10, line);
}

static ConclaveNode *
add (ConclaveCluster *cluster, const char *name, const char *script, const char *arg)
{
  const char *argv[] = { PYTHON, "-c", script, arg, NULL };
  g_autoptr(GError) error = NULL;
  ConclaveNode *node = conclave_cluster_add_program (cluster, name, argv, NULL, TRUE, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_stdin_and_leader (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  g_autoptr(GError) error = NULL;
  ConclaveNode *s205, *s206, *s2050;

  g_assert_true (conclave_cluster_set_leader_pattern (cluster, "^echo: leader is (?<leader>\\S+)$", &error));
  s205 = add (cluster, "s1", echo_script, "--id=205");
  s206 = add (cluster, "s2", echo_script, "206");
  s2050 = add (cluster, "s3", echo_script, "--id 2050");
  g_assert_false (conclave_cluster_set_leader_pattern (cluster, "leader is (", NULL));
  g_assert_cmpstr (conclave_cluster_get_leader_pattern (cluster), ==, "^echo: leader is (?<leader>\\S+)$");

  /* s3 reads "leader is 205": 205 is a word of s1's command line only. */
  g_assert_true (conclave_cluster_send_input (cluster, "s3", "leader is 205", &error));
  g_assert_no_error (error);
  wait_line (cluster, "s3", "echo: leader is 205");
  g_assert_true (conclave_node_is_leader (s205));
  g_assert_false (conclave_node_is_leader (s206) || conclave_node_is_leader (s2050));
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_OUTPUT, NULL, NULL), >=, 1);
  /* s3, a server that never led, follows the leader it named first thing;
   * s2 said nothing, so it follows nobody yet. */
  g_assert_cmpstr (conclave_node_get_group_role (s2050), ==, "follower");
  g_assert_cmpstr (conclave_node_get_leader (s2050), ==, "s1");
  g_assert_cmpstr (conclave_node_get_leader (s206), ==, "");

  /* A name nobody has changes nothing; then s2 names itself. */
  g_assert_true (conclave_cluster_send_input (cluster, "s3", "leader is 7", &error));
  wait_line (cluster, "s3", "echo: leader is 7");
  g_assert_true (conclave_node_is_leader (s205));
  g_assert_true (conclave_cluster_send_input (cluster, "s2", "leader is s2", &error));
  wait_line (cluster, "s2", "echo: leader is s2");
  g_assert_true (conclave_node_is_leader (s206));
  /* Only what was sent, to whom it was sent. */
  g_assert_cmpuint (conclave_node_get_n_output (s205), ==, 0);
  trace_test_finish (cluster);
}

static void
test_port_taken (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  g_autofree char *port = g_strdup_printf ("%u", conclave_cluster_get_base_port (cluster));
  g_autofree char *why = NULL;
  g_autofree char *want = NULL;
  ConclaveNode *late;

  add (cluster, "s1", bind_script, "{port}");
  wait_line (cluster, "s1", "bound");
  late = add (cluster, "s2", bind_script, "{port}");
  trace_test_wait_ended (cluster, "s2", 10);
  g_assert_cmpint (conclave_node_get_exit_code (late), ==, 1);
  why = conclave_cluster_explain_failure (cluster, late);
  want = g_strdup_printf ("Address already in use: port %s is held by s1", port);
  g_test_message ("%s", why);
  g_assert_cmpstr (why, ==, want);
  /* The one still running has nothing to explain. */
  g_assert_null (conclave_cluster_explain_failure (cluster, conclave_cluster_lookup (cluster, "s1")));
  trace_test_finish (cluster);
}

/* The process of `node` (or of a child of it) that sent, 0 before. */
static guint32
talker (ConclaveCluster *cluster, ConclaveNode *node)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      ConclaveNode *from = m ? conclave_cluster_node_for_proc (cluster, m->src_proc) : NULL;

      if (from != NULL && (from == node || conclave_node_get_parent (from) == node))
        return m->src_proc;
    }
  return 0;
}

static gboolean
both_talked (ConclaveCluster *cluster, gpointer data)
{
  return talker (cluster, conclave_cluster_lookup (cluster, "w1")) != 0 &&
         talker (cluster, conclave_cluster_lookup (cluster, "m1")) != 0;
}

/* One program, one row: a shell that forks the program and waits is
 * folded into it (the program's process is the node's, its PID the one
 * shown); a quiet Python parent's forks of itself stay its children. */
static void
test_wrapper_folds (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  const char *wrapped[] = { "/bin/sh", "-c", "\"$@\"; echo done", "sh", PYTHON, "-c", talk_script, "talk", NULL };
  g_autoptr(GError) error = NULL;
  ConclaveNode *w1, *m1;
  ConclaveProcessInfo *program, *child;

  w1 = conclave_cluster_add_program (cluster, "w1", wrapped, NULL, TRUE, &error);
  g_assert_no_error (error);
  m1 = add (cluster, "m1", talk_script, "fork");
  trace_test_wait (cluster, both_talked, NULL, 10, "both talked");

  program = conclave_event_store_get_process (store, talker (cluster, w1));
  g_assert_true (conclave_cluster_node_for_proc (cluster, program->index) == w1);
  g_assert_cmpint (program->ppid, ==, conclave_node_get_pid (w1));
  g_assert_cmpint (conclave_cluster_get_program_pid (cluster, w1), ==, program->pid);
  g_assert_cmpuint (g_list_model_get_n_items (conclave_node_get_children (w1)), ==, 0);

  child = conclave_event_store_get_process (store, talker (cluster, m1));
  g_assert_cmpint (child->ppid, ==, conclave_node_get_pid (m1));
  g_assert_true (conclave_node_get_parent (conclave_cluster_node_for_proc (cluster, child->index)) == m1);
  g_assert_cmpint (conclave_cluster_get_program_pid (cluster, m1), ==, conclave_node_get_pid (m1));
  g_assert_cmpuint (g_list_model_get_n_items (conclave_node_get_children (m1)), ==, 1);
  trace_test_finish (cluster);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/program-nodes/stdin-and-leader", test_stdin_and_leader);
  g_test_add_func ("/program-nodes/port-taken", test_port_taken);
  g_test_add_func ("/program-nodes/wrapper-folds", test_wrapper_folds);
  return g_test_run ();
}
