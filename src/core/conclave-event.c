/* conclave-event.c — names of event types and parsing of matching keys.
 *
 * The names are the protocol's `ev` values, defined once in
 * conclave-protocol.h; this only maps them to the enum.
 */
#include "conclave-event.h"
#include "conclave-protocol.h"

#include <string.h>

static const char * const type_names[CONCLAVE_EVENT_N_TYPES] = {
  [CONCLAVE_EVENT_NONE] = "none",
  [CONCLAVE_EVENT_HELLO] = CONCLAVE_EV_HELLO,
  [CONCLAVE_EVENT_SOCKET] = CONCLAVE_EV_SOCKET,
  [CONCLAVE_EVENT_SEND] = CONCLAVE_EV_SEND,
  [CONCLAVE_EVENT_RECV] = CONCLAVE_EV_RECV,
  [CONCLAVE_EVENT_DROP] = CONCLAVE_EV_DROP,
  [CONCLAVE_EVENT_FORK] = CONCLAVE_EV_FORK,
  [CONCLAVE_EVENT_REAP] = CONCLAVE_EV_REAP,
  [CONCLAVE_EVENT_EXIT] = CONCLAVE_EV_EXIT,
  [CONCLAVE_EVENT_STATE] = CONCLAVE_EV_STATE,
  [CONCLAVE_EVENT_DELIVER] = CONCLAVE_EV_DELIVER,
  [CONCLAVE_EVENT_ACKED] = CONCLAVE_EV_ACKED,
  [CONCLAVE_EVENT_GARBAGE] = CONCLAVE_EV_GARBAGE,
  [CONCLAVE_EVENT_REWRITE] = CONCLAVE_EV_REWRITE,
  [CONCLAVE_EVENT_LOG] = CONCLAVE_EV_LOG,
  [CONCLAVE_EVENT_OVERFLOW] = CONCLAVE_EV_OVERFLOW,
  [CONCLAVE_EVENT_SPAWN] = CONCLAVE_EV_SPAWN,
  [CONCLAVE_EVENT_CRASH] = CONCLAVE_EV_CRASH,
  [CONCLAVE_EVENT_STOP] = CONCLAVE_EV_STOP,
  [CONCLAVE_EVENT_PAUSE] = CONCLAVE_EV_PAUSE,
  [CONCLAVE_EVENT_RESUME] = CONCLAVE_EV_RESUME,
  [CONCLAVE_EVENT_RESTART] = CONCLAVE_EV_RESTART,
  [CONCLAVE_EVENT_REMOVE] = CONCLAVE_EV_REMOVE,
  [CONCLAVE_EVENT_EXITED] = CONCLAVE_EV_EXITED,
  [CONCLAVE_EVENT_FAULT] = CONCLAVE_EV_FAULT,
  [CONCLAVE_EVENT_ERROR] = CONCLAVE_EV_ERROR,
  [CONCLAVE_EVENT_LOST] = CONCLAVE_EV_LOST,
  [CONCLAVE_EVENT_VIOLATION] = CONCLAVE_EV_VIOLATION,
  [CONCLAVE_EVENT_OUTPUT] = CONCLAVE_EV_OUTPUT,
  [CONCLAVE_EVENT_HELD] = CONCLAVE_EV_HELD,
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
         type == CONCLAVE_EVENT_DROP || type == CONCLAVE_EVENT_LOST || type == CONCLAVE_EVENT_HELD;
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
