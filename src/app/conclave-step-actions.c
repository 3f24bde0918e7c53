/* conclave-step-actions.c — see the header. A release the queue refuses
 * (it is gone, or it would reorder a TCP stream) is told as a notice,
 * never silently ignored. */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-step-actions.h"

static ConclaveHold *
hold_of (gpointer user_data)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (CONCLAVE_SESSION (user_data));

  return cluster != NULL ? conclave_cluster_get_hold (cluster) : NULL;
}

static void
refused (gpointer user_data, ConclaveHold *hold, guint64 index)
{
  ConclaveHeld *held = hold != NULL ? conclave_hold_lookup (hold, index) : NULL;

  if (held != NULL && conclave_held_is_stream (held))
    conclave_session_notice (CONCLAVE_SESSION (user_data),
                             _("A TCP stream keeps its order: release its oldest held chunk first"));
  else
    conclave_session_notice (CONCLAVE_SESSION (user_data), _("That message is no longer held"));
}

/* What each release action does, by its name. */
static const struct {
  const char     *name;
  ConclaveRelease how;
} releases[] = {
  { "deliver-message", CONCLAVE_RELEASE_DELIVER }, { "drop-message", CONCLAVE_RELEASE_DROP },
  { "duplicate-message", CONCLAVE_RELEASE_DUPLICATE }, { "later-message", CONCLAVE_RELEASE_LATER },
  { "deliver-next", CONCLAVE_RELEASE_DELIVER }, { "drop-next", CONCLAVE_RELEASE_DROP },
};

static ConclaveRelease
how_of (GSimpleAction *action)
{
  const char *name = g_action_get_name (G_ACTION (action));

  for (guint i = 0; i < G_N_ELEMENTS (releases); i++)
    if (g_str_equal (name, releases[i].name))
      return releases[i].how;
  g_return_val_if_reached (CONCLAVE_RELEASE_DELIVER);
}

/* deliver-message, drop-message, duplicate-message, later-message */
static void
release_message (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ConclaveHold *hold = hold_of (user_data);
  guint64 index = g_variant_get_uint64 (parameter);

  if (hold == NULL || !conclave_hold_release (hold, index, how_of (action)))
    refused (user_data, hold, index);
}

/* deliver-next, drop-next: the oldest held message */
static void
release_next (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  ConclaveHold *hold = hold_of (user_data);

  if (hold == NULL || conclave_hold_get_n_held (hold) == 0)
    conclave_session_notice (CONCLAVE_SESSION (user_data), _("No message is held"));
  else if (!conclave_hold_release_next (hold, how_of (action)))
    conclave_session_notice (CONCLAVE_SESSION (user_data), _("The oldest held message could not be released"));
}

static void
toggle_hold (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
}

static void
change_hold (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  ConclaveHold *hold = hold_of (user_data);

  if (hold == NULL)
    return;
  conclave_hold_set_all (hold, g_variant_get_boolean (value));
  g_simple_action_set_state (action, value);
}

static const GActionEntry entries[] = {
  { "hold-messages", toggle_hold, NULL, "false", change_hold },
  { "deliver-next", release_next },
  { "drop-next", release_next },
  { "deliver-message", release_message, "t" },
  { "drop-message", release_message, "t" },
  { "duplicate-message", release_message, "t" },
  { "later-message", release_message, "t" },
};

void
conclave_step_actions_add (GtkApplication *app, ConclaveSession *session)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), session);
}

/* Plain letters, so not application accelerators (those come first, and
 * would eat an H typed into the search or the input line): a shortcut of
 * the window, in the bubble phase, after the focused entry had the key. */
void
conclave_step_actions_add_shortcuts (GtkWidget *window)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  g_return_if_fail (GTK_IS_WIDGET (window));

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_BUBBLE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_h, 0),
                                                          gtk_named_action_new ("app.hold-messages")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_n, 0),
                                                          gtk_named_action_new ("app.deliver-next")));
  gtk_widget_add_controller (window, controller);
}

static void
set_enabled (GActionMap *app, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (app, name);

  if (G_IS_SIMPLE_ACTION (action))
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
conclave_step_actions_update (GActionMap *app, ConclaveCluster *cluster)
{
  ConclaveHold *hold = cluster != NULL ? conclave_cluster_get_hold (cluster) : NULL;
  gboolean any = hold != NULL && conclave_hold_get_n_held (hold) > 0;
  GAction *action = g_action_map_lookup_action (app, "hold-messages");

  set_enabled (app, "hold-messages", hold != NULL);
  set_enabled (app, "deliver-next", any);
  set_enabled (app, "drop-next", any);
  if (G_IS_SIMPLE_ACTION (action))
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_boolean (hold != NULL && conclave_hold_get_all (hold)));
}

static void
add_item (GMenu *menu, const char *label, const char *action, guint64 index)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_uint64 (index));
  g_menu_append_item (menu, item);
}

GMenuModel *
conclave_step_actions_held_menu (ConclaveHold *hold, guint64 index)
{
  ConclaveHeld *held = hold != NULL ? conclave_hold_lookup (hold, index) : NULL;
  GMenu *menu = g_menu_new ();

  add_item (menu, _("Deliver"), "app.deliver-message", index);
  if (held != NULL && conclave_held_get_key (held) == 0)  /* bytes of a stream: only delivered */
    return G_MENU_MODEL (menu);
  add_item (menu, _("Drop"), "app.drop-message", index);
  add_item (menu, _("Duplicate"), "app.duplicate-message", index);
  if (held == NULL || !conclave_held_is_stream (held))
    add_item (menu, _("Deliver Later"), "app.later-message", index);
  return G_MENU_MODEL (menu);
}

void
conclave_step_actions_popup (GtkWidget **popover, GtkWidget *parent, GMenuModel *model, const GdkRectangle *at)
{
  if (*popover == NULL)
    {
      *popover = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (*popover, parent);
      gtk_popover_set_has_arrow (GTK_POPOVER (*popover), TRUE);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (*popover), model);
  gtk_popover_set_pointing_to (GTK_POPOVER (*popover), at);
  gtk_popover_popup (GTK_POPOVER (*popover));
}
