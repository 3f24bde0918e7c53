/* node-child.h — real fork()ed children of a server (chapter 2 and 3).
 *
 * A child dies with its parent (PR_SET_PDEATHSIG), opens its own control
 * connection, runs in a fresh loop and exits through node_finish(); the
 * parent reports `fork` and, on SIGCHLD, `reap`. Never leaves a zombie
 * behind while the loop runs.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef int  (*NodeChildMain)  (gpointer data);
typedef void (*NodeReapedFunc) (pid_t pid, int status);

/* Forks; the child runs child_main(data) in a fresh loop and exits with
 * its result. Returns the child's pid, or -1 (reported, narrated). */
pid_t node_child_spawn (NodeChildMain child_main, gpointer data);

/* Called after each child is reaped (and reported). */
void  node_child_set_reaped_func (NodeReapedFunc func);

/* SIGTERM to every child, wait up to grace_ms, then SIGKILL the rest. */
void  node_child_stop_all (int grace_ms);

guint node_child_count (void);
