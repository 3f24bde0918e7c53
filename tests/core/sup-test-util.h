/* sup-test-util.h — waiting and /proc checks shared by the supervisor and
 * orphan tests. Tests wait for conditions with a deadline, never for a fixed
 * time; this is where that loop lives.
 */
#pragma once

#include <glib.h>

typedef gboolean (*SupCondition) (gpointer data);

/* Iterates the default main context until cond (data) holds or timeout_ms
 * passed; returns the last value of cond. */
gboolean sup_wait_until     (SupCondition cond,
                             gpointer     data,
                             guint        timeout_ms);

/* The process pid that started at start_time (0: any) runs, or is stopped:
 * it exists and is not a zombie. */
gboolean sup_process_alive  (gint    pid,
                             guint64 start_time);

/* A UDP port on 127.0.0.1 that nobody uses right now. */
guint16  sup_free_udp_port  (void);

/* Its /proc state letter (R, S, T, Z …), or 0 if it does not exist. */
char     sup_process_state  (gint    pid);
