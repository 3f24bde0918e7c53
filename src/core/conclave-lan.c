/* conclave-lan.c — the controller's side of `--network lan`.
 *
 * Talks to the conclave-lan helper over its stdin/stdout, one line per
 * request, waiting at most HELPER_TIMEOUT_MS for each answer (a host takes
 * a few milliseconds). Owns the hosts file that every host sees as
 * /etc/hosts: rewritten in place (the hosts bind-mount its inode), never
 * replaced. A recorded LAN (a recording's) has neither: only names and
 * addresses. The helper's reports of datagrams the network dropped come on
 * a pipe of their own and go out as the "drop" signal, untouched: what
 * they mean for the event store is the cluster's business. It must never
 * signal anything but the helper it started, nor leave the hosts file
 * behind.
 */
#include "conclave-lan.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "config.h"

#define HELPER_TIMEOUT_MS 10000
#define FIRST_HOST 2
#define LAST_HOST 254
#define HELPER_EVENTS_FD 3

typedef struct {
  char *address;
  GPid  pid;
  guint segment;   /* which bridge its link is on (0: the one with .1) */
  double drop;     /* what its link drops and delays now (0, 0: clean) */
  guint delay_ms;
} Host;

struct _ConclaveLan
{
  GObject parent_instance;

  GSubprocess *helper;
  GPid helper_pid;
  int from_helper;            /* its stdout */
  GString *pending;           /* read, not yet a whole line */
  char *hosts_file;
  char *resolv_file;          /* no name server: a name that is no node fails at once */
  GHashTable *hosts;          /* host name → Host */
  GHashTable *by_address;     /* address → host name */
  GHashTable *placed;         /* node → host name, for nodes sharing a host */
  guint next_number;
  int events;                 /* the helper's drop reports (a pipe), -1: none */
  guint events_id;
  GString *events_pending;
  char *faults_refused;       /* why the network cannot drop or delay; NULL: it can */
};

enum { SIGNAL_DROP, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConclaveLan, conclave_lan, G_TYPE_OBJECT)

static void
host_free (Host *host)
{
  g_free (host->address);
  g_free (host);
}

/* A node's host is its own, named like it, unless it was placed on another. */
static const char *
host_of (ConclaveLan *self, const char *node)
{
  const char *host = g_hash_table_lookup (self->placed, node);

  return host != NULL ? host : node;
}

char *
conclave_find_lan_program (void)
{
  const char *value = g_getenv ("CONCLAVE_LAN_PROGRAM");
  g_autofree char *built = g_build_filename (BUILD_LANDIR, "conclave-lan", NULL);

  if (value != NULL && *value != '\0')
    return g_strdup (value);
  if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);
  return g_build_filename (PKGLIBDIR, "conclave-lan", NULL);
}

gboolean
conclave_network_from_string (const char *text, ConclaveNetwork *out)
{
  if (g_strcmp0 (text, "loopback") == 0)
    *out = CONCLAVE_NETWORK_LOOPBACK;
  else if (g_strcmp0 (text, "lan") == 0)
    *out = CONCLAVE_NETWORK_LAN;
  else
    return FALSE;
  return TRUE;
}

const char *
conclave_network_to_string (ConclaveNetwork network)
{
  return network == CONCLAVE_NETWORK_LAN ? "lan" : "loopback";
}

/* --- the helper's lines ---------------------------------------------- */

static char *
take_line (ConclaveLan *self)
{
  char *newline = memchr (self->pending->str, '\n', self->pending->len);
  char *line;

  if (newline == NULL)
    return NULL;
  line = g_strndup (self->pending->str, (gsize) (newline - self->pending->str));
  g_string_erase (self->pending, 0, (gssize) (newline - self->pending->str) + 1);
  return line;
}

/* The helper's next line, or NULL with error if it ended or said nothing
 * for HELPER_TIMEOUT_MS. Blocks: a host is made in milliseconds. */
static char *
read_line (ConclaveLan *self, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + HELPER_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  char *line;

  while ((line = take_line (self)) == NULL)
    {
      struct pollfd pfd = { self->from_helper, POLLIN, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      char chunk[512];
      ssize_t n;
      int ready = left > 0 ? poll (&pfd, 1, (int) left) : 0;

      if (ready < 0 && errno == EINTR)
        continue;
      if (ready == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "The LAN helper did not answer within %d s", HELPER_TIMEOUT_MS / 1000);
          return NULL;
        }
      n = read (self->from_helper, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                       "The LAN helper ended (its errors are on our standard error)");
          return NULL;
        }
      g_string_append_len (self->pending, chunk, n);
    }
  return line;
}

