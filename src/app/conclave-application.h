/* conclave-application.h — the Conclave GtkApplication (AdwApplication).
 *
 * Owns the settings and the application-level actions, so that every
 * control can also be driven from outside over D-Bus
 * (`gapplication action io.github.conclave.Conclave crash-node "'s1'"`).
 * Owns the session the window shows (conclave-session.h); the actions
 * call the session or the window. The application itself never touches
 * processes.
 */
#pragma once

#include <adwaita.h>

#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_APPLICATION (conclave_application_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveApplication, conclave_application, CONCLAVE, APPLICATION, AdwApplication)

ConclaveApplication *conclave_application_new          (GApplicationFlags flags);
GSettings           *conclave_application_get_settings (ConclaveApplication *self);
ConclaveSession     *conclave_application_get_session  (ConclaveApplication *self);
/* The window (created on first use); actions arriving over D-Bus before
 * any window exists get one too. */
GtkWindow           *conclave_application_get_window   (ConclaveApplication *self);
/* FALSE (and a message in error) when the GSettings schema is not installed. */
gboolean             conclave_application_check_schema (GError **error);

G_END_DECLS
