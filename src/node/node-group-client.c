/* node-group-client.c — chapter 4: a client of the server group.
 *
 * Finds the leader by asking the group port (`discover`; the answer is a
 * `redirect` naming the leader and its port, and on a LAN its host), posts one message at a time
 * at a tempo-scaled pace, and waits for `post-ack`. Without an answer in
 * time it asks again who leads and sends the same request id again, so the
 * group can tell a retry from a new post. Request ids are "<name>:<n>";
 * n survives a restart (kept in the state directory) so an id is never
 * reused. Reports `acked` for every acknowledged post.
 */
#include "conclave-report.h"
#include "node-control.h"
#include "node-group-msg.h"
#include "node-group-net.h"
#include "node-loop.h"
#include "node-net.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define REDIRECTS_PER_TRY 3

static int opt_group_port = GROUP_DEFAULT_PORT;
static char *opt_discovery = NULL;
static char *opt_name = NULL;
static char *opt_state_dir = NULL;
static char *opt_text = NULL;
static int opt_count = 0;
static int opt_interval_ms = 2000;
static int opt_timeout_ms = 3000;

static const GOptionEntry entries[] = {
  { "group-port", 'g', 0, G_OPTION_ARG_INT, &opt_group_port,
    "The group's discovery port (default 10002)", "PORT" },
  { "discovery", 0, 0, G_OPTION_ARG_STRING, &opt_discovery,
    "broadcast (default) or multicast, as the servers use", "HOW" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name,
    "This client's name (default $CONCLAVE_NODE, else c<pid>)", "NAME" },
  { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir,
    "Keep the request counter here across restarts (default $CONCLAVE_STATE_DIR)", "DIR" },
  { "text", 0, 0, G_OPTION_ARG_STRING, &opt_text,
    "What to post (a number is added; default “hello from NAME”)", "TEXT" },
  { "count", 'n', 0, G_OPTION_ARG_INT, &opt_count,
    "Posts to make before exiting; 0 = forever (default)", "N" },
  { "interval-ms", 'i', 0, G_OPTION_ARG_INT, &opt_interval_ms,
    "Pause between two posts at tempo 1; 0 = only on a post command (default 2000)", "MS" },
  { "timeout-ms", 't', 0, G_OPTION_ARG_INT, &opt_timeout_ms,
    "Wait this long at tempo 1 for an acknowledgement before asking again (default 3000)", "MS" },
  { NULL }
};

typedef struct {
  char              *name;
  NodeLink           link;
  struct sockaddr_in group_dst;
  char              *leader;        /* NULL: unknown */
  struct sockaddr_in leader_addr;
  int                counter_fd;    /* -1: ids start at 1 again after a restart */
  guint64            last_n;
  /* the post in flight */
  char              *req;
  char              *text;
  guint              attempts;
  guint              redirects;
  guint              retry_timer;
  guint              pace_timer;
  GQueue            *queued;        /* texts from `post` commands */
  guint              made;          /* posts begun */
  guint              acked;
} Client;

static void pump (Client *c);

/* ---- the request counter ---- */

static void
open_counter (Client *c)
{
  g_autofree char *path = group_net_state_path (opt_state_dir, c->name, ".client");
  g_autofree char *contents = NULL;

  c->counter_fd = -1;
  if (path == NULL)
    return;
  if (g_file_get_contents (path, &contents, NULL, NULL))
    g_ascii_string_to_unsigned (g_strstrip (contents), 10, 0, G_MAXINT64, &c->last_n, NULL);
  c->counter_fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (c->counter_fd < 0)
    fprintf (stderr, "Cannot keep the request counter in %s: %s\n", path, g_strerror (errno));
  else if (c->last_n > 0)
    printf ("Continuing after request %s:%" G_GUINT64_FORMAT "\n", c->name, c->last_n);
}

static guint64
next_request (Client *c)
{
  char line[32];
  int len;

  c->last_n++;
  len = g_snprintf (line, sizeof line, "%020" G_GUINT64_FORMAT "\n", c->last_n);
  /* Written before the post leaves, so a restart never reuses the id. */
  if (c->counter_fd >= 0 && pwrite (c->counter_fd, line, (size_t) len, 0) != len)
    fprintf (stderr, "Could not save the request counter: %s\n", g_strerror (errno));
  return c->last_n;
}

