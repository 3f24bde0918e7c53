/* conclave-display-text.c — control characters made visible (see the header).
 *
 * Must never drop a character silently: whatever the program sent stays
 * readable, only no longer acts on the terminal or confuses Pango.
 */
#include "conclave-display-text.h"

#include <string.h>

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

static gboolean
is_fit (const char *text)
{
  const char *end;

  if (!g_utf8_validate (text, -1, &end))
    return FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (is_control (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

char *
conclave_display_text (const char *text)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return g_strdup ("");
  if (is_fit (text))
    return g_strdup (text);
  out = g_string_sized_new (strlen (text) + 16);
  end = text + strlen (text);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_unichar (out, 0xfffd);  /* one byte that is not UTF-8 */
          p++;
          continue;
        }
      if (c < 0x80 && is_control (c))
        g_string_append_printf (out, "\\x%02x", c);
      else if (is_control (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

char *
conclave_display_text_take (char *text)
{
  char *fit;

  if (text != NULL && is_fit (text))
    return text;
  fit = conclave_display_text (text);
  g_free (text);
  return fit;
}
