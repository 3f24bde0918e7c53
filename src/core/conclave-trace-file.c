/* conclave-trace-file.c — write and read JSON Lines traces.
 *
 * Writing goes through conclave_event_to_json_line(), reading through the
 * same parser the control channel uses, so a trace says exactly what the
 * live channel said. Processes are rebuilt from each line's node and pid.
 */
#include "conclave-trace-file.h"
#include "conclave-line-parser.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>

void
conclave_trace_write (FILE               *out,
                      ConclaveEventStore *store,
                      guint64             first,
                      guint64             end,
                      GString            *scratch)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (store);

  for (guint64 i = first; i < end; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      ConclaveProcessInfo *info;

      if (e == NULL)
        continue;
      info = e->proc ? conclave_event_store_get_process (store, e->proc) : NULL;
      g_string_truncate (scratch, 0);
      conclave_event_to_json_line (e, intern,
                                   info ? conclave_event_store_str (store, info->node) : NULL,
                                   info ? info->pid : 0, scratch);
      g_string_append_c (scratch, '\n');
      fwrite (scratch->str, 1, scratch->len, out);
    }
  fflush (out);
}

struct _ConclaveTraceRecorder {
  ConclaveEventStore *store;
  gulong              appended_id;
  FILE               *out;
  GString            *line;
};

static void
on_appended (ConclaveEventStore    *store,
             guint64                first,
             guint                  n,
             ConclaveTraceRecorder *self)
{
  conclave_trace_write (self->out, store, first, first + n, self->line);
}

ConclaveTraceRecorder *
conclave_trace_recorder_new (ConclaveEventStore *store,
                             const char         *path,
                             GError            **error)
{
  ConclaveTraceRecorder *self;
  FILE *out;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if ((out = fopen (path, "we")) == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot write the trace to %s: %s", path, g_strerror (saved));
      return NULL;
    }
  self = g_new0 (ConclaveTraceRecorder, 1);
  self->store = g_object_ref (store);
  self->out = out;
  self->line = g_string_sized_new (512);
  self->appended_id = g_signal_connect (store, "appended", G_CALLBACK (on_appended), self);
  return self;
}

void
conclave_trace_recorder_free (ConclaveTraceRecorder *self)
{
  if (self == NULL)
    return;
  g_signal_handler_disconnect (self->store, self->appended_id);
  g_object_unref (self->store);
  fclose (self->out);
  g_string_free (self->line, TRUE);
  g_free (self);
}

/* The process a loaded line belongs to: by pid, created on first sight. */
static guint32
process_for_line (ConclaveEventStore *store, ConclaveLineParser *parser, ConclaveEvent *e)
{
  gint pid = conclave_line_parser_last_pid (parser);
  const char *node = conclave_line_parser_last_node (parser);
  ConclaveProcessInfo *info;

  if (e->type == CONCLAVE_EVENT_HELLO)
    pid = (gint) e->len;
  else if (e->type >= CONCLAVE_EVENT_SPAWN)
    return 0;  /* the controller's own events */
  if (pid <= 0)
    return 0;
  info = conclave_event_store_find_process (store, pid);
  /* A second hello from the same pid and parent is an exec: the same
   * process, the same row (as the live cluster has it). */
  if (info == NULL || (e->type == CONCLAVE_EVENT_HELLO && info->first_ns != 0 && info->ppid != e->num))
    {
      info = conclave_event_store_add_process (store, pid);
      info->first_ns = e->time_ns;
      info->node = conclave_intern_add (conclave_event_store_get_intern (store), node);
    }
  if (e->type == CONCLAVE_EVENT_HELLO)
    {
      info->ppid = e->num;
      info->role = e->s[0];
      info->program = e->s[2];
      if (e->s[1])
        info->node = e->s[1];
    }
  info->lines++;
  info->last_ns = MAX (info->last_ns, e->time_ns);
  return info->index;
}

/* As the live cluster folds them: a forked process that never touched a
 * socket, of a parent that never did either (a wrapper's helper), has no
 * row of its own. */
static void
fold_quiet_children (ConclaveEventStore *store, guint first_proc)
{
  guint n = conclave_event_store_get_n_processes (store);
  g_autofree gboolean *touched = g_new0 (gboolean, n);
  g_autofree guint32 *node = g_new0 (guint32, n);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->proc < n && (e->type == CONCLAVE_EVENT_SOCKET || CONCLAVE_EVENT_IS_MESSAGE (e->type)))
        touched[e->proc] = TRUE;
    }
  for (guint i = 1; i < n; i++)
    node[i] = conclave_event_store_get_process (store, i)->node;
  for (guint i = MAX (first_proc, 1); i < n; i++)
    {
      ConclaveProcessInfo *info = conclave_event_store_get_process (store, i);
      ConclaveProcessInfo *parent = conclave_event_store_find_process (store, info->ppid);

      /* A server's forks are its workers (shown); a wrapper's are helpers. */
      if (!touched[i] && parent != NULL && parent != info && node[parent->index] == node[i] &&
          !touched[parent->index])
        info->node = 0;
    }
}

gboolean
conclave_trace_load (ConclaveEventStore *store,
                     const char         *path,
                     guint              *n_bad,
                     char              **first_problem,
                     GError            **error)
{
  g_autoptr(ConclaveLineParser) parser = NULL;
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), 4096);
  g_autofree char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  guint bad = 0, number = 0, first_proc;
  FILE *in;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((in = fopen (path, "re")) == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot open the trace %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  first_proc = conclave_event_store_get_n_processes (store);
  parser = conclave_line_parser_new (conclave_event_store_get_intern (store));
  while ((len = getline (&line, &cap, in)) >= 0)
    {
      ConclaveEvent e;
      const char *reason = NULL;

      number++;
      if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
      if (len == 0)
        continue;
      if (conclave_line_parser_parse (parser, line, (gsize) len, &e, &reason) != CONCLAVE_PARSE_OK)
        {
          if (bad++ == 0 && first_problem)
            *first_problem = g_strdup_printf ("%s:%u: %s", path, number, reason);
          continue;
        }
      e.proc = process_for_line (store, parser, &e);
      g_array_append_val (batch, e);
      if (batch->len == 4096)
        {
          conclave_event_store_append (store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
          g_array_set_size (batch, 0);
        }
    }
  conclave_event_store_append (store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
  fclose (in);
  fold_quiet_children (store, first_proc);
  if (n_bad)
    *n_bad = bad;
  return TRUE;
}
