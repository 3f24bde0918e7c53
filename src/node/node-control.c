/* node-control.c — tempo, faults and the `post` command of a node.
 *
 * Parses the controller's JSON command lines with json-glib. A command is
 * checked completely before anything changes, so a bad one leaves the old
 * settings in force; it is reported as a `log` warning, never fatal.
 */
#include "node-control.h"

#include "conclave-protocol.h"
#include "node-loop.h"
#include "node-report.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  double drop;
  guint delay_ms;
  GStrv isolate;
} Faults;

static double tempo = 1.0;
static Faults faults;
static NodePostFunc post_func;
static gpointer post_data;

static gboolean
parse_tempo (const char *text, double *out, GError **error)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !isfinite (value) || value <= 0.0 || value > 1000.0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "tempo must be a number above 0 and at most 1000, not “%s”", text);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
node_control_init (GError **error)
{
  const char *env = g_getenv (CONCLAVE_ENV_TEMPO);

  faults.drop = 0.0;
  faults.delay_ms = 0;
  g_clear_pointer (&faults.isolate, g_strfreev);
  if (env == NULL || *env == '\0')
    return TRUE;
  return parse_tempo (env, &tempo, error);
}

double
node_control_tempo (void)
{
  return tempo;
}

double
node_control_scale_ms (double ms)
{
  return ms * tempo;
}

gboolean
node_control_should_drop (void)
{
  return faults.drop > 0.0 && g_random_double () < faults.drop;
}

guint
node_control_delay_ms (void)
{
  return faults.delay_ms;
}

gboolean
node_control_isolated (const char *node)
{
  return node != NULL && faults.isolate != NULL
         && g_strv_contains ((const char * const *) faults.isolate, node);
}

void
node_control_set_post_func (NodePostFunc func, gpointer data)
{
  post_func = func;
  post_data = data;
}

static gboolean
bad_field (GError **error, const char *cmd, const char *field, const char *want)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "command “%s”: field “%s” must be %s", cmd, field, want);
  return FALSE;
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* A missing member keeps *out; a present one must be a number in range. */
static gboolean
optional_number (JsonObject *obj, const char *name, double min, double max, double *out)
{
  JsonNode *node = json_object_get_member (obj, name);
  double value;

  if (node == NULL)
    return TRUE;
  if (!is_number (node))
    return FALSE;
  value = json_node_get_double (node);
  if (!(value >= min && value <= max))
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

static GStrv
parse_isolate (JsonNode *node)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL)
    return g_strv_builder_end (builder);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!is_string (item))
        return NULL;
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  return g_strv_builder_end (builder);
}

static gboolean
apply_fault (JsonObject *obj, GError **error)
{
  double drop_value = 0.0, delay_value = 0.0;
  GStrv isolate;

  if (!optional_number (obj, "drop", 0.0, 1.0, &drop_value))
    return bad_field (error, "fault", "drop", "a number from 0 to 1");
  if (!optional_number (obj, "delay_ms", 0.0, 600000.0, &delay_value))
    return bad_field (error, "fault", "delay_ms", "a number of milliseconds from 0 to 600000");
  isolate = parse_isolate (json_object_get_member (obj, "isolate"));
  if (isolate == NULL)
    return bad_field (error, "fault", "isolate", "an array of node names");
  faults.drop = drop_value;
  faults.delay_ms = (guint) delay_value;
  g_strfreev (faults.isolate);
  faults.isolate = isolate;
  printf ("Fault settings: drop %.2f, delay %u ms, isolated from %u node(s)\n",
          faults.drop, faults.delay_ms, g_strv_length (faults.isolate));
  return TRUE;
}

static gboolean
apply_tempo (JsonObject *obj, GError **error)
{
  double value = 0.0;

  if (!json_object_has_member (obj, "scale")
      || !optional_number (obj, "scale", 0.0, 1000.0, &value) || value <= 0.0)
    return bad_field (error, "tempo", "scale", "a number above 0 and at most 1000");
  node_loop_retempo (value / tempo);
  tempo = value;
  printf ("Tempo is now %g\n", tempo);
  return TRUE;
}

static gboolean
apply_post (JsonObject *obj, GError **error)
{
  JsonNode *text = json_object_get_member (obj, "text");

  if (text != NULL && !is_string (text))
    return bad_field (error, "post", "text", "a string");
  if (post_func != NULL)
    post_func (text ? json_node_get_string (text) : NULL, post_data);
  return TRUE;
}

gboolean
node_control_apply (const char *line, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *obj;
  const char *cmd;

  if (!json_parser_load_from_data (parser, line, -1, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   "a command must be a JSON object");
      return FALSE;
    }
  obj = json_node_get_object (root);
  if (!is_string (json_object_get_member (obj, "cmd")))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   "a command needs a string member “cmd”");
      return FALSE;
    }
  cmd = json_object_get_string_member (obj, "cmd");
  if (g_strcmp0 (cmd, "fault") == 0)
    return apply_fault (obj, error);
  if (g_strcmp0 (cmd, "tempo") == 0)
    return apply_tempo (obj, error);
  if (g_strcmp0 (cmd, "post") == 0)
    return apply_post (obj, error);
  return TRUE;  /* unknown commands are ignored, as the protocol says */
}

void
node_control_handle_line (const char *line, size_t len, void *unused)
{
  g_autoptr(GError) error = NULL;

  if (memchr (line, '\0', len) != NULL)
    g_set_error_literal (&error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                         "a NUL byte in the command");
  if (error != NULL || !node_control_apply (line, &error))
    {
      fprintf (stderr, "Ignored a bad command from the controller: %s\n", error->message);
      node_report_log ("warning", "ignored a bad command: %s", error->message);
    }
}
