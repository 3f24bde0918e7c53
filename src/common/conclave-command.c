/* conclave-command.c — a strict little JSON reader for command lines.
 *
 * Recursive descent over one line of known length, depth-limited, no
 * allocation, numbers read by hand (strtod would follow the program's
 * locale). Strings are checked as UTF-8 and \u escapes decoded (pairs
 * joined; lone surrogates and \u0000 rejected), so a name reaches the
 * caller exactly as the controller wrote it. Unknown members are skipped,
 * as the protocol says; a known member of the wrong type or out of range
 * rejects the whole command.
 */
#include "conclave-command.h"
#include "conclave-json.h"
#include "conclave-protocol.h"

#include <stdint.h>
#include <string.h>

#define MAX_DEPTH 16

typedef struct {
  const char *p;
  const char *end;
  const char *error;
} Reader;

static int
fail (Reader *r, const char *why)
{
  if (r->error == NULL)
    r->error = why;
  return 0;
}

/* The current byte, or NUL at the end (a NUL inside was rejected up front). */
static char
peek (const Reader *r)
{
  return r->p < r->end ? *r->p : '\0';
}

static void
skip_ws (Reader *r)
{
  while (peek (r) == ' ' || peek (r) == '\t' || peek (r) == '\r' || peek (r) == '\n')
    r->p++;
}

static int
expect (Reader *r, char c)
{
  skip_ws (r);
  if (peek (r) != c)
    return fail (r, "malformed JSON");
  r->p++;
  return 1;
}

static int
hex4 (Reader *r, uint32_t *out)
{
  uint32_t v = 0;

  for (int i = 0; i < 4; i++)
    {
      char c = peek (r);
      int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

      if (d < 0)
        return fail (r, "bad \\u escape");
      v = v * 16 + (uint32_t) d;
      r->p++;
    }
  *out = v;
  return 1;
}

