/* conclave-json.c — UTF-8 checking and bounded JSON appends, plain libc.
 *
 * Hand-made appends: the hot path (every traced send and receive) formats
 * a line per call, and printf's machinery was most of the shim's own cost.
 * Must never allocate, block or change errno; nothing here writes past
 * b->size, and a value that does not fit marks the buffer full.
 */
#include "conclave-json.h"

#include <string.h>

size_t
cjson_utf8_len (const unsigned char *p, size_t avail)
{
  size_t n;
  uint32_t cp;

  if (p[0] < 0x80)
    return 1;
  else if ((p[0] & 0xE0) == 0xC0)
    n = 2, cp = p[0] & 0x1F;
  else if ((p[0] & 0xF0) == 0xE0)
    n = 3, cp = p[0] & 0x0F;
  else if ((p[0] & 0xF8) == 0xF0)
    n = 4, cp = p[0] & 0x07;
  else
    return 0;
  if (n > avail)
    return 0;
  for (size_t i = 1; i < n; i++)
    {
      if ((p[i] & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)
      || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

void
cjson_init (CJsonBuf *b, char *buf, size_t size)
{
  b->buf = buf;
  b->size = size;
  b->len = 0;
  b->full = size == 0;
  b->n_fields = 0;
  if (size > 0)
    buf[0] = '\0';
}

void
cjson_raw (CJsonBuf *b, const char *s, size_t n)
{
  if (b->full || n >= b->size - b->len)
    {
      b->full = 1;
      return;
    }
  memcpy (b->buf + b->len, s, n);
  b->len += n;
  if (b->len < b->size)
    b->buf[b->len] = '\0';
}

void
cjson_u64 (CJsonBuf *b, uint64_t v)
{
  char tmp[24];
  size_t i = sizeof tmp;

  do
    tmp[--i] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  cjson_raw (b, tmp + i, sizeof tmp - i);
}

void
cjson_i64 (CJsonBuf *b, int64_t v)
{
  if (v < 0)
    {
      cjson_raw (b, "-", 1);
      cjson_u64 (b, (uint64_t) 0 - (uint64_t) v);
    }
  else
    cjson_u64 (b, (uint64_t) v);
}

/* The bytes one input character becomes in `mode`; n is its UTF-8 length
 * (0: invalid). Returns how many bytes went to out (at most 6). */
static size_t
encode_char (const unsigned char *p, size_t n, CJsonMode mode, char out[6])
{
  static const char hex[] = "0123456789abcdef";

  if (n == 1 && (p[0] == '"' || p[0] == '\\'))
    {
      out[0] = '\\', out[1] = (char) p[0];
      return 2;
    }
  if (n == 0)
    {
      if (mode == CJSON_PREVIEW)
        return out[0] = '.', 1;
      memcpy (out, "\xef\xbf\xbd", 3);  /* U+FFFD */
      return 3;
    }
  if (n == 1 && (p[0] < 0x20 || p[0] == 0x7F))
    {
      if (mode == CJSON_PREVIEW)
        return out[0] = '.', 1;
      memcpy (out, "\\u00", 4);
      out[4] = hex[p[0] >> 4], out[5] = hex[p[0] & 15];
      return 6;
    }
  memcpy (out, p, n);
  return n;
}

void
cjson_string (CJsonBuf *b, const char *s, size_t len, size_t max_in, CJsonMode mode)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i = 0;

  cjson_raw (b, "\"", 1);
  if (s == NULL)
    len = 0;
  if (len > max_in)
    len = max_in;
  while (i < len && !b->full)
    {
      char out[6];
      size_t n = 1, m = 1;

      /* printable ASCII, the common case, as it is; the rest encoded */
      if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\')
        out[0] = (char) p[i];
      else
        {
          n = cjson_utf8_len (p + i, len - i);
          m = encode_char (p + i, n, mode, out);
        }
      if (b->len + m + 2 > b->size)  /* room for the closing quote and NUL */
        {
          b->full = mode == CJSON_TEXT;
          break;
        }
      memcpy (b->buf + b->len, out, m);
      b->len += m;
      i += n ? n : 1;
    }
  if (b->len < b->size)
    b->buf[b->len] = '\0';
  cjson_raw (b, "\"", 1);
}

void
cjson_key (CJsonBuf *b, const char *key)
{
  size_t k = strlen (key);
  char *o;

  /* one bounds check for `,"key":` (every event line has a dozen) */
  if (b->full || k + 4 >= b->size - b->len)
    {
      b->full = 1;
      return;
    }
  o = b->buf + b->len;
  if (b->n_fields++ > 0)
    *o++ = ',';
  *o++ = '"';
  memcpy (o, key, k);
  o += k;
  *o++ = '"';
  *o++ = ':';
  *o = '\0';
  b->len = (size_t) (o - b->buf);
}

void
cjson_member_str (CJsonBuf *b, const char *key, const char *s)
{
  cjson_key (b, key);
  cjson_string (b, s, s ? strlen (s) : 0, b->size, CJSON_TEXT);
}

void
cjson_member_u64 (CJsonBuf *b, const char *key, uint64_t v)
{
  cjson_key (b, key);
  cjson_u64 (b, v);
}

void
cjson_member_i64 (CJsonBuf *b, const char *key, int64_t v)
{
  cjson_key (b, key);
  cjson_i64 (b, v);
}

void
cjson_member_strv (CJsonBuf *b, const char *key, const char *const *v, size_t n)
{
  cjson_key (b, key);
  cjson_raw (b, "[", 1);
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0)
        cjson_raw (b, ",", 1);
      cjson_string (b, v[i], v[i] ? strlen (v[i]) : 0, b->size, CJSON_TEXT);
    }
  cjson_raw (b, "]", 1);
}
