/* conclave-timeline-rows.h — which row of the timeline each process lives on.
 *
 * One row per top-level node (servers first, then clients, in cluster
 * order); right under it, lanes for the processes it forked, reused once a
 * child has ended, so a fork-per-request server needs as many lanes as it
 * ever had children at once. A restarted node keeps its row. Updated
 * incrementally from the process table: only new processes are looked at.
 * Plain data, no GObject, no drawing.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

typedef struct {
  guint32   node;     /* interned node name */
  guint     lane;     /* 0: the node's own process(es); 1…: forked children */
  gboolean  server;
} ConclaveTimelineRow;

typedef struct _ConclaveTimelineRows ConclaveTimelineRows;

ConclaveTimelineRows      *conclave_timeline_rows_new      (void);
void                       conclave_timeline_rows_free     (ConclaveTimelineRows *self);
void                       conclave_timeline_rows_clear    (ConclaveTimelineRows *self);
/* Catches up with new processes and with nodes added or removed; cluster
 * NULL for a recording (the store's processes alone). */
void                       conclave_timeline_rows_update   (ConclaveTimelineRows *self,
                                                            ConclaveEventStore   *store,
                                                            ConclaveCluster      *cluster);
guint                      conclave_timeline_rows_get_n    (ConclaveTimelineRows *self);
const ConclaveTimelineRow *conclave_timeline_rows_get      (ConclaveTimelineRows *self,
                                                            guint                 row);
/* Row of a process, -1 when it has none (a node that was removed). */
int                        conclave_timeline_rows_for_proc (ConclaveTimelineRows *self,
                                                            guint32               proc);
/* The latest process given a child lane (0 for a node's own row). */
guint32                    conclave_timeline_rows_get_lane_proc (ConclaveTimelineRows *self,
                                                                 guint                 row);
/* Row of a node's own lifeline by interned name, -1 when none. */
int                        conclave_timeline_rows_for_node (ConclaveTimelineRows *self,
                                                            guint32               node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveTimelineRows, conclave_timeline_rows_free)

G_END_DECLS
