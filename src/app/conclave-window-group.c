/* conclave-window-group.c — the window's parts for chapter 4's server
 * group: the election menu (shown while a group runs, naming its election),
 * the violation banner, partitions.
 *
 * Reads the store only at the index a signal names; never walks it.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-events-view.h"
#include "conclave-window-private.h"

/* The election the running group's servers were started with (conclave-node
 * group-server's --election, raft when absent), NULL when no group runs. */
static const char *
running_election (ConclaveCluster *cluster)
{
  GListModel *nodes = G_LIST_MODEL (cluster);
  const char *election = NULL;

  for (guint i = 0; cluster != NULL && election == NULL && i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);
      const char * const *argv = conclave_node_get_argv (node);

      if (g_strcmp0 (conclave_node_get_role (node), "group-server") != 0 ||
          conclave_node_get_state (node) == CONCLAVE_NODE_CRASHED)
        continue;
      election = "raft";
      for (guint a = 0; argv != NULL && argv[a] != NULL && argv[a + 1] != NULL; a++)
        if (g_str_equal (argv[a], "--election"))
          election = argv[a + 1];
    }
  return election;
}

static const char *
election_name (const char *election)
{
  if (g_strcmp0 (election, "bully") == 0)
    return _("Bully");
  if (g_strcmp0 (election, "ring") == 0)
    return _("Ring");
  return _("Raft");
}

/* The header's menu is there only while a group runs, and names the
 * election it runs; its radio state is that election (else the choice for
 * the next start, from the settings). */
void
_conclave_window_update_election (ConclaveWindow *self)
{
  const char *running = running_election (window_cluster (self));
  g_autofree char *chosen = g_settings_get_string (self->settings, "election");
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "election");

  gtk_widget_set_visible (self->election_button, running != NULL);
  gtk_label_set_label (self->election_label, election_name (running));
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (running ? running : chosen));
}

/* Choosing an election sets it for the next start; while chapter 4 runs
 * with another one, chapter 4 starts again with the chosen one (a group
 * never runs two elections, and the menu never names one that does not run). */
static void
on_election_change_state (GSimpleAction *action,
                          GVariant      *value,
                          gpointer       user_data)
{
  ConclaveWindow *self = user_data;
  const char *chosen = g_variant_get_string (value, NULL);
  const char *running = running_election (window_cluster (self));
  ConclaveScenario *scenario = window_cluster (self) ? conclave_cluster_get_scenario (window_cluster (self)) : NULL;

  if (!g_str_equal (chosen, "raft") && !g_str_equal (chosen, "bully") && !g_str_equal (chosen, "ring"))
    return;
  g_settings_set_string (self->settings, "election", chosen);
  if (running != NULL && !g_str_equal (running, chosen) &&
      scenario != NULL && g_str_has_prefix (scenario->id, "chapter-4"))
    conclave_session_start_scenario (self->session, "chapter-4");
  else
    _conclave_window_update_election (self);
}

GAction *
_conclave_window_election_action_new (ConclaveWindow *self)
{
  g_autofree char *chosen = g_settings_get_string (self->settings, "election");
  GSimpleAction *action = g_simple_action_new_stateful ("election", G_VARIANT_TYPE_STRING,
                                                        g_variant_new_string (chosen));

  g_signal_connect_object (action, "change-state", G_CALLBACK (on_election_change_state), self, 0);
  return G_ACTION (action);
}

/* The banner shows the session's newest violation while any is unseen. */
void
_conclave_window_update_banner (ConclaveWindow *self)
{
  guint n = conclave_session_get_n_violations (self->session);
  guint64 index = conclave_session_get_violation (self->session);
  ConclaveEventStore *store = window_cluster (self) ? conclave_cluster_get_store (window_cluster (self)) : NULL;
  const ConclaveEvent *event = store ? conclave_event_store_get (store, index) : NULL;
  g_autofree char *text = NULL;

  if (n == 0 || event == NULL || event->type != CONCLAVE_EVENT_VIOLATION)
    {
      gtk_revealer_set_reveal_child (self->violation_revealer, FALSE);
      _conclave_window_update_actions (self);
      return;
    }
  if (n == 1)
    text = g_strdup_printf (_("Violation: %s"), conclave_event_store_str (store, conclave_event_violation_text (event)));
  else
    /* Translators: %u counts every violation so far (at least 2), %s is the newest */
    text = g_strdup_printf (ngettext ("%u violations, the newest: %s", "%u violations, the newest: %s", n),
                            n, conclave_event_store_str (store, conclave_event_violation_text (event)));
  gtk_label_set_label (self->violation_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->violation_label), text);
  gtk_revealer_set_reveal_child (self->violation_revealer, TRUE);
  _conclave_window_update_actions (self);
}

