/* conclave-save.c — *Save…*, the save-trace action's work, and the
 * question before an unsaved class is closed (see conclave-save.h).
 *
 * What was saved is remembered on the cluster it came from (a new chapter
 * is a new cluster: nothing of it saved yet). Never writes anywhere but
 * the file the teacher named.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "conclave-save.h"
#include "conclave-trace-file.h"

/* Longer than this, a class is worth a question before it is thrown away. */
#define WORTH_ASKING_NS (60 * G_GINT64_CONSTANT (1000000000))

#define SAVED_END "conclave-saved-end"
#define DISCARDED "conclave-discarded"

/* The group's election, as its servers reported it in their states. */
static const char *
recorded_election (ConclaveEventStore *store)
{
  for (guint64 i = conclave_event_store_get_end (store); i > conclave_event_store_get_first (store); i--)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i - 1);

      if (e->type == CONCLAVE_EVENT_STATE && conclave_event_state_election (e) != 0)
        return conclave_event_store_str (store, conclave_event_state_election (e));
    }
  return NULL;
}

/* What a save keeps: the live class (all of it, also while its past is
 * shown), or the recording on screen as far as it is shown. */
static ConclaveCluster *
kept_cluster (ConclaveSession *session)
{
  ConclaveCluster *live = conclave_session_get_live_cluster (session);

  return live != NULL ? live : conclave_session_get_cluster (session);
}

gboolean
conclave_save_trace (ConclaveSession *session,
                     const char      *path)
{
  ConclaveCluster *cluster = kept_cluster (session);
  ConclaveEventStore *store = cluster ? conclave_cluster_get_store (cluster) : NULL;
  ConclaveScenario *scenario = cluster ? conclave_cluster_get_scenario (cluster) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  ConclaveTraceHeader header = { 0 };
  g_autoptr(GPtrArray) hosts = cluster ? conclave_cluster_list_hosts (cluster) : NULL;

  if (store == NULL)
    {
      conclave_session_notice (session, _("There is no class to save"));
      return FALSE;
    }
  header.scenario = scenario ? scenario->id : NULL;
  header.tempo = conclave_cluster_get_tempo (cluster);
  header.election = (char *) recorded_election (store);
  header.network = hosts != NULL ? (char *) conclave_network_to_string (CONCLAVE_NETWORK_LAN) : NULL;
  header.hosts = hosts;
  if (!conclave_trace_save (store, path, &header, &error))
    {
      text = g_strdup_printf (_("Could not save the recording: %s"), error->message);
      conclave_session_notice (session, text);
      return FALSE;
    }
  g_object_set_data (G_OBJECT (cluster), SAVED_END,
                     GSIZE_TO_POINTER ((gsize) conclave_event_store_get_end (store) + 1));
  name = g_filename_display_name (path);
  text = g_strdup_printf (_("Recording saved to %s"), name);
  conclave_session_notice (session, text);
  return TRUE;
}

gboolean
conclave_save_is_unsaved (ConclaveSession *session)
{
  ConclaveCluster *cluster = conclave_session_get_live_cluster (session);
  ConclaveEventStore *store = cluster ? conclave_cluster_get_store (cluster) : NULL;
  gsize saved;

  /* An opened recording is kept already. */
  if (store == NULL || conclave_event_store_get_end (store) == conclave_event_store_get_first (store))
    return FALSE;
  saved = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (cluster), SAVED_END));
  if (saved > 0 && saved - 1 >= conclave_event_store_get_end (store))
    return FALSE;
  return conclave_event_store_get_max_time (store) - conclave_event_store_get_min_time (store) > WORTH_ASKING_NS;
}

/* ---- the file chooser ------------------------------------------------------ */

static void
add_filter (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) traces = gtk_file_filter_new ();

  gtk_file_filter_set_name (traces, _("Conclave recordings"));
  gtk_file_filter_add_pattern (traces, "*.jsonl");
  gtk_file_filter_add_pattern (traces, "*.jsonl.gz");
  gtk_file_chooser_add_filter (chooser, traces);
}

static gboolean
close_now (gpointer window)
{
  gtk_window_close (window);
  return G_SOURCE_REMOVE;
}

