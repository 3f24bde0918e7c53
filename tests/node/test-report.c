/* test-report.c — unit tests of the reporter (src/common/conclave-report.c).
 *
 * The reporter runs in this very process and the test controller listens
 * beside it, so the test decides exactly when the controller reads: that is
 * how overflow is provoked without any timing luck.
 */
#include "conclave-protocol.h"
#include "conclave-report.h"
#include "node-test-controller.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  TestController *ctl;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  fx->ctl = test_controller_new ();
  g_setenv (CONCLAVE_ENV_CONTROL, test_controller_path (fx->ctl), TRUE);
  g_setenv (CONCLAVE_ENV_NODE, "t1", TRUE);
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  g_unsetenv (CONCLAVE_ENV_CONTROL);
  creport_init ("none", "none");  /* leave no connection behind */
  test_controller_free (fx->ctl);
}

/* Lets the controller read until the reporter has nothing pending. */
static gboolean
drained (TestController *ctl, gpointer data)
{
  creport_flush ();
  return creport_pending () == 0;
}

static void
connect_and_greet (Fixture *fx)
{
  TestEvent *hello;

  g_assert_cmpint (creport_init ("tester", "test-report"), ==, 1);
  hello = test_controller_wait_event (fx->ctl, "hello", getpid (), NULL, NULL, 5000);
  g_assert_nonnull (hello);
  g_assert_cmpint (test_event_int (hello, "seq", -1), ==, 0);
  g_assert_cmpint (test_event_int (hello, "v", -1), ==, CONCLAVE_PROTOCOL_VERSION);
  g_assert_cmpint (test_event_int (hello, "ppid", -1), ==, getppid ());
  g_assert_cmpstr (test_event_str (hello, "node"), ==, "t1");
  g_assert_cmpstr (test_event_str (hello, "role"), ==, "tester");
  g_assert_cmpstr (test_event_str (hello, "program"), ==, "test-report");
  g_assert_cmpint (test_event_int (hello, "t", 0), >, 0);
}

static void
test_hello_and_events (Fixture *fx, gconstpointer data)
{
  CReportMsg msg = { .proto = "udp", .src = "127.0.0.1:1", .dst = "127.0.0.1:2", .len = 5,
                     .kind = "hello", .payload = "Hi \"x\"", .payload_len = 6,
                     .id_pid = 42, .id_n = 7, .lc = 3, .off = -1 };
  TestEvent *sent;

  connect_and_greet (fx);
  creport_send (&msg);
  sent = test_controller_wait_event (fx->ctl, "send", getpid (), NULL, NULL, 5000);
  g_assert_nonnull (sent);
  g_assert_cmpint (test_event_int (sent, "seq", -1), ==, 1);
  g_assert_cmpstr (test_event_str (sent, "id"), ==, "42:7");
  g_assert_cmpstr (test_event_str (sent, "preview"), ==, "Hi \"x\"");
  g_assert_cmpstr (test_event_str (sent, "src"), ==, "127.0.0.1:1");
  g_assert_false (json_object_has_member (sent->obj, "dir"));
  g_assert_cmpint (test_event_int (sent, "lc", -1), ==, 3);
  g_assert_cmpint (test_event_int (sent, "len", -1), ==, 5);
  g_assert_false (json_object_has_member (sent->obj, "off"));
  g_assert_false (json_object_has_member (sent->obj, "hash"));

  msg.id_pid = 0;
  msg.has_hash = 1;
  msg.hash = creport_hash ("abc", 3);
  msg.off = 10;
  msg.lc = 0;
  msg.t = 12345;
  creport_recv (&msg);
  sent = test_controller_wait_event (fx->ctl, "recv", getpid (), NULL, NULL, 5000);
  g_assert_nonnull (sent);
  g_assert_cmpstr (test_event_str (sent, "hash"), ==, "e71fa2190541574b");
  g_assert_cmpint (test_event_int (sent, "off", -1), ==, 10);
  g_assert_cmpint (test_event_int (sent, "t", -1), ==, 12345);
  g_assert_false (json_object_has_member (sent->obj, "lc"));
  g_assert_false (json_object_has_member (sent->obj, "id"));
}

/* Every typed writer: the right fields, and any string, however odd,
 * arrives as it was given (the controller's JSON parser would choke on a
 * badly escaped line, and the event would never arrive). */
