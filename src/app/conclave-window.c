/* conclave-window.c — builds the window, binds every view to the session,
 * switches between the welcome page and the cluster page, keeps the title
 * and settings.
 *
 * What the actions do lives in conclave-window-actions.c. The window never
 * draws and never reads events itself: the views do, each over what it shows.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-charts.h"
#include "conclave-cluster-view.h"
#include "conclave-events-view.h"
#include "conclave-hold-panel.h"
#include "conclave-step-actions.h"
#include "conclave-inspector.h"
#include "conclave-kind-legend.h"
#include "conclave-open.h"
#include "conclave-save.h"
#include "conclave-scrubber.h"
#include "conclave-timeline.h"
#include "conclave-welcome-page.h"
#include "conclave-window-private.h"

G_DEFINE_FINAL_TYPE (ConclaveWindow, conclave_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_page (ConclaveWindow *self)
{
  const char *page = "error";

  if (window_cluster (self) != NULL)
    page = g_list_model_get_n_items (G_LIST_MODEL (window_cluster (self))) > 0 ? "cluster" : "welcome";
  else
    {
      g_autofree char *text =
        g_strdup_printf (_("Conclave could not open its control channel, so it cannot see what "
                           "processes do: %s"), conclave_session_get_error (self->session));

      adw_status_page_set_description (self->error_page, text);
    }
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
count_nodes (ConclaveCluster *cluster,
             guint           *servers,
             guint           *clients)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (cluster));

  *servers = *clients = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);

      if (conclave_node_is_server (node))
        (*servers)++;
      else
        (*clients)++;
    }
}

static void
update_title (ConclaveWindow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *servers_text = NULL;
  g_autofree char *clients_text = NULL;
  g_autofree char *events_text = NULL;
  guint servers, clients;
  guint64 events;

  if (window_cluster (self) == NULL)
    return;
  g_object_get (window_cluster (self), "title", &title, NULL);
  adw_window_title_set_title (self->window_title,
                              title && *title ? _(title) : _("Conclave"));

  count_nodes (window_cluster (self), &servers, &clients);
  if (servers + clients == 0)
    {
      adw_window_title_set_subtitle (self->window_title, "");
      return;
    }
  events = conclave_event_store_get_end (conclave_cluster_get_store (window_cluster (self)));
  servers_text = g_strdup_printf (ngettext ("%u server", "%u servers", servers), servers);
  clients_text = g_strdup_printf (ngettext ("%u client", "%u clients", clients), clients);
  events_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, events);
  /* Translators: "2 servers · 3 clients · 1,234 events"; the first two %s
   * are the counts above, the last is the number of events. */
  subtitle = g_strdup_printf (ngettext ("%s · %s · %s event", "%s · %s · %s events",
                                        (gulong) MIN (events, G_MAXULONG)),
                              servers_text, clients_text, events_text);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
on_cluster_changed (gpointer view)
{
  ConclaveWindow *self = view;

  update_title (self);
  _conclave_window_update_actions (self);
}

static void
on_items_changed (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  ConclaveWindow *self)
{
  update_page (self);
  update_title (self);
  _conclave_window_update_election (self);
  _conclave_window_update_actions (self);
}

static void
on_title_notify (ConclaveWindow *self)
{
  update_title (self);
}

static void
on_view_changed (ConclaveWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  gtk_widget_set_visible (self->timeline_tools, g_strcmp0 (name, "timeline") == 0);
}

static void
apply_timeline_layout (ConclaveWindow *self)
{
  conclave_timeline_set_real_time (CONCLAVE_TIMELINE (self->timeline),
                                   g_settings_get_enum (self->settings, "timeline-layout") == 1);
}

static void
on_settings_changed (GSettings      *settings,
                     const char     *key,
                     ConclaveWindow *self)
{
  if (g_str_equal (key, "timeline-layout"))
    apply_timeline_layout (self);
  else if (g_str_equal (key, "election"))
    _conclave_window_update_election (self);
}

/* The session started another cluster: the window follows it (the views
 * follow it by themselves). */
