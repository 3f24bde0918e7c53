/* conclave-optional-action.h — a GAction whose string parameter may be left out.
 *
 * `gapplication action io.github.conclave.Conclave add-server` (no parameter)
 * and `... add-server "'tcp-server'"` must both work, and a GSimpleAction
 * accepts only one of the two. This action advertises parameter type "s"
 * (so menus and D-Bus can pass a role) and also accepts no parameter, which
 * its "activate" handler sees as NULL. It must never hold any state.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONCLAVE_TYPE_OPTIONAL_ACTION (conclave_optional_action_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveOptionalAction, conclave_optional_action, CONCLAVE, OPTIONAL_ACTION, GObject)

/* Signal "activate" (GVariant *parameter): parameter is a string or NULL. */
ConclaveOptionalAction *conclave_optional_action_new         (const char *name);
void                    conclave_optional_action_set_enabled (ConclaveOptionalAction *self,
                                                              gboolean                enabled);

G_END_DECLS
