/* node-report.c — the events conclave-node reports, from its own types.
 *
 * Turns socket addresses into protocol text and printf-style narration
 * into log lines, and hands them to conclave-report's typed writers, which
 * own the JSON and escape every string. Must never print or block.
 */
#include "node-report.h"

#include "conclave-report.h"

#include <arpa/inet.h>
#include <stdio.h>

void
node_addr_format (const struct sockaddr_in *addr, char buf[NODE_ADDR_LEN])
{
  char ip[INET_ADDRSTRLEN] = "0.0.0.0";

  inet_ntop (AF_INET, &addr->sin_addr, ip, sizeof ip);
  snprintf (buf, NODE_ADDR_LEN, "%s:%u", ip, (unsigned) ntohs (addr->sin_port));
}

void
node_report_log (const char *level, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (!creport_active ())
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  creport_log (level, text);
}

void
node_report_socket (const char *op, const char *proto,
                    const struct sockaddr_in *local, const struct sockaddr_in *peer)
{
  char local_text[NODE_ADDR_LEN], peer_text[NODE_ADDR_LEN];

  node_addr_format (local, local_text);
  if (peer != NULL)
    node_addr_format (peer, peer_text);
  creport_socket (op, proto, local_text, peer != NULL ? peer_text : NULL);
}

void
node_report_fork (pid_t child)
{
  creport_fork ((long) child);
}

void
node_report_reap (pid_t child, int status)
{
  creport_reap ((long) child, status);
}

void
node_report_exit (int code)
{
  creport_exit (code);
}

void
node_report_garbage (const struct sockaddr_in *from)
{
  char from_text[NODE_ADDR_LEN];

  node_addr_format (from, from_text);
  creport_garbage (1, from_text);
}
