/* conclave-trace-file.c — write and read JSON Lines traces.
 *
 * Writing goes through conclave_event_to_json_line(), reading through the
 * same parser the control channel uses, so a trace says exactly what the
 * live channel said. Processes are rebuilt from each line's node and pid.
 * A saved trace begins with one header line (PROTOCOL.md, "Trace files");
 * a file may be gzip-compressed. A verdict keeps its cause as a count of
 * event lines back, read again into the store index of that event. Never writes to a store it reads into
 * anything but the events of the file.
 */
#include "config.h"

#include "conclave-trace-file.h"
#include "conclave-line-parser.h"
#include "conclave-scenario.h"

#include <json-glib/json-glib.h>

#include <errno.h>
#include <gio/gio.h>
#include <math.h>
#include <string.h>

/* Event i of the store as one line (no newline) of a file whose first
 * event is file_first. A verdict's cause (an index of the store) is
 * written as how many events back it is, so it holds in any file that
 * keeps both; a cause before the file's first event is not written. */
static void
append_event_line (GString *out, ConclaveEventStore *store, guint64 i, guint64 file_first)
{
  const ConclaveEvent *e = conclave_event_store_get (store, i);
  ConclaveProcessInfo *info = e->proc ? conclave_event_store_get_process (store, e->proc) : NULL;
  ConclaveEvent verdict;

  if (e->type == CONCLAVE_EVENT_VIOLATION)
    {
      verdict = *e;
      verdict.key = e->key >= file_first && e->key < i ? i - e->key : 0;
      e = &verdict;
    }
  conclave_event_to_json_line (e, conclave_event_store_get_intern (store),
                               info ? conclave_event_store_str (store, info->node) : NULL,
                               info ? info->pid : 0, out);
}

static void
write_range (FILE *out, ConclaveEventStore *store, guint64 first, guint64 end, guint64 file_first, GString *scratch)
{
  for (guint64 i = first; i < end; i++)
    {
      if (conclave_event_store_get (store, i) == NULL)
        continue;
      g_string_truncate (scratch, 0);
      append_event_line (scratch, store, i, file_first);
      g_string_append_c (scratch, '\n');
      fwrite (scratch->str, 1, scratch->len, out);
    }
  fflush (out);
}

void
conclave_trace_write (FILE               *out,
                      ConclaveEventStore *store,
                      guint64             first,
                      guint64             end,
                      GString            *scratch)
{
  write_range (out, store, first, end, first, scratch);
}