static gboolean
send_line (ConclaveLan *self, const char *line, GError **error)
{
  GOutputStream *to = g_subprocess_get_stdin_pipe (self->helper);

  return g_output_stream_write_all (to, line, strlen (line), NULL, NULL, error)
         && g_output_stream_flush (to, NULL, error);
}

/* --- the network's drops ---------------------------------------------- */

/* "drop HOST send|recv JSON": emitted as "drop" (HOST, at_receiver, JSON). */
static void
take_event (ConclaveLan *self, const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 4);

  if (g_strv_length (words) == 4 && g_str_equal (words[0], "drop") && g_hash_table_contains (self->hosts, words[1]))
    g_signal_emit (self, signals[SIGNAL_DROP], 0, words[1], g_str_equal (words[2], "recv"), words[3]);
}

static gboolean
on_events (int fd, GIOCondition condition, gpointer data)
{
  ConclaveLan *self = data;
  char chunk[8192];
  ssize_t n;
  char *newline;

  while ((n = read (fd, chunk, sizeof chunk)) > 0)
    g_string_append_len (self->events_pending, chunk, n);
  while ((newline = memchr (self->events_pending->str, '\n', self->events_pending->len)) != NULL)
    {
      *newline = '\0';
      take_event (self, self->events_pending->str);
      g_string_erase (self->events_pending, 0, (gssize) (newline - self->events_pending->str) + 1);
    }
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
    {
      self->events_id = 0;
      return G_SOURCE_REMOVE;   /* the helper ended */
    }
  return G_SOURCE_CONTINUE;
}

const char *
conclave_lan_get_faults_refused (ConclaveLan *self)
{
  g_return_val_if_fail (CONCLAVE_IS_LAN (self), NULL);
  return self->faults_refused;
}

gboolean
conclave_lan_set_faults (ConclaveLan *self, const char *name, double drop, guint delay_ms, GError **error)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *request = NULL, *answer = NULL, *ok = NULL;
  Host *host;

  g_return_val_if_fail (CONCLAVE_IS_LAN (self), FALSE);
  host = g_hash_table_lookup (self->hosts, name);
  if (self->faults_refused != NULL || host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "No faults in the network for %s", name);
      return FALSE;
    }
  /* As with segments: the helper is asked only for a change. */
  if (host->drop == drop && host->delay_ms == delay_ms)
    return TRUE;
  request = g_strdup_printf ("fault %s %s %u\n", name, g_ascii_formatd (number, sizeof number, "%.9f", drop), delay_ms);
  ok = g_strdup_printf ("fault %s ok", name);
  if (!send_line (self, request, error) || (answer = read_line (self, error)) == NULL)
    return FALSE;
  if (g_str_equal (answer, ok))
    {
      host->drop = drop;
      host->delay_ms = delay_ms;
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The LAN: %s", answer);
  return FALSE;
}

/* --- starting the helper ------------------------------------------------ */

static void
helper_setup (gpointer data)
{
  pid_t controller = GPOINTER_TO_INT (data);

  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != controller)
    _exit (127);
}

