/* conclave-timeline.c — the timeline widget: properties, following the
 * present, scrolling and zooming, hover details. One frame is drawn by
 * conclave-timeline-draw.c.
 *
 * While following in the real-time layout the picture moves on its own, so
 * a tick callback redraws it; otherwise a redraw happens only when the
 * cluster reports a batch or the user scrolls. Never walks the store: hover
 * details come from what the last frame drew.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>

#include "conclave-event-format.h"
#include "conclave-palette-widget.h"
#include "conclave-timeline-private.h"

#define NS_PER_PX_MIN      1000.0                   /* 1 µs per pixel */
#define NS_PER_PX_MAX      (1000.0 * 1000 * 1000)   /* 1 s per pixel */
#define STEP_PX_MIN        4.0
#define STEP_PX_MAX        160.0

G_DEFINE_FINAL_TYPE (ConclaveTimeline, conclave_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REAL_TIME,
  PROP_FOLLOWING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The session's moment: the present, or the scrubber's time. */
#define now_ns() (self->session != NULL ? conclave_session_get_now_ns (self->session) : g_get_monotonic_time () * 1000)

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (widget);

  if (!self->following || !self->painter->real_time || timeline_cluster (self) == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
update_ticking (ConclaveTimeline *self)
{
  gboolean want = self->following && self->painter->real_time && timeline_cluster (self) != NULL &&
                  gtk_widget_get_mapped (GTK_WIDGET (self));

  if (want && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
  else if (!want && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

void
_conclave_timeline_set_following (ConclaveTimeline *self,
                                  gboolean          following)
{
  if (self->following == following)
    return;
  self->following = following;
  update_ticking (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWING]);
}

static void
on_cluster_changed (gpointer view)
{
  gtk_widget_queue_draw (GTK_WIDGET (view));
}

/* A new cluster is a new picture: no row, no origin of the old one. */
static void
set_cluster (gpointer         view,
             ConclaveCluster *old)
{
  ConclaveTimeline *self = view;
  ConclaveCluster *cluster = timeline_cluster (self);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  conclave_timeline_painter_reset (self->painter);
  if (cluster != NULL)
    {
      g_signal_connect_object (cluster, "items-changed", G_CALLBACK (on_cluster_changed), self,
                               G_CONNECT_SWAPPED);
    }
  update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_selected (gpointer      view,
              ConclaveNode *node)
{
  ConclaveTimeline *self = view;

  if (g_set_object (&self->selected, node))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_presentation (gpointer view,
                  gboolean presentation)
{
  ConclaveTimeline *self = view;

  self->painter->presentation = presentation;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
conclave_timeline_set_session (ConclaveTimeline *self,
                               ConclaveSession  *session)
{
  static const ConclaveSessionWatch watch = {
    set_cluster, set_selected, set_presentation, on_cluster_changed, _conclave_timeline_focus,
  };

  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (conclave_session_get_highlight (session), "changed",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  conclave_session_watch (session, self, &watch);
}

void
conclave_timeline_set_real_time (ConclaveTimeline *self,
                                 gboolean          real_time)
{
  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));

  real_time = !!real_time;
  if (self->painter->real_time == real_time)
    return;
  self->painter->real_time = real_time;
  /* The event picked in the log stays in view in the other layout. */
  if (!self->following && self->painter->focused != G_MAXUINT64)
    _conclave_timeline_focus (self, self->painter->focused);
  update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REAL_TIME]);
}

gboolean
conclave_timeline_get_real_time (ConclaveTimeline *self)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), FALSE);
  return self->painter->real_time;
}

void
conclave_timeline_zoom (ConclaveTimeline *self,
                        double            factor)
{
  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));
  g_return_if_fail (factor > 0);

  if (self->painter->real_time)
    self->painter->ns_per_px = CLAMP (self->painter->ns_per_px / factor, NS_PER_PX_MIN, NS_PER_PX_MAX);
  else
    self->painter->step_px = CLAMP (self->painter->step_px * factor, STEP_PX_MIN, STEP_PX_MAX);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
conclave_timeline_follow (ConclaveTimeline *self)
{
  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));

  _conclave_timeline_set_following (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
conclave_timeline_get_following (ConclaveTimeline *self)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), FALSE);
  return self->following;
}

