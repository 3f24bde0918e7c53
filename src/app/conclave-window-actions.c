/* conclave-window-actions.c — the window's own actions (win.*: the
 * selected node, the tempo buttons, views, zoom, presentation), which ask
 * the session to do things; and _update_actions(), the one place that
 * decides which actions, the application's too, are enabled.
 *
 * Nothing here may assume a node still exists; what fails is told by the
 * session's notice.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-cluster-view.h"
#include "conclave-charts.h"
#include "conclave-events-view.h"
#include "conclave-run-dialog.h"
#include "conclave-save.h"
#include "conclave-step-actions.h"
#include "conclave-tempo.h"
#include "conclave-timeline.h"
#include "conclave-window-private.h"

static void
update_tempo_widgets (ConclaveWindow *self)
{
  double tempo = window_cluster (self) ? conclave_cluster_get_tempo (window_cluster (self)) : 1.0;
  g_autofree char *label = conclave_tempo_label (tempo);
  g_autofree char *described = conclave_tempo_describe (tempo);

  /* Named by speed: 0.25× is slow motion, as people mean it. */
  gtk_label_set_label (self->tempo_label, label);
  gtk_label_set_label (self->tempo_speed_label, described);
  gtk_widget_set_tooltip_text (self->tempo_button, described);
  self->updating_tempo = TRUE;
  gtk_adjustment_set_value (self->tempo_adjustment, log10 (conclave_tempo_speed (tempo)));
  self->updating_tempo = FALSE;
}

static void
on_tempo_scale_changed (GtkAdjustment  *adjustment,
                        ConclaveWindow *self)
{
  double speed = pow (10, gtk_adjustment_get_value (adjustment));

  if (self->updating_tempo)
    return;
  /* Snapped, so the label reads 0.5× and not 0.4977×. */
  conclave_session_set_tempo (self->session, conclave_tempo_scale_for (speed));
}

void
conclave_window_open_run_dialog (ConclaveWindow *self)
{
  g_return_if_fail (CONCLAVE_IS_WINDOW (self));
  gtk_window_present (GTK_WINDOW (conclave_run_dialog_new (self)));
}

/* Window actions (win.*) */

static void
selected_command (ConclaveWindow         *self,
                  ConclaveSessionCommand  command)
{
  ConclaveNode *selected = _conclave_window_selected (self);

  if (selected != NULL)
    conclave_session_node_command (self->session, command, conclave_node_get_name (selected));
}

static void
crash_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_SESSION_COMMAND_CRASH);
}

static void
stop_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_SESSION_COMMAND_STOP);
}

static void
pause_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  ConclaveNode *selected = _conclave_window_selected (self);

  if (selected == NULL)
    return;
  selected_command (self, conclave_node_get_state (selected) == CONCLAVE_NODE_PAUSED
                          ? CONCLAVE_SESSION_COMMAND_RESUME : CONCLAVE_SESSION_COMMAND_PAUSE);
}

static void
restart_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_SESSION_COMMAND_RESTART);
}

static void
remove_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_SESSION_COMMAND_REMOVE);
}

/* Back to the welcome page with a clean picture. */
static void
new_class_now (ConclaveWindow *self, gpointer data)
{
  conclave_session_new_cluster (self->session);
}

static void
new_class (GtkWidget *widget, const char *action, GVariant *parameter)
{
  conclave_save_ask_before (CONCLAVE_WINDOW (widget),
                            _("This class ran for more than a minute. Unless it is saved, "
                              "its recording is lost when a new class starts."),
                            new_class_now, NULL, NULL);
}

static void
change_tempo (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  double factor = g_str_equal (action, "win.tempo-faster") ? 0.5 : 2.0;

  if (window_cluster (self) != NULL)
    conclave_session_set_tempo (self->session, conclave_cluster_get_tempo (window_cluster (self)) * factor);
}

static void
find (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);

  conclave_window_show_view (self, "events");
  conclave_events_view_focus_search (CONCLAVE_EVENTS_VIEW (self->event_log));
}

