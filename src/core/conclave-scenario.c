/* conclave-scenario.c — loads a class demonstration from JSON.
 *
 * The chapters are built in as resources; a teacher's own file is read the
 * same way and checked just as strictly: every problem is reported as
 * "FILE:LINE: problem", with the line of the offending value or object, so a
 * typo is found in seconds. The format is described in data/scenarios/README.md.
 * It must never start a process or accept a file it only half understood.
 */
#include "conclave-scenario.h"
#include "conclave-scenario-private.h"
#include "conclave-scenarios.h"   /* generated: the compiled-in chapters */

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define SCENARIO_DIR "/io/github/conclave/Conclave/scenarios"
#define MAX_NAME_LEN 32
#define MAX_DELAY_MS 60000.0

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
  [CONCLAVE_FAULT_HOLD] = "hold",
  [CONCLAVE_FAULT_RELEASE] = "release",
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

static const char * const scenario_fields[] = { "id", "title", "description", "tempo", "leader_pattern", "network", "nodes", "faults", NULL };
static const char * const node_fields[] = { "name", "role", "args", "start_ms", "host", NULL };
static const char * const fault_fields[] = { "at_ms", "action", "target", "value", NULL };

/* --- plain data ----------------------------------------------------------- */

static void
scenario_node_free (ConclaveScenarioNode *node)
{
  g_free (node->name);
  g_free (node->role);
  g_strfreev (node->args);
  g_free (node->host);
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
  g_free (self->leader_pattern);
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

/* --- nodes ---------------------------------------------------------------- */

/* "{port}" and "{group_port}" are filled in at start; anything else in
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
load_args (ConclaveScenarioJson  *json,
           JsonObject            *object,
           const char            *what,
           ConclaveScenarioNode  *node,
           GError               **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *args;

  if (!_conclave_scenario_json_get_array (json, object, "args", what, FALSE, &args, error))
    return FALSE;
  for (guint i = 0; args != NULL && i < json_array_get_length (args); i++)
    {
      g_autofree char *bad = NULL;
      const char *arg;

      if (!_conclave_scenario_json_get_element_string (json, args, i, "argument", what, &arg, error))
        return FALSE;
      bad = unknown_placeholder (arg);
      if (bad != NULL)
        return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_element (json, args, i),
                                             error, "unknown placeholder “%s” in the arguments of %s "
                                             "(known: {port}, {group_port}, {port2}, {port3}, {examples})", bad, what);
      g_strv_builder_add (builder, arg);
    }
  node->args = g_strv_builder_end (builder);
  if (g_str_equal (node->role, "exec") && node->args[0] == NULL)
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_object (json, object),
                                         error, "%s has role exec but no “args” "
                                         "(the program and its arguments)", what);
  return TRUE;
}

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
check_node_name (ConclaveScenarioJson  *json,
                 ConclaveScenario      *scenario,
                 JsonObject            *object,
                 const char            *name,
                 GError               **error)
{
  guint line = _conclave_scenario_json_line_of_member (json, object, "name");

  if (!is_valid_name (name))
    return _conclave_scenario_json_fail (json, line, error,
                                         "bad node name “%s”: use a lower-case letter, then letters, "
                                         "digits or '-' (at most %d characters), like s1 or c2",
                                         name, MAX_NAME_LEN);
  if (g_strv_contains (special_targets, name))
    return _conclave_scenario_json_fail (json, line, error, "“%s” cannot be a node name: it is a "
                                         "fault target meaning something else", name);
  if (scenario_has_node (scenario, name))
    return _conclave_scenario_json_fail (json, line, error, "a second node is named “%s”", name);
  return TRUE;
}

/* "unknown role “udp-sever” for node “s1” (known roles: …)", at the member's line. */
static gboolean
fail_unknown (ConclaveScenarioJson  *json,
              JsonObject            *object,
              const char            *member,
              const char            *value,
              const char            *what,
              const char            *known,
              GError               **error)
{
  return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, object, member),
                                       error, "unknown %s “%s” for %s (known %ss: %s)",
                                       member, value, what, member, known);
}

static gboolean
check_role (ConclaveScenarioJson  *json,
            JsonObject            *object,
            const char            *role,
            const char            *what,
            GError               **error)
{
  g_autofree char *roles = NULL;

  if (g_strv_contains (known_roles, role))
    return TRUE;
  roles = g_strjoinv (", ", (char **) known_roles);
  return fail_unknown (json, object, "role", role, what, roles, error);
}

