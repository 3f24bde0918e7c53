/* conclave-step-actions.h — the application's step-mode actions.
 *
 * hold-messages (boolean state: every node holds what arrives; H),
 * deliver-next (N) and drop-next (the oldest held message), and
 * deliver-message, drop-message, duplicate-message, later-message with the
 * held message's id (the store index of its `held` event, "t"). All of
 * them ask the session's cluster's hold queue; they keep nothing.
 */
#pragma once

#include <gtk/gtk.h>
#include "conclave-session.h"

G_BEGIN_DECLS

/* Adds the actions to `app` (they act on `session`'s cluster). */
void conclave_step_actions_add    (GtkApplication  *app,
                                   ConclaveSession *session);
/* H and N in `window` (never while an entry there has the key). */
void conclave_step_actions_add_shortcuts (GtkWidget      *window);
/* Enabled states and hold-messages' state, from `cluster` (may be NULL):
 * for the window's one _update_actions(). */
void conclave_step_actions_update (GActionMap      *app,
                                   ConclaveCluster *cluster);
/* A held message's menu, wherever it is drawn (a ring in the cluster view,
 * an open arrow head on the timeline): Deliver, Drop, Duplicate, Deliver
 * Later; a TCP stream's only what keeps its order. */
GMenuModel *conclave_step_actions_held_menu (ConclaveHold *hold,
                                             guint64       index);
/* Opens `model` in *popover (made on first use, a child of `parent`, which
 * unparents it in dispose and presents it in size_allocate) pointing at
 * `at`. */
void        conclave_step_actions_popup     (GtkWidget          **popover,
                                             GtkWidget           *parent,
                                             GMenuModel          *model,
                                             const GdkRectangle  *at);

G_END_DECLS
