/* test-control-server.c — a real Unix socket: lines split across reads, many
 * in one read, malformed ones, sequence gaps, commands back, closing. */
#include "conclave-control-server.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct {
  ConclaveIntern        *intern;
  ConclaveControlServer *server;
  GArray                *events;
  GArray                *closed;
} Fixture;

static void
on_events (ConclaveControlServer *server, ConclaveEventBatch *batch, Fixture *f)
{
  g_array_append_vals (f->events, batch->events, batch->n_events);
}

static void
on_closed (ConclaveControlServer *server, guint conn, Fixture *f)
{
  g_array_append_val (f->closed, conn);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->intern = conclave_intern_new ();
  f->server = conclave_control_server_new (f->intern, &error);
  g_assert_no_error (error);
  f->events = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  f->closed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (f->server, "events", G_CALLBACK (on_events), f);
  g_signal_connect (f->server, "closed", G_CALLBACK (on_closed), f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_object_unref (f->server);
  conclave_intern_free (f->intern);
  g_array_unref (f->events);
  g_array_unref (f->closed);
}

static int
connect_client (Fixture *f)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_strlcpy (addr.sun_path, conclave_control_server_get_path (f->server), sizeof addr.sun_path);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  return fd;
}

static void
write_all (int fd, const char *s)
{
  gsize len = strlen (s);
  g_assert_cmpint (write (fd, s, len), ==, (gssize) len);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;  /* only wakes the loop, so deadlines are checked */
}