static void
set_cluster (gpointer         view,
             ConclaveCluster *old)
{
  ConclaveWindow *self = view;
  ConclaveCluster *cluster = window_cluster (self);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  g_clear_object (&self->faults);
  if (cluster != NULL)
    {
      g_signal_connect_object (cluster, "items-changed", G_CALLBACK (on_items_changed), self, 0);
      g_signal_connect_object (cluster, "notify::title", G_CALLBACK (on_title_notify), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (cluster, "notify::tempo", G_CALLBACK (_conclave_window_update_actions),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (cluster, "notify::frozen", G_CALLBACK (_conclave_window_update_actions),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (conclave_cluster_get_hold (cluster), "notify::all",
                               G_CALLBACK (_conclave_window_update_actions), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (conclave_cluster_get_hold (cluster), "items-changed",
                               G_CALLBACK (_conclave_window_update_actions), self, G_CONNECT_SWAPPED);
      /* A recording's faults were, and cannot be changed. */
      if (!conclave_cluster_is_replay (cluster))
        self->faults = g_object_ref (conclave_cluster_get_faults (cluster));
      if (self->faults != NULL)
        g_signal_connect_object (self->faults, "changed", G_CALLBACK (_conclave_window_update_actions), self,
                                 G_CONNECT_SWAPPED);
    }
  conclave_inspector_set_faults (CONCLAVE_INSPECTOR (self->inspector), self->faults);
  /* Drawn as they were at the moment shown (a replay keeps them). */
  conclave_cluster_view_set_faults (CONCLAVE_CLUSTER_VIEW (self->cluster_view),
                                    cluster ? conclave_cluster_get_faults (cluster) : NULL);
  update_page (self);
  update_title (self);
  _conclave_window_update_election (self);
  _conclave_window_update_actions (self);
}

/* In presentation mode the class needs the room: the inspector shows only
 * while a node is selected. */
static void
update_inspector (ConclaveWindow *self)
{
  _conclave_window_update_side (self);
}

static void
set_selected (gpointer      view,
              ConclaveNode *node)
{
  update_inspector (view);
  _conclave_window_update_actions (view);
}

static void
set_presentation (gpointer view,
                  gboolean presentation)
{
  ConclaveWindow *self = view;

  if (presentation)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else if (gtk_widget_has_css_class (GTK_WIDGET (self), "presentation"))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  update_inspector (self);
  _conclave_window_update_actions (self);
}

static void
on_notice (ConclaveSession *session,
           const char      *text,
           ConclaveWindow  *self)
{
  conclave_window_toast (self, text);
}

/* Every view shows the session; the window follows it too. */
static void
bind_session (ConclaveWindow *self)
{
  static const ConclaveSessionWatch watch = {
    set_cluster, set_selected, set_presentation, on_cluster_changed,
  };

  conclave_cluster_view_set_session (CONCLAVE_CLUSTER_VIEW (self->cluster_view), self->session);
  conclave_timeline_set_session (CONCLAVE_TIMELINE (self->timeline), self->session);
  conclave_kind_legend_set_session (CONCLAVE_KIND_LEGEND (self->cluster_legend), self->session);
  conclave_kind_legend_set_session (CONCLAVE_KIND_LEGEND (self->timeline_legend), self->session);
  conclave_charts_set_session (CONCLAVE_CHARTS (self->charts), self->session);
  conclave_events_view_set_session (CONCLAVE_EVENTS_VIEW (self->event_log), self->session);
  conclave_inspector_set_session (CONCLAVE_INSPECTOR (self->inspector), self->session);
  _conclave_window_init_card (self);
  conclave_scrubber_set_session (CONCLAVE_SCRUBBER (self->scrubber), self->session);
  conclave_hold_panel_set_session (CONCLAVE_HOLD_PANEL (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                                                     CONCLAVE_TYPE_WINDOW,
                                                                                     "hold_panel")),
                                   self->session);
  conclave_session_watch (self->session, self, &watch);
  conclave_step_actions_add_shortcuts (GTK_WIDGET (self));
  g_signal_connect_object (self->session, "notice", G_CALLBACK (on_notice), self, 0);
  g_signal_connect_object (self->session, "notify::n-violations",
                           G_CALLBACK (_conclave_window_update_banner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::violation",
                           G_CALLBACK (_conclave_window_update_actions), self, G_CONNECT_SWAPPED);
}

static void
restore_size (ConclaveWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_size (ConclaveWindow *self)
{
  int width, height;

  /* In presentation mode the window is full screen: keep the normal size. */
  if (conclave_session_get_presentation (self->session))
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
conclave_window_close_request (GtkWindow *window)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (window);

  if (conclave_save_ask_on_close (self))
    return TRUE;  /* closed again once the teacher answered */
  save_size (self);
  conclave_session_set_frame_clock (self->session, NULL);
  if (window_cluster (self) != NULL)
    conclave_cluster_shutdown (window_cluster (self));
  return GTK_WINDOW_CLASS (conclave_window_parent_class)->close_request (window);
}

/* GtkWindow:application is set after construction, so everything that
 * needs the application's actions happens here. */
static void
setup (ConclaveWindow  *self,
       ConclaveSession *session,
       GSettings       *settings)
{
  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
  restore_size (self);
  apply_timeline_layout (self);
  _conclave_window_init_actions (self);
  _conclave_window_update_election (self);
  bind_session (self);
  on_view_changed (self);
  _conclave_window_update_banner (self);
  _conclave_window_update_actions (self);
}

/* The session's pace is this window's frames. */
static void
conclave_window_realize (GtkWidget *widget)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);

  GTK_WIDGET_CLASS (conclave_window_parent_class)->realize (widget);
  if (self->session != NULL)
    conclave_session_set_frame_clock (self->session, gtk_widget_get_frame_clock (widget));
}

static void
conclave_window_unrealize (GtkWidget *widget)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);

  if (self->session != NULL)
    conclave_session_set_frame_clock (self->session, NULL);
  GTK_WIDGET_CLASS (conclave_window_parent_class)->unrealize (widget);
}

static void
conclave_window_dispose (GObject *object)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (object);

  /* The views let go of the session's cluster; the application keeps it. */
  if (self->session != NULL)
    {
      conclave_session_unwatch (self->session, self);
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (conclave_session_get_highlight (self->session), self);
    }
  if (window_cluster (self) != NULL)
    g_signal_handlers_disconnect_by_data (window_cluster (self), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONCLAVE_TYPE_WINDOW);
  g_clear_object (&self->faults);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (conclave_window_parent_class)->dispose (object);
}

