/* test-run.c — conclave-run as a user runs it: summary, trace, exit codes,
 * Ctrl-C, and no orphans when the controller itself is killed. */
#include "conclave-event-store.h"
#include "conclave-trace-file.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "summary-test-util.h"
#include <sys/socket.h>
#include <unistd.h>
#include <poll.h>
#include <sys/syscall.h>

static const char *
run_program (void)
{
  const char *path = g_getenv ("CONCLAVE_RUN_PROGRAM");
  g_assert_nonnull (path);
  return path;
}

static GSubprocess *
spawn_run_va (GError **error, const char *first, va_list args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) run_program ());
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  return g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
}

static GSubprocess *
spawn_run (GError **error, const char *first, ...)
{
  GSubprocess *p;
  va_list args;

  va_start (args, first);
  p = spawn_run_va (error, first, args);
  va_end (args);
  return p;
}

static void
test_summary_and_trace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conclave-run-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.jsonl", NULL);
  g_autoptr(GSubprocess) p = spawn_run (&error, "chapter-1", "--duration", "1500ms", "--tempo", "0.1", "--trace", trace, NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  guint bad = 99, hellos = 0, sends = 0;

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
  g_assert_nonnull (strstr (out, "Processes"));
  g_assert_nonnull (strstr (out, "udp-server"));
  g_assert_nonnull (strstr (out, "Messages"));
  g_assert_nonnull (strstr (out, "reply"));

  /* The trace reads back, every line. */
  g_assert_true (conclave_trace_load (store, trace, &bad, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bad, ==, 0);
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      hellos += e->type == CONCLAVE_EVENT_HELLO;
      sends += e->type == CONCLAVE_EVENT_SEND;
      if (e->type == CONCLAVE_EVENT_SEND)
        g_assert_cmpint (conclave_event_store_get_process (store, e->proc)->pid, >, 0);
    }
  g_assert_cmpuint (hellos, ==, 2);
  g_assert_cmpuint (sends, >=, 2);
  g_unlink (trace);
  g_rmdir (dir);
}

/* The verdict comes from the checker's own count: a violation the event
 * store no longer holds (a retention of 8192 events, 20 000 lines after
 * it) still fails the run (issue 13: it exited 0). */
static void
test_verdict_outlives_retention (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "run", "twice-delivering.py", NULL);
  g_autofree char *node = g_strdup_printf ("s1=exec:/usr/bin/python3 %s 20000", script);
  g_autoptr(GSubprocess) p = spawn_run (&error, "--duration", "4s", "--retention", "8192", "--node", node, NULL);
  g_autofree char *out = NULL, *err = NULL;
  guint64 events = 0;
  const char *line;

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  line = strstr (out, "\nEvents ");
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "\nEvents %" G_GUINT64_FORMAT, &events), ==, 1);
  g_assert_cmpuint (events, >, 20000);  /* the violation is long gone from the window */
  g_assert_nonnull (strstr (out, "duplicate"));
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 3);
}

/* Escape codes a program put in its reports (role, message kind, request
 * id in a violation) reach the summary as visible escapes, never raw. */
static void
test_summary_escapes_control_characters (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "run", "escape-reporting.py", NULL);
  g_autofree char *node = g_strdup_printf ("s1=exec:/usr/bin/python3 %s", script);
  g_autoptr(GSubprocess) p = spawn_run (&error, "--duration", "1500ms", "--node", node, NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_nonnull (strstr (out, "duplicate"));
  g_assert_null (strchr (out, '\x1b'));
  g_assert_null (strchr (err, '\x1b'));
  g_assert_nonnull (strstr (out, "srv\\x1b[2J"));        /* the role */
  g_assert_nonnull (strstr (out, "k\\x1b[31m"));         /* the kind */
  g_assert_nonnull (strstr (out, "c1:\\x1b[31mred"));    /* the request, in the violation */
}

/* A recording's header reaches the terminal escaped too: its scenario,
 * election, version and LAN hosts, as `conclave-run --replay` names them. */
