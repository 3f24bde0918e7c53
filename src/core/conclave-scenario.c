/* conclave-scenario.c — loads a class demonstration from JSON.
 *
 * The chapters are built in as resources; a teacher's own file is read the
 * same way and checked just as strictly: every problem is reported as
 * "FILE:LINE: problem", with the line of the offending value or object, so a
 * typo is found in seconds. The format is described in data/scenarios/README.md.
 * It must never start a process or accept a file it only half understood.
 */
#include "conclave-scenario.h"
#include "conclave-scenarios.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SCENARIO_DIR "/io/github/conclave/Conclave/scenarios"
#define MAX_FILE_SIZE (1024 * 1024)
#define MAX_NAME_LEN 32
#define MAX_TEMPO 100.0
#define MAX_DELAY_MS 60000.0
#define MAX_TIME_MS (24u * 3600u * 1000u)

G_DEFINE_QUARK (conclave-scenario-error-quark, conclave_scenario_error)
G_DEFINE_BOXED_TYPE (ConclaveScenario, conclave_scenario,
                     conclave_scenario_ref, conclave_scenario_unref)

static const char * const action_names[] = {
  [CONCLAVE_FAULT_CRASH] = "crash",
  [CONCLAVE_FAULT_STOP] = "stop",
  [CONCLAVE_FAULT_PAUSE] = "pause",
  [CONCLAVE_FAULT_RESUME] = "resume",
  [CONCLAVE_FAULT_RESTART] = "restart",
  [CONCLAVE_FAULT_ISOLATE] = "isolate",
  [CONCLAVE_FAULT_HEAL] = "heal",
  [CONCLAVE_FAULT_DROP] = "drop",
  [CONCLAVE_FAULT_DELAY] = "delay",
};

/* The roles of conclave-node, and "exec" for any program (args = argv). */
static const char * const known_roles[] = {
  "udp-server", "udp-client", "tcp-server", "tcp-client", "fork-server",
  "pool-server", "square-client", "group-server", "group-client", "exec", NULL
};

/* Fault targets that are not node names. */
static const char * const special_targets[] = { "leader", "random-server", "all", NULL };

/* Filled in by the cluster when it starts a node. */
/* {port2} and {port3}: two more free ports, for scenarios with several servers
 * of their own (the lecture's scripts); {examples}: where those scripts are. */
static const char * const known_placeholders[] = { "port", "group_port", "port2", "port3", "examples", NULL };

static const char * const scenario_fields[] = { "id", "title", "description", "tempo", "nodes", "faults", NULL };
static const char * const node_fields[] = { "name", "role", "args", "start_ms", NULL };
static const char * const fault_fields[] = { "at_ms", "action", "target", "value", NULL };

/* --- plain data ----------------------------------------------------------- */

static void
scenario_node_free (ConclaveScenarioNode *node)
{
  g_free (node->name);
  g_free (node->role);
  g_strfreev (node->args);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveScenarioNode, scenario_node_free)

void
conclave_scenario_fault_free (ConclaveScenarioFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->target);
  g_free (fault);
}

ConclaveScenario *
conclave_scenario_ref (ConclaveScenario *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
conclave_scenario_unref (ConclaveScenario *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_free (self->id);
  g_free (self->title);
  g_free (self->description);
  g_ptr_array_unref (self->nodes);
  g_ptr_array_unref (self->faults);
  g_free (self);
}

static ConclaveScenario *
scenario_new (void)
{
  ConclaveScenario *self = g_new0 (ConclaveScenario, 1);

  g_atomic_ref_count_init (&self->ref);
  self->tempo = 1.0;
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) scenario_node_free);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) conclave_scenario_fault_free);
  return self;
}

const char *
conclave_fault_action_to_string (ConclaveFaultAction action)
{
  if ((guint) action < G_N_ELEMENTS (action_names))
    return action_names[action];
  return "unknown";
}

