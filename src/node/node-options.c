/* node-options.c — command-line options of the conclave-node roles.
 *
 * Wraps GOptionContext: adds the common --port, rejects stray arguments,
 * and turns every parse error into a clear message and exit status 2.
 */
#include "node-options.h"

#include "node-roles.h"

#include <stdio.h>
#include <stdlib.h>

static int port = NODE_DEFAULT_PORT;
static char *role_name;

static const GOptionEntry common_entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &port,
    "UDP/TCP port of the server on 127.0.0.1 (default 10001)", "PORT" },
  { NULL }
};

void
node_options_require (gboolean ok, const char *message)
{
  if (ok)
    return;
  fprintf (stderr, "conclave-node %s: %s\nTry “conclave-node %s --help”.\n",
           role_name, message, role_name);
  exit (2);
}

void
node_options_parse (const char *role, const char *summary,
                    const GOptionEntry *entries, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("conclave-node %s", role);

  role_name = g_strdup (role);
  g_set_prgname (prgname);
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, common_entries, NULL);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    node_options_require (FALSE, error->message);
  if (argc > 1)
    {
      g_autofree char *message = g_strdup_printf ("unexpected argument “%s”", argv[1]);
      node_options_require (FALSE, message);
    }
  node_options_require (port >= 1 && port <= 65535, "--port must be from 1 to 65535");
}

guint16
node_options_port (void)
{
  return (guint16) port;
}
