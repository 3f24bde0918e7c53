/* conclave-run-dialog.h — "Run a Program…": a command line, a working
 * folder, a name, how many copies, server or client shape.
 *
 * Collects what to run and hands it to conclave_window_run_program(); it
 * never spawns anything itself. On an error it stays open with everything
 * the teacher typed, and says what went wrong.
 */
#pragma once

#include "conclave-window.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_RUN_DIALOG (conclave_run_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveRunDialog, conclave_run_dialog, CONCLAVE, RUN_DIALOG, AdwWindow)

ConclaveRunDialog *conclave_run_dialog_new         (ConclaveWindow    *window);
/* For tests and for "run-program" with a prepared line. */
void               conclave_run_dialog_set_command (ConclaveRunDialog *self,
                                                    const char        *command_line);
/* As if the teacher chose it: also where run-command runs programs from now on. */
void               conclave_run_dialog_set_folder  (ConclaveRunDialog *self,
                                                    const char        *folder);
/* A regular expression matched against what the programs print (see
 * conclave_cluster_set_leader_pattern); "" for none. */
void               conclave_run_dialog_set_leader_pattern (ConclaveRunDialog *self,
                                                           const char        *pattern);
void               conclave_run_dialog_set_server  (ConclaveRunDialog *self,
                                                    gboolean           server);
/* Runs what the fields say, as the Run button does; FALSE when the dialog
 * stays open with an error. */
void               conclave_run_dialog_set_copies  (ConclaveRunDialog *self,
                                                    guint              copies);
gboolean           conclave_run_dialog_run         (ConclaveRunDialog *self);
const char        *conclave_run_dialog_get_error   (ConclaveRunDialog *self);

G_END_DECLS