struct _ConclaveTraceRecorder {
  ConclaveEventStore *store;
  guint64             file_first;   /* the store's index of the file's first event */
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
  write_range (self->out, store, first, first + n, self->file_first, self->line);
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
  self->file_first = conclave_event_store_get_end (store);
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

/* The process a loaded line belongs to: by pid, created on first sight.
 * The controller's own events are about the node's process of the time,
 * as the live cluster recorded them, once it said hello (a spawn's is
 * not known yet); they are not its lines. */
static guint32
process_for_line (ConclaveEventStore *store, ConclaveLineParser *parser, ConclaveEvent *e)
{
  gint pid = conclave_line_parser_last_pid (parser);
  const char *node = conclave_line_parser_last_node (parser);
  ConclaveProcessInfo *info;

  if (e->type == CONCLAVE_EVENT_HELLO)
    pid = (gint) e->len;
  if (pid <= 0)
    return 0;
  info = conclave_event_store_find_process (store, pid);
  if (e->type >= CONCLAVE_EVENT_SPAWN && e->type <= CONCLAVE_EVENT_OUTPUT)
    return info != NULL ? info->index : 0;
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

/* ---- the header line ------------------------------------------------------ */

/* The member that makes a line the header: no event line has it. */
#define HEADER_KEY "conclave_trace"
#define HEADER_FORMAT 1

ConclaveTraceHost *
conclave_trace_host_new (const char *node, const char *host, const char *address)
{
  ConclaveTraceHost *self = g_new0 (ConclaveTraceHost, 1);

  self->node = g_strdup (node);
  self->host = g_strdup (host ? host : node);
  self->address = g_strdup (address);
  return self;
}

void
conclave_trace_host_free (gpointer host)
{
  ConclaveTraceHost *self = host;

  g_free (self->node);
  g_free (self->host);
  g_free (self->address);
  g_free (self);
}

void
conclave_trace_header_clear (ConclaveTraceHeader *header)
{
  g_clear_pointer (&header->scenario, g_free);
  g_clear_pointer (&header->election, g_free);
  g_clear_pointer (&header->version, g_free);
  g_clear_pointer (&header->network, g_free);
  g_clear_pointer (&header->hosts, g_ptr_array_unref);
  header->tempo = 0;
  header->format = 0;
}

void
conclave_trace_header_copy (ConclaveTraceHeader *dst, const ConclaveTraceHeader *src)
{
  dst->format = src->format;
  dst->scenario = g_strdup (src->scenario);
  dst->tempo = src->tempo;
  dst->election = g_strdup (src->election);
  dst->version = g_strdup (src->version);
  dst->network = g_strdup (src->network);
  dst->hosts = NULL;
  for (guint i = 0; src->hosts != NULL && i < src->hosts->len; i++)
    {
      const ConclaveTraceHost *h = src->hosts->pdata[i];

      if (dst->hosts == NULL)
        dst->hosts = g_ptr_array_new_with_free_func (conclave_trace_host_free);
      g_ptr_array_add (dst->hosts, conclave_trace_host_new (h->node, h->host, h->address));
    }
}

static void
add_string_member (JsonBuilder *b, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* "hosts": [{"node": "s1", "host": "s1", "address": "10.77.0.2"}, …] */
static void
add_hosts (JsonBuilder *b, GPtrArray *hosts)
{
  if (hosts == NULL)
    return;
  json_builder_set_member_name (b, "hosts");
  json_builder_begin_array (b);
  for (guint i = 0; i < hosts->len; i++)
    {
      const ConclaveTraceHost *h = hosts->pdata[i];

      json_builder_begin_object (b);
      add_string_member (b, "node", h->node);
      add_string_member (b, "host", h->host);
      add_string_member (b, "address", h->address);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* A member's text if it is a string, valid UTF-8 once decoded (json-glib
 * 1.6 decodes "\351" into one byte); else none. */
static char *
header_text (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (node);
  return g_utf8_validate (text, -1, NULL) ? g_strdup (text) : NULL;
}

/* A member's value if it is a finite number above 0 (json-glib takes
 * "-.1" and "1e999"); else 0, as if it were not there. */
static double
header_positive (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return 0;
  value = json_node_get_double (node);
  return isfinite (value) && value > 0 ? value : 0;
}

/* The hosts a header names; entries without a node or address are left out. */
static GPtrArray *
read_hosts (JsonObject *o)
{
  JsonNode *node = json_object_get_member (o, "hosts");
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  GPtrArray *hosts;

  if (array == NULL)
    return NULL;
  hosts = g_ptr_array_new_with_free_func (conclave_trace_host_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *h = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      g_autofree char *name = h ? header_text (h, "node") : NULL;
      g_autofree char *address = h ? header_text (h, "address") : NULL;
      g_autofree char *host = h ? header_text (h, "host") : NULL;

      if (name != NULL && address != NULL)
        g_ptr_array_add (hosts, conclave_trace_host_new (name, host, address));
    }
  return hosts;
}

char *
conclave_trace_header_to_line (const ConclaveTraceHeader *header)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, HEADER_KEY);
  json_builder_add_int_value (b, HEADER_FORMAT);
  add_string_member (b, "version", header->version ? header->version : PACKAGE_VERSION);
  add_string_member (b, "scenario", header->scenario);
  /* A tempo no run can have is not written: json-glib 1.6 writes 1e17 and
   * above as "1e+17.0", which no reader takes. */
  if (header->tempo > 0 && header->tempo <= CONCLAVE_MAX_TEMPO)
    {
      json_builder_set_member_name (b, "tempo");
      json_builder_add_double_value (b, header->tempo);
    }
  add_string_member (b, "election", header->election);
  add_string_member (b, "network", header->network);
  add_hosts (b, header->hosts);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* TRUE when the line is a header (read into `header`, if not NULL). */
static gboolean
read_header (const char *line, gsize len, ConclaveTraceHeader *header)
{
  static const char prefix[] = "{\"" HEADER_KEY "\":";
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *o;

  if (len < sizeof prefix - 1 || memcmp (line, prefix, sizeof prefix - 1) != 0)
    return FALSE;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, line, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  if (header == NULL)
    return TRUE;
  conclave_trace_header_clear (header);
  header->format = (guint) MIN (header_positive (o, HEADER_KEY), G_MAXUINT);
  header->scenario = header_text (o, "scenario");
  header->election = header_text (o, "election");
  header->version = header_text (o, "version");
  header->tempo = header_positive (o, "tempo");
  if (header->tempo > CONCLAVE_MAX_TEMPO)
    header->tempo = 0;  /* as if it were not there: no run has it */
  header->network = header_text (o, "network");
  header->hosts = read_hosts (o);
  return TRUE;
}

/* ---- saving --------------------------------------------------------------- */

static gboolean
flush_text (GOutputStream *out, GString *text, GError **error)
{
  gboolean ok = g_output_stream_write_all (out, text->str, text->len, NULL, NULL, error);

  g_string_truncate (text, 0);
  return ok;
}

gboolean
conclave_trace_save_to_stream (ConclaveEventStore        *store,
                               GOutputStream             *out,
                               const ConclaveTraceHeader *header,
                               GError                   **error)
{
  g_autoptr(GString) text = g_string_sized_new (1 << 17);
  g_autofree char *head = NULL;
  guint64 first;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out) && header != NULL, FALSE);

  first = conclave_event_store_get_first (store);
  head = conclave_trace_header_to_line (header);
  g_string_append (text, head);
  g_string_append_c (text, '\n');
  for (guint64 i = first; i < conclave_event_store_get_end (store); i++)
    {
      append_event_line (text, store, i, first);
      g_string_append_c (text, '\n');
      if (text->len >= (1 << 16) && !flush_text (out, text, error))
        return FALSE;
    }
  return flush_text (out, text, error);
}

gboolean
conclave_trace_save (ConclaveEventStore        *store,
                     const char                *path,
                     const ConclaveTraceHeader *header,
                     GError                   **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GOutputStream) out = NULL;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL && header != NULL, FALSE);

  file = g_file_new_for_path (path);
  /* Written beside and renamed over: a failed save leaves the old file. */
  if ((stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error)) == NULL)
    return FALSE;
  if (g_str_has_suffix (path, ".gz"))
    {
      g_autoptr(GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
      out = g_converter_output_stream_new (G_OUTPUT_STREAM (stream), G_CONVERTER (gzip));
    }
  else
    out = g_object_ref (G_OUTPUT_STREAM (stream));
  if (!conclave_trace_save_to_stream (store, out, header, error))
    {
      /* Closing would rename the half-written file over the old one. */
      g_autoptr(GCancellable) cancel = g_cancellable_new ();
      g_cancellable_cancel (cancel);
      g_output_stream_close (out, cancel, NULL);
      return FALSE;
    }
  return g_output_stream_close (out, NULL, error);
}

