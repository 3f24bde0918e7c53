/* test-chaos.c — conclave-run --chaos on the raft group: a minute of
 * random crashes, restarts, pauses, partitions and lossy links at tempo
 * 0.05 (twenty classroom minutes) ends with zero violations, and the
 * summary says what happened. */
#include <gio/gio.h>
#include <string.h>

static char *
run (int *status, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CONCLAVE_RUN_PROGRAM"));
  g_assert_nonnull (argv->pdata[0]);
  va_start (args, status);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char * const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  *status = g_subprocess_get_exit_status (p);
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
  int status = -1;
  g_autofree char *out = run (&status, "chapter-4", "--tempo", "0.05", "--chaos", "42",
                              "--duration", "60s", NULL);
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
  int status = -1;
  g_autofree char *out = run (&status, "chapter-4", "--chaos", "lots", NULL);

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
