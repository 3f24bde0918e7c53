/* node-square-client.c — chapter 3: an asynchronous client of the pool.
 *
 * Sends numbers without waiting for each answer: up to --in-flight requests
 * are outstanding at once. Answers come back in any order, from any worker,
 * and are matched to their request by the number; each square is checked.
 * A request without an answer after --timeout-ms is sent again (UDP can
 * lose it), --retries times. It must end on its own after --count answers.
 * Each client has its own series so the class sees whose number a worker
 * squared: c1 sends 1, 2, 3…, c2 101, 102…, c3 201… (from its node name,
 * unless --first says otherwise).
 */
#include "conclave-protocol.h"
#include "node-control.h"
#include "node-loop.h"
#include "node-net.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <stdio.h>
#include <string.h>

#define SQUARE_MAX 3037000499LL

static int opt_count = 10;
static int opt_in_flight = 3;
static int opt_interval_ms = 300;
static int opt_timeout_ms = 3000;
static int opt_retries = 3;
#define FIRST_FROM_NAME G_MININT64
static gint64 opt_first = FIRST_FROM_NAME;

static const GOptionEntry entries[] = {
  { "count", 'n', 0, G_OPTION_ARG_INT, &opt_count,
    "Answers to collect before exiting; 0 = forever (default 10)", "N" },
  { "in-flight", 'k', 0, G_OPTION_ARG_INT, &opt_in_flight,
    "Requests outstanding at once, 1 to 1000 (default 3)", "K" },
  { "interval-ms", 'i', 0, G_OPTION_ARG_INT, &opt_interval_ms,
    "Pause between two sends at tempo 1 (default 300)", "MS" },
  { "timeout-ms", 't', 0, G_OPTION_ARG_INT, &opt_timeout_ms,
    "How long to wait for an answer at tempo 1 before sending again (default 3000)", "MS" },
  { "retries", 'r', 0, G_OPTION_ARG_INT, &opt_retries,
    "Sends again after a timeout before giving up on a number (default 3)", "N" },
  { "first", 'f', 0, G_OPTION_ARG_INT64, &opt_first,
    "The first number to send (default: 1 for c1, 101 for c2, 201 for c3 …)", "X" },
  { NULL }
};

typedef struct _Client Client;

/* One number waiting for its square. */
typedef struct {
  Client *client;
  gint64 x;
  int attempts;
  guint timer;
} Outstanding;

struct _Client {
  NodeLink link;
  guint watch;
  GHashTable *outstanding;  /* &x → Outstanding */
  gint64 next;
  int started;              /* numbers begun (not counting retries) */
  int finished;             /* answered or given up */
  int wrong;
  int failures;
  guint max_in_flight;
  guint pace;               /* timer until the next send may go */
};

static void pump (Client *client);

static void
outstanding_free (gpointer data)
{
  Outstanding *out = data;

  node_loop_cancel (out->timer);
  g_free (out);
}

static void send_number (Outstanding *out);

static void
on_timeout (gpointer data)
{
  Outstanding *out = data;
  Client *client = out->client;

  out->timer = 0;
  if (out->attempts <= opt_retries)
    {
      printf ("No answer for %" G_GINT64_FORMAT " yet; sending it again\n", out->x);
      send_number (out);
      return;
    }
  printf ("No answer for %" G_GINT64_FORMAT " after %d tries; giving up on it\n", out->x, out->attempts);
  node_report_log ("warning", "no answer for %" G_GINT64_FORMAT, out->x);
  client->failures++;
  client->finished++;
  g_hash_table_remove (client->outstanding, &out->x);
  pump (client);
}

static void
send_number (Outstanding *out)
{
  Client *client = out->client;
  g_autofree char *payload = g_strdup_printf ("%" G_GINT64_FORMAT, out->x);

  out->attempts++;
  node_net_send (&client->link, "request", payload);
  client->max_in_flight = MAX (client->max_in_flight, g_hash_table_size (client->outstanding));
  printf ("Sent %s (%u in flight)\n", payload, g_hash_table_size (client->outstanding));
  out->timer = node_loop_add_tempo_timer (opt_timeout_ms, on_timeout, out, NULL);
}

static void
start_number (Client *client, gint64 x)
{
  Outstanding *out;

  if (g_hash_table_contains (client->outstanding, &x))
    return;
  out = g_new0 (Outstanding, 1);
  out->client = client;
  out->x = x;
  g_hash_table_insert (client->outstanding, &out->x, out);
  client->started++;
  send_number (out);
}

static gint64
take_next (Client *client)
{
  gint64 x = client->next;

  client->next = x >= SQUARE_MAX ? 1 : x + 1;
  return x;
}

static void
on_pace (gpointer data)
{
  Client *client = data;

  client->pace = 0;
  pump (client);
}

static gboolean
done (Client *client)
{
  return opt_count > 0 && client->finished >= opt_count;
}

