/* conclave-window-actions.c — what the window does when an action arrives:
 * add, crash, pause, restart and remove nodes, start a chapter, change the
 * tempo, freeze everything, presentation mode; and _update_actions(), the
 * one place that decides which actions are enabled.
 *
 * Every failure is told to the user in a toast; nothing here may assume a
 * node still exists, a name is valid or a role is known.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-cluster-view.h"
#include "conclave-charts.h"
#include "conclave-events-view.h"
#include "conclave-roles.h"
#include "conclave-timeline.h"
#include "conclave-window-private.h"

#define TEMPO_MIN 0.02
#define TEMPO_MAX 5.0

static void
toastf (ConclaveWindow *self,
        const char     *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
toastf (ConclaveWindow *self,
        const char     *format,
        ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  conclave_window_toast (self, text);
}

/* The scenario's first node of this kind (server or client), if any. */
static const ConclaveScenarioNode *
scenario_node (ConclaveWindow *self,
               gboolean        server,
               const char     *role)
{
  ConclaveScenario *scenario = conclave_cluster_get_scenario (self->cluster);

  if (scenario == NULL)
    return NULL;
  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      const ConclaveScenarioNode *node = g_ptr_array_index (scenario->nodes, i);
      if (!conclave_role_is_known (node->role) || conclave_role_is_server (node->role) != server)
        continue;
      if (role == NULL || g_str_equal (role, node->role))
        return node;
    }
  return NULL;
}

/* What "Add Server" / "Add Client" start without a chosen role: what the
 * running chapter uses, else what fits the nodes already there. */
static const char *
default_role (ConclaveWindow *self,
              gboolean        server)
{
  const ConclaveScenarioNode *from_scenario = scenario_node (self, server, NULL);
  GListModel *nodes = G_LIST_MODEL (self->cluster);
  guint n = g_list_model_get_n_items (nodes);

  if (from_scenario != NULL)
    return from_scenario->role;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);
      const char *role = conclave_node_get_role (node);

      if (conclave_role_is_known (role))
        return conclave_role_is_server (role) == server ? role : conclave_role_partner (role);
    }
  return server ? "udp-server" : "udp-client";
}

/* Arguments for a new node: all talk on the cluster's port; a node copies
 * the running chapter's node of the same role (a client its pace, a group
 * server the chapter's election), else a client keeps going until stopped
 * and a group server gets the election of the header's menu. */
static GStrv
node_args (ConclaveWindow *self,
           gboolean        server,
           const char     *role)
{
  const ConclaveScenarioNode *template = scenario_node (self, server, role);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (template != NULL && template->args != NULL)
    {
      g_strv_builder_addv (builder, (const char **) template->args);
      return g_strv_builder_end (builder);
    }
  if (g_str_equal (role, "group-server"))
    {
      g_autofree char *election = g_settings_get_string (self->settings, "election");

      g_strv_builder_add_many (builder, "--group-port", "{group_port}", "--election", election, NULL);
      return g_strv_builder_end (builder);
    }
  if (g_str_equal (role, "group-client"))
    {
      g_strv_builder_add_many (builder, "--group-port", "{group_port}", "--count", "0", NULL);
      return g_strv_builder_end (builder);
    }
  g_strv_builder_add_many (builder, "--port", "{port}", NULL);
  if (!server)
    g_strv_builder_add_many (builder, "--count", "0", NULL);
  return g_strv_builder_end (builder);
}

void
conclave_window_add_node (ConclaveWindow *self,
                          gboolean        server,
                          const char     *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) args = NULL;
  ConclaveNode *node;

  g_return_if_fail (CONCLAVE_IS_WINDOW (self));

  if (self->cluster == NULL)
    return;
  if (role == NULL)
    role = default_role (self, server);
  if (!conclave_role_is_known (role) || conclave_role_is_server (role) != server)
    {
      toastf (self, server ? _("“%s” is not a server role") : _("“%s” is not a client role"), role);
      return;
    }
  name = conclave_cluster_next_name (self->cluster, server);
  args = node_args (self, server, role);
  node = conclave_cluster_add_node (self->cluster, name, role, (const char * const *) args, &error);
  if (node == NULL)
    {
      toastf (self, _("Could not start %s: %s"), name, error->message);
      return;
    }
  conclave_session_set_selected (self->session, node);
}

