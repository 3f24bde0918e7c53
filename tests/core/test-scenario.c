/* test-scenario.c — scenarios: the built-in chapters load and say what the
 * lecture shows; bad files are rejected with the file name and the line of
 * the problem; the command-line fault form parses or explains itself.
 */
#include <glib/gstdio.h>

#include "conclave-scenario.h"

static const ConclaveScenarioNode *
node_at (ConclaveScenario *scenario,
         guint             i)
{
  g_assert_cmpuint (i, <, scenario->nodes->len);
  return g_ptr_array_index (scenario->nodes, i);
}

static const ConclaveScenarioFault *
fault_at (ConclaveScenario *scenario,
          guint             i)
{
  g_assert_cmpuint (i, <, scenario->faults->len);
  return g_ptr_array_index (scenario->faults, i);
}

static gboolean
args_contain (const ConclaveScenarioNode *node,
              const char                 *flag,
              const char                 *value)
{
  for (guint i = 0; node->args[i] != NULL; i++)
    if (g_str_equal (node->args[i], flag))
      return value == NULL || g_strcmp0 (node->args[i + 1], value) == 0;
  return FALSE;
}

static void
test_builtin_list (void)
{
  g_auto(GStrv) ids = conclave_scenario_list_builtin ();
  const char *chapters[] = { "chapter-1", "chapter-1-tcp", "chapter-2", "chapter-3" };
  guint found = 0;

  /* The chapters, in chapter order (others may come between or after). */
  for (guint i = 0; ids[i] != NULL && found < G_N_ELEMENTS (chapters); i++)
    if (g_str_equal (ids[i], chapters[found]))
      found++;
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (chapters));

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup (ids[i], &error);

      g_test_message ("built-in %s", ids[i]);
      g_assert_no_error (error);
      g_assert_cmpstr (scenario->id, ==, ids[i]);
      g_assert_cmpstr (scenario->title, !=, "");
      g_assert_cmpstr (scenario->description, !=, "");
      g_assert_cmpfloat (scenario->tempo, >, 0.0);
      g_assert_cmpuint (scenario->nodes->len, >=, 2);
      for (guint n = 0; n < scenario->nodes->len; n++)
        {
          /* Every node's port is one the cluster picks, never a fixed number:
           * the server's, or the group's (chapter 4 servers pick their own). */
          g_assert_true (args_contain (node_at (scenario, n), "--port", "{port}") ||
                         args_contain (node_at (scenario, n), "--port", "{port2}") ||
                         args_contain (node_at (scenario, n), "--port", "{port3}") ||
                         args_contain (node_at (scenario, n), "--group-port", "{group_port}"));
          /* Clients run until the teacher stops them. */
          if (g_str_has_suffix (node_at (scenario, n)->role, "-client"))
            g_assert_true (args_contain (node_at (scenario, n), "--count", "0"));
        }
    }
}

static guint
count_role (ConclaveScenario *scenario,
            const char       *role)
{
  guint count = 0;

  for (guint i = 0; i < scenario->nodes->len; i++)
    count += g_str_equal (node_at (scenario, i)->role, role);
  return count;
}

static void
test_builtin_chapters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) one = conclave_scenario_lookup ("chapter-1", &error);
  g_autoptr(ConclaveScenario) tcp = conclave_scenario_lookup ("chapter-1-tcp", &error);
  g_autoptr(ConclaveScenario) two = conclave_scenario_lookup ("chapter-2", &error);
  g_autoptr(ConclaveScenario) three = conclave_scenario_lookup ("chapter-3", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (count_role (one, "udp-server"), ==, 1);
  g_assert_cmpuint (count_role (one, "udp-client"), ==, 1);
  g_assert_cmpuint (count_role (tcp, "tcp-server"), ==, 1);
  g_assert_cmpuint (count_role (tcp, "tcp-client"), ==, 1);
  g_assert_cmpuint (count_role (two, "fork-server"), ==, 1);
  g_assert_cmpuint (count_role (two, "udp-client"), ==, 3);
  g_assert_cmpuint (count_role (three, "pool-server"), ==, 1);
  g_assert_cmpuint (count_role (three, "square-client"), ==, 3);
  g_assert_true (args_contain (node_at (three, 0), "--workers", "4"));
  g_assert_true (args_contain (node_at (three, 1), "--in-flight", NULL));
  /* Servers first, clients after them. */
  g_assert_cmpstr (node_at (two, 0)->name, ==, "s1");
  g_assert_cmpuint (node_at (two, 1)->start_ms, >, 0);
}

