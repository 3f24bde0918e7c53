/* node-report.h — the events conclave-node reports, from its own types.
 *
 * Thin layer over conclave-report's typed writers (which own the channel
 * and the JSON): addresses as sockaddr, log text printf-style. Every
 * function here is a cheap no-op when no controller is listening; none
 * of them prints to stdout (the roles narrate there themselves).
 */
#pragma once

#include <glib.h>
#include <netinet/in.h>
#include <sys/types.h>

/* Enough for "255.255.255.255:65535". */
#define NODE_ADDR_LEN 24

void node_addr_format   (const struct sockaddr_in *addr, char buf[NODE_ADDR_LEN]);

void node_report_log    (const char *level, const char *format, ...) G_GNUC_PRINTF (2, 3);
void node_report_socket (const char *op, const char *proto,
                         const struct sockaddr_in *local, const struct sockaddr_in *peer);
void node_report_fork   (pid_t child);
/* `status` as waitpid() returned it. */
void node_report_reap   (pid_t child, int status);
void node_report_exit   (int code);
void node_report_garbage (const struct sockaddr_in *from);
