/* node-group-log.c — a server's replicated log of posts (chapter 4).
 *
 * The state file is a journal of lines ("term", "member", "entry",
 * "truncate", "commit"), each written with one write() so a SIGKILL leaves whole
 * lines; replaying it rebuilds term, vote, members and entries. Committing
 * delivers entries in index order and keeps the sessions (per client, the
 * last delivered request) that make a retried request deliver once. This
 * file must never send, report or print to stdout.
 */
#include "node-group-log.h"

#include "node-group-msg.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  guint64 last_n;
  guint64 last_seq;
  gint64  seen_ns;
} Session;

struct _GroupLog {
  GPtrArray  *entries;     /* GroupEntry*, index i at i - 1 */
  guint64     term;
  char       *voted_for;
  guint64     commit;
  guint64     applied;
  GHashTable *members;     /* name → id */
  GHashTable *sessions;    /* client → Session* */
  GHashTable *pending;     /* req → index, for entries not delivered yet */
  int         fd;          /* -1: nothing persists */
  gboolean    replaying;
};

static void
entry_free (gpointer data)
{
  GroupEntry *e = data;

  g_free (e->leader);
  g_free (e->req);
  g_free (e->client);
  g_free (e->text);
  g_free (e);
}

static void
journal (GroupLog *log, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* One record, one write(): a crash leaves whole lines behind. */
static void
journal (GroupLog *log, const char *format, ...)
{
  g_autofree char *line = NULL;
  va_list args;
  gsize len;

  if (log->fd < 0 || log->replaying)
    return;
  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  len = strlen (line);
  if (write (log->fd, line, len) != (ssize_t) len)
    fprintf (stderr, "Could not write the state file: %s\n", g_strerror (errno));
}

/* ---- replay ---- */

static gboolean
parse_u64 (const char *text, guint64 *out)
{
  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, out, NULL);
}

static const char *
dash_to_null (const char *text)
{
  return text == NULL || strcmp (text, "-") == 0 ? NULL : text;
}

static gboolean
replay_entry (GroupLog *log, char **f)
{
  GroupEntry e = { 0 };
  guint64 index, ts;

  if (g_strv_length (f) < 9 || !parse_u64 (f[1], &index) || !parse_u64 (f[2], &e.term)
      || !parse_u64 (f[4], &e.seq) || !parse_u64 (f[5], &ts)
      || index != group_log_last_index (log) + 1 || !group_msg_valid_name (f[3]))
    return FALSE;
  e.leader = f[3];
  e.ts_ms = (gint64) ts;
  e.req = (char *) dash_to_null (f[6]);
  e.client = (char *) dash_to_null (f[7]);
  e.text = f[8];
  group_log_append (log, &e);
  return TRUE;
}

static gboolean
replay_line (GroupLog *log, const char *line)
{
  g_auto(GStrv) f = g_strsplit (line, " ", 9);
  guint64 a;

  if (f[0] == NULL)
    return FALSE;
  if (strcmp (f[0], "term") == 0 && parse_u64 (f[1], &a) && f[2] != NULL)
    group_log_set_term (log, a, dash_to_null (f[2]));
  else if (strcmp (f[0], "member") == 0 && group_msg_valid_name (f[1]) && parse_u64 (f[2], &a))
    group_log_add_member (log, f[1], (guint) a);
  else if (strcmp (f[0], "truncate") == 0 && parse_u64 (f[1], &a) && a >= 1)
    group_log_truncate (log, a);
  else if (strcmp (f[0], "commit") == 0 && parse_u64 (f[1], &a))
    log->commit = MAX (log->commit, MIN (a, group_log_last_index (log)));
  else if (strcmp (f[0], "entry") == 0)
    return replay_entry (log, f);
  else
    return FALSE;
  return TRUE;
}

static gboolean
replay (GroupLog *log, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  lines = g_strsplit (contents, "\n", -1);
  log->replaying = TRUE;
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && !replay_line (log, lines[i]))
      fprintf (stderr, "%s:%u: skipped a line I cannot read\n", path, i + 1);
  log->replaying = FALSE;
  return TRUE;
}

