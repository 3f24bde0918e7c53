/* node-loop.h — the one poll() loop of a conclave-node process.
 *
 * Watches sockets, runs one-shot timers, reads controller commands, flushes
 * the reporter, and turns SIGTERM/SIGINT/SIGHUP/SIGCHLD (blocked, read from a
 * signalfd) into ordinary callbacks. Single-threaded; it must never block
 * anywhere but in poll().
 */
#pragma once

#include <glib.h>
#include <poll.h>

typedef void (*NodeIoFunc)    (int fd, short revents, gpointer data);
typedef void (*NodeTimerFunc) (gpointer data);
typedef void (*NodeChildFunc) (void);

/* Blocks the handled signals and opens the signalfd. Call once, early. */
void   node_loop_init        (void);

guint  node_loop_add_fd      (int fd, short events, NodeIoFunc func, gpointer data);
void   node_loop_remove_fd   (guint id);

/* One-shot timer `ms` from now. `destroy` (may be NULL) frees `data` when
 * the timer fired, was cancelled, or was discarded after fork. */
guint  node_loop_add_timer   (double ms, NodeTimerFunc func, gpointer data,
                              GDestroyNotify destroy);
void   node_loop_cancel      (guint id);

/* A timer for a protocol time given at tempo 1.0: it runs at the current
 * tempo and stretches or shrinks when the tempo changes. */
guint  node_loop_add_tempo_timer (double ms_at_tempo_1, NodeTimerFunc func,
                                  gpointer data, GDestroyNotify destroy);
/* The tempo changed: remaining times of tempo timers are multiplied by
 * new/old. */
void   node_loop_retempo     (double factor);

/* Called when SIGCHLD arrives (the handler reaps). */
void   node_loop_set_child_func (NodeChildFunc func);

/* Runs until node_loop_quit(); returns its code. A termination signal
 * quits with 0. */
int    node_loop_run         (void);
void   node_loop_quit        (int code);
gboolean node_loop_quitting  (void);

/* Waits (up to `ms`) for the reporter's pending lines to leave; for exit. */
void   node_loop_drain       (int ms);

/* In a forked child: forget every watch and timer of the parent. */
void   node_loop_after_fork  (void);

/* Waits up to `ms` for SIGCHLD without running anything else; returns TRUE
 * if one arrived. For shutting down a pool. */
gboolean node_loop_wait_child (int ms);