static void
test_replay_header_escaped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GSubprocess) p = NULL;
  int fd = g_file_open_tmp ("trace-XXXXXX.jsonl", &path, &error);
  const char *text =
    "{\"conclave_trace\":1,\"version\":\"1\\u001b]0;v\\u0007\",\"scenario\":\"chapter\\u001b[2J\",\"tempo\":1,"
    "\"election\":\"raft\\u001b[31m\",\"network\":\"lan\","
    "\"hosts\":[{\"node\":\"s\\u001b[31m1\",\"host\":\"s1\",\"address\":\"10.77.0.2\"}]}\n"
    "{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":10,\"ppid\":1,\"node\":\"s1\",\"role\":\"udp-server\"}\n";

  g_assert_no_error (error);
  g_assert_cmpint (write (fd, text, strlen (text)), ==, (gssize) strlen (text));
  close (fd);
  p = spawn_run (&error, "--replay", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_null (strchr (out, '\x1b'));
  g_assert_null (strchr (err, '\x1b'));
  g_assert_null (strchr (out, '\x07'));
  g_assert_nonnull (strstr (out, "chapter\\x1b[2J"));
  g_assert_nonnull (strstr (out, "raft\\x1b[31m"));
  g_assert_nonnull (strstr (out, "s\\x1b[31m1 10.77.0.2"));
  g_unlink (path);
}

static void
test_trace_with_damage (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autofree char *problem = NULL;
  int fd = g_file_open_tmp ("trace-XXXXXX.jsonl", &path, &error);
  const char *text =
    "{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":10,\"ppid\":1,\"node\":\"s1\",\"role\":\"udp-server\"}\n"
    "garbage in the middle\n"
    "{\"ev\":\"send\",\"seq\":1,\"t\":2,\"proto\":\"udp\",\"src\":\"a\",\"dst\":\"b\",\"len\":1,\"node\":\"s1\",\"pid\":10}\n";
  guint bad = 0;

  g_assert_no_error (error);
  g_assert_cmpint (write (fd, text, strlen (text)), ==, (gssize) strlen (text));
  close (fd);
  g_assert_true (conclave_trace_load (store, path, &bad, &problem, &error));
  g_assert_cmpuint (bad, ==, 1);
  g_assert_nonnull (strstr (problem, ":2:"));
  g_assert_cmpuint (conclave_event_store_get_end (store), ==, 2);
  g_assert_cmpint (conclave_event_store_get_process (store, conclave_event_store_get (store, 1)->proc)->pid, ==, 10);
  g_unlink (path);

  g_assert_false (conclave_trace_load (store, "/nonexistent/trace.jsonl", &bad, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A header's tempo that no run can have (json-glib 1.6 took 1e139 and then
 * saved it as "1e+139.0", which it cannot read) is left out, so a saved
 * recording always loads back; one a run can have is kept. */
static void
test_header_tempo_round_trip (void)
{
  static const struct { const char *tempo; double kept; } cases[] = {
    { "1e139", 0 }, { "1e17", 0 }, { "100.5", 0 }, { "100", 100 }, { "0.05", 0.05 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"conclave_trace\":1,\"scenario\":\"chapter-4\",\"tempo\":%s}\n"
                                               "{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":10,\"ppid\":1,"
                                               "\"node\":\"s1\",\"role\":\"udp-server\"}\n", cases[i].tempo);
      g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (text, -1, NULL);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autoptr(GInputStream) again = NULL;
      g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
      g_autoptr(ConclaveEventStore) store2 = conclave_event_store_new ();
      g_autoptr(ConclaveTraceReader) reader = NULL, reader2 = NULL;
      g_autoptr(GError) error = NULL;
      ConclaveTraceHeader header = { 0 };
      g_autofree char *problem = NULL;
      ConclaveEvent e;
      guint bad = 0;

      g_test_message ("tempo %s", cases[i].tempo);
      reader = conclave_trace_reader_new_for_stream (store, in, "header", &error);
      g_assert_no_error (error);
      while (conclave_trace_reader_next (reader, &e))
        conclave_event_store_append (store, &e, 1);
      g_assert_cmpfloat (conclave_trace_reader_get_header (reader)->tempo, ==, cases[i].kept);
      header.scenario = (char *) "chapter-4";
      header.tempo = conclave_trace_reader_get_header (reader)->tempo;
      g_assert_true (conclave_trace_save_to_stream (store, out, &header, &error));
      g_assert_no_error (error);
      g_assert_true (g_output_stream_close (out, NULL, NULL));
      again = g_memory_input_stream_new_from_data (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                                                   (gssize) g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)),
                                                   NULL);
      reader2 = conclave_trace_reader_new_for_stream (store2, again, "saved", &error);
      g_assert_no_error (error);
      while (conclave_trace_reader_next (reader2, &e))
        conclave_event_store_append (store2, &e, 1);
      g_assert_cmpstr (conclave_trace_reader_get_header (reader2)->scenario, ==, "chapter-4");
      g_assert_cmpfloat (conclave_trace_reader_get_header (reader2)->tempo, ==, cases[i].kept);
      conclave_trace_reader_finish (reader2, &bad, &problem);
      g_assert_cmpuint (bad, ==, 0);
      g_assert_cmpuint (conclave_event_store_get_end (store2), ==, conclave_event_store_get_end (store));
    }
}

