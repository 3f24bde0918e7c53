/* conclave-timeline.h — the live space-time diagram.
 *
 * One lifeline per process (forked children in lanes under their parent),
 * an arrow from each send to its receive, lost and dropped messages and
 * crashes marked. Two layouts: logical (each event one step, in causal order)
 * and real time. Follows the present until the user scrolls back; zooms;
 * hovering shows the details. The drawing itself is the GTK-free painter's
 * (draw/conclave-timeline-painter.h), which exports share.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-session.h"
#include "conclave-timeline-painter.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_TIMELINE (conclave_timeline_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveTimeline, conclave_timeline, CONCLAVE, TIMELINE, GtkWidget)

/* Properties: cluster, selected, presentation, real-time, following (read-only). */
/* Once: the timeline draws this session's cluster from now on. */
void     conclave_timeline_set_session   (ConclaveTimeline *self,
                                          ConclaveSession  *session);
void     conclave_timeline_set_real_time (ConclaveTimeline *self,
                                          gboolean          real_time);
gboolean conclave_timeline_get_real_time (ConclaveTimeline *self);
/* factor > 1 zooms in. */
void     conclave_timeline_zoom          (ConclaveTimeline *self,
                                          double            factor);
/* Jump back to the present and keep following it. */
void     conclave_timeline_follow        (ConclaveTimeline *self);
gboolean conclave_timeline_get_following (ConclaveTimeline *self);
/* Scroll by `steps` (logical) or by `steps` tenths of the width (real time);
 * negative goes back in time. */
void     conclave_timeline_scroll        (ConclaveTimeline *self,
                                          double            steps);

/* What the last frame drew (tests and the benchmark). */
void     conclave_timeline_get_stats     (ConclaveTimeline      *self,
                                          ConclaveTimelineStats *stats);
/* Tooltip text at a point of the last frame, NULL if nothing is there. */
/* For tests: the rows as last drawn, "s1" for a node's own lifeline and
 * "s1/1234" for a child lane (the PID of the process it shows last), and
 * the time the axis counts from (0 before the first event). */
GStrv    conclave_timeline_list_rows     (ConclaveTimeline *self);
/* For tests: the row (index into list_rows) a process's events and arrows
 * are drawn on, -1 when none. */
int      conclave_timeline_row_of_proc   (ConclaveTimeline *self,
                                          guint32           proc);
gint64   conclave_timeline_get_origin    (ConclaveTimeline *self);
char    *conclave_timeline_describe_at   (ConclaveTimeline *self,
                                          double            x,
                                          double            y);

/* For tests: where the last frame drew the moment shown while the session
 * is scrubbed (a recording, or a live class's past); -1: not drawn. */
double   conclave_timeline_get_cursor_x  (ConclaveTimeline *self);
/* For tests: arrows of the last frame that point back in x (a receive
 * drawn left of its send). */
guint    conclave_timeline_count_backward_arrows (ConclaveTimeline *self);

/* For tests: where the last frame drew the session's focused event (the
 * one picked in the event log); FALSE if it was not in view. */
gboolean conclave_timeline_get_focus_x  (ConclaveTimeline *self,
                                         double           *x);

/* For tests: the events the last frame drew lit and dimmed while a
 * message's causes or effects were shown (both empty otherwise). */
void     conclave_timeline_get_lit_events (ConclaveTimeline *self,
                                           GArray           *lit,
                                           GArray           *dimmed);

/* For tests: the axis labels the last frame drew, left to right; the
 * leader bands it drew (see draw/conclave-timeline-leaders.c); where a time
 * lies on its real-time axis. */
const ConclaveTimelineLabel *conclave_timeline_get_axis_labels (ConclaveTimeline *self,
                                                                guint            *n_labels);

const ConclaveTimelineBand *conclave_timeline_get_bands (ConclaveTimeline *self,
                                                         guint            *n_bands);
double   conclave_timeline_time_to_x     (ConclaveTimeline *self,
                                          gint64            time_ns);

/* Writes an SVG, PDF or PNG (by the name) of what the timeline shows now,
 * or of the whole run (real time, fitted to a slide's width). */
gboolean conclave_timeline_export (ConclaveTimeline  *self,
                                   const char        *path,
                                   gboolean           whole_run,
                                   GError           **error);

G_END_DECLS
