/* test-trace-shim.c — the shim on a C program that makes every wrapped
 * call: the same output with and without it (with a controller, and with
 * none), every kind of call reported; faults applied; a broadcast to
 * 255.255.255.255 delivered in a network namespace that has only `lo`; the
 * controller killed or stopped mid-run and the program unharmed; a program
 * that closes the channel's descriptor behind the shim's back. */
#include "trace-test-util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *
exercise (void)
{
  const char *path = g_getenv ("CONCLAVE_TRACE_EXERCISE");

  g_assert_nonnull (path);
  return path;
}

/* Runs the exercise with `env` added (NULL-terminated "VAR=value"s, or
 * NULL), without the shim unless env preloads it; returns stdout. */
static char *
run_exercise (const char * const *args, const char * const *env, gint *status)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_strv_builder_add (builder, exercise ());
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  envp = g_environ_unsetenv (envp, "LD_PRELOAD");
  envp = g_environ_unsetenv (envp, "CONCLAVE_CONTROL");
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);
      envp = g_environ_setenv (envp, pair[0], pair[1], TRUE);
    }
  g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, status, &error);
  g_assert_no_error (error);
  return out;
}

static char *
preload_variable (void)
{
  g_autofree char *shim = conclave_find_trace_library ();

  g_assert_true (g_file_test (shim, G_FILE_TEST_IS_REGULAR));
  return g_strdup_printf ("LD_PRELOAD=%s", shim);
}

/* ---- every wrapped call, same output ---------------------------------------- */

static guint
stream_bytes_received (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint bytes = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_RECV && e->proto == CONCLAVE_PROTO_TCP)
        bytes += conclave_event_length (e);
    }
  return bytes;
}

static void
test_same_output (void)
{
  const char *all[] = { "all", NULL };
  g_autofree char *preload = preload_variable ();
  const char *env[] = { preload, NULL };
  g_autofree char *plain = NULL, *unwatched = NULL, *traced = NULL;
  ConclaveCluster *cluster = trace_test_cluster ();
  const char *argv[] = { exercise (), "all", NULL };
  g_autoptr(GError) error = NULL;
  ConclaveNode *node;
  gint status;

  plain = run_exercise (all, NULL, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (plain, "threads: 800 of 800 round trips right"));
  /* Preloaded, but nobody listening: a no-op but for loopback rules. */
  unwatched = run_exercise (all, env, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (unwatched, ==, plain);

  node = conclave_cluster_add_program (cluster, "c1", argv, NULL, FALSE, &error);
  g_assert_no_error (error);
  trace_test_wait_ended (cluster, "c1", 60);
  g_assert_cmpint (conclave_node_get_exit_code (node), ==, 0);
  traced = trace_test_node_stdout (node);
  g_assert_cmpstr (traced, ==, plain);

  /* Every receive found its send; every kind of call was reported. */
  /* threads' round trips + the single datagrams; the lone "x" may stay in flight */
  trace_test_wait_paired (cluster, 1600 + 12, FALSE, 10);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "listen", node), ==, 1);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "accept", node), ==, 2);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "connect", node), ==, 4);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "bind", node), >=, 12);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "close", node), >=, 12);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_FORK, NULL, node), ==, 1);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_HELLO, NULL, node), ==, 2);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_LOG, NULL, node), ==, 1);  /* the refused connect */
  g_assert_cmpuint (g_list_model_get_n_items (conclave_node_get_children (node)), ==, 1);
  /* The stream both ways: 200000 bytes, 9 back, and maybe the lone "x". */
  g_assert_cmpuint (stream_bytes_received (cluster), ==, 200009);
  trace_test_finish (cluster);
}

/* ---- faults ------------------------------------------------------------------ */

typedef struct {
  ConclaveNode     *node;
  ConclaveEventType type;
  const char       *what;     /* s[0]: "send"/"recv" for drops (dir), NULL: any */
  guint             at_least;
  guint64           from;     /* store index to count from */
} Seen;

