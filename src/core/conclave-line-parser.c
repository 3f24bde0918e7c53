/* conclave-line-parser.c — control lines into ConclaveEvent records.
 *
 * Both paths, json-glib's and the fast scanner, describe what they found as
 * a list of (field, value) and hand it to one function, fill_event(), that
 * knows the schema (the table below, which the line writer reads too). The fast scanner only ever answers
 * for lines it understood completely; for anything else (nested values, \u
 * escapes, odd numbers, any error) it gives the line to json-glib, so the
 * two can never disagree. Never touches the store, only the interner.
 */
#include "conclave-line-parser.h"
#include "conclave-line-parser-private.h"
#include "conclave-protocol.h"

#include <json-glib/json-glib.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the schema: which fields each line has, and where each goes -------- */

#define END { NULL, 0, 0, FALSE }

static const ConclaveLineField hello_fields[] = {
  { "v", SLOT_LC, K_UINT, TRUE }, { "pid", SLOT_LEN, K_UINT, TRUE },
  { "ppid", SLOT_NUM, K_INT, TRUE }, { "node", SLOT_S1, K_STR, FALSE },
  { "role", SLOT_S0, K_STR, FALSE }, { "program", SLOT_S2, K_STR, FALSE }, END };
static const ConclaveLineField socket_fields[] = {
  { "op", SLOT_S0, K_STR, TRUE }, { "proto", SLOT_PROTO, K_STR, FALSE },
  { "local", SLOT_S1, K_STR, FALSE }, { "peer", SLOT_S2, K_STR, FALSE }, END };
static const ConclaveLineField message_fields[] = {
  { "proto", SLOT_PROTO, K_STR, TRUE }, { "src", SLOT_S1, K_STR, TRUE },
  { "dst", SLOT_S2, K_STR, TRUE }, { "len", SLOT_LEN, K_UINT, TRUE },
  { "kind", SLOT_S0, K_STR, FALSE }, { "preview", SLOT_S3, K_STR, FALSE },
  { "id", SLOT_KEY_ID, K_STR, FALSE }, { "hash", SLOT_KEY_HASH, K_STR, FALSE },
  { "lc", SLOT_LC, K_UINT, FALSE }, { "off", SLOT_OFFSET, K_INT, FALSE },
  { "dir", SLOT_DIR, K_STR, FALSE }, { "reason", SLOT_REASON, K_STR, FALSE }, END };
static const ConclaveLineField lost_fields[] = {
  { "proto", SLOT_PROTO, K_STR, FALSE }, { "src", SLOT_S1, K_STR, FALSE },
  { "dst", SLOT_S2, K_STR, FALSE }, { "kind", SLOT_S0, K_STR, FALSE },
  { "preview", SLOT_S3, K_STR, FALSE }, { "id", SLOT_KEY_ID, K_STR, FALSE },
  { "hash", SLOT_KEY_HASH, K_STR, FALSE }, { "reason", SLOT_REASON, K_STR, FALSE }, END };
static const ConclaveLineField fork_fields[] = { { "child", SLOT_NUM, K_INT, TRUE }, END };
static const ConclaveLineField reap_fields[] = {
  { "child", SLOT_NUM, K_INT, TRUE }, { "code", SLOT_LEN, K_UINT, FALSE },
  { "signal", SLOT_LC, K_UINT, FALSE }, END };
static const ConclaveLineField exit_fields[] = { { "code", SLOT_NUM, K_INT, FALSE }, END };
static const ConclaveLineField state_fields[] = {
  { "role", SLOT_S0, K_STR, TRUE }, { "leader", SLOT_S1, K_STR, FALSE },
  { "view", SLOT_S2, K_STRV, FALSE }, { "election", SLOT_S3, K_STR, FALSE },
  { "term", SLOT_KEY_INT, K_UINT63, FALSE }, { "why", SLOT_LEN_STR, K_STR, FALSE },
  { "timeout_ms", SLOT_LC, K_UINT, FALSE }, END };