static void
conclave_window_class_init (ConclaveWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = conclave_window_dispose;
  widget_class->realize = conclave_window_realize;
  widget_class->unrealize = conclave_window_unrealize;
  window_class->close_request = conclave_window_close_request;

  g_type_ensure (CONCLAVE_TYPE_WELCOME_PAGE);
  g_type_ensure (CONCLAVE_TYPE_CLUSTER_VIEW);
  g_type_ensure (CONCLAVE_TYPE_TIMELINE);
  g_type_ensure (CONCLAVE_TYPE_CHARTS);
  g_type_ensure (CONCLAVE_TYPE_EVENTS_VIEW);
  g_type_ensure (CONCLAVE_TYPE_INSPECTOR);
  g_type_ensure (CONCLAVE_TYPE_KIND_LEGEND);
  g_type_ensure (CONCLAVE_TYPE_SCRUBBER);
  g_type_ensure (CONCLAVE_TYPE_HOLD_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/conclave/Conclave/conclave-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, add_server_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, add_client_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, tempo_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, tempo_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, cluster_legend);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, timeline_legend);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, election_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, tempo_speed_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, election_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, violation_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, violation_label);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, tempo_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, tempo_scale);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, freeze_button);
  /* step mode: found by name (gtk_widget_get_template_child), no field */
  gtk_widget_class_bind_template_child_full (widget_class, "hold_panel", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "hold_queue_button", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, presentation_button);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, cluster_view);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, timeline_tools);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, scrubber);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, charts);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, event_log);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, message_card);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, side_paned);
  gtk_widget_class_bind_template_child (widget_class, ConclaveWindow, main_paned);
  gtk_widget_class_bind_template_callback (widget_class, on_view_changed);

  _conclave_window_class_init_actions (widget_class);
  _conclave_window_class_init_card (widget_class);
}

/* AdwSplitButton names its arrow only by a tooltip; screen readers need a
 * label. The arrow is its last child, a GtkMenuButton. */
