/* test-chaos.c — conclave-run --chaos on the raft group: a minute of
 * random crashes, restarts, pauses, partitions and lossy links at tempo
 * 0.05 (twenty classroom minutes) ends with zero violations, and the
 * summary says what happened. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Runs conclave-run with args; its output, and its exit status in *status. */
static char *
run (const char * const *args, int *status)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_assert_nonnull (g_getenv ("CONCLAVE_RUN_PROGRAM"));
  g_strv_builder_add (builder, g_getenv ("CONCLAVE_RUN_PROGRAM"));
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  *status = WEXITSTATUS (wait_status);
  if (err != NULL && *err != '\0')
    g_test_message ("stderr: %s", err);
  return out;
}

/* The number after `label` in text, or -1. */
static long
number_after (const char *text, const char *label)
{
  const char *at = strstr (text, label);

  return at ? strtol (at + strlen (label), NULL, 10) : -1;
}

static void
test_raft_chaos (void)
{
  const char *args[] = { "chapter-4", "--tempo", "0.05", "--chaos", "42", "--duration", "60s", NULL };
  int status = -1;
  g_autofree char *out = run (args, &status);
  const char *summary = strstr (out, "Server group (raft election)");

  g_assert_nonnull (summary);
  g_test_message ("%s", summary);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Violations:\n  none"));
  g_assert_cmpint (number_after (out, "Chaos (seed 42): "), >=, 100);
  g_assert_cmpint (number_after (summary, "failovers "), >=, 10);
  g_assert_cmpint (number_after (summary, ", acknowledged "), >=, 300);
}

static void
test_bad_seed (void)
{
  const char *args[] = { "chapter-4", "--chaos", "lots", NULL };
  int status = -1;
  g_autofree char *out = run (args, &status);

  g_assert_cmpint (status, ==, 2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/group/chaos/raft", test_raft_chaos);
  g_test_add_func ("/group/chaos/bad-seed", test_bad_seed);
  return g_test_run ();
}
