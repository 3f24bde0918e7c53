/* conclave-line-writer.c — ConclaveEvent records back to control lines.
 *
 * The inverse of the line parser, for trace files: one JSON object per
 * event, with the node and pid added, read back by the same parser. Walks
 * the parser's schema, so a field the parser knows is a field written.
 * Never touches the store, only the interner.
 *
 * Written by hand rather than with json-glib's generator because it is on
 * a hot path: a recorded trace writes one line per event, on the main
 * thread, as the events arrive. With a JsonObject and a JsonGenerator per
 * line it took 2.4 times as long (3.4 against 1.4 us an event, best of
 * four interleaved runs of `conclave-bench parse`, "trace line",
 * 2026-12-04): recording would no longer keep up with the ingest rate.
 */
#include "conclave-line-parser.h"
#include "conclave-line-parser-private.h"
#include "conclave-protocol.h"

#include <string.h>

/* Appends s as a JSON string of at most `max` bytes, quotes included (at
 * least the two quotes), cut between characters. */
static void
append_json_string_max (GString *out, const char *s, gsize max)
{
  gsize limit = max >= G_MAXSIZE / 2 ? G_MAXSIZE : out->len + MAX (max, 2) - 1;  /* room for the closing quote */

  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = (guchar) *p;
      gsize mark = out->len;
      const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t"
                        : c == '\r' ? "\\r" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;

      if (esc)
        g_string_append (out, esc);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
      if (out->len > limit)
        {
          /* Back to the start of the character this byte belongs to. */
          g_string_truncate (out, mark);
          if ((c & 0xc0) == 0x80)
            {
              while (((guchar) out->str[out->len - 1] & 0xc0) == 0x80)
                g_string_truncate (out, out->len - 1);
              g_string_truncate (out, out->len - 1);
            }
          break;
        }
    }
  g_string_append_c (out, '"');
}

static void
append_json_string (GString *out, const char *s)
{
  append_json_string_max (out, s, G_MAXSIZE);
}

static void
append_strv (GString *out, const char *joined)
{
  g_auto(GStrv) parts = g_strsplit (joined, ",", -1);

  g_string_append_c (out, '[');
  for (guint i = 0; parts[i]; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_json_string (out, parts[i]);
    }
  g_string_append_c (out, ']');
}

