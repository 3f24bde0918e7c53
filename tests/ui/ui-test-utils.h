/* ui-test-utils.h — what every UI test needs: a real Conclave window under
 * the test's display, waiting on conditions with a deadline, activating
 * the application's actions, and saving what a widget shows as a PNG.
 *
 * Without a display the tests are skipped (exit status 77; under meson's
 * TAP protocol, which counts any non-zero status as an error, a TAP
 * "1..0 # SKIP" plan instead), and fail when CI=true, where a skip would
 * hide that nothing was tested. Never passes silently.
 */
#pragma once

#include "conclave-application.h"
#include "conclave-window.h"

G_BEGIN_DECLS

typedef gboolean (*UiCondition) (gpointer data);

/* A fresh window and its cluster, for g_test_add (). */
typedef struct {
  ConclaveApplication *app;
  ConclaveWindow      *window;
  ConclaveSession     *session;
} UiFixture;

void            ui_fixture_set_up    (UiFixture     *f,
                                      gconstpointer  data);
void            ui_fixture_tear_down (UiFixture     *f,
                                      gconstpointer  data);
/* The top-level node `name` exists, runs and has a PID. */
gboolean        ui_test_node_running (ConclaveCluster *cluster,
                                      const char      *name);
/* Says, in test messages, what each node is doing and its last output:
 * for a failing wait. */
void            ui_test_describe_nodes (ConclaveCluster *cluster);
/* A running leader among s1, s2 and s3, other than `old`, in a term
 * above `term`; NULL if there is none. */
ConclaveNode   *ui_test_find_new_leader (ConclaveCluster *cluster,
                                         ConclaveNode    *old,
                                         guint64          term);
/* Messages the matcher has seen delivered. */
guint64         ui_test_n_delivered  (ConclaveCluster *cluster);

void            ui_test_init        (int    *argc,
                                     char ***argv);
/* A non-unique application (so several tests never meet on the bus) and
 * its window, mapped at 1280×800. */
ConclaveWindow *ui_test_window_new  (ConclaveApplication **app);
void            ui_test_window_free (ConclaveApplication  *app,
                                     ConclaveWindow       *window);
/* Runs the main loop until cond holds; FALSE after timeout_ms. */
gboolean        ui_test_wait        (UiCondition  cond,
                                     gpointer     data,
                                     guint        timeout_ms);
/* Runs the main loop for ms (for "nothing happens while …"). */
void            ui_test_run_for     (guint        ms);
void            ui_test_activate    (ConclaveApplication *app,
                                     const char          *action,
                                     GVariant            *parameter);
/* Starts a chapter (app.start-scenario), then sets the tempo (app.set-tempo). */
void            ui_test_start_chapter (ConclaveApplication *app,
                                       const char          *chapter,
                                       double               tempo);
/* Renders widget into build-dir/screenshots/NAME.png; returns the texture. */
GdkTexture     *ui_test_screenshot  (GtkWidget   *widget,
                                     const char  *name);
/* Shows a view of the window's stack ("timeline", "charts", "events"),
 * lets it draw, and saves the window as screenshots/NAME.png. */
void            ui_test_look        (ConclaveWindow *window,
                                     const char     *view,
                                     const char     *name);
/* The node's PID is gone from the system (not even a zombie). */
gboolean        ui_test_pid_gone    (gint         pid);
/* Activates run-program and returns the Run a Program dialog once shown. */
GtkWindow      *ui_test_open_run_dialog (ConclaveApplication *app);

G_END_DECLS