static void
test_lookup_unknown (void)
{
  const char *bad[] = { "chapter-99", "../chapter-1", "", "Chapter-1" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (conclave_scenario_lookup (bad[i], &error));
      g_assert_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "chapter-1"));   /* lists what exists */
    }
}

static void
test_full_file (void)
{
  const char *json =
    "{\"id\": \"demo\", \"title\": \"Demo\", \"tempo\": 0.5,\n"
    " \"nodes\": [\n"
    "   {\"name\": \"s1\", \"role\": \"udp-server\", \"args\": [\"--port\", \"{port}\"]},\n"
    "   {\"name\": \"c1\", \"role\": \"udp-client\", \"start_ms\": 250},\n"
    "   {\"name\": \"py\", \"role\": \"exec\", \"args\": [\"python3\", \"server.py\"]}\n"
    " ],\n"
    " \"faults\": [\n"
    "   {\"at_ms\": 9000, \"action\": \"heal\"},\n"
    "   {\"at_ms\": 5000, \"action\": \"crash\", \"target\": \"leader\"},\n"
    "   {\"at_ms\": 5000, \"action\": \"drop\", \"target\": \"c1\", \"value\": 0.25},\n"
    "   {\"at_ms\": 100, \"action\": \"delay\", \"target\": \"all\", \"value\": 200}\n"
    " ]\n"
    "}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_new_from_data (json, strlen (json), "demo.json", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (scenario->id, ==, "demo");
  g_assert_cmpstr (scenario->description, ==, "");
  g_assert_cmpfloat (scenario->tempo, ==, 0.5);
  g_assert_cmpuint (scenario->nodes->len, ==, 3);
  g_assert_cmpuint (node_at (scenario, 1)->start_ms, ==, 250);
  g_assert_null (node_at (scenario, 1)->args[0]);
  g_assert_cmpstr (node_at (scenario, 2)->args[1], ==, "server.py");

  /* Sorted by time; the two at 5000 ms keep their order. */
  g_assert_cmpuint (scenario->faults->len, ==, 4);
  g_assert_cmpint (fault_at (scenario, 0)->action, ==, CONCLAVE_FAULT_DELAY);
  g_assert_cmpfloat (fault_at (scenario, 0)->value, ==, 200.0);
  g_assert_cmpint (fault_at (scenario, 1)->action, ==, CONCLAVE_FAULT_CRASH);
  g_assert_cmpstr (fault_at (scenario, 1)->target, ==, "leader");
  g_assert_cmpint (fault_at (scenario, 2)->action, ==, CONCLAVE_FAULT_DROP);
  g_assert_cmpfloat (fault_at (scenario, 2)->value, ==, 0.25);
  g_assert_cmpint (fault_at (scenario, 3)->action, ==, CONCLAVE_FAULT_HEAL);
  g_assert_null (fault_at (scenario, 3)->target);

  /* A boxed type, copied by reference. */
  {
    ConclaveScenario *copy = g_boxed_copy (conclave_scenario_get_type (), scenario);

    g_assert_true (copy == scenario);
    g_boxed_free (conclave_scenario_get_type (), copy);
  }
}

typedef struct {
  const char *what;
  const char *json;
  guint line;              /* 0: the message has no line */
  const char *problem;     /* a piece of the message */
} Bad;

