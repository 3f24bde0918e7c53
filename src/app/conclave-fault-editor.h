/* conclave-fault-editor.h — the inspector's fault controls for one node:
 * drop probability, added delay, and the peers it is isolated from.
 *
 * Shows and changes what the core's ConclaveFaults holds, one setting per
 * control, sent at once; keeps no settings of its own. Never reads events; never controls a child (faults are a top-level
 * node's, its children inherit them in the node program).
 */
#pragma once

#include <adwaita.h>

#include "conclave-cluster.h"
#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_FAULT_EDITOR (conclave_fault_editor_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveFaultEditor, conclave_fault_editor, CONCLAVE, FAULT_EDITOR, GtkWidget)

void conclave_fault_editor_set_faults (ConclaveFaultEditor *self,
                                       ConclaveFaults      *faults);
/* The peers offered are the nodes of the session's cluster. */
void conclave_fault_editor_set_session (ConclaveFaultEditor *self,
                                        ConclaveSession     *session);
void conclave_fault_editor_set_node   (ConclaveFaultEditor *self,
                                       ConclaveNode        *node);

/* For tests: the checked peers, comma-separated ("" for none). */
const char *conclave_fault_editor_get_isolated (ConclaveFaultEditor *self);

G_END_DECLS
