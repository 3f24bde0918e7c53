/* conclave-timeline-focus.c — the event picked in the event log, on the
 * timeline: the session's focused event scrolls into view (the timeline
 * stops following the present); the painter rings it. Also the tests'
 * check that no arrow of the last frame runs backwards.
 *
 * Must never change the session: the log sets the focus, the timeline
 * only shows it.
 */
#include "config.h"

#include "conclave-timeline-private.h"

static gboolean
gather_time (const ConclaveEvent *event,
             guint64              index,
             gpointer             user_data)
{
  if (conclave_timeline_painter_is_step (event->type))
    g_array_append_val ((GArray *) user_data, event->time_ns);
  return TRUE;
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 ta = *(const gint64 *) a, tb = *(const gint64 *) b;

  return ta < tb ? -1 : ta > tb;
}

/* Logical layout: the time of the `steps`-th step after time_ns (the right
 * edge that shows them after the picked one), looking at most 10 s on.
 * Counted in time order, as the layout places them, never in the order
 * the lines arrived: under load one process's lines come in a burst after
 * the others', and counting arrivals then reached far past `steps` steps,
 * scrolling the picked event out on the left. */
static gint64
time_of_later_event (ConclaveTimeline *self,
                     gint64            time_ns,
                     guint             steps)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));

  conclave_event_store_foreach_in_range (conclave_cluster_get_store (timeline_cluster (self)), time_ns,
                                         time_ns + 10 * G_TIME_SPAN_SECOND * 1000, gather_time, times);
  if (times->len == 0)
    return time_ns;
  g_array_sort (times, compare_times);
  return g_array_index (times, gint64, MIN (MAX (steps, 1), times->len) - 1);
}

void
_conclave_timeline_focus (gpointer view,
                          guint64  index)
{
  ConclaveTimeline *self = view;
  const ConclaveEvent *event;
  gint64 now = conclave_session_get_now_ns (self->session);
  double width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 200);

  self->painter->focused = index;
  event = timeline_cluster (self) ? conclave_event_store_get (conclave_cluster_get_store (timeline_cluster (self)), index) : NULL;
  if (event == NULL)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  /* The event about two thirds across, what followed it to its right. */
  if (self->painter->real_time)
    self->t_end = event->time_ns + (gint64) (width / 3 * self->painter->ns_per_px);
  else
    self->t_end = time_of_later_event (self, event->time_ns, (guint) (width / 3 / self->painter->step_px));
  self->t_end = MIN (self->t_end, now);
  _conclave_timeline_set_following (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
conclave_timeline_get_focus_x (ConclaveTimeline *self,
                               double           *x)
{
  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), FALSE);

  if (x != NULL)
    *x = self->painter->focus_x;
  return self->painter->focus_drawn;
}

guint
conclave_timeline_count_backward_arrows (ConclaveTimeline *self)
{
  guint n = 0;

  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), 0);

  for (guint i = 0; i < self->painter->hit_arrows->len; i++)
    {
      const ConclaveHitArrow *arrow = &g_array_index (self->painter->hit_arrows, ConclaveHitArrow, i);

      n += arrow->x2 < arrow->x1 - 0.5;
    }
  return n;
}