/* Sends as many new numbers as the in-flight limit and the pace allow. */
static void
pump (Client *client)
{
  if (done (client))
    {
      printf ("Done: %d answers, %d wrong, %d without answer; at most %u requests were in flight at once\n",
              client->finished - client->failures, client->wrong, client->failures, client->max_in_flight);
      node_loop_remove_fd (client->watch);
      node_net_close (&client->link);
      node_loop_quit (client->wrong > 0 || client->failures > 0 ? 1 : 0);
      return;
    }
  while (client->pace == 0
         && g_hash_table_size (client->outstanding) < (guint) opt_in_flight
         && (opt_count == 0 || client->started < opt_count))
    {
      start_number (client, take_next (client));
      if (opt_interval_ms > 0)
        client->pace = node_loop_add_tempo_timer (opt_interval_ms, on_pace, client, NULL);
    }
}

static void
check_square (Client *client, const char *text)
{
  gint64 x, y, square;
  Outstanding *out;

  if (sscanf (text, "%" G_GINT64_FORMAT "*%" G_GINT64_FORMAT "=%" G_GINT64_FORMAT, &x, &y, &square) != 3)
    {
      printf ("Ignored an answer I cannot read: %s\n", text);
      return;
    }
  out = g_hash_table_lookup (client->outstanding, &x);
  if (out == NULL)
    {
      printf ("Late or duplicate answer for %" G_GINT64_FORMAT "; ignored\n", x);
      return;
    }
  if (y == x && square == x * x)
    printf ("%" G_GINT64_FORMAT " squared is %" G_GINT64_FORMAT "\n", x, square);
  else
    {
      printf ("WRONG: asked for %" G_GINT64_FORMAT " squared, got %s\n", x, text);
      client->wrong++;
    }
  client->finished++;
  g_hash_table_remove (client->outstanding, &x);
  pump (client);
}

static void
on_answer (const NodeLink *link, const NodeWireMsg *msg, gpointer data)
{
  Client *client = data;
  g_autofree char *text = node_printable (msg->payload, msg->payload_len);

  if (strcmp (msg->kind, "square") == 0)
    {
      printf ("Worker %ld answered: %s\n", (long) msg->pid, text);
      check_square (client, text);
    }
  else
    printf ("Ignored a “%s” message: %s\n", msg->kind, text);
}

static void
on_readable (int fd, short revents, gpointer data)
{
  Client *client = data;

  node_net_udp_read (fd, &client->link.local, G_MAXINT, on_answer, client);
}

/* `post`: one more number now (the given one if it is a number). */
static void
on_post (const char *text, gpointer data)
{
  Client *client = data;
  gint64 x;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, -SQUARE_MAX, SQUARE_MAX, &x, NULL))
    x = take_next (client);
  if (opt_count > 0)
    opt_count++;  /* the extra answer is awaited too */
  start_number (client, x);
}

/* c1 → 1, c2 → 101, c7 → 601: the number in $CONCLAVE_NODE; 1 without one. */
static gint64
first_from_name (void)
{
  const char *name = g_getenv (CONCLAVE_ENV_NODE);
  const char *p;
  guint64 n;

  if (name == NULL)
    return 1;
  p = name + strlen (name);
  while (p > name && g_ascii_isdigit (p[-1]))
    p--;
  if (!g_ascii_string_to_unsigned (p, 10, 1, 1000000, &n, NULL))
    return 1;
  return (gint64) (n - 1) * 100 + 1;
}

int
node_square_client_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  Client client = { 0 };
  int rc;

  node_options_parse ("square-client",
                      "Chapter 3: send numbers to the pool asynchronously (several in flight) "
                      "and check every square.",
                      entries, argc, argv);
  node_options_require (opt_count >= 0, "--count must be 0 or more");
  node_options_require (opt_in_flight >= 1 && opt_in_flight <= 1000, "--in-flight must be from 1 to 1000");
  node_options_require (opt_interval_ms >= 0, "--interval-ms must be 0 or more");
  node_options_require (opt_timeout_ms > 0, "--timeout-ms must be above 0");
  node_options_require (opt_retries >= 0, "--retries must be 0 or more");
  if (opt_first == FIRST_FROM_NAME)
    opt_first = first_from_name ();
  node_options_require (opt_first >= -SQUARE_MAX && opt_first <= SQUARE_MAX,
                        "--first must be a number whose square fits in 64 bits");
  node_start ("square-client");
  client.link.proto = NODE_PROTO_UDP;
  client.link.fd = node_net_udp_open (0, &client.link.local, &error);
  if (client.link.fd < 0)
    {
      fprintf (stderr, "%s\n", error->message);
      return node_finish (1);
    }
  node_net_loopback (node_options_port (), &client.link.peer);
  client.outstanding = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, outstanding_free);
  client.next = opt_first;
  client.watch = node_loop_add_fd (client.link.fd, POLLIN, on_readable, &client);
  node_control_set_post_func (on_post, &client);
  pump (&client);
  rc = node_loop_run ();
  g_hash_table_unref (client.outstanding);
  return node_finish (rc);
}
