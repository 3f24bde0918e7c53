/* conclave-scenario-json.c — JSON that remembers its line numbers.
 *
 * JsonParser forgets where things were once it has built the tree, but its
 * signals fire as it goes: we map every object, member and array element to
 * its line then, so the scenario checks can say "FILE:LINE: problem" about
 * any value. Also rejects what json-glib lets through: an empty file, two
 * top-level values, a member given twice, text that is not UTF-8 (before
 * json-glib decodes escapes, and after: json-glib 1.6 decodes an octal
 * escape into a single byte).
 * It knows nothing of what a scenario means; it must never accept a file
 * that is not exactly one JSON object.
 */
#include "conclave-scenario.h"
#include "conclave-scenario-private.h"

#include <stdio.h>
#include <string.h>

#define MAX_FILE_SIZE (1024 * 1024)

typedef struct {
  guint line;
  GHashTable *members;   /* name → line of its value */
} ObjectLines;

struct _ConclaveScenarioJson
{
  char *filename;
  JsonParser *parser;
  GHashTable *objects;   /* JsonObject* → ObjectLines* */
  GHashTable *arrays;    /* JsonArray* → GArray of guint: line of each element */
  GArray *open;          /* lines of the '{' still open */
  guint depth;
  guint roots;
  guint second_root_line;
  char *duplicate;       /* first member name given twice in one object */
  guint duplicate_line;
};

/* --- line numbers, as the parser goes --------------------------------------- */

static void
object_lines_free (ObjectLines *lines)
{
  g_hash_table_unref (lines->members);
  g_free (lines);
}

static ObjectLines *
object_lines (ConclaveScenarioJson *json,
              JsonObject           *object)
{
  ObjectLines *lines = g_hash_table_lookup (json->objects, object);

  if (lines == NULL)
    {
      lines = g_new0 (ObjectLines, 1);
      lines->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (json->objects, object, lines);
    }
  return lines;
}

static void
value_started (ConclaveScenarioJson *json)
{
  guint line = json_parser_get_current_line (json->parser);

  if (json->depth++ > 0)
    return;
  if (++json->roots == 2)
    json->second_root_line = line;
}

static void
on_object_start (JsonParser           *parser,
                 ConclaveScenarioJson *json)
{
  guint line = json_parser_get_current_line (parser);

  g_array_append_val (json->open, line);
  value_started (json);
}

static void
on_object_member (JsonParser           *parser,
                  JsonObject           *object,
                  const char           *name,
                  ConclaveScenarioJson *json)
{
  ObjectLines *lines = object_lines (json, object);
  guint line = json_parser_get_current_line (parser);

  if (g_hash_table_contains (lines->members, name) && json->duplicate == NULL)
    {
      json->duplicate = g_strdup (name);
      json->duplicate_line = line;
    }
  g_hash_table_insert (lines->members, g_strdup (name), GUINT_TO_POINTER (line));
}

static void
on_object_end (JsonParser           *parser,
               JsonObject           *object,
               ConclaveScenarioJson *json)
{
  g_assert (json->open->len > 0);
  object_lines (json, object)->line = g_array_index (json->open, guint, json->open->len - 1);
  g_array_set_size (json->open, json->open->len - 1);
  json->depth--;
}

static void
on_array_start (JsonParser           *parser,
                ConclaveScenarioJson *json)
{
  value_started (json);
}

static void
on_array_end (JsonParser           *parser,
              JsonArray            *array,
              ConclaveScenarioJson *json)
{
  json->depth--;
}

static void
on_array_element (JsonParser           *parser,
                  JsonArray            *array,
                  gint                  index,
                  ConclaveScenarioJson *json)
{
  GArray *lines = g_hash_table_lookup (json->arrays, array);
  guint line = json_parser_get_current_line (parser);

  if (lines == NULL)
    {
      lines = g_array_new (FALSE, TRUE, sizeof (guint));
      g_hash_table_insert (json->arrays, array, lines);
    }
  if ((guint) index >= lines->len)
    g_array_set_size (lines, index + 1);
  g_array_index (lines, guint, index) = line;
}

guint
_conclave_scenario_json_line_of_object (ConclaveScenarioJson *json,
                                        JsonObject           *object)
{
  ObjectLines *lines = g_hash_table_lookup (json->objects, object);

  return lines != NULL ? lines->line : 0;
}

guint
_conclave_scenario_json_line_of_member (ConclaveScenarioJson *json,
                                        JsonObject           *object,
                                        const char           *name)
{
  ObjectLines *lines = g_hash_table_lookup (json->objects, object);
  gpointer line;

  if (lines != NULL && g_hash_table_lookup_extended (lines->members, name, NULL, &line))
    return GPOINTER_TO_UINT (line);
  return _conclave_scenario_json_line_of_object (json, object);
}

