/* test-command.c — unit tests of the shared command reader
 * (src/common/conclave-command.c), which conclave-node and the trace shim
 * both use: what it accepts, and that anything malformed is rejected whole.
 */
#include "conclave-command.h"
#include "conclave-protocol.h"

#include <glib.h>
#include <string.h>

static CCommand cmd;

static gboolean
parse (const char *line, const char **error)
{
  *error = NULL;
  return ccommand_parse (line, strlen (line), &cmd, error);
}

static void
test_fault (void)
{
  const char *error;

  g_assert_true (parse ("{\"cmd\":\"fault\",\"drop\":0.25,\"delay_ms\":1.5e2,"
                        "\"isolate\":[\"s1\",\"s2\"],\"isolate_addrs\":[\"127.0.0.1:10001\"],"
                        "\"unknown\":{\"deep\":[1,true,null]}}", &error));
  g_assert_null (error);
  g_assert_cmpint (cmd.type, ==, CCOMMAND_FAULT);
  g_assert_cmpfloat (cmd.drop, ==, 0.25);
  g_assert_cmpfloat (cmd.delay_ms, ==, 150);
  g_assert_cmpint (cmd.n_isolate, ==, 2);
  g_assert_cmpstr (cmd.isolate[0], ==, "s1");
  g_assert_cmpstr (cmd.isolate[1], ==, "s2");
  g_assert_cmpint (cmd.n_addrs, ==, 1);
  g_assert_cmpstr (cmd.addrs[0], ==, "127.0.0.1:10001");

  /* every setting absent: no faults */
  g_assert_true (parse ("  {\"cmd\":\"" CONCLAVE_CMD_FAULT "\"}  ", &error));
  g_assert_cmpint (cmd.type, ==, CCOMMAND_FAULT);
  g_assert_cmpfloat (cmd.drop, ==, 0);
  g_assert_cmpint (cmd.n_isolate, ==, 0);
}

static void
test_tempo_and_post (void)
{
  const char *error;

  g_assert_true (parse ("{\"scale\":0.05,\"cmd\":\"tempo\"}", &error));
  g_assert_cmpint (cmd.type, ==, CCOMMAND_TEMPO);
  g_assert_cmpfloat (cmd.scale, ==, 0.05);

  g_assert_true (parse ("{\"cmd\":\"post\"}", &error));
  g_assert_cmpint (cmd.type, ==, CCOMMAND_POST);
  g_assert_false (cmd.has_text);

  /* escapes decoded, \u pairs joined into one UTF-8 character */
  g_assert_true (parse ("{\"cmd\":\"post\",\"text\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00 caf\xc3\xa9\"}", &error));
  g_assert_true (cmd.has_text);
  g_assert_cmpstr (cmd.text, ==, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80 caf\xc3\xa9");

  /* an unknown command parses; the caller ignores it */
  g_assert_true (parse ("{\"cmd\":\"reboot\",\"now\":true}", &error));
  g_assert_cmpint (cmd.type, ==, CCOMMAND_OTHER);
  g_assert_cmpstr (cmd.cmd, ==, "reboot");
}

static const struct {
  const char *line;
  const char *reason;   /* a word the reason must contain */
} bad_lines[] = {
  { "", "malformed" },
  { "[]", "malformed" },
  { "{\"drop\":0.5}", "cmd" },
  { "{\"cmd\":7}", "cmd" },
  { "{\"cmd\":\"fault\",\"drop\":1.5}", "drop" },
  { "{\"cmd\":\"fault\",\"drop\":\"half\"}", "drop" },
  { "{\"cmd\":\"fault\",\"delay_ms\":-1}", "delay_ms" },
  { "{\"cmd\":\"fault\",\"isolate\":\"s1\"}", "isolate" },
  { "{\"cmd\":\"fault\",\"isolate\":[\"s1\",2]}", "isolate" },
  { "{\"cmd\":\"fault\",\"isolate_addrs\":[null]}", "isolate_addrs" },
  { "{\"cmd\":\"tempo\"}", "scale" },
  { "{\"cmd\":\"tempo\",\"scale\":0}", "scale" },
  { "{\"cmd\":\"post\",\"text\":3}", "text" },
  { "{\"cmd\":\"post\",\"text\":\"\\ud800\"}", "surrogate" },
  { "{\"cmd\":\"post\",\"text\":\"a\\u0000b\"}", "u0000" },
  { "{\"cmd\":\"post\",\"text\":\"\xff\"}", "UTF-8" },
  { "{\"cmd\":\"post\",\"text\":\"a\tb\"}", "control" },
  { "{\"cmd\":\"post\",\"text\":\"\\q\"}", "escape" },
  { "{\"cmd\":\"post\"} x", "trailing" },
  { "{\"cmd\":\"post\"", "malformed" },
  { "{\"cmd\":\"post\",\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}", "nested" },
};

static void
test_rejected (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_lines); i++)
    {
      const char *error;
      g_autofree char *shown = g_strescape (bad_lines[i].line, NULL);

      g_test_message ("%s", shown);
      g_assert_false (parse (bad_lines[i].line, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error, bad_lines[i].reason));
      g_assert_cmpint (cmd.type, ==, CCOMMAND_OTHER);  /* nothing half-read */
      g_assert_cmpint (cmd.n_isolate, ==, 0);
    }
}

