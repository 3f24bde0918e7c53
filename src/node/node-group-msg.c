/* node-group-msg.c — payloads of the server group (chapter 4).
 *
 * A tiny tokenizer over a private copy of the payload. It must never read
 * past `len`, and never let a value with a space or a missing sender in.
 */
#include "node-group-msg.h"

#include <string.h>

gboolean
group_msg_valid_name (const char *name)
{
  gsize n = 0;

  if (name == NULL || !g_ascii_islower (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++, n++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-') || n >= 32)
      return FALSE;
  return TRUE;
}

/* Splits msg->buf into tokens; the token starting with "text=" takes the rest. */
static gboolean
tokenize (GroupMsg *msg)
{
  char *p = msg->buf;

  while (*p != '\0')
    {
      char *eq, *end;

      while (*p == ' ')
        p++;
      if (*p == '\0')
        break;
      if (msg->n >= GROUP_MSG_MAX_FIELDS)
        return FALSE;
      end = g_str_has_prefix (p, "text=") ? p + strlen (p) : strchrnul (p, ' ');
      eq = memchr (p, '=', (gsize) (end - p));
      if (eq == NULL || eq == p)
        return FALSE;
      *eq = '\0';
      if (group_msg_get (msg, p) != NULL)
        return FALSE;  /* a key twice: which one would count? */
      msg->keys[msg->n] = p;
      msg->values[msg->n] = eq + 1;
      msg->n++;
      p = end;
      if (*p == ' ')
        *p++ = '\0';
    }
  return TRUE;
}

gboolean
group_msg_parse (const char *payload, gsize len, GroupMsg *msg)
{
  memset (msg, 0, sizeof *msg);
  if (memchr (payload, '\0', len) != NULL)
    return FALSE;
  msg->buf = g_strndup (payload, len);
  if (!tokenize (msg) || !group_msg_valid_name (group_msg_get (msg, "from")))
    {
      group_msg_clear (msg);
      return FALSE;
    }
  return TRUE;
}

void
group_msg_clear (GroupMsg *msg)
{
  g_clear_pointer (&msg->buf, g_free);
  msg->n = 0;
}

const char *
group_msg_get (const GroupMsg *msg, const char *key)
{
  for (guint i = 0; i < msg->n; i++)
    if (strcmp (msg->keys[i], key) == 0)
      return msg->values[i];
  return NULL;
}

guint64
group_msg_get_u64 (const GroupMsg *msg, const char *key, guint64 fallback)
{
  const char *value = group_msg_get (msg, key);
  guint64 out;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &out, NULL))
    return fallback;
  return out;
}

void
group_msg_add (GString *payload, const char *key, const char *value)
{
  if (payload->len > 0)
    g_string_append_c (payload, ' ');
  g_string_append_printf (payload, "%s=%s", key, value);
}

void
group_msg_add_u64 (GString *payload, const char *key, guint64 value)
{
  if (payload->len > 0)
    g_string_append_c (payload, ' ');
  g_string_append_printf (payload, "%s=%" G_GUINT64_FORMAT, key, value);
}

gboolean
group_msg_sender (const char *payload, gsize len, char *name, gsize size)
{
  const char *end = payload + len;
  gsize n = 0;

  if (len < 5 || memcmp (payload, "from=", 5) != 0)
    return FALSE;
  for (const char *p = payload + 5; p < end && *p != ' '; p++)
    {
      if (n + 1 >= size)
        return FALSE;
      name[n++] = *p;
    }
  name[n] = '\0';
  return group_msg_valid_name (name);
}
