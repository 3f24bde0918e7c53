/* conclave-json.h — the few JSON pieces the plain-C side of the protocol
 * needs: UTF-8 checking, and appending fields to a bounded buffer.
 *
 * Shared by the event writers (conclave-report) and the command reader
 * (conclave-command). Plain libc, no allocation, never changes errno. A
 * buffer that runs out of room is marked full rather than cut silently: a
 * writer then drops its line whole, since half an object is not JSON.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at p (at most avail bytes), or 0 if
 * it is not one (overlong forms, surrogates and > U+10FFFF rejected). */
size_t cjson_utf8_len (const unsigned char *p, size_t avail);

typedef struct {
  char   *buf;
  size_t  size;
  size_t  len;     /* always < size; buf[len] is NUL */
  int     full;    /* something did not fit */
  int     n_fields;
} CJsonBuf;

void cjson_init   (CJsonBuf *b, char *buf, size_t size);
void cjson_raw    (CJsonBuf *b, const char *s, size_t n);
void cjson_u64    (CJsonBuf *b, uint64_t v);
void cjson_i64    (CJsonBuf *b, int64_t v);

/* How a string is written. TEXT keeps every character: quotes, backslashes
 * and control bytes escaped, invalid UTF-8 replaced by U+FFFD. PREVIEW
 * (payload previews) turns control bytes, DEL and invalid UTF-8 into '.'. */
typedef enum { CJSON_TEXT, CJSON_PREVIEW } CJsonMode;

/* `s` (len bytes, at most max_in of them; NULL = "") as a JSON string. */
void cjson_string (CJsonBuf *b, const char *s, size_t len, size_t max_in, CJsonMode mode);

/* Members: `,"key":value` (no comma before the first). Keys are the
 * protocol's own words and are written as they are. */
void cjson_key        (CJsonBuf *b, const char *key);
void cjson_member_str (CJsonBuf *b, const char *key, const char *s);
void cjson_member_u64 (CJsonBuf *b, const char *key, uint64_t v);
void cjson_member_i64 (CJsonBuf *b, const char *key, int64_t v);
/* An array of strings. */
void cjson_member_strv (CJsonBuf *b, const char *key, const char *const *v, size_t n);