static const ConclaveLineField deliver_fields[] = {
  { "seqno", SLOT_NUM, K_INT, TRUE }, { "req", SLOT_S0, K_STR, TRUE },
  { "client", SLOT_S1, K_STR, FALSE }, { "text", SLOT_S3, K_STR, FALSE }, END };
static const ConclaveLineField acked_fields[] = {
  { "req", SLOT_S0, K_STR, TRUE }, { "seqno", SLOT_NUM, K_INT, FALSE }, END };
static const ConclaveLineField garbage_fields[] = {
  { "count", SLOT_NUM, K_INT, TRUE }, { "from", SLOT_S1, K_STR, FALSE }, END };
static const ConclaveLineField rewrite_fields[] = {
  { "what", SLOT_S0, K_STR, FALSE }, { "from", SLOT_S1, K_STR, TRUE },
  { "to", SLOT_S2, K_STR, TRUE }, END };
static const ConclaveLineField log_fields[] = {
  { "text", SLOT_S3, K_STR, TRUE }, { "level", SLOT_LEVEL, K_STR, FALSE }, END };
static const ConclaveLineField overflow_fields[] = { { "dropped", SLOT_NUM, K_INT, TRUE }, END };
static const ConclaveLineField spawn_fields[] = {
  { "node", SLOT_S0, K_STR, TRUE }, { "argv", SLOT_S2, K_STRV, FALSE },
  { "pid", SLOT_LEN, K_UINT, FALSE }, END };
static const ConclaveLineField node_fields[] = { { "node", SLOT_S0, K_STR, TRUE }, END };
static const ConclaveLineField exited_fields[] = {
  { "node", SLOT_S0, K_STR, TRUE }, { "code", SLOT_NUM, K_INT, FALSE },
  { "signal", SLOT_LC, K_UINT, FALSE }, { "pid", SLOT_LEN, K_UINT, FALSE }, END };
static const ConclaveLineField fault_fields[] = {
  { "node", SLOT_S0, K_STR, TRUE }, { "isolate", SLOT_S1, K_STRV, FALSE },
  { "delay_ms", SLOT_NUM, K_INT, FALSE }, { "drop", SLOT_PERMILLE, K_NUMBER, FALSE }, END };
static const ConclaveLineField error_fields[] = { { "reason", SLOT_S3, K_STR, TRUE }, END };
static const ConclaveLineField output_fields[] = {
  { "node", SLOT_S0, K_STR, TRUE }, { "stream", SLOT_S1, K_STR, TRUE },
  { "text", SLOT_S3, K_STR, TRUE }, { "pid", SLOT_LEN, K_UINT, FALSE }, END };
static const ConclaveLineField violation_fields[] = {
  { "what", SLOT_S0, K_STR, TRUE }, { "text", SLOT_S3, K_STR, FALSE },
  { "cause", SLOT_KEY_INT, K_UINT63, FALSE }, END };

