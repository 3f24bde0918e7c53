/* conclave-application.c — application actions, accelerators, settings and
 * the secondary windows (about, shortcuts, preferences).
 *
 * Every action here is registered on the GApplication, so it is exported on
 * D-Bus. The application owns the session (the cluster on screen, the
 * selection, presentation mode); actions that change what the session is
 * call it, the others reach the window that shows it. Must never keep
 * cluster state of its own: the window's _update_actions() decides what is
 * enabled.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-application.h"
#include "conclave-open.h"
#include "conclave-preferences-window.h"
#include "conclave-save.h"
#include "conclave-session.h"
#include "conclave-step-actions.h"
#include "conclave-window.h"

struct _ConclaveApplication
{
  AdwApplication   parent_instance;
  GSettings       *settings;
  ConclaveSession *session;
};

G_DEFINE_FINAL_TYPE (ConclaveApplication, conclave_application, ADW_TYPE_APPLICATION)

static ConclaveWindow *
main_window (ConclaveApplication *self)
{
  return CONCLAVE_WINDOW (conclave_application_get_window (self));
}

/* The session the window shows (made, with its window, on first use). */
static ConclaveSession *
session (gpointer user_data)
{
  ConclaveApplication *self = user_data;

  conclave_application_get_window (self);
  return self->session;
}

/* add-server / add-client take no parameter, so that
 * `gapplication action io.github.conclave.Conclave add-server` works (D-Bus
 * refuses a missing parameter for an action that has one); the -role
 * variants name the role. */
static void
add_server (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_add_node (session (user_data), TRUE, NULL);
}

static void
add_client (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_add_node (session (user_data), FALSE, NULL);
}

static void
add_server_role (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_add_node (session (user_data), TRUE, g_variant_get_string (parameter, NULL));
}

static void
add_client_role (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_add_node (session (user_data), FALSE, g_variant_get_string (parameter, NULL));
}

static void
run_program (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_window_open_run_dialog (main_window (user_data));
}

/* run-command / run-server-command: one traced program from a command line,
 * for D-Bus and tests (the dialog is for people). */
static void
run_command (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_run_command (session (user_data), g_variant_get_string (parameter, NULL), FALSE);
}

static void
run_server_command (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_run_command (session (user_data), g_variant_get_string (parameter, NULL), TRUE);
}

static void
partition (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autofree const char **minority = g_variant_get_strv (parameter, NULL);

  conclave_session_partition (session (user_data), minority);
}

static void
heal (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_heal (session (user_data));
}

static void
node_command (gpointer               user_data,
              GVariant              *parameter,
              ConclaveSessionCommand command)
{
  conclave_session_node_command (session (user_data), command, g_variant_get_string (parameter, NULL));
}

static void
crash_node (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  node_command (user_data, parameter, CONCLAVE_SESSION_COMMAND_CRASH);
}

static void
stop_node (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  node_command (user_data, parameter, CONCLAVE_SESSION_COMMAND_STOP);
}

static void
pause_node (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  node_command (user_data, parameter, CONCLAVE_SESSION_COMMAND_PAUSE);
}

static void
resume_node (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  node_command (user_data, parameter, CONCLAVE_SESSION_COMMAND_RESUME);
}

static void
restart_node (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  node_command (user_data, parameter, CONCLAVE_SESSION_COMMAND_RESTART);
}

static void
remove_node (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  node_command (user_data, parameter, CONCLAVE_SESSION_COMMAND_REMOVE);
}

static void
start_scenario (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_start_scenario (session (user_data), g_variant_get_string (parameter, NULL));
}

/* save-trace names the file (D-Bus, tests); save-trace-dialog, without a
 * parameter, asks for it (the menu, Ctrl+S). */
static void
save_trace (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_save_trace (session (user_data), g_variant_get_string (parameter, NULL));
}

static void
save_trace_dialog (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_save_choose (main_window (user_data), FALSE);
}

/* open-trace names the file (D-Bus, tests); open-trace-dialog asks. */
static void
open_trace (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_open_trace_asking (main_window (user_data), g_variant_get_string (parameter, NULL));
}

static void
open_trace_dialog (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_open_choose (main_window (user_data));
}