static gboolean
run_command (ConclaveWindow     *self,
             ConclaveNodeCommand command,
             const char         *name,
             GError            **error)
{
  switch (command)
    {
    case CONCLAVE_NODE_COMMAND_CRASH:
      return conclave_cluster_crash (self->cluster, name);
    case CONCLAVE_NODE_COMMAND_STOP:
      return conclave_cluster_stop (self->cluster, name);
    case CONCLAVE_NODE_COMMAND_PAUSE:
      return conclave_cluster_pause (self->cluster, name);
    case CONCLAVE_NODE_COMMAND_RESUME:
      return conclave_cluster_resume (self->cluster, name);
    case CONCLAVE_NODE_COMMAND_RESTART:
      return conclave_cluster_restart (self->cluster, name, error);
    case CONCLAVE_NODE_COMMAND_REMOVE:
      return conclave_cluster_remove (self->cluster, name);
    default:
      g_assert_not_reached ();
    }
}

static char *
command_failure (ConclaveNodeCommand command,
                 const char         *name)
{
  switch (command)
    {
    case CONCLAVE_NODE_COMMAND_CRASH:
      return g_strdup_printf (_("Cannot crash %s: it is not running"), name);
    case CONCLAVE_NODE_COMMAND_STOP:
      return g_strdup_printf (_("Cannot stop %s: it is not running"), name);
    case CONCLAVE_NODE_COMMAND_PAUSE:
      return g_strdup_printf (_("Cannot pause %s: it is not running"), name);
    case CONCLAVE_NODE_COMMAND_RESUME:
      return g_strdup_printf (_("Cannot resume %s: it is not paused"), name);
    case CONCLAVE_NODE_COMMAND_RESTART:
      return g_strdup_printf (_("Cannot restart %s"), name);
    case CONCLAVE_NODE_COMMAND_REMOVE:
      return g_strdup_printf (_("Cannot remove %s"), name);
    default:
      g_assert_not_reached ();
    }
}

void
conclave_window_node_command (ConclaveWindow     *self,
                              ConclaveNodeCommand command,
                              const char         *name)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONCLAVE_IS_WINDOW (self));

  if (self->cluster == NULL)
    return;
  if (name == NULL || conclave_cluster_lookup (self->cluster, name) == NULL)
    {
      toastf (self, _("There is no node called “%s”"), name ? name : "");
      return;
    }
  if (!run_command (self, command, name, &error))
    {
      g_autofree char *text = command_failure (command, name);

      if (error != NULL)
        toastf (self, "%s: %s", text, error->message);
      else
        conclave_window_toast (self, text);
    }
  _conclave_window_update_actions (self);
}

/* Chapter 4 is one chapter with three elections: "chapter-4" (raft) and
 * "chapter-4-bully" / "chapter-4-ring" when they ship. Without its own
 * scenario an election still runs: the chapter's group servers get it
 * as their --election argument. */
static ConclaveScenario *
lookup_scenario (ConclaveWindow *self,
                 const char     *id,
                 GError        **error)
{
  g_autofree char *election = NULL;
  g_autofree char *variant = NULL;
  ConclaveScenario *scenario;

  if (g_strcmp0 (id, "chapter-4") != 0)
    return conclave_scenario_lookup (id, error);
  election = g_settings_get_string (self->settings, "election");
  variant = g_strcmp0 (election, "raft") == 0 ? g_strdup (id) : g_strdup_printf ("%s-%s", id, election);
  if ((scenario = conclave_scenario_lookup (variant, NULL)) != NULL)
    return scenario;
  if ((scenario = conclave_scenario_lookup (id, error)) == NULL)
    return NULL;
  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      ConclaveScenarioNode *node = g_ptr_array_index (scenario->nodes, i);

      for (guint a = 0; node->args != NULL && node->args[a] != NULL && node->args[a + 1] != NULL; a++)
        if (g_str_equal (node->args[a], "--election"))
          {
            g_free (node->args[a + 1]);
            node->args[a + 1] = g_strdup (election);
          }
    }
  return scenario;
}

