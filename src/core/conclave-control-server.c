/* conclave-control-server.c — accept, read and parse control lines off the
 * main thread.
 *
 * One reader thread owns every connection (epoll): it reads, splits lines,
 * parses them, checks sequence numbers and appends records to a pending
 * batch. The main context takes the whole batch at once (one idle source
 * per batch), so a flood of lines costs the main loop one wake-up per frame,
 * not one per line. When the main thread falls far behind, the reader stops
 * reading: the writers' own buffers fill and they count what they drop,
 * which keeps memory bounded and loss visible. Commands go the other way
 * from the main thread with non-blocking writes.
 */
#include "config.h"

#include "conclave-control-server.h"
#include "conclave-line-parser.h"
#include "conclave-protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define READ_SIZE       (64 * 1024)
#define PENDING_MAX     (256 * 1024)   /* records waiting for the main thread */
#define TURN_BUDGET     (4 * READ_SIZE)  /* bytes one connection may have per turn */
#define ACCEPT_RETRY_MS 200            /* out of descriptors: try again this late */

typedef struct {
  guint32  id;
  int      fd;
  char    *buf;
  gsize    len;
  gboolean discarding;   /* inside a line that was too long */
  gboolean greeted;
  gboolean refused;      /* its hello lied about who it is: nothing it says counts */
  guint32  next_seq;
  guint32  rejected;     /* lines refused since the last good one: they used up seq numbers */
  pid_t    peer_pid;     /* from the kernel (SO_PEERCRED), not from the hello */
  uid_t    peer_uid;
} Connection;

/* The peer and its ancestors with their process groups, read from /proc
 * the moment we accept: a short-lived child may be gone by the time the
 * main thread reads its hello. */
#define LINEAGE_MAX 32
typedef struct {
  guint n;
  gint  pid[LINEAGE_MAX];
  gint  pgrp[LINEAGE_MAX];
} Lineage;

struct _ConclaveControlServer {
  GObject             parent_instance;

  ConclaveIntern     *intern;
  ConclaveLineParser *parser;      /* reader thread only */
  gboolean            reference;   /* CONCLAVE_PARSER=json-glib: no fast path (to measure it) */
  char               *dir;
  char               *path;
  int                 listen_fd;
  int                 epoll_fd;
  int                 wake_fd;
  GThread            *thread;
  gboolean            quit;        /* atomic */

  GMutex              lock;        /* guards everything below */
  GCond               drained;
  GHashTable         *connections; /* id → Connection* (fds used by send) */
  GHashTable         *lineages;    /* id → Lineage*, until the main thread saw it close */
  GArray             *pending;     /* ConclaveEvent */
  GArray             *closed;      /* guint32 */
  GSource            *idle_source; /* pending delivery; holds no ref on us */
  GMainContext       *context;
  guint32             next_id;
  guint               max_connections;  /* atomic */
  gboolean            accept_paused;    /* reader thread: out of descriptors */
  guint64             lines;
  guint64             errors;
  guint64             lost;
};

G_DEFINE_FINAL_TYPE (ConclaveControlServer, conclave_control_server, G_TYPE_OBJECT)

enum { EVENTS, CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gint64
now_ns (void)
{
  return g_get_monotonic_time () * 1000;
}

static void
connection_free (Connection *c)
{
  if (c->fd >= 0)
    close (c->fd);
  g_free (c->buf);
  g_free (c);
}

/* ---- main thread: delivery ----------------------------------------------- */

static gboolean
deliver_batch (gpointer data)
{
  ConclaveControlServer *self = data;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GArray) closed = NULL;
  ConclaveEventBatch batch;

