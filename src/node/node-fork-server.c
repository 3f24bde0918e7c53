/* node-fork-server.c — chapter 2: one server, many clients, a process per request.
 *
 * The parent receives each hello on its UDP socket and fork()s a real child
 * for it; the child, sharing the socket, answers "Hi <client>. This is server
 * <its own PID>" and exits, and the parent reaps it. Unlike the lecture's
 * p.join(), the parent does not wait: children of concurrent requests live
 * side by side. A child must never serve a second request.
 */
#include "node-child.h"
#include "node-control.h"
#include "node-loop.h"
#include "node-net.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int opt_work_ms = 1000;

static const GOptionEntry entries[] = {
  { "work-ms", 'w', 0, G_OPTION_ARG_INT, &opt_work_ms,
    "How long a child works before it replies, at tempo 1 (default 1000), so the class sees it", "MS" },
  { NULL }
};

typedef struct {
  int fd;
  struct sockaddr_in local;
} Server;

/* What the child needs: where to answer. */
typedef struct {
  NodeLink link;
} Request;

static void
child_reply (gpointer data)
{
  Request *request = data;
  char client[NODE_ADDR_LEN];
  g_autofree char *message = NULL;

  node_addr_format (&request->link.peer, client);
  message = g_strdup_printf ("Hi %s. This is server %ld", client, (long) getpid ());
  node_net_send (&request->link, "reply", message);
  printf ("Sent to client: %s\n", message);
  node_net_quit_when_sent (0);
}

/* Runs in the child: work a little, reply, exit. */
static int
child_main (gpointer data)
{
  printf ("Process %ld (child of %ld) handles the request\n", (long) getpid (), (long) getppid ());
  node_loop_add_tempo_timer (opt_work_ms, child_reply, data, NULL);
  return node_loop_run ();
}

static void
on_request (const NodeLink *link, const NodeWireMsg *msg, gpointer data)
{
  g_autofree char *text = node_printable (msg->payload, msg->payload_len);
  char client[NODE_ADDR_LEN];
  Request request = { *link };
  pid_t pid;

  node_addr_format (&link->peer, client);
  printf ("Received message '%s' at %s\n", text, client);
  pid = node_child_spawn (child_main, &request);
  if (pid > 0)
    printf ("Started process %ld for it\n", (long) pid);
}

static void
on_reaped (pid_t pid, int status)
{
  if (WIFEXITED (status))
    printf ("Process %ld finished (exit code %d)\n", (long) pid, WEXITSTATUS (status));
  else
    printf ("Process %ld was killed by signal %d\n", (long) pid, WTERMSIG (status));
}

static void
on_datagram (int fd, short revents, gpointer data)
{
  Server *server = data;

  node_net_udp_read (fd, &server->local, G_MAXINT, on_request, NULL);
}

int
node_fork_server_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  Server server;
  int code;

  node_options_parse ("fork-server",
                      "Chapter 2: a UDP server that forks a process per request; "
                      "the process replies with its own PID and exits.",
                      entries, argc, argv);
  node_options_require (opt_work_ms >= 0, "--work-ms must be 0 or more");
  node_start ("fork-server");
  server.fd = node_net_udp_open (node_options_port (), &server.local, &error);
  if (server.fd < 0)
    {
      fprintf (stderr, "Server could not start: %s\n", error->message);
      return node_finish (1);
    }
  printf ("Server up and running at 127.0.0.1:%u\n", node_options_port ());
  node_child_set_reaped_func (on_reaped);
  node_loop_add_fd (server.fd, POLLIN, on_datagram, &server);
  code = node_loop_run ();
  node_child_stop_all (1000);
  return node_finish (code);
}