static void
test_typed_writers (Fixture *fx, gconstpointer data)
{
  const char *view[] = { "s1", "s\"2" };
  CReportState state = { "leader", 3, "raft", "s\"2", view, 2 };
  CReportMsg msg = { .proto = "udp", .src = "127.0.0.1:1", .dst = "127.0.0.1:2", .len = 1,
                     .payload = "x", .payload_len = 1, .has_hash = 1, .hash = 1, .off = -1 };
  const char *odd = "tab\there \"quoted\" back\\slash\nnew line \x01 caf\xc3\xa9 bad\xff";
  TestEvent *e;
  JsonArray *array;

  connect_and_greet (fx);
  creport_log (CONCLAVE_LEVEL_WARNING, odd);
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_LOG, getpid (), NULL, NULL, 5000);
  g_assert_nonnull (e);
  g_assert_cmpstr (test_event_str (e, "text"), ==,
                   "tab\there \"quoted\" back\\slash\nnew line \x01 caf\xc3\xa9 bad\xef\xbf\xbd");
  g_assert_cmpstr (test_event_str (e, "level"), ==, CONCLAVE_LEVEL_WARNING);

  creport_state (&state);
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_STATE, getpid (), NULL, NULL, 5000);
  g_assert_nonnull (e);
  g_assert_cmpstr (test_event_str (e, "role"), ==, "leader");
  g_assert_cmpint (test_event_int (e, "term", -1), ==, 3);
  g_assert_cmpstr (test_event_str (e, "election"), ==, "raft");
  g_assert_cmpstr (test_event_str (e, "leader"), ==, "s\"2");
  array = json_object_get_array_member (e->obj, "view");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "s\"2");

  creport_deliver (4, "c1:1", "c\"1", odd);
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_DELIVER, getpid (), "req", "c1:1", 5000);
  g_assert_nonnull (e);
  g_assert_cmpint (test_event_int (e, "seqno", -1), ==, 4);
  g_assert_cmpstr (test_event_str (e, "client"), ==, "c\"1");
  g_assert_nonnull (strstr (test_event_str (e, "text"), "\"quoted\""));

  creport_acked ("c1:1", 4);
  g_assert_nonnull (test_controller_wait_event (fx->ctl, CONCLAVE_EV_ACKED, getpid (), "req", "c1:1", 5000));
  creport_socket ("connect", "tcp", "127.0.0.1:5", "127.0.0.1:6");
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_SOCKET, getpid (), "op", "connect", 5000);
  g_assert_nonnull (e);
  g_assert_cmpstr (test_event_str (e, "peer"), ==, "127.0.0.1:6");
  creport_socket ("bind", "udp", "127.0.0.1:5", NULL);
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_SOCKET, getpid (), "op", "bind", 5000);
  g_assert_nonnull (e);
  g_assert_false (json_object_has_member (e->obj, "peer"));
  creport_rewrite ("broadcast", "255.255.255.255:9", "127.255.255.255:9");
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_REWRITE, getpid (), "what", "broadcast", 5000);
  g_assert_nonnull (e);
  g_assert_cmpstr (test_event_str (e, "to"), ==, "127.255.255.255:9");

  creport_reap (77, 9);   /* killed by SIGKILL */
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_REAP, getpid (), NULL, NULL, 5000);
  g_assert_nonnull (e);
  g_assert_cmpint (test_event_int (e, "child", -1), ==, 77);
  g_assert_cmpint (test_event_int (e, "signal", -1), ==, 9);
  g_assert_false (json_object_has_member (e->obj, "code"));
  creport_fork (78);
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_FORK, getpid (), NULL, NULL, 5000);
  g_assert_cmpint (test_event_int (e, "child", -1), ==, 78);
  creport_garbage (2, "127.0.0.1:9");
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_GARBAGE, getpid (), NULL, NULL, 5000);
  g_assert_cmpint (test_event_int (e, "count", -1), ==, 2);
  g_assert_cmpstr (test_event_str (e, "from"), ==, "127.0.0.1:9");

  creport_drop (&msg, 1, 1);
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_DROP, getpid (), NULL, NULL, 5000);
  g_assert_nonnull (e);
  g_assert_cmpstr (test_event_str (e, "dir"), ==, CONCLAVE_DIR_RECV);
  g_assert_cmpstr (test_event_str (e, "reason"), ==, CONCLAVE_REASON_ISOLATED);
  g_assert_cmpstr (test_event_str (e, "hash"), ==, "0000000000000001");
  creport_exit (3);
  e = test_controller_wait_event (fx->ctl, CONCLAVE_EV_EXIT, getpid (), NULL, NULL, 5000);
  g_assert_cmpint (test_event_int (e, "code", -1), ==, 3);
}

