/* node-control.h — what the controller can change in a running node:
 * tempo, faults, and "post one request now".
 *
 * Commands arrive as JSON lines on the control channel (see PROTOCOL.md).
 * A malformed or unknown command is reported and ignored; it must never
 * change the settings halfway or stop the node.
 */
#pragma once

#include <glib.h>

typedef void (*NodePostFunc) (const char *text, gpointer data);

/* Reads CONCLAVE_TEMPO; FALSE (with error) if it is not a positive number. */
gboolean node_control_init     (GError **error);

double   node_control_tempo    (void);
/* A protocol time (at tempo 1.0) scaled by the current tempo. */
double   node_control_scale_ms (double ms);

/* Fault decisions, one per message; a `datagram` (UDP) meets neither
 * when the LAN drops and delays them itself (`by_network`). */
gboolean node_control_should_drop (gboolean datagram);
guint    node_control_delay_ms    (gboolean datagram);
gboolean node_control_isolated    (const char *node);

/* Role hook for the `post` command (clients). */
void     node_control_set_post_func (NodePostFunc func, gpointer data);

/* Handles one command line (a creport_read_commands callback). */
void     node_control_handle_line (const char *line, size_t len, void *unused);

/* The controller went away: nothing stays held (step mode). */
void     node_control_channel_closed (void);

/* Applies one command line (len bytes); FALSE with error if it was
 * rejected, and then nothing changed. */
gboolean node_control_apply (const char *line, size_t len, GError **error);