/* ---- reading -------------------------------------------------------------- */

struct _ConclaveTraceReader {
  ConclaveEventStore  *store;
  ConclaveLineParser  *parser;
  GInputStream        *in;
  char                *path;
  GByteArray          *buffer;    /* read, not yet split into lines */
  gsize                pos;       /* where the next line starts in buffer */
  gboolean             eof;
  guint                number;    /* of the last line read */
  guint                n_bad;
  char                *first_problem;
  guint                first_proc;
  ConclaveTraceHeader  header;
  guint64              base;      /* the store's index of the first event read */
  guint64              n_lines;   /* event lines so far, damaged ones too */
  GArray              *damaged;   /* guint64: which event lines were damaged */
};

/* The stream, decompressed when it starts with gzip's magic bytes. */
static GInputStream *
open_input (GInputStream *raw, GError **error)
{
  g_autoptr(GBufferedInputStream) buffered = NULL;
  gsize n = 0;
  const guchar *peek;

  buffered = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new_sized (raw, 1 << 16));
  if (g_buffered_input_stream_fill (buffered, 2, NULL, error) < 0)
    return NULL;
  peek = g_buffered_input_stream_peek_buffer (buffered, &n);
  if (n >= 2 && peek[0] == 0x1f && peek[1] == 0x8b)
    {
      g_autoptr(GZlibDecompressor) gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      return g_converter_input_stream_new (G_INPUT_STREAM (buffered), G_CONVERTER (gunzip));
    }
  return G_INPUT_STREAM (g_steal_pointer (&buffered));
}