  g_mutex_lock (&self->lock);
  events = self->pending;
  closed = self->closed;
  self->pending = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), 4096);
  self->closed = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_clear_pointer (&self->idle_source, g_source_unref);
  g_cond_broadcast (&self->drained);
  g_mutex_unlock (&self->lock);

  g_object_ref (self);
  batch.events = (const ConclaveEvent *) (gconstpointer) events->data;
  batch.n_events = events->len;
  if (batch.n_events > 0)
    g_signal_emit (self, signals[EVENTS], 0, &batch);
  for (guint i = 0; i < closed->len; i++)
    {
      g_signal_emit (self, signals[CLOSED], 0, g_array_index (closed, guint32, i));
      g_mutex_lock (&self->lock);
      g_hash_table_remove (self->lineages, GUINT_TO_POINTER (g_array_index (closed, guint32, i)));
      g_mutex_unlock (&self->lock);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* Called with the lock held. */
static void
schedule_delivery (ConclaveControlServer *self)
{
  if (self->idle_source != NULL)
    return;
  /* No reference: dispose joins the reader and destroys this source first. */
  self->idle_source = g_idle_source_new ();
  g_source_set_priority (self->idle_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->idle_source, deliver_batch, self, NULL);
  g_source_set_static_name (self->idle_source, "[conclave] control batch");
  g_source_attach (self->idle_source, self->context);
}

/* ---- reader thread ------------------------------------------------------- */

static void
push_error_text (ConclaveControlServer *self, GArray *out, guint32 conn, gint32 result, const char *text)
{
  ConclaveEvent e = { 0 };

  e.type = CONCLAVE_EVENT_ERROR;
  e.time_ns = now_ns ();
  e.proc = conn;
  e.num = result;
  e.s[3] = conclave_intern_add (self->intern, text);
  g_array_append_val (out, e);
}

static void
push_error (ConclaveControlServer *self, GArray *out, guint32 conn,
            ConclaveParseResult result, const char *reason)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", conclave_parse_result_to_string (result),
                                           reason ? reason : "");

  push_error_text (self, out, conn, (gint32) result, text);
}

/* A hello must name the process that holds the connection: the kernel
 * says which one that is. */
static gboolean
hello_is_true (ConclaveControlServer *self, Connection *c, const ConclaveEvent *e, GArray *out)
{
  g_autofree char *reason = NULL;

  if (c->peer_uid != getuid ())
    reason = g_strdup_printf ("identity: a hello from uid %u, not ours; connection refused", (guint) c->peer_uid);
  else if ((pid_t) conclave_event_hello_pid (e) != c->peer_pid)
    reason = g_strdup_printf ("identity: a hello claiming pid %d from pid %d; connection refused",
                              conclave_event_hello_pid (e), (int) c->peer_pid);
  else
    return TRUE;
  push_error_text (self, out, c->id, 0, reason);
  c->refused = TRUE;
  shutdown (c->fd, SHUT_RDWR);
  return FALSE;
}

static void
handle_line (ConclaveControlServer *self, Connection *c, const char *line, gsize len, GArray *out)
{
  ConclaveEvent e;
  const char *reason = NULL;
  ConclaveParseResult result;

  result = self->reference
             ? conclave_line_parser_parse_reference (self->parser, line, len, &e, &reason)
             : conclave_line_parser_parse (self->parser, line, len, &e, &reason);
  if (result != CONCLAVE_PARSE_OK)
    {
      push_error (self, out, c->id, result, reason);
      c->rejected++;
      return;
    }
  e.proc = c->id;
  if (e.type == CONCLAVE_EVENT_HELLO && !c->greeted)
    {
      if (!hello_is_true (self, c, &e, out))
        return;
      c->greeted = TRUE;
    }

  /* Every line numbers itself: a gap is lines the process could not send,
   * but for those we refused (counted as errors already). */
  if (e.seq > c->next_seq)
    c->next_seq += MIN (c->rejected, e.seq - c->next_seq);
  c->rejected = 0;
  if (e.seq > c->next_seq)
    {
      ConclaveEvent gap = { 0 };
      gap.type = CONCLAVE_EVENT_OVERFLOW;
      gap.time_ns = e.time_ns;
      gap.proc = c->id;
      gap.num = (gint32) MIN (e.seq - c->next_seq, (guint32) G_MAXINT32);
      gap.s[0] = conclave_intern_add (self->intern, "seq-gap");
      g_array_append_val (out, gap);
    }
  if (e.seq >= c->next_seq)
    c->next_seq = e.seq + 1;
  g_array_append_val (out, e);
}