static gboolean
start_helper (ConclaveLan *self, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *program = conclave_find_lan_program ();
  g_autofree char *first = NULL;

  int pipe[2];

  if (!g_unix_open_pipe (pipe, FD_CLOEXEC, error))
    return FALSE;
  /* Its drop reports come on their own pipe, so they never cross an answer. */
  g_subprocess_launcher_take_fd (launcher, pipe[1], HELPER_EVENTS_FD);
  g_subprocess_launcher_set_child_setup (launcher, helper_setup, GINT_TO_POINTER (getpid ()), NULL);
  self->helper = g_subprocess_launcher_spawn (launcher, error, program, "bridge", self->hosts_file,
                                              self->resolv_file, G_STRINGIFY (HELPER_EVENTS_FD), NULL);
  if (self->helper == NULL)
    {
      close (pipe[0]);
      return FALSE;
    }
  self->events = pipe[0];
  g_unix_set_fd_nonblocking (self->events, TRUE, NULL);
  self->events_id = g_unix_fd_add (self->events, G_IO_IN | G_IO_HUP | G_IO_ERR, on_events, self);
  /* No identifier once it has ended (refused at once, say): its answer is
   * still in the pipe. */
  self->helper_pid = g_subprocess_get_identifier (self->helper) != NULL
                     ? atoi (g_subprocess_get_identifier (self->helper)) : 0;
  self->from_helper = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (self->helper)));
  first = read_line (self, error);
  if (first == NULL)
    return FALSE;
  if (g_str_has_prefix (first, "error "))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "No LAN on this machine: %s", first + strlen ("error "));
      return FALSE;
    }
  if (g_str_has_prefix (first, "ready nofaults "))
    self->faults_refused = g_strdup (first + strlen ("ready nofaults "));
  else if (g_strcmp0 (first, "ready") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The LAN helper said “%s”", first);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_hosts (ConclaveLan *self, GError **error)
{
  g_autoptr(GString) text = g_string_new ("127.0.0.1\tlocalhost\n::1\tlocalhost\n"
                                          CONCLAVE_LAN_BRIDGE_ADDRESS "\tconclave\n");
  GHashTableIter iter;
  gpointer name, value;
  int fd;
  gboolean ok;

  if (self->hosts_file == NULL)
    return TRUE;   /* recorded: no host reads it */
  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      GHashTableIter nodes;
      gpointer node, host;

      /* The host's name, then the nodes placed on it. */
      g_string_append_printf (text, "%s\t%s", ((Host *) value)->address, (const char *) name);
      g_hash_table_iter_init (&nodes, self->placed);
      while (g_hash_table_iter_next (&nodes, &node, &host))
        if (g_str_equal (host, name) && !g_str_equal (node, name))
          g_string_append_printf (text, " %s", (const char *) node);
      g_string_append_c (text, '\n');
    }
  /* In place, then cut: a reader never sees it empty, the inode stays. */
  fd = open (self->hosts_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ok = fd >= 0 && pwrite (fd, text->str, text->len, 0) == (ssize_t) text->len
       && ftruncate (fd, (off_t) text->len) == 0;
  if (!ok)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "Cannot write %s: %s", self->hosts_file, g_strerror (errno));
  if (fd >= 0)
    close (fd);
  return ok;
}

