/* conclave-proc.h — what the kernel says about processes.
 *
 * /proc/PID/stat, the list of every process we can see, and waiting until
 * given processes have ended (with pidfds: no main loop, no signal
 * handler, nothing reaped). Never signals or reaps a process itself.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fields of /proc/PID/stat the supervisor (and its tests) need. */
typedef struct {
  gint    pid;
  char    state;       /* R, S, D, T (stopped), Z (zombie) … */
  gint    ppid;
  gint    pgrp;
  guint64 start_time;  /* clock ticks since boot: tells a reused pid apart */
} ConclaveProcStat;

/* FALSE if the process does not exist (any more). */
gboolean  conclave_proc_stat_read  (gint pid, ConclaveProcStat *stat);
/* Every process we can see, as an array of ConclaveProcStat. */
GArray   *conclave_proc_list       (void);
/* Blocks until every pid in `pids` (an array of gint) has ended — a zombie
 * counts, nothing is reaped — or until the monotonic time `deadline_us`.
 * Runs no main loop. TRUE if all ended. */
gboolean  conclave_proc_wait_ended (const GArray *pids, gint64 deadline_us);

G_END_DECLS