static const ConclaveLineField *
fields_for (ConclaveEventType type)
{
  switch (type)
    {
    case CONCLAVE_EVENT_HELLO: return hello_fields;
    case CONCLAVE_EVENT_SOCKET: return socket_fields;
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP:
    case CONCLAVE_EVENT_HELD: return message_fields;
    case CONCLAVE_EVENT_LOST: return lost_fields;
    case CONCLAVE_EVENT_FORK: return fork_fields;
    case CONCLAVE_EVENT_REAP: return reap_fields;
    case CONCLAVE_EVENT_EXIT: return exit_fields;
    case CONCLAVE_EVENT_STATE: return state_fields;
    case CONCLAVE_EVENT_DELIVER: return deliver_fields;
    case CONCLAVE_EVENT_ACKED: return acked_fields;
    case CONCLAVE_EVENT_GARBAGE: return garbage_fields;
    case CONCLAVE_EVENT_REWRITE: return rewrite_fields;
    case CONCLAVE_EVENT_LOG: return log_fields;
    case CONCLAVE_EVENT_OVERFLOW: return overflow_fields;
    case CONCLAVE_EVENT_SPAWN: return spawn_fields;
    case CONCLAVE_EVENT_CRASH:
    case CONCLAVE_EVENT_STOP:
    case CONCLAVE_EVENT_PAUSE:
    case CONCLAVE_EVENT_RESUME:
    case CONCLAVE_EVENT_RESTART:
    case CONCLAVE_EVENT_REMOVE: return node_fields;
    case CONCLAVE_EVENT_EXITED: return exited_fields;
    case CONCLAVE_EVENT_FAULT: return fault_fields;
    case CONCLAVE_EVENT_ERROR: return error_fields;
    case CONCLAVE_EVENT_VIOLATION: return violation_fields;
    case CONCLAVE_EVENT_OUTPUT: return output_fields;
    case CONCLAVE_EVENT_NONE:
    case CONCLAVE_EVENT_N_TYPES:
    default: return NULL;
    }
}

const ConclaveLineField *
_conclave_line_fields_for (ConclaveEventType type)
{
  return fields_for (type);
}

/* ---- one value, whichever path found it ---------------------------------- */

typedef enum { V_ABSENT, V_STR, V_INT, V_DOUBLE, V_STRV, V_OTHER } ValueType;

typedef struct {
  ValueType   type;
  const char *str;      /* V_STR, V_STRV (joined): not necessarily NUL-terminated */
  gsize       len;
  gint64      i;
  double      d;
} Value;

/* Finds one named field in whatever the path parsed. */
typedef void (*GetFunc) (gpointer source, const char *name, Value *value);

struct _ConclaveLineParser {
  ConclaveIntern *intern;
  JsonParser     *json;
  GString        *scratch;      /* joined arrays (reference) */
  char           *unescaped;    /* decoded strings (fast path) */
  gsize           unescaped_size;
  char            reason[160];
  char           *last_node;
  gint            last_pid;
};

G_GNUC_PRINTF (4, 5)
static ConclaveParseResult
fail (ConclaveLineParser *self, ConclaveParseResult result, const char **reason,
      const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_vsnprintf (self->reason, sizeof self->reason, format, args);
  va_end (args);
  if (reason)
    *reason = self->reason;
  return result;
}

static gboolean
value_is_int (const Value *v, gint64 min, gint64 max)
{
  return v->type == V_INT && v->i >= min && v->i <= max;
}

static gboolean
str_eq (const Value *v, const char *s)
{
  return v->len == strlen (s) && memcmp (v->str, s, v->len) == 0;
}