/* \uXXXX (after the backslash and u), a pair joined, as UTF-8 in out[4]. */
static size_t
unicode_escape (Reader *r, char out[4])
{
  uint32_t cp, low;

  if (!hex4 (r, &cp))
    return 0;
  if (cp >= 0xD800 && cp <= 0xDBFF)
    {
      if (peek (r) != '\\' || r->p + 1 >= r->end || r->p[1] != 'u')
        return fail (r, "a lone surrogate in a \\u escape");
      r->p += 2;
      if (!hex4 (r, &low) || low < 0xDC00 || low > 0xDFFF)
        return fail (r, "a lone surrogate in a \\u escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
  else if (cp >= 0xDC00 && cp <= 0xDFFF)
    return fail (r, "a lone surrogate in a \\u escape");
  if (cp == 0)
    return fail (r, "\\u0000 in a string");
  if (cp < 0x80)
    return out[0] = (char) cp, 1;
  if (cp < 0x800)
    return out[0] = (char) (0xC0 | cp >> 6), out[1] = (char) (0x80 | (cp & 0x3F)), 2;
  if (cp < 0x10000)
    return out[0] = (char) (0xE0 | cp >> 12), out[1] = (char) (0x80 | ((cp >> 6) & 0x3F)),
           out[2] = (char) (0x80 | (cp & 0x3F)), 3;
  out[0] = (char) (0xF0 | cp >> 18), out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char) (0x80 | ((cp >> 6) & 0x3F)), out[3] = (char) (0x80 | (cp & 0x3F));
  return 4;
}

/* One character of a string (at r->p, not the closing quote) into out. */
static size_t
string_char (Reader *r, char out[4])
{
  unsigned char c = (unsigned char) *r->p;
  size_t n;

  if (c < 0x20)
    return fail (r, "a control byte in a string");
  if (c != '\\')
    {
      n = cjson_utf8_len ((const unsigned char *) r->p, (size_t) (r->end - r->p));
      if (n == 0)
        return fail (r, "a string is not valid UTF-8");
      memcpy (out, r->p, n);
      r->p += n;
      return n;
    }
  r->p++;
  switch (r->p < r->end ? *r->p++ : '\0')
    {
    case '"': return out[0] = '"', 1;
    case '\\': return out[0] = '\\', 1;
    case '/': return out[0] = '/', 1;
    case 'b': return out[0] = '\b', 1;
    case 'f': return out[0] = '\f', 1;
    case 'n': return out[0] = '\n', 1;
    case 'r': return out[0] = '\r', 1;
    case 't': return out[0] = '\t', 1;
    case 'u': return unicode_escape (r, out);
    default: return fail (r, "bad escape");
    }
}

/* Reads a string into out (NULL: skip it). One that does not fit in `size`
 * bytes with its NUL is an error (`too_long`), or, with too_long NULL (keys
 * and command names, which match nothing once that long), cut short after
 * the last whole character that fits (a prefix, never a splice). */
static int
read_string (Reader *r, char *out, size_t size, const char *too_long)
{
  size_t o = 0;
  int cut = 0;

  if (!expect (r, '"'))
    return 0;
  while (peek (r) != '"')
    {
      char c[4];
      size_t n;

      if (r->p >= r->end)
        return fail (r, "unterminated string");
      if ((n = string_char (r, c)) == 0)
        return 0;
      if (out != NULL && o + n >= size && too_long != NULL)
        return fail (r, too_long);
      if (out != NULL && o + n >= size)
        cut = 1;
      if (out != NULL && !cut)
        memcpy (out + o, c, n), o += n;
    }
  r->p++;
  if (out != NULL)
    out[o] = '\0';
  return 1;
}

static int
read_digits (Reader *r, double *value, int *count)
{
  *count = 0;
  while (peek (r) >= '0' && peek (r) <= '9')
    {
      *value = *value * 10 + (*r->p++ - '0');
      (*count)++;
    }
  return *count > 0;
}

static int
read_number (Reader *r, double *out)
{
  double value = 0, frac = 0, scale = 1, exponent = 0;
  int negative = 0, n, exp_negative = 0;

  skip_ws (r);
  if (peek (r) == '-')
    negative = 1, r->p++;
  /* JSON has no leading zeros (json-glib would read 010 as octal). */
  if (peek (r) == '0' && r->p + 1 < r->end && r->p[1] >= '0' && r->p[1] <= '9')
    return fail (r, "a number with a leading zero");
  if (!read_digits (r, &value, &n))
    return fail (r, "expected a number");
  if (peek (r) == '.')
    {
      r->p++;
      while (peek (r) >= '0' && peek (r) <= '9')
        {
          frac = frac * 10 + (*r->p++ - '0');
          scale *= 10;
        }
      if (scale == 1)
        return fail (r, "expected digits after the point");
      value += frac / scale;
    }
  if (peek (r) == 'e' || peek (r) == 'E')
    {
      r->p++;
      if (peek (r) == '+' || peek (r) == '-')
        exp_negative = *r->p++ == '-';
      if (!read_digits (r, &exponent, &n) || exponent > 308)
        return fail (r, "bad exponent");
      for (int i = 0; i < (int) exponent; i++)
        value = exp_negative ? value / 10 : value * 10;
    }
  *out = negative ? -value : value;
  return 1;
}

/* `[item, item, …]` or `{…}` after its opening bracket, up to `close`. */
typedef int (*ItemFunc) (Reader *r, void *data);

static int
read_sequence (Reader *r, char close, ItemFunc item, void *data)
{
  skip_ws (r);
  if (peek (r) == close)
    return r->p++, 1;
  for (;;)
    {
      if (!item (r, data))
        return 0;
      skip_ws (r);
      if (peek (r) == close)
        return r->p++, 1;
      if (!expect (r, ','))
        return 0;
    }
}

static int skip_value (Reader *r, int depth);

typedef struct {
  int depth;
  int is_object;
} Skip;

static int
skip_item (Reader *r, void *data)
{
  const Skip *skip = data;

  if (skip->is_object && (!read_string (r, NULL, 0, NULL) || !expect (r, ':')))
    return 0;
  return skip_value (r, skip->depth + 1);
}

static int
skip_container (Reader *r, int depth, char close, int is_object)
{
  Skip skip = { depth, is_object };

  return read_sequence (r, close, skip_item, &skip);
}

static int
skip_literal (Reader *r, const char *word)
{
  size_t n = strlen (word);

  if ((size_t) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
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
  switch (peek (r))
    {
    case '"': return read_string (r, NULL, 0, NULL);
    case '{': r->p++; return skip_container (r, depth, '}', 1);
    case '[': r->p++; return skip_container (r, depth, ']', 0);
    case 't': return skip_literal (r, "true");
    case 'f': return skip_literal (r, "false");
    case 'n': return skip_literal (r, "null");
    default: return read_number (r, &ignored);
    }
}

typedef struct {
  char      (*list)[CCOMMAND_NAME_MAX];
  int        *n;
  const char *what;
} Names;

static int
read_name (Reader *r, void *data)
{
  Names *names = data;

  skip_ws (r);
  if (peek (r) != '"')
    return fail (r, names->what);
  if (*names->n >= CCOMMAND_MAX_NAMES)
    return fail (r, "too many isolated nodes");
  return read_string (r, names->list[(*names->n)++], CCOMMAND_NAME_MAX,
                      "a name in the isolate list is too long");
}

/* An array of names (node names or addresses) into list[*n]. */
static int
read_names (Reader *r, char list[][CCOMMAND_NAME_MAX], int *n, const char *what)
{
  Names names = { list, n, what };

  skip_ws (r);
  if (peek (r) != '[')
    return fail (r, what);
  r->p++;
  return read_sequence (r, ']', read_name, &names);
}

static int
read_ranged (Reader *r, double *out, double min, double max, const char *why)
{
  if (peek (r) != '-' && !(peek (r) >= '0' && peek (r) <= '9'))
    return fail (r, why);
  if (!read_number (r, out))
    return 0;
  return *out >= min && *out <= max ? 1 : fail (r, why);
}

static int
read_bool (Reader *r, int *has, int *out)
{
  if (peek (r) == 't')
    return *has = 1, *out = 1, skip_literal (r, "true");
  if (peek (r) == 'f')
    return *has = 1, *out = 0, skip_literal (r, "false");
  return fail (r, "on must be true or false");
}

static int
read_action (Reader *r, CCommand *cmd)
{
  static const char *const names[] = { NULL, CONCLAVE_ACTION_DELIVER, CONCLAVE_ACTION_DROP,
                                        CONCLAVE_ACTION_DUPLICATE, CONCLAVE_ACTION_LATER };
  char word[16];

  if (peek (r) != '"' || !read_string (r, word, sizeof word, NULL))
    return fail (r, "action must be deliver, drop, duplicate or later");
  for (int i = 1; i < 5; i++)
    if (strcmp (word, names[i]) == 0)
      return cmd->action = (CCommandRelease) i, 1;
  return fail (r, "action must be deliver, drop, duplicate or later");
}

/* Decimal digits at *p up to `max` (no sign, at least one digit). */
static int
parse_decimal (const char **p, unsigned long max, unsigned long *out)
{
  unsigned long v = 0;
  const char *s = *p;

  if (*s < '0' || *s > '9')
    return 0;
  for (; *s >= '0' && *s <= '9'; s++)
    {
      v = v * 10 + (unsigned long) (*s - '0');
      if (v > max)
        return 0;
    }
  *p = s;
  *out = v;
  return 1;
}

/* A message id "PID:N", as conclave-node writes it. */
static int
read_id (Reader *r, CCommand *cmd)
{
  char text[32];
  const char *p = text;

  if (peek (r) != '"' || !read_string (r, text, sizeof text, NULL)
      || !parse_decimal (&p, 0x7fffffffUL, &cmd->id_pid) || *p++ != ':'
      || !parse_decimal (&p, 0xffffffffUL, &cmd->id_n) || *p != '\0' || cmd->id_pid == 0)
    return fail (r, "id must be a message id PID:N");
  cmd->has_id = 1;
  return 1;
}

/* A payload hash: 16 hex digits. */
static int
read_hash (Reader *r, CCommand *cmd)
{
  char text[32];
  unsigned long long v = 0;

  if (peek (r) != '"' || !read_string (r, text, sizeof text, NULL) || strlen (text) != 16)
    return fail (r, "hash must be 16 hex digits");
  for (int i = 0; i < 16; i++)
    {
      char c = text[i];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

      if (d < 0)
        return fail (r, "hash must be 16 hex digits");
      v = v << 4 | (unsigned long long) d;
    }
  cmd->hash = v;
  cmd->has_hash = 1;
  return 1;
}

/* Members of hold and release. */
static int
read_step_member (Reader *r, CCommand *cmd, const char *key, int *known)
{
  *known = 1;
  if (strcmp (key, "on") == 0)
    return read_bool (r, &cmd->has_on, &cmd->on);
  if (strcmp (key, "action") == 0)
    return read_action (r, cmd);
  if (strcmp (key, "id") == 0)
    return read_id (r, cmd);
  if (strcmp (key, "hash") == 0)
    return read_hash (r, cmd);
  if (strcmp (key, "off") == 0)
    return (cmd->has_off = 1, read_ranged (r, &cmd->off, 0, 9007199254740992.0, "off must be a stream offset"));
  if (strcmp (key, "src") == 0)
    return peek (r) == '"' ? read_string (r, cmd->src, sizeof cmd->src, "src is too long")
                           : fail (r, "src must be a string");
  *known = 0;
  return 1;
}

static int
read_member (Reader *r, void *data)
{
  CCommand *cmd = data;
  char key[32];

  if (!read_string (r, key, sizeof key, NULL) || !expect (r, ':'))
    return 0;
  skip_ws (r);
  if (strcmp (key, "cmd") == 0)
    return peek (r) == '"' ? read_string (r, cmd->cmd, sizeof cmd->cmd, NULL)
                           : fail (r, "cmd must be a string");
  if (strcmp (key, "drop") == 0)
    return read_ranged (r, &cmd->drop, 0, 1, "drop must be a number from 0 to 1");
  if (strcmp (key, "delay_ms") == 0)
    return read_ranged (r, &cmd->delay_ms, 0, 600000, "delay_ms must be a number from 0 to 600000");
  if (strcmp (key, "by_network") == 0)
    return read_bool (r, &cmd->has_by_network, &cmd->by_network);
  if (strcmp (key, "scale") == 0)
    return read_ranged (r, &cmd->scale, 0, 1000, "scale must be a number above 0 and at most 1000");
  if (strcmp (key, "isolate") == 0)
    return read_names (r, cmd->isolate, &cmd->n_isolate, "isolate must be an array of node names");
  if (strcmp (key, "isolate_addrs") == 0)
    return read_names (r, cmd->addrs, &cmd->n_addrs, "isolate_addrs must be an array of addresses");
  if (strcmp (key, "text") == 0)
    return peek (r) == '"' ? (cmd->has_text = 1, read_string (r, cmd->text, sizeof cmd->text, "text is too long"))
                           : fail (r, "text must be a string");
  {
    int known, ok = read_step_member (r, cmd, key, &known);

    if (known)
      return ok;
  }
  return skip_value (r, 1);
}

static int
read_object (Reader *r, CCommand *cmd)
{
  return expect (r, '{') && read_sequence (r, '}', read_member, cmd);
}

/* What the command needs beyond well-formed members. */
static int
classify (Reader *r, CCommand *cmd)
{
  if (cmd->cmd[0] == '\0')
    return fail (r, "a command needs a string member cmd");
  if (strcmp (cmd->cmd, CONCLAVE_CMD_FAULT) == 0)
    cmd->type = CCOMMAND_FAULT;
  else if (strcmp (cmd->cmd, CONCLAVE_CMD_TEMPO) == 0)
    cmd->type = CCOMMAND_TEMPO;
  else if (strcmp (cmd->cmd, CONCLAVE_CMD_POST) == 0)
    cmd->type = CCOMMAND_POST;
  else if (strcmp (cmd->cmd, CONCLAVE_CMD_HOLD) == 0)
    cmd->type = CCOMMAND_HOLD;
  else if (strcmp (cmd->cmd, CONCLAVE_CMD_RELEASE) == 0)
    cmd->type = CCOMMAND_RELEASE;
  else
    cmd->type = CCOMMAND_OTHER;
  if (cmd->type == CCOMMAND_TEMPO && !(cmd->scale > 0))
    return fail (r, "scale must be a number above 0 and at most 1000");
  if (cmd->type == CCOMMAND_HOLD && !cmd->has_on)
    return fail (r, "hold needs on: true or false");
  if (cmd->type == CCOMMAND_RELEASE && cmd->action == 0)
    return fail (r, "release needs an action");
  if (cmd->type == CCOMMAND_RELEASE && cmd->has_id + cmd->has_hash + cmd->has_off != 1)
    return fail (r, "release needs an id, a hash or an offset (one of them)");
  return 1;
}

int
ccommand_parse (const char *line, size_t len, CCommand *cmd, const char **error)
{
  Reader r = { line, line ? line + len : NULL, NULL };

  memset (cmd, 0, sizeof *cmd);
  if (line == NULL)
    fail (&r, "no command");
  else if (memchr (line, '\0', len) != NULL)
    fail (&r, "a NUL byte in the command");
  else if (read_object (&r, cmd))
    {
      skip_ws (&r);
      if (r.p != r.end)
        fail (&r, "trailing characters after the command");
      else
        classify (&r, cmd);
    }
  if (r.error != NULL)
    {
      *error = r.error;
      memset (cmd, 0, sizeof *cmd);
      return 0;
    }
  return 1;
}
