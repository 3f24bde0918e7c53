/* node-hold.h — step mode in conclave-node: while the controller holds the
 * node, every message that would be delivered waits in a queue instead
 * (reported as `held`) until the controller releases it: delivered,
 * dropped, delivered twice, or put at the back of the queue.
 *
 * Timers keep running while messages wait: that is the point (a held
 * heartbeat lets a follower time out). Lifting the hold, or losing the
 * controller, delivers everything still held, in queue order; nothing
 * held is ever silently lost. Never blocks.
 */
#pragma once

#include <glib.h>

#include "conclave-command.h"
#include "node-net.h"

/* Holds from the start if CONCLAVE_HOLD is "1". */
void     node_hold_init       (void);
gboolean node_hold_on         (void);
/* Keeps a message (`data`, `len` bytes as it arrived on `link`) that
 * would be handed to func now, and reports it as held. */
void     node_hold_keep       (const NodeLink *link, const char *data, gsize len,
                               NodeMsgFunc func, gpointer user_data);
/* A `hold` or `release` command. */
void     node_hold_apply      (const CCommand *cmd);
/* The controller went away: deliver everything, hold nothing more. */
void     node_hold_lift       (void);
/* `fd` is being closed: its held messages go with it (reported as dropped
 * at the receiver, so the trace does not leave them in flight). */
void     node_hold_forget_fd  (int fd);
/* In a forked child: the parent's queue is the parent's. */
void     node_hold_after_fork (void);