static gboolean
append_slot (GString *out, const ConclaveEvent *e, ConclaveIntern *intern, const ConclaveLineField *f,
             gsize s3_max)
{
  const char *s;

  switch (f->slot)
    {
    case SLOT_S0: case SLOT_S1: case SLOT_S2: case SLOT_S3:
      if (!(s = conclave_intern_lookup (intern, e->s[f->slot - SLOT_S0])))
        return FALSE;
      if (f->kind == K_STRV)
        append_strv (out, s);
      else
        append_json_string_max (out, s, f->slot == SLOT_S3 ? s3_max : G_MAXSIZE);
      return TRUE;
    case SLOT_LEN_STR:
      if (e->len == 0 || !(s = conclave_intern_lookup (intern, e->len)))
        return FALSE;
      append_json_string (out, s);
      return TRUE;
    case SLOT_NUM: g_string_append_printf (out, "%d", e->num); return TRUE;
    case SLOT_LEN: g_string_append_printf (out, "%u", e->len); return TRUE;
    case SLOT_LC: g_string_append_printf (out, "%u", e->lc); return TRUE;
    case SLOT_PERMILLE: g_string_append_printf (out, "%u.%03u", e->lc / 1000, e->lc % 1000); return TRUE;
    case SLOT_KEY_INT: g_string_append_printf (out, "%" G_GUINT64_FORMAT, e->key); return TRUE;
    case SLOT_OFFSET:
      if (!(e->flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET))
        return FALSE;
      g_string_append_printf (out, "%d", e->num);
      return TRUE;
    case SLOT_KEY_ID:
      if (e->key == 0 || (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH))
        return FALSE;
      g_string_append_printf (out, "\"%u:%u\"", (guint) (e->key >> 32), (guint) (e->key & 0xffffffff));
      return TRUE;
    case SLOT_KEY_HASH:
      if (!(e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH))
        return FALSE;
      g_string_append_printf (out, "\"%016" G_GINT64_MODIFIER "x\"", e->key);
      return TRUE;
    case SLOT_PROTO:
      if (e->proto == CONCLAVE_PROTO_NONE)
        return FALSE;
      g_string_append (out, e->proto == CONCLAVE_PROTO_UDP ? "\"udp\""
                            : e->proto == CONCLAVE_PROTO_UNIX ? "\"unix\"" : "\"tcp\"");
      return TRUE;
    case SLOT_DIR:
      g_string_append (out, (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV) ? "\"" CONCLAVE_DIR_RECV "\"" : "\"" CONCLAVE_DIR_SEND "\"");
      return e->type == CONCLAVE_EVENT_DROP;
    case SLOT_REASON:
      if (e->type == CONCLAVE_EVENT_LOST)
        g_string_append (out, (e->flags & CONCLAVE_EVENT_FLAG_UNHEARD) ? "\"" CONCLAVE_REASON_UNHEARD "\""
                              : (e->flags & CONCLAVE_EVENT_FLAG_NOT_READ) ? "\"" CONCLAVE_REASON_NOT_READ "\""
                              : "\"" CONCLAVE_REASON_LOST "\"");
      else if (e->flags & CONCLAVE_EVENT_FLAG_BY_HAND)
        g_string_append (out, "\"" CONCLAVE_REASON_HELD "\"");
      else
        g_string_append (out, (e->flags & CONCLAVE_EVENT_FLAG_ISOLATED) ? "\"" CONCLAVE_REASON_ISOLATED "\"" : "\"" CONCLAVE_REASON_FAULT "\"");
      return e->type == CONCLAVE_EVENT_DROP || e->type == CONCLAVE_EVENT_LOST;
    case SLOT_LEVEL:
      g_string_append (out, (e->flags & CONCLAVE_EVENT_FLAG_WARNING) ? "\"" CONCLAVE_LEVEL_WARNING "\"" : "\"" CONCLAVE_LEVEL_INFO "\"");
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
has_field (const ConclaveLineField *fields, const char *name)
{
  for (const ConclaveLineField *f = fields; f && f->name; f++)
    if (strcmp (f->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Writes the line; returns how many bytes the S3 string (text, preview,
 * reason) took, quotes included. */
static gsize
write_line (const ConclaveEvent *event, ConclaveIntern *intern, const char *node, gint pid,
            GString *out, gsize s3_max)
{
  const ConclaveLineField *fields = _conclave_line_fields_for (event->type);
  gsize s3_len = 0;

  g_string_append_printf (out, "{\"ev\":\"%s\",\"seq\":%u,\"t\":%" G_GINT64_FORMAT,
                          conclave_event_type_to_string (event->type), event->seq, event->time_ns);
  for (const ConclaveLineField *f = fields; f && f->name; f++)
    {
      gsize mark = out->len, value;
      gboolean is_zero_int = (f->kind == K_INT || f->kind == K_UINT || f->kind == K_UINT63) && f->slot != SLOT_OFFSET &&
                             ((f->slot == SLOT_NUM && event->num == 0) ||
                              (f->slot == SLOT_KEY_INT && event->key == 0) ||
                              (f->slot == SLOT_LEN && event->len == 0) ||
                              (f->slot == SLOT_LC && event->lc == 0));

      if (!f->required && is_zero_int)
        continue;
      g_string_append_printf (out, ",\"%s\":", f->name);
      value = out->len;
      if (!append_slot (out, event, intern, f, s3_max))
        g_string_truncate (out, mark);
      else if (f->slot == SLOT_S3)
        s3_len = out->len - value;
    }
  if (node && !has_field (fields, "node"))
    {
      g_string_append (out, ",\"node\":");
      append_json_string (out, node);
    }
  if (pid > 0 && !has_field (fields, "pid"))
    g_string_append_printf (out, ",\"pid\":%d", pid);
  g_string_append_c (out, '}');
  return s3_len;
}

/* A line the parser took can grow here (the node and pid are added, a
 * control character takes six bytes): the text is cut so the line stays
 * shorter than CONCLAVE_MAX_LINE, which is all the trace reader takes. */
void
conclave_event_to_json_line (const ConclaveEvent *event,
                             ConclaveIntern      *intern,
                             const char          *node,
                             gint                 pid,
                             GString             *out)
{
  gsize start, s3_len, excess;

  g_return_if_fail (event != NULL && out != NULL);

  start = out->len;
  s3_len = write_line (event, intern, node, pid, out, G_MAXSIZE);
  if (out->len - start < CONCLAVE_MAX_LINE)
    return;
  excess = out->len - start - (CONCLAVE_MAX_LINE - 1);
  g_string_truncate (out, start);
  write_line (event, intern, node, pid, out, s3_len > excess ? s3_len - excess : 2);
}
