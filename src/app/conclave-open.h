/* conclave-open.h — *Open…*: a recording shown in the window, from the
 * open-trace action, the file chooser, the command line or a file dropped
 * onto the window.
 *
 * Reads through conclave_session_open_trace() (the core's one trace
 * reader, replayed through the session's views); tells why a file could
 * not be opened, or what was damaged in it, as a notice (a toast). Never
 * writes a file.
 */
#pragma once

#include "conclave-session.h"
#include "conclave-window.h"

G_BEGIN_DECLS

/* Opens the recording at path (JSON Lines, gzip when it is); FALSE, with
 * a notice saying why, when it cannot be read. */
gboolean conclave_open_trace         (ConclaveSession *session,
                                      const char      *path);
/* The same, once the teacher was asked whether to save an unsaved class
 * of more than a minute (conclave_save_ask_before). */
void     conclave_open_trace_asking  (ConclaveWindow  *window,
                                      const char      *path);
/* The file chooser for *Open…*. */
void     conclave_open_choose        (ConclaveWindow  *window);
/* A recording dropped onto the widget is opened. */
void     conclave_open_accept_drops  (ConclaveWindow  *window,
                                      GtkWidget       *widget);

G_END_DECLS