/* ---- sending ---- */

static void
send_payload (Client *c, const struct sockaddr_in *to, const char *node, const char *kind, GString *payload)
{
  NodeLink link = c->link;

  link.peer = *to;
  node_net_send_to (&link, node, kind, payload->str);
  g_string_free (payload, TRUE);
}

static GString *
payload_new (Client *c)
{
  GString *payload = g_string_new (NULL);

  group_msg_add (payload, "from", c->name);
  return payload;
}

static void
discover (Client *c)
{
  printf ("Who leads the group? (asking on the group port)\n");
  send_payload (c, &c->group_dst, NULL, "discover", payload_new (c));
}

static void on_retry (gpointer data);

static void
send_post (Client *c)
{
  GString *payload;

  node_loop_cancel (c->retry_timer);
  c->retry_timer = node_loop_add_tempo_timer (opt_timeout_ms, on_retry, c, NULL);
  if (c->leader == NULL)
    {
      discover (c);  /* the post goes once someone answers */
      return;
    }
  c->attempts++;
  payload = payload_new (c);
  group_msg_add (payload, "req", c->req);
  group_msg_add (payload, "text", c->text);
  printf ("%s %s to %s: %s\n", c->attempts > 1 ? "Sending again" : "Posting", c->req, c->leader, c->text);
  send_payload (c, &c->leader_addr, c->leader, "post", payload);
}

static void
on_retry (gpointer data)
{
  Client *c = data;

  c->retry_timer = 0;
  if (c->req == NULL)
    return;
  printf ("No acknowledgement for %s: the leader may be gone\n", c->req);
  g_clear_pointer (&c->leader, g_free);
  c->redirects = 0;
  send_post (c);
}

static void
start_post (Client *c, char *text)
{
  c->req = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, c->name, next_request (c));
  c->text = text;
  c->attempts = 0;
  c->redirects = 0;
  c->made++;
  send_post (c);
}

static void
on_pace (gpointer data)
{
  Client *c = data;

  c->pace_timer = 0;
  pump (c);
}

static gboolean
finished (Client *c)
{
  return opt_count > 0 && c->made >= (guint) opt_count && g_queue_is_empty (c->queued);
}

/* One post at a time: the next one once the last is acknowledged and the
 * pace allows (a `post` command does not wait for the pace). */
static void
pump (Client *c)
{
  if (c->req != NULL)
    return;
  if (finished (c))
    {
      printf ("Done: %u posts acknowledged\n", c->acked);
      node_net_quit_when_sent (0);
      return;
    }
  if (!g_queue_is_empty (c->queued))
    start_post (c, g_queue_pop_head (c->queued));
  else if (opt_interval_ms > 0 && c->pace_timer == 0)
    {
      guint64 n = c->last_n + 1;
      start_post (c, opt_text ? g_strdup_printf ("%s %" G_GUINT64_FORMAT, opt_text, n)
                              : g_strdup_printf ("hello %" G_GUINT64_FORMAT " from %s", n, c->name));
    }
}

/* ---- answers ---- */

static void
on_post_ack (Client *c, const GroupMsg *msg)
{
  const char *req = group_msg_get (msg, "req");
  guint64 seqno = group_msg_get_u64 (msg, "seqno", 0);

  if (c->req == NULL || g_strcmp0 (req, c->req) != 0 || seqno == 0)
    {
      printf ("Ignored an acknowledgement of %s (late or not mine)\n", req ? req : "nothing");
      return;
    }
  creport_acked (c->req, seqno);
  printf ("%s is safe: #%" G_GUINT64_FORMAT " in the group's log\n", c->req, seqno);
  c->acked++;
  node_loop_cancel (c->retry_timer);
  c->retry_timer = 0;
  g_clear_pointer (&c->req, g_free);
  g_clear_pointer (&c->text, g_free);
  if (opt_interval_ms > 0)
    c->pace_timer = node_loop_add_tempo_timer (opt_interval_ms, on_pace, c, NULL);
  pump (c);
}