/* Splits what arrived into lines; keeps the unfinished tail. */
static void
split_lines (ConclaveControlServer *self, Connection *c, GArray *out)
{
  gsize start = 0;

  for (;;)
    {
      char *nl = memchr (c->buf + start, '\n', c->len - start);
      gsize line_len;

      if (nl == NULL)
        break;
      line_len = (gsize) (nl - (c->buf + start));
      *nl = '\0';
      if (c->discarding)
        c->discarding = FALSE;
      else if (line_len > 0 && !c->refused)
        handle_line (self, c, c->buf + start, line_len, out);
      start += line_len + 1;
    }

  memmove (c->buf, c->buf + start, c->len - start);
  c->len -= start;
  if (c->len >= CONCLAVE_MAX_LINE)
    {
      if (!c->discarding)
        {
          push_error (self, out, c->id, CONCLAVE_PARSE_ERROR_TOO_LONG, "line longer than 64 KiB; skipped");
          c->rejected++;
        }
      c->discarding = TRUE;
      c->len = 0;
    }
}

/* The connection ended inside a line: say so (the writer died mid-line). */
static void
note_cut_off (ConclaveControlServer *self, Connection *c, GArray *out)
{
  g_autofree char *text = NULL;

  if (c->len == 0 || c->discarding || c->refused)
    return;
  text = g_strdup_printf ("cut off: the connection ended inside a line (%" G_GSIZE_FORMAT " bytes)", c->len);
  push_error_text (self, out, c->id, 0, text);
  c->len = 0;
}

/* Reads at most TURN_BUDGET bytes: epoll is level-triggered, so whatever
 * is left waits for this connection's next turn, after everyone else's. */
static gboolean
read_connection (ConclaveControlServer *self, Connection *c, GArray *out)
{
  gsize taken = 0;

  while (taken < TURN_BUDGET)
    {
      ssize_t n = recv (c->fd, c->buf + c->len, CONCLAVE_MAX_LINE + READ_SIZE - c->len, 0);

      if (n > 0)
        {
          c->len += (gsize) n;
          taken += (gsize) n;
          split_lines (self, c, out);
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TRUE;
      note_cut_off (self, c, out);
      return FALSE;  /* EOF or error */
    }
  return TRUE;
}

void
conclave_control_server_refuse (ConclaveControlServer *self, guint32 conn)
{
  Connection *c;

  g_return_if_fail (CONCLAVE_IS_CONTROL_SERVER (self));
  g_mutex_lock (&self->lock);
  c = g_hash_table_lookup (self->connections, GUINT_TO_POINTER (conn));
  if (c != NULL)
    shutdown (c->fd, SHUT_RDWR);  /* the reader sees the end and cleans up */
  g_mutex_unlock (&self->lock);
}

/* The kernel's parent and process group of pid. */
static gboolean
read_parent (gint pid, gint *ppid, gint *pgrp)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return FALSE;
  return sscanf (end + 1, " %*c %d %d", ppid, pgrp) == 2;
}

static Lineage *
read_lineage (gint pid)
{
  Lineage *l = g_new0 (Lineage, 1);
  gint ppid, pgrp;

  while (pid > 1 && l->n < LINEAGE_MAX && read_parent (pid, &ppid, &pgrp))
    {
      l->pid[l->n] = pid;
      l->pgrp[l->n] = pgrp;
      l->n++;
      pid = ppid;
    }
  return l;
}

gboolean
conclave_control_server_peer_belongs_to (ConclaveControlServer *self, guint32 conn, gint pid)
{
  Lineage *l;
  gboolean found = FALSE;

  g_return_val_if_fail (CONCLAVE_IS_CONTROL_SERVER (self), FALSE);
  g_mutex_lock (&self->lock);
  l = g_hash_table_lookup (self->lineages, GUINT_TO_POINTER (conn));
  /* Ended before we could look (a fork child that said its piece and
   * left while we were busy): the kernel vouched for its pid, nothing
   * refutes its parent; give it the benefit of the doubt. */
  found = l != NULL && l->n == 0;
  for (guint i = 0; l != NULL && i < l->n && !found; i++)
    found = l->pid[i] == pid || l->pgrp[i] == pid;
  g_mutex_unlock (&self->lock);
  return found;
}

