/* conclave-charts.h — messages per second by kind over the last minute, and
 * the leader strip: which server led when, with terms and elections.
 *
 * Counts are kept in per-second bins, updated from the events each batch
 * appended (never by re-reading the store); the leader strip draws the
 * core's leader intervals. Empty until chapter 4 reports a leader.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_CHARTS (conclave_charts_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveCharts, conclave_charts, CONCLAVE, CHARTS, GtkWidget)

/* Properties: cluster, presentation. */
/* Once: the charts count this session's cluster from now on. */
void    conclave_charts_set_session (ConclaveCharts  *self,
                                     ConclaveSession *session);
/* Messages sent in the whole second `second` (CLOCK_MONOTONIC seconds); for tests. */
guint   conclave_charts_get_rate    (ConclaveCharts  *self,
                                     gint64           second);
/* Leader intervals of the cluster, oldest first (for tests). */
guint   conclave_charts_get_n_terms (ConclaveCharts  *self);
/* For tests: the leader strip's term `index` (oldest first): who led
 * (the name), which term, and since when. */
const char *conclave_charts_get_term (ConclaveCharts  *self,
                                      guint            index,
                                      guint           *term,
                                      gint64          *start_ns);

/* For tests: every message kind the rate chart counts and its legend
 * names, first seen first. */
GStrv       conclave_charts_list_kinds (ConclaveCharts  *self);

G_END_DECLS
