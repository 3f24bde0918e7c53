/* node-hello-server.c — chapter 1 servers: udp-server and tcp-server.
 *
 * The lecture's hello server: wait, receive, print, reply "Hi client! Nice
 * to connect with you!". The TCP one shows the whole data flow (socket,
 * bind, listen, accept, recv, send, close) and serves several connections
 * at once, one line per message. A client that misbehaves only ever costs
 * its own connection.
 */
#include "node-control.h"
#include "node-loop.h"
#include "node-net.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#define SERVER_REPLY "Hi client! Nice to connect with you!"

typedef struct {
  NodeLink link;
  GString *in;
  guint watch;
} Connection;

typedef struct {
  int fd;
  struct sockaddr_in local;
  guint accept_watch;  /* 0 while paused: out of descriptors */
} Server;

/* Out of descriptors the listening socket stays readable: watching it
 * would spin. Look again this much later. */
#define ACCEPT_RETRY_MS 200

static void
answer (const NodeLink *link, const NodeWireMsg *msg, gpointer data)
{
  char from[NODE_ADDR_LEN];
  g_autofree char *text = node_printable (msg->payload, msg->payload_len);

  node_addr_format (&link->peer, from);
  printf ("Received message from client: %s\n", from);
  printf ("Message: %s\n", text);
  node_net_send (link, "reply", SERVER_REPLY);
  printf ("Replied to client: %s\n", SERVER_REPLY);
  printf ("\nWaiting to receive message...\n\n");
}

static gboolean
open_server (Server *server, gboolean tcp)
{
  g_autoptr(GError) error = NULL;

  server->fd = tcp ? node_net_tcp_listen (node_options_port (), &server->local, &error)
                   : node_net_udp_open (node_options_port (), &server->local, &error);
  if (server->fd < 0)
    {
      fprintf (stderr, "Server could not start: %s\n", error->message);
      node_report_log ("warning", "server could not start: %s", error->message);
      return FALSE;
    }
  printf ("Server up and running at 127.0.0.1:%u (%s)\n", node_options_port (),
          tcp ? "TCP" : "UDP");
  printf ("\nWaiting to receive message...\n\n");
  return TRUE;
}

/* ---- UDP ---- */

static void
on_datagram (int fd, short revents, gpointer data)
{
  Server *server = data;

  node_net_udp_read (fd, &server->local, G_MAXINT, answer, NULL);
}

int
node_udp_server_main (int argc, char **argv)
{
  Server server;

  node_options_parse ("udp-server",
                      "Chapter 1: a UDP server that answers every hello, like the lecture's server.py.",
                      NULL, argc, argv);
  node_start ("udp-server");
  if (!open_server (&server, FALSE))
    return node_finish (1);
  node_loop_add_fd (server.fd, POLLIN, on_datagram, &server);
  return node_finish (node_loop_run ());
}

/* ---- TCP ---- */

static void
connection_free (Connection *conn)
{
  char peer[NODE_ADDR_LEN];

  node_addr_format (&conn->link.peer, peer);
  printf ("Connection from %s closed\n", peer);
  node_loop_remove_fd (conn->watch);
  node_net_close (&conn->link);
  g_string_free (conn->in, TRUE);
  g_free (conn);
}

static void
on_stream (int fd, short revents, gpointer data)
{
  Connection *conn = data;

  if (!node_net_tcp_read (&conn->link, conn->in, answer, NULL))
    connection_free (conn);
}

static void on_accept (int fd, short revents, gpointer data);

static void
resume_accepting (gpointer data)
{
  Server *server = data;

  server->accept_watch = node_loop_add_fd (server->fd, POLLIN, on_accept, server);
}

static void
pause_accepting (Server *server)
{
  node_loop_remove_fd (server->accept_watch);
  server->accept_watch = 0;
  node_loop_add_timer (ACCEPT_RETRY_MS, resume_accepting, server, NULL);
}

static void
on_accept (int fd, short revents, gpointer data)
{
  Server *server = data;
  g_autoptr(GError) error = NULL;
  Connection *conn = g_new0 (Connection, 1);
  char peer[NODE_ADDR_LEN];

  if (!node_net_tcp_accept (fd, &server->local, &conn->link, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      g_free (conn);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))  /* EMFILE, ENFILE */
        pause_accepting (server);
      return;
    }
  node_addr_format (&conn->link.peer, peer);
  printf ("Accepted a connection from %s\n", peer);
  conn->in = g_string_new (NULL);
  conn->watch = node_loop_add_fd (conn->link.fd, POLLIN, on_stream, conn);
}

int
node_tcp_server_main (int argc, char **argv)
{
  Server server;

  node_options_parse ("tcp-server",
                      "Chapter 1: a TCP server (socket, bind, listen, accept, recv, send, close) "
                      "that answers every line.",
                      NULL, argc, argv);
  node_start ("tcp-server");
  if (!open_server (&server, TRUE))
    return node_finish (1);
  server.accept_watch = node_loop_add_fd (server.fd, POLLIN, on_accept, &server);
  return node_finish (node_loop_run ());
}