/* A line too long to send is dropped whole and counted, never cut. */
static void
test_too_long (Fixture *fx, gconstpointer data)
{
  g_autofree char *huge = g_strnfill (CONCLAVE_MAX_LINE, 'x');
  g_autoptr(GPtrArray) overflows = NULL;
  TestEvent *after;

  connect_and_greet (fx);
  creport_log (CONCLAVE_LEVEL_INFO, huge);
  g_assert_cmpuint (creport_dropped (), ==, 1);
  creport_log (CONCLAVE_LEVEL_INFO, "after");
  after = test_controller_wait_event (fx->ctl, CONCLAVE_EV_LOG, getpid (), "text", "after", 5000);
  g_assert_nonnull (after);
  g_assert_cmpint (test_event_int (after, "seq", -1), ==, 3);  /* hello 0, dropped 1, overflow 2 */
  overflows = test_controller_events (fx->ctl, CONCLAVE_EV_OVERFLOW, getpid ());
  g_assert_cmpuint (overflows->len, ==, 1);
}

/* The controller never reads while the process reports far more than the
 * socket and the pending buffer hold: the process must not block, and once
 * the controller reads, the gap in seq and the overflow count must agree. */
static void
test_overflow (Fixture *fx, gconstpointer data)
{
  const int lines = 20000;
  g_autofree char *text = g_strdup_printf ("%0200d", 0);
  gint64 start, elapsed_us;
  g_autoptr(GPtrArray) overflows = NULL;
  TestConn *conn;
  TestEvent *marker;
  gint64 told = 0;

  connect_and_greet (fx);
  start = g_get_monotonic_time ();
  for (int i = 0; i < lines; i++)
    creport_log (CONCLAVE_LEVEL_INFO, text);
  elapsed_us = g_get_monotonic_time () - start;
  g_test_message ("%d lines in %" G_GINT64_FORMAT " µs, %" G_GUINT64_FORMAT " dropped",
                  lines, elapsed_us, creport_dropped ());
  g_assert_cmpuint (creport_dropped (), >, 0);
  g_assert_cmpuint (creport_pending (), >, 0);
  g_assert_cmpint (elapsed_us, <, 5 * G_USEC_PER_SEC);  /* it did not wait for us */

  g_assert_true (test_controller_wait (fx->ctl, drained, NULL, 10000));
  creport_log (CONCLAVE_LEVEL_INFO, "marker");
  marker = test_controller_wait_event (fx->ctl, "log", getpid (), "text", "marker", 5000);
  g_assert_nonnull (marker);

  conn = test_controller_conn (fx->ctl, getpid ());
  overflows = test_controller_events (fx->ctl, "overflow", getpid ());
  g_assert_cmpuint (overflows->len, >=, 1);
  for (guint i = 0; i < overflows->len; i++)
    told += test_event_int (overflows->pdata[i], "dropped", 0);
  g_assert_cmpint (conn->seq_gap, >, 0);
  g_assert_cmpint (told, ==, conn->seq_gap);
  g_assert_cmpint (told, ==, (gint64) creport_dropped ());
  /* hello + every line + the overflow line(s) + the marker consumed a seq */
  g_assert_cmpint (test_event_int (marker, "seq", -1), ==, 1 + lines + (gint64) overflows->len);
}

static void
flush_before_exit (void)
{
  while (creport_pending () > 0)
    {
      struct pollfd pfd = { creport_fd (), POLLOUT, 0 };

      if (pfd.fd < 0 || poll (&pfd, 1, 5000) <= 0)
        break;
      creport_flush ();
    }
}