static gboolean
load_node (ConclaveScenarioJson  *json,
           ConclaveScenario      *scenario,
           JsonObject            *object,
           guint                  index,
           GError               **error)
{
  g_autoptr(ConclaveScenarioNode) node = g_new0 (ConclaveScenarioNode, 1);
  g_autofree char *what = g_strdup_printf ("node %u", index + 1);
  const char *name, *role, *host;

  if (!_conclave_scenario_json_check_fields (json, object, node_fields, what, error) ||
      !_conclave_scenario_json_get_string (json, object, "name", what, TRUE, &name, error) ||
      !check_node_name (json, scenario, object, name, error))
    return FALSE;

  g_free (what);
  what = g_strdup_printf ("node “%s”", name);
  if (!_conclave_scenario_json_get_string (json, object, "role", what, TRUE, &role, error) ||
      !check_role (json, object, role, what, error))
    return FALSE;
  node->name = g_strdup (name);
  node->role = g_strdup (role);
  if (!load_args (json, object, what, node, error) ||
      !_conclave_scenario_json_get_ms (json, object, "start_ms", what, FALSE, &node->start_ms, error) ||
      !_conclave_scenario_json_get_string (json, object, "host", what, FALSE, &host, error))
    return FALSE;
  if (host != NULL && !is_valid_name (host))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, object, "host"),
                                         error, "host “%s” of %s is no name: a lower-case letter, then "
                                         "letters, digits or '-'", host, what);
  node->host = g_strdup (host);

  g_ptr_array_add (scenario->nodes, g_steal_pointer (&node));
  return TRUE;
}

/* --- faults --------------------------------------------------------------- */

static gboolean
load_fault_target (ConclaveScenarioJson   *json,
                   ConclaveScenario       *scenario,
                   JsonObject             *object,
                   const char             *what,
                   ConclaveScenarioFault  *fault,
                   GError                **error)
{
  const char *target;

  if (!_conclave_scenario_json_get_string (json, object, "target", what, FALSE, &target, error))
    return FALSE;
  if (target != NULL && !g_strv_contains (special_targets, target) &&
      !scenario_has_node (scenario, target))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, object, "target"),
                                         error, "%s targets “%s”, which is not a node of this scenario "
                                         "(nor leader, random-server or all)", what, target);
  fault->target = g_strdup (target);
  return TRUE;
}

static gboolean
load_fault_action (ConclaveScenarioJson   *json,
                   JsonObject             *object,
                   const char             *what,
                   ConclaveScenarioFault  *fault,
                   GError                **error)
{
  g_autofree char *actions = NULL;
  const char *action;

  if (!_conclave_scenario_json_get_string (json, object, "action", what, TRUE, &action, error))
    return FALSE;
  if (fault_action_from_string (action, &fault->action))
    return TRUE;
  actions = action_list ();
  return fail_unknown (json, object, "action", action, what, actions, error);
}

static gboolean
load_fault (ConclaveScenarioJson  *json,
            ConclaveScenario      *scenario,
            JsonObject            *object,
            guint                  index,
            GError               **error)
{
  g_autoptr(ConclaveScenarioFault) fault = g_new0 (ConclaveScenarioFault, 1);
  g_autofree char *what = g_strdup_printf ("fault %u", index + 1);
  g_autofree char *problem = NULL;
  gboolean has_value;

  if (!_conclave_scenario_json_check_fields (json, object, fault_fields, what, error) ||
      !_conclave_scenario_json_get_ms (json, object, "at_ms", what, TRUE, &fault->at_ms, error) ||
      !load_fault_action (json, object, what, fault, error) ||
      !load_fault_target (json, scenario, object, what, fault, error) ||
      !_conclave_scenario_json_get_number (json, object, "value", what, &fault->value, &has_value, error))
    return FALSE;

  problem = fault_problem (fault, has_value);
  if (problem != NULL)
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_object (json, object),
                                         error, "%s: %s", what, problem);

  insert_fault_sorted (scenario, g_steal_pointer (&fault));
  return TRUE;
}

/* --- the whole file ------------------------------------------------------- */

typedef gboolean (*LoadOne) (ConclaveScenarioJson *, ConclaveScenario *, JsonObject *, guint, GError **);

static gboolean
load_list (ConclaveScenarioJson  *json,
           ConclaveScenario      *scenario,
           JsonArray             *array,
           const char            *what,
           LoadOne                load_one,
           GError               **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = NULL;

      if (!_conclave_scenario_json_get_element_object (json, array, i, what, "the scenario", &object, error) ||
          !load_one (json, scenario, object, i, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_header (ConclaveScenarioJson  *json,
              ConclaveScenario      *scenario,
              JsonObject            *root,
              const char            *id,
              const char            *title,
              gboolean               has_tempo,
              GError               **error)
{
  if (!is_valid_name (id))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, root, "id"),
                                         error, "bad id “%s”: use a lower-case letter, then letters, "
                                         "digits or '-'", id);
  if (*title == '\0')
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, root, "title"),
                                         error, "the title is empty");
  if (has_tempo && !(scenario->tempo > 0.0 && scenario->tempo <= CONCLAVE_MAX_TEMPO))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, root, "tempo"),
                                         error, "tempo %g is not above 0 and at most %g",
                                         scenario->tempo, CONCLAVE_MAX_TEMPO);
  return TRUE;
}

