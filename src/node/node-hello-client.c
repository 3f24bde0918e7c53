/* node-hello-client.c — chapter 1 clients: udp-client and tcp-client.
 *
 * The lecture's client: send "Hi server!", wait for the answer, print it.
 * It repeats --count times (0: forever) at --interval-ms, and because UDP
 * can lose a datagram (or a fault can eat it), it waits only --timeout-ms
 * and sends again, --retries times, before giving up on that round. Every
 * time is scaled by the tempo. It must end on its own once done.
 */
#include "node-control.h"
#include "node-loop.h"
#include "node-net.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  NodeProto proto;
  NodeLink link;
  GString *in;        /* TCP: partial line */
  guint watch;
  guint timer;        /* reply timeout or pause before the next round */
  gboolean waiting;
  int attempts;       /* sends in this round */
  int rounds;         /* rounds finished: answered or given up */
  int failures;
} HelloClient;

static int opt_count = 1;
static int opt_interval_ms = 1000;
static int opt_timeout_ms = 2000;
static int opt_retries = 3;
static char *opt_message;

static const GOptionEntry entries[] = {
  { "count", 'n', 0, G_OPTION_ARG_INT, &opt_count,
    "Hellos to get answered before exiting; 0 = forever (default 1)", "N" },
  { "interval-ms", 'i', 0, G_OPTION_ARG_INT, &opt_interval_ms,
    "Pause between rounds at tempo 1 (default 1000)", "MS" },
  { "timeout-ms", 't', 0, G_OPTION_ARG_INT, &opt_timeout_ms,
    "How long to wait for a reply at tempo 1 before sending again (default 2000)", "MS" },
  { "retries", 'r', 0, G_OPTION_ARG_INT, &opt_retries,
    "Sends again after a timeout before giving up on a round (default 3)", "N" },
  { "message", 'm', 0, G_OPTION_ARG_STRING, &opt_message,
    "What to send (default “Hi server!”)", "TEXT" },
  { NULL }
};

static void send_hello (HelloClient *client, const char *text);

static void
finish (HelloClient *client)
{
  if (client->watch)
    node_loop_remove_fd (client->watch);
  client->watch = 0;
  node_net_close (&client->link);
  printf ("Socket closed\n");
  node_loop_quit (client->failures > 0 ? 1 : 0);
}

static void
on_next_round (gpointer data)
{
  HelloClient *client = data;

  client->timer = 0;
  send_hello (client, NULL);
}

static void
end_round (HelloClient *client)
{
  node_loop_cancel (client->timer);
  client->timer = 0;
  client->waiting = FALSE;
  client->attempts = 0;
  client->rounds++;
  if (opt_count > 0 && client->rounds >= opt_count)
    finish (client);
  else
    client->timer = node_loop_add_tempo_timer (opt_interval_ms, on_next_round, client, NULL);
}

static void
on_reply (const NodeLink *link, const NodeWireMsg *msg, gpointer data)
{
  HelloClient *client = data;
  g_autofree char *text = node_printable (msg->payload, msg->payload_len);

  if (strcmp (msg->kind, "reply") != 0)
    {
      printf ("Ignored a “%s” message: %s\n", msg->kind, text);
      return;
    }
  printf ("Received message from server: %s\n", text);
  if (client->waiting)
    end_round (client);
}

static void
on_timeout (gpointer data)
{
  HelloClient *client = data;

  client->timer = 0;
  if (client->attempts <= opt_retries)
    {
      printf ("No reply yet; sending again\n");
      send_hello (client, NULL);
      return;
    }
  printf ("No reply after %d tries; giving up on this one\n", client->attempts);
  node_report_log ("warning", "no reply after %d tries", client->attempts);
  client->failures++;
  end_round (client);
}

static void
on_readable (int fd, short revents, gpointer data)
{
  HelloClient *client = data;

  if (client->proto == NODE_PROTO_UDP)
    {
      node_net_udp_read (fd, &client->link.local, G_MAXINT, on_reply, client);
      return;
    }
  if (!node_net_tcp_read (&client->link, client->in, on_reply, client))
    {
      printf ("The server closed the connection\n");
      node_loop_remove_fd (client->watch);
      client->watch = 0;
      node_net_close (&client->link);  /* the next send connects again */
    }
}