/* Logical layout: a step is an event; going back k steps puts the right edge
 * on the event k steps before the last one drawn. Forward, the average
 * step of the last frame is close enough, and reaching now follows again. */
static void
scroll_logical (ConclaveTimeline *self,
                double            steps)
{
  GArray *times = self->painter->step_times;
  gint64 end = self->following ? now_ns () : self->t_end;

  if (times->len == 0)
    return;
  if (steps < 0)
    {
      guint back = MIN ((guint) ceil (-steps), times->len - 1);

      self->t_end = g_array_index (times, gint64, times->len - 1 - back);
      _conclave_timeline_set_following (self, FALSE);
      return;
    }
  if (self->following)
    return;
  self->t_end = end + (gint64) (steps * (end - g_array_index (times, gint64, 0)) / MAX (times->len, 1));
  if (self->t_end >= now_ns ())
    _conclave_timeline_set_following (self, TRUE);
}

void
conclave_timeline_scroll (ConclaveTimeline *self,
                          double            steps)
{
  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));

  if (!self->painter->real_time)
    scroll_logical (self, steps);
  else
    {
      gint64 end = self->following ? now_ns () : self->t_end;
      double width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 100);

      self->t_end = end + (gint64) (steps * width / 10 * self->painter->ns_per_px);
      _conclave_timeline_set_following (self, self->t_end >= now_ns ());
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
conclave_timeline_get_stats (ConclaveTimeline      *self,
                             ConclaveTimelineStats *stats)
{
  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));
  *stats = self->painter->stats;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           ConclaveTimeline         *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      conclave_timeline_zoom (self, dy < 0 ? 1.25 : 0.8);
      return TRUE;
    }
  /* The wheel moves through time: down (or right) is later. */
  conclave_timeline_scroll (self, (fabs (dx) > fabs (dy) ? dx : dy) * (self->painter->real_time ? 1 : 3));
  return TRUE;
}

static char *
describe_message (ConclaveTimeline *self,
                  guint64           index)
{
  ConclaveEventStore *store = conclave_cluster_get_store (timeline_cluster (self));
  ConclaveMessage message_data;
  const ConclaveMessage *message = conclave_matcher_get_message (conclave_cluster_get_matcher (timeline_cluster (self)), index, &message_data);
  const ConclaveEvent *send = message ? conclave_event_store_get (store, message->send_index) : NULL;
  ConclaveProcessInfo *src, *dst;
  g_autofree char *details = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *took = NULL;
  static const char * const states[] = { N_("in flight"), N_("delivered"), N_("dropped"), N_("lost"), N_("receiver only"),
                                         N_("unheard: nobody was listening"), N_("not read") };

  if (message == NULL)
    return NULL;
  src = conclave_event_store_get_process (store, message->src_proc);
  dst = message->dst_proc ? conclave_event_store_get_process (store, message->dst_proc) : NULL;
  details = send ? conclave_event_format_details (store, send) : g_strdup ("");
  sent = conclave_event_format_time (message->send_ns, self->painter->origin_ns);
  took = conclave_event_format_duration (message->recv_ns > message->send_ns ? message->recv_ns - message->send_ns : 0);
  /* Translators: hover text of an arrow: details, then "PID 12 → PID 13 · delivered", then "sent at 1.2 s, took 191.6 ms" */
  return g_strdup_printf (_("%s\nPID %d → PID %d · %s\nsent at %s s, took %s"),
                          details, src ? src->pid : 0, dst ? dst->pid : 0,
                          _(states[MIN (message->state, G_N_ELEMENTS (states) - 1)]), sent, took);
}

static char *
describe_event (ConclaveTimeline *self,
                guint64           index)
{
  ConclaveEventStore *store = conclave_cluster_get_store (timeline_cluster (self));
  const ConclaveEvent *event = conclave_event_store_get (store, index);
  g_autofree char *details = NULL;
  g_autofree char *time = NULL;
  const char *node;
  gint pid = 0;

  if (event == NULL)
    return NULL;
  details = conclave_event_format_details (store, event);
  time = conclave_event_format_time (event->time_ns, self->painter->origin_ns);
  node = conclave_event_format_node (store, event, &pid);
  /* Translators: hover text of an event: "receive — s1 (PID 12) at 3.000001 s\ndetails" */
  return g_strdup_printf (_("%s — %s (PID %d) at %s s\n%s"), conclave_event_format_type (event),
                          node ? node : "", pid, time, details);
}

