/* node-test-controller.c — a minimal controller for tests of the node.
 *
 * Plain poll() over the listening socket and every connection, so tests
 * stay single-threaded and deterministic. It checks what any controller
 * must: each line is a JSON object with "ev" and an increasing "seq".
 * Children are spawned with PR_SET_PDEATHSIG so a crashed test leaves
 * nothing running.
 */
#include "node-test-controller.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

struct _TestController {
  char      *dir;
  char      *path;
  int        listen_fd;
  GPtrArray *conns;   /* of TestConn* */
  GPtrArray *events;  /* of TestEvent* */
  GPtrArray *procs;   /* of TestProc* */
};

static void
conn_free (gpointer p)
{
  TestConn *conn = p;

  if (conn->fd >= 0)
    close (conn->fd);
  g_string_free (conn->in, TRUE);
  g_free (conn);
}

static void
event_free (gpointer p)
{
  TestEvent *event = p;

  json_object_unref (event->obj);
  g_free (event);
}

static void
proc_free (gpointer p)
{
  TestProc *proc = p;

  if (!proc->exited)
    {
      kill (proc->pid, SIGKILL);
      waitpid (proc->pid, NULL, 0);
    }
  g_free (proc->name);
  g_free (proc->out_path);
  g_free (proc->err_path);
  g_free (proc);
}