#define NODES_OK "\"nodes\": [{\"name\": \"s1\", \"role\": \"udp-server\"}]"

static const Bad bad_files[] = {
  { "syntax", "{\"id\": \"x\",\n \"nodes\": [\n  {\"name\": \"s1\",,}\n ]\n}\n", 3, "syntax error" },
  { "unterminated", "{\"id\": \"x\", \"title\": \"T\",\n" NODES_OK ",\n\"faults\": [\n", 4, "syntax error" },
  { "empty", "  \n", 1, "empty" },
  { "not an object", "\n[1, 2]\n", 1, "object" },
  { "two objects", "{\"id\": \"x\", \"title\": \"T\", " NODES_OK "}\n\n{\"id\": \"y\"}\n", 3, "second" },
  { "not utf-8", "{\"id\": \"x\",\n\"title\": \"T\",\n" NODES_OK ",\n\"description\": \"caf\xe9\"}\n", 4, "UTF-8" },
  /* json-glib 1.6 decodes an octal escape ("\\351") into one byte, after
   * the file's text was checked: not UTF-8 once decoded. */
  { "octal escape", "{\"id\": \"x\",\n\"title\": \"T\",\n" NODES_OK ",\n\"description\": \"caf\\351\"}\n", 4, "“description” of the scenario must be UTF-8 text once its escapes are decoded" },
  { "octal arg", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\", \"args\": [\n  \"--port\",\n  \"\\352\"]}]}\n", 4, "argument 2 of node “s1” must be UTF-8 text" },
  { "escaped field name", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\",\n  \"\\351\": 3}]}\n", 3, "unknown field “\xef\xbf\xbd”" },
  { "missing id", "{\n  \"title\": \"T\",\n  " NODES_OK "\n}\n", 1, "no “id”" },
  { "bad id", "{\"title\": \"T\",\n \"id\": \"My Demo\",\n " NODES_OK "}\n", 2, "bad id" },
  { "missing title", "{\"id\": \"x\",\n " NODES_OK "}\n", 1, "no “title”" },
  { "missing nodes", "{\"id\": \"x\",\n \"title\": \"T\"}\n", 1, "no “nodes”" },
  { "empty nodes", "{\"id\": \"x\", \"title\": \"T\",\n \"nodes\": []}\n", 2, "empty" },
  { "nodes not an array", "{\"id\": \"x\", \"title\": \"T\",\n \"nodes\": {}}\n", 2, "must be an array" },
  { "node not an object", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\"},\n \"c1\"\n]}\n", 3, "node 2 of the scenario must be an object" },
  { "node without name", "{\"id\": \"x\", \"title\": \"T\",\n \"nodes\": [\n  {\"role\": \"udp-server\"}\n ]}\n", 3, "no “name”" },
  { "node without role", "{\"id\": \"x\", \"title\": \"T\",\n \"nodes\": [\n  {\"name\": \"s1\", \"role\": \"udp-server\"},\n  {\n   \"name\": \"c1\"\n  }\n ]}\n", 4, "no “role”" },
  { "unknown role", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\",\n  \"role\": \"udp-sever\"}]}\n", 3, "unknown role “udp-sever”" },
  { "title not a string", "{\"id\": \"x\",\n \"title\": 42,\n " NODES_OK "}\n", 2, "must be a string" },
  { "start_ms a string", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\",\n  \"start_ms\": \"300\"}]}\n", 3, "whole number" },
  { "start_ms negative", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\",\n  \"start_ms\": -5}]}\n", 3, "between 0" },
  { "tempo zero", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"tempo\": 0}\n", 3, "tempo" },
  { "arg not a string", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\", \"args\": [\n  \"--port\",\n  10001]}]}\n", 4, "argument 2" },
  { "unknown placeholder", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\", \"args\": [\n  \"--port\",\n  \"{prot}\"]}]}\n", 4, "{prot}" },
  { "exec without args", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"py\", \"role\": \"exec\"}]}\n", 2, "exec" },
  { "duplicate name", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\"},\n {\"name\": \"c1\", \"role\": \"udp-client\"},\n {\"role\": \"udp-client\",\n  \"name\": \"c1\"}]}\n", 5, "second node is named “c1”" },
  { "bad name", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"Server 1\", \"role\": \"udp-server\"}]}\n", 2, "bad node name" },
  { "reserved name", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"leader\", \"role\": \"udp-server\"}]}\n", 2, "cannot be a node name" },
  { "unknown field", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\",\n  \"start-ms\": 3}]}\n", 3, "unknown field “start-ms”" },
  { "duplicate field", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\",\n  \"role\": \"udp-server\",\n  \"role\": \"udp-client\"}]}\n", 4, "twice" },
  { "unknown action", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"at_ms\": 100,\n   \"action\": \"explode\", \"target\": \"s1\"}]}\n", 5, "unknown action “explode”" },
  { "unknown target", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"at_ms\": 100, \"action\": \"crash\",\n   \"target\": \"s9\"}]}\n", 5, "“s9”" },
  { "fault without time", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"action\": \"crash\", \"target\": \"s1\"}]}\n", 4, "no “at_ms”" },
  { "crash without target", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"at_ms\": 1, \"action\": \"crash\"}]}\n", 4, "needs a target" },
  { "drop without value", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"at_ms\": 1, \"action\": \"heal\"},\n  {\"at_ms\": 1, \"action\": \"drop\", \"target\": \"s1\"}]}\n", 5, "needs a value" },
  { "drop above 1", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"at_ms\": 1, \"action\": \"drop\", \"target\": \"s1\", \"value\": 1.5}]}\n", 4, "between 0 and 1" },
  { "value not a number", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"at_ms\": 1, \"action\": \"delay\", \"target\": \"s1\",\n   \"value\": \"fast\"}]}\n", 5, "must be a number" },
  { "unknown network", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"network\": \"wan\"}\n", 3, "network “wan”" },
  { "bad host", "{\"id\": \"x\", \"title\": \"T\", \"nodes\": [\n {\"name\": \"s1\", \"role\": \"udp-server\",\n  \"host\": \"Host 1\"}]}\n", 3, "host “Host 1”" },
  { "value on crash", "{\"id\": \"x\", \"title\": \"T\",\n " NODES_OK ",\n \"faults\": [\n  {\"at_ms\": 1, \"action\": \"crash\", \"target\": \"s1\", \"value\": 1}]}\n", 4, "takes no value" },
};

