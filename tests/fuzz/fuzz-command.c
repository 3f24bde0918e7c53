/* fuzz-command.c — the command reader of conclave-node and the trace shim.
 *
 * Whatever the bytes, a command is either rejected with a reason or read
 * whole: every name and text NUL-terminated inside its buffer and valid
 * UTF-8 (escapes decoded), every number in its documented range. And what it
 * accepts, json-glib reads as the same command (the controller writes with
 * json-glib, so the two must agree on the meaning of every member).
 */
#include "fuzz-target.h"

#include "conclave-command.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static CCommand cmd;

static void
assert_clean_string (const char *s, gsize size, const char *what)
{
  const char *nul = memchr (s, '\0', size);

  if (nul == NULL)
    g_error ("%s is not terminated inside its buffer", what);
  if (!g_utf8_validate (s, -1, NULL))
    g_error ("%s is not valid UTF-8", what);
}

static void
assert_well_formed (void)
{
  assert_clean_string (cmd.cmd, sizeof cmd.cmd, "cmd");
  assert_clean_string (cmd.text, sizeof cmd.text, "text");
  g_assert_true (cmd.n_isolate >= 0 && cmd.n_isolate <= CCOMMAND_MAX_NAMES);
  g_assert_true (cmd.n_addrs >= 0 && cmd.n_addrs <= CCOMMAND_MAX_NAMES);
  for (int i = 0; i < cmd.n_isolate; i++)
    assert_clean_string (cmd.isolate[i], CCOMMAND_NAME_MAX, "an isolated name");
  for (int i = 0; i < cmd.n_addrs; i++)
    assert_clean_string (cmd.addrs[i], CCOMMAND_NAME_MAX, "an isolated address");
  g_assert_true (cmd.drop >= 0 && cmd.drop <= 1);
  g_assert_true (cmd.delay_ms >= 0 && cmd.delay_ms <= 600000);
  g_assert_true (cmd.scale >= 0 && cmd.scale <= 1000);
  if (cmd.type == CCOMMAND_TEMPO)
    g_assert_true (cmd.scale > 0);
  g_assert_true (cmd.cmd[0] != '\0');
}

static gboolean
same_number (double a, double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, fabs (b));
}

static double
member_double (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : 0;
}

/* json-glib takes more than the reader (lone surrogates, octal escapes),
 * never less: an accepted command is JSON, and means the same there. */
static void
assert_json_glib_agrees (const uint8_t *data, size_t size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonNode *root;
  const char *name;

  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) size, &error))
    g_error ("the reader took a command json-glib rejects: %s", error->message);
  root = json_parser_get_root (parser);
  g_assert_true (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);
  name = json_object_get_string_member_with_default (object, "cmd", "");
  /* A name too long to be known is cut short: a prefix, and unknown. */
  if (strlen (name) < sizeof cmd.cmd)
    g_assert_cmpstr (name, ==, cmd.cmd);
  else if (!g_str_has_prefix (name, cmd.cmd) || cmd.type != CCOMMAND_OTHER)
    g_error ("the command %s was read as %s", name, cmd.cmd);
  if (cmd.has_text)
    g_assert_cmpstr (json_object_get_string_member_with_default (object, "text", ""), ==, cmd.text);
  g_assert_true (same_number (cmd.drop, member_double (object, "drop")));
  g_assert_true (same_number (cmd.delay_ms, member_double (object, "delay_ms")));
  g_assert_true (same_number (cmd.scale, member_double (object, "scale")));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *error = NULL;

  fuzz_setup ();
  if (!ccommand_parse ((const char *) data, size, &cmd, &error))
    {
      if (error == NULL || *error == '\0')
        g_error ("a command was rejected without a reason");
      return 0;
    }
  assert_well_formed ();
  assert_json_glib_agrees (data, size);
  return 0;
}