GroupLog *
group_log_new (const char *path, GError **error)
{
  g_autoptr(GroupLog) log = g_new0 (GroupLog, 1);

  log->entries = g_ptr_array_new_with_free_func (entry_free);
  log->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  log->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  log->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  log->fd = -1;
  if (path == NULL)
    return g_steal_pointer (&log);
  if (!replay (log, path, error))
    return NULL;
  log->fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log->fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot open the state file %s: %s", path, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&log);
}

void
group_log_free (GroupLog *log)
{
  if (log == NULL)
    return;
  if (log->fd >= 0)
    close (log->fd);
  g_ptr_array_unref (log->entries);
  g_hash_table_unref (log->members);
  g_hash_table_unref (log->sessions);
  g_hash_table_unref (log->pending);
  g_free (log->voted_for);
  g_free (log);
}

/* ---- term, vote, members ---- */

guint64
group_log_term (GroupLog *log)
{
  return log->term;
}

const char *
group_log_voted_for (GroupLog *log)
{
  return log->voted_for;
}

void
group_log_set_term (GroupLog *log, guint64 term, const char *voted_for)
{
  if (term == log->term && g_strcmp0 (voted_for, log->voted_for) == 0)
    return;
  log->term = term;
  g_free (log->voted_for);
  log->voted_for = g_strdup (voted_for);
  journal (log, "term %" G_GUINT64_FORMAT " %s\n", term, voted_for ? voted_for : "-");
}

void
group_log_add_member (GroupLog *log, const char *name, guint id)
{
  gpointer old;

  if (g_hash_table_lookup_extended (log->members, name, NULL, &old) && GPOINTER_TO_UINT (old) == id)
    return;
  g_hash_table_insert (log->members, g_strdup (name), GUINT_TO_POINTER (id));
  journal (log, "member %s %u\n", name, id);
}

GHashTable *
group_log_members (GroupLog *log)
{
  return log->members;
}

/* ---- entries ---- */

guint64
group_log_last_index (GroupLog *log)
{
  return log->entries->len;
}

guint64
group_log_last_term (GroupLog *log)
{
  const GroupEntry *e = group_log_get (log, group_log_last_index (log));

  return e ? e->term : 0;
}

const GroupEntry *
group_log_get (GroupLog *log, guint64 index)
{
  if (index == 0 || index > log->entries->len)
    return NULL;
  return log->entries->pdata[index - 1];
}

gboolean
group_log_matches (GroupLog *log, guint64 index, guint64 term, const char *leader)
{
  const GroupEntry *e = group_log_get (log, index);

  if (index == 0)
    return TRUE;
  return e != NULL && e->term == term && g_strcmp0 (e->leader, leader) == 0;
}

guint64
group_log_append (GroupLog *log, const GroupEntry *entry)
{
  GroupEntry *e = g_new0 (GroupEntry, 1);
  guint64 index;

  e->term = entry->term;
  e->leader = g_strdup (entry->leader);
  e->seq = entry->seq;
  e->ts_ms = entry->ts_ms;
  e->req = g_strdup (entry->req);
  e->client = g_strdup (entry->client);
  e->text = g_strdup (entry->text ? entry->text : "");
  /* The journal is one line per record, whatever a peer sent. */
  g_strdelimit (e->text, "\n\r", ' ');
  if (e->req != NULL)
    g_strdelimit (e->req, "\n\r ", '_');
  g_ptr_array_add (log->entries, e);
  index = log->entries->len;
  if (e->req != NULL)
    g_hash_table_insert (log->pending, g_strdup (e->req), GSIZE_TO_POINTER (index));
  journal (log, "entry %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT
           " %" G_GINT64_FORMAT " %s %s %s\n", index, e->term, e->leader, e->seq, e->ts_ms,
           e->req ? e->req : "-", e->client ? e->client : "-", e->text);
  return index;
}

guint64
group_log_truncate (GroupLog *log, guint64 from)
{
  guint64 undone = 0;

  if (from == 0 || from > log->entries->len)
    return 0;
  for (guint i = (guint) from; i <= log->entries->len; i++)
    {
      const GroupEntry *e = log->entries->pdata[i - 1];
      if (e->req != NULL)
        g_hash_table_remove (log->pending, e->req);
    }
  if (log->applied >= from)
    {
      undone = log->applied - from + 1;
      log->applied = from - 1;
    }
  log->commit = MIN (log->commit, from - 1);
  g_ptr_array_set_size (log->entries, (guint) (from - 1));
  journal (log, "truncate %" G_GUINT64_FORMAT "\n", from);
  return undone;
}

