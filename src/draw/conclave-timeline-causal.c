/* conclave-timeline-causal.c — a message explained on the timeline: while
 * its causes or effects are lit (the painter's `lit`), the plot is veiled
 * and what is lit drawn again on top, with the same arrow and marker code
 * (a second pass over a copy of the frame that keeps only lit marks and,
 * through frame->lit_only, lit messages).
 *
 * Must never change what the first pass left for hovering and the stats:
 * they are put back after the second pass. Never decides what is lit: the
 * painter's owner answers that.
 */
#include "config.h"

#include "conclave-timeline-frame.h"

static void
veil (ConclaveTimelineFrame *frame)
{
  double shade = frame->dark ? 0.14 : 0.98;

  cairo_set_source_rgba (frame->cr, shade, shade, shade, 0.78);
  /* the lifelines only: the axis below stays readable */
  cairo_rectangle (frame->cr, frame->x0 - 6, 0, frame->x1 - frame->x0 + 12, frame->y1);
  cairo_fill (frame->cr);
}

/* The marks of the first pass that are lit, and a note of each for tests. */
static GArray *
lit_marks (ConclaveTimelineFrame     *frame,
           const ConclaveTimelineLit *lit)
{
  ConclaveTimelinePainter *painter = frame->painter;
  GArray *marks = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineMark));

  for (guint i = 0; i < frame->marks->len; i++)
    {
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, i);
      const ConclaveEvent *event = conclave_event_store_get (frame->store, mark->index);

      if (event != NULL && lit->event_lit (lit->data, event->proc, mark->index))
        {
          g_array_append_val (marks, *mark);
          g_array_append_val (painter->lit_events, mark->index);
        }
      else
        g_array_append_val (painter->dimmed_events, mark->index);
    }
  return marks;
}

void
_conclave_timeline_draw_causal (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *painter = frame->painter;
  g_autoptr(GArray) markers = NULL;
  g_autoptr(GArray) arrows = NULL;
  ConclaveTimelineStats stats = painter->stats;
  ConclaveTimelineFrame lit = *frame;

  g_array_set_size (painter->lit_events, 0);
  g_array_set_size (painter->dimmed_events, 0);
  if (painter->lit == NULL)
    return;
  veil (frame);
  markers = g_array_copy (painter->hit_markers);
  arrows = g_array_copy (painter->hit_arrows);
  lit.marks = lit_marks (frame, painter->lit);
  lit.arrows = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineArrow));
  lit.lit_only = painter->lit;
  _conclave_timeline_draw_arrows (&lit);
  _conclave_timeline_draw_markers (&lit);
  g_array_unref (lit.marks);
  g_array_unref (lit.arrows);
  g_array_set_size (painter->hit_markers, 0);
  g_array_append_vals (painter->hit_markers, markers->data, markers->len);
  g_array_set_size (painter->hit_arrows, 0);
  g_array_append_vals (painter->hit_arrows, arrows->data, arrows->len);
  painter->stats = stats;
}