void
conclave_window_start_scenario (ConclaveWindow *self,
                                const char     *id)
{
  g_autoptr(ConclaveScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONCLAVE_IS_WINDOW (self));

  if (self->cluster == NULL)
    return;
  scenario = lookup_scenario (self, id, &error);
  if (scenario == NULL)
    {
      toastf (self, _("Cannot start “%s”: %s"), id, error->message);
      return;
    }
  /* A new chapter is a new picture: a fresh cluster (the views follow). */
  if (!conclave_session_new_cluster (self->session))
    return;
  if (!conclave_cluster_start_scenario (self->cluster, scenario, &error))
    toastf (self, _("Cannot start “%s”: %s"), _(scenario->title), error->message);
  _conclave_window_update_actions (self);
}

static void
update_tempo_widgets (ConclaveWindow *self)
{
  double tempo = self->cluster ? conclave_cluster_get_tempo (self->cluster) : 1.0;
  g_autofree char *label = NULL;

  if (tempo >= 0.995)
    label = g_strdup_printf ("%.3g×", tempo);
  else
    label = g_strdup_printf ("%.2g×", tempo);
  gtk_label_set_label (self->tempo_label, label);
  self->updating_tempo = TRUE;
  gtk_adjustment_set_value (self->tempo_adjustment, log10 (tempo));
  self->updating_tempo = FALSE;
}

void
conclave_window_set_tempo (ConclaveWindow *self,
                           double          tempo)
{
  g_return_if_fail (CONCLAVE_IS_WINDOW (self));

  if (self->cluster == NULL)
    return;
  if (!isfinite (tempo) || tempo <= 0)
    {
      conclave_window_toast (self, _("The tempo must be a positive number"));
      return;
    }
  tempo = CLAMP (tempo, TEMPO_MIN, TEMPO_MAX);
  conclave_cluster_set_tempo (self->cluster, tempo);
  g_settings_set_double (self->settings, "tempo", tempo);
  _conclave_window_update_actions (self);
}

static void
on_tempo_scale_changed (GtkAdjustment  *adjustment,
                        ConclaveWindow *self)
{
  double tempo = pow (10, gtk_adjustment_get_value (adjustment));

  if (self->updating_tempo)
    return;
  /* Snap to round values, so the label reads 0.5× and not 0.4977×. */
  tempo = tempo >= 1 ? round (tempo * 10) / 10 : round (tempo * 100) / 100;
  conclave_window_set_tempo (self, tempo);
}

void
conclave_window_set_frozen (ConclaveWindow *self,
                            gboolean        frozen)
{
  g_return_if_fail (CONCLAVE_IS_WINDOW (self));

  if (self->cluster != NULL)
    conclave_cluster_freeze_all (self->cluster, frozen);
  _conclave_window_update_actions (self);
}

/* Window actions (win.*) */

static void
selected_command (ConclaveWindow     *self,
                  ConclaveNodeCommand command)
{
  ConclaveNode *selected = _conclave_window_selected (self);

  if (selected != NULL)
    conclave_window_node_command (self, command, conclave_node_get_name (selected));
}

static void
crash_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_NODE_COMMAND_CRASH);
}

static void
stop_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_NODE_COMMAND_STOP);
}

static void
pause_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  ConclaveNode *selected = _conclave_window_selected (self);

  if (selected == NULL)
    return;
  selected_command (self, conclave_node_get_state (selected) == CONCLAVE_NODE_PAUSED
                          ? CONCLAVE_NODE_COMMAND_RESUME : CONCLAVE_NODE_COMMAND_PAUSE);
}

static void
restart_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_NODE_COMMAND_RESTART);
}