static gboolean
fault_action_from_string (const char          *word,
                          ConclaveFaultAction *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    if (g_strcmp0 (word, action_names[i]) == 0)
      {
        *action = i;
        return TRUE;
      }
  return FALSE;
}

static char *
action_list (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    g_strv_builder_add (builder, action_names[i]);
  words = g_strv_builder_end (builder);
  return g_strjoinv (", ", words);
}

/* Lower-case letters, digits and '-', starting with a letter: safe in
 * file names, command lines and environment variables alike. */
static gboolean
is_valid_name (const char *name)
{
  if (name == NULL || !g_ascii_islower (name[0]) || strlen (name) > MAX_NAME_LEN)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* What a fault needs, checked the same for files and the command line.
 * Returns a problem, or NULL if the fault makes sense. */
static char *
fault_problem (const ConclaveScenarioFault *fault,
               gboolean                     has_value)
{
  const char *action = conclave_fault_action_to_string (fault->action);
  gboolean wants_value = fault->action == CONCLAVE_FAULT_DROP ||
                         fault->action == CONCLAVE_FAULT_DELAY;

  if (fault->target == NULL && fault->action != CONCLAVE_FAULT_HEAL)
    return g_strdup_printf ("%s needs a target (a node name, leader, random-server or all)", action);
  if (wants_value && !has_value)
    return g_strdup_printf ("%s needs a value (%s)", action,
                            fault->action == CONCLAVE_FAULT_DROP ? "a probability from 0 to 1"
                                                                 : "milliseconds");
  if (!wants_value && has_value)
    return g_strdup_printf ("%s takes no value (only drop and delay do)", action);
  if (fault->action == CONCLAVE_FAULT_DROP && !(fault->value >= 0.0 && fault->value <= 1.0))
    return g_strdup_printf ("drop probability %g is not between 0 and 1", fault->value);
  if (fault->action == CONCLAVE_FAULT_DELAY && !(fault->value >= 0.0 && fault->value <= MAX_DELAY_MS))
    return g_strdup_printf ("delay %g ms is not between 0 and %g", fault->value, MAX_DELAY_MS);
  return NULL;
}

/* Stable: faults at the same time keep the order they were written in. */
static void
insert_fault_sorted (ConclaveScenario      *self,
                     ConclaveScenarioFault *fault)
{
  guint i = self->faults->len;

  while (i > 0 && ((ConclaveScenarioFault *) g_ptr_array_index (self->faults, i - 1))->at_ms > fault->at_ms)
    i--;
  g_ptr_array_insert (self->faults, i, fault);
}

/* --- line numbers --------------------------------------------------------- */

/* JsonParser forgets where things were; its signals tell us as it goes. */
typedef struct {
  guint line;
  GHashTable *members;   /* name → line of its value */
} ObjectLines;

typedef struct {
  const char *filename;
  JsonParser *parser;
  GHashTable *objects;   /* JsonObject* → ObjectLines* */
  GHashTable *arrays;    /* JsonArray* → GArray of guint: line of each element */
  GArray *open;          /* lines of the '{' still open */
  guint depth;
  guint roots;
  guint second_root_line;
  char *duplicate;       /* first member name given twice in one object */
  guint duplicate_line;
} Loader;

static void
object_lines_free (ObjectLines *lines)
{
  g_hash_table_unref (lines->members);
  g_free (lines);
}

static ObjectLines *
object_lines (Loader     *loader,
              JsonObject *object)
{
  ObjectLines *lines = g_hash_table_lookup (loader->objects, object);

  if (lines == NULL)
    {
      lines = g_new0 (ObjectLines, 1);
      lines->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (loader->objects, object, lines);
    }
  return lines;
}

static void
value_started (Loader *loader)
{
  guint line = json_parser_get_current_line (loader->parser);

  if (loader->depth++ > 0)
    return;
  if (++loader->roots == 2)
    loader->second_root_line = line;
}

static void
on_object_start (JsonParser *parser,
                 Loader     *loader)
{
  guint line = json_parser_get_current_line (parser);

  g_array_append_val (loader->open, line);
  value_started (loader);
}

static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *name,
                  Loader     *loader)
{
  ObjectLines *lines = object_lines (loader, object);
  guint line = json_parser_get_current_line (parser);

  if (g_hash_table_contains (lines->members, name) && loader->duplicate == NULL)
    {
      loader->duplicate = g_strdup (name);
      loader->duplicate_line = line;
    }
  g_hash_table_insert (lines->members, g_strdup (name), GUINT_TO_POINTER (line));
}

