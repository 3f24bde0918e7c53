/* conclave-preferences-window.h — the preferences, each row bound to its
 * GSettings key; the window applies changes as the keys change.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONCLAVE_TYPE_PREFERENCES_WINDOW (conclave_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (ConclavePreferencesWindow, conclave_preferences_window, CONCLAVE, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *conclave_preferences_window_new (GSettings *settings);

G_END_DECLS
