/* conclave-supervisor.h — starts and signals the node processes.
 *
 * GSubprocess with an argv (never a shell), one process group per node,
 * PR_SET_PDEATHSIG in the child and a subreaper on us, so that no process
 * it started survives the controller, even one killed with SIGKILL.
 * stdout/stderr are read line by line and handed on with "output".
 * Knows processes and signals; knows nothing of events or widgets.
 */
#pragma once

#include <gio/gio.h>
#include "conclave-proc.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_SUPERVISOR (conclave_supervisor_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveSupervisor, conclave_supervisor, CONCLAVE, SUPERVISOR, GObject)

/* Signals:
 *   "spawned" (const char *name, gint pid)
 *   "output"  (const char *name, gint stream (ConclaveOutputStream), const char *line)
 *   "exited"  (const char *name, gint pid, gint code, gint signal)  code -1 when signalled
 * "output" lines are valid UTF-8 (repaired if need be), at most 16 KiB each
 * (a longer line comes in pieces). "exited" comes after the node's last
 * output line, unless something it left behind holds its pipes open for
 * more than 250 ms; by then the name is free for a new spawn.
 */

ConclaveSupervisor *conclave_supervisor_new      (const char *control_path);
/* Extra environment for every child (CONCLAVE_TEMPO etc.). */
void                conclave_supervisor_setenv   (ConclaveSupervisor *self,
                                                  const char *variable,
                                                  const char *value);
/* Starts argv as node `name`; CONCLAVE_NODE=name, CONCLAVE_CONTROL set.
 * Returns the pid, or 0 with error. `name` must not be running. */
gint                conclave_supervisor_spawn    (ConclaveSupervisor *self,
                                                  const char *name,
                                                  const char * const *argv,
                                                  const char *cwd,
                                                  GError **error);
/* The same, with extra environment for this process only: "VAR=value"
 * strings (NULL-terminated; NULL for none), e.g. LD_PRELOAD for a traced
 * program. */
gint                conclave_supervisor_spawn_with_env (ConclaveSupervisor *self,
                                                        const char *name,
                                                        const char * const *argv,
                                                        const char *cwd,
                                                        const char * const *env,
                                                        GError **error);
/* Signals the node's whole process group. FALSE if it is not running. */
gboolean            conclave_supervisor_signal   (ConclaveSupervisor *self,
                                                  const char *name,
                                                  int signum);
gboolean            conclave_supervisor_crash    (ConclaveSupervisor *self, const char *name);  /* SIGKILL */
gboolean            conclave_supervisor_stop     (ConclaveSupervisor *self, const char *name);  /* SIGTERM */
gboolean            conclave_supervisor_pause    (ConclaveSupervisor *self, const char *name);  /* SIGSTOP */
gboolean            conclave_supervisor_resume   (ConclaveSupervisor *self, const char *name);  /* SIGCONT */
/* Writes text to the node's stdin (a pipe that stays open while it runs),
 * without blocking: FALSE with error if it is not running or its pipe is
 * full (it does not read). */
gboolean            conclave_supervisor_write_input (ConclaveSupervisor *self,
                                                     const char *name,
                                                     const char *text,
                                                     GError **error);
gboolean            conclave_supervisor_is_running (ConclaveSupervisor *self, const char *name);
gint                conclave_supervisor_get_pid  (ConclaveSupervisor *self, const char *name);
/* SIGKILL every group and wait until they are gone (at most 2 s, on
 * pidfds, running no main loop); "exited" is emitted for each before it
 * returns. */
void                conclave_supervisor_kill_all (ConclaveSupervisor *self);

/* Path of one of our programs (conclave-node): $CONCLAVE_<NAME>_PROGRAM
 * (the name without "conclave-", upper case, '-' as '_': CONCLAVE_NODE_PROGRAM),
 * the build tree, then the install dir. */
char               *conclave_find_program        (const char *name);

G_END_DECLS
