/* conclave-cluster-view-input.c — pointer, touch and menu handling of the
 * cluster view: click selects (on a message's dot: explains it), drag
 * moves, right-click or long-press opens Crash / Stop / Pause–Resume /
 * Restart / Remove (a child: Crash), hovering shows a tooltip unless the
 * menu is open.
 *
 * The menu activates the application's actions with the node's name; the
 * view never signals a process itself.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-cluster-view-private.h"
#include "conclave-step-actions.h"
#include "conclave-roles.h"

static GMenuItem *
node_item (const char *label,
           const char *action,
           const char *name)
{
  GMenuItem *item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (name));
  return item;
}

static GMenuModel *
node_menu (ConclaveNode *node)
{
  const char *name = conclave_node_get_name (node);
  gboolean paused = conclave_node_get_state (node) == CONCLAVE_NODE_PAUSED;
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) signals = g_menu_new ();
  g_autoptr(GMenu) removal = g_menu_new ();
  g_autoptr(GMenuItem) crash = node_item (_("_Crash"), "app.crash-node", name);
  g_autoptr(GMenuItem) stop = node_item (_("_Stop"), "app.stop-node", name);
  g_autoptr(GMenuItem) pause = paused ? node_item (_("Res_ume"), "app.resume-node", name)
                                      : node_item (_("_Pause"), "app.pause-node", name);
  g_autoptr(GMenuItem) restart = node_item (_("_Restart"), "app.restart-node", name);
  g_autoptr(GMenuItem) remove = node_item (_("Re_move"), "app.remove-node", name);

  g_menu_append_item (signals, crash);
  g_menu_append_item (signals, stop);
  g_menu_append_item (signals, pause);
  g_menu_append_item (signals, restart);
  g_menu_append_item (removal, remove);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (signals));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (removal));
  return G_MENU_MODEL (menu);
}

/* A forked child or pool worker: it can only be crashed (by its PID; a
 * pool replaces it, as the lecture's Pool does). The rest is its server's
 * business. */
static GMenuModel *
child_menu (ConclaveNode *child)
{
  GMenu *menu = g_menu_new ();
  g_autofree char *label = g_strdup_printf (_("_Crash PID %d"), conclave_node_get_pid (child));
  g_autoptr(GMenuItem) crash = node_item (label, "app.crash-node", conclave_node_get_name (child));

  g_menu_append_item (menu, crash);
  return G_MENU_MODEL (menu);
}

