/* node-roles.h — the subcommands of conclave-node and what they share.
 *
 * Each role's main parses its own options (node-options), then runs the
 * node loop; main() reports `exit` through node_finish(). Roles narrate to
 * stdout like the lecture's scripts and never exit() behind the loop's back.
 */
#pragma once

#include <glib.h>

#define NODE_DEFAULT_PORT 10001

int node_udp_server_main    (int argc, char **argv);
int node_udp_client_main    (int argc, char **argv);
int node_tcp_server_main    (int argc, char **argv);
int node_tcp_client_main    (int argc, char **argv);
int node_fork_server_main   (int argc, char **argv);
int node_pool_server_main   (int argc, char **argv);
int node_square_client_main (int argc, char **argv);

/* Connects the reporter, sets up the loop and the controls. Every role
 * calls it once its options are parsed. */
void node_start  (const char *role);

/* Reports `exit`, lets the report leave, returns code. */
int  node_finish (int code);

/* The payload as safe terminal text (control bytes and bad UTF-8 as '.'). */
char *node_printable (const char *data, gsize len);