TestController *
test_controller_new (void)
{
  TestController *ctl = g_new0 (TestController, 1);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autoptr(GError) error = NULL;

  ctl->dir = g_dir_make_tmp ("conclave-test-XXXXXX", &error);
  g_assert_no_error (error);
  ctl->path = g_build_filename (ctl->dir, "control.sock", NULL);
  g_assert_cmpuint (strlen (ctl->path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, ctl->path);
  ctl->listen_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  g_assert_cmpint (ctl->listen_fd, >=, 0);
  g_assert_cmpint (bind (ctl->listen_fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (ctl->listen_fd, SOMAXCONN), ==, 0);
  ctl->conns = g_ptr_array_new_with_free_func (conn_free);
  ctl->events = g_ptr_array_new_with_free_func (event_free);
  ctl->procs = g_ptr_array_new_with_free_func (proc_free);
  return ctl;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

void
test_controller_free (TestController *ctl)
{
  g_ptr_array_unref (ctl->procs);  /* kills what still runs */
  g_ptr_array_unref (ctl->events);
  g_ptr_array_unref (ctl->conns);
  close (ctl->listen_fd);
  remove_tree (ctl->dir);
  g_free (ctl->path);
  g_free (ctl->dir);
  g_free (ctl);
}

const char *
test_controller_path (TestController *ctl)
{
  return ctl->path;
}

/* ---- reading ---- */

static void
take_line (TestController *ctl, TestConn *conn, const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  TestEvent *event;
  JsonNode *root;
  gint64 seq;

  if (!json_parser_load_from_data (parser, line, -1, &error))
    g_error ("connection %d sent a line that is not JSON (%s): %s", conn->index, error->message, line);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  event = g_new0 (TestEvent, 1);
  event->conn = conn;
  event->obj = json_object_ref (json_node_get_object (root));
  g_assert_nonnull (test_event_str (event, "ev"));
  seq = test_event_int (event, "seq", -1);
  g_assert_cmpint (seq, >=, conn->next_seq);  /* never backwards, never repeated */
  conn->seq_gap += seq - conn->next_seq;
  conn->next_seq = seq + 1;
  if (g_strcmp0 (test_event_str (event, "ev"), "hello") == 0)
    conn->pid = (pid_t) test_event_int (event, "pid", 0);
  g_ptr_array_add (ctl->events, event);
}

static void
read_conn (TestController *ctl, TestConn *conn)
{
  char buf[65536];
  ssize_t n;
  char *nl;

  while ((n = recv (conn->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
    g_string_append_len (conn->in, buf, n);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
    conn->closed = TRUE;
  while ((nl = memchr (conn->in->str, '\n', conn->in->len)) != NULL)
    {
      *nl = '\0';
      take_line (ctl, conn, conn->in->str);
      g_string_erase (conn->in, 0, nl - conn->in->str + 1);
    }
}

static void
accept_all (TestController *ctl)
{
  int fd;

  while ((fd = accept4 (ctl->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
    {
      TestConn *conn = g_new0 (TestConn, 1);

      conn->index = (int) ctl->conns->len;
      conn->fd = fd;
      conn->in = g_string_new (NULL);
      g_ptr_array_add (ctl->conns, conn);
    }
}

static void
reap (TestController *ctl)
{
  for (guint i = 0; i < ctl->procs->len; i++)
    {
      TestProc *proc = ctl->procs->pdata[i];

      if (!proc->exited && waitpid (proc->pid, &proc->status, WNOHANG) == proc->pid)
        proc->exited = TRUE;
    }
}

void
test_controller_pump (TestController *ctl, int timeout_ms)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, ctl->conns->len + 1);
  guint n = 0;

  fds[n++] = (struct pollfd) { ctl->listen_fd, POLLIN, 0 };
  for (guint i = 0; i < ctl->conns->len; i++)
    {
      TestConn *conn = ctl->conns->pdata[i];

      fds[n++] = (struct pollfd) { conn->closed ? -1 : conn->fd, POLLIN, 0 };
    }
  /* short slices, so a child's exit (no fd to poll) is seen soon */
  poll (fds, n, MIN (timeout_ms, 20));
  if (fds[0].revents)
    accept_all (ctl);
  for (guint i = 1; i < n; i++)
    if (fds[i].revents)
      read_conn (ctl, ctl->conns->pdata[i - 1]);
  reap (ctl);
}

gboolean
test_controller_wait (TestController *ctl, TestCondition cond, gpointer data, int timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (ctl, data))
    {
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        return cond (ctl, data);
      test_controller_pump (ctl, (int) MAX (left / 1000, 1));
    }
  return TRUE;
}

/* ---- processes ---- */

static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

TestProc *
test_controller_spawn (TestController *ctl, const char *name, const char *tempo,
                       const char * const *argv)
{
  const char *bin = g_getenv ("CONCLAVE_NODE_BIN");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) full_argv = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  TestProc *proc = g_new0 (TestProc, 1);
  int out_fd, err_fd;

  g_assert_nonnull (bin);
  g_strv_builder_add (builder, bin);
  g_strv_builder_addv (builder, (const char **) argv);
  full_argv = g_strv_builder_end (builder);
  envp = g_environ_setenv (envp, "CONCLAVE_CONTROL", ctl->path, TRUE);
  envp = g_environ_setenv (envp, "CONCLAVE_NODE", name, TRUE);
  envp = g_environ_setenv (envp, "CONCLAVE_TEMPO", tempo, TRUE);
  proc->name = g_strdup (name);
  proc->out_path = g_strdup_printf ("%s/%s-%u.out", ctl->dir, name, ctl->procs->len);
  proc->err_path = g_strdup_printf ("%s/%s-%u.err", ctl->dir, name, ctl->procs->len);
  out_fd = open (proc->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  err_fd = open (proc->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_spawn_async_with_pipes_and_fds (NULL, (const char * const *) full_argv,
                                    (const char * const *) envp,
                                    G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
                                    -1, out_fd, err_fd, NULL, NULL, 0,
                                    &proc->pid, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  close (out_fd);
  close (err_fd);
  g_ptr_array_add (ctl->procs, proc);
  return proc;
}

/* Exited, and everything it reported has been read: its connection (and
 * any not yet identified one) reached its end. */
static gboolean
proc_exited (TestController *ctl, gpointer data)
{
  TestProc *proc = data;

  if (!proc->exited)
    return FALSE;
  for (guint i = 0; i < ctl->conns->len; i++)
    {
      TestConn *conn = ctl->conns->pdata[i];

      if (!conn->closed && (conn->pid == proc->pid || conn->pid == 0))
        return FALSE;
    }
  return TRUE;
}

char *
test_proc_stdout (TestProc *proc)
{
  char *text = NULL;

  g_file_get_contents (proc->out_path, &text, NULL, NULL);
  return text ? text : g_strdup ("");
}

int
test_controller_wait_exit (TestController *ctl, TestProc *proc, int timeout_ms)
{
  if (!test_controller_wait (ctl, proc_exited, proc, timeout_ms))
    {
      g_autofree char *out = test_proc_stdout (proc);

      g_test_message ("%s (pid %d) stdout:\n%s", proc->name, proc->pid, out);
      g_error ("%s did not exit within %d ms", proc->name, timeout_ms);
    }
  if (WIFSIGNALED (proc->status))
    return 128 + WTERMSIG (proc->status);
  return WEXITSTATUS (proc->status);
}

/* ---- commands ---- */

TestConn *
test_controller_conn (TestController *ctl, pid_t pid)
{
  for (guint i = 0; i < ctl->conns->len; i++)
    {
      TestConn *conn = ctl->conns->pdata[i];

      if (conn->pid == pid)
        return conn;
    }
  return NULL;
}

GPtrArray *
test_controller_conns (TestController *ctl)
{
  return ctl->conns;
}

void
test_controller_send (TestController *ctl, pid_t pid, const char *line)
{
  TestConn *conn = test_controller_conn (ctl, pid);
  g_autofree char *text = g_strdup_printf ("%s\n", line);

  g_assert_nonnull (conn);
  g_assert_cmpint (send (conn->fd, text, strlen (text), MSG_NOSIGNAL), ==, (ssize_t) strlen (text));
}

void
test_controller_send_bytes (TestController *ctl, pid_t pid, const void *data, gsize len)
{
  TestConn *conn = test_controller_conn (ctl, pid);

  g_assert_nonnull (conn);
  g_assert_cmpint (send (conn->fd, data, len, MSG_NOSIGNAL), ==, (ssize_t) len);
}

void
test_controller_close_conn (TestController *ctl, pid_t pid)
{
  TestConn *conn = test_controller_conn (ctl, pid);

  g_assert_nonnull (conn);
  close (conn->fd);
  conn->fd = -1;
  conn->closed = TRUE;
}

/* ---- queries ---- */

GPtrArray *
test_controller_events (TestController *ctl, const char *ev, pid_t pid)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < ctl->events->len; i++)
    {
      TestEvent *event = ctl->events->pdata[i];

      if ((ev == NULL || g_strcmp0 (test_event_str (event, "ev"), ev) == 0)
          && (pid == 0 || event->conn->pid == pid))
        g_ptr_array_add (out, event);
    }
  return out;
}

typedef struct {
  const char *ev;
  pid_t pid;
  const char *key;
  const char *value;
  guint want;
  TestEvent *found;   /* the first match */
} EventQuery;

static guint
count_matches (TestController *ctl, EventQuery *query)
{
  g_autoptr(GPtrArray) events = test_controller_events (ctl, query->ev, query->pid);
  guint n = 0;

  query->found = NULL;
  for (guint i = 0; i < events->len; i++)
    if (query->key == NULL
        || g_strcmp0 (test_event_str (events->pdata[i], query->key), query->value) == 0)
      {
        if (n++ == 0)
          query->found = events->pdata[i];
      }
  return n;
}

static gboolean
enough_matches (TestController *ctl, gpointer data)
{
  EventQuery *query = data;

  return count_matches (ctl, query) >= query->want;
}

guint
test_controller_count (TestController *ctl, const char *ev, pid_t pid,
                       const char *key, const char *value)
{
  EventQuery query = { ev, pid, key, value, 0, NULL };

  return count_matches (ctl, &query);
}

gboolean
test_controller_wait_count (TestController *ctl, const char *ev, pid_t pid,
                            const char *key, const char *value, guint n, int timeout_ms)
{
  EventQuery query = { ev, pid, key, value, n, NULL };

  return test_controller_wait (ctl, enough_matches, &query, timeout_ms);
}

TestEvent *
test_controller_wait_event (TestController *ctl, const char *ev, pid_t pid,
                            const char *key, const char *value, int timeout_ms)
{
  EventQuery query = { ev, pid, key, value, 1, NULL };

  test_controller_wait (ctl, enough_matches, &query, timeout_ms);
  return query.found;
}

const char *
test_event_str (TestEvent *event, const char *key)
{
  JsonNode *node = json_object_get_member (event->obj, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
test_event_int (TestEvent *event, const char *key, gint64 fallback)
{
  JsonNode *node = json_object_get_member (event->obj, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

pid_t
test_id_pid (const char *id)
{
  return id ? (pid_t) g_ascii_strtoll (id, NULL, 10) : 0;
}

static gboolean
port_free (int type, guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);
  gboolean ok;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ok = fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
  if (fd >= 0)
    close (fd);
  return ok;
}

guint16
test_free_port (void)
{
  for (int i = 0; i < 200; i++)
    {
      guint16 port = (guint16) g_random_int_range (20000, 40000);

      if (port_free (SOCK_DGRAM, port) && port_free (SOCK_STREAM, port))
        return port;
    }
  g_error ("no free port in 20000–40000");
}