static void
expect_exit (int expected, const char *must_say, ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *out = NULL, *err = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) run_program ());
  va_start (args, must_say);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char * const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_test_message ("exit %d: %s", g_subprocess_get_exit_status (p), err);
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, expected);
  g_assert_nonnull (strstr (err, must_say));
}

static void
test_bad_usage (void)
{
  expect_exit (2, "No built-in scenario", "chapter-99", NULL);
  expect_exit (2, "--duration", "chapter-1", "--duration", "soon", NULL);
  expect_exit (2, "--fault", "chapter-1", "--fault", "5s:explode:s1", NULL);
  expect_exit (2, "NAME=ROLE", "--node", "nonsense", NULL);
  expect_exit (1, "exited with status", "--node", "s1=no-such-role", "--duration", "1s", NULL);
  expect_exit (1, "already a node", "--node", "s1=udp-server", "--node", "s1=udp-server", "--duration", "1s", NULL);
}

/* Every process conclave-run started, from its trace: spawns and hellos. */
static GArray *
pids_in_trace (const char *trace)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (gint));

  conclave_trace_load (store, trace, NULL, NULL, NULL);
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_HELLO || e->type == CONCLAVE_EVENT_SPAWN)
        {
          gint pid = e->type == CONCLAVE_EVENT_HELLO ? conclave_event_hello_pid (e) : conclave_event_spawn_pid (e);
          g_array_append_val (pids, pid);
        }
    }
  return pids;
}

static guint
count_forks (const char *trace)
{
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (trace, &text, NULL, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, "\"ev\":\"hello\"")); p++)
    n++;
  return n;
}

static guint
alive (GArray *pids)
{
  guint n = 0;

  for (guint i = 0; i < pids->len; i++)
    {
      g_autofree char *stat = g_strdup_printf ("/proc/%d/stat", g_array_index (pids, gint, i));
      g_autofree char *text = NULL;
      /* A zombie is dead; only its parent has not looked yet. */
      if (g_file_get_contents (stat, &text, NULL, NULL) && !strstr (text, ") Z "))
        n++;
    }
  return n;
}

static guint
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  guint port;

  bind (fd, (struct sockaddr *) &addr, sizeof addr);
  getsockname (fd, (struct sockaddr *) &addr, &len);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static gboolean
wake_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for the trace file to show `n` hellos: woken by inotify each time
 * conclave-run writes to it. */
static void
wait_for_hellos (const char *trace, guint n, guint seconds)
{
  g_autoptr(GFile) file = g_file_new_for_path (trace);
  g_autoptr(GFileMonitor) monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, NULL);
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (seconds, wake_up, &timed_out);

  while (count_forks (trace) < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
}

/* Waits until none of the pids runs any more: a pidfd becomes readable when
 * its process ends, whoever its parent is. */
static void
wait_all_gone (GArray *pids, int timeout_ms)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (struct pollfd));
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  for (guint i = 0; i < pids->len; i++)
    {
      struct pollfd pfd = { .fd = (int) syscall (SYS_pidfd_open, g_array_index (pids, gint, i), 0), .events = POLLIN };
      if (pfd.fd >= 0)
        g_array_append_val (fds, pfd);
    }
  while (alive (pids) > 0)
    {
      int left = (int) ((deadline - g_get_monotonic_time ()) / 1000);
      if (left <= 0)
        break;
      for (guint i = 0; i < fds->len; i++)
        g_array_index (fds, struct pollfd, i).revents = 0;
      if (poll ((struct pollfd *) (gpointer) fds->data, fds->len, left) <= 0)
        break;
      for (guint i = 0; i < fds->len; i++)
        if (g_array_index (fds, struct pollfd, i).revents)
          {
            close (g_array_index (fds, struct pollfd, i).fd);
            g_array_index (fds, struct pollfd, i).fd = -1;  /* poll ignores it from now on */
          }
    }
  for (guint i = 0; i < fds->len; i++)
    if (g_array_index (fds, struct pollfd, i).fd >= 0)
      close (g_array_index (fds, struct pollfd, i).fd);
}

/* Starts ten nodes with forking servers, waits until all their processes
 * said hello, sends `signum` to conclave-run, and checks nobody survives. */