static void
set_tempo (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  conclave_session_set_tempo (session (user_data), g_variant_get_double (parameter));
}

static void
toggle_state (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action),
                         g_variant_new_boolean (!g_variant_get_boolean (state)));
}

static void
change_freeze_all (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  /* The window sets the action's state once the cluster has done it. */
  conclave_session_set_frozen (session (user_data), g_variant_get_boolean (value));
}

static void
change_presentation_mode (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  ConclaveApplication *self = user_data;

  conclave_session_set_presentation (self->session, g_variant_get_boolean (value));
}

static void
show_shortcuts (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ConclaveApplication *self = user_data;
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/conclave/Conclave/shortcuts.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts"));

  gtk_window_set_transient_for (shortcuts, conclave_application_get_window (self));
  gtk_window_present (shortcuts);
}

static void
show_preferences (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ConclaveApplication *self = user_data;
  GtkWindow *prefs = GTK_WINDOW (conclave_preferences_window_new (self->settings));

  gtk_window_set_transient_for (prefs, conclave_application_get_window (self));
  gtk_window_present (prefs);
}

static void
show_about (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ConclaveApplication *self = user_data;
  const char *developers[] = { "The Conclave contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", conclave_application_get_window (self),
                        "application-name", _("Conclave"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Conclave contributors"),
                        "developers", developers,
                        "comments", _("Watch real processes talk: servers, clients, forked "
                                      "children and a server group electing its leader, "
                                      "drawn live for a class on distributed systems."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/conclave/conclave",
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* An unsaved class asks first; its window closes (and we end) once
   * the teacher answered. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (CONCLAVE_IS_WINDOW (l->data) && conclave_save_ask_on_close (l->data))
      return;
  /* Closing the window shuts the cluster down (no process survives us). */
  while (windows != NULL)
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      gtk_window_destroy (window);
    }
  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_entries[] = {
  { "add-server", add_server },
  { "add-client", add_client },
  { "add-server-role", add_server_role, "s" },
  { "add-client-role", add_client_role, "s" },
  { "run-program", run_program },
  { "run-command", run_command, "s" },
  { "run-server-command", run_server_command, "s" },
  { "partition", partition, "as" },
  { "heal", heal },
  { "crash-node", crash_node, "s" },
  { "stop-node", stop_node, "s" },
  { "pause-node", pause_node, "s" },
  { "resume-node", resume_node, "s" },
  { "restart-node", restart_node, "s" },
  { "remove-node", remove_node, "s" },
  { "start-scenario", start_scenario, "s" },
  { "save-trace", save_trace, "s" },
  { "save-trace-dialog", save_trace_dialog },
  { "open-trace", open_trace, "s" },
  { "open-trace-dialog", open_trace_dialog },
  { "set-tempo", set_tempo, "d", "1.0" },
  { "freeze-all", toggle_state, NULL, "false", change_freeze_all },
  { "presentation-mode", toggle_state, NULL, "false", change_presentation_mode },
  { "show-shortcuts", show_shortcuts },
  { "preferences", show_preferences },
  { "about", show_about },
  { "quit", quit },
};

static const struct {
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.add-server", { "<Control><Shift>s", NULL } },
  { "app.add-client", { "<Control><Shift>c", NULL } },
  { "app.run-program", { "<Control><Shift>r", NULL } },
  { "app.save-trace-dialog", { "<Control>s", NULL } },
  { "app.open-trace-dialog", { "<Control>o", NULL } },
  { "app.start-scenario('chapter-1')", { "<Control>1", NULL } },
  { "app.start-scenario('chapter-2')", { "<Control>2", NULL } },
  { "app.start-scenario('chapter-3')", { "<Control>3", NULL } },
  { "app.start-scenario('chapter-4')", { "<Control>4", NULL } },
  { "app.freeze-all", { "<Control><Shift>f", NULL } },
  { "app.presentation-mode", { "F5", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "app.show-shortcuts", { "<Control>question", NULL } },
  { "app.quit", { "<Control>q", NULL } },
  { "win.new-class", { "<Control>n", NULL } },
  { "win.pause-selected", { "<Control>p", NULL } },
  { "win.restart-selected", { "<Control>r", NULL } },
  { "win.tempo-slower", { "<Control>bracketleft", NULL } },
  { "win.tempo-faster", { "<Control>bracketright", NULL } },
  { "win.find", { "<Control>f", NULL } },
  { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
  { "win.zoom-out", { "<Control>minus", NULL } },
  { "win.leave-presentation", { "Escape", NULL } },
  { "window.close", { "<Control>w", NULL } },
};

static void
conclave_application_startup (GApplication *app)
{
  ConclaveApplication *self = CONCLAVE_APPLICATION (app);

  G_APPLICATION_CLASS (conclave_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);
  self->session = conclave_session_new (self->settings);
  conclave_session_set_presentation (self->session,
                                     g_settings_get_boolean (self->settings, "presentation-mode"));
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action,
                                           app_accels[i].accels);
  conclave_step_actions_add (GTK_APPLICATION (self), self->session);
}

static void
conclave_application_activate (GApplication *app)
{
  gtk_window_present (conclave_application_get_window (CONCLAVE_APPLICATION (app)));
}

/* `conclave FILE`: the recording is shown (the first one, if several). */
static void
conclave_application_open (GApplication  *app,
                           GFile        **files,
                           int            n_files,
                           const char    *hint)
{
  ConclaveApplication *self = CONCLAVE_APPLICATION (app);
  g_autofree char *path = n_files > 0 ? g_file_get_path (files[0]) : NULL;

  gtk_window_present (conclave_application_get_window (self));
  if (path != NULL)
    conclave_open_trace_asking (main_window (self), path);
  else if (n_files > 0)
    conclave_session_notice (self->session, _("Recordings can only be opened from local files"));
}

static void
conclave_application_shutdown (GApplication *app)
{
  ConclaveApplication *self = CONCLAVE_APPLICATION (app);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* A window still open here (quit by signal or D-Bus) must still take its
   * processes down with it. */
  while (windows != NULL)
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      gtk_window_destroy (window);
    }
  G_APPLICATION_CLASS (conclave_application_parent_class)->shutdown (app);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
}

static void
conclave_application_class_init (ConclaveApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = conclave_application_startup;
  app_class->activate = conclave_application_activate;
  app_class->open = conclave_application_open;
  app_class->shutdown = conclave_application_shutdown;
}

static void
conclave_application_init (ConclaveApplication *self)
{
}

ConclaveApplication *
conclave_application_new (GApplicationFlags flags)
{
  return g_object_new (CONCLAVE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/conclave/Conclave",
                       "flags", flags,
                       NULL);
}

GSettings *
conclave_application_get_settings (ConclaveApplication *self)
{
  g_return_val_if_fail (CONCLAVE_IS_APPLICATION (self), NULL);
  return self->settings;
}

ConclaveSession *
conclave_application_get_session (ConclaveApplication *self)
{
  g_return_val_if_fail (CONCLAVE_IS_APPLICATION (self), NULL);
  return self->session;
}

/* No window, no class: its processes go with it (none survives us). */
static void
on_window_destroy (ConclaveApplication *self)
{
  if (self->session != NULL)
    conclave_session_close (self->session);
}

GtkWindow *
conclave_application_get_window (ConclaveApplication *self)
{
  GList *windows;
  ConclaveWindow *window;

  g_return_val_if_fail (CONCLAVE_IS_APPLICATION (self), NULL);

  for (windows = gtk_application_get_windows (GTK_APPLICATION (self));
       windows != NULL;
       windows = windows->next)
    if (CONCLAVE_IS_WINDOW (windows->data))
      return windows->data;
  if (conclave_session_get_cluster (self->session) == NULL)
    conclave_session_new_cluster (self->session);
  window = conclave_window_new (GTK_APPLICATION (self), self->session, self->settings);
  g_signal_connect_object (window, "destroy", G_CALLBACK (on_window_destroy), self, G_CONNECT_SWAPPED);
  return GTK_WINDOW (window);
}

gboolean
conclave_application_check_schema (GError **error)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The settings schema %s is not installed. Install Conclave, or run it "
                   "from the build tree with `meson devenv -C build` (which sets "
                   "GSETTINGS_SCHEMA_DIR).", APP_ID);
      return FALSE;
    }
  return TRUE;
}
