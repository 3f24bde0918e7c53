/* conclave-save.h — keeping a session: *Save…* writes what the session's
 * cluster recorded as a trace file, and closing the window asks first
 * when a class ran longer than a minute since it was last saved, as
 * opening a recording or starting a new class does.
 *
 * Writes through conclave_trace_save() (the core's one trace writer);
 * tells the teacher where it went, or why not, as a notice (a toast).
 * Never changes the cluster or its store.
 */
#pragma once

#include "conclave-session.h"
#include "conclave-window.h"

G_BEGIN_DECLS

/* Writes the whole store of the session's cluster to path (gzip when it
 * ends in ".gz"), with a header naming the scenario, tempo, election and
 * Conclave's version; tells where (a notice) or why it could not. */
gboolean conclave_save_trace        (ConclaveSession *session,
                                     const char      *path);
/* The file chooser for *Save…*; with close_after, the window is closed
 * once the file was written. */
void     conclave_save_choose       (ConclaveWindow  *window,
                                     gboolean         close_after);
/* The session ran more than a minute and has events not saved since. */
gboolean conclave_save_is_unsaved   (ConclaveSession *session);
/* What waits for the teacher's answer. */
typedef void (*ConclaveSaveThen) (ConclaveWindow *window,
                                  gpointer        data);
/* Runs then() at once (and returns FALSE) when no unsaved class would be
 * lost; else asks first, saying body (Save, Discard or Cancel): then()
 * runs once the class was saved or discarded, never after Cancel. data
 * is freed with destroy either way. */
gboolean conclave_save_ask_before   (ConclaveWindow   *window,
                                     const char       *body,
                                     ConclaveSaveThen  then,
                                     gpointer          data,
                                     GDestroyNotify    destroy);
/* For the window's close-request: TRUE when it asked the teacher first
 * (the close waits for the answer: Save, Discard or Cancel). */
gboolean conclave_save_ask_on_close (ConclaveWindow  *window);

G_END_DECLS