static guint
count_since (ConclaveCluster *cluster, const Seen *s, gint64 *last_gap_ns, gint64 *min_gap_ns)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  gint64 previous = 0;
  guint n = 0;

  for (guint64 i = s->from; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      ConclaveNode *owner = conclave_cluster_node_for_proc (cluster, e->proc);

      if (e->type != s->type || owner != s->node)
        continue;
      if (s->what != NULL && ((e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV) != 0) != (strcmp (s->what, "recv") == 0))
        continue;
      if (min_gap_ns != NULL && previous != 0)
        *min_gap_ns = MIN (*min_gap_ns, e->time_ns - previous);
      previous = e->time_ns;
      n++;
    }
  return n;
}

static gboolean
seen_enough (ConclaveCluster *cluster, gpointer data)
{
  const Seen *s = data;

  return count_since (cluster, s, NULL, NULL) >= s->at_least;
}

static guint64
store_end (ConclaveCluster *cluster)
{
  return conclave_event_store_get_end (conclave_cluster_get_store (cluster));
}

static guint64
delivered (ConclaveCluster *cluster)
{
  guint64 counts[5];

  trace_test_count (cluster, counts);
  return counts[CONCLAVE_MESSAGE_DELIVERED];
}

/* Waits for n more events like s, starting now. */
static void
wait_more (ConclaveCluster *cluster, Seen s, guint n, const char *what)
{
  s.from = store_end (cluster);
  s.at_least = n;
  trace_test_wait (cluster, seen_enough, &s, 20, what);
}

/* Once the fault has taken (drops seen), drops go on and nothing arrives. */
static void
check_nothing_delivered (ConclaveCluster *cluster, Seen drops)
{
  guint64 before;

  wait_more (cluster, drops, 3, "the first drops");
  before = delivered (cluster);
  wait_more (cluster, drops, 5, "more drops");
  g_assert_cmpuint (delivered (cluster), ==, before);
}

static void
test_faults (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  g_autofree char *port = g_strdup_printf ("%u", conclave_cluster_get_base_port (cluster));
  const char *receiver_argv[] = { exercise (), "udp-receiver", port, NULL };
  const char *sender_argv[] = { exercise (), "udp-sender", port, "0", "20", NULL };
  ConclaveFaults *faults = conclave_cluster_get_faults (cluster);
  g_autoptr(GError) error = NULL;
  ConclaveNode *receiver, *sender;
  gint64 min_gap = G_MAXINT64;
  Seen s;

  receiver = conclave_cluster_add_program (cluster, "s1", receiver_argv, NULL, TRUE, &error);
  g_assert_no_error (error);
  trace_test_wait_bound (cluster, "s1", 20);
  sender = conclave_cluster_add_program (cluster, "c1", sender_argv, NULL, FALSE, &error);
  g_assert_no_error (error);
  wait_more (cluster, (Seen) { receiver, CONCLAVE_EVENT_RECV }, 5, "deliveries");

  /* drop 1.0 at the sender: every datagram eaten, reported, none delivered */
  g_assert_true (conclave_faults_set_drop (faults, "c1", 1.0));
  check_nothing_delivered (cluster, (Seen) { sender, CONCLAVE_EVENT_DROP, "send" });

  /* healed: they flow again */
  g_assert_true (conclave_faults_set_drop (faults, "c1", 0));
  wait_more (cluster, (Seen) { receiver, CONCLAVE_EVENT_RECV }, 5, "deliveries after healing");

  /* the receiver cut off from the sender: it knows it only by its address */
  g_assert_true (conclave_faults_set_isolated_from (faults, "s1", "c1", TRUE));
  check_nothing_delivered (cluster, (Seen) { receiver, CONCLAVE_EVENT_DROP, "recv" });
  g_assert_true (conclave_faults_set_isolated_from (faults, "s1", "c1", FALSE));
  wait_more (cluster, (Seen) { receiver, CONCLAVE_EVENT_RECV }, 3, "deliveries after healing the receiver");

  /* a delay of 150 ms at the sender: its datagrams leave at least that far apart */
  g_assert_true (conclave_faults_set_delay (faults, "c1", 150));
  wait_more (cluster, (Seen) { sender, CONCLAVE_EVENT_LOG }, 1, "the sender to take the delay");
  s = (Seen) { sender, CONCLAVE_EVENT_SEND, NULL, 4, store_end (cluster) };
  trace_test_wait (cluster, seen_enough, &s, 20, "delayed sends");
  count_since (cluster, &s, NULL, &min_gap);
  g_assert_cmpint (min_gap, >=, 150 * G_GINT64_CONSTANT (1000000));
  trace_test_finish (cluster);
}

