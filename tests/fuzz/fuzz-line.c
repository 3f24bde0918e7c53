/* fuzz-line.c — the control line parser: fast path against json-glib.
 *
 * For any bytes the two parsers give the same result and the same event
 * and reason (the fast path answers only what it understood completely);
 * every string an accepted line adds to the interner is valid UTF-8 after
 * unescaping; and an accepted line, written back by the trace writer, stays
 * within the line limit and parses to the same event.
 */
#include "fuzz-target.h"

#include "conclave-line-parser.h"
#include "conclave-protocol.h"

#include <string.h>

static ConclaveIntern     *intern;
static ConclaveLineParser *parser;
static guint               checked;  /* interned strings already validated */

/* A fresh interner now and then keeps a long fuzzing run's memory flat. */
static void
ensure_parser (void)
{
  if (intern != NULL && conclave_intern_bytes (intern) < 64 * 1024 * 1024)
    return;
  g_clear_pointer (&parser, conclave_line_parser_free);
  g_clear_pointer (&intern, conclave_intern_free);
  intern = conclave_intern_new ();
  parser = conclave_line_parser_new (intern);
  checked = 0;
}

static void
assert_new_strings_valid (void)
{
  guint count = conclave_intern_count (intern);

  for (guint id = checked + 1; id <= count; id++)
    {
      const char *s = conclave_intern_lookup (intern, id);

      if (!g_utf8_validate (s, -1, NULL))
        g_error ("interned string %u is not valid UTF-8", id);
    }
  checked = count;
}

static ConclaveParseResult
parse_both (const char *line, gsize len, ConclaveEvent *event)
{
  ConclaveEvent ref;
  const char *reason = NULL, *ref_reason = NULL;
  g_autofree char *fast_reason = NULL;
  ConclaveParseResult fast_result, ref_result;

  memset (event, 0, sizeof *event);
  memset (&ref, 0, sizeof ref);
  fast_result = conclave_line_parser_parse (parser, line, len, event, &reason);
  fast_reason = g_strdup (reason);
  ref_result = conclave_line_parser_parse_reference (parser, line, len, &ref, &ref_reason);
  if (fast_result != ref_result)
    g_error ("fast path says %s (%s), json-glib %s (%s)",
             conclave_parse_result_to_string (fast_result), fast_reason,
             conclave_parse_result_to_string (ref_result), ref_reason);
  if (fast_result == CONCLAVE_PARSE_OK && memcmp (event, &ref, sizeof ref) != 0)
    g_error ("fast path and json-glib read different events");
  if (fast_result != CONCLAVE_PARSE_OK && g_strcmp0 (fast_reason, ref_reason) != 0)
    g_error ("fast path and json-glib give different reasons: %s / %s", fast_reason, ref_reason);
  return fast_result;
}

/* Written back as a trace line, an accepted event reads the same (a short
 * one: the writer may cut text that would not fit the line limit). */
static void
assert_round_trip (const ConclaveEvent *event, gsize len)
{
  g_autoptr(GString) out = g_string_new (NULL);
  ConclaveEvent back;

  conclave_event_to_json_line (event, intern, "s1", 42, out);
  if (out->len >= CONCLAVE_MAX_LINE)
    g_error ("the writer made a line of %" G_GSIZE_FORMAT " bytes", out->len);
  memset (&back, 0, sizeof back);
  if (conclave_line_parser_parse_reference (parser, out->str, out->len, &back, NULL) != CONCLAVE_PARSE_OK)
    g_error ("the writer's line does not parse: %s", out->str);
  if (len < CONCLAVE_MAX_LINE / 8 && memcmp (event, &back, sizeof back) != 0)
    g_error ("written back, the event reads differently: %s", out->str);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *line = g_malloc (size + 1);  /* the parser wants line[size] == NUL */
  ConclaveEvent event;

  fuzz_setup ();
  ensure_parser ();
  memcpy (line, data, size);
  line[size] = '\0';
  if (parse_both (line, size, &event) == CONCLAVE_PARSE_OK)
    {
      assert_new_strings_valid ();
      assert_round_trip (&event, size);
    }
  return 0;
}