static void
peer_credentials (Connection *c)
{
  struct ucred cred = { 0 };
  socklen_t len = sizeof cred;

  /* Unknown (never on Linux): pid 0 matches no hello, so it is refused. */
  if (getsockopt (c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
    cred.uid = (uid_t) -1;
  c->peer_pid = cred.pid;
  c->peer_uid = cred.uid;
}

/* Out of descriptors: the listening socket stays readable, so stop
 * watching it (no spinning) and try again in a while. */
static void
pause_accepting (ConclaveControlServer *self, GArray *out)
{
  struct epoll_event ev = { .events = 0 };

  self->accept_paused = TRUE;
  epoll_ctl (self->epoll_fd, EPOLL_CTL_MOD, self->listen_fd, &ev);
  push_error_text (self, out, 0, 0, "out of file descriptors: new processes wait to connect");
}

static void
resume_accepting (ConclaveControlServer *self)
{
  struct epoll_event ev = { .events = EPOLLIN };

  ev.data.ptr = NULL;
  self->accept_paused = FALSE;
  epoll_ctl (self->epoll_fd, EPOLL_CTL_MOD, self->listen_fd, &ev);
}

static gboolean
over_cap (ConclaveControlServer *self, int fd, GArray *out)
{
  guint max = (guint) g_atomic_int_get (&self->max_connections);
  g_autofree char *text = NULL;
  guint n;

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->connections);
  g_mutex_unlock (&self->lock);
  if (n < max)
    return FALSE;
  text = g_strdup_printf ("too many connections (at most %u): one more closed", max);
  push_error_text (self, out, 0, 0, text);
  close (fd);
  return TRUE;
}

static void
accept_connections (ConclaveControlServer *self, GArray *out)
{
  for (;;)
    {
      int fd = accept4 (self->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      Connection *c;
      struct epoll_event ev = { .events = EPOLLIN };

      if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM))
        pause_accepting (self, out);
      if (fd < 0)
        return;
      if (over_cap (self, fd, out))
        continue;
      c = g_new0 (Connection, 1);
      c->fd = fd;
      peer_credentials (c);
      c->buf = g_malloc (CONCLAVE_MAX_LINE + READ_SIZE + 1);
      g_mutex_lock (&self->lock);
      c->id = self->next_id++;
      g_hash_table_insert (self->connections, GUINT_TO_POINTER (c->id), c);
      g_hash_table_insert (self->lineages, GUINT_TO_POINTER (c->id), read_lineage (c->peer_pid));
      g_mutex_unlock (&self->lock);
      ev.data.ptr = c;
      epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    }
}

/* Called with the lock held; waits while the main thread is far behind. */
static void
publish (ConclaveControlServer *self, GArray *batch, GArray *closed_now)
{
  guint lines = 0;

  while (self->pending->len > PENDING_MAX && !g_atomic_int_get (&self->quit))
    g_cond_wait (&self->drained, &self->lock);

  for (guint i = 0; i < batch->len; i++)
    {
      ConclaveEvent *e = &g_array_index (batch, ConclaveEvent, i);
      if (e->type == CONCLAVE_EVENT_ERROR)
        self->errors++;
      else if (e->type == CONCLAVE_EVENT_OVERFLOW && e->s[0] != 0)
        self->lost += (guint64) e->num;
      if (e->type != CONCLAVE_EVENT_OVERFLOW || e->s[0] == 0)
        lines++;
    }
  self->lines += lines;
  g_array_append_vals (self->pending, batch->data, batch->len);
  g_array_append_vals (self->closed, closed_now->data, closed_now->len);
  if (self->pending->len > 0 || self->closed->len > 0)
    schedule_delivery (self);
}

