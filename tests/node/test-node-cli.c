/* test-node-cli.c — conclave-node's command line: --help and bad arguments.
 *
 * Runs the real binary without a controller. Help goes to stdout with exit
 * status 0; a wrong argument is refused with a message on stderr and exit
 * status 2, before the node touches the network.
 */
#include <glib.h>
#include <string.h>
#include <sys/wait.h>

static const char *const roles[] = {
  "udp-server", "udp-client", "tcp-server", "tcp-client",
  "fork-server", "pool-server", "square-client",
};

/* Runs conclave-node with args; returns the exit status. */
static int
run_node (const char *const *args, const char *tempo, char **out, char **err)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (g_getenv ("CONCLAVE_NODE_BIN"));  /* meson sets it */
  g_strv_builder_add (builder, g_getenv ("CONCLAVE_NODE_BIN"));
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  envp = g_environ_unsetenv (envp, "CONCLAVE_CONTROL");
  envp = tempo ? g_environ_setenv (envp, "CONCLAVE_TEMPO", tempo, TRUE)
               : g_environ_unsetenv (envp, "CONCLAVE_TEMPO");
  g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_program_help (void)
{
  const char *const args[] = { "--help", NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_node (args, NULL, &out, &err), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    g_assert_nonnull (strstr (out, roles[i]));
  g_assert_cmpstr (err, ==, "");
}

static void
test_role_help (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      const char *const args[] = { roles[i], "--help", NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *usage = g_strdup_printf ("conclave-node %s", roles[i]);

      g_assert_cmpint (run_node (args, NULL, &out, &err), ==, 0);
      g_assert_nonnull (strstr (out, usage));
      g_assert_nonnull (strstr (out, "--port"));
    }
}

typedef struct {
  const char *args[6];
  const char *tempo;
  const char *says;     /* part of the message on stderr */
} BadCase;

static const BadCase bad_cases[] = {
  { { NULL }, NULL, "Usage" },
  { { "no-such-role", NULL }, NULL, "unknown role" },
  { { "udp-server", "--port", "abc", NULL }, NULL, "abc" },
  { { "udp-server", "--port", "70000", NULL }, NULL, "--port" },
  { { "udp-server", "--port", "0", NULL }, NULL, "--port" },
  { { "udp-server", "--bogus", NULL }, NULL, "--bogus" },
  { { "udp-server", "stray", NULL }, NULL, "stray" },
  { { "udp-client", "--count", "-1", NULL }, NULL, "--count" },
  { { "udp-client", "--timeout-ms", "0", NULL }, NULL, "--timeout-ms" },
  { { "tcp-client", "--message", "two\nlines", NULL }, NULL, "--message" },
  { { "pool-server", "--workers", "0", NULL }, NULL, "--workers" },
  { { "pool-server", "--workers", "65", NULL }, NULL, "--workers" },
  { { "fork-server", "--work-ms", "-5", NULL }, NULL, "--work-ms" },
  { { "square-client", "--in-flight", "0", NULL }, NULL, "--in-flight" },
  { { "square-client", "--first", "4000000000", NULL }, NULL, "--first" },
  { { "udp-server", NULL }, "fast", "tempo" },
  { { "udp-server", NULL }, "-1", "tempo" },
};

static void
test_bad_arguments (gconstpointer data)
{
  const BadCase *bad = data;
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_node (bad->args, bad->tempo, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, bad->says));
  g_assert_cmpstr (out, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/node/cli/help", test_program_help);
  g_test_add_func ("/node/cli/role-help", test_role_help);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/node/cli/bad-argument/%zu", i);

      g_test_add_data_func (path, &bad_cases[i], test_bad_arguments);
    }
  return g_test_run ();
}
