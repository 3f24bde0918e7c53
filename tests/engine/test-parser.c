/* test-parser.c — control lines into records: every malformed kind, and the
 * fast path checked against json-glib on the same lines. */
#include "conclave-line-parser.h"
#include "conclave-protocol.h"

#include <string.h>

typedef struct {
  ConclaveIntern     *intern;
  ConclaveLineParser *parser;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->intern = conclave_intern_new ();
  f->parser = conclave_line_parser_new (f->intern);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  conclave_line_parser_free (f->parser);
  conclave_intern_free (f->intern);
}

static ConclaveParseResult
parse (Fixture *f, const char *line, ConclaveEvent *e, const char **reason)
{
  return conclave_line_parser_parse (f->parser, line, strlen (line), e, reason);
}

static const char *
str (Fixture *f, guint32 id)
{
  return conclave_intern_lookup (f->intern, id);
}

static void
test_send (Fixture *f, gconstpointer data)
{
  ConclaveEvent e;
  const char *line = "{\"ev\":\"send\",\"seq\":7,\"t\":123456789,\"proto\":\"udp\","
                     "\"src\":\"127.0.0.1:40000\",\"dst\":\"127.0.0.1:10001\",\"len\":10,"
                     "\"kind\":\"hello\",\"preview\":\"Hi \\\"server\\\"!\",\"id\":\"4242:3\",\"lc\":5}";

  g_assert_cmpint (parse (f, line, &e, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpint (e.type, ==, CONCLAVE_EVENT_SEND);
  g_assert_cmpuint (e.seq, ==, 7);
  g_assert_cmpint (e.time_ns, ==, 123456789);
  g_assert_cmpint (e.proto, ==, CONCLAVE_PROTO_UDP);
  g_assert_cmpstr (str (f, conclave_event_kind (&e)), ==, "hello");
  g_assert_cmpstr (str (f, conclave_event_src (&e)), ==, "127.0.0.1:40000");
  g_assert_cmpstr (str (f, conclave_event_dst (&e)), ==, "127.0.0.1:10001");
  g_assert_cmpstr (str (f, conclave_event_preview (&e)), ==, "Hi \"server\"!");
  g_assert_cmpuint (conclave_event_length (&e), ==, 10);
  g_assert_cmpuint (conclave_event_lamport (&e), ==, 5);
  g_assert_cmpuint (e.key, ==, ((guint64) 4242 << 32) | 3);
  g_assert_false (e.flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH);
}

static void
test_kinds (Fixture *f, gconstpointer data)
{
  ConclaveEvent e;

  g_assert_cmpint (parse (f, "{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":77,\"ppid\":70,"
                             "\"node\":\"s1\",\"role\":\"udp-server\",\"program\":\"conclave-node\"}", &e, NULL), ==, 0);
  g_assert_cmpint (e.type, ==, CONCLAVE_EVENT_HELLO);
  g_assert_cmpint (conclave_event_hello_pid (&e), ==, 77);
  g_assert_cmpint (conclave_event_hello_ppid (&e), ==, 70);
  g_assert_cmpstr (str (f, conclave_event_hello_node (&e)), ==, "s1");

  g_assert_cmpint (parse (f, "{\"ev\":\"state\",\"t\":5,\"role\":\"leader\",\"term\":3,\"leader\":\"s2\","
                             "\"view\":[\"s1\",\"s2\",\"s3\"]}", &e, NULL), ==, 0);
  g_assert_cmpstr (str (f, conclave_event_state_view (&e)), ==, "s1,s2,s3");
  g_assert_cmpint (conclave_event_state_term (&e), ==, 3);

  g_assert_cmpint (parse (f, "{\"ev\":\"recv\",\"t\":5,\"proto\":\"tcp\",\"src\":\"a\",\"dst\":\"b\",\"len\":3,"
                             "\"hash\":\"00ff00ff00ff00ff\",\"off\":12}", &e, NULL), ==, 0);
  g_assert_true (e.flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH);
  g_assert_true (e.flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET);
  g_assert_cmpint (conclave_event_offset (&e), ==, 12);
  g_assert_cmpuint (e.key, ==, G_GUINT64_CONSTANT (0x00ff00ff00ff00ff));

  g_assert_cmpint (parse (f, "{\"ev\":\"drop\",\"t\":5,\"proto\":\"udp\",\"src\":\"a\",\"dst\":\"b\",\"len\":3,"
                             "\"id\":\"1:1\",\"dir\":\"recv\",\"reason\":\"isolated\"}", &e, NULL), ==, 0);
  g_assert_true (e.flags & CONCLAVE_EVENT_FLAG_DIR_RECV);
  g_assert_true (e.flags & CONCLAVE_EVENT_FLAG_ISOLATED);

  g_assert_cmpint (parse (f, "{\"ev\":\"fault\",\"t\":5,\"node\":\"s1\",\"drop\":0.25,\"delay_ms\":100}", &e, NULL), ==, 0);
  g_assert_cmpuint (conclave_event_fault_drop_permille (&e), ==, 250);
  g_assert_cmpint (conclave_event_fault_delay_ms (&e), ==, 100);
}

/* ---- named accessors against the parser's field tables ------------------ */

/* Parses `line` (which must be good) and notes its type as seen. */
static const ConclaveEvent *
parsed (Fixture *f, const char *line, ConclaveEvent *e, guint64 *seen)
{
  const char *reason = NULL;

  if (parse (f, line, e, &reason) != CONCLAVE_PARSE_OK)
    g_error ("%s: %s", line, reason);
  *seen |= G_GUINT64_CONSTANT (1) << e->type;
  return e;
}

static void
check_process_accessors (Fixture *f, guint64 *seen)
{
  ConclaveEvent b;
  const ConclaveEvent *e;

  e = parsed (f, "{\"ev\":\"hello\",\"t\":1,\"v\":3,\"pid\":77,\"ppid\":70,\"node\":\"s1\","
                 "\"role\":\"udp-server\",\"program\":\"prog\"}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_hello_role (e)), ==, "udp-server");
  g_assert_cmpstr (str (f, conclave_event_hello_node (e)), ==, "s1");
  g_assert_cmpstr (str (f, conclave_event_hello_program (e)), ==, "prog");
  g_assert_cmpint (conclave_event_hello_pid (e), ==, 77);
  g_assert_cmpint (conclave_event_hello_ppid (e), ==, 70);
  g_assert_cmpuint (conclave_event_hello_version (e), ==, 3);
  e = parsed (f, "{\"ev\":\"socket\",\"t\":1,\"op\":\"connect\",\"local\":\"L\",\"peer\":\"P\"}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_socket_op (e)), ==, "connect");
  g_assert_cmpstr (str (f, conclave_event_socket_local (e)), ==, "L");
  g_assert_cmpstr (str (f, conclave_event_socket_peer (e)), ==, "P");
  e = parsed (f, "{\"ev\":\"fork\",\"t\":1,\"child\":91}", &b, seen);
  g_assert_cmpint (conclave_event_fork_child (e), ==, 91);
  e = parsed (f, "{\"ev\":\"reap\",\"t\":1,\"child\":92,\"code\":4,\"signal\":9}", &b, seen);
  g_assert_cmpint (conclave_event_reap_child (e), ==, 92);
  g_assert_cmpint (conclave_event_reap_code (e), ==, 4);
  g_assert_cmpuint (conclave_event_reap_signal (e), ==, 9);
  e = parsed (f, "{\"ev\":\"exit\",\"t\":1,\"code\":-3}", &b, seen);
  g_assert_cmpint (conclave_event_exit_code (e), ==, -3);
  e = parsed (f, "{\"ev\":\"log\",\"t\":1,\"text\":\"said\"}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_log_text (e)), ==, "said");
  e = parsed (f, "{\"ev\":\"overflow\",\"t\":1,\"dropped\":17}", &b, seen);
  g_assert_cmpint (conclave_event_overflow_dropped (e), ==, 17);
  e = parsed (f, "{\"ev\":\"garbage\",\"t\":1,\"count\":6,\"from\":\"F\"}", &b, seen);
  g_assert_cmpint (conclave_event_garbage_count (e), ==, 6);
  g_assert_cmpstr (str (f, conclave_event_garbage_from (e)), ==, "F");
  e = parsed (f, "{\"ev\":\"rewrite\",\"t\":1,\"what\":\"bcast\",\"from\":\"A\",\"to\":\"B\"}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_rewrite_what (e)), ==, "bcast");
  g_assert_cmpstr (str (f, conclave_event_rewrite_from (e)), ==, "A");
  g_assert_cmpstr (str (f, conclave_event_rewrite_to (e)), ==, "B");
}

static void
check_message_accessors (Fixture *f, guint64 *seen)
{
  const char *types[] = { "send", "recv", "drop", "held" };
  ConclaveEvent b;
  const ConclaveEvent *e;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *line =
        g_strdup_printf ("{\"ev\":\"%s\",\"t\":1,\"proto\":\"tcp\",\"src\":\"S\",\"dst\":\"D\","
                         "\"len\":33,\"kind\":\"K\",\"preview\":\"V\",\"lc\":44,\"off\":55}", types[i]);

      e = parsed (f, line, &b, seen);
      g_assert_cmpstr (str (f, conclave_event_kind (e)), ==, "K");
      g_assert_cmpstr (str (f, conclave_event_src (e)), ==, "S");
      g_assert_cmpstr (str (f, conclave_event_dst (e)), ==, "D");
      g_assert_cmpstr (str (f, conclave_event_preview (e)), ==, "V");
      g_assert_cmpuint (conclave_event_length (e), ==, 33);
      g_assert_cmpuint (conclave_event_lamport (e), ==, 44);
      g_assert_cmpint (conclave_event_offset (e), ==, 55);
    }
  /* a drop from the hold queue (step mode): reason held, at the receiver */
  e = parsed (f, "{\"ev\":\"drop\",\"t\":1,\"proto\":\"udp\",\"src\":\"S\",\"dst\":\"D\",\"len\":3,"
                 "\"id\":\"7:8\",\"dir\":\"recv\",\"reason\":\"held\"}", &b, seen);
  g_assert_true (e->flags & CONCLAVE_EVENT_FLAG_BY_HAND);
  g_assert_true (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV);
  g_assert_false (e->flags & CONCLAVE_EVENT_FLAG_ISOLATED);
  e = parsed (f, "{\"ev\":\"lost\",\"t\":1,\"src\":\"S\",\"dst\":\"D\",\"kind\":\"K\",\"preview\":\"V\"}",
              &b, seen);
  g_assert_cmpstr (str (f, conclave_event_kind (e)), ==, "K");
  g_assert_cmpstr (str (f, conclave_event_src (e)), ==, "S");
  g_assert_cmpstr (str (f, conclave_event_dst (e)), ==, "D");
  g_assert_cmpstr (str (f, conclave_event_preview (e)), ==, "V");
}

static void
check_group_accessors (Fixture *f, guint64 *seen)
{
  ConclaveEvent b;
  const ConclaveEvent *e;

  e = parsed (f, "{\"ev\":\"state\",\"t\":1,\"role\":\"candidate\",\"term\":8,\"leader\":\"s3\","
                 "\"view\":[\"s1\",\"s3\"],\"election\":\"bully\",\"timeout_ms\":4321}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_state_role (e)), ==, "candidate");
  g_assert_cmpstr (str (f, conclave_event_state_leader (e)), ==, "s3");
  g_assert_cmpstr (str (f, conclave_event_state_view (e)), ==, "s1,s3");
  g_assert_cmpstr (str (f, conclave_event_state_election (e)), ==, "bully");
  g_assert_cmpint (conclave_event_state_term (e), ==, 8);
  g_assert_cmpuint (conclave_event_state_timeout_ms (e), ==, 4321);
  e = parsed (f, "{\"ev\":\"state\",\"t\":1,\"role\":\"leader\",\"term\":9}", &b, seen);
  g_assert_cmpuint (conclave_event_state_timeout_ms (e), ==, 0);  /* a leader runs none */
  e = parsed (f, "{\"ev\":\"deliver\",\"t\":1,\"seqno\":12,\"req\":\"c1:4\",\"client\":\"c1\",\"text\":\"post\"}",
              &b, seen);
  g_assert_cmpint (conclave_event_deliver_seqno (e), ==, 12);
  g_assert_cmpstr (str (f, conclave_event_deliver_request (e)), ==, "c1:4");
  g_assert_cmpstr (str (f, conclave_event_deliver_client (e)), ==, "c1");
  g_assert_cmpstr (str (f, conclave_event_deliver_text (e)), ==, "post");
  e = parsed (f, "{\"ev\":\"acked\",\"t\":1,\"req\":\"c2:1\",\"seqno\":13}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_acked_request (e)), ==, "c2:1");
  g_assert_cmpint (conclave_event_acked_seqno (e), ==, 13);
  e = parsed (f, "{\"ev\":\"violation\",\"t\":1,\"what\":\"split-brain\",\"text\":\"two\"}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_violation_what (e)), ==, "split-brain");
  g_assert_cmpstr (str (f, conclave_event_violation_text (e)), ==, "two");
  g_assert_cmpuint (e->key, ==, 0);   /* no cause */
  e = parsed (f, "{\"ev\":\"violation\",\"t\":1,\"what\":\"stalled\",\"cause\":7}", &b, seen);
  g_assert_cmpuint (e->key, ==, 7);   /* seven event lines back (the trace reader makes it an index) */
  e = parsed (f, "{\"ev\":\"output\",\"t\":1,\"node\":\"c1\",\"stream\":\"stderr\",\"text\":\"hi there\",\"pid\":42}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_node (e)), ==, "c1");
  g_assert_cmpstr (str (f, conclave_event_output_stream (e)), ==, "stderr");
  g_assert_cmpstr (str (f, conclave_event_output_text (e)), ==, "hi there");
  g_assert_cmpint (conclave_event_output_pid (e), ==, 42);
}

static void
check_controller_accessors (Fixture *f, guint64 *seen)
{
  const char *plain[] = { "crash", "stop", "pause", "resume", "restart", "remove" };
  ConclaveEvent b;
  const ConclaveEvent *e;

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      g_autofree char *line = g_strdup_printf ("{\"ev\":\"%s\",\"t\":1,\"node\":\"n%u\"}", plain[i], i);
      g_autofree char *name = g_strdup_printf ("n%u", i);

      e = parsed (f, line, &b, seen);
      g_assert_cmpstr (str (f, conclave_event_node (e)), ==, name);
    }
  e = parsed (f, "{\"ev\":\"spawn\",\"t\":1,\"node\":\"s4\",\"argv\":[\"a\",\"b\"],\"pid\":321}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_node (e)), ==, "s4");
  g_assert_cmpstr (str (f, conclave_event_spawn_argv (e)), ==, "a,b");
  g_assert_cmpint (conclave_event_spawn_pid (e), ==, 321);
  e = parsed (f, "{\"ev\":\"exited\",\"t\":1,\"node\":\"s5\",\"code\":2,\"signal\":15,\"pid\":432}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_node (e)), ==, "s5");
  g_assert_cmpint (conclave_event_exited_code (e), ==, 2);
  g_assert_cmpuint (conclave_event_exited_signal (e), ==, 15);
  g_assert_cmpint (conclave_event_exited_pid (e), ==, 432);
  e = parsed (f, "{\"ev\":\"fault\",\"t\":1,\"node\":\"s6\",\"isolate\":[\"s1\",\"s2\"],\"delay_ms\":70,"
                 "\"drop\":0.5}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_node (e)), ==, "s6");
  g_assert_cmpstr (str (f, conclave_event_fault_isolate (e)), ==, "s1,s2");
  g_assert_cmpint (conclave_event_fault_delay_ms (e), ==, 70);
  g_assert_cmpuint (conclave_event_fault_drop_permille (e), ==, 500);
  e = parsed (f, "{\"ev\":\"error\",\"t\":1,\"reason\":\"why\"}", &b, seen);
  g_assert_cmpstr (str (f, conclave_event_error_reason (e)), ==, "why");
}

/* One line of every event type; each accessor returns the field the
 * protocol names, so the accessors and the parser's tables agree. */
static void
test_accessors (Fixture *f, gconstpointer data)
{
  guint64 seen = 0;

  check_process_accessors (f, &seen);
  check_message_accessors (f, &seen);
  check_group_accessors (f, &seen);
  check_controller_accessors (f, &seen);
  for (guint type = CONCLAVE_EVENT_NONE + 1; type < CONCLAVE_EVENT_N_TYPES; type++)
    if (!(seen & (G_GUINT64_CONSTANT (1) << type)))
      g_error ("no accessor check for event type %s", conclave_event_type_to_string (type));
}

/* Nodes count terms in 64 bits: a term past 2^32 is read, named and
 * written back whole (issue 13: the window froze at 2^31 - 1). */
static void
test_term_64 (Fixture *f, gconstpointer data)
{
  ConclaveEvent e, back;
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_cmpint (parse (f, "{\"ev\":\"state\",\"t\":5,\"role\":\"leader\",\"term\":4294967296,"
                             "\"leader\":\"s2\"}", &e, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpint (conclave_event_state_term (&e), ==, G_GINT64_CONSTANT (4294967296));
  g_assert_cmpint (parse (f, "{\"ev\":\"state\",\"t\":5,\"role\":\"leader\",\"term\":9223372036854775807}",
                          &e, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpint (conclave_event_state_term (&e), ==, G_MAXINT64);
  conclave_event_to_json_line (&e, f->intern, "s1", 42, out);
  g_assert_nonnull (strstr (out->str, "\"term\":9223372036854775807"));
  g_assert_cmpint (conclave_line_parser_parse_reference (f->parser, out->str, out->len, &back, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpint (conclave_event_state_term (&back), ==, G_MAXINT64);
  g_assert_cmpint (parse (f, "{\"ev\":\"state\",\"t\":5,\"role\":\"leader\",\"term\":-1}", &e, NULL),
                   ==, CONCLAVE_PARSE_ERROR_WRONG_TYPE);
}

typedef struct {
  const char         *line;
  ConclaveParseResult expected;
  const char         *reason_contains;
} BadLine;

static const BadLine bad_lines[] = {
  { "{\"ev\":\"send\",\"t\":1", CONCLAVE_PARSE_ERROR_NOT_JSON, "not JSON" },            /* truncated */
  { "hello there", CONCLAVE_PARSE_ERROR_NOT_JSON, NULL },
  { "[1,2,3]", CONCLAVE_PARSE_ERROR_NOT_OBJECT, NULL },
  { "{}", CONCLAVE_PARSE_ERROR_NO_EVENT, "ev" },
  { "{\"t\":1}", CONCLAVE_PARSE_ERROR_NO_EVENT, NULL },
  { "{\"ev\":3,\"t\":1}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "ev" },
  { "{\"ev\":\"teleport\",\"t\":1}", CONCLAVE_PARSE_ERROR_UNKNOWN_EVENT, "teleport" },
  { "{\"ev\":\"fork\"}", CONCLAVE_PARSE_ERROR_MISSING_FIELD, "\"t\"" },
  { "{\"ev\":\"fork\",\"t\":1}", CONCLAVE_PARSE_ERROR_MISSING_FIELD, "child" },
  { "{\"ev\":\"fork\",\"t\":1,\"child\":\"12\"}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "child" },
  { "{\"ev\":\"fork\",\"t\":1.5,\"child\":12}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "\"t\"" },
  { "{\"ev\":\"fork\",\"t\":-1,\"child\":12}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, NULL },
  { "{\"ev\":\"send\",\"t\":1,\"proto\":\"sctp\",\"src\":\"a\",\"dst\":\"b\",\"len\":1}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "proto" },
  { "{\"ev\":\"send\",\"t\":1,\"proto\":\"udp\",\"src\":\"a\",\"dst\":\"b\",\"len\":-4}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "len" },
  { "{\"ev\":\"send\",\"t\":1,\"proto\":\"udp\",\"src\":\"a\",\"dst\":\"b\",\"len\":1,\"id\":\"x:1\"}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "id" },
  { "{\"ev\":\"send\",\"t\":1,\"proto\":\"udp\",\"src\":\"a\",\"dst\":\"b\",\"len\":1,\"hash\":\"123\"}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "hash" },
  { "{\"ev\":\"state\",\"t\":1,\"role\":\"leader\",\"view\":[1,2]}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, "view" },
  { "{\"ev\":\"fork\",\"t\":1,\"child\":99999999999}", CONCLAVE_PARSE_ERROR_WRONG_TYPE, NULL },
  { "{\"ev\":\"fork\",\"t\":1,\"child\":1} trailing", CONCLAVE_PARSE_ERROR_NOT_JSON, NULL },
  { "{\"ev\":\"fork\",\"t\":1,\"child\":1,}", CONCLAVE_PARSE_ERROR_NOT_JSON, NULL },
  /* Decoded, a string must still be text: json-glib 1.6 takes all of these. */
  { "{\"ev\":\"log\",\"t\":1,\"text\":\"a\\udc00b\"}", CONCLAVE_PARSE_ERROR_INVALID_UTF8, "\\udc00" },
  { "{\"ev\":\"log\",\"t\":1,\"text\":\"a\\ud800b\"}", CONCLAVE_PARSE_ERROR_INVALID_UTF8, "\\ud800" },
  { "{\"ev\":\"log\",\"t\":1,\"text\":\"a\\ud800\\u0041\"}", CONCLAVE_PARSE_ERROR_INVALID_UTF8, "\\ud800" },
  { "{\"ev\":\"log\",\"t\":1,\"text\":\"a\\u0000b\"}", CONCLAVE_PARSE_ERROR_INVALID_UTF8, "\\u0000" },
  { "{\"ev\":\"log\",\"t\":1,\"text\":\"a\\377b\"}", CONCLAVE_PARSE_ERROR_NOT_JSON, "escape" },
  { "{\"ev\":\"log\",\"t\":1,\"text\":\"a\\x41\"}", CONCLAVE_PARSE_ERROR_NOT_JSON, "escape" },
  { "{\"ev\":\"log\",\"t\":1,\"text\":\"a\\u12\"}", CONCLAVE_PARSE_ERROR_NOT_JSON, "escape" },
  { "{\"ev\":\"send\",\"t\":1,\"proto\":\"udp\",\"src\":\"a\",\"dst\":\"b\",\"len\":1,\"preview\":\"\\udfff\"}",
    CONCLAVE_PARSE_ERROR_INVALID_UTF8, "\\udfff" },
};

static void
test_malformed (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_lines); i++)
    {
      ConclaveEvent e;
      const char *reason = NULL;
      ConclaveParseResult r = parse (f, bad_lines[i].line, &e, &reason);

      g_test_message ("%s → %s: %s", bad_lines[i].line, conclave_parse_result_to_string (r), reason);
      g_assert_cmpint (r, ==, bad_lines[i].expected);
      g_assert_nonnull (reason);
      if (bad_lines[i].reason_contains)
        g_assert_nonnull (strstr (reason, bad_lines[i].reason_contains));
    }
}

static void
test_too_long_and_utf8 (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) line = g_string_new ("{\"ev\":\"log\",\"t\":1,\"text\":\"");
  ConclaveEvent e;
  const char *reason = NULL;
  const char bad_utf8[] = "{\"ev\":\"log\",\"t\":1,\"text\":\"\xc3\x28\"}";

  while (line->len < 70000)
    g_string_append (line, "xxxxxxxxxx");
  g_string_append (line, "\"}");
  g_assert_cmpint (conclave_line_parser_parse (f->parser, line->str, line->len, &e, &reason),
                   ==, CONCLAVE_PARSE_ERROR_TOO_LONG);
  g_assert_cmpint (parse (f, bad_utf8, &e, &reason), ==, CONCLAVE_PARSE_ERROR_INVALID_UTF8);
  /* Still fine afterwards: nothing is left over from a bad line. */
  g_assert_cmpint (parse (f, "{\"ev\":\"fork\",\"t\":1,\"child\":5}", &e, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpint (conclave_event_fork_child (&e), ==, 5);
}

/* ---- the fast path against json-glib ------------------------------------- */

static const char *corpus[] = {
  "{\"ev\":\"send\",\"seq\":1,\"t\":99,\"proto\":\"udp\",\"src\":\"127.0.0.1:1\",\"dst\":\"127.0.0.1:2\",\"len\":4,\"kind\":\"request\",\"preview\":\"7\",\"id\":\"12:1\",\"lc\":3}",
  "{\"ev\":\"recv\",\"seq\":2,\"t\":100,\"proto\":\"udp\",\"src\":\"127.0.0.1:1\",\"dst\":\"127.0.0.1:2\",\"len\":4,\"kind\":\"square\",\"preview\":\"a\\\\b\\n\\t\\/\",\"id\":\"12:1\",\"lc\":4}",
  "{ \"ev\" : \"recv\" , \"t\" : 100 , \"proto\":\"tcp\",\"src\":\"x\",\"dst\":\"y\",\"len\":0 }",
  "{\"ev\":\"recv\",\"t\":100,\"proto\":\"tcp\",\"src\":\"x\",\"dst\":\"y\",\"len\":0,\"preview\":\"\\u00e9t\\u00e9\"}",
  "{\"ev\":\"recv\",\"t\":100,\"proto\":\"tcp\",\"src\":\"x\",\"dst\":\"y\",\"len\":0,\"extra\":{\"a\":[1,2]}}",
  "{\"ev\":\"recv\",\"t\":100,\"proto\":\"tcp\",\"src\":\"x\",\"dst\":\"y\",\"len\":0,\"len\":5}",
  "{\"ev\":\"recv\",\"t\":1e3,\"proto\":\"tcp\",\"src\":\"x\",\"dst\":\"y\",\"len\":0}",
  "{\"ev\":\"recv\",\"t\":0100,\"proto\":\"tcp\",\"src\":\"x\",\"dst\":\"y\",\"len\":0}",
  "{\"ev\":\"hello\",\"seq\":0,\"t\":5,\"v\":1,\"pid\":9,\"ppid\":1,\"node\":\"c1\",\"role\":\"udp-client\",\"program\":\"conclave-node\"}",
  "{\"ev\":\"state\",\"t\":5,\"role\":\"candidate\",\"term\":2,\"view\":[\"s1\",\"s2\"],\"election\":\"raft\"}",
  "{\"ev\":\"state\",\"t\":5,\"role\":\"follower\",\"term\":4294967296,\"leader\":\"s3\"}",
  "{\"ev\":\"garbage\",\"t\":5,\"count\":3,\"from\":\"127.0.0.1:9\"}",
  "{\"ev\":\"log\",\"t\":5,\"text\":\"caf\xc3\xa9\",\"level\":\"warning\"}",
  "{\"ev\":\"overflow\",\"t\":5,\"dropped\":17}",
  "{\"ev\":\"drop\",\"t\":5,\"proto\":\"udp\",\"src\":\"a\",\"dst\":\"b\",\"len\":3,\"id\":\"1:1\",\"dir\":\"sideways\"}",
  "{\"ev\":\"fork\",\"t\":true,\"child\":1}",
  "{\"ev\":\"fork\",\"t\":null,\"child\":1}",
  "{\"ev\":\"fork\",\"t\":1,\"child\":-0}",
  "{\"ev\":\"fork\",\"t\":1,\"child\":2147483648}",
  "{\"ev\":\"fork\",\"t\":1,\"child\":-2147483648}",
  "{\"ev\":\"deliver\",\"t\":1,\"seqno\":4,\"req\":\"c1:7\",\"client\":\"c1\",\"text\":\"hi all\"}",
};

static void
assert_same (Fixture *f, const char *line, gsize len)
{
  ConclaveEvent fast, ref;
  const char *fast_reason = NULL, *ref_reason = NULL;
  ConclaveParseResult rf, rr;
  g_autofree char *copy = g_strndup (line, len);
  g_autofree char *fast_reason_copy = NULL;

  rf = conclave_line_parser_parse (f->parser, copy, len, &fast, &fast_reason);
  fast_reason_copy = g_strdup (fast_reason);
  rr = conclave_line_parser_parse_reference (f->parser, copy, len, &ref, &ref_reason);
  if (rf != rr || memcmp (&fast, &ref, sizeof fast) != 0)
    g_error ("fast path and json-glib disagree on «%s»: %s (%s) vs %s (%s)", copy,
             conclave_parse_result_to_string (rf), fast_reason_copy,
             conclave_parse_result_to_string (rr), ref_reason);
  if (rf != CONCLAVE_PARSE_OK)
    g_assert_cmpstr (fast_reason_copy, ==, ref_reason);
}

static void
test_fast_path_matches_reference (Fixture *f, gconstpointer data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261129);
  guint mutations = 0;

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    assert_same (f, corpus[i], strlen (corpus[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad_lines); i++)
    assert_same (f, bad_lines[i].line, strlen (bad_lines[i].line));

  /* Mutations: truncations, flipped bytes, swapped punctuation. */
  for (guint round = 0; round < 20000; round++)
    {
      const char *base = corpus[g_rand_int_range (rand, 0, G_N_ELEMENTS (corpus))];
      g_autofree char *line = g_strdup (base);
      gsize len = strlen (line);
      static const char punct[] = "{}[]\":,\\0-9 ae";

      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0: len = (gsize) g_rand_int_range (rand, 0, (gint) len); break;
        case 1: line[g_rand_int_range (rand, 0, (gint) len)] = (char) g_rand_int_range (rand, 1, 256); break;
        default: line[g_rand_int_range (rand, 0, (gint) len)] = punct[g_rand_int_range (rand, 0, sizeof punct - 1)]; break;
        }
      line[len] = '\0';
      len = strlen (line);
      assert_same (f, line, len);
      mutations++;
    }
  g_test_message ("%u mutated lines agreed", mutations);
}

/* A surrogate pair is one character, decoded by both paths alike. */
static void
test_surrogate_pair (Fixture *f, gconstpointer data)
{
  const char *line = "{\"ev\":\"log\",\"t\":1,\"text\":\"<\\ud83d\\ude00>\"}";
  ConclaveEvent e;

  g_assert_cmpint (parse (f, line, &e, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpstr (str (f, conclave_event_log_text (&e)), ==, "<\xf0\x9f\x98\x80>");
  assert_same (f, line, strlen (line));
}

/* A log line of 64 KiB of escaped newlines, the longest the parser takes:
 * written back with the node and pid added, it still fits the reader, its
 * text cut between characters. */
static void
test_long_line_round_trip (Fixture *f, gconstpointer data)
{
  static const char *fills[] = { "\\n", "\\u0001", "\xc3\xa9\\n" };

  for (guint k = 0; k < G_N_ELEMENTS (fills); k++)
    {
      g_autoptr(GString) line = g_string_new ("{\"ev\":\"log\",\"t\":1,\"text\":\"");
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *text = NULL;
      ConclaveEvent a, b;
      const char *reason = NULL;

      while (line->len + strlen (fills[k]) + 2 < CONCLAVE_MAX_LINE)
        g_string_append (line, fills[k]);
      g_string_append (line, "\"}");
      g_assert_cmpint (line->len, >=, CONCLAVE_MAX_LINE - 8);
      g_assert_cmpint (parse (f, line->str, &a, &reason), ==, CONCLAVE_PARSE_OK);
      text = g_strdup (str (f, conclave_event_log_text (&a)));

      conclave_event_to_json_line (&a, f->intern, "s1", 4242, out);
      g_assert_cmpint (out->len, <, CONCLAVE_MAX_LINE);
      g_assert_cmpint (conclave_line_parser_parse (f->parser, out->str, out->len, &b, &reason), ==, CONCLAVE_PARSE_OK);
      g_assert_cmpint (conclave_line_parser_last_pid (f->parser), ==, 4242);
      g_assert_true (g_str_has_prefix (text, str (f, conclave_event_log_text (&b))));
      g_assert_cmpint (strlen (str (f, conclave_event_log_text (&b))), >, strlen (text) * 9 / 10);
    }
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      ConclaveEvent a, b;
      g_autoptr(GString) out = g_string_new (NULL);

      if (parse (f, corpus[i], &a, NULL) != CONCLAVE_PARSE_OK)
        continue;
      conclave_event_to_json_line (&a, f->intern, "s1", 42, out);
      g_assert_cmpint (conclave_line_parser_parse_reference (f->parser, out->str, out->len, &b, NULL), ==, CONCLAVE_PARSE_OK);
      g_assert_cmpint (memcmp (&a, &b, sizeof a), ==, 0);
      if (a.type != CONCLAVE_EVENT_HELLO)
        {
          g_assert_cmpstr (conclave_line_parser_last_node (f->parser), ==, "s1");
          g_assert_cmpint (conclave_line_parser_last_pid (f->parser), ==, 42);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/parser/send", Fixture, NULL, fixture_setup, test_send, fixture_teardown);
  g_test_add ("/parser/term-64", Fixture, NULL, fixture_setup, test_term_64, fixture_teardown);
  g_test_add ("/parser/kinds", Fixture, NULL, fixture_setup, test_kinds, fixture_teardown);
  g_test_add ("/parser/accessors", Fixture, NULL, fixture_setup, test_accessors, fixture_teardown);
  g_test_add ("/parser/malformed", Fixture, NULL, fixture_setup, test_malformed, fixture_teardown);
  g_test_add ("/parser/too-long-and-utf8", Fixture, NULL, fixture_setup, test_too_long_and_utf8, fixture_teardown);
  g_test_add ("/parser/fast-path-matches-json-glib", Fixture, NULL, fixture_setup, test_fast_path_matches_reference, fixture_teardown);
  g_test_add ("/parser/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/parser/surrogate-pair", Fixture, NULL, fixture_setup, test_surrogate_pair, fixture_teardown);
  g_test_add ("/parser/long-line-round-trip", Fixture, NULL, fixture_setup, test_long_line_round_trip, fixture_teardown);
  return g_test_run ();
}
