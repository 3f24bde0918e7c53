/* trace-command.c — a strict little JSON reader for command lines.
 *
 * Recursive descent over one line, depth-limited, no allocation, numbers
 * read by hand (strtod would follow the program's locale). Unknown members
 * are skipped, as the protocol says; a known member of the wrong type
 * rejects the whole command.
 */
#include "trace-command.h"

#include <string.h>

#define MAX_DEPTH 16

typedef struct {
  const char *p;
  const char *error;
} Reader;

static int
fail (Reader *r, const char *why)
{
  if (r->error == NULL)
    r->error = why;
  return 0;
}

static void
skip_ws (Reader *r)
{
  while (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n')
    r->p++;
}

static int
expect (Reader *r, char c)
{
  skip_ws (r);
  if (*r->p != c)
    return fail (r, "malformed JSON");
  r->p++;
  return 1;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads a string into out (truncated to size - 1; NULL to skip it).
 * \u escapes outside ASCII become '?': nothing the shim reads needs them. */
static int
read_string (Reader *r, char *out, size_t size)
{
  size_t o = 0;

  if (!expect (r, '"'))
    return 0;
  while (*r->p != '"')
    {
      char c = *r->p++;

      if (c == '\0' || (unsigned char) c < 0x20)
        return fail (r, "unterminated string");
      if (c == '\\')
        {
          c = *r->p++;
          switch (c)
            {
            case '"': case '\\': case '/': break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
              {
                int v = 0;
                for (int i = 0; i < 4; i++)
                  {
                    int d = hex_digit (*r->p);
                    if (d < 0)
                      return fail (r, "bad \\u escape");
                    v = v * 16 + d;
                    r->p++;
                  }
                c = v < 0x80 ? (char) v : '?';
                break;
              }
            default:
              return fail (r, "bad escape");
            }
        }
      if (out != NULL && o + 1 < size)
        out[o++] = c;
    }
  r->p++;
  if (out != NULL && size > 0)
    out[o] = '\0';
  return 1;
}

static int
read_digits (Reader *r, double *value, int *count)
{
  *count = 0;
  while (*r->p >= '0' && *r->p <= '9')
    {
      *value = *value * 10 + (*r->p++ - '0');
      (*count)++;
    }
  return *count > 0;
}

static int
read_number (Reader *r, double *out)
{
  double value = 0, frac = 0, scale = 1;
  int negative = 0, n, exp_negative = 0;
  double exponent = 0;

  skip_ws (r);
  if (*r->p == '-')
    negative = 1, r->p++;
  if (!read_digits (r, &value, &n))
    return fail (r, "expected a number");
  if (*r->p == '.')
    {
      r->p++;
      while (*r->p >= '0' && *r->p <= '9')
        {
          frac = frac * 10 + (*r->p++ - '0');
          scale *= 10;
        }
      if (scale == 1)
        return fail (r, "expected digits after the point");
      value += frac / scale;
    }
  if (*r->p == 'e' || *r->p == 'E')
    {
      r->p++;
      if (*r->p == '+' || *r->p == '-')
        exp_negative = *r->p++ == '-';
      if (!read_digits (r, &exponent, &n) || exponent > 308)
        return fail (r, "bad exponent");
      for (int i = 0; i < (int) exponent; i++)
        value = exp_negative ? value / 10 : value * 10;
    }
  *out = negative ? -value : value;
  return 1;
}

static int skip_value (Reader *r, int depth);

static int
skip_container (Reader *r, int depth, char close, int is_object)
{
  skip_ws (r);
  if (*r->p == close)
    {
      r->p++;
      return 1;
    }
  for (;;)
    {
      if (is_object && (!read_string (r, NULL, 0) || !expect (r, ':')))
        return 0;
      if (!skip_value (r, depth + 1))
        return 0;
      skip_ws (r);
      if (*r->p == close)
        {
          r->p++;
          return 1;
        }
      if (!expect (r, ','))
        return 0;
    }
}

static int
skip_literal (Reader *r, const char *word)
{
  size_t n = strlen (word);

  if (strncmp (r->p, word, n) != 0)
    return fail (r, "malformed JSON");
  r->p += n;
  return 1;
}

static int
skip_value (Reader *r, int depth)
{
  double ignored;

  if (depth > MAX_DEPTH)
    return fail (r, "nested too deeply");
  skip_ws (r);
  switch (*r->p)
    {
    case '"': return read_string (r, NULL, 0);
    case '{': r->p++; return skip_container (r, depth, '}', 1);
    case '[': r->p++; return skip_container (r, depth, ']', 0);
    case 't': return skip_literal (r, "true");
    case 'f': return skip_literal (r, "false");
    case 'n': return skip_literal (r, "null");
    default: return read_number (r, &ignored);
    }
}

static int
read_addrs (Reader *r, TraceCommand *cmd)
{
  if (!expect (r, '['))
    return fail (r, "isolate_addrs must be an array of addresses");
  skip_ws (r);
  if (*r->p == ']')
    {
      r->p++;
      return 1;
    }
  for (;;)
    {
      skip_ws (r);
      if (*r->p != '"')
        return fail (r, "isolate_addrs must be an array of addresses");
      if (cmd->n_addrs >= TRACE_MAX_ISOLATED)
        return fail (r, "too many isolated addresses");
      if (!read_string (r, cmd->addrs[cmd->n_addrs++], TRACE_ADDR_MAX))
        return 0;
      skip_ws (r);
      if (*r->p == ']')
        {
          r->p++;
          return 1;
        }
      if (!expect (r, ','))
        return 0;
    }
}

static int
read_member (Reader *r, TraceCommand *cmd)
{
  char key[32];

  if (!read_string (r, key, sizeof key) || !expect (r, ':'))
    return 0;
  skip_ws (r);
  if (strcmp (key, "cmd") == 0)
    return *r->p == '"' ? read_string (r, cmd->cmd, sizeof cmd->cmd) : fail (r, "cmd must be a string");
  if (strcmp (key, "drop") == 0)
    return read_number (r, &cmd->drop) && (cmd->drop >= 0 && cmd->drop <= 1 ? 1 : fail (r, "drop must be a number from 0 to 1"));
  if (strcmp (key, "delay_ms") == 0)
    return read_number (r, &cmd->delay_ms) && (cmd->delay_ms >= 0 && cmd->delay_ms <= 600000 ? 1 : fail (r, "delay_ms must be from 0 to 600000"));
  if (strcmp (key, "isolate_addrs") == 0)
    return read_addrs (r, cmd);
  return skip_value (r, 1);
}

int
trace_command_parse (const char *line, TraceCommand *cmd, const char **error)
{
  Reader r = { line, NULL };

  memset (cmd, 0, sizeof *cmd);
  if (line == NULL || !expect (&r, '{'))
    goto bad;
  skip_ws (&r);
  if (*r.p == '}')
    r.p++;
  else
    for (;;)
      {
        if (!read_member (&r, cmd))
          goto bad;
        skip_ws (&r);
        if (*r.p == '}')
          {
            r.p++;
            break;
          }
        if (!expect (&r, ','))
          goto bad;
      }
  skip_ws (&r);
  if (*r.p != '\0')
    {
      fail (&r, "trailing characters after the command");
      goto bad;
    }
  if (cmd->cmd[0] == '\0')
    {
      fail (&r, "a command needs a string member cmd");
      goto bad;
    }
  return 1;

bad:
  *error = r.error ? r.error : "malformed JSON";
  return 0;
}
