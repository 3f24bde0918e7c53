/* conclave-faults.h — the one owner of fault settings: per top-level node
 * the drop probability, the added delay and the peers it is isolated from.
 *
 * The protocol's `fault` command replaces all three at once, so whoever
 * changes one must know the other two: only this table does. Everyone
 * (scenario schedules, chaos, the window) changes settings through its
 * intent-level calls and reads them back here; it alone sends fault
 * commands and records FAULT events. Owned by the cluster
 * (conclave_cluster_get_faults()); never draws, never reads events.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONCLAVE_TYPE_FAULTS (conclave_faults_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveFaults, conclave_faults, CONCLAVE, FAULTS, GObject)

/* Signals: "changed" (const char *name), after a node's settings changed
 * (or were forgotten with the node). */

/* Current settings of `name` (zero and none for a node never touched). */
double              conclave_faults_get_drop       (ConclaveFaults *self, const char *name);
guint               conclave_faults_get_delay      (ConclaveFaults *self, const char *name);
/* The peers `name` drops traffic to and from, NULL for none. */
const char * const *conclave_faults_get_isolated   (ConclaveFaults *self, const char *name);
gboolean            conclave_faults_is_partitioned (ConclaveFaults *self);

/* FALSE if there is no top-level node called `name`. */
gboolean            conclave_faults_set_drop       (ConclaveFaults *self, const char *name, double drop);
gboolean            conclave_faults_set_delay      (ConclaveFaults *self, const char *name, guint delay_ms);
/* `name` stops (isolated TRUE) or resumes talking to `peer`; only
 * `name`'s own list changes. */
gboolean            conclave_faults_set_isolated_from (ConclaveFaults *self,
                                                       const char     *name,
                                                       const char     *peer,
                                                       gboolean        isolated);
/* Cuts `name` off from every other top-level node, both ways. */
gboolean            conclave_faults_isolate        (ConclaveFaults *self, const char *name);
/* Cuts `minority` (top-level node names) off from every other top-level
 * node, both ways; drops and delays stay. */
gboolean            conclave_faults_partition      (ConclaveFaults     *self,
                                                    const char * const *minority,
                                                    GError            **error);
/* Every isolation lifted; drops and delays stay. */
void                conclave_faults_heal           (ConclaveFaults *self);
/* `name` reaches every node again: its own list emptied and `name` taken
 * off every peer's list; drops and delays stay. */
gboolean            conclave_faults_rejoin         (ConclaveFaults *self, const char *name);

G_END_DECLS