static gboolean
store_string (ConclaveLineParser *self, ConclaveEvent *event, ConclaveLineSlot slot, const Value *v)
{
  guint64 key;
  char buf[32];

  switch (slot)
    {
    case SLOT_S0: case SLOT_S1: case SLOT_S2: case SLOT_S3:
      event->s[slot - SLOT_S0] = conclave_intern_add_len (self->intern, v->str, v->len);
      return TRUE;
    case SLOT_LEN_STR:
      event->len = conclave_intern_add_len (self->intern, v->str, v->len);
      return TRUE;
    case SLOT_PROTO:
      if (str_eq (v, "udp"))
        event->proto = CONCLAVE_PROTO_UDP;
      else if (str_eq (v, "tcp"))
        event->proto = CONCLAVE_PROTO_TCP;
      else if (str_eq (v, "unix"))
        event->proto = CONCLAVE_PROTO_UNIX;
      else
        return FALSE;
      return TRUE;
    case SLOT_KEY_ID:
    case SLOT_KEY_HASH:
      if (v->len >= sizeof buf)
        return FALSE;
      memcpy (buf, v->str, v->len);
      buf[v->len] = '\0';
      if (slot == SLOT_KEY_ID ? !conclave_message_id_parse (buf, &key) : !conclave_hash_parse (buf, &key))
        return FALSE;
      if (slot == SLOT_KEY_HASH)
        event->flags |= CONCLAVE_EVENT_FLAG_KEY_IS_HASH;
      event->key = key;
      return TRUE;
    /* Flags only where they mean something (as the writer writes them):
     * a send that says "isolated" must not read back as a different event. */
    case SLOT_DIR:
      if (str_eq (v, CONCLAVE_DIR_RECV) && event->type == CONCLAVE_EVENT_DROP)
        event->flags |= CONCLAVE_EVENT_FLAG_DIR_RECV;
      else if (!str_eq (v, CONCLAVE_DIR_RECV) && !str_eq (v, CONCLAVE_DIR_SEND))
        return FALSE;
      return TRUE;
    case SLOT_REASON:
      if (str_eq (v, CONCLAVE_REASON_ISOLATED) && event->type == CONCLAVE_EVENT_DROP)
        event->flags |= CONCLAVE_EVENT_FLAG_ISOLATED;
      else if (str_eq (v, CONCLAVE_REASON_UNHEARD) && event->type == CONCLAVE_EVENT_LOST)
        event->flags |= CONCLAVE_EVENT_FLAG_UNHEARD;
      else if (str_eq (v, CONCLAVE_REASON_NOT_READ) && event->type == CONCLAVE_EVENT_LOST)
        event->flags |= CONCLAVE_EVENT_FLAG_NOT_READ;
      else if (str_eq (v, CONCLAVE_REASON_HELD))
        event->flags |= CONCLAVE_EVENT_FLAG_BY_HAND;
      return TRUE;
    case SLOT_LEVEL:
      if (str_eq (v, CONCLAVE_LEVEL_WARNING))
        event->flags |= CONCLAVE_EVENT_FLAG_WARNING;
      return TRUE;
    case SLOT_NUM: case SLOT_LEN: case SLOT_LC: case SLOT_OFFSET: case SLOT_PERMILLE:
    default:
      return FALSE;
    }
}