/* TCP connects lazily, so a client started before its server, or one whose
 * server went away, tries again at its next send. */
static gboolean
ensure_connected (HelloClient *client)
{
  g_autoptr(GError) error = NULL;

  if (client->link.fd >= 0)
    return TRUE;
  if (!node_net_tcp_connect (node_options_port (), &client->link, &error))
    {
      printf ("Could not connect: %s\n", error->message);
      return FALSE;
    }
  printf ("Connected to 127.0.0.1:%u\n", node_options_port ());
  g_string_truncate (client->in, 0);
  client->watch = node_loop_add_fd (client->link.fd, POLLIN, on_readable, client);
  return TRUE;
}

static void
send_hello (HelloClient *client, const char *text)
{
  const char *message = text ? text : opt_message;

  node_loop_cancel (client->timer);
  client->attempts++;
  client->waiting = TRUE;
  if (client->proto == NODE_PROTO_UDP || ensure_connected (client))
    {
      node_net_send (&client->link, "hello", message);
      printf ("Sent to server: %s\n", message);
      printf ("Waiting for response...\n");
    }
  client->timer = node_loop_add_tempo_timer (opt_timeout_ms, on_timeout, client, NULL);
}

/* `post`: one more hello now, whatever the pace says. */
static void
on_post (const char *text, gpointer data)
{
  HelloClient *client = data;
  g_autofree char *line = text ? g_strdelimit (g_strdup (text), "\r\n", ' ') : NULL;

  send_hello (client, line);
}

static int
run_client (HelloClient *client)
{
  g_autoptr(GError) error = NULL;
  int rc;

  client->link.fd = -1;
  client->in = g_string_new (NULL);
  if (client->proto == NODE_PROTO_UDP)
    {
      client->link.proto = NODE_PROTO_UDP;
      client->link.fd = node_net_udp_open (0, &client->link.local, &error);
      if (client->link.fd < 0)
        {
          fprintf (stderr, "%s\n", error->message);
          g_string_free (client->in, TRUE);
          return 1;
        }
      node_net_loopback (node_options_port (), &client->link.peer);
      client->watch = node_loop_add_fd (client->link.fd, POLLIN, on_readable, client);
    }
  node_control_set_post_func (on_post, client);
  send_hello (client, NULL);
  rc = node_loop_run ();
  g_string_free (client->in, TRUE);
  return rc;
}

static void
parse_client_options (const char *role, const char *summary, int argc, char **argv)
{
  node_options_parse (role, summary, entries, argc, argv);
  node_options_require (opt_count >= 0, "--count must be 0 or more");
  node_options_require (opt_interval_ms >= 0, "--interval-ms must be 0 or more");
  node_options_require (opt_timeout_ms > 0, "--timeout-ms must be above 0");
  node_options_require (opt_retries >= 0, "--retries must be 0 or more");
  if (opt_message == NULL)
    opt_message = g_strdup ("Hi server!");
  node_options_require (strpbrk (opt_message, "\r\n") == NULL,
                        "--message must be a single line");
}

int
node_udp_client_main (int argc, char **argv)
{
  HelloClient client = { .proto = NODE_PROTO_UDP };

  parse_client_options ("udp-client",
                        "Chapter 1: a UDP client that says hello and waits for the answer, "
                        "like the lecture's client.py.",
                        argc, argv);
  node_start ("udp-client");
  return node_finish (run_client (&client));
}

int
node_tcp_client_main (int argc, char **argv)
{
  HelloClient client = { .proto = NODE_PROTO_TCP };

  parse_client_options ("tcp-client",
                        "Chapter 1: a TCP client (socket, connect, send, recv, close) that "
                        "says hello, one line per message.",
                        argc, argv);
  node_start ("tcp-client");
  return node_finish (run_client (&client));
}
