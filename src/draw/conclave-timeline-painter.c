/* conclave-timeline-painter.c — the painter's life: what it keeps between
 * frames and its text. One frame is drawn by conclave-timeline-draw.c.
 */
#include "config.h"

#include "conclave-cluster-models.h"
#include "conclave-timeline-frame.h"

ConclaveTimelinePainter *
conclave_timeline_painter_new (void)
{
  ConclaveTimelinePainter *self = g_new0 (ConclaveTimelinePainter, 1);

  self->rows = conclave_timeline_rows_new ();
  self->step_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->hit_arrows = g_array_new (FALSE, FALSE, sizeof (ConclaveHitArrow));
  self->hit_markers = g_array_new (FALSE, FALSE, sizeof (ConclaveHitMarker));
  self->lit_events = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->dimmed_events = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->bands = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineBand));
  self->axis_labels = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineLabel));
  g_array_set_clear_func (self->axis_labels, _conclave_timeline_label_clear);
  self->op_labels = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineOpLabel));
  self->focused = G_MAXUINT64;
  self->ns_per_px = CONCLAVE_TIMELINE_NS_PER_PX_DEFAULT;
  self->step_px = CONCLAVE_TIMELINE_STEP_PX_DEFAULT;
  self->logical_span = G_TIME_SPAN_SECOND * 1000;
  self->fg = (ConclaveRgba) { 0, 0, 0, 0.8 };
  return self;
}

void
conclave_timeline_painter_free (ConclaveTimelinePainter *self)
{
  if (self == NULL)
    return;
  conclave_timeline_rows_free (self->rows);
  g_array_unref (self->step_times);
  g_array_unref (self->hit_arrows);
  g_array_unref (self->hit_markers);
  g_array_unref (self->lit_events);
  g_array_unref (self->dimmed_events);
  g_array_unref (self->bands);
  g_array_unref (self->axis_labels);
  g_array_unref (self->op_labels);
  g_clear_object (&self->layout);
  g_clear_object (&self->small_layout);
  g_clear_object (&self->context);
  g_free (self);
}

void
conclave_timeline_painter_set_cluster (ConclaveTimelinePainter *self,
                                       ConclaveCluster         *cluster)
{
  g_return_if_fail (self != NULL);

  self->cluster = cluster;
  self->store = cluster ? conclave_cluster_get_store (cluster) : NULL;
  self->matcher = cluster ? conclave_cluster_get_matcher (cluster) : NULL;
  self->leaders = cluster ? conclave_cluster_get_leaders (cluster) : NULL;
}

void
conclave_timeline_painter_set_recording (ConclaveTimelinePainter *self,
                                         ConclaveEventStore      *store,
                                         ConclaveMatcher         *matcher,
                                         ConclaveLeaders         *leaders)
{
  g_return_if_fail (self != NULL);

  self->cluster = NULL;
  self->store = store;
  self->matcher = matcher;
  self->leaders = leaders;
}

void
conclave_timeline_painter_reset (ConclaveTimelinePainter *self)
{
  g_return_if_fail (self != NULL);

  conclave_timeline_rows_clear (self->rows);
  self->origin_ns = 0;
}

void
conclave_timeline_painter_set_context (ConclaveTimelinePainter *self,
                                       PangoContext            *context)
{
  g_return_if_fail (self != NULL);

  g_set_object (&self->context, context);
  g_clear_object (&self->layout);
  g_clear_object (&self->small_layout);
}