static void
label_dropdown (GtkWidget  *split_button,
                const char *label)
{
  GtkWidget *arrow = gtk_widget_get_last_child (split_button);

  if (GTK_IS_MENU_BUTTON (arrow))
    gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
conclave_window_init (ConclaveWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  label_dropdown (self->add_server_button, _("Choose the Server’s Role"));
  label_dropdown (self->add_client_button, _("Choose the Client’s Role"));
  conclave_open_accept_drops (self, GTK_WIDGET (self));
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (on_view_changed), self, G_CONNECT_SWAPPED);
}

ConclaveWindow *
conclave_window_new (GtkApplication  *application,
                     ConclaveSession *session,
                     GSettings       *settings)
{
  ConclaveWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CONCLAVE_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CONCLAVE_TYPE_WINDOW, "application", application, NULL);
  setup (self, session, settings);
  if (gtk_widget_get_realized (GTK_WIDGET (self)))
    conclave_session_set_frame_clock (session, gtk_widget_get_frame_clock (GTK_WIDGET (self)));
  return self;
}

ConclaveSession *
conclave_window_get_session (ConclaveWindow *self)
{
  g_return_val_if_fail (CONCLAVE_IS_WINDOW (self), NULL);
  return self->session;
}

ConclaveNode *
_conclave_window_selected (ConclaveWindow *self)
{
  return self->session ? conclave_session_get_selected (self->session) : NULL;
}

void
conclave_window_toast (ConclaveWindow *self,
                       const char     *message)
{
  AdwToast *toast;

  g_return_if_fail (CONCLAVE_IS_WINDOW (self));

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Selects the event at store index `index` in the event log, and its node:
 * its process's, or the one a controller event (crash, pause …) names. */
gboolean
conclave_window_show_event (ConclaveWindow *self,
                            guint64         index)
{
  ConclaveEventStore *store;
  const ConclaveEvent *event;
  ConclaveNode *node;
  const char *name;

  g_return_val_if_fail (CONCLAVE_IS_WINDOW (self), FALSE);

  if (window_cluster (self) == NULL)
    return FALSE;
  store = conclave_cluster_get_store (window_cluster (self));
  if ((event = conclave_event_store_get (store, index)) == NULL)
    return FALSE;
  node = conclave_cluster_node_for_proc (window_cluster (self), event->proc);
  if (node == NULL && event->proc == 0 && CONCLAVE_EVENT_IS_CONTROLLER (event->type) &&
      (name = conclave_event_store_str (store, conclave_event_node (event))) != NULL)
    node = conclave_cluster_lookup (window_cluster (self), name);
  if (node != NULL)
    conclave_session_set_selected (self->session, node);
  conclave_window_show_view (self, "events");
  return conclave_events_view_select_event (CONCLAVE_EVENTS_VIEW (self->event_log), index);
}

const char *
conclave_window_get_violation (ConclaveWindow *self)
{
  g_return_val_if_fail (CONCLAVE_IS_WINDOW (self), NULL);
  /* Shown means on screen, once the banner has slid in. */
  return gtk_revealer_get_reveal_child (self->violation_revealer) &&
         gtk_revealer_get_child_revealed (self->violation_revealer)
         ? gtk_label_get_label (self->violation_label) : NULL;
}

const char *
conclave_window_get_page (ConclaveWindow *self)
{
  g_return_val_if_fail (CONCLAVE_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
conclave_window_show_view (ConclaveWindow *self,
                           const char     *view)
{
  g_return_if_fail (CONCLAVE_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, view);
}

GtkWidget *
conclave_window_get_view_widget (ConclaveWindow *self,
                                 const char     *view)
{
  const struct { const char *name; GtkWidget *widget; } views[] = {
    { "cluster", self->cluster_view },
    { "timeline", self->timeline },
    { "charts", self->charts },
    { "events", self->event_log },
    { "inspector", self->inspector },
    { "message-card", self->message_card },
    { "welcome", self->welcome_page },
    { "cluster-legend", self->cluster_legend },
    { "timeline-legend", self->timeline_legend },
  };

  g_return_val_if_fail (CONCLAVE_IS_WINDOW (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    if (g_str_equal (views[i].name, view))
      return views[i].widget;
  return NULL;
}
