/* conclave-scrubber.c — the time scrubber (see conclave-scrubber.h).
 *
 * The slider's value is seconds since the first recorded event. While the
 * session follows the present the slider sits at its end and moves with
 * it; dragging it asks the session for that moment. Playing advances the
 * session's moment on the frame clock by the frame's time times the
 * speed. Keeps no state of the session's but its own playing and speed.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-scrubber.h"

static const double speeds[] = { 0.1, 0.25, 0.5, 1, 2, 5, 10 };
#define SPEED_1X 3

struct _ConclaveScrubber
{
  GtkWidget        parent_instance;

  ConclaveSession *session;
  GtkWidget       *problem_bar;
  GtkLabel        *problem_label;
  GtkWidget       *bar;
  GtkScale        *scale;
  GtkToggleButton *play_button;
  GtkLabel        *time_label;
  GtkDropDown     *speed_dropdown;
  GtkWidget       *live_button;
  GtkWidget       *jump_buttons[3];
  gboolean         updating;
  guint            tick_id;
  gint64           last_frame_us;
  gint64           start_ns;
};

G_DEFINE_FINAL_TYPE (ConclaveScrubber, conclave_scrubber, GTK_TYPE_WIDGET)

/* "1:05.3": minutes, seconds and tenths since the recording began. */
static char *
format_time (double seconds)
{
  int minutes = (int) (seconds / 60);

  return g_strdup_printf ("%d:%04.1f", minutes, seconds - minutes * 60);
}

static void
update_label (ConclaveScrubber *self, double at, double end)
{
  g_autofree char *now = format_time (at);
  g_autofree char *total = format_time (end);
  /* Translators: where the scrubber is, of how long the recording is: "0:12.5 / 1:05.0". */
  g_autofree char *text = g_strdup_printf (_("%s / %s"), now, total);

  gtk_label_set_label (self->time_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

static void
update_problem (ConclaveScrubber *self)
{
  const char *problem = conclave_session_get_replay_problem (self->session);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->problem_bar, problem != NULL);
  if (problem == NULL)
    return;
  /* Translators: %s names the file, the line and what is wrong with it. */
  text = g_strdup_printf (_("Damaged recording, shown up to the damage: %s"), problem);
  gtk_label_set_label (self->problem_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->problem_label), text);
}

/* What the session shows now, on the slider. */
static void
update (ConclaveScrubber *self)
{
  gint64 start, end;
  gboolean replay = conclave_session_is_replay (self->session);
  gboolean following = conclave_session_is_following (self->session);
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->scale));
  double at, total;

  update_problem (self);
  if (!conclave_session_get_time_range (self->session, &start, &end))
    {
      gtk_widget_set_visible (self->bar, FALSE);
      return;
    }
  gtk_widget_set_visible (self->bar, TRUE);
  self->start_ns = start;
  total = MAX (end - start, 1) / 1e9;
  at = following ? total : CLAMP (conclave_session_get_now_ns (self->session) - start, 0, end - start) / 1e9;
  self->updating = TRUE;
  gtk_adjustment_configure (adjustment, at, 0, total, total / 1000, total / 20, 0);
  self->updating = FALSE;
  update_label (self, at, total);
  gtk_widget_set_visible (self->live_button, !replay);
  gtk_widget_set_sensitive (self->live_button, !following);
  /* At the present there is nothing ahead to play or jump to. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), !following);
  for (guint i = 0; i < G_N_ELEMENTS (self->jump_buttons); i++)
    gtk_widget_set_sensitive (self->jump_buttons[i], !following);
}

static void
on_value_changed (GtkRange         *range,
                  ConclaveScrubber *self)
{
  double value = gtk_range_get_value (range);

  if (self->updating || self->session == NULL)
    return;
  conclave_session_seek (self->session, self->start_ns + (gint64) (value * 1e9));
}

/* ---- playing ----------------------------------------------------------------- */

double
conclave_scrubber_get_speed (ConclaveScrubber *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SCRUBBER (self), 1);
  return speeds[MIN (gtk_drop_down_get_selected (self->speed_dropdown), G_N_ELEMENTS (speeds) - 1)];
}

