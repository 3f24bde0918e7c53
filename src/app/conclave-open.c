/* conclave-open.c — *Open…*, the open-trace action's work, and files
 * dropped onto the window (see conclave-open.h).
 *
 * Never writes anywhere; a file it cannot read changes nothing on screen.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-open.h"
#include "conclave-save.h"

gboolean
conclave_open_trace (ConclaveSession *session,
                     const char      *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (session), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (conclave_session_open_trace (session, path, &error))
    return TRUE;
  name = g_filename_display_name (path);
  text = g_strdup_printf (_("Could not open %s: %s"), name, error->message);
  conclave_session_notice (session, text);
  return FALSE;
}

static void
open_now (ConclaveWindow *window,
          gpointer        path)
{
  conclave_open_trace (conclave_window_get_session (window), path);
}

void
conclave_open_trace_asking (ConclaveWindow *window,
                            const char     *path)
{
  g_return_if_fail (CONCLAVE_IS_WINDOW (window));
  g_return_if_fail (path != NULL);

  conclave_save_ask_before (window,
                            _("This class ran for more than a minute. Unless it is saved, "
                              "its recording is lost when another recording is opened."),
                            open_now, g_strdup (path), g_free);
}

/* A file that is not on this machine (a phone, an FTP share) cannot be
 * read as a path. */
static gboolean
open_file (ConclaveWindow *window,
           GFile          *file)
{
  ConclaveSession *session = conclave_window_get_session (window);
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    {
      conclave_session_notice (session, _("Recordings can only be opened from local files"));
      return FALSE;
    }
  conclave_open_trace_asking (window, path);
  return TRUE;
}

static void
on_chosen (GtkNativeDialog *dialog,
           int              response,
           ConclaveWindow  *window)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    open_file (window, file);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void
conclave_open_choose (ConclaveWindow *window)
{
  g_autoptr(GtkFileFilter) traces = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  g_return_if_fail (CONCLAVE_IS_WINDOW (window));

  dialog = gtk_file_chooser_native_new (_("Open a Recording"), GTK_WINDOW (window),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_filter_set_name (traces, _("Conclave recordings"));
  gtk_file_filter_add_mime_type (traces, "application/x-conclave-trace");
  gtk_file_filter_add_pattern (traces, "*.jsonl");
  gtk_file_filter_add_pattern (traces, "*.jsonl.gz");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), traces);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_chosen), window, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
on_drop (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         ConclaveWindow *window)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  return open_file (window, g_value_get_object (value));
}

void
conclave_open_accept_drops (ConclaveWindow *window,
                            GtkWidget      *widget)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), window, 0);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (target));
}