static void
on_object_end (JsonParser *parser,
               JsonObject *object,
               Loader     *loader)
{
  g_assert (loader->open->len > 0);
  object_lines (loader, object)->line = g_array_index (loader->open, guint, loader->open->len - 1);
  g_array_set_size (loader->open, loader->open->len - 1);
  loader->depth--;
}

static void
on_array_start (JsonParser *parser,
                Loader     *loader)
{
  value_started (loader);
}

static void
on_array_end (JsonParser *parser,
              JsonArray  *array,
              Loader     *loader)
{
  loader->depth--;
}

static void
on_array_element (JsonParser *parser,
                  JsonArray  *array,
                  gint        index,
                  Loader     *loader)
{
  GArray *lines = g_hash_table_lookup (loader->arrays, array);
  guint line = json_parser_get_current_line (parser);

  if (lines == NULL)
    {
      lines = g_array_new (FALSE, TRUE, sizeof (guint));
      g_hash_table_insert (loader->arrays, array, lines);
    }
  if ((guint) index >= lines->len)
    g_array_set_size (lines, index + 1);
  g_array_index (lines, guint, index) = line;
}

static guint
line_of_object (Loader     *loader,
                JsonObject *object)
{
  ObjectLines *lines = g_hash_table_lookup (loader->objects, object);

  return lines != NULL ? lines->line : 0;
}

/* The line of a member's value; the object's line if it has no such member. */
static guint
line_of_member (Loader     *loader,
                JsonObject *object,
                const char *name)
{
  ObjectLines *lines = g_hash_table_lookup (loader->objects, object);
  gpointer line;

  if (lines != NULL && g_hash_table_lookup_extended (lines->members, name, NULL, &line))
    return GPOINTER_TO_UINT (line);
  return line_of_object (loader, object);
}

static guint
line_of_element (Loader    *loader,
                 JsonArray *array,
                 guint      index)
{
  GArray *lines = g_hash_table_lookup (loader->arrays, array);

  return lines != NULL && index < lines->len ? g_array_index (lines, guint, index) : 0;
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (Loader      *loader,
      guint        line,
      GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (line > 0)
    g_set_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID,
                 "%s:%u: %s", loader->filename, line, problem);
  else
    g_set_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID,
                 "%s: %s", loader->filename, problem);
  return FALSE;
}

/* --- typed fields ----------------------------------------------------------- */

static gboolean
check_fields (Loader             *loader,
              JsonObject         *object,
              const char * const *allowed,
              const char         *what,
              GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *expected = g_strjoinv (", ", (char **) allowed);

        return fail (loader, line_of_member (loader, object, l->data), error,
                     "unknown field “%s” in %s (known fields: %s)",
                     (const char *) l->data, what, expected);
      }
  return TRUE;
}