static gpointer
reader_thread (gpointer data)
{
  ConclaveControlServer *self = data;
  struct epoll_event events[64];
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), 4096);
  g_autoptr(GArray) closed_now = g_array_new (FALSE, FALSE, sizeof (guint32));

  while (!g_atomic_int_get (&self->quit))
    {
      int n = epoll_wait (self->epoll_fd, events, G_N_ELEMENTS (events),
                          self->accept_paused ? ACCEPT_RETRY_MS : -1);

      if (self->accept_paused && n <= 0)
        resume_accepting (self);
      for (int i = 0; i < n; i++)
        {
          Connection *c = events[i].data.ptr;

          if (c == NULL)
            accept_connections (self, batch);
          else if (c == (gpointer) self)
            {
              guint64 v;
              if (read (self->wake_fd, &v, sizeof v) < 0)
                continue;
            }
          else if (!read_connection (self, c, batch))
            {
              epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
              g_array_append_val (closed_now, c->id);
              g_mutex_lock (&self->lock);
              g_hash_table_remove (self->connections, GUINT_TO_POINTER (c->id));
              g_mutex_unlock (&self->lock);
              if (self->accept_paused)
                resume_accepting (self);  /* a descriptor was freed */
            }
        }

      if (batch->len > 0 || closed_now->len > 0)
        {
          g_mutex_lock (&self->lock);
          publish (self, batch, closed_now);
          g_mutex_unlock (&self->lock);
          g_array_set_size (batch, 0);
          g_array_set_size (closed_now, 0);
        }
    }
  return NULL;
}

/* ---- setup --------------------------------------------------------------- */

static gboolean
make_socket (ConclaveControlServer *self, GError **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autofree char *template = g_build_filename (g_get_user_runtime_dir (), "conclave-XXXXXX", NULL);

  if (g_mkdir_with_parents (g_get_user_runtime_dir (), 0700) < 0 ||
      (self->dir = g_mkdtemp_full (g_steal_pointer (&template), 0700)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot create a private directory for the control socket: %s", g_strerror (errno));
      return FALSE;
    }
  self->path = g_build_filename (self->dir, "control.sock", NULL);
  if (strlen (self->path) >= sizeof addr.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   "Control socket path is too long: %s", self->path);
      return FALSE;
    }
  strcpy (addr.sun_path, self->path);
  self->listen_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (self->listen_fd < 0 ||
      bind (self->listen_fd, (struct sockaddr *) &addr, sizeof addr) < 0 ||
      listen (self->listen_fd, 512) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot listen on %s: %s", self->path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
start_reader (ConclaveControlServer *self, GError **error)
{
  struct epoll_event ev = { .events = EPOLLIN };

  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  self->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (self->epoll_fd < 0 || self->wake_fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "epoll: %s", g_strerror (errno));
      return FALSE;
    }
  ev.data.ptr = NULL;
  epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, self->listen_fd, &ev);
  ev.data.ptr = self;
  epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, self->wake_fd, &ev);
  self->thread = g_thread_new ("conclave-control", reader_thread, self);
  return TRUE;
}

