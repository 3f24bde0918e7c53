/* conclave-inspector.h — everything about the selected node: role, PID,
 * PPID, children, addresses, state, group state, counters, controls, and
 * what the program prints (stdout and stderr, live).
 *
 * Observes one ConclaveNode ("changed", "output"); its buttons activate the
 * application's actions. Never signals a process itself.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-cluster.h"
#include "conclave-faults.h"
#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_INSPECTOR (conclave_inspector_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveInspector, conclave_inspector, CONCLAVE, INSPECTOR, GtkWidget)

/* Properties: cluster, node. */
/* Once: the inspector shows this session's selected node from now on. */
void          conclave_inspector_set_session (ConclaveInspector *self,
                                              ConclaveSession   *session);
ConclaveNode *conclave_inspector_get_node (ConclaveInspector *self);
/* The fault table its fault controls change (set after the cluster). */
void          conclave_inspector_set_faults (ConclaveInspector *self,
                                             ConclaveFaults    *faults);
/* For tests: the text of a value row ("pid", "ppid", "state", "posts" …),
 * or all the output shown ("output"), or "shown" while the node's controls
 * are ("controls"); NULL for an unknown row or one not
 * shown (a counter that does not apply to the node's role). */
const char   *conclave_inspector_get_value (ConclaveInspector *self,
                                            const char        *row);

/* The line entry that sends a line to the shown node's stdin. */
GtkWidget         *conclave_inspector_get_input_entry (ConclaveInspector *self);

G_END_DECLS