guint
_conclave_scenario_json_line_of_element (ConclaveScenarioJson *json,
                                         JsonArray            *array,
                                         guint                 index)
{
  GArray *lines = g_hash_table_lookup (json->arrays, array);

  return lines != NULL && index < lines->len ? g_array_index (lines, guint, index) : 0;
}

gboolean
_conclave_scenario_json_fail (ConclaveScenarioJson  *json,
                              guint                  line,
                              GError               **error,
                              const char            *format,
                              ...)
{
  g_autofree char *raw = NULL;
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  raw = g_strdup_vprintf (format, args);
  va_end (args);
  /* It may quote a member's name, which an escape can make not UTF-8. */
  problem = g_utf8_make_valid (raw, -1);

  if (line > 0)
    g_set_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID,
                 "%s:%u: %s", json->filename, line, problem);
  else
    g_set_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID,
                 "%s: %s", json->filename, problem);
  return FALSE;
}

/* --- typed members ------------------------------------------------------------ */

/* The member, or NULL if it is absent and optional. */
static gboolean
lookup_member (ConclaveScenarioJson  *json,
               JsonObject            *object,
               const char            *name,
               const char            *what,
               gboolean               required,
               JsonNode             **out,
               GError               **error)
{
  *out = json_object_get_member (object, name);
  if (*out == NULL && required)
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_object (json, object),
                                         error, "%s has no “%s”", what, name);
  return TRUE;
}

static gboolean
fail_type (ConclaveScenarioJson  *json,
           JsonObject            *object,
           const char            *name,
           const char            *what,
           const char            *expected,
           GError               **error)
{
  return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, object, name),
                                       error, "“%s” of %s must be %s", name, what, expected);
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
_conclave_scenario_json_check_fields (ConclaveScenarioJson  *json,
                                      JsonObject            *object,
                                      const char * const    *allowed,
                                      const char            *what,
                                      GError               **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *expected = g_strjoinv (", ", (char **) allowed);

        return _conclave_scenario_json_fail (json,
                                             _conclave_scenario_json_line_of_member (json, object, l->data),
                                             error, "unknown field “%s” in %s (known fields: %s)",
                                             (const char *) l->data, what, expected);
      }
  return TRUE;
}

