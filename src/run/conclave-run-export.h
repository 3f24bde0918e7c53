/* conclave-run-export.h — `conclave-run --export FILE`: the whole run's
 * timeline as SVG, PDF or PNG, or the run as a ShiViz log, by the file's
 * extension; from a live run's cluster or a replay's recording. Drawn by
 * the same painter as the window's timeline (src/draw). Never changes the
 * run.
 */
#pragma once

#include "conclave-run-summary.h"

G_BEGIN_DECLS

/* TRUE if path names a format --export writes. */
gboolean conclave_run_export_known (const char            *path);
gboolean conclave_run_export      (const ConclaveRunView *view,
                                   const char            *path,
                                   GError               **error);

G_END_DECLS