static void
test_bad_file (gconstpointer data)
{
  const Bad *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = NULL;
  g_autofree char *prefix = NULL;

  scenario = conclave_scenario_new_from_data (bad->json, strlen (bad->json), "teacher/bad.json", &error);
  g_assert_null (scenario);
  g_assert_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID);
  g_test_message ("%s → %s", bad->what, error->message);

  prefix = g_strdup_printf ("teacher/bad.json:%u: ", bad->line);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_nonnull (strstr (error->message, bad->problem));
}

static void
test_from_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conclave-scenario-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "mine.json", NULL);
  g_autofree char *absent_path = g_build_filename (dir, "absent.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) absent = g_file_new_for_path (absent_path);
  g_autoptr(ConclaveScenario) scenario = NULL;
  const char *json = "{\"id\": \"mine\", \"title\": \"Mine\",\n \"nodes\": [{\"name\": \"s1\"}]}\n";

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, json, -1, &error));

  /* The error names the file as the user gave it. */
  g_assert_null (conclave_scenario_new_from_file (file, &error));
  g_assert_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, ":2: node “s1” has no “role”"));
  g_clear_error (&error);

  g_assert_null (conclave_scenario_new_from_file (absent, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, absent_path));
  g_clear_error (&error);

  json = "{\"id\": \"mine\", \"title\": \"Mine\", \"nodes\": [{\"name\": \"s1\", \"role\": \"udp-server\"}]}";
  g_assert_true (g_file_set_contents (path, json, -1, &error));
  scenario = conclave_scenario_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scenario->title, ==, "Mine");

  g_unlink (path);
  g_rmdir (dir);
}