/* Waits (bounded) until `n` events arrived. */
static void
wait_events (Fixture *f, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
  guint wake = g_timeout_add (100, tick, NULL);

  while (f->events->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  g_assert_cmpuint (f->events->len, >=, n);
}

static ConclaveEvent *
ev (Fixture *f, guint i)
{
  return &g_array_index (f->events, ConclaveEvent, i);
}

static void
test_private_directory (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_path_get_dirname (conclave_control_server_get_path (f->server));
  struct stat st;

  g_assert_cmpint (stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_partial_and_many (Fixture *f, gconstpointer data)
{
  int fd = connect_client (f);
  g_autoptr(GString) many = g_string_new (NULL);

  g_autofree char *hello = g_strdup_printf ("{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":%d,\"ppid\":1,\"no", getpid ());

  write_all (fd, hello);
  g_main_context_iteration (NULL, FALSE);
  write_all (fd, "de\":\"s1\"}\n");
  wait_events (f, 1);
  g_assert_cmpint (ev (f, 0)->type, ==, CONCLAVE_EVENT_HELLO);
  g_assert_cmpstr (conclave_intern_lookup (f->intern, conclave_event_hello_node (ev (f, 0))), ==, "s1");

  for (guint i = 1; i <= 500; i++)
    g_string_append_printf (many, "{\"ev\":\"fork\",\"seq\":%u,\"t\":%u,\"child\":%u}\n", i, i, 1000 + i);
  write_all (fd, many->str);
  wait_events (f, 501);
  for (guint i = 1; i <= 500; i++)
    g_assert_cmpint (conclave_event_fork_child (ev (f, i)), ==, 1000 + (gint) i);
  g_assert_cmpuint (conclave_control_server_get_lines (f->server), ==, 501);
  close (fd);
}

static void
test_malformed_survives (Fixture *f, gconstpointer data)
{
  int fd = connect_client (f);
  g_autoptr(GString) huge = g_string_new ("{\"ev\":\"log\",\"t\":1,\"text\":\"");
  guint errors = 0, forks = 0;

  while (huge->len < 100000)
    g_string_append (huge, "0123456789");
  g_string_append (huge, "\"}\n");

  write_all (fd, "this is not json\n");
  write_all (fd, "{\"ev\":\"fork\",\"seq\":0,\"t\":1,\"child\":1}\n");
  write_all (fd, "{\"ev\":\"warp\",\"t\":1}\n");
  write_all (fd, huge->str);
  write_all (fd, "{\"ev\":\"fork\",\"seq\":1,\"t\":2,\"child\":2}\n");
  write_all (fd, "{\"ev\":\"fork\",\"t\":\"soon\",\"child\":3}\n\xff\xfe\n");
  write_all (fd, "{\"ev\":\"fork\",\"seq\":2,\"t\":3,\"child\":4}\n");
  wait_events (f, 8);

  for (guint i = 0; i < f->events->len; i++)
    {
      errors += ev (f, i)->type == CONCLAVE_EVENT_ERROR;
      forks += ev (f, i)->type == CONCLAVE_EVENT_FORK;
      if (ev (f, i)->type == CONCLAVE_EVENT_ERROR)
        g_test_message ("error: %s", conclave_intern_lookup (f->intern, conclave_event_error_reason (ev (f, i))));
    }
  g_assert_cmpuint (forks, ==, 3);   /* nothing good was lost */
  g_assert_cmpuint (errors, ==, 5);  /* not json, unknown, too long, wrong type, bad utf-8 */
  g_assert_cmpuint (conclave_control_server_get_errors (f->server), ==, 5);
  g_assert_cmpuint (f->closed->len, ==, 0);  /* the connection survived */
  close (fd);
}

static void
test_seq_gap (Fixture *f, gconstpointer data)
{
  int fd = connect_client (f);

  write_all (fd, "{\"ev\":\"fork\",\"seq\":0,\"t\":1,\"child\":1}\n");
  write_all (fd, "{\"ev\":\"overflow\",\"seq\":13,\"t\":2,\"dropped\":12}\n");
  wait_events (f, 3);
  g_assert_cmpint (ev (f, 1)->type, ==, CONCLAVE_EVENT_OVERFLOW);
  g_assert_cmpint (conclave_event_overflow_dropped (ev (f, 1)), ==, 12);
  g_assert_cmpuint (conclave_control_server_get_lost (f->server), ==, 12);
  close (fd);
}

static void
test_command_and_close (Fixture *f, gconstpointer data)
{
  int fd = connect_client (f);
  char buf[256] = { 0 };
  guint32 conn;
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  g_autofree char *hello = g_strdup_printf ("{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":%d,\"ppid\":1}\n", getpid ());

  write_all (fd, hello);
  wait_events (f, 1);
  conn = ev (f, 0)->proc;
  g_assert_true (conclave_control_server_send (f->server, conn, "{\"cmd\":\"tempo\",\"scale\":0.5}"));
  g_assert_cmpint (read (fd, buf, sizeof buf - 1), >, 0);
  g_assert_cmpstr (buf, ==, "{\"cmd\":\"tempo\",\"scale\":0.5}\n");

  close (fd);
  while (f->closed->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->closed->len, ==, 1);
  g_assert_cmpuint (g_array_index (f->closed, guint, 0), ==, conn);
  g_assert_false (conclave_control_server_send (f->server, conn, "{\"cmd\":\"post\"}"));
}

/* The kernel names the peer: a hello claiming another PID is refused with
 * a counted error, the connection is closed, and nothing it said counts. */
static void
test_hello_must_be_true (Fixture *f, gconstpointer data)
{
  int fd = connect_client (f);
  g_autofree char *lie = g_strdup_printf ("{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":%d,\"ppid\":1,\"node\":\"s1\"}\n"
                                          "{\"ev\":\"fork\",\"seq\":1,\"t\":2,\"child\":7}\n", getppid ());
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  write_all (fd, lie);
  while (f->closed->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->closed->len, ==, 1);  /* we closed it */
  g_assert_cmpuint (f->events->len, ==, 1);
  g_assert_cmpint (ev (f, 0)->type, ==, CONCLAVE_EVENT_ERROR);
  g_test_message ("%s", conclave_intern_lookup (f->intern, ev (f, 0)->s[3]));
  g_assert_nonnull (strstr (conclave_intern_lookup (f->intern, ev (f, 0)->s[3]), "refused"));
  g_assert_cmpuint (conclave_control_server_get_errors (f->server), ==, 1);
  close (fd);
}

/* ---- a fair, bounded reader ---- */

static guint
count_of (Fixture *f, ConclaveEventType type)
{
  guint n = 0;

  for (guint i = 0; i < f->events->len; i++)
    n += ev (f, i)->type == type;
  return n;
}

static const char *
first_error (Fixture *f)
{
  for (guint i = 0; i < f->events->len; i++)
    if (ev (f, i)->type == CONCLAVE_EVENT_ERROR)
      return conclave_intern_lookup (f->intern, ev (f, i)->s[3]);
  return NULL;
}

/* A line cut off by the end of its connection is counted, not dropped. */
static void
test_half_line_counted (Fixture *f, gconstpointer data)
{
  int fd = connect_client (f);
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  write_all (fd, "{\"ev\":\"fork\",\"seq\":0,\"t\":1,\"child\":1}\n{\"ev\":\"fork\",\"seq\":1,");
  close (fd);
  while (f->closed->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->closed->len, ==, 1);
  g_assert_cmpuint (count_of (f, CONCLAVE_EVENT_FORK), ==, 1);
  g_assert_cmpuint (count_of (f, CONCLAVE_EVENT_ERROR), ==, 1);
  g_test_message ("%s", first_error (f));
  g_assert_nonnull (strstr (first_error (f), "cut off"));
  g_assert_cmpuint (conclave_control_server_get_errors (f->server), ==, 1);
}

/* A rejected line used up a sequence number: it is an error, not also lost. */
static void
test_rejected_not_lost (Fixture *f, gconstpointer data)
{
  int fd = connect_client (f);

  write_all (fd, "{\"ev\":\"fork\",\"seq\":0,\"t\":1,\"child\":1}\n"
                 "{\"ev\":\"fork\",\"seq\":1,\"t\":2,\"child\":\"two\"}\n"
                 "{\"ev\":\"fork\",\"seq\":2,\"t\":3,\"child\":3}\n"
                 "{\"ev\":\"fork\",\"seq\":5,\"t\":4,\"child\":6}\n");
  wait_events (f, 5);
  g_assert_cmpuint (count_of (f, CONCLAVE_EVENT_ERROR), ==, 1);
  g_assert_cmpuint (conclave_control_server_get_errors (f->server), ==, 1);
  g_assert_cmpuint (conclave_control_server_get_lost (f->server), ==, 2);  /* 3 and 4 only */
  close (fd);
}

/* Past the cap a connection is closed at once with a clear error. */
static void
test_connection_cap (Fixture *f, gconstpointer data)
{
  int fds[4];
  char byte;

  conclave_control_server_set_max_connections (f->server, 3);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = connect_client (f);
  wait_events (f, 1);
  g_assert_cmpuint (count_of (f, CONCLAVE_EVENT_ERROR), ==, 1);
  g_test_message ("%s", first_error (f));
  g_assert_nonnull (strstr (first_error (f), "too many"));
  g_assert_cmpint (read (fds[3], &byte, 1), ==, 0);  /* closed by the server */
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
}

typedef struct {
  int      fd;
  gboolean stop;  /* atomic */
} Flood;

/* Writes one big block of lines again and again: far faster than any
 * reader parses, so the reader never finds this socket empty. */
static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  g_autoptr(GString) lines = g_string_new (NULL);

  for (guint i = 0; i < 50000; i++)
    g_string_append_printf (lines, "{\"ev\":\"fork\",\"seq\":%u,\"t\":%u,\"child\":1}\n", i, i);
  while (!g_atomic_int_get (&flood->stop))
    if (write (flood->fd, lines->str, lines->len) < 0)
      break;
  return NULL;
}

static gboolean
has_log (Fixture *f)
{
  return count_of (f, CONCLAVE_EVENT_LOG) > 0;
}

/* One process flooding the channel cannot hold up another's line: the
 * reader takes turns with a budget (it once read one sender dry first). */
static void
test_fair_turns (Fixture *f, gconstpointer data)
{
  Flood flood = { connect_client (f), FALSE };
  GThread *thread = g_thread_new ("flood", flood_thread, &flood);
  gint64 start, deadline, arrived;
  int fd;

  wait_events (f, 100000);  /* the flood is on */
  g_array_set_size (f->events, 0);
  start = g_get_monotonic_time ();
  fd = connect_client (f);
  write_all (fd, "{\"ev\":\"log\",\"seq\":0,\"t\":1,\"text\":\"me too\"}\n");
  deadline = start + 10 * G_TIME_SPAN_SECOND;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (has_log (f))
        break;
      g_array_set_size (f->events, 0);  /* the flood's; keep memory flat */
    }
  arrived = g_get_monotonic_time ();
  g_test_message ("the quiet line arrived after %.3f s", (arrived - start) / 1e6);
  g_atomic_int_set (&flood.stop, TRUE);
  shutdown (flood.fd, SHUT_RDWR);
  g_thread_join (thread);
  g_assert_true (has_log (f));
  g_assert_cmpfloat ((arrived - start) / 1e6, <, 1.0);
  close (flood.fd);
  close (fd);
}

static double
cpu_seconds (void)
{
  struct rusage use;

  getrusage (RUSAGE_SELF, &use);
  return use.ru_utime.tv_sec + use.ru_stime.tv_sec + (use.ru_utime.tv_usec + use.ru_stime.tv_usec) / 1e6;
}

/* Out of descriptors, the reader pauses accepting instead of spinning on
 * the listening socket, says so once, and takes the waiting process when
 * descriptors are back. */
static void
test_out_of_descriptors (Fixture *f, gconstpointer data)
{
  struct rlimit old, low;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autoptr(GArray) fillers = g_array_new (FALSE, FALSE, sizeof (int));
  double cpu;
  gint64 until;
  guint wake;
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), filler;

  /* Fill every free number below ours, then allow none above it: the
   * server's accept has no descriptor left. */
  while ((filler = open ("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0 && filler < fd)
    g_array_append_val (fillers, filler);
  close (filler);
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &old), ==, 0);
  low = old;
  low.rlim_cur = (rlim_t) fd + 1;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  g_strlcpy (addr.sun_path, conclave_control_server_get_path (f->server), sizeof addr.sun_path);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  cpu = cpu_seconds ();
  until = g_get_monotonic_time () + G_TIME_SPAN_SECOND;
  wake = g_timeout_add (50, tick, NULL);
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  cpu = cpu_seconds () - cpu;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &old), ==, 0);
  for (guint i = 0; i < fillers->len; i++)
    close (g_array_index (fillers, int, i));
  g_test_message ("CPU while out of descriptors: %.3f s in 1 s", cpu);
  g_assert_cmpfloat (cpu, <, 0.3);
  g_assert_cmpuint (count_of (f, CONCLAVE_EVENT_ERROR), >=, 1);
  g_assert_nonnull (strstr (first_error (f), "out of file descriptors"));

  write_all (fd, "{\"ev\":\"fork\",\"seq\":0,\"t\":1,\"child\":1}\n");
  g_array_set_size (f->events, 0);
  wait_events (f, 1);
  g_assert_cmpint (ev (f, 0)->type, ==, CONCLAVE_EVENT_FORK);
  close (fd);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/control/private-directory", test_private_directory);
  ADD ("/control/partial-and-many", test_partial_and_many);
  ADD ("/control/malformed-survives", test_malformed_survives);
  ADD ("/control/seq-gap", test_seq_gap);
  ADD ("/control/command-and-close", test_command_and_close);
  ADD ("/control/hello-must-be-true", test_hello_must_be_true);
  ADD ("/control/half-line-counted", test_half_line_counted);
  ADD ("/control/rejected-not-lost", test_rejected_not_lost);
  ADD ("/control/connection-cap", test_connection_cap);
  ADD ("/control/fair-turns", test_fair_turns);
  ADD ("/control/out-of-descriptors", test_out_of_descriptors);
  return g_test_run ();
}