static gboolean
two_hellos (TestController *ctl, gpointer data)
{
  g_autoptr(GPtrArray) hellos = test_controller_events (ctl, "hello", 0);
  g_autoptr(GPtrArray) logs = test_controller_events (ctl, "log", GPOINTER_TO_INT (data));

  return hellos->len >= 2 && logs->len >= 1;
}

static void
test_after_fork (Fixture *fx, gconstpointer data)
{
  pid_t child;
  int status = 0;
  TestEvent *hello, *after;
  TestConn *parent_conn;

  connect_and_greet (fx);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      creport_after_fork ();
      creport_log (CONCLAVE_LEVEL_INFO, "from the child");
      flush_before_exit ();
      _exit (creport_active () ? 0 : 3);
    }
  g_assert_true (test_controller_wait (fx->ctl, two_hellos, GINT_TO_POINTER (child), 5000));
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  hello = test_controller_wait_event (fx->ctl, "hello", child, NULL, NULL, 1000);
  g_assert_nonnull (hello);
  g_assert_cmpint (test_event_int (hello, "seq", -1), ==, 0);
  g_assert_cmpint (test_event_int (hello, "ppid", -1), ==, getpid ());
  g_assert_cmpstr (test_event_str (hello, "role"), ==, "tester");
  g_assert_true (test_controller_conn (fx->ctl, child) != test_controller_conn (fx->ctl, getpid ()));

  /* the child closed its copy of our connection; ours must still work */
  creport_log (CONCLAVE_LEVEL_INFO, "parent after fork");
  after = test_controller_wait_event (fx->ctl, "log", getpid (), "text", "parent after fork", 5000);
  g_assert_nonnull (after);
  g_assert_cmpint (test_event_int (after, "seq", -1), ==, 1);
  parent_conn = test_controller_conn (fx->ctl, getpid ());
  g_assert_false (parent_conn->closed);
  g_assert_cmpint (parent_conn->seq_gap, ==, 0);
}

static void
test_without_control (void)
{
  g_unsetenv (CONCLAVE_ENV_CONTROL);
  errno = 1234;
  g_assert_cmpint (creport_init ("alone", "test-report"), ==, 0);
  g_assert_cmpint (errno, ==, 1234);
  g_assert_cmpint (creport_active (), ==, 0);
  g_assert_cmpint (creport_fd (), ==, -1);
  creport_log (CONCLAVE_LEVEL_INFO, "nobody listens");
  creport_after_fork ();
  creport_flush ();
  g_assert_cmpint (creport_read_commands (NULL, NULL), ==, 0);
  g_assert_cmpint (creport_active (), ==, 0);
  g_assert_cmpuint (creport_pending (), ==, 0);
  g_assert_cmpint (errno, ==, 1234);
}

static void
test_controller_goes_away (Fixture *fx, gconstpointer data)
{
  connect_and_greet (fx);
  test_controller_close_conn (fx->ctl, getpid ());
  /* SIGPIPE keeps its default action: a send without MSG_NOSIGNAL would
   * kill this test. */
  errno = 4321;
  for (int i = 0; i < 100 && creport_active (); i++)
    creport_log (CONCLAVE_LEVEL_INFO, "anyone?");
  g_assert_cmpint (errno, ==, 4321);
  g_assert_cmpint (creport_active (), ==, 0);
  g_assert_cmpint (creport_fd (), ==, -1);
  g_assert_cmpint (creport_read_commands (NULL, NULL), ==, -1);
  creport_log (CONCLAVE_LEVEL_INFO, "still fine");
  g_assert_cmpint (errno, ==, 4321);
}

/* Connects a non-blocking Unix socket to path; returns it, or -1 with
 * errno (EAGAIN when the listener's backlog is full). */
static int
try_connect (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0)
    return fd;
  close (fd);
  return -1;
}

/* A controller whose backlog is full: the reporter must not block; it keeps
 * the hello pending and connects once the controller accepts again. */
