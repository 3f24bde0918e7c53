/* conclave-timeline-story.c — the election's moments as markers across
 * the timeline: a thin vertical line at the moment and a label at the
 * top ("s1 crashed", "heartbeat timeout at s3", "s3 candidate, term 2",
 * "s3 elected, term 2"), labels that would overlap stacked below each
 * other. Reads the election story it is given; never the store directly.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-drawing.h"
#include "conclave-election-story.h"
#include "conclave-timeline-frame.h"

#define LABEL_LINES 8   /* stacked labels at most (and what fits the plot); more are left out */

static ConclaveColor
story_color (ConclaveStoryKind kind)
{
  return kind == CONCLAVE_STORY_CRASHED || kind == CONCLAVE_STORY_TIMEOUT
         ? CONCLAVE_COLOR_FAILED : CONCLAVE_COLOR_LEADER;
}

/* The first of LABEL_LINES rows free from x on; -1 if none. */
static int
free_line (double *taken_until,
           double  x)
{
  for (int line = 0; line < LABEL_LINES; line++)
    if (taken_until[line] <= x)
      return line;
  return -1;
}

static void
draw_entry (ConclaveTimelineFrame    *frame,
            ConclaveElectionStory    *story,
            const ConclaveStoryEntry *entry,
            double                    x,
            double                   *taken_until)
{
  ConclaveTimelinePainter *self = frame->painter;
  g_autofree char *text = conclave_election_story_describe (story, entry);
  PangoLayout *layout = self->small_layout;
  double pad = 3, line_h, lx;
  int w, h, line;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  line_h = h + 2 * pad + 2;
  cairo_save (frame->cr);
  _conclave_timeline_set_palette (frame, story_color (entry->kind), 0.55);
  cairo_set_line_width (frame->cr, self->presentation ? 3 : 1.5);
  cairo_move_to (frame->cr, round (x) + 0.5, frame->y0);
  cairo_line_to (frame->cr, round (x) + 0.5, frame->y1);
  cairo_stroke (frame->cr);
  /* Right of the line, or left of it near the present's edge. */
  lx = x + w + 2 * pad <= frame->x1 ? x : x - w - 2 * pad;
  line = free_line (taken_until, lx);
  if (line >= 0 && frame->y0 + (line + 1) * line_h > frame->y1)
    line = -1;
  if (line >= 0)
    {
      double y = frame->y0 + line * line_h;

      taken_until[line] = lx + w + 2 * pad + 4;
      /* On a plate in the marker's colour, so it reads over arrows. */
      _conclave_timeline_set_palette (frame, story_color (entry->kind), 0.92);
      cairo_rectangle (frame->cr, lx, y, w + 2 * pad, h + 2 * pad);
      cairo_fill (frame->cr);
      cairo_set_source_rgb (frame->cr, 1, 1, 1);
      cairo_move_to (frame->cr, lx + pad, y + pad);
      conclave_draw_layout (frame->cr, layout);
    }
  cairo_restore (frame->cr);
}

void
_conclave_timeline_draw_story (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  ConclaveElectionStory *story = self->story;
  double taken_until[LABEL_LINES];
  guint n;

  if (story == NULL)
    return;
  for (int i = 0; i < LABEL_LINES; i++)
    taken_until[i] = -G_MAXDOUBLE;
  n = conclave_election_story_get_n_entries (story);
  for (guint i = conclave_election_story_find (story, frame->t_start); i < n; i++)
    {
      const ConclaveStoryEntry *entry = conclave_election_story_get_entry (story, i);
      double x;

      if (entry->time_ns > frame->t_end)
        break;
      /* Logical layout: its step, or between the steps around its time. */
      x = _conclave_timeline_event_x (frame, entry->index, entry->time_ns);
      if (x >= frame->x0 && x <= frame->x1)
        draw_entry (frame, story, entry, x, taken_until);
    }
}