/* ---- broadcast on a machine with only lo ------------------------------------ */

static void
test_broadcast_namespace (void)
{
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autofree char *shim = conclave_find_trace_library ();
  const char *argv[] = { unshare, "-rn", exercise (), "broadcast-check", shim, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  gint status = 0;

  if (unshare == NULL)
    {
      g_test_skip ("unshare (util-linux) is not installed: cannot make a namespace with only lo");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) && strstr (out, "without the shim") == NULL)
    {
      g_test_skip_printf ("no network namespace here (unshare -rn: %s)", g_strstrip (err));
      return;
    }
  g_test_message ("%s", out);
  /* Without the shim 255.255.255.255 has no way out; with it, it arrives on lo. */
  g_assert_nonnull (strstr (out, "without the shim: -1 ENETUNREACH, received: nothing"));
  g_assert_nonnull (strstr (out, "with the shim: 13 sent, received: anyone there?"));
}

/* ---- the controller goes away --------------------------------------------- */

/* A controller in a process of its own: accepts and reads, and writes one
 * byte to `ready` once it has had some lines. Only system calls: it is
 * forked from a threaded test. */
static G_NORETURN void
controller_main (int listener, int ready)
{
  struct pollfd fds[16];
  nfds_t n = 1;
  size_t total = 0;
  char buf[4096];

  fds[0] = (struct pollfd) { listener, POLLIN, 0 };
  for (;;)
    {
      if (poll (fds, n, -1) < 0)
        continue;
      if ((fds[0].revents & POLLIN) && n < G_N_ELEMENTS (fds))
        fds[n++] = (struct pollfd) { accept (listener, NULL, NULL), POLLIN, 0 };
      for (nfds_t i = 1; i < n; i++)
        if (fds[i].revents & (POLLIN | POLLHUP))
          {
            ssize_t got = read (fds[i].fd, buf, sizeof buf);
            if (got <= 0)
              fds[i].events = 0;
            else if (total < 8192 && (total += (size_t) got) >= 8192)
              (void) !write (ready, "r", 1);
          }
    }
}

static pid_t
start_controller (const char *path, int *ready_fd)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int listener = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int pipe_fds[2];
  pid_t pid;

  g_assert_cmpint (listener, >=, 0);
  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  g_assert_cmpint (bind (listener, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (listener, 16), ==, 0);
  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    controller_main (listener, pipe_fds[1]);
  close (listener);
  close (pipe_fds[1]);
  *ready_fd = pipe_fds[0];
  return pid;
}

static void
wait_readable (int fd, int seconds)
{
  struct pollfd p = { fd, POLLIN, 0 };

  g_assert_cmpint (poll (&p, 1, seconds * 1000), ==, 1);
}

/* Runs `pingpong` watched by a controller that is killed (or stopped, so it
 * never reads again) once it has heard from the program. */
static void
check_controller_gone (int signum)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-ctl-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "control.sock", NULL);
  g_autofree char *preload = preload_variable ();
  const char *args[] = { "pingpong", "20000", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) program = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = NULL, *traced = NULL;
  const char *argv[] = { exercise (), "pingpong", "20000", NULL };
  int ready, status;
  pid_t controller = start_controller (path, &ready);

  plain = run_exercise (args, NULL, &status);
  g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", preload + strlen ("LD_PRELOAD="), TRUE);
  g_subprocess_launcher_setenv (launcher, "CONCLAVE_CONTROL", path, TRUE);
  program = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  wait_readable (ready, 20);
  kill (controller, signum);
  traced = trace_test_finish_plain (program, 60);
  g_assert_true (g_subprocess_get_successful (program));
  g_assert_cmpstr (traced, ==, plain);
  g_assert_nonnull (strstr (traced, "pingpong: 20000 of 20000 round trips right, echo exit 0"));

  kill (controller, SIGKILL);
  g_assert_cmpint (waitpid (controller, &status, 0), ==, controller);
  close (ready);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_controller_killed (void)
{
  check_controller_gone (SIGKILL);
}