static void
test_backlog_full (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-backlog-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "control.sock", NULL);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int listener = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_autoptr(GArray) fillers = g_array_new (FALSE, FALSE, sizeof (int));
  gint64 deadline;
  char line[512] = "";
  int fd, accepted;
  ssize_t n;

  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  g_assert_cmpint (bind (listener, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (listener, 0), ==, 0);
  while ((fd = try_connect (path)) >= 0 && fillers->len < 64)
    g_array_append_val (fillers, fd);
  g_assert_cmpint (errno, ==, EAGAIN);

  g_setenv (CONCLAVE_ENV_CONTROL, path, TRUE);
  g_assert_cmpint (creport_init ("patient", "test-report"), ==, 1);
  g_assert_cmpint (creport_fd (), ==, -1);        /* not connected yet */
  g_assert_cmpuint (creport_pending (), >, 0);    /* the hello waits */
  creport_log (CONCLAVE_LEVEL_INFO, "while connecting");

  for (guint i = 0; i < fillers->len; i++)  /* make room in the backlog */
    {
      close (accept (listener, NULL, NULL));
      close (g_array_index (fillers, int, i));
    }
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (creport_fd () < 0 && g_get_monotonic_time () < deadline)
    {
      creport_flush ();
      g_usleep (1000);  /* nothing to poll: the reporter retries on flush */
    }
  g_assert_cmpint (creport_fd (), >=, 0);
  g_assert_cmpuint (creport_pending (), ==, 0);
  accepted = accept (listener, NULL, NULL);
  g_assert_cmpint (accepted, >=, 0);
  for (gsize got = 0; strstr (line, "\"seq\":1,") == NULL && got < sizeof line - 1; got += (gsize) n)
    {
      struct pollfd pfd = { accepted, POLLIN, 0 };

      g_assert_cmpint (poll (&pfd, 1, 5000), ==, 1);
      n = recv (accepted, line + got, sizeof line - 1 - got, 0);
      g_assert_cmpint (n, >, 0);
    }
  g_assert_true (g_str_has_prefix (line, "{\"ev\":\"hello\",\"seq\":0,"));
  g_assert_nonnull (strstr (line, "\"role\":\"patient\""));
  g_assert_nonnull (strstr (line, "{\"ev\":\"log\",\"seq\":1,"));
  close (accepted);
  close (listener);
  g_unsetenv (CONCLAVE_ENV_CONTROL);
  creport_init ("none", "none");
  g_unlink (path);
  g_rmdir (dir);
}

static void
collect_line (const char *line, size_t len, void *data)
{
  g_assert_cmpint (line[len], ==, '\0');
  g_ptr_array_add (data, g_memdup2 (line, len + 1));  /* NULs and all */
}

static gboolean
commands_read (TestController *ctl, gpointer data)
{
  GPtrArray *lines = data;

  creport_read_commands (collect_line, lines);
  return lines->len >= 3;
}

static void
test_commands (Fixture *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *huge = g_strnfill (CONCLAVE_MAX_LINE + 100, 'x');

  connect_and_greet (fx);
  test_controller_send (fx->ctl, getpid (), "{\"cmd\":\"tempo\",\"scale\":0.5}\n{\"cmd\":\"post\"}");
  test_controller_send (fx->ctl, getpid (), huge);  /* too long: skipped whole */
  test_controller_send (fx->ctl, getpid (), "{\"cmd\":\"fault\"}");
  g_assert_true (test_controller_wait (fx->ctl, commands_read, lines, 5000));
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (lines->pdata[0], ==, "{\"cmd\":\"tempo\",\"scale\":0.5}");
  g_assert_cmpstr (lines->pdata[1], ==, "{\"cmd\":\"post\"}");
  g_assert_cmpstr (lines->pdata[2], ==, "{\"cmd\":\"fault\"}");
}

/* A NUL byte is not JSON, but a controller (or anything that got hold of
 * the socket) may send one: the line that holds it must reach the reader
 * whole, with its length, and the lines after it must not be lost. */
static void
test_command_with_nul (Fixture *fx, gconstpointer data)
{
  static const char nul_line[] = "{\"cmd\":\"post\",\"text\":\"a\0b\"}";
  static const char bytes[] = "{\"cmd\":\"post\",\"text\":\"a\0b\"}\n{\"cmd\":\"fault\"}\n";
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  connect_and_greet (fx);
  test_controller_send_bytes (fx->ctl, getpid (), bytes, sizeof bytes - 1);
  test_controller_send (fx->ctl, getpid (), "{\"cmd\":\"tempo\",\"scale\":2}");
  g_assert_true (test_controller_wait (fx->ctl, commands_read, lines, 5000));
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpmem (lines->pdata[0], sizeof nul_line, nul_line, sizeof nul_line);
  g_assert_cmpstr (lines->pdata[1], ==, "{\"cmd\":\"fault\"}");
  g_assert_cmpstr (lines->pdata[2], ==, "{\"cmd\":\"tempo\",\"scale\":2}");
}

