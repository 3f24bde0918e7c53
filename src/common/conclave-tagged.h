/* conclave-tagged.h — finding a controller's processes by their environment.
 *
 * Every process a controller starts carries CONCLAVE_CONTROL (its socket's
 * path) and CONCLAVE_NODE in its environment, and so does everything that
 * process starts, however it detaches: fork, setsid, a double fork. That
 * tag is how a crash, and the keeper after a dead controller, find the
 * processes no process group or parent link leads to any more. Plain libc,
 * no allocation (the keeper links it), one static buffer (not thread-safe:
 * the controller's main thread only); never signals the caller itself. A
 * program that wipes its environment is not found.
 */
#pragma once

/* Sends sig to every process whose environment holds
 * CONCLAVE_CONTROL=control (and CONCLAVE_NODE=node unless node is NULL).
 * Returns how many were signalled. */
int ctagged_signal (const char *control, const char *node, int sig);
/* The same processes' pids, at most max of them; how many were found. */
int ctagged_list   (const char *control, const char *node, int *pids, int max);
/* Removes a controller's private runtime directory: its files and those of
 * its subdirectories (the nodes' state), then the directories. 0 if it is
 * gone. */
int ctagged_remove_dir (const char *dir);
