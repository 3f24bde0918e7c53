/* main.c — starts the Conclave application. Everything else lives in the
 * conclave-app library, so the tests run the very same code. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "conclave-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConclaveApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!conclave_application_check_schema (&error))
    {
      g_printerr ("conclave: %s\n", error->message);
      return 1;
    }
  app = conclave_application_new (G_APPLICATION_HANDLES_OPEN);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