static void
show_view (GtkWidget *widget, const char *action, GVariant *parameter)
{
  conclave_window_show_view (CONCLAVE_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
zoom (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);

  conclave_window_show_view (self, "timeline");
  conclave_timeline_zoom (CONCLAVE_TIMELINE (self->timeline),
                          g_str_equal (action, "win.zoom-in") ? 1.5 : 1 / 1.5);
}

static void
follow_present (GtkWidget *widget, const char *action, GVariant *parameter)
{
  conclave_timeline_follow (CONCLAVE_TIMELINE (CONCLAVE_WINDOW (widget)->timeline));
}

/* Escape: a lit message first, its card next, presentation mode last. */
static void
leave_presentation (GtkWidget *widget, const char *action, GVariant *parameter)
{
  if (!_conclave_window_card_escape (CONCLAVE_WINDOW (widget)))
    conclave_session_set_presentation (CONCLAVE_WINDOW (widget)->session, FALSE);
}

void
_conclave_window_class_init_actions (GtkWidgetClass *widget_class)
{
  _conclave_window_class_init_export (widget_class);
  gtk_widget_class_install_action (widget_class, "win.new-class", NULL, new_class);
  gtk_widget_class_install_action (widget_class, "win.crash-selected", NULL, crash_selected);
  gtk_widget_class_install_action (widget_class, "win.stop-selected", NULL, stop_selected);
  gtk_widget_class_install_action (widget_class, "win.pause-selected", NULL, pause_selected);
  gtk_widget_class_install_action (widget_class, "win.restart-selected", NULL, restart_selected);
  gtk_widget_class_install_action (widget_class, "win.remove-selected", NULL, remove_selected);
  gtk_widget_class_install_action (widget_class, "win.tempo-faster", NULL, change_tempo);
  gtk_widget_class_install_action (widget_class, "win.tempo-slower", NULL, change_tempo);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom);
  gtk_widget_class_install_action (widget_class, "win.follow-present", NULL, follow_present);
  gtk_widget_class_install_action (widget_class, "win.leave-presentation", NULL, leave_presentation);
  _conclave_window_class_init_group (widget_class);
}

void
_conclave_window_init_actions (ConclaveWindow *self)
{
  g_autoptr(GAction) layout = g_settings_create_action (self->settings, "timeline-layout");
  g_autoptr(GAction) election = _conclave_window_election_action_new (self);
  g_autoptr(GAction) unheard = g_settings_create_action (self->settings, "show-unheard");
  g_autoptr(GAction) network = _conclave_window_network_action_new (self);

  g_action_map_add_action (G_ACTION_MAP (self), unheard);
  g_action_map_add_action (G_ACTION_MAP (self), network);
  g_action_map_add_action (G_ACTION_MAP (self), layout);
  g_action_map_add_action (G_ACTION_MAP (self), election);
  _conclave_window_init_export (self);
  g_signal_connect_object (self->tempo_adjustment, "value-changed",
                           G_CALLBACK (on_tempo_scale_changed), self, 0);
  update_tempo_widgets (self);
}