static void
check_nobody_survives (int signum)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conclave-run-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.jsonl", NULL);
  g_autofree char *p1 = g_strdup_printf ("s1=fork-server:--port %u", free_port ());
  guint port2 = free_port ();
  g_autofree char *p2 = g_strdup_printf ("s2=pool-server:--port %u --workers 3", port2);
  g_autofree char *c1 = g_strdup_printf ("c1=udp-client:--port %s --count 0", strchr (p1, ' ') + 1);
  g_autofree char *c2 = g_strdup_printf ("c2=udp-client:--port %s --count 0", strchr (p1, ' ') + 1);
  g_autofree char *c3 = g_strdup_printf ("c3=square-client:--port %u --count 0", port2);
  g_autofree char *c4 = g_strdup_printf ("c4=square-client:--port %u --count 0", port2);
  g_autofree char *s3 = g_strdup_printf ("s3=udp-server:--port %u", free_port ());
  g_autofree char *s4 = g_strdup_printf ("s4=tcp-server:--port %u", free_port ());
  g_autofree char *s5 = g_strdup_printf ("s5=udp-server:--port %u", free_port ());
  g_autofree char *s6 = g_strdup_printf ("s6=udp-server:--port %u", free_port ());
  g_autoptr(GSubprocess) p = spawn_run (&error, "--tempo", "0.05", "--duration", "60s", "--trace", trace,
                                        "--node", p1, "--node", p2, "--node", c1, "--node", c2,
                                        "--node", c3, "--node", c4,
                                        "--node", s3, "--node", s4, "--node", s5, "--node", s6,
                                        NULL);
  g_autoptr(GArray) pids = NULL;

  g_assert_no_error (error);
  /* 10 nodes + 3 pool workers + at least one per-request child. */
  wait_for_hellos (trace, 14, 15);
  pids = pids_in_trace (trace);
  g_assert_cmpuint (alive (pids), >=, 10);
  g_subprocess_send_signal (p, signum);
  g_subprocess_wait (p, NULL, NULL);
  wait_all_gone (pids, 2000);
  g_test_message ("%u processes checked after signal %d", pids->len, signum);
  g_assert_cmpuint (alive (pids), ==, 0);
  if (signum == SIGINT)
    {
      g_assert_true (g_subprocess_get_if_exited (p));
      g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
    }
  g_unlink (trace);
  g_rmdir (dir);
}

static void
test_ctrl_c (void)
{
  check_nobody_survives (SIGINT);
}

static void
test_no_orphans_on_sigkill (void)
{
  check_nobody_survives (SIGKILL);
}

/* Runs conclave-run with the arguments; its exit status, output logged. */
static int
run_to_end (const char *first, ...)
{
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  va_list args;

  va_start (args, first);
  p = spawn_run_va (&error, first, args);
  va_end (args);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (p));
  return g_subprocess_get_exit_status (p);
}

/* A live run and the replay of its trace: the same summary, compared as
 * parsed JSON (totals, every kind, every process with how it ended, the
 * leaders). A crash mid-run makes "how it ended" differ between rows. */
