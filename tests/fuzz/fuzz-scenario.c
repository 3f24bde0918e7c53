/* fuzz-scenario.c — a teacher's own scenario file.
 *
 * Any bytes give a scenario or an error naming the file, never both and
 * never neither; a scenario that loads has named nodes with a role, each
 * name once, a tempo above 0, valid UTF-8 text and its faults in time order;
 * an error is valid UTF-8 text too.
 */
#include "fuzz-target.h"

#include "conclave-scenario.h"

#include <string.h>

static void
assert_sane (const ConclaveScenario *s)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_true (s->tempo > 0);
  g_assert_true (s->title == NULL || g_utf8_validate (s->title, -1, NULL));
  g_assert_true (s->description == NULL || g_utf8_validate (s->description, -1, NULL));
  g_assert_true (s->id == NULL || g_utf8_validate (s->id, -1, NULL));
  g_assert_true (s->leader_pattern == NULL || g_utf8_validate (s->leader_pattern, -1, NULL));
  for (guint i = 0; i < s->nodes->len; i++)
    {
      const ConclaveScenarioNode *node = g_ptr_array_index (s->nodes, i);

      g_assert_true (node->name != NULL && node->name[0] != '\0');
      g_assert_true (node->role != NULL && node->role[0] != '\0');
      g_assert_true (g_utf8_validate (node->name, -1, NULL));
      g_assert_true (g_utf8_validate (node->role, -1, NULL));
      g_assert_true (node->host == NULL || g_utf8_validate (node->host, -1, NULL));
      for (guint j = 0; node->args != NULL && node->args[j] != NULL; j++)
        g_assert_true (g_utf8_validate (node->args[j], -1, NULL));
      if (!g_hash_table_add (names, node->name))
        g_error ("node %s is in the scenario twice", node->name);
    }
  for (guint i = 1; i < s->faults->len; i++)
    {
      const ConclaveScenarioFault *a = g_ptr_array_index (s->faults, i - 1);
      const ConclaveScenarioFault *b = g_ptr_array_index (s->faults, i);

      g_assert_cmpuint (a->at_ms, <=, b->at_ms);
      g_assert_true (a->target == NULL || g_utf8_validate (a->target, -1, NULL));
      g_assert_true (b->target == NULL || g_utf8_validate (b->target, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = NULL;

  fuzz_setup ();
  scenario = conclave_scenario_new_from_data ((const char *) data, size, "fuzz.json", &error);
  if ((scenario == NULL) == (error == NULL))
    g_error ("a scenario and an error, or neither");
  if (scenario != NULL)
    assert_sane (scenario);
  else
    {
      g_assert_nonnull (strstr (error->message, "fuzz.json"));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));  /* the window shows it */
    }
  return 0;
}