static void
app_action_set_enabled (GActionMap *map,
                        const char *name,
                        gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (map, name);

  if (G_IS_SIMPLE_ACTION (action))
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
app_action_set_state (GActionMap *map,
                      const char *name,
                      GVariant   *state)
{
  GAction *action = g_action_map_lookup_action (map, name);
  g_autoptr(GVariant) owned = g_variant_ref_sink (state);

  if (G_IS_SIMPLE_ACTION (action))
    g_simple_action_set_state (G_SIMPLE_ACTION (action), owned);
}

static void
update_app_actions (ConclaveWindow *self,
                    GActionMap     *app)
{
  static const char * const node_actions[] = {
    "crash-node", "stop-node", "pause-node", "resume-node", "restart-node", "remove-node",
  };
  /* A recording runs no process: nothing to add, crash or pace. */
  gboolean has_cluster = window_cluster (self) != NULL && !conclave_session_is_replay (self->session);
  gboolean has_nodes = has_cluster && g_list_model_get_n_items (G_LIST_MODEL (window_cluster (self))) > 0;

  for (guint i = 0; i < G_N_ELEMENTS (node_actions); i++)
    app_action_set_enabled (app, node_actions[i], has_nodes);
  app_action_set_enabled (app, "add-server", has_cluster);
  app_action_set_enabled (app, "add-client", has_cluster);
  app_action_set_enabled (app, "add-server-role", has_cluster);
  app_action_set_enabled (app, "add-client-role", has_cluster);
  app_action_set_enabled (app, "start-scenario", window_cluster (self) != NULL);
  app_action_set_enabled (app, "run-program", has_cluster);
  app_action_set_enabled (app, "partition", has_nodes);
  app_action_set_enabled (app, "heal", has_cluster);
  app_action_set_enabled (app, "run-command", has_cluster);
  app_action_set_enabled (app, "run-server-command", has_cluster);
  app_action_set_enabled (app, "set-tempo", has_cluster);
  app_action_set_enabled (app, "freeze-all", has_nodes);
  app_action_set_state (app, "freeze-all",
                        g_variant_new_boolean (has_cluster && conclave_cluster_get_frozen (window_cluster (self))));
  conclave_step_actions_update (app, has_cluster ? window_cluster (self) : NULL);  /* a recording holds nothing */
  app_action_set_state (app, "presentation-mode",
                        g_variant_new_boolean (conclave_session_get_presentation (self->session)));
  app_action_set_state (app, "set-tempo",
                        g_variant_new_double (has_cluster ? conclave_cluster_get_tempo (window_cluster (self)) : 1.0));
}

void
_conclave_window_update_actions (ConclaveWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GtkWidget *widget = GTK_WIDGET (self);
  ConclaveNode *selected = _conclave_window_selected (self);
  ConclaveNodeState state = selected ? conclave_node_get_state (selected) : CONCLAVE_NODE_EXITED;
  gboolean alive = state == CONCLAVE_NODE_STARTING || state == CONCLAVE_NODE_RUNNING ||
                   state == CONCLAVE_NODE_PAUSED;
  gboolean live = self->session != NULL && !conclave_session_is_replay (self->session);
  gboolean top_level = live && selected != NULL && conclave_node_get_parent (selected) == NULL;
  gboolean has_nodes = window_cluster (self) && g_list_model_get_n_items (G_LIST_MODEL (window_cluster (self))) > 0;

  if (self->session == NULL)  /* still being built */
    return;
  gtk_widget_set_visible (self->tempo_button, live);
  gtk_widget_set_visible (self->freeze_button, live);
  if (app != NULL)
    update_app_actions (self, G_ACTION_MAP (app));
  gtk_widget_action_set_enabled (widget, "win.new-class", has_nodes);
  gtk_widget_action_set_enabled (widget, "win.crash-selected", top_level && alive);
  gtk_widget_action_set_enabled (widget, "win.stop-selected", top_level && alive);
  gtk_widget_action_set_enabled (widget, "win.pause-selected", top_level && alive);
  gtk_widget_action_set_enabled (widget, "win.restart-selected", top_level);
  gtk_widget_action_set_enabled (widget, "win.remove-selected", top_level);
  gtk_widget_action_set_enabled (widget, "win.tempo-faster", live && window_cluster (self) != NULL);
  gtk_widget_action_set_enabled (widget, "win.tempo-slower", live && window_cluster (self) != NULL);
  gtk_widget_action_set_enabled (widget, "win.leave-presentation",
                                 conclave_session_get_presentation (self->session) ||
                                 _conclave_window_card_open (self));
  _conclave_window_update_card_actions (self);
  update_tempo_widgets (self);
  _conclave_window_update_group_actions (self);
  _conclave_window_update_network (self);
  _conclave_window_update_export_actions (self);
}