static void
remove_selected (GtkWidget *widget, const char *action, GVariant *parameter)
{
  selected_command (CONCLAVE_WINDOW (widget), CONCLAVE_NODE_COMMAND_REMOVE);
}

static void
new_class (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);

  /* Back to the welcome page with a clean picture. */
  conclave_session_new_cluster (self->session);
}

static void
change_tempo (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  double factor = g_str_equal (action, "win.tempo-faster") ? 0.5 : 2.0;

  if (self->cluster != NULL)
    conclave_window_set_tempo (self, conclave_cluster_get_tempo (self->cluster) * factor);
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

static void
leave_presentation (GtkWidget *widget, const char *action, GVariant *parameter)
{
  conclave_session_set_presentation (CONCLAVE_WINDOW (widget)->session, FALSE);
}

void
_conclave_window_class_init_actions (GtkWidgetClass *widget_class)
{
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
  g_autoptr(GAction) election = g_settings_create_action (self->settings, "election");

  g_action_map_add_action (G_ACTION_MAP (self), layout);
  g_action_map_add_action (G_ACTION_MAP (self), election);
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
  gboolean has_cluster = self->cluster != NULL;
  gboolean has_nodes = has_cluster && g_list_model_get_n_items (G_LIST_MODEL (self->cluster)) > 0;

  for (guint i = 0; i < G_N_ELEMENTS (node_actions); i++)
    app_action_set_enabled (app, node_actions[i], has_nodes);
  app_action_set_enabled (app, "add-server", has_cluster);
  app_action_set_enabled (app, "add-client", has_cluster);
  app_action_set_enabled (app, "add-server-role", has_cluster);
  app_action_set_enabled (app, "add-client-role", has_cluster);
  app_action_set_enabled (app, "start-scenario", has_cluster);
  app_action_set_enabled (app, "run-program", has_cluster);
  app_action_set_enabled (app, "partition", has_nodes);
  app_action_set_enabled (app, "heal", has_cluster);
  app_action_set_enabled (app, "run-command", has_cluster);
  app_action_set_enabled (app, "run-server-command", has_cluster);
  app_action_set_enabled (app, "set-tempo", has_cluster);
  app_action_set_enabled (app, "freeze-all", has_nodes);
  app_action_set_state (app, "freeze-all",
                        g_variant_new_boolean (has_cluster && conclave_cluster_get_frozen (self->cluster)));
  app_action_set_state (app, "presentation-mode",
                        g_variant_new_boolean (conclave_session_get_presentation (self->session)));
  app_action_set_state (app, "set-tempo",
                        g_variant_new_double (has_cluster ? conclave_cluster_get_tempo (self->cluster) : 1.0));
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
  gboolean top_level = selected != NULL && conclave_node_get_parent (selected) == NULL;
  gboolean has_nodes = self->cluster && g_list_model_get_n_items (G_LIST_MODEL (self->cluster)) > 0;

  if (self->session == NULL)  /* still being built */
    return;
  if (app != NULL)
    update_app_actions (self, G_ACTION_MAP (app));
  gtk_widget_action_set_enabled (widget, "win.new-class", has_nodes);
  gtk_widget_action_set_enabled (widget, "win.crash-selected", top_level && alive);
  gtk_widget_action_set_enabled (widget, "win.stop-selected", top_level && alive);
  gtk_widget_action_set_enabled (widget, "win.pause-selected", top_level && alive);
  gtk_widget_action_set_enabled (widget, "win.restart-selected", top_level);
  gtk_widget_action_set_enabled (widget, "win.remove-selected", top_level);
  gtk_widget_action_set_enabled (widget, "win.tempo-faster", self->cluster != NULL);
  gtk_widget_action_set_enabled (widget, "win.tempo-slower", self->cluster != NULL);
  gtk_widget_action_set_enabled (widget, "win.leave-presentation",
                                 conclave_session_get_presentation (self->session));
  update_tempo_widgets (self);
  _conclave_window_update_group_actions (self);
}