gboolean
_conclave_scenario_json_get_string (ConclaveScenarioJson  *json,
                                    JsonObject            *object,
                                    const char            *name,
                                    const char            *what,
                                    gboolean               required,
                                    const char           **out,
                                    GError               **error)
{
  JsonNode *node;

  *out = NULL;
  if (!lookup_member (json, object, name, what, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!holds (node, G_TYPE_STRING))
    return fail_type (json, object, name, what, "a string", error);
  if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
    return fail_type (json, object, name, what, "UTF-8 text once its escapes are decoded", error);
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
_conclave_scenario_json_get_number (ConclaveScenarioJson  *json,
                                    JsonObject            *object,
                                    const char            *name,
                                    const char            *what,
                                    double                *out,
                                    gboolean              *present,
                                    GError               **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *present = node != NULL;
  if (node == NULL)
    return TRUE;
  if (!holds (node, G_TYPE_INT64) && !holds (node, G_TYPE_DOUBLE))
    return fail_type (json, object, name, what, "a number", error);
  *out = json_node_get_double (node);
  return TRUE;
}

gboolean
_conclave_scenario_json_get_ms (ConclaveScenarioJson  *json,
                                JsonObject            *object,
                                const char            *name,
                                const char            *what,
                                gboolean               required,
                                guint                 *out,
                                GError               **error)
{
  JsonNode *node;
  gint64 value;

  *out = 0;
  if (!lookup_member (json, object, name, what, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!holds (node, G_TYPE_INT64))
    return fail_type (json, object, name, what, "a whole number of milliseconds", error);
  value = json_node_get_int (node);
  if (value < 0 || value > CONCLAVE_SCENARIO_MAX_MS)
    {
      g_autofree char *range = g_strdup_printf ("between 0 and %u", CONCLAVE_SCENARIO_MAX_MS);

      return fail_type (json, object, name, what, range, error);
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
_conclave_scenario_json_get_array (ConclaveScenarioJson  *json,
                                   JsonObject            *object,
                                   const char            *name,
                                   const char            *what,
                                   gboolean               required,
                                   JsonArray            **out,
                                   GError               **error)
{
  JsonNode *node;

  *out = NULL;
  if (!lookup_member (json, object, name, what, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail_type (json, object, name, what, "an array", error);
  *out = json_node_get_array (node);
  return TRUE;
}

gboolean
_conclave_scenario_json_get_element_object (ConclaveScenarioJson  *json,
                                            JsonArray             *array,
                                            guint                  index,
                                            const char            *what,
                                            const char            *owner,
                                            JsonObject           **out,
                                            GError               **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_element (json, array, index),
                                         error, "%s %u of %s must be an object", what, index + 1, owner);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_conclave_scenario_json_get_element_string (ConclaveScenarioJson  *json,
                                            JsonArray             *array,
                                            guint                  index,
                                            const char            *what,
                                            const char            *owner,
                                            const char           **out,
                                            GError               **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!holds (node, G_TYPE_STRING))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_element (json, array, index),
                                         error, "%s %u of %s must be a string", what, index + 1, owner);
  if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_element (json, array, index),
                                         error, "%s %u of %s must be UTF-8 text once its escapes are decoded",
                                         what, index + 1, owner);
  *out = json_node_get_string (node);
  return TRUE;
}

/* --- parsing ------------------------------------------------------------------ */

static guint
count_lines (const char *data,
             const char *end)
{
  guint line = 1;

  for (const char *p = data; p < end; p++)
    line += *p == '\n';
  return line;
}

/* json-glib says "<data>:LINE:COLUMN: Parse error: problem"; we say FILE:LINE. */
static gboolean
fail_syntax (ConclaveScenarioJson  *json,
             const GError          *parse_error,
             GError               **error)
{
  const char *message = parse_error->message;
  guint line = 0, column = 0;
  int consumed = 0;

  if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) < 2 || consumed == 0)
    return _conclave_scenario_json_fail (json, 0, error, "syntax error: %s", message);

  message += consumed;
  if (g_str_has_prefix (message, "Parse error: "))
    message += strlen ("Parse error: ");
  if (column > 0)
    return _conclave_scenario_json_fail (json, line, error, "syntax error at column %u: %s",
                                         column, message);
  return _conclave_scenario_json_fail (json, line, error, "syntax error: %s", message);
}

static gboolean
parse (ConclaveScenarioJson  *json,
       const char            *data,
       gsize                  len,
       GError               **error)
{
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  const char *bad;

  if (len > MAX_FILE_SIZE)
    return _conclave_scenario_json_fail (json, 0, error, "too large for a scenario (%" G_GSIZE_FORMAT
                                         " bytes)", len);
  if (!g_utf8_validate_len (data, len, &bad))
    return _conclave_scenario_json_fail (json, count_lines (data, bad), error, "not UTF-8 text");
  if (!json_parser_load_from_data (json->parser, data, len, &parse_error))
    return fail_syntax (json, parse_error, error);

  root = json_parser_get_root (json->parser);
  if (root == NULL)
    return _conclave_scenario_json_fail (json, 1, error, "empty: expected a JSON object");
  if (json->roots > 1)
    return _conclave_scenario_json_fail (json, json->second_root_line, error,
                                         "a second JSON value: a scenario is exactly one object");
  if (json->duplicate != NULL)
    return _conclave_scenario_json_fail (json, json->duplicate_line, error,
                                         "“%s” is given twice in the same object", json->duplicate);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return _conclave_scenario_json_fail (json, 1, error, "expected a JSON object {…} at the top");
  return TRUE;
}

static ConclaveScenarioJson *
json_new (const char *filename)
{
  ConclaveScenarioJson *json = g_new0 (ConclaveScenarioJson, 1);

  json->filename = g_strdup (filename);
  json->parser = json_parser_new ();
  json->objects = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) object_lines_free);
  json->arrays = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  json->open = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (json->parser, "object-start", G_CALLBACK (on_object_start), json);
  g_signal_connect (json->parser, "object-member", G_CALLBACK (on_object_member), json);
  g_signal_connect (json->parser, "object-end", G_CALLBACK (on_object_end), json);
  g_signal_connect (json->parser, "array-start", G_CALLBACK (on_array_start), json);
  g_signal_connect (json->parser, "array-element", G_CALLBACK (on_array_element), json);
  g_signal_connect (json->parser, "array-end", G_CALLBACK (on_array_end), json);
  return json;
}

ConclaveScenarioJson *
_conclave_scenario_json_parse (const char  *data,
                               gsize        len,
                               const char  *filename,
                               GError     **error)
{
  g_autoptr(ConclaveScenarioJson) json = json_new (filename);

  if (!parse (json, data, len, error))
    return NULL;
  return g_steal_pointer (&json);
}

JsonObject *
_conclave_scenario_json_root (ConclaveScenarioJson *json)
{
  return json_node_get_object (json_parser_get_root (json->parser));
}

void
_conclave_scenario_json_free (ConclaveScenarioJson *json)
{
  /* The tables are keyed by the parser's objects: drop them first. */
  g_hash_table_unref (json->objects);
  g_hash_table_unref (json->arrays);
  g_array_unref (json->open);
  g_free (json->duplicate);
  g_object_unref (json->parser);
  g_free (json->filename);
  g_free (json);
}