static void
show_violation (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  guint64 violation = conclave_session_get_violation (self->session);
  const ConclaveEvent *event;

  if (window_cluster (self) == NULL || violation == G_MAXUINT64)
    return;
  event = conclave_event_store_get (conclave_cluster_get_store (window_cluster (self)), violation);
  /* The cause, or the violation itself when the cause is gone. */
  if (event == NULL || !conclave_window_show_event (self, event->key))
    if (!conclave_window_show_event (self, violation))
      conclave_window_toast (self, _("The events of this violation are no longer kept"));
}

static void
dismiss_violation (GtkWidget *widget, const char *action, GVariant *parameter)
{
  conclave_session_dismiss_banner (CONCLAVE_WINDOW (widget)->session);
}

/* Partitions */

static void
on_partition_response (AdwMessageDialog *dialog,
                       const char       *response,
                       ConclaveWindow   *self)
{
  GPtrArray *checks = g_object_get_data (G_OBJECT (dialog), "checks");
  g_autoptr(GPtrArray) minority = g_ptr_array_new ();

  if (g_strcmp0 (response, "partition") != 0)
    return;
  for (guint i = 0; i < checks->len; i++)
    if (gtk_check_button_get_active (checks->pdata[i]))
      g_ptr_array_add (minority, (gpointer) gtk_check_button_get_label (checks->pdata[i]));
  g_ptr_array_add (minority, NULL);
  conclave_session_partition (self->session, (const char * const *) minority->pdata);
}

/* One check per top-level node; the checked ones are the minority. */
static GtkWidget *
partition_checks (ConclaveWindow *self,
                  GPtrArray      *checks)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GListModel *nodes = G_LIST_MODEL (window_cluster (self));

  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);
      GtkWidget *check = gtk_check_button_new_with_label (conclave_node_get_name (node));

      gtk_box_append (GTK_BOX (box), check);
      g_ptr_array_add (checks, check);
    }
  return box;
}

static void
open_partition (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  GPtrArray *checks = g_ptr_array_new ();
  GtkWidget *dialog;

  if (window_cluster (self) == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Partition the Network?"),
                                   _("The checked nodes are cut off from all the others, both "
                                     "ways, as if a cable broke between the two sides. "
                                     "Choose a minority to see which side keeps working."));
  g_object_set_data_full (G_OBJECT (dialog), "checks", checks, (GDestroyNotify) g_ptr_array_unref);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), partition_checks (self, checks));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "partition", _("_Partition"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "partition",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_partition_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
heal (GtkWidget *widget, const char *action, GVariant *parameter)
{
  conclave_session_heal (CONCLAVE_WINDOW (widget)->session);
}

void
_conclave_window_update_group_actions (ConclaveWindow *self)
{
  gboolean has_nodes = window_cluster (self) && g_list_model_get_n_items (G_LIST_MODEL (window_cluster (self))) > 1
                       && !conclave_session_is_replay (self->session);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.partition", has_nodes);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.heal",
                                 self->faults != NULL && conclave_faults_is_partitioned (self->faults));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-violation",
                                 conclave_session_get_violation (self->session) != G_MAXUINT64);
}

void
_conclave_window_class_init_group (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.partition", NULL, open_partition);
  gtk_widget_class_install_action (widget_class, "win.heal", NULL, heal);
  gtk_widget_class_install_action (widget_class, "win.show-violation", NULL, show_violation);
  gtk_widget_class_install_action (widget_class, "win.dismiss-violation", NULL, dismiss_violation);
}
