/* conclave-timeline-leaders.c — leader periods as a thick band on the
 * leader's lifeline, drawn from the core's leader intervals
 * (conclave_leaders, the cluster's or a recording's): from the state event that made a process
 * leader to the moment it stopped (crash, step-down, a newer term
 * elsewhere). Scrolled back before a crash, the old leader's row carries
 * the band and the new one's does not.
 *
 * Must never work out who led from the marks itself: the core's model is
 * the one owner of that fact.
 */
#include "config.h"

#include "conclave-timeline-frame.h"

typedef struct {
  ConclaveTimelineFrame *frame;
  double                 half;   /* half the band's height */
} BandDraw;

static gboolean
draw_band (const ConclaveLeaderInterval *interval,
           gpointer                      user_data)
{
  BandDraw *draw = user_data;
  ConclaveTimelineFrame *frame = draw->frame;
  ConclaveTimelineBand band;
  int row = conclave_timeline_rows_for_proc (frame->painter->rows, interval->proc);
  gint64 end_ns = interval->end_ns == CONCLAVE_LEADER_OPEN ? frame->now : interval->end_ns;

  if (row < 0)
    return TRUE;
  band.pid = interval->pid;
  band.term = interval->term;
  band.start_ns = interval->start_ns;
  band.end_ns = interval->end_ns;
  band.x_start = _conclave_timeline_event_x (frame, interval->start_index, interval->start_ns);
  band.x_end = interval->end_ns == CONCLAVE_LEADER_OPEN && frame->now >= frame->t_end
               ? frame->x1 : _conclave_timeline_time_x (frame, end_ns);
  band.y = frame->row_y[row];
  if (band.x_end <= frame->x0 || band.x_start >= frame->x1)
    return TRUE;
  cairo_rectangle (frame->cr, band.x_start, band.y - draw->half,
                   MAX (band.x_end - band.x_start, 1), 2 * draw->half);
  g_array_append_val (frame->painter->bands, band);
  return TRUE;
}

void
_conclave_timeline_draw_leader_bands (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  BandDraw draw = { frame, self->presentation ? 4.5 : 3 };

  g_array_set_size (self->bands, 0);
  self->last_x0 = frame->x0;
  self->last_x1 = frame->x1;
  self->last_t_end = frame->t_end;
  _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_LEADER, 0.55);
  conclave_leaders_foreach_in_range (self->leaders,
                                     frame->t_start, frame->t_end + 1, draw_band, &draw);
  cairo_fill (frame->cr);
}

double
conclave_timeline_painter_time_to_x (ConclaveTimelinePainter *self,
                                     gint64                   time_ns)
{
  g_return_val_if_fail (self != NULL, 0);

  return CLAMP (self->last_x1 - (self->last_t_end - time_ns) / self->ns_per_px,
                self->last_x0, self->last_x1);
}