static gboolean
load_header (ConclaveScenarioJson  *json,
             ConclaveScenario      *scenario,
             JsonObject            *root,
             GError               **error)
{
  const char *what = "the scenario";
  const char *id, *title, *description, *pattern, *network;
  gboolean has_tempo;
  g_autoptr(GRegex) regex = NULL;

  if (!_conclave_scenario_json_check_fields (json, root, scenario_fields, what, error) ||
      !_conclave_scenario_json_get_string (json, root, "id", what, TRUE, &id, error) ||
      !_conclave_scenario_json_get_string (json, root, "title", what, TRUE, &title, error) ||
      !_conclave_scenario_json_get_string (json, root, "description", what, FALSE, &description, error) ||
      !_conclave_scenario_json_get_number (json, root, "tempo", what, &scenario->tempo, &has_tempo, error) ||
      !_conclave_scenario_json_get_string (json, root, "leader_pattern", what, FALSE, &pattern, error) ||
      !_conclave_scenario_json_get_string (json, root, "network", what, FALSE, &network, error) ||
      !check_header (json, scenario, root, id, title, has_tempo, error))
    return FALSE;
  if (pattern != NULL && *pattern != '\0' && (regex = g_regex_new (pattern, 0, 0, NULL)) == NULL)
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, root, "leader_pattern"),
                                         error, "leader_pattern “%s” is not a regular expression", pattern);
  scenario->leader_pattern = pattern != NULL && *pattern != '\0' ? g_strdup (pattern) : NULL;
  if (network != NULL && !conclave_network_from_string (network, &scenario->network))
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, root, "network"),
                                         error, "network “%s” is neither “loopback” nor “lan”", network);

  scenario->id = g_strdup (id);
  scenario->title = g_strdup (title);
  scenario->description = g_strdup (description != NULL ? description : "");
  return TRUE;
}

static gboolean
load_root (ConclaveScenarioJson  *json,
           ConclaveScenario      *scenario,
           JsonObject            *root,
           GError               **error)
{
  JsonArray *nodes, *faults;

  if (!load_header (json, scenario, root, error) ||
      !_conclave_scenario_json_get_array (json, root, "nodes", "the scenario", TRUE, &nodes, error))
    return FALSE;
  if (json_array_get_length (nodes) == 0)
    return _conclave_scenario_json_fail (json, _conclave_scenario_json_line_of_member (json, root, "nodes"),
                                         error, "“nodes” is empty: a scenario starts at least one node");
  if (!load_list (json, scenario, nodes, "node", load_node, error) ||
      !_conclave_scenario_json_get_array (json, root, "faults", "the scenario", FALSE, &faults, error))
    return FALSE;
  if (faults != NULL && !load_list (json, scenario, faults, "fault", load_fault, error))
    return FALSE;
  return TRUE;
}

ConclaveScenario *
conclave_scenario_new_from_data (const char  *data,
                                 gsize        len,
                                 const char  *filename,
                                 GError     **error)
{
  g_autoptr(ConclaveScenario) scenario = scenario_new ();
  g_autoptr(ConclaveScenarioJson) json = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  json = _conclave_scenario_json_parse (data != NULL ? data : "", len,
                                        filename != NULL ? filename : "<scenario>", error);
  if (json == NULL || !load_root (json, scenario, _conclave_scenario_json_root (json), error))
    return NULL;
  return g_steal_pointer (&scenario);
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

/* "chapter-2" before "chapter-10"; "chapter-1" before "chapter-1-tcp":
 * the order a file manager shows. A handful of ids, so no keys are kept. */
static int
natural_compare (gconstpointer a,
                 gconstpointer b)
{
  g_autofree char *x = g_utf8_collate_key_for_filename (*(const char * const *) a, -1);
  g_autofree char *y = g_utf8_collate_key_for_filename (*(const char * const *) b, -1);

  return strcmp (x, y);
}

/* The resource lives in a static library, compiled with --manual-register:
 * nothing would pull a constructor in, so register it here, once. */
static void
ensure_builtin (void)
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
  g_auto(GStrv) files = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  ensure_builtin ();
  files = g_resources_enumerate_children (SCENARIO_DIR "/", 0, NULL);

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

  ensure_builtin ();
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
  if (!isfinite (value) || value > CONCLAVE_SCENARIO_MAX_MS)
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