guint64
group_log_next_seq (GroupLog *log)
{
  for (guint i = log->entries->len; i > 0; i--)
    {
      const GroupEntry *e = log->entries->pdata[i - 1];
      if (e->seq > 0)
        return e->seq + 1;
    }
  return 1;
}

/* ---- commit and delivery ---- */

guint64
group_log_commit_index (GroupLog *log)
{
  return log->commit;
}

static Session *
session_for (GroupLog *log, const char *client)
{
  Session *s = g_hash_table_lookup (log->sessions, client);

  if (s == NULL)
    {
      s = g_new0 (Session, 1);
      g_hash_table_insert (log->sessions, g_strdup (client), s);
    }
  return s;
}

/* Applies one entry: a request already delivered (its client retried it
 * with a leader that had not heard of the first copy) is not delivered
 * twice. Returns TRUE if it was delivered. */
static gboolean
apply (GroupLog *log, const GroupEntry *e)
{
  g_autofree char *client = NULL;
  guint64 n;
  Session *s;

  if (e->req == NULL)
    return FALSE;
  g_hash_table_remove (log->pending, e->req);
  if (!group_req_parse (e->req, &client, &n))
    return TRUE;
  s = session_for (log, client);
  if (n <= s->last_n)
    return FALSE;
  s->last_n = n;
  s->last_seq = e->seq;
  s->seen_ns = MAX (s->seen_ns, e->ts_ms * G_GINT64_CONSTANT (1000000));
  return TRUE;
}

void
group_log_commit (GroupLog *log, guint64 index, GroupDeliverFunc func, gpointer data)
{
  index = MIN (index, group_log_last_index (log));
  if (index > log->commit)
    {
      log->commit = index;
      /* Kept so a restarted server delivers what it knows to be safe at once. */
      journal (log, "commit %" G_GUINT64_FORMAT "\n", index);
    }
  while (log->applied < log->commit)
    {
      const GroupEntry *e = log->entries->pdata[log->applied++];

      if (apply (log, e) && func != NULL)
        func (e, log->applied, data);
    }
}

/* ---- requests and sessions ---- */

gboolean
group_req_parse (const char *req, char **client, guint64 *n)
{
  const char *colon = req ? strrchr (req, ':') : NULL;
  g_autofree char *name = NULL;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXINT64, n, NULL))
    return FALSE;
  name = g_strndup (req, (gsize) (colon - req));
  if (!group_msg_valid_name (name))
    return FALSE;
  *client = g_steal_pointer (&name);
  return TRUE;
}

GroupReqState
group_log_find_req (GroupLog *log, const char *req, guint64 *where)
{
  g_autofree char *client = NULL;
  gpointer index;
  Session *s;
  guint64 n;

  if (g_hash_table_lookup_extended (log->pending, req, NULL, &index))
    {
      *where = GPOINTER_TO_SIZE (index);
      return GROUP_REQ_PENDING;
    }
  if (!group_req_parse (req, &client, &n) || (s = g_hash_table_lookup (log->sessions, client)) == NULL)
    return GROUP_REQ_NEW;
  if (n == s->last_n)
    {
      *where = s->last_seq;
      return GROUP_REQ_DONE;
    }
  return n < s->last_n ? GROUP_REQ_STALE : GROUP_REQ_NEW;
}

void
group_log_touch_session (GroupLog *log, const char *client, gint64 now_ns)
{
  Session *s = g_hash_table_lookup (log->sessions, client);

  if (s != NULL)
    s->seen_ns = MAX (s->seen_ns, now_ns);
}

guint
group_log_expire_sessions (GroupLog *log, gint64 before_ns, GroupExpireFunc func, gpointer data)
{
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;

  g_hash_table_iter_init (&iter, log->sessions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((Session *) value)->seen_ns < before_ns)
      {
        if (func != NULL)
          func (key, data);
        g_hash_table_iter_remove (&iter);
        n++;
      }
  return n;
}

guint
group_log_n_sessions (GroupLog *log)
{
  return g_hash_table_size (log->sessions);
}