ConclaveLan *
conclave_lan_new (const char *dir, GError **error)
{
  g_autoptr(ConclaveLan) self = g_object_new (CONCLAVE_TYPE_LAN, NULL);

  g_return_val_if_fail (dir != NULL, NULL);

  self->hosts_file = g_build_filename (dir, "hosts", NULL);
  self->resolv_file = g_build_filename (dir, "resolv.conf", NULL);
  /* No "nameserver": the resolver asks 127.0.0.1 on the host, where none
   * listens, and gives up at once (a name server outside is unreachable). */
  if (!g_file_set_contents (self->resolv_file, "# Conclave's LAN: every name is in /etc/hosts\n", -1, error) ||
      !write_hosts (self, error) || !start_helper (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

ConclaveLan *
conclave_lan_new_recorded (void)
{
  return g_object_new (CONCLAVE_TYPE_LAN, NULL);
}

void
conclave_lan_record_host (ConclaveLan *self, const char *node, const char *host, const char *address)
{
  const char *name;
  Host *h;

  g_return_if_fail (CONCLAVE_IS_LAN (self));
  g_return_if_fail (self->helper == NULL && node != NULL && address != NULL);

  conclave_lan_set_host (self, node, host);
  name = host_of (self, node);
  if (g_hash_table_contains (self->hosts, name))
    return;
  h = g_new0 (Host, 1);
  h->address = g_strdup (address);
  g_hash_table_insert (self->hosts, g_strdup (name), h);
  g_hash_table_insert (self->by_address, h->address, (gpointer) g_intern_string (name));
}

/* --- hosts -------------------------------------------------------------- */

static guint
free_number (ConclaveLan *self)
{
  for (guint tries = 0; tries <= LAST_HOST - FIRST_HOST; tries++)
    {
      guint number = self->next_number;
      g_autofree char *address = g_strdup_printf ("10.77.0.%u", number);

      self->next_number = number == LAST_HOST ? FIRST_HOST : number + 1;
      if (!g_hash_table_contains (self->by_address, address))
        return number;
    }
  return 0;
}

/* Sends "VERB NAME ARG" and returns what follows "VERB NAME " in the
 * answer; NULL with the helper's sentence as the error. */
static char *
ask (ConclaveLan *self, const char *verb, const char *name, guint arg, const char *reply, GError **error)
{
  g_autofree char *request = g_strdup_printf ("%s %s %u\n", verb, name, arg);
  g_autofree char *answer = NULL;
  g_autofree char *ok = g_strdup_printf ("%s %s ", reply, name);
  g_autofree char *failed = g_strdup_printf ("error %s ", name);

  if (!send_line (self, request, error) || (answer = read_line (self, error)) == NULL)
    return NULL;
  if (g_str_has_prefix (answer, ok))
    return g_strdup (answer + strlen (ok));
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The LAN: %s: %s", name,
               g_str_has_prefix (answer, failed) ? answer + strlen (failed) : answer);
  return NULL;
}

static GPid
ask_for_host (ConclaveLan *self, const char *name, guint number, GError **error)
{
  g_autofree char *pid = ask (self, "add", name, number, "host", error);

  return pid != NULL ? atoi (pid) : 0;
}

void
conclave_lan_set_host (ConclaveLan *self, const char *node, const char *host)
{
  g_return_if_fail (CONCLAVE_IS_LAN (self));
  g_return_if_fail (node != NULL);

  if (host == NULL || g_str_equal (host, node))
    g_hash_table_remove (self->placed, node);
  else
    g_hash_table_insert (self->placed, g_strdup (node), g_strdup (host));
  if (g_hash_table_contains (self->hosts, host_of (self, node)))
    write_hosts (self, NULL);   /* the node's name joins its line */
}

const char *
conclave_lan_get_host (ConclaveLan *self, const char *node)
{
  g_return_val_if_fail (CONCLAVE_IS_LAN (self), NULL);
  return host_of (self, node);
}

const char *
conclave_lan_add_host (ConclaveLan *self, const char *node, GError **error)
{
  const char *name;
  Host *host;
  guint number;

  g_return_val_if_fail (CONCLAVE_IS_LAN (self), NULL);
  g_return_val_if_fail (node != NULL, NULL);

  name = host_of (self, node);
  host = g_hash_table_lookup (self->hosts, name);
  if (host != NULL)
    return host->address;
  if (self->helper == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "A recorded LAN makes no host");
      return NULL;
    }
  number = free_number (self);
  if (number == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "The LAN is full (%d hosts)", LAST_HOST - FIRST_HOST + 1);
      return NULL;
    }
  host = g_new0 (Host, 1);
  host->address = g_strdup_printf ("10.77.0.%u", number);
  g_hash_table_insert (self->hosts, g_strdup (name), host);
  g_hash_table_insert (self->by_address, host->address, (gpointer) g_intern_string (name));
  /* Named in the hosts file before the host bind-mounts it. */
  if (!write_hosts (self, error) || (host->pid = ask_for_host (self, name, number, error)) == 0)
    {
      g_hash_table_remove (self->by_address, host->address);
      g_hash_table_remove (self->hosts, name);
      write_hosts (self, NULL);
      return NULL;
    }
  return host->address;
}

const char *
conclave_lan_get_address (ConclaveLan *self, const char *node)
{
  Host *host;

  g_return_val_if_fail (CONCLAVE_IS_LAN (self), NULL);
  host = g_hash_table_lookup (self->hosts, host_of (self, node));
  return host != NULL ? host->address : NULL;
}

const char *
conclave_lan_lookup_address (ConclaveLan *self, const char *address)
{
  g_return_val_if_fail (CONCLAVE_IS_LAN (self), NULL);
  return g_hash_table_lookup (self->by_address, address);
}

void
conclave_lan_remove_node (ConclaveLan *self, const char *node, gboolean keep_host)
{
  g_autofree char *name = NULL;
  Host *host;

  g_return_if_fail (CONCLAVE_IS_LAN (self));
  g_return_if_fail (node != NULL);

  name = g_strdup (host_of (self, node));
  host = g_hash_table_lookup (self->hosts, name);
  g_hash_table_remove (self->placed, node);
  if (host != NULL && !keep_host)
    {
      g_autofree char *line = g_strdup_printf ("del %s\n", name);
      g_autoptr(GError) error = NULL;

      if (self->helper != NULL && !send_line (self, line, &error))
        g_warning ("The LAN helper did not hear that %s goes: %s", name, error->message);
      g_hash_table_remove (self->by_address, host->address);
      g_hash_table_remove (self->hosts, name);
    }
  /* Nobody left whose ARP cache could hold an old host's address: the
   * next class starts at .2 again. */
  if (g_hash_table_size (self->hosts) == 0)
    self->next_number = FIRST_HOST;
  write_hosts (self, NULL);
}

