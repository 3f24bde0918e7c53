/* node-report.c — the events conclave-node reports, in protocol form.
 *
 * Formats the JSON fields and hands them to conclave-report. Strings of
 * unknown origin (log text) are quoted with json-glib so any text stays
 * valid JSON. Must never print or block.
 */
#include "node-report.h"

#include "conclave-report.h"

#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <sys/wait.h>

void
node_addr_format (const struct sockaddr_in *addr, char buf[NODE_ADDR_LEN])
{
  char ip[INET_ADDRSTRLEN] = "0.0.0.0";

  inet_ntop (AF_INET, &addr->sin_addr, ip, sizeof ip);
  snprintf (buf, NODE_ADDR_LEN, "%s:%u", ip, (unsigned) ntohs (addr->sin_port));
}

static char *
json_quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  json_node_set_string (node, valid);
  return json_to_string (node, FALSE);
}

void
node_report_log (const char *level, const char *format, ...)
{
  g_autofree char *text = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *fields = NULL;
  va_list args;

  if (!creport_active ())
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  quoted = json_quote (text);
  fields = g_strdup_printf ("\"text\":%s,\"level\":\"%s\"", quoted, level);
  creport_event ("log", fields);
}

void
node_report_socket (const char *op, const char *proto,
                    const struct sockaddr_in *local, const struct sockaddr_in *peer)
{
  char local_text[NODE_ADDR_LEN], peer_text[NODE_ADDR_LEN];
  g_autofree char *fields = NULL;

  node_addr_format (local, local_text);
  if (peer != NULL)
    {
      node_addr_format (peer, peer_text);
      fields = g_strdup_printf ("\"op\":\"%s\",\"proto\":\"%s\",\"local\":\"%s\",\"peer\":\"%s\"",
                                op, proto, local_text, peer_text);
    }
  else
    fields = g_strdup_printf ("\"op\":\"%s\",\"proto\":\"%s\",\"local\":\"%s\"",
                              op, proto, local_text);
  creport_event ("socket", fields);
}

void
node_report_fork (pid_t child)
{
  g_autofree char *fields = g_strdup_printf ("\"child\":%ld", (long) child);

  creport_event ("fork", fields);
}

void
node_report_reap (pid_t child, int status)
{
  g_autofree char *fields = NULL;

  if (WIFSIGNALED (status))
    fields = g_strdup_printf ("\"child\":%ld,\"signal\":%d", (long) child, WTERMSIG (status));
  else
    fields = g_strdup_printf ("\"child\":%ld,\"code\":%d", (long) child, WEXITSTATUS (status));
  creport_event ("reap", fields);
}

void
node_report_exit (int code)
{
  g_autofree char *fields = g_strdup_printf ("\"code\":%d", code);

  creport_event ("exit", fields);
}

void
node_report_garbage (const struct sockaddr_in *from)
{
  char from_text[NODE_ADDR_LEN];
  g_autofree char *fields = NULL;

  node_addr_format (from, from_text);
  fields = g_strdup_printf ("\"count\":1,\"from\":\"%s\"", from_text);
  creport_event ("garbage", fields);
}