static void
store_int (ConclaveEvent *event, ConclaveLineSlot slot, gint64 i)
{
  switch (slot)
    {
    case SLOT_NUM: event->num = (gint32) i; break;
    case SLOT_LEN: event->len = (guint32) i; break;
    case SLOT_LC: event->lc = (guint32) i; break;
    case SLOT_OFFSET:
      event->num = (gint32) i;
      event->flags |= CONCLAVE_EVENT_FLAG_HAS_OFFSET;
      break;
    case SLOT_PERMILLE: event->lc = (guint32) i; break;
    case SLOT_KEY_INT: event->key = (guint64) i; break;
    case SLOT_S0: case SLOT_S1: case SLOT_S2: case SLOT_S3: case SLOT_KEY_ID:
    case SLOT_KEY_HASH: case SLOT_PROTO: case SLOT_DIR: case SLOT_REASON: case SLOT_LEVEL:
    case SLOT_LEN_STR:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
fill_field (ConclaveLineParser *self, ConclaveEvent *event, const ConclaveLineField *f, const Value *v)
{
  switch (f->kind)
    {
    case K_STR:
      return v->type == V_STR && store_string (self, event, f->slot, v);
    case K_STRV:
      return v->type == V_STRV && store_string (self, event, f->slot, v);
    case K_INT:
      if (!value_is_int (v, G_MININT32, G_MAXINT32))
        return FALSE;
      store_int (event, f->slot, v->i);
      return TRUE;
    case K_UINT:
      if (!value_is_int (v, 0, G_MAXUINT32))
        return FALSE;
      store_int (event, f->slot, v->i);
      return TRUE;
    case K_UINT63:
      if (!value_is_int (v, 0, G_MAXINT64))
        return FALSE;
      store_int (event, f->slot, v->i);
      return TRUE;
    case K_NUMBER:
      {
        double d = v->type == V_INT ? (double) v->i : v->d;
        if ((v->type != V_INT && v->type != V_DOUBLE) || !(d >= 0.0 && d <= 1.0))
          return FALSE;
        store_int (event, f->slot, (gint64) (d * 1000.0 + 0.5));
        return TRUE;
      }
    default:
      return FALSE;
    }
}

static ConclaveParseResult
fill_event (ConclaveLineParser *self, GetFunc get, gpointer source,
            ConclaveEvent *event, const char **reason)
{
  const ConclaveLineField *fields;
  ConclaveEventType type;
  Value v;
  char name[32];

  memset (event, 0, sizeof *event);
  g_clear_pointer (&self->last_node, g_free);
  self->last_pid = 0;

  get (source, "ev", &v);
  if (v.type == V_ABSENT)
    return fail (self, CONCLAVE_PARSE_ERROR_NO_EVENT, reason, "%s", "no \"ev\" field");
  if (v.type != V_STR)
    return fail (self, CONCLAVE_PARSE_ERROR_WRONG_TYPE, reason, "%s", "\"ev\" is not a string");
  if (v.len >= sizeof name)
    return fail (self, CONCLAVE_PARSE_ERROR_UNKNOWN_EVENT, reason, "%s", "unknown event");
  memcpy (name, v.str, v.len);
  name[v.len] = '\0';
  type = conclave_event_type_from_string (name);
  fields = fields_for (type);
  if (fields == NULL)
    return fail (self, CONCLAVE_PARSE_ERROR_UNKNOWN_EVENT, reason, "unknown event \"%s\"", name);
  event->type = type;

  get (source, "t", &v);
  if (v.type == V_ABSENT)
    return fail (self, CONCLAVE_PARSE_ERROR_MISSING_FIELD, reason, "missing field \"%s\"", "t");
  if (!value_is_int (&v, 0, G_MAXINT64))
    return fail (self, CONCLAVE_PARSE_ERROR_WRONG_TYPE, reason, "field \"%s\" has the wrong type", "t");
  event->time_ns = v.i;

  get (source, "seq", &v);
  if (v.type != V_ABSENT && !value_is_int (&v, 0, G_MAXUINT32))
    return fail (self, CONCLAVE_PARSE_ERROR_WRONG_TYPE, reason, "field \"%s\" has the wrong type", "seq");
  event->seq = v.type == V_INT ? (guint32) v.i : 0;

  for (const ConclaveLineField *f = fields; f->name; f++)
    {
      get (source, f->name, &v);
      if (v.type == V_ABSENT)
        {
          if (f->required)
            return fail (self, CONCLAVE_PARSE_ERROR_MISSING_FIELD, reason, "missing field \"%s\"", f->name);
          continue;
        }
      if (!fill_field (self, event, f, &v))
        return fail (self, CONCLAVE_PARSE_ERROR_WRONG_TYPE, reason, "field \"%s\" has the wrong type or value", f->name);
    }

  /* Trace files add the node and pid to each line. */
  get (source, "node", &v);
  if (v.type == V_STR)
    self->last_node = g_strndup (v.str, v.len);
  get (source, "pid", &v);
  if (value_is_int (&v, 1, G_MAXINT32))
    self->last_pid = (gint) v.i;

  return CONCLAVE_PARSE_OK;
}

/* ---- reference path: json-glib ------------------------------------------- */

typedef struct {
  ConclaveLineParser *self;
  JsonObject         *object;
} JsonSource;

static void
json_get (gpointer data, const char *name, Value *v)
{
  JsonSource *src = data;
  JsonNode *node = json_object_get_member (src->object, name);

  memset (v, 0, sizeof *v);
  if (node == NULL)
    return;
  v->type = V_OTHER;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);
      if (t == G_TYPE_STRING)
        {
          v->type = V_STR;
          v->str = json_node_get_string (node);
          v->len = strlen (v->str);
        }
      else if (t == G_TYPE_INT64)
        {
          v->type = V_INT;
          v->i = json_node_get_int (node);
        }
      else if (t == G_TYPE_DOUBLE)
        {
          v->type = V_DOUBLE;
          v->d = json_node_get_double (node);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GString *joined = src->self->scratch;

      g_string_truncate (joined, 0);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            return;
          if (i > 0)
            g_string_append_c (joined, ',');
          g_string_append (joined, json_node_get_string (element));
        }
      v->type = V_STRV;
      v->str = joined->str;
      v->len = joined->len;
    }
}

