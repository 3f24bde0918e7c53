/* conclave-window-programs.c — "Run a program…": any command line, traced,
 * as servers or clients, from the dialog or from an action.
 *
 * Parses the command line itself (argv, never a shell) and reports every
 * failure as a GError for the dialog or a toast; never loses what the
 * teacher typed and never starts anything half-parsed.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-run-dialog.h"
#include "conclave-window-private.h"

/* The name of copy `i` (from 0): the next free name of the shape when none
 * was chosen, else the chosen one, then name-2, name-3 … */
static char *
copy_name (ConclaveWindow *self,
           const char     *name,
           guint           i,
           gboolean        server)
{
  if (name == NULL)
    return conclave_cluster_next_name (self->cluster, server);
  if (i == 0)
    return g_strdup (name);
  return g_strdup_printf ("%s-%u", name, i + 1);
}

static gboolean
check_program (const char  *command_line,
               const char  *cwd,
               GStrv       *argv,
               GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (command_line ? command_line : ""));

  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type the command line of the program to run"));
      return FALSE;
    }
  if (!g_shell_parse_argv (command_line, NULL, argv, &parse_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot read the command line: %s"), parse_error->message);
      return FALSE;
    }
  if (cwd != NULL && !g_file_test (cwd, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("The working folder “%s” does not exist"), cwd);
      return FALSE;
    }
  return TRUE;
}

gboolean
conclave_window_run_program (ConclaveWindow *self,
                             const char     *command_line,
                             const char     *cwd,
                             const char     *name,
                             guint           copies,
                             gboolean        server,
                             GError        **error)
{
  g_auto(GStrv) argv = NULL;
  ConclaveNode *first = NULL;

  g_return_val_if_fail (CONCLAVE_IS_WINDOW (self), FALSE);

  if (self->cluster == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("Conclave cannot watch processes"));
      return FALSE;
    }
  if (name != NULL && *name == '\0')
    name = NULL;
  if (!check_program (command_line, cwd, &argv, error))
    return FALSE;
  for (guint i = 0; i < MAX (copies, 1); i++)
    {
      g_autofree char *copy = copy_name (self, name, i, server);
      g_autoptr(GError) local_error = NULL;
      ConclaveNode *node = conclave_cluster_add_program (self->cluster, copy,
                                                         (const char * const *) argv,
                                                         cwd, server, &local_error);

      if (node == NULL)
        {
          if (i == 0)
            g_set_error (error, local_error->domain, local_error->code,
                         _("Could not start %s: %s"), copy, local_error->message);
          else
            g_set_error (error, local_error->domain, local_error->code,
                         _("Started %u of %u copies; could not start %s: %s"),
                         i, copies, copy, local_error->message);
          _conclave_window_update_actions (self);
          return FALSE;
        }
      if (first == NULL)
        first = node;
    }
  conclave_session_set_selected (self->session, first);
  _conclave_window_update_actions (self);
  return TRUE;
}

void
conclave_window_run_command (ConclaveWindow *self,
                             const char     *command_line,
                             gboolean        server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *examples = conclave_find_examples_dir ();

  g_return_if_fail (CONCLAVE_IS_WINDOW (self));

  if (!conclave_window_run_program (self, command_line, examples, NULL, 1, server, &error))
    conclave_window_toast (self, error->message);
}

void
conclave_window_open_run_dialog (ConclaveWindow *self)
{
  g_return_if_fail (CONCLAVE_IS_WINDOW (self));
  gtk_window_present (GTK_WINDOW (conclave_run_dialog_new (self)));
}

