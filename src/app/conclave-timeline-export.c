/* conclave-timeline-export.c — the timeline widget into a file: what it
 * shows now (its range, layout and zoom, and the cursor of a moment
 * scrubbed to), or the whole run (the whole class, also while a moment
 * is shown). A painter of its own draws it, light, so exporting never
 * disturbs the widget's zoom, hover data or follow state.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-export.h"
#include "conclave-timeline-private.h"

#define RUN_WIDTH 1600   /* points: a slide's width at a readable size */

/* The moment shown (the present, or the scrubber's). */
static gint64
now_ns (ConclaveTimeline *self)
{
  return self->session != NULL ? conclave_session_get_now_ns (self->session) : g_get_monotonic_time () * 1000;
}

/* A painter showing what self shows, on white. */
static ConclaveTimelinePainter *
painter_like (ConclaveTimeline *self)
{
  ConclaveTimelinePainter *shown = self->painter;
  ConclaveTimelinePainter *painter = conclave_timeline_painter_new ();

  _conclave_timeline_prepare_painter (self);
  conclave_timeline_painter_set_cluster (painter, shown->cluster);
  conclave_timeline_painter_set_context (painter, shown->context);
  painter->story = shown->story;
  painter->selected = shown->selected;
  painter->focused = shown->focused;
  painter->presentation = shown->presentation;
  painter->real_time = shown->real_time;
  painter->scrubbed = shown->scrubbed;
  painter->show_unheard = shown->show_unheard;
  painter->ns_per_px = shown->ns_per_px;
  painter->step_px = shown->step_px;
  painter->logical_span = shown->logical_span;
  painter->origin_ns = shown->origin_ns;
  return painter;
}

/* The whole run, also while a moment is shown: the whole class, with
 * its own election story and no cursor. */
static gboolean
export_run (ConclaveTimeline *self, ConclaveTimelinePainter *painter, const char *path, GError **error)
{
  g_autoptr(ConclaveCluster) whole = self->session ? conclave_session_dup_whole_cluster (self->session) : NULL;
  g_autoptr(ConclaveElectionStory) story = NULL;

  if (whole != NULL)
    {
      conclave_timeline_painter_set_cluster (painter, whole);
      story = conclave_election_story_new (conclave_cluster_get_store (whole));
      conclave_election_story_update (story);
      painter->story = story;
    }
  painter->scrubbed = FALSE;
  return conclave_export_timeline_run (painter, path, RUN_WIDTH, error);
}

gboolean
conclave_timeline_export (ConclaveTimeline  *self,
                          const char        *path,
                          gboolean           whole_run,
                          GError           **error)
{
  g_autoptr(ConclaveTimelinePainter) painter = NULL;
  gint64 now = now_ns (self);
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_val_if_fail (CONCLAVE_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  painter = painter_like (self);
  if (painter->store == NULL || conclave_event_store_get_end (painter->store) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is nothing on the timeline yet"));
      return FALSE;
    }
  if (whole_run)
    return export_run (self, painter, path, error);
  /* Not on screen (another view is shown): a window's size. */
  if (width < 80 || height < 80)
    {
      width = 1200;
      height = 500;
    }
  return conclave_export_timeline (painter, path, width, height,
                                   self->following ? now : self->t_end, now, error);
}