ConclaveTraceReader *
conclave_trace_reader_new_for_stream (ConclaveEventStore *store,
                                      GInputStream       *stream,
                                      const char         *name,
                                      GError            **error)
{
  g_autoptr(GError) local = NULL;
  ConclaveTraceReader *self;
  GInputStream *in;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream) && name != NULL, NULL);

  if ((in = open_input (stream, &local)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, local->code, "Cannot open the trace %s: %s", name, local->message);
      return NULL;
    }
  self = g_new0 (ConclaveTraceReader, 1);
  self->store = g_object_ref (store);
  self->parser = conclave_line_parser_new (conclave_event_store_get_intern (store));
  self->in = in;
  self->path = g_strdup (name);
  self->buffer = g_byte_array_sized_new (1 << 17);
  self->first_proc = conclave_event_store_get_n_processes (store);
  self->base = conclave_event_store_get_end (store);
  self->damaged = g_array_new (FALSE, FALSE, sizeof (guint64));
  return self;
}

ConclaveTraceReader *
conclave_trace_reader_new (ConclaveEventStore *store,
                           const char         *path,
                           GError            **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  if ((raw = g_file_read (file, NULL, &local)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, local->code, "Cannot open the trace %s: %s", path, local->message);
      return NULL;
    }
  return conclave_trace_reader_new_for_stream (store, G_INPUT_STREAM (raw), path, error);
}

/* More of the file into the buffer; FALSE at its end (or where it broke). */
static gboolean
fill (ConclaveTraceReader *self)
{
  g_autoptr(GError) error = NULL;
  gsize old;
  gssize n;

  if (self->eof)
    return FALSE;
  g_byte_array_remove_range (self->buffer, 0, (guint) self->pos);
  self->pos = 0;
  old = self->buffer->len;
  g_byte_array_set_size (self->buffer, (guint) old + (1 << 16));
  n = g_input_stream_read (self->in, self->buffer->data + old, 1 << 16, NULL, &error);
  g_byte_array_set_size (self->buffer, (guint) (old + MAX (n, 0)));
  if (n <= 0)
    {
      self->eof = TRUE;
      if (error != NULL && self->n_bad++ == 0)
        self->first_problem = g_strdup_printf ("%s:%u: %s", self->path, self->number + 1, error->message);
    }
  return n > 0;
}

/* The next line without its newline (NUL-terminated in the buffer), or
 * NULL at the end; a last line without a newline counts too. */
static char *
next_line (ConclaveTraceReader *self, gsize *len)
{
  for (;;)
    {
      char *start = (char *) self->buffer->data + self->pos;
      gsize avail = self->buffer->len - self->pos;
      char *nl = memchr (start, '\n', avail);

      if (nl == NULL && fill (self))
        continue;
      if (nl == NULL && avail == 0)
        return NULL;
      if (nl == NULL)
        {
          g_byte_array_append (self->buffer, (const guint8 *) "\n", 1);
          continue;
        }
      *nl = '\0';
      *len = (gsize) (nl - start);
      self->pos += *len + 1;
      self->number++;
      return start;
    }
}