static gboolean
message_event (ConclaveTimeline *self,
               guint64           index)
{
  const ConclaveEvent *event = conclave_event_store_get (conclave_cluster_get_store (timeline_cluster (self)), index);

  /* a loss is noted by the controller, no end of the message */
  return event != NULL && CONCLAVE_EVENT_IS_MESSAGE (event->type) && event->type != CONCLAVE_EVENT_LOST;
}

char *
conclave_timeline_describe_at (ConclaveTimeline *self,
                               double            x,
                               double            y)
{
  g_autofree char *text = NULL;
  gboolean marker;
  guint64 event;
  gint64 arrow;

  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), NULL);

  if (timeline_cluster (self) == NULL)
    return NULL;
  event = _conclave_timeline_event_at (self, x, y, &marker);
  if (marker && !message_event (self, event))
    return describe_event (self, event);
  text = marker ? describe_event (self, event) : NULL;
  arrow = marker ? -1 : _conclave_timeline_arrow_at (self, x, y, 7);
  if (arrow >= 0)
    text = describe_message (self, g_array_index (self->painter->hit_arrows, ConclaveHitArrow, arrow).message);
  /* Translators: the last line of a message's hover text on the timeline */
  return text ? g_strconcat (text, "\n", _("Click for its card"), NULL) : NULL;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  g_autofree char *text = keyboard ? NULL : conclave_timeline_describe_at (CONCLAVE_TIMELINE (widget), x, y);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
scroll_binding (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  conclave_timeline_scroll (CONCLAVE_TIMELINE (widget), g_variant_get_double (args));
  return TRUE;
}

/* What the painter shows: the session's, in this widget's style. */
void
_conclave_timeline_prepare_painter (ConclaveTimeline *self)
{
  ConclaveTimelinePainter *painter = self->painter;
  ConclaveNode *parent = self->selected ? conclave_node_get_parent (self->selected) : NULL;

  conclave_timeline_painter_set_cluster (painter, timeline_cluster (self));
  painter->story = self->session ? conclave_session_get_story (self->session) : NULL;
  /* A child's row is its parent's. */
  painter->selected = parent ? parent : self->selected;
  painter->show_unheard = self->session == NULL || conclave_session_get_show_unheard (self->session);
  painter->scrubbed = self->session != NULL && !conclave_session_is_following (self->session);
  painter->lit = _conclave_timeline_lit (self);
  painter->dark = conclave_palette_is_dark ();
  conclave_palette_widget_fg (GTK_WIDGET (self), &painter->fg);
  if (painter->context == NULL)
    conclave_timeline_painter_set_context (painter, gtk_widget_get_pango_context (GTK_WIDGET (self)));
}

static void
conclave_timeline_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  gint64 now = now_ns ();
  cairo_t *cr;

  _conclave_timeline_prepare_painter (self);
  if (self->painter->store == NULL || width < 80)
    {
      memset (&self->painter->stats, 0, sizeof self->painter->stats);
      return;
    }
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  conclave_timeline_painter_draw (self->painter, cr, width, height, self->following ? now : self->t_end, now);
  cairo_destroy (cr);
}

static void
conclave_timeline_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (widget);

  GTK_WIDGET_CLASS (conclave_timeline_parent_class)->css_changed (widget, change);
  conclave_timeline_painter_set_context (self->painter, gtk_widget_get_pango_context (widget));
  gtk_widget_queue_draw (widget);
}

static void
conclave_timeline_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (conclave_timeline_parent_class)->map (widget);
  update_ticking (CONCLAVE_TIMELINE (widget));
}

static void
conclave_timeline_unmap (GtkWidget *widget)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  GTK_WIDGET_CLASS (conclave_timeline_parent_class)->unmap (widget);
}