void
conclave_scrubber_set_speed (ConclaveScrubber *self,
                             double            speed)
{
  guint best = SPEED_1X;

  g_return_if_fail (CONCLAVE_IS_SCRUBBER (self));
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (fabs (log (speeds[i] / speed)) < fabs (log (speeds[best] / speed)))
      best = i;
  gtk_drop_down_set_selected (self->speed_dropdown, best);
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  ConclaveScrubber *self = CONCLAVE_SCRUBBER (widget);
  gint64 frame_us = gdk_frame_clock_get_frame_time (clock);
  gint64 start, end, next;

  if (self->session == NULL || !conclave_session_get_time_range (self->session, &start, &end))
    return G_SOURCE_CONTINUE;
  if (self->last_frame_us != 0)
    {
      next = conclave_session_get_now_ns (self->session)
             + (gint64) ((frame_us - self->last_frame_us) * 1000 * conclave_scrubber_get_speed (self));
      conclave_session_seek (self->session, next);
      if (next >= end)
        conclave_scrubber_set_playing (self, FALSE);   /* the end, or the present */
    }
  self->last_frame_us = frame_us;
  return G_SOURCE_CONTINUE;
}

gboolean
conclave_scrubber_get_playing (ConclaveScrubber *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SCRUBBER (self), FALSE);
  return self->tick_id != 0;
}

void
conclave_scrubber_set_playing (ConclaveScrubber *self,
                               gboolean          playing)
{
  gint64 start, end;

  g_return_if_fail (CONCLAVE_IS_SCRUBBER (self));

  /* Playing from the very end starts again at the beginning. */
  if (playing && self->tick_id == 0 && self->session != NULL && conclave_session_is_replay (self->session) &&
      conclave_session_get_time_range (self->session, &start, &end) &&
      conclave_session_get_now_ns (self->session) >= end)
    conclave_session_seek (self->session, start);
  if (playing && self->tick_id == 0 && (self->session == NULL || !conclave_session_is_following (self->session)))
    {
      self->last_frame_us = 0;
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
    }
  else if (!playing && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  gtk_toggle_button_set_active (self->play_button, self->tick_id != 0);
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            self->tick_id != 0 ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
}

static void
on_play_toggled (GtkToggleButton  *button,
                 ConclaveScrubber *self)
{
  if (gtk_toggle_button_get_active (button) != (self->tick_id != 0))
    conclave_scrubber_set_playing (self, gtk_toggle_button_get_active (button));
}

/* ---- actions (scrub.*) ---------------------------------------------------------- */

static void
toggle_play (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveScrubber *self = CONCLAVE_SCRUBBER (widget);

  conclave_scrubber_set_playing (self, self->tick_id == 0);
}

static void
go_to (ConclaveScrubber *self, ConclaveMoment kind, gboolean forward)
{
  gint64 time_ns;

  if (self->session != NULL && conclave_session_find_moment (self->session, kind, forward, &time_ns))
    conclave_session_seek (self->session, time_ns);
  else
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
step (GtkWidget *widget, const char *action, GVariant *parameter)
{
  go_to (CONCLAVE_SCRUBBER (widget), CONCLAVE_MOMENT_EVENT, g_str_equal (action, "scrub.next-event"));
}

static void
jump (GtkWidget *widget, const char *action, GVariant *parameter)
{
  go_to (CONCLAVE_SCRUBBER (widget), (ConclaveMoment) g_variant_get_int32 (parameter), TRUE);
}

static void
go_live (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveScrubber *self = CONCLAVE_SCRUBBER (widget);

  conclave_scrubber_set_playing (self, FALSE);
  if (self->session != NULL)
    conclave_session_follow (self->session);
}

/* ---- session ------------------------------------------------------------------ */

static void
on_session_changed (gpointer view)
{
  update (view);
}

static void
on_session_cluster (gpointer view, ConclaveCluster *old)
{
  update (view);
}

void
conclave_scrubber_set_session (ConclaveScrubber *self,
                               ConclaveSession  *session)
{
  static const ConclaveSessionWatch watch = {
    .cluster = on_session_cluster,
    .changed = on_session_changed,
  };

  g_return_if_fail (CONCLAVE_IS_SCRUBBER (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  conclave_session_watch (session, self, &watch);
}

GtkRange *
conclave_scrubber_get_range (ConclaveScrubber *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SCRUBBER (self), NULL);
  return GTK_RANGE (self->scale);
}

/* ---- building ------------------------------------------------------------------ */

static GtkWidget *
button (const char *icon, const char *tooltip, const char *action, GVariant *target)
{
  GtkWidget *b = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), action);
  if (target != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (b), target);
  gtk_widget_add_css_class (b, "flat");
  return b;
}

static GtkWidget *
build_problem_bar (ConclaveScrubber *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_add_css_class (box, "replay-problem");
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  self->problem_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->problem_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (self->problem_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->problem_label), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->problem_label));
  gtk_widget_set_visible (box, FALSE);
  return box;
}