static void
test_controller_stopped (void)
{
  /* It never reads again: the program must not wait for it. */
  check_controller_gone (SIGSTOP);
}

/* A line of the program's output, without its newline. */
static char *
read_line (GDataInputStream *out)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

/* Datagrams held in the shim (CONCLAVE_HOLD: from the start) when the
 * controller is killed: the program receives every one, in the order
 * they came, and ends normally; nothing is kept forever. */
static void
test_controller_killed_while_holding (void)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-ctl-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "control.sock", NULL);
  g_autofree char *preload = preload_variable ();
  guint port = trace_test_free_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  const char *argv[] = { exercise (), "mmsg-receiver", port_text, "4", NULL };
  const char *texts[] = { "one", "two", "three", "four" };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                         G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) program = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port) };
  int ready, status, fd = socket (AF_INET, SOCK_DGRAM, 0);
  pid_t controller = start_controller (path, &ready);
  char *line;

  g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", preload + strlen ("LD_PRELOAD="), TRUE);
  g_subprocess_launcher_setenv (launcher, "CONCLAVE_CONTROL", path, TRUE);
  g_subprocess_launcher_setenv (launcher, "CONCLAVE_HOLD", "1", TRUE);
  program = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (program));
  /* connected from its start (the shim's constructor) */
  g_assert_cmpstr ((line = read_line (out)), ==, "bound");
  g_free (line);
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_assert_cmpint (sendto (fd, texts[i], strlen (texts[i]), 0, (struct sockaddr *) &to, sizeof to), ==,
                     (ssize_t) strlen (texts[i]));
  close (fd);
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (program), "go\n", 3, NULL, NULL, &error));
  g_assert_no_error (error);
  /* all four in the shim's queue, none handed over */
  g_assert_cmpstr ((line = read_line (out)), ==, "held");
  g_free (line);

  kill (controller, SIGKILL);
  g_assert_cmpint (waitpid (controller, &status, 0), ==, controller);
  while ((line = read_line (out)) != NULL)
    {
      if (!g_str_equal (line, "-"))
        g_string_append_printf (received, "%s\n", line);
      g_free (line);
    }
  g_assert_cmpstr (received->str, ==, "one\ntwo\nthree\nfour\n");
  g_assert_true (g_subprocess_wait (program, NULL, &error));
  g_assert_true (g_subprocess_get_successful (program));
  close (ready);
  g_unlink (path);
  g_rmdir (dir);
}

/* ---- the program closes the channel's fd itself ------------------------------ */

static void
test_channel_fd_closed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-ctl-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "control.sock", NULL);
  g_autofree char *preload = preload_variable ();
  g_autofree char *control = g_strdup_printf ("CONCLAVE_CONTROL=%s", path);
  const char *env[] = { preload, control, NULL };
  const char *args[] = { "close-all", NULL };
  g_autofree char *plain = NULL, *traced = NULL;
  int ready, status;
  pid_t controller = start_controller (path, &ready);

  plain = run_exercise (args, NULL, &status);
  traced = run_exercise (args, env, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (traced, ==, plain);
  g_assert_nonnull (strstr (traced, "close-all: nothing more: -1 EAGAIN"));
  kill (controller, SIGKILL);
  g_assert_cmpint (waitpid (controller, &status, 0), ==, controller);
  close (ready);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trace/shim/same-output", test_same_output);
  g_test_add_func ("/trace/shim/faults", test_faults);
  g_test_add_func ("/trace/shim/broadcast-namespace", test_broadcast_namespace);
  g_test_add_func ("/trace/shim/controller-killed", test_controller_killed);
  g_test_add_func ("/trace/shim/controller-stopped", test_controller_stopped);
  g_test_add_func ("/trace/shim/controller-killed-while-holding", test_controller_killed_while_holding);
  g_test_add_func ("/trace/shim/channel-fd-closed", test_channel_fd_closed);
  return g_test_run ();
}