double
conclave_timeline_get_cursor_x (ConclaveTimeline *self)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), -1);
  return self->painter->cursor_x;
}

GStrv
conclave_timeline_list_rows (ConclaveTimeline *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  ConclaveEventStore *store;

  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), NULL);

  if (timeline_cluster (self) == NULL)
    return g_strv_builder_end (builder);
  store = conclave_cluster_get_store (timeline_cluster (self));
  for (guint i = 0; i < conclave_timeline_rows_get_n (self->painter->rows); i++)
    {
      const ConclaveTimelineRow *row = conclave_timeline_rows_get (self->painter->rows, i);
      const char *name = conclave_event_store_str (store, row->node);
      guint32 proc = row->lane ? conclave_timeline_rows_get_lane_proc (self->painter->rows, i) : 0;
      ConclaveProcessInfo *info = proc ? conclave_event_store_get_process (store, proc) : NULL;

      g_autofree char *lane = row->lane ? g_strdup_printf ("%s/%d", name, info ? info->pid : 0) : NULL;

      g_strv_builder_add (builder, lane ? lane : name);
    }
  return g_strv_builder_end (builder);
}

int
conclave_timeline_row_of_proc (ConclaveTimeline *self,
                               guint32           proc)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), -1);
  return conclave_timeline_rows_for_proc (self->painter->rows, proc);
}

const ConclaveTimelineLabel *
conclave_timeline_get_axis_labels (ConclaveTimeline *self,
                                   guint            *n_labels)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), NULL);
  g_return_val_if_fail (n_labels != NULL, NULL);

  *n_labels = self->painter->axis_labels->len;
  return (const ConclaveTimelineLabel *) self->painter->axis_labels->data;
}

const ConclaveTimelineBand *
conclave_timeline_get_bands (ConclaveTimeline *self,
                             guint            *n_bands)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), NULL);
  g_return_val_if_fail (n_bands != NULL, NULL);

  *n_bands = self->painter->bands->len;
  return (const ConclaveTimelineBand *) self->painter->bands->data;
}

double
conclave_timeline_time_to_x (ConclaveTimeline *self,
                             gint64            time_ns)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), 0);
  return conclave_timeline_painter_time_to_x (self->painter, time_ns);
}

gint64
conclave_timeline_get_origin (ConclaveTimeline *self)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), 0);
  return self->painter->origin_ns;
}

static void
conclave_timeline_dispose (GObject *object)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (object);

  if (timeline_cluster (self) != NULL)
    g_signal_handlers_disconnect_by_data (timeline_cluster (self), self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (conclave_session_get_highlight (self->session), self);
  g_clear_object (&self->session);
  g_clear_object (&self->selected);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (conclave_timeline_parent_class)->dispose (object);
}

static void
conclave_timeline_finalize (GObject *object)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (object);

  conclave_timeline_painter_free (self->painter);
  G_OBJECT_CLASS (conclave_timeline_parent_class)->finalize (object);
}

static void
conclave_timeline_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_REAL_TIME:
      g_value_set_boolean (value, self->painter->real_time);
      break;
    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->following);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_timeline_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_REAL_TIME:
      conclave_timeline_set_real_time (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_timeline_class_init (ConclaveTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_timeline_dispose;
  object_class->finalize = conclave_timeline_finalize;
  object_class->get_property = conclave_timeline_get_property;
  object_class->set_property = conclave_timeline_set_property;
  widget_class->snapshot = conclave_timeline_snapshot;
  widget_class->size_allocate = _conclave_timeline_size_allocate;
  widget_class->css_changed = conclave_timeline_css_changed;
  widget_class->map = conclave_timeline_map;
  widget_class->unmap = conclave_timeline_unmap;

  properties[PROP_REAL_TIME] =
    g_param_spec_boolean ("real-time", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "win.follow-present", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, scroll_binding, "d", -1.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, scroll_binding, "d", 1.0);
}

static void
conclave_timeline_init (ConclaveTimeline *self)
{
  GtkEventController *scroll;

  self->painter = conclave_timeline_painter_new ();
  self->following = TRUE;

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  _conclave_timeline_init_pick (self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Timeline"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Space-time diagram: one lifeline per process, an arrow per message"),
                                  -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}