/* A verdict's cause, written as how many event lines back it is, to the
 * store index that line's event goes to; 0 (no cause) when it is not in
 * the file or its line was damaged. */
static guint64
cause_index (ConclaveTraceReader *self, guint64 line, guint64 back)
{
  guint64 cause, skipped = 0;

  if (back == 0 || back > line)
    return 0;
  cause = line - back;
  for (guint i = 0; i < self->damaged->len; i++)
    {
      guint64 bad = g_array_index (self->damaged, guint64, i);

      if (bad == cause)
        return 0;
      skipped += bad < cause;
    }
  return self->base + cause - skipped;
}

gboolean
conclave_trace_reader_next (ConclaveTraceReader *self,
                            ConclaveEvent       *e)
{
  char *line;
  gsize len;

  g_return_val_if_fail (self != NULL && e != NULL, FALSE);

  while ((line = next_line (self, &len)) != NULL)
    {
      const char *reason = NULL;

      if (len == 0 || (self->number == 1 && read_header (line, len, &self->header)))
        continue;
      if (conclave_line_parser_parse (self->parser, line, len, e, &reason) != CONCLAVE_PARSE_OK)
        {
          if (self->n_bad++ == 0)
            self->first_problem = g_strdup_printf ("%s:%u: %s", self->path, self->number, reason);
          g_array_append_val (self->damaged, self->n_lines);
          self->n_lines++;
          continue;
        }
      if (e->type == CONCLAVE_EVENT_VIOLATION)
        e->key = cause_index (self, self->n_lines, e->key);
      e->proc = process_for_line (self->store, self->parser, e);
      self->n_lines++;
      return TRUE;
    }
  return FALSE;
}

const ConclaveTraceHeader *
conclave_trace_reader_get_header (ConclaveTraceReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->header;
}

void
conclave_trace_reader_finish (ConclaveTraceReader *self,
                              guint               *n_bad,
                              char               **first_problem)
{
  g_return_if_fail (self != NULL);

  fold_quiet_children (self->store, self->first_proc);
  if (n_bad)
    *n_bad = self->n_bad;
  if (first_problem)
    *first_problem = g_steal_pointer (&self->first_problem);
}

void
conclave_trace_reader_free (ConclaveTraceReader *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->store);
  conclave_line_parser_free (self->parser);
  g_object_unref (self->in);
  g_free (self->path);
  g_byte_array_unref (self->buffer);
  g_free (self->first_problem);
  conclave_trace_header_clear (&self->header);
  g_array_unref (self->damaged);
  g_free (self);
}

gboolean
conclave_trace_load (ConclaveEventStore *store,
                     const char         *path,
                     guint              *n_bad,
                     char              **first_problem,
                     GError            **error)
{
  return conclave_trace_load_with_header (store, path, NULL, n_bad, first_problem, error);
}

gboolean
conclave_trace_load_with_header (ConclaveEventStore  *store,
                                 const char          *path,
                                 ConclaveTraceHeader *header,
                                 guint               *n_bad,
                                 char               **first_problem,
                                 GError             **error)
{
  g_autoptr(ConclaveTraceReader) reader = conclave_trace_reader_new (store, path, error);
  g_autoptr(GArray) batch = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveEvent), 4096);
  ConclaveEvent e;

  if (reader == NULL)
    return FALSE;
  while (conclave_trace_reader_next (reader, &e))
    {
      g_array_append_val (batch, e);
      if (batch->len == 4096)
        {
          conclave_event_store_append (store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
          g_array_set_size (batch, 0);
        }
    }
  conclave_event_store_append (store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
  conclave_trace_reader_finish (reader, n_bad, first_problem);
  if (header != NULL)
    {
      conclave_trace_header_clear (header);
      conclave_trace_header_copy (header, conclave_trace_reader_get_header (reader));
    }
  return TRUE;
}