typedef struct {
  const char *text;
  guint at_ms;
  ConclaveFaultAction action;
  const char *target;
  double value;
} GoodFault;

static void
test_fault_parse (void)
{
  const GoodFault good[] = {
    { "5s:crash:leader", 5000, CONCLAVE_FAULT_CRASH, "leader", 0 },
    { "8s:isolate:s2", 8000, CONCLAVE_FAULT_ISOLATE, "s2", 0 },
    { "12s:heal", 12000, CONCLAVE_FAULT_HEAL, NULL, 0 },
    { "12s:heal:s2", 12000, CONCLAVE_FAULT_HEAL, "s2", 0 },
    { "500ms:drop:s1:0.3", 500, CONCLAVE_FAULT_DROP, "s1", 0.3 },
    { "3s:delay:s1:200", 3000, CONCLAVE_FAULT_DELAY, "s1", 200 },
    { "1.5s:pause:c1", 1500, CONCLAVE_FAULT_PAUSE, "c1", 0 },
    { "0ms:restart:random-server", 0, CONCLAVE_FAULT_RESTART, "random-server", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConclaveScenarioFault) fault = conclave_scenario_fault_parse (good[i].text, &error);
      g_auto(GStrv) parts = g_strsplit (good[i].text, ":", 3);

      g_assert_no_error (error);
      g_assert_cmpuint (fault->at_ms, ==, good[i].at_ms);
      g_assert_cmpint (fault->action, ==, good[i].action);
      g_assert_cmpstr (fault->target, ==, good[i].target);
      g_assert_cmpfloat_with_epsilon (fault->value, good[i].value, 1e-9);
      g_assert_cmpstr (conclave_fault_action_to_string (fault->action), ==, parts[1]);
    }
}

static void
test_fault_parse_errors (void)
{
  const char *bad[][2] = {
    { "crash", "too few parts" },
    { "5s:crash:s1:1:2", "too many parts" },
    { "5:crash:s1", "is not a time" },
    { "5x:crash:s1", "is not a time" },
    { "-1s:crash:s1", "is not a time" },
    { "5s:explode:s1", "unknown action “explode”" },
    { "5s:crash", "needs a target" },
    { "5s:crash:S 1", "is not a node name" },
    { "5s:drop:s1", "needs a value" },
    { "5s:drop:s1:lots", "is not a number" },
    { "5s:drop:s1:2", "between 0 and 1" },
    { "5s:delay:s1:-3", "between 0 and" },
    { "5s:crash:s1:3", "takes no value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (conclave_scenario_fault_parse (bad[i][0], &error));
      g_assert_error (error, CONCLAVE_SCENARIO_ERROR, CONCLAVE_SCENARIO_ERROR_INVALID);
      g_test_message ("%s → %s", bad[i][0], error->message);
      g_assert_nonnull (strstr (error->message, bad[i][0]));
      g_assert_nonnull (strstr (error->message, bad[i][1]));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scenario/builtin/list", test_builtin_list);
  g_test_add_func ("/scenario/builtin/chapters", test_builtin_chapters);
  g_test_add_func ("/scenario/builtin/unknown", test_lookup_unknown);
  g_test_add_func ("/scenario/full-file", test_full_file);
  g_test_add_func ("/scenario/from-file", test_from_file);
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scenario/bad/%s", bad_files[i].what);

      g_test_add_data_func (path, &bad_files[i], test_bad_file);
    }
  g_test_add_func ("/scenario/fault/parse", test_fault_parse);
  g_test_add_func ("/scenario/fault/errors", test_fault_parse_errors);

  return g_test_run ();
}
