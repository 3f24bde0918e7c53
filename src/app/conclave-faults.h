/* conclave-faults.h — the fault settings the teacher gave each node: drop
 * probability, added delay, the peers it is isolated from.
 *
 * The protocol's `fault` command replaces all three at once, so whoever
 * changes one must know the other two: this table does, for the window, the
 * inspector's fault controls and partitions alike. Sends through
 * conclave_cluster_set_fault(); never draws, never reads events.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_FAULTS (conclave_faults_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveFaults, conclave_faults, CONCLAVE, FAULTS, GObject)

/* Signals: "changed" (const char *name), after a node's settings changed. */

ConclaveFaults     *conclave_faults_new            (ConclaveCluster *cluster);
/* Current settings of `name` (zero and none for a node never touched). */
double              conclave_faults_get_drop       (ConclaveFaults *self, const char *name);
guint               conclave_faults_get_delay      (ConclaveFaults *self, const char *name);
const char * const *conclave_faults_get_isolated   (ConclaveFaults *self, const char *name);
gboolean            conclave_faults_set            (ConclaveFaults     *self,
                                                    const char         *name,
                                                    double              drop,
                                                    guint               delay_ms,
                                                    const char * const *isolate);
/* Cuts `minority` (top-level node names) off from every other top-level
 * node, both ways; drops and delays stay. */
gboolean            conclave_faults_partition      (ConclaveFaults     *self,
                                                    const char * const *minority,
                                                    GError            **error);
/* Every isolation lifted; drops and delays stay. */
void                conclave_faults_heal           (ConclaveFaults *self);
gboolean            conclave_faults_is_partitioned (ConclaveFaults *self);

G_END_DECLS