/* A string member: NULL if absent (an error if required). */
static gboolean
get_string (Loader      *loader,
            JsonObject  *object,
            const char  *name,
            const char  *what,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        return fail (loader, line_of_object (loader, object), error,
                     "%s has no “%s”", what, name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (loader, line_of_member (loader, object, name), error,
                 "“%s” of %s must be a string", name, what);
  *out = json_node_get_string (node);
  return TRUE;
}

/* A number member; *present tells whether it was there. */
static gboolean
get_number (Loader      *loader,
            JsonObject  *object,
            const char  *name,
            const char  *what,
            double      *out,
            gboolean    *present,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  *present = node != NULL;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return fail (loader, line_of_member (loader, object, name), error,
                 "“%s” of %s must be a number", name, what);
  *out = json_node_get_double (node);
  return TRUE;
}

/* Milliseconds: a whole number, 0 to a day. */
static gboolean
get_ms (Loader      *loader,
        JsonObject  *object,
        const char  *name,
        const char  *what,
        gboolean     required,
        guint       *out,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  *out = 0;
  if (node == NULL)
    {
      if (required)
        return fail (loader, line_of_object (loader, object), error,
                     "%s has no “%s”", what, name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (loader, line_of_member (loader, object, name), error,
                 "“%s” of %s must be a whole number of milliseconds", name, what);
  value = json_node_get_int (node);
  if (value < 0 || value > MAX_TIME_MS)
    return fail (loader, line_of_member (loader, object, name), error,
                 "“%s” of %s must be between 0 and %u", name, what, MAX_TIME_MS);
  *out = (guint) value;
  return TRUE;
}

/* An array member; NULL if absent (an error if required). */
static gboolean
get_array (Loader      *loader,
           JsonObject  *object,
           const char  *name,
           const char  *what,
           gboolean     required,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        return fail (loader, line_of_object (loader, object), error,
                     "%s has no “%s”", what, name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (loader, line_of_member (loader, object, name), error,
                 "“%s” of %s must be an array", name, what);
  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
get_element_object (Loader      *loader,
                    JsonArray   *array,
                    guint        index,
                    const char  *what,
                    JsonObject **out,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (loader, line_of_element (loader, array, index), error,
                 "%s %u must be an object", what, index + 1);
  *out = json_node_get_object (node);
  return TRUE;
}

/* --- nodes ---------------------------------------------------------------- */

/* The known_placeholders are filled in at start; anything else in
 * braces is a typo we would otherwise pass to the program. Returns it. */
static char *
unknown_placeholder (const char *arg)
{
  const char *open = arg;

  while ((open = strchr (open, '{')) != NULL)
    {
      const char *close = strchr (open, '}');
      g_autofree char *name = NULL;

      if (close == NULL)
        return g_strdup (open);
      name = g_strndup (open + 1, close - open - 1);
      if (!g_strv_contains (known_placeholders, name))
        return g_strndup (open, close - open + 1);
      open = close + 1;
    }
  return NULL;
}

static gboolean
load_args (Loader                *loader,
           JsonObject            *object,
           const char            *what,
           ConclaveScenarioNode  *node,
           GError               **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *args;

  if (!get_array (loader, object, "args", what, FALSE, &args, error))
    return FALSE;
  for (guint i = 0; args != NULL && i < json_array_get_length (args); i++)
    {
      JsonNode *arg = json_array_get_element (args, i);
      g_autofree char *bad = NULL;

      if (!JSON_NODE_HOLDS_VALUE (arg) || json_node_get_value_type (arg) != G_TYPE_STRING)
        return fail (loader, line_of_element (loader, args, i), error,
                     "argument %u of %s must be a string", i + 1, what);
      bad = unknown_placeholder (json_node_get_string (arg));
      if (bad != NULL)
        return fail (loader, line_of_element (loader, args, i), error,
                     "unknown placeholder “%s” in the arguments of %s (known: {port}, {group_port}, {port2}, {port3}, {examples})",
                     bad, what);
      g_strv_builder_add (builder, json_node_get_string (arg));
    }
  node->args = g_strv_builder_end (builder);
  if (g_strcmp0 (node->role, "exec") == 0 && node->args[0] == NULL)
    return fail (loader, line_of_object (loader, object), error,
                 "%s has role exec but no “args” (the program and its arguments)", what);
  return TRUE;
}

static gboolean
check_node_name (Loader            *loader,
                 ConclaveScenario  *scenario,
                 JsonObject        *object,
                 const char        *name,
                 GError           **error)
{
  guint line = line_of_member (loader, object, "name");

  if (!is_valid_name (name))
    return fail (loader, line, error,
                 "bad node name “%s”: use a lower-case letter, then letters, digits or '-' "
                 "(at most %d characters), like s1 or c2", name, MAX_NAME_LEN);
  if (g_strv_contains (special_targets, name))
    return fail (loader, line, error,
                 "“%s” cannot be a node name: it is a fault target meaning something else", name);
  for (guint i = 0; i < scenario->nodes->len; i++)
    if (g_str_equal (((ConclaveScenarioNode *) g_ptr_array_index (scenario->nodes, i))->name, name))
      return fail (loader, line, error, "a second node is named “%s”", name);
  return TRUE;
}

static gboolean
load_node (Loader            *loader,
           ConclaveScenario  *scenario,
           JsonObject        *object,
           guint              index,
           GError           **error)
{
  g_autoptr(ConclaveScenarioNode) node = g_new0 (ConclaveScenarioNode, 1);
  g_autofree char *what = g_strdup_printf ("node %u", index + 1);
  const char *name, *role;

  if (!check_fields (loader, object, node_fields, what, error) ||
      !get_string (loader, object, "name", what, TRUE, &name, error) ||
      !check_node_name (loader, scenario, object, name, error))
    return FALSE;

  g_free (what);
  what = g_strdup_printf ("node “%s”", name);
  if (!get_string (loader, object, "role", what, TRUE, &role, error))
    return FALSE;
  if (!g_strv_contains (known_roles, role))
    {
      g_autofree char *roles = g_strjoinv (", ", (char **) known_roles);

      return fail (loader, line_of_member (loader, object, "role"), error,
                   "unknown role “%s” for %s (known roles: %s)", role, what, roles);
    }
  node->name = g_strdup (name);
  node->role = g_strdup (role);
  if (!load_args (loader, object, what, node, error) ||
      !get_ms (loader, object, "start_ms", what, FALSE, &node->start_ms, error))
    return FALSE;

  g_ptr_array_add (scenario->nodes, g_steal_pointer (&node));
  return TRUE;
}

/* --- faults --------------------------------------------------------------- */

static gboolean
scenario_has_node (ConclaveScenario *scenario,
                   const char       *name)
{
  for (guint i = 0; i < scenario->nodes->len; i++)
    if (g_str_equal (((ConclaveScenarioNode *) g_ptr_array_index (scenario->nodes, i))->name, name))
      return TRUE;
  return FALSE;
}

static gboolean
load_fault_target (Loader                 *loader,
                   ConclaveScenario       *scenario,
                   JsonObject             *object,
                   const char             *what,
                   ConclaveScenarioFault  *fault,
                   GError                **error)
{
  const char *target;

  if (!get_string (loader, object, "target", what, FALSE, &target, error))
    return FALSE;
  if (target != NULL && !g_strv_contains (special_targets, target) &&
      !scenario_has_node (scenario, target))
    return fail (loader, line_of_member (loader, object, "target"), error,
                 "%s targets “%s”, which is not a node of this scenario "
                 "(nor leader, random-server or all)", what, target);
  fault->target = g_strdup (target);
  return TRUE;
}

static gboolean
load_fault (Loader            *loader,
            ConclaveScenario  *scenario,
            JsonObject        *object,
            guint              index,
            GError           **error)
{
  g_autoptr(ConclaveScenarioFault) fault = g_new0 (ConclaveScenarioFault, 1);
  g_autofree char *what = g_strdup_printf ("fault %u", index + 1);
  g_autofree char *problem = NULL;
  const char *action;
  gboolean has_value;

  if (!check_fields (loader, object, fault_fields, what, error) ||
      !get_ms (loader, object, "at_ms", what, TRUE, &fault->at_ms, error) ||
      !get_string (loader, object, "action", what, TRUE, &action, error))
    return FALSE;
  if (!fault_action_from_string (action, &fault->action))
    {
      g_autofree char *actions = action_list ();

      return fail (loader, line_of_member (loader, object, "action"), error,
                   "unknown action “%s” in %s (known actions: %s)", action, what, actions);
    }
  if (!load_fault_target (loader, scenario, object, what, fault, error) ||
      !get_number (loader, object, "value", what, &fault->value, &has_value, error))
    return FALSE;

  problem = fault_problem (fault, has_value);
  if (problem != NULL)
    return fail (loader, line_of_object (loader, object), error, "%s: %s", what, problem);

  insert_fault_sorted (scenario, g_steal_pointer (&fault));
  return TRUE;
}

/* --- the whole file ------------------------------------------------------- */

static gboolean
load_list (Loader            *loader,
           ConclaveScenario  *scenario,
           JsonArray         *array,
           const char        *what,
           gboolean (*load_one) (Loader *, ConclaveScenario *, JsonObject *, guint, GError **),
           GError           **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = NULL;

      if (!get_element_object (loader, array, i, what, &object, error) ||
          !load_one (loader, scenario, object, i, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_header (Loader            *loader,
             ConclaveScenario  *scenario,
             JsonObject        *root,
             GError           **error)
{
  const char *id, *title, *description;
  gboolean has_tempo;

  if (!check_fields (loader, root, scenario_fields, "the scenario", error) ||
      !get_string (loader, root, "id", "the scenario", TRUE, &id, error))
    return FALSE;
  if (!is_valid_name (id))
    return fail (loader, line_of_member (loader, root, "id"), error,
                 "bad id “%s”: use a lower-case letter, then letters, digits or '-'", id);
  if (!get_string (loader, root, "title", "the scenario", TRUE, &title, error) ||
      !get_string (loader, root, "description", "the scenario", FALSE, &description, error) ||
      !get_number (loader, root, "tempo", "the scenario", &scenario->tempo, &has_tempo, error))
    return FALSE;
  if (*title == '\0')
    return fail (loader, line_of_member (loader, root, "title"), error, "the title is empty");
  if (has_tempo && !(scenario->tempo > 0.0 && scenario->tempo <= MAX_TEMPO))
    return fail (loader, line_of_member (loader, root, "tempo"), error,
                 "tempo %g is not above 0 and at most %g", scenario->tempo, MAX_TEMPO);

  scenario->id = g_strdup (id);
  scenario->title = g_strdup (title);
  scenario->description = g_strdup (description != NULL ? description : "");
  return TRUE;
}

static gboolean
load_root (Loader            *loader,
           ConclaveScenario  *scenario,
           JsonObject        *root,
           GError           **error)
{
  JsonArray *nodes, *faults;

  if (!load_header (loader, scenario, root, error) ||
      !get_array (loader, root, "nodes", "the scenario", TRUE, &nodes, error))
    return FALSE;
  if (json_array_get_length (nodes) == 0)
    return fail (loader, line_of_member (loader, root, "nodes"), error,
                 "“nodes” is empty: a scenario starts at least one node");
  if (!load_list (loader, scenario, nodes, "node", load_node, error) ||
      !get_array (loader, root, "faults", "the scenario", FALSE, &faults, error))
    return FALSE;
  if (faults != NULL && !load_list (loader, scenario, faults, "fault", load_fault, error))
    return FALSE;
  return TRUE;
}

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
fail_syntax (Loader       *loader,
             const GError *parse_error,
             GError      **error)
{
  const char *message = parse_error->message;
  guint line = 0, column = 0;
  int consumed = 0;

  if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
    {
      message += consumed;
      if (g_str_has_prefix (message, "Parse error: "))
        message += strlen ("Parse error: ");
      return fail (loader, line, error, "syntax error at column %u: %s", column, message);
    }
  return fail (loader, 0, error, "syntax error: %s", message);
}

static gboolean
parse (Loader      *loader,
       const char  *data,
       gsize        len,
       GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  const char *bad;

  if (len > MAX_FILE_SIZE)
    return fail (loader, 0, error, "too large for a scenario (%" G_GSIZE_FORMAT " bytes)", len);
  if (!g_utf8_validate_len (data, len, &bad))
    return fail (loader, count_lines (data, bad), error, "not UTF-8 text");
  if (!json_parser_load_from_data (loader->parser, data, len, &parse_error))
    return fail_syntax (loader, parse_error, error);
  if (json_parser_get_root (loader->parser) == NULL)
    return fail (loader, 1, error, "empty: expected a JSON object");
  if (loader->roots > 1)
    return fail (loader, loader->second_root_line, error,
                 "a second JSON value: a scenario is exactly one object");
  if (loader->duplicate != NULL)
    return fail (loader, loader->duplicate_line, error,
                 "“%s” is given twice in the same object", loader->duplicate);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (loader->parser)))
    return fail (loader, 1, error, "expected a JSON object {…} at the top");
  return TRUE;
}

static void
loader_init (Loader     *loader,
             const char *filename)
{
  memset (loader, 0, sizeof *loader);
  loader->filename = filename;
  loader->parser = json_parser_new ();
  loader->objects = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) object_lines_free);
  loader->arrays = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  loader->open = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (loader->parser, "object-start", G_CALLBACK (on_object_start), loader);
  g_signal_connect (loader->parser, "object-member", G_CALLBACK (on_object_member), loader);
  g_signal_connect (loader->parser, "object-end", G_CALLBACK (on_object_end), loader);
  g_signal_connect (loader->parser, "array-start", G_CALLBACK (on_array_start), loader);
  g_signal_connect (loader->parser, "array-element", G_CALLBACK (on_array_element), loader);
  g_signal_connect (loader->parser, "array-end", G_CALLBACK (on_array_end), loader);
}

static void
loader_clear (Loader *loader)
{
  /* The tables are keyed by the parser's objects: drop them first. */
  g_hash_table_unref (loader->objects);
  g_hash_table_unref (loader->arrays);
  g_array_unref (loader->open);
  g_free (loader->duplicate);
  g_object_unref (loader->parser);
}

ConclaveScenario *
conclave_scenario_new_from_data (const char  *data,
                                 gsize        len,
                                 const char  *filename,
                                 GError     **error)
{
  g_autoptr(ConclaveScenario) scenario = scenario_new ();
  Loader loader;
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  loader_init (&loader, filename != NULL ? filename : "<scenario>");
  ok = parse (&loader, data != NULL ? data : "", len, error) &&
       load_root (&loader, scenario,
                  json_node_get_object (json_parser_get_root (loader.parser)), error);
  loader_clear (&loader);

  return ok ? g_steal_pointer (&scenario) : NULL;
}

ConclaveScenario *
conclave_scenario_new_from_file (GFile   *file,
                                 GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize len;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, error))
    {
      g_prefix_error (error, "%s: ", name);
      return NULL;
    }
  return conclave_scenario_new_from_data (contents, len, name, error);
}

/* --- built-in scenarios ----------------------------------------------------- */

/* "chapter-2" before "chapter-10"; "chapter-1" before "chapter-1-tcp". */
static int
natural_compare (gconstpointer a,
                 gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;

  while (*x != '\0' && *y != '\0')
    {
      if (g_ascii_isdigit (*x) && g_ascii_isdigit (*y))
        {
          char *x_end, *y_end;
          guint64 nx = g_ascii_strtoull (x, &x_end, 10);
          guint64 ny = g_ascii_strtoull (y, &y_end, 10);

          if (nx != ny)
            return nx < ny ? -1 : 1;
          x = x_end;
          y = y_end;
          continue;
        }
      if (*x != *y)
        return (guchar) *x - (guchar) *y;
      x++;
      y++;
    }
  return (guchar) *x - (guchar) *y;
}

/* The resource lives in a static library: nothing would pull its
 * constructor into a program, so register it by hand, once. */
static void
ensure_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      conclave_scenarios_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

char **
conclave_scenario_list_builtin (void)
{
  g_auto(GStrv) files;

  ensure_resources ();
  files = g_resources_enumerate_children (SCENARIO_DIR "/", 0, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    if (g_str_has_suffix (files[i], ".json"))
      g_ptr_array_add (ids, g_strndup (files[i], strlen (files[i]) - strlen (".json")));
  g_ptr_array_sort (ids, natural_compare);
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

ConclaveScenario *
conclave_scenario_lookup (const char  *id,
                          GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (id != NULL, NULL);

  ensure_resources ();
  path = g_strconcat (SCENARIO_DIR "/", id, ".json", NULL);
  if (is_valid_name (id))
    bytes = g_resources_lookup_data (path, 0, NULL);
  if (bytes == NULL)
    {
      g_auto(GStrv) known = conclave_scenario_list_builtin ();
      g_autofree char *list = g_strjoinv (", ", known);

      g_set_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_NOT_FOUND,
                   "No built-in scenario “%s” (built in: %s)", id, list);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  return conclave_scenario_new_from_data (data, len, path, error);
}

/* --- the command-line form: TIME:ACTION[:TARGET[:VALUE]] ---------------------- */

/* "500ms", "5s", "1.5s" → milliseconds. */
static gboolean
parse_time (const char *text,
            guint      *ms)
{
  char *end;
  double value, scale;

  if (!g_ascii_isdigit (text[0]))
    return FALSE;
  value = g_ascii_strtod (text, &end);
  if (g_str_equal (end, "ms"))
    scale = 1.0;
  else if (g_str_equal (end, "s"))
    scale = 1000.0;
  else
    return FALSE;
  value *= scale;
  if (!isfinite (value) || value > MAX_TIME_MS)
    return FALSE;
  *ms = (guint) round (value);
  return TRUE;
}

static gboolean
parse_value (const char *text,
             double     *value)
{
  char *end;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return *end == '\0' && isfinite (*value);
}

static ConclaveScenarioFault *
fault_error (GError     **error,
             const char  *text,
             const char  *problem)
{
  g_set_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID,
               "Bad fault “%s”: %s (expected TIME:ACTION[:TARGET[:VALUE]], "
               "e.g. 5s:crash:leader, 500ms:drop:s1:0.3, 12s:heal)", text, problem);
  return NULL;
}

static gboolean
is_valid_target (const char *target)
{
  return g_strv_contains (special_targets, target) || is_valid_name (target);
}

ConclaveScenarioFault *
conclave_scenario_fault_parse (const char  *text,
                               GError     **error)
{
  g_autoptr(ConclaveScenarioFault) fault = g_new0 (ConclaveScenarioFault, 1);
  g_auto(GStrv) parts = NULL;
  g_autofree char *problem = NULL;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);

  parts = g_strsplit (text, ":", 5);
  n = g_strv_length (parts);
  if (n < 2 || n > 4)
    return fault_error (error, text, n < 2 ? "too few parts" : "too many parts");
  if (!parse_time (parts[0], &fault->at_ms))
    {
      problem = g_strdup_printf ("“%s” is not a time like 500ms or 5s", parts[0]);
      return fault_error (error, text, problem);
    }
  if (!fault_action_from_string (parts[1], &fault->action))
    {
      g_autofree char *actions = action_list ();

      problem = g_strdup_printf ("unknown action “%s” (known: %s)", parts[1], actions);
      return fault_error (error, text, problem);
    }
  if (n >= 3 && parts[2][0] != '\0')
    {
      if (!is_valid_target (parts[2]))
        {
          problem = g_strdup_printf ("“%s” is not a node name (like s1) nor leader, "
                                     "random-server or all", parts[2]);
          return fault_error (error, text, problem);
        }
      fault->target = g_strdup (parts[2]);
    }
  if (n == 4 && !parse_value (parts[3], &fault->value))
    {
      problem = g_strdup_printf ("“%s” is not a number", parts[3]);
      return fault_error (error, text, problem);
    }
  problem = fault_problem (fault, n == 4);
  if (problem != NULL)
    return fault_error (error, text, problem);
  return g_steal_pointer (&fault);
}