static void
show_menu (ConclaveClusterView *self, GMenuModel *model, double x, double y, double r)
{
  GdkRectangle rect = { (int) (x - r), (int) (y - r), (int) (2 * r), (int) (2 * r) };

  conclave_step_actions_popup (&self->menu, GTK_WIDGET (self), model, &rect);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

static void
popup_menu (ConclaveClusterView *self,
            const ConclaveSpot  *spot)
{
  g_autoptr(GMenuModel) model = NULL;

  if (spot->kind == CONCLAVE_SPOT_CHILD && !_conclave_cluster_view_node_alive (spot->node))
    return;
  model = spot->kind == CONCLAVE_SPOT_CHILD ? child_menu (spot->node) : node_menu (spot->node);
  show_menu (self, model, spot->x, spot->y, spot->r);
}

/* A held message (step mode) under the pointer: its menu, by any click. */
static gboolean
popup_held_menu (ConclaveClusterView *self, double x, double y)
{
  const ConclaveHeldSpot *spot = _conclave_cluster_view_held_at (self, x, y);
  g_autoptr(GMenuModel) model = NULL;

  if (spot == NULL)
    return FALSE;
  model = _conclave_cluster_view_held_menu (self, spot->index);
  show_menu (self, model, spot->x, spot->y, spot->r);
  return TRUE;
}

static void
select_at (ConclaveClusterView *self,
           double               x,
           double               y)
{
  const ConclaveSpot *spot = _conclave_cluster_view_spot_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  conclave_session_set_selected (self->session, spot ? spot->node : NULL);
}

/* A message's dot: the window explains it (its receive, else its send). */
static void
explain_at (ConclaveClusterView *self,
            double               x,
            double               y)
{
  guint64 index = _conclave_cluster_view_message_at (self, x, y);
  ConclaveMessage message_data;
  const ConclaveMessage *message = index != G_MAXUINT64 && view_cluster (self) != NULL
    ? conclave_matcher_get_message (conclave_cluster_get_matcher (view_cluster (self)), index, &message_data) : NULL;

  if (message == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.explain-event", "t",
                              message->recv_index != G_MAXUINT64 ? message->recv_index : message->send_index);
}

static void
on_pressed (GtkGestureClick     *gesture,
            int                  n_press,
            double               x,
            double               y,
            ConclaveClusterView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture));
  const ConclaveSpot *spot;

  if (popup_held_menu (self, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  select_at (self, x, y);
  spot = _conclave_cluster_view_spot_at (self, x, y);
  if (spot == NULL && button == GDK_BUTTON_PRIMARY)
    explain_at (self, x, y);
  if (spot != NULL && (button == GDK_BUTTON_SECONDARY ||
                       (event != NULL && gdk_event_triggers_context_menu (event))))
    {
      popup_menu (self, spot);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    }
}

static void
on_long_pressed (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 ConclaveClusterView *self)
{
  const ConclaveSpot *spot = _conclave_cluster_view_spot_at (self, x, y);

  if (spot == NULL)
    return;
  /* A long press is not the start of a drag. */
  g_clear_object (&self->drag_node);
  conclave_session_set_selected (self->session, spot->node);
  popup_menu (self, spot);
}

static void
on_drag_begin (GtkGestureDrag      *gesture,
               double               x,
               double               y,
               ConclaveClusterView *self)
{
  const ConclaveSpot *spot = _conclave_cluster_view_spot_at (self, x, y);

  g_clear_object (&self->drag_node);
  if (spot == NULL || spot->kind == CONCLAVE_SPOT_CHILD)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_node = g_object_ref (spot->node);
  self->drag_dx = spot->x - x;
  self->drag_dy = spot->y - y;
}

static void
on_drag_update (GtkGestureDrag      *gesture,
                double               offset_x,
                double               offset_y,
                ConclaveClusterView *self)
{
  double start_x, start_y, nx, ny;

  if (self->drag_node == NULL)
    return;
  gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y);
  _conclave_cluster_view_to_unit (self,
                                  start_x + offset_x + self->drag_dx,
                                  start_y + offset_y + self->drag_dy,
                                  &nx, &ny);
  conclave_session_set_position (self->session, self->drag_node, nx, ny);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag      *gesture,
             double               offset_x,
             double               offset_y,
             ConclaveClusterView *self)
{
  g_clear_object (&self->drag_node);
}

static char *
tooltip_text (ConclaveNode *node)
{
  const ConclaveNodeCounters *counters = conclave_node_get_counters (node);
  g_autofree char *description = _conclave_cluster_view_describe_node (node);

  /* Translators: tooltip of a node: "s1, UDP server, PID 4711\n3 sent, 3 received, 0 dropped, 0 lost" */
  return g_strdup_printf (_("%s\n%llu sent, %llu received, %llu dropped, %llu lost"),
                          description,
                          (unsigned long long) counters->sent,
                          (unsigned long long) counters->received,
                          (unsigned long long) counters->dropped,
                          (unsigned long long) counters->lost);
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (widget);
  const ConclaveSpot *spot = keyboard ? _conclave_cluster_view_spot_for_node (self, self->selected)
                                      : _conclave_cluster_view_spot_at (self, x, y);
  g_autofree char *text = NULL;
  GdkRectangle area;

  /* A tooltip never covers the menu the teacher opened. */
  if (spot == NULL || (self->menu != NULL && gtk_widget_get_visible (self->menu)))
    return FALSE;
  text = tooltip_text (spot->node);
  gtk_tooltip_set_text (tooltip, text);
  area.x = spot->x - spot->r;
  area.y = spot->y - spot->r;
  area.width = area.height = 2 * spot->r;
  gtk_tooltip_set_tip_area (tooltip, &area);
  return TRUE;
}

void
_conclave_cluster_view_init_input (ConclaveClusterView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *long_press = gtk_gesture_long_press_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_drag_begin), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_drag_update), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (on_drag_end), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect_object (long_press, "pressed", G_CALLBACK (on_long_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));

  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}
