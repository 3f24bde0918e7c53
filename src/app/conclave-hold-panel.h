/* conclave-hold-panel.h — the queue of held messages (step mode), for the
 * teacher to release one by one: a row per held message, oldest first,
 * with Deliver, Drop, Duplicate and Deliver Later.
 *
 * Lists the session's cluster's hold queue (a model in the core) and
 * keeps nothing of its own; its buttons activate the app's step-mode
 * actions with the message's id.
 */
#pragma once

#include <gtk/gtk.h>
#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_HOLD_PANEL (conclave_hold_panel_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveHoldPanel, conclave_hold_panel, CONCLAVE, HOLD_PANEL, GtkWidget)

GtkWidget *conclave_hold_panel_new         (void);
void       conclave_hold_panel_set_session (ConclaveHoldPanel *self,
                                            ConclaveSession   *session);

G_END_DECLS