gboolean
conclave_lan_set_segment (ConclaveLan *self, const char *name, guint segment, GError **error)
{
  Host *host;
  g_autofree char *done = NULL;

  g_return_val_if_fail (CONCLAVE_IS_LAN (self), FALSE);
  host = g_hash_table_lookup (self->hosts, name);
  if (host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s has no host on the LAN", name);
      return FALSE;
    }
  if (host->segment == segment || self->helper == NULL)
    {
      host->segment = segment;
      return TRUE;
    }
  if ((done = ask (self, "segment", name, segment, "segment", error)) == NULL)
    return FALSE;
  host->segment = segment;
  return TRUE;
}

guint
conclave_lan_get_segment (ConclaveLan *self, const char *name)
{
  Host *host;

  g_return_val_if_fail (CONCLAVE_IS_LAN (self), 0);
  host = g_hash_table_lookup (self->hosts, name);
  return host != NULL ? host->segment : 0;
}

const char **
conclave_lan_list_hosts (ConclaveLan *self)
{
  g_return_val_if_fail (CONCLAVE_IS_LAN (self), NULL);
  return (const char **) g_hash_table_get_keys_as_array (self->hosts, NULL);
}

GPid
conclave_lan_get_host_pid (ConclaveLan *self, const char *node)
{
  Host *host;

  g_return_val_if_fail (CONCLAVE_IS_LAN (self), 0);
  host = g_hash_table_lookup (self->hosts, host_of (self, node));
  return host != NULL ? host->pid : 0;
}

GPid
conclave_lan_get_helper_pid (ConclaveLan *self)
{
  g_return_val_if_fail (CONCLAVE_IS_LAN (self), 0);
  return self->helper_pid;
}

GStrv
conclave_lan_wrap_argv (ConclaveLan *self, const char *name, const char * const *argv, GError **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *program = conclave_find_lan_program ();
  g_autofree char *pid = NULL;

  g_return_val_if_fail (CONCLAVE_IS_LAN (self), NULL);
  g_return_val_if_fail (argv != NULL, NULL);

  if (conclave_lan_add_host (self, name, error) == NULL)
    return NULL;
  pid = g_strdup_printf ("%d", conclave_lan_get_host_pid (self, name));
  g_strv_builder_add_many (builder, program, "enter", pid, NULL);
  g_strv_builder_addv (builder, (const char **) argv);
  return g_strv_builder_end (builder);
}

/* --- object ------------------------------------------------------------- */

static void
conclave_lan_dispose (GObject *object)
{
  ConclaveLan *self = CONCLAVE_LAN (object);

  /* Its hosts die with it (PR_SET_PDEATHSIG), their namespaces with them;
   * GLib reaps it. */
  g_clear_handle_id (&self->events_id, g_source_remove);
  if (self->events >= 0)
    close (self->events);
  self->events = -1;
  if (self->helper != NULL && g_subprocess_get_identifier (self->helper) != NULL)
    g_subprocess_force_exit (self->helper);
  g_clear_object (&self->helper);
  if (self->hosts_file != NULL)
    g_unlink (self->hosts_file);
  if (self->resolv_file != NULL)
    g_unlink (self->resolv_file);
  G_OBJECT_CLASS (conclave_lan_parent_class)->dispose (object);
}

static void
conclave_lan_finalize (GObject *object)
{
  ConclaveLan *self = CONCLAVE_LAN (object);

  g_hash_table_unref (self->by_address);
  g_hash_table_unref (self->hosts);
  g_hash_table_unref (self->placed);
  g_string_free (self->pending, TRUE);
  g_string_free (self->events_pending, TRUE);
  g_free (self->faults_refused);
  g_free (self->hosts_file);
  g_free (self->resolv_file);
  G_OBJECT_CLASS (conclave_lan_parent_class)->finalize (object);
}

static void
conclave_lan_class_init (ConclaveLanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conclave_lan_dispose;
  object_class->finalize = conclave_lan_finalize;
  signals[SIGNAL_DROP] = g_signal_new ("drop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
conclave_lan_init (ConclaveLan *self)
{
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) host_free);
  self->by_address = g_hash_table_new (g_str_hash, g_str_equal);
  self->placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending = g_string_new (NULL);
  self->from_helper = -1;
  self->events = -1;
  self->events_pending = g_string_new (NULL);
  self->next_number = FIRST_HOST;
}