/* The line's length is what counts, not the first NUL. */
static void
test_nul (void)
{
  static const char line[] = "{\"cmd\":\"fault\",\"drop\":1}\0{\"cmd\":\"post\"}";
  const char *error = NULL;

  g_assert_false (ccommand_parse (line, sizeof line - 1, &cmd, &error));
  g_assert_cmpstr (error, ==, "a NUL byte in the command");
  /* the same bytes up to the NUL are a good command */
  g_assert_true (ccommand_parse (line, strlen (line), &cmd, &error));
  g_assert_cmpfloat (cmd.drop, ==, 1);
}

static void
test_limits (void)
{
  g_autoptr(GString) line = g_string_new ("{\"cmd\":\"fault\",\"isolate\":[");
  g_autofree char *long_name = g_strnfill (CCOMMAND_NAME_MAX, 'n');
  g_autofree char *long_text = g_strnfill (CCOMMAND_TEXT_MAX, 't');
  g_autofree char *too_long = NULL;
  const char *error;

  for (int i = 0; i <= CCOMMAND_MAX_NAMES; i++)
    g_string_append_printf (line, "%s\"s%d\"", i ? "," : "", i);
  g_string_append (line, "]}");
  g_assert_false (parse (line->str, &error));
  g_assert_nonnull (strstr (error, "too many"));

  too_long = g_strdup_printf ("{\"cmd\":\"fault\",\"isolate\":[\"%s\"]}", long_name);
  g_assert_false (parse (too_long, &error));
  g_assert_nonnull (strstr (error, "too long"));
  g_free (too_long);
  too_long = g_strdup_printf ("{\"cmd\":\"post\",\"text\":\"%s\"}", long_text);
  g_assert_false (parse (too_long, &error));
  g_assert_nonnull (strstr (error, "too long"));

  /* one byte less fits */
  long_text[CCOMMAND_TEXT_MAX - 1] = '\0';
  g_free (too_long);
  too_long = g_strdup_printf ("{\"cmd\":\"post\",\"text\":\"%s\"}", long_text);
  g_assert_true (parse (too_long, &error));
  g_assert_cmpstr (cmd.text, ==, long_text);
}

static void
test_hold_and_release (void)
{
  const char *error;

  g_assert_true (parse ("{\"cmd\":\"hold\",\"on\":true}", &error));
  g_assert_cmpint (cmd.type, ==, CCOMMAND_HOLD);
  g_assert_true (cmd.on);
  g_assert_true (parse ("{\"on\":false,\"cmd\":\"hold\"}", &error));
  g_assert_false (cmd.on);

  g_assert_true (parse ("{\"cmd\":\"release\",\"action\":\"duplicate\",\"id\":\"4242:17\"}", &error));
  g_assert_cmpint (cmd.type, ==, CCOMMAND_RELEASE);
  g_assert_cmpint (cmd.action, ==, CCOMMAND_RELEASE_DUPLICATE);
  g_assert_true (cmd.has_id);
  g_assert_cmpuint (cmd.id_pid, ==, 4242);
  g_assert_cmpuint (cmd.id_n, ==, 17);
  g_assert_false (cmd.has_hash);

  g_assert_true (parse ("{\"cmd\":\"release\",\"action\":\"later\",\"hash\":\"00ff00ff00ff00fF\","
                        "\"src\":\"127.0.0.1:4000\"}", &error));
  g_assert_cmpint (cmd.action, ==, CCOMMAND_RELEASE_LATER);
  g_assert_true (cmd.has_hash);
  g_assert_cmphex (cmd.hash, ==, 0x00ff00ff00ff00ffULL);
  g_assert_cmpstr (cmd.src, ==, "127.0.0.1:4000");

  g_assert_true (parse ("{\"cmd\":\"release\",\"action\":\"deliver\",\"off\":1234,\"src\":\"127.0.0.1:5\"}", &error));
  g_assert_true (cmd.has_off);
  g_assert_cmpfloat (cmd.off, ==, 1234);
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"deliver\",\"off\":-1}", &error));
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"deliver\",\"off\":3,\"hash\":\"0000000000000001\"}", &error));

  /* rejected whole: no on, not a boolean, unknown action, no key, both keys, bad id, bad hash */
  g_assert_false (parse ("{\"cmd\":\"hold\"}", &error));
  g_assert_false (parse ("{\"cmd\":\"hold\",\"on\":1}", &error));
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"eat\",\"id\":\"1:2\"}", &error));
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"drop\"}", &error));
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"drop\",\"id\":\"1:2\",\"hash\":\"0000000000000001\"}", &error));
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"drop\",\"id\":\"0:2\"}", &error));
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"drop\",\"id\":\"12:x\"}", &error));
  g_assert_false (parse ("{\"cmd\":\"release\",\"action\":\"drop\",\"hash\":\"00000000000000g1\"}", &error));
  g_assert_nonnull (error);
  g_assert_cmpint (cmd.type, ==, CCOMMAND_OTHER);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/command/fault", test_fault);
  g_test_add_func ("/command/tempo-and-post", test_tempo_and_post);
  g_test_add_func ("/command/rejected", test_rejected);
  g_test_add_func ("/command/nul", test_nul);
  g_test_add_func ("/command/limits", test_limits);
  g_test_add_func ("/command/hold-and-release", test_hold_and_release);
  return g_test_run ();
}
