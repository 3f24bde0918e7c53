/* conclave-event.c — names of event types and parsing of matching keys.
 *
 * The names are the protocol's `ev` values (PROTOCOL.md); keep the two in step.
 */
#include "conclave-event.h"

#include <string.h>

static const char * const type_names[CONCLAVE_EVENT_N_TYPES] = {
  [CONCLAVE_EVENT_NONE] = "none",
  [CONCLAVE_EVENT_HELLO] = "hello",
  [CONCLAVE_EVENT_SOCKET] = "socket",
  [CONCLAVE_EVENT_SEND] = "send",
  [CONCLAVE_EVENT_RECV] = "recv",
  [CONCLAVE_EVENT_DROP] = "drop",
  [CONCLAVE_EVENT_FORK] = "fork",
  [CONCLAVE_EVENT_REAP] = "reap",
  [CONCLAVE_EVENT_EXIT] = "exit",
  [CONCLAVE_EVENT_STATE] = "state",
  [CONCLAVE_EVENT_DELIVER] = "deliver",
  [CONCLAVE_EVENT_ACKED] = "acked",
  [CONCLAVE_EVENT_GARBAGE] = "garbage",
  [CONCLAVE_EVENT_REWRITE] = "rewrite",
  [CONCLAVE_EVENT_LOG] = "log",
  [CONCLAVE_EVENT_OVERFLOW] = "overflow",
  [CONCLAVE_EVENT_SPAWN] = "spawn",
  [CONCLAVE_EVENT_CRASH] = "crash",
  [CONCLAVE_EVENT_STOP] = "stop",
  [CONCLAVE_EVENT_PAUSE] = "pause",
  [CONCLAVE_EVENT_RESUME] = "resume",
  [CONCLAVE_EVENT_RESTART] = "restart",
  [CONCLAVE_EVENT_REMOVE] = "remove",
  [CONCLAVE_EVENT_EXITED] = "exited",
  [CONCLAVE_EVENT_FAULT] = "fault",
  [CONCLAVE_EVENT_ERROR] = "error",
  [CONCLAVE_EVENT_LOST] = "lost",
  [CONCLAVE_EVENT_VIOLATION] = "violation",
};

const char *
conclave_event_type_to_string (ConclaveEventType type)
{
  if ((guint) type >= CONCLAVE_EVENT_N_TYPES)
    return "none";
  return type_names[type];
}

ConclaveEventType
conclave_event_type_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, CONCLAVE_EVENT_NONE);

  for (guint i = 1; i < CONCLAVE_EVENT_N_TYPES; i++)
    if (strcmp (type_names[i], name) == 0)
      return i;
  return CONCLAVE_EVENT_NONE;
}

gboolean
conclave_event_type_is_message (ConclaveEventType type)
{
  return type == CONCLAVE_EVENT_SEND || type == CONCLAVE_EVENT_RECV ||
         type == CONCLAVE_EVENT_DROP || type == CONCLAVE_EVENT_LOST;
}

static gboolean
parse_decimal (const char **p, guint64 max, guint64 *out)
{
  guint64 v = 0;
  const char *s = *p;

  if (!g_ascii_isdigit (*s))
    return FALSE;
  while (g_ascii_isdigit (*s))
    {
      v = v * 10 + (guint64) (*s - '0');
      if (v > max)
        return FALSE;
      s++;
    }
  *p = s;
  *out = v;
  return TRUE;
}

gboolean
conclave_message_id_parse (const char *text, guint64 *key)
{
  guint64 pid, n;
  const char *p = text;

  if (text == NULL || !parse_decimal (&p, G_MAXINT32, &pid) || *p++ != ':' ||
      !parse_decimal (&p, G_MAXUINT32, &n) || *p != '\0' || pid == 0)
    return FALSE;
  *key = (pid << 32) | n;
  return TRUE;
}

gboolean
conclave_hash_parse (const char *text, guint64 *key)
{
  guint64 v = 0;

  if (text == NULL || strlen (text) != 16)
    return FALSE;
  for (guint i = 0; i < 16; i++)
    {
      int d = g_ascii_xdigit_value (text[i]);
      if (d < 0)
        return FALSE;
      v = (v << 4) | (guint64) d;
    }
  *key = v;
  return TRUE;
}