/* Parses `json` (a JSON string literal) and returns its value. */
static char *
parse_json_string (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = g_strdup_printf ("[%s]", json);

  json_parser_load_from_data (parser, doc, -1, &error);
  g_assert_no_error (error);
  return g_strdup (json_array_get_string_element (json_node_get_array (json_parser_get_root (parser)), 0));
}

static void
check_escape (const char *in, gsize len, const char *expected)
{
  char buf[256];
  gsize n = creport_json_string (buf, sizeof buf, in, len);
  g_autofree char *value = NULL;

  g_assert_cmpuint (n, ==, strlen (buf));
  value = parse_json_string (buf);
  g_assert_cmpstr (value, ==, expected);
}

static void
test_json_string (void)
{
  g_autofree char *long_text = g_strnfill (100, 'a');
  g_autofree char *preview = g_strnfill (CONCLAVE_PREVIEW_MAX, 'a');
  char small[8];

  check_escape ("plain", 5, "plain");
  check_escape ("q\"b\\s/", 6, "q\"b\\s/");
  check_escape ("a\x01\n\t\x7f" "b", 6, "a....b");
  check_escape ("caf\xc3\xa9", 5, "caf\xc3\xa9");           /* valid UTF-8 stays */
  check_escape ("\xff\xfe", 2, "..");                        /* invalid bytes */
  check_escape ("\xc0\xaf", 2, "..");                        /* overlong form */
  check_escape ("\xed\xa0\x80", 3, "...");                   /* surrogate */
  check_escape ("x\xe2\x82", 3, "x..");                      /* cut sequence */
  check_escape ("nul\0in", 6, "nul.in");
  check_escape (long_text, 100, preview);                    /* preview length */
  check_escape (NULL, 0, "");

  /* a tiny buffer still gets a closed, valid, NUL-terminated string */
  g_assert_cmpuint (creport_json_string (small, sizeof small, "\"\"\"\"", 4), ==, 6);
  g_assert_cmpstr (small, ==, "\"\\\"\\\"\"");
  g_assert_cmpuint (creport_json_string (small, 3, "abc", 3), ==, 2);
  g_assert_cmpstr (small, ==, "\"\"");
  g_assert_cmpuint (creport_json_string (small, 2, "abc", 3), ==, 0);
  g_assert_cmpstr (small, ==, "");
}

static void
test_hash (void)
{
  /* FNV-1a 64 reference values */
  g_assert_cmphex (creport_hash ("", 0), ==, 0xcbf29ce484222325ULL);
  g_assert_cmphex (creport_hash ("a", 1), ==, 0xaf63dc4c8601ec8cULL);
  g_assert_cmphex (creport_hash ("foobar", 6), ==, 0x85944171f73967e8ULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/report/hello-and-events", Fixture, NULL, fixture_set_up, test_hello_and_events, fixture_tear_down);
  g_test_add ("/report/typed-writers", Fixture, NULL, fixture_set_up, test_typed_writers, fixture_tear_down);
  g_test_add ("/report/too-long", Fixture, NULL, fixture_set_up, test_too_long, fixture_tear_down);
  g_test_add ("/report/overflow", Fixture, NULL, fixture_set_up, test_overflow, fixture_tear_down);
  g_test_add ("/report/after-fork", Fixture, NULL, fixture_set_up, test_after_fork, fixture_tear_down);
  g_test_add ("/report/controller-goes-away", Fixture, NULL, fixture_set_up, test_controller_goes_away, fixture_tear_down);
  g_test_add ("/report/commands", Fixture, NULL, fixture_set_up, test_commands, fixture_tear_down);
  g_test_add ("/report/command-with-nul", Fixture, NULL, fixture_set_up, test_command_with_nul, fixture_tear_down);
  g_test_add_func ("/report/without-control", test_without_control);
  g_test_add_func ("/report/backlog-full", test_backlog_full);
  g_test_add_func ("/report/json-string", test_json_string);
  g_test_add_func ("/report/hash", test_hash);
  return g_test_run ();
}
