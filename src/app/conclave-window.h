/* conclave-window.h — the main window: every view of one session.
 *
 * The window shows a ConclaveSession (the application owns it): the welcome
 * page while its cluster has no nodes, and the cluster view, timeline,
 * charts, inspector and event log, each bound to the session. It never
 * creates or replaces a cluster; the functions below are what its own
 * actions and the application's do; failures become toasts, never crashes.
 */
#pragma once

#include <adwaita.h>

#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_WINDOW (conclave_window_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveWindow, conclave_window, CONCLAVE, WINDOW, AdwApplicationWindow)

ConclaveWindow  *conclave_window_new              (GtkApplication  *application,
                                                   ConclaveSession *session,
                                                   GSettings       *settings);
ConclaveSession *conclave_window_get_session      (ConclaveWindow *self);

void             conclave_window_open_run_dialog  (ConclaveWindow *self);
void             conclave_window_toast            (ConclaveWindow *self,
                                                   const char     *message);

/* For tests and the benchmark. */
gboolean         conclave_window_show_event       (ConclaveWindow *self,
                                                   guint64         index);
/* The violation banner's text, NULL while it is hidden. */
const char      *conclave_window_get_violation    (ConclaveWindow *self);
const char      *conclave_window_get_page         (ConclaveWindow *self);  /* "welcome", "cluster", "error" */
void             conclave_window_show_view        (ConclaveWindow *self,
                                                   const char     *view);  /* "timeline", "charts", "events" */
GtkWidget       *conclave_window_get_view_widget  (ConclaveWindow *self,
                                                   const char     *view);  /* also "cluster", "inspector" */

G_END_DECLS