static void
test_replay_summary (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-replay-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "live.jsonl", NULL);
  g_autofree char *a = g_build_filename (dir, "a.json", NULL);
  g_autofree char *b = g_build_filename (dir, "b.json", NULL);
  g_autoptr(JsonParser) pa = json_parser_new ();
  g_autoptr(JsonParser) pb = json_parser_new ();
  static const char * const members[] = { "totals", "by_kind", "processes", "leaders", "violations" };
  JsonObject *live, *replay;
  JsonArray *procs;
  guint crashed = 0;

  g_assert_cmpint (run_to_end ("chapter-2", "--duration", "3s", "--fault", "1500ms:crash:c2",
                               "--trace", trace, "--summary-json", a, NULL), ==, 0);
  g_assert_cmpint (run_to_end ("--replay", trace, "--summary-json", b, NULL), ==, 0);
  live = summary_load (pa, a);
  replay = summary_load (pb, b);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (live, "totals"), "delivered"), >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_test_message ("comparing %s", members[i]);
      g_assert_true (json_node_equal (json_object_get_member (live, members[i]),
                                      json_object_get_member (replay, members[i])));
    }
  procs = json_object_get_array_member (replay, "processes");
  for (guint i = 0; i < json_array_get_length (procs); i++)
    crashed += g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (procs, i), "end"),
                                 "crashed");
  g_assert_cmpuint (crashed, ==, 1);  /* c2, and only c2 */

  /* Saved with a header, plain and gzip-compressed: both replay the same. */
  {
    g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
    g_autofree char *gz = g_build_filename (dir, "saved.jsonl.gz", NULL);
    g_autofree char *c = g_build_filename (dir, "c.json", NULL);
    g_autoptr(JsonParser) pc = json_parser_new ();
    g_autoptr(GError) error = NULL;
    ConclaveTraceHeader header = { .scenario = (char *) "chapter-2", .tempo = 1.0 };
    g_autoptr(ConclaveEventStore) back = conclave_event_store_new ();
    g_autoptr(ConclaveTraceReader) reader = NULL;
    g_autofree char *head = NULL;
    ConclaveEvent e;
    guint64 n = 0;
    guint bad = 9;
    JsonObject *again;

    g_assert_true (conclave_trace_load (store, trace, NULL, NULL, &error));
    g_assert_true (conclave_trace_save (store, gz, &header, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (gz, &head, NULL, NULL));
    g_assert_cmpint ((guchar) head[0], ==, 0x1f);  /* gzip's magic */
    reader = conclave_trace_reader_new (back, gz, &error);
    g_assert_no_error (error);
    while (conclave_trace_reader_next (reader, &e))
      {
        g_assert_cmpint (e.type, ==, conclave_event_store_get (store, n)->type);
        n++;
      }
    conclave_trace_reader_finish (reader, &bad, NULL);
    g_assert_cmpuint (bad, ==, 0);
    g_assert_cmpuint (n, ==, conclave_event_store_get_end (store));
    g_assert_cmpuint (conclave_trace_reader_get_header (reader)->format, ==, 1);
    g_assert_cmpstr (conclave_trace_reader_get_header (reader)->scenario, ==, "chapter-2");
    g_assert_nonnull (conclave_trace_reader_get_header (reader)->version);
    g_assert_cmpint (run_to_end ("--replay", gz, "--summary-json", c, NULL), ==, 0);
    again = summary_load (pc, c);
    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      g_assert_true (json_node_equal (json_object_get_member (live, members[i]),
                                      json_object_get_member (again, members[i])));
    /* Cut short (a copy that broke off): what was before the break loads,
     * and the problem names the line it broke in. */
    {
      g_autofree char *data = NULL;
      g_autofree char *cut = g_build_filename (dir, "cut.jsonl.gz", NULL);
      g_autoptr(ConclaveEventStore) part = conclave_event_store_new ();
      g_autofree char *problem = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (gz, &data, &len, NULL));
      g_assert_true (g_file_set_contents (cut, data, (gssize) (len * 2 / 3), NULL));
      g_assert_true (conclave_trace_load (part, cut, &bad, &problem, &error));
      g_test_message ("%s", problem);
      g_assert_cmpuint (bad, >=, 1);
      g_assert_true (g_str_has_prefix (problem, cut));
      g_assert_cmpuint (conclave_event_store_get_end (part), >, 0);
      g_assert_cmpuint (conclave_event_store_get_end (part), <, conclave_event_store_get_end (store));
      g_unlink (cut);
    }
    /* A save into a folder that is not there fails with a reason. */
    g_assert_false (conclave_trace_save (store, "/nonexistent/x.jsonl", &header, &error));
    g_assert_nonnull (error);
    g_unlink (gz);
    g_unlink (c);
  }

  /* Nothing to replay: usage, not a crash. */
  g_assert_cmpint (run_to_end ("--replay", "/nonexistent/trace.jsonl", NULL), ==, 1);
  g_assert_cmpint (run_to_end ("chapter-1", "--replay", trace, NULL), ==, 2);
  g_unlink (trace);
  g_unlink (a);
  g_unlink (b);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run/summary-and-trace", test_summary_and_trace);
  g_test_add_func ("/run/trace-with-damage", test_trace_with_damage);
  g_test_add_func ("/run/header-tempo-round-trip", test_header_tempo_round_trip);
  g_test_add_func ("/run/bad-usage", test_bad_usage);
  g_test_add_func ("/run/replay-summary", test_replay_summary);
  g_test_add_func ("/run/verdict-outlives-retention", test_verdict_outlives_retention);
  g_test_add_func ("/run/summary-escapes-control-characters", test_summary_escapes_control_characters);
  g_test_add_func ("/run/replay-header-escaped", test_replay_header_escaped);
  g_test_add_func ("/run/ctrl-c", test_ctrl_c);
  g_test_add_func ("/run/no-orphans-on-sigkill", test_no_orphans_on_sigkill);
  return g_test_run ();
}
