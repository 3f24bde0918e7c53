/* summary-test-util.h — a summary conclave-run wrote as JSON, read back for
 * the runner's tests. */
#pragma once

#include <json-glib/json-glib.h>

/* The file's root object, owned by parser; fails the test if unreadable. */
static inline JsonObject *
summary_load (JsonParser *parser, const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}