static ConclaveParseResult
check_line (ConclaveLineParser *self, const char *line, gsize len, const char **reason)
{
  if (len >= CONCLAVE_MAX_LINE)
    return fail (self, CONCLAVE_PARSE_ERROR_TOO_LONG, reason, "%s", "line longer than 64 KiB");
  if (!g_utf8_validate_len (line, len, NULL))
    return fail (self, CONCLAVE_PARSE_ERROR_INVALID_UTF8, reason, "%s", "line is not valid UTF-8");
  return CONCLAVE_PARSE_OK;
}

static int
hex4 (const char *p, const char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* One escape at p (just after the backslash): how many bytes it takes, or
 * 0 when it is not JSON, or -1 when it decodes to something that is not
 * text (a NUL, a surrogate without its partner). */
static int
check_escape (const char *p, const char *end, int *code)
{
  int lo;

  if (p < end && strchr ("\"\\/bfnrt", *p) && *p != '\0')
    return 1;
  if (p >= end || *p != 'u' || (*code = hex4 (p + 1, end)) < 0)
    return 0;
  if (*code == 0 || (*code >= 0xdc00 && *code <= 0xdfff))
    return -1;
  if (*code < 0xd800 || *code > 0xdbff)
    return 5;
  if (end - p < 11 || p[5] != '\\' || p[6] != 'u' || (lo = hex4 (p + 7, end)) < 0xdc00 || lo > 0xdfff)
    return -1;
  return 11;
}

/* json-glib 1.6 takes octal escapes and lone surrogates and cuts a string
 * at \u0000, after the UTF-8 check: every escape is checked here first, so
 * every string is text once decoded. */
static ConclaveParseResult
check_escapes (ConclaveLineParser *self, const char *line, gsize len, const char **reason)
{
  const char *p = memchr (line, '\\', len), *end = line + len;
  gboolean in_string = FALSE;
  int n, code = 0;

  if (p == NULL)
    return CONCLAVE_PARSE_OK;
  for (p = line; p < end; p++)
    {
      if (*p == '"')
        in_string = !in_string;
      if (!in_string || *p != '\\')
        continue;
      n = check_escape (p + 1, end, &code);
      if (n == 0)
        return fail (self, CONCLAVE_PARSE_ERROR_NOT_JSON, reason, "not JSON: invalid escape at byte %u",
                     (guint) (p - line));
      if (n < 0)
        return fail (self, CONCLAVE_PARSE_ERROR_INVALID_UTF8, reason,
                     "a string is not text once decoded: \\u%04x at byte %u", (guint) code, (guint) (p - line));
      p += n;
    }
  return CONCLAVE_PARSE_OK;
}

ConclaveParseResult
conclave_line_parser_parse_reference (ConclaveLineParser *self,
                                      const char         *line,
                                      gsize               len,
                                      ConclaveEvent      *event,
                                      const char        **reason)
{
  g_autoptr(GError) error = NULL;
  ConclaveParseResult result;
  JsonNode *root;
  JsonSource src = { self, NULL };

  g_return_val_if_fail (self != NULL, CONCLAVE_PARSE_ERROR_NOT_JSON);

  memset (event, 0, sizeof *event);
  if ((result = check_line (self, line, len, reason)) != CONCLAVE_PARSE_OK ||
      (result = check_escapes (self, line, len, reason)) != CONCLAVE_PARSE_OK)
    return result;
  if (!json_parser_load_from_data (self->json, line, (gssize) len, &error))
    return fail (self, CONCLAVE_PARSE_ERROR_NOT_JSON, reason, "not JSON: %s", error->message);
  root = json_parser_get_root (self->json);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (self, CONCLAVE_PARSE_ERROR_NOT_OBJECT, reason, "%s", "not a JSON object");
  src.object = json_node_get_object (root);
  return fill_event (self, json_get, &src, event, reason);
}

/* ---- fast path ----------------------------------------------------------- */

#define MAX_PAIRS 24

typedef struct {
  const char *key;
  gsize       key_len;
  Value       value;
} Pair;

typedef struct {
  Pair pairs[MAX_PAIRS];
  guint n;
} Scan;

static void
scan_get (gpointer data, const char *name, Value *v)
{
  Scan *scan = data;
  gsize len = strlen (name);

  for (guint i = 0; i < scan->n; i++)
    if (scan->pairs[i].key_len == len && memcmp (scan->pairs[i].key, name, len) == 0)
      {
        *v = scan->pairs[i].value;
        return;
      }
  memset (v, 0, sizeof *v);
}

static inline const char *
skip_ws (const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
    p++;
  return p;
}

/* A string without escapes points into the line; simple escapes are decoded
 * into the parser's buffer. Anything else (\u, control bytes): give up. */
static const char *
scan_string (ConclaveLineParser *self, const char *p, const char *end,
             const char **out, gsize *out_len, gsize *used)
{
  const char *start = ++p;
  char *dst;

  while (p < end && *p != '"' && *p != '\\' && (guchar) *p >= 0x20)
    p++;
  if (p >= end || (guchar) *p < 0x20)
    return NULL;
  if (*p == '"')
    {
      *out = start;
      *out_len = (gsize) (p - start);
      return p + 1;
    }

  /* Escapes: decode into the scratch buffer at offset *used. */
  if (*used + (gsize) (end - start) + 1 > self->unescaped_size)
    return NULL;
  dst = self->unescaped + *used;
  *out = dst;
  memcpy (dst, start, (gsize) (p - start));
  dst += p - start;
  while (p < end && *p != '"')
    {
      if ((guchar) *p < 0x20)
        return NULL;
      if (*p != '\\')
        {
          *dst++ = *p++;
          continue;
        }
      if (++p >= end)
        return NULL;
      switch (*p++)
        {
        case '"': *dst++ = '"'; break;
        case '\\': *dst++ = '\\'; break;
        case '/': *dst++ = '/'; break;
        case 'n': *dst++ = '\n'; break;
        case 't': *dst++ = '\t'; break;
        case 'r': *dst++ = '\r'; break;
        case 'b': *dst++ = '\b'; break;
        case 'f': *dst++ = '\f'; break;
        default: return NULL;
        }
    }
  if (p >= end)
    return NULL;
  *out_len = (gsize) (dst - *out);
  *used += *out_len;
  return p + 1;
}

/* Plain decimal integers only; floats and exponents go to json-glib. */
static const char *
scan_int (const char *p, const char *end, gint64 *out)
{
  gboolean negative = FALSE;
  guint64 v = 0;
  const char *digits;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  digits = p;
  while (p < end && g_ascii_isdigit (*p))
    {
      if (v > (G_MAXINT64 - 9) / 10)
        return NULL;
      v = v * 10 + (guint64) (*p - '0');
      p++;
    }
  if (p == digits || (p - digits > 1 && *digits == '0'))
    return NULL;
  if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
    return NULL;
  *out = negative ? -(gint64) v : (gint64) v;
  return p;
}

static gboolean
scan_object (ConclaveLineParser *self, const char *line, gsize len, Scan *scan)
{
  const char *p = line, *end = line + len;
  gsize used = 0;

  scan->n = 0;
  p = skip_ws (p, end);
  if (p >= end || *p++ != '{')
    return FALSE;
  p = skip_ws (p, end);
  if (p < end && *p == '}')
    return FALSE;  /* an empty object is an error: let the reference say which */

  while (p < end)
    {
      Pair *pair;

      if (scan->n == MAX_PAIRS || *p != '"')
        return FALSE;
      pair = &scan->pairs[scan->n];
      if (!(p = scan_string (self, p, end, &pair->key, &pair->key_len, &used)))
        return FALSE;
      /* Duplicate keys: json-glib keeps the last; rare enough to hand over. */
      for (guint i = 0; i < scan->n; i++)
        if (scan->pairs[i].key_len == pair->key_len &&
            memcmp (scan->pairs[i].key, pair->key, pair->key_len) == 0)
          return FALSE;
      p = skip_ws (p, end);
      if (p >= end || *p++ != ':')
        return FALSE;
      p = skip_ws (p, end);
      if (p >= end)
        return FALSE;
      memset (&pair->value, 0, sizeof pair->value);
      if (*p == '"')
        {
          pair->value.type = V_STR;
          p = scan_string (self, p, end, &pair->value.str, &pair->value.len, &used);
        }
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          pair->value.type = V_INT;
          p = scan_int (p, end, &pair->value.i);
        }
      else
        return FALSE;
      if (p == NULL)
        return FALSE;
      scan->n++;
      p = skip_ws (p, end);
      if (p < end && *p == ',')
        {
          p = skip_ws (p + 1, end);
          continue;
        }
      if (p < end && *p == '}')
        return skip_ws (p + 1, end) == end;
      return FALSE;
    }
  return FALSE;
}