static void
build_speed (ConclaveScrubber *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_snprintf (number, sizeof number, "%g", speeds[i]);
      /* Translators: a playback speed, "0.5×". */
      g_ptr_array_add (labels, g_strdup_printf (_("%s×"), number));
    }
  g_ptr_array_add (labels, NULL);
  self->speed_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings ((const char * const *) labels->pdata));
  gtk_drop_down_set_selected (self->speed_dropdown, SPEED_1X);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->speed_dropdown), _("Playback Speed"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->speed_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Playback Speed"), -1);
}

static void
build_bar (ConclaveScrubber *self)
{
  GtkBox *bar = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));

  self->bar = GTK_WIDGET (bar);
  gtk_widget_add_css_class (self->bar, "toolbar");
  gtk_widget_add_css_class (self->bar, "scrubber");
  gtk_box_append (bar, button ("media-skip-backward-symbolic", _("Previous Event (Left)"), "scrub.previous-event", NULL));
  self->play_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button), "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Play or Pause (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Play"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->play_button), "flat");
  g_signal_connect_object (self->play_button, "toggled", G_CALLBACK (on_play_toggled), self, 0);
  gtk_box_append (bar, GTK_WIDGET (self->play_button));
  gtk_box_append (bar, button ("media-skip-forward-symbolic", _("Next Event (Right)"), "scrub.next-event", NULL));

  self->scale = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.001));
  gtk_scale_set_draw_value (self->scale, FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->scale), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Time"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->scale), _("Drag to show the class at that moment"));
  g_signal_connect_object (self->scale, "value-changed", G_CALLBACK (on_value_changed), self, 0);
  gtk_box_append (bar, GTK_WIDGET (self->scale));

  self->time_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->time_label), "numeric");
  gtk_box_append (bar, GTK_WIDGET (self->time_label));
  build_speed (self);
  gtk_box_append (bar, GTK_WIDGET (self->speed_dropdown));
  self->jump_buttons[0] = button ("process-stop-symbolic", _("Next Crash"), "scrub.jump",
                                  g_variant_new_int32 (CONCLAVE_MOMENT_CRASH));
  self->jump_buttons[1] = button ("starred-symbolic", _("Next Election"), "scrub.jump",
                                  g_variant_new_int32 (CONCLAVE_MOMENT_ELECTION));
  self->jump_buttons[2] = button ("dialog-warning-symbolic", _("Next Violation"), "scrub.jump",
                                  g_variant_new_int32 (CONCLAVE_MOMENT_VIOLATION));
  for (guint i = 0; i < G_N_ELEMENTS (self->jump_buttons); i++)
    gtk_box_append (bar, self->jump_buttons[i]);
  self->live_button = gtk_button_new_with_mnemonic (_("_Live"));
  gtk_widget_set_tooltip_text (self->live_button, _("Back to the present"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->live_button), "scrub.live");
  gtk_widget_add_css_class (self->live_button, "suggested-action");
  gtk_box_append (bar, self->live_button);
  gtk_widget_set_visible (self->bar, FALSE);
}

/* Space and the arrows work wherever the focus is, unless the focused
 * widget uses them itself (an entry, a list): they bubble up to here. */
static void
add_window_shortcuts (ConclaveScrubber *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  static const struct { guint key; const char *action; } keys[] = {
    { GDK_KEY_space, "scrub.play" },
    { GDK_KEY_Left, "scrub.previous-event" },
    { GDK_KEY_Right, "scrub.next-event" },
  };

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_BUBBLE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, 0),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
conclave_scrubber_dispose (GObject *object)
{
  ConclaveScrubber *self = CONCLAVE_SCRUBBER (object);
  GtkWidget *child;

  conclave_scrubber_set_playing (self, FALSE);
  if (self->session != NULL)
    conclave_session_unwatch (self->session, self);
  g_clear_object (&self->session);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (conclave_scrubber_parent_class)->dispose (object);
}

static void
conclave_scrubber_class_init (ConclaveScrubberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_scrubber_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scrubber");
  gtk_widget_class_install_action (widget_class, "scrub.play", NULL, toggle_play);
  gtk_widget_class_install_action (widget_class, "scrub.previous-event", NULL, step);
  gtk_widget_class_install_action (widget_class, "scrub.next-event", NULL, step);
  gtk_widget_class_install_action (widget_class, "scrub.jump", "i", jump);
  gtk_widget_class_install_action (widget_class, "scrub.live", NULL, go_live);
}

static void
conclave_scrubber_init (ConclaveScrubber *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  self->problem_bar = build_problem_bar (self);
  gtk_widget_set_parent (self->problem_bar, GTK_WIDGET (self));
  build_bar (self);
  gtk_widget_set_parent (self->bar, GTK_WIDGET (self));
  add_window_shortcuts (self);
}

GtkWidget *
conclave_scrubber_new (void)
{
  return g_object_new (CONCLAVE_TYPE_SCRUBBER, NULL);
}