static void
on_redirect (Client *c, const NodeLink *link, const GroupMsg *msg)
{
  const char *leader = group_msg_get (msg, "leader");
  guint64 port = group_msg_get_u64 (msg, "port", 0);
  struct sockaddr_in addr;
  gboolean changed;

  if (!group_msg_valid_name (leader) || port == 0 || port > 65535
      || !group_net_peer_addr (group_msg_get (msg, "host"), (guint16) port, &addr))
    return;
  changed = g_strcmp0 (leader, c->leader) != 0;
  if (!changed && strcmp (group_msg_get (msg, "from"), leader) != 0)
    return;  /* one more server telling us what we know */
  if (changed)
    printf ("%s says %s leads\n", group_msg_get (msg, "from"), leader);
  g_free (c->leader);
  c->leader = g_strdup (leader);
  c->leader_addr = addr;
  /* The post went to someone else, or nowhere yet: send it where it belongs. */
  if (c->req != NULL && changed && c->redirects++ < REDIRECTS_PER_TRY)
    send_post (c);
}

static void
on_message (const NodeLink *link, const NodeWireMsg *wire, gpointer data)
{
  Client *c = data;
  GroupMsg msg;

  if (!group_msg_parse (wire->payload, wire->payload_len, &msg))
    {
      printf ("Ignored a “%s” message I cannot read\n", wire->kind);
      return;
    }
  if (strcmp (wire->kind, "post-ack") == 0)
    on_post_ack (c, &msg);
  else if (strcmp (wire->kind, "redirect") == 0)
    on_redirect (c, link, &msg);
  else
    printf ("Ignored a “%s” message\n", wire->kind);
  group_msg_clear (&msg);
}

static void
on_readable (int fd, short revents, gpointer data)
{
  Client *c = data;

  node_net_udp_read (fd, &c->link.local, G_MAXINT, on_message, c);
}

/* `post`: one more post now (after the one in flight). */
static void
on_post_command (const char *text, gpointer data)
{
  Client *c = data;

  g_queue_push_tail (c->queued, g_strdup (text ? text : "a post from the teacher"));
  if (opt_count > 0)
    opt_count++;
  pump (c);
}

static void
client_clear (Client *c)
{
  node_loop_cancel (c->retry_timer);
  node_loop_cancel (c->pace_timer);
  if (c->counter_fd >= 0)
    close (c->counter_fd);
  g_queue_free_full (c->queued, g_free);
  g_free (c->name);
  g_free (c->leader);
  g_free (c->req);
  g_free (c->text);
}

int
node_group_client_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  GroupDiscovery discovery;
  Client c = { 0 };
  char where[NODE_ADDR_LEN];
  int code;

  node_options_allow_any_port ();
  node_options_parse ("group-client",
                      "Chapter 4: a client of the server group. It finds the leader, posts short "
                      "messages and sends each again (same request id) until it is acknowledged.",
                      entries, argc, argv);
  node_options_require (opt_group_port >= 1 && opt_group_port <= 65535, "--group-port must be from 1 to 65535");
  node_options_require (group_net_parse_discovery (opt_discovery, &discovery),
                        "--discovery must be broadcast or multicast");
  node_options_require (opt_name == NULL || group_msg_valid_name (opt_name),
                        "--name must be a letter, then letters, digits or -");
  node_options_require (opt_count >= 0, "--count must be 0 or more");
  node_options_require (opt_interval_ms >= 0, "--interval-ms must be 0 or more");
  node_options_require (opt_timeout_ms > 0, "--timeout-ms must be above 0");
  node_start ("group-client");
  c.name = group_net_node_name (opt_name, 'c');
  c.queued = g_queue_new ();
  c.link.proto = NODE_PROTO_UDP;
  c.link.fd = group_net_open_own ((guint16) node_options_port (), discovery, &c.link.local, &error);
  if (c.link.fd < 0)
    {
      fprintf (stderr, "Client could not start: %s\n", error->message);
      client_clear (&c);
      return node_finish (1);
    }
  group_net_group_addr (discovery, (guint16) opt_group_port, &c.group_dst);
  node_net_set_sender_func (group_net_sender);
  node_wire_set_key (node_wire_group_key ());
  open_counter (&c);
  node_addr_format (&c.link.local, where);
  printf ("Client %s up at %s\n", c.name, where);
  node_loop_add_fd (c.link.fd, POLLIN, on_readable, &c);
  node_control_set_post_func (on_post_command, &c);
  pump (&c);  /* the first post asks who leads */
  if (c.req == NULL)
    discover (&c);
  code = node_loop_run ();
  client_clear (&c);
  return node_finish (code);
}