/* Closes the window once the dialog that asked is gone: a dialog still
 * needs its parent while it answers. */
static void
close_soon (ConclaveWindow *window)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_now, g_object_ref (window), g_object_unref);
}

/* What waits for the teacher's answer: run once the class was saved or
 * discarded, never after Cancel. */
typedef struct {
  ConclaveSaveThen then;
  gpointer         data;
  GDestroyNotify   destroy;
} Then;

static void
then_free (gpointer data)
{
  Then *then = data;

  if (then->destroy != NULL)
    then->destroy (then->data);
  g_free (then);
}

static void
on_chosen (GtkNativeDialog *dialog,
           int              response,
           ConclaveWindow  *window)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  Then *then = g_object_get_data (G_OBJECT (dialog), "then");

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL && (path = g_file_get_path (file)) == NULL)
    conclave_session_notice (conclave_window_get_session (window), _("Recordings can only be saved to local files"));
  if (path != NULL && conclave_save_trace (conclave_window_get_session (window), path) && then != NULL)
    then->then (window, then->data);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* "chapter-2.jsonl.gz": what the class was, compressed. */
static char *
suggested_name (ConclaveSession *session)
{
  ConclaveCluster *cluster = kept_cluster (session);
  ConclaveScenario *scenario = cluster ? conclave_cluster_get_scenario (cluster) : NULL;

  return g_strdup_printf ("%s.jsonl.gz", scenario ? scenario->id : "conclave");
}

static void
choose_then (ConclaveWindow *window,
             Then           *then)
{
  g_autofree char *name = suggested_name (conclave_window_get_session (window));
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Save the Recording"), GTK_WINDOW (window),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  add_filter (GTK_FILE_CHOOSER (dialog));
  g_object_set_data_full (G_OBJECT (dialog), "then", then, then ? then_free : NULL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_chosen), window, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
close_then (ConclaveWindow *window,
            gpointer        data)
{
  g_object_set_data (G_OBJECT (window), DISCARDED, GINT_TO_POINTER (TRUE));
  close_soon (window);
}

void
conclave_save_choose (ConclaveWindow *window,
                      gboolean        close_after)
{
  Then *then = NULL;

  if (close_after)
    {
      then = g_new0 (Then, 1);
      then->then = close_then;
    }
  choose_then (window, then);
}

/* ---- before the class on screen goes ------------------------------------------ */

static void
on_answer (AdwMessageDialog *dialog,
           const char       *response,
           ConclaveWindow   *window)
{
  Then *then = g_object_steal_data (G_OBJECT (dialog), "then");

  if (then == NULL)
    return;   /* answered already */
  if (g_str_equal (response, "save"))
    choose_then (window, g_steal_pointer (&then));
  else if (g_str_equal (response, "discard"))
    then->then (window, then->data);
  g_clear_pointer (&then, then_free);
}

gboolean
conclave_save_ask_before (ConclaveWindow   *window,
                          const char       *body,
                          ConclaveSaveThen  then,
                          gpointer          data,
                          GDestroyNotify    destroy)
{
  Then *waiting;
  GtkWidget *dialog;

  g_return_val_if_fail (CONCLAVE_IS_WINDOW (window), FALSE);

  if (!conclave_save_is_unsaved (conclave_window_get_session (window)))
    {
      then (window, data);
      if (destroy != NULL)
        destroy (data);
      return FALSE;
    }
  waiting = g_new0 (Then, 1);
  *waiting = (Then) { then, data, destroy };
  dialog = adw_message_dialog_new (GTK_WINDOW (window), _("Save the Recording?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "then", waiting, then_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_answer), window, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

gboolean
conclave_save_ask_on_close (ConclaveWindow *window)
{
  if (g_object_get_data (G_OBJECT (window), DISCARDED) != NULL ||
      !conclave_save_is_unsaved (conclave_window_get_session (window)))
    return FALSE;
  return conclave_save_ask_before (window,
                                   _("This class ran for more than a minute. Unless it is saved, "
                                     "its recording is lost when the window closes."),
                                   close_then, NULL, NULL);
}