ConclaveControlServer *
conclave_control_server_new (ConclaveIntern *intern, GError **error)
{
  g_autoptr(ConclaveControlServer) self = g_object_new (CONCLAVE_TYPE_CONTROL_SERVER, NULL);

  g_return_val_if_fail (intern != NULL, NULL);

  self->intern = intern;
  self->parser = conclave_line_parser_new (intern);
  self->reference = g_strcmp0 (g_getenv ("CONCLAVE_PARSER"), "json-glib") == 0;
  self->context = g_main_context_ref_thread_default ();
  if (!make_socket (self, error) || !start_reader (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
conclave_control_server_get_path (ConclaveControlServer *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CONTROL_SERVER (self), NULL);
  return self->path;
}

gboolean
conclave_control_server_send (ConclaveControlServer *self, guint32 conn, const char *line)
{
  Connection *c;
  g_autofree char *framed = NULL;
  gsize len;
  ssize_t n = -1;

  g_return_val_if_fail (CONCLAVE_IS_CONTROL_SERVER (self), FALSE);
  g_return_val_if_fail (line != NULL, FALSE);

  framed = g_strconcat (line, "\n", NULL);
  len = strlen (framed);
  g_mutex_lock (&self->lock);
  c = g_hash_table_lookup (self->connections, GUINT_TO_POINTER (conn));
  if (c != NULL)
    n = send (c->fd, framed, len, MSG_DONTWAIT | MSG_NOSIGNAL);
  g_mutex_unlock (&self->lock);
  return n == (ssize_t) len;
}

void
conclave_control_server_close (ConclaveControlServer *self)
{
  guint64 one = 1;

  g_return_if_fail (CONCLAVE_IS_CONTROL_SERVER (self));

  if (self->thread == NULL)
    return;
  g_atomic_int_set (&self->quit, TRUE);
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->drained);
  g_mutex_unlock (&self->lock);
  if (write (self->wake_fd, &one, sizeof one) < 0)
    g_warning ("Cannot wake the control reader: %s", g_strerror (errno));
  g_thread_join (g_steal_pointer (&self->thread));
}

void
conclave_control_server_set_max_connections (ConclaveControlServer *self, guint max)
{
  g_return_if_fail (CONCLAVE_IS_CONTROL_SERVER (self));
  g_atomic_int_set (&self->max_connections, MAX (max, 1));
}

guint64
conclave_control_server_get_lines (ConclaveControlServer *self)
{
  guint64 v;

  g_mutex_lock (&self->lock);
  v = self->lines;
  g_mutex_unlock (&self->lock);
  return v;
}

guint64
conclave_control_server_get_errors (ConclaveControlServer *self)
{
  guint64 v;

  g_mutex_lock (&self->lock);
  v = self->errors;
  g_mutex_unlock (&self->lock);
  return v;
}

guint64
conclave_control_server_get_lost (ConclaveControlServer *self)
{
  guint64 v;

  g_mutex_lock (&self->lock);
  v = self->lost;
  g_mutex_unlock (&self->lock);
  return v;
}

static void
conclave_control_server_dispose (GObject *object)
{
  ConclaveControlServer *self = CONCLAVE_CONTROL_SERVER (object);

  conclave_control_server_close (self);
  if (self->idle_source)
    {
      g_source_destroy (self->idle_source);
      g_clear_pointer (&self->idle_source, g_source_unref);
    }
  G_OBJECT_CLASS (conclave_control_server_parent_class)->dispose (object);
}

static void
conclave_control_server_finalize (GObject *object)
{
  ConclaveControlServer *self = CONCLAVE_CONTROL_SERVER (object);

  g_hash_table_unref (self->connections);
  g_hash_table_unref (self->lineages);
  g_array_unref (self->pending);
  g_array_unref (self->closed);
  if (self->listen_fd >= 0)
    close (self->listen_fd);
  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
  if (self->wake_fd >= 0)
    close (self->wake_fd);
  if (self->path)
    g_unlink (self->path);
  if (self->dir)
    g_rmdir (self->dir);
  g_free (self->path);
  g_free (self->dir);
  g_clear_pointer (&self->parser, conclave_line_parser_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->drained);
  G_OBJECT_CLASS (conclave_control_server_parent_class)->finalize (object);
}

static void
conclave_control_server_class_init (ConclaveControlServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conclave_control_server_dispose;
  object_class->finalize = conclave_control_server_finalize;

  signals[EVENTS] = g_signal_new ("events", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
conclave_control_server_init (ConclaveControlServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->drained);
  self->listen_fd = self->epoll_fd = self->wake_fd = -1;
  self->next_id = 1;
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) connection_free);
  self->lineages = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->max_connections = CONCLAVE_CONTROL_MAX_CONNECTIONS;
  self->pending = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), 4096);
  self->closed = g_array_new (FALSE, FALSE, sizeof (guint32));
}