ConclaveParseResult
conclave_line_parser_parse (ConclaveLineParser *self,
                            const char         *line,
                            gsize               len,
                            ConclaveEvent      *event,
                            const char        **reason)
{
  ConclaveParseResult result;
  Scan scan;

  g_return_val_if_fail (self != NULL, CONCLAVE_PARSE_ERROR_NOT_JSON);

  if ((result = check_line (self, line, len, reason)) != CONCLAVE_PARSE_OK)
    {
      memset (event, 0, sizeof *event);
      return result;
    }
  if (len + 1 > self->unescaped_size)
    {
      self->unescaped_size = MAX (len + 1, 4096);
      self->unescaped = g_realloc (self->unescaped, self->unescaped_size);
    }
  if (scan_object (self, line, len, &scan) &&
      fill_event (self, scan_get, &scan, event, NULL) == CONCLAVE_PARSE_OK)
    return CONCLAVE_PARSE_OK;
  return conclave_line_parser_parse_reference (self, line, len, event, reason);
}

/* ---- life cycle ---------------------------------------------------------- */

ConclaveLineParser *
conclave_line_parser_new (ConclaveIntern *intern)
{
  ConclaveLineParser *self = g_new0 (ConclaveLineParser, 1);

  self->intern = intern;
  self->json = json_parser_new_immutable ();
  self->scratch = g_string_new (NULL);
  return self;
}

void
conclave_line_parser_free (ConclaveLineParser *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->json);
  g_string_free (self->scratch, TRUE);
  g_free (self->unescaped);
  g_free (self->last_node);
  g_free (self);
}

const char *
conclave_line_parser_last_node (ConclaveLineParser *self)
{
  return self->last_node;
}

gint
conclave_line_parser_last_pid (ConclaveLineParser *self)
{
  return self->last_pid;
}

const char *
conclave_parse_result_to_string (ConclaveParseResult result)
{
  static const char * const names[CONCLAVE_PARSE_N_RESULTS] = {
    "ok", "not-json", "not-object", "no-event", "unknown-event",
    "missing-field", "wrong-type", "too-long", "invalid-utf8",
  };
  return (guint) result < CONCLAVE_PARSE_N_RESULTS ? names[result] : "unknown";
}
