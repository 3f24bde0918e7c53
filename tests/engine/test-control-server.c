/* test-control-server.c — a real Unix socket: lines split across reads, many
 * in one read, malformed ones, sequence gaps, commands back, closing. */
#include "conclave-control-server.h"

#include <gio/gio.h>
#include <string.h>
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

/* Waits (bounded) until `n` events arrived. */
static void
wait_events (Fixture *f, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  while (f->events->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
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
  g_assert_cmpstr (conclave_intern_lookup (f->intern, ev (f, 0)->s[1]), ==, "s1");

  for (guint i = 1; i <= 500; i++)
    g_string_append_printf (many, "{\"ev\":\"fork\",\"seq\":%u,\"t\":%u,\"child\":%u}\n", i, i, 1000 + i);
  write_all (fd, many->str);
  wait_events (f, 501);
  for (guint i = 1; i <= 500; i++)
    g_assert_cmpint (ev (f, i)->num, ==, 1000 + (gint) i);
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
        g_test_message ("error: %s", conclave_intern_lookup (f->intern, ev (f, i)->s[3]));
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
  g_assert_cmpint (ev (f, 1)->num, ==, 12);
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
  return g_test_run ();
}
