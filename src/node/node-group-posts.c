/* node-group-posts.c — what the group does for its clients.
 *
 * A client finds the leader by asking the group port (`discover`; whoever
 * knows the leader answers with a `redirect`) or by posting to anyone (a
 * follower redirects). The leader looks each request id up before it
 * appends: a retry of a post already in the log is not appended again, it
 * is acknowledged (`post-ack`) when its entry is delivered, or at once if
 * it was delivered already. Never acknowledges what is not safe.
 */
#include "node-group-server.h"

#include "conclave-report.h"
#include "node-group-net.h"
#include "node-report.h"
#include "node-roles.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define TEXT_MAX      200
#define WAITING_MAX   4096
#define HELD_MAX      256

typedef struct {
  NodeLink link;
  char    *payload;
} Held;

void
group_waiting_free (gpointer data)
{
  GroupWaiting *w = data;

  g_free (w->client);
  g_free (w);
}

void
group_held_free (gpointer data)
{
  Held *h = data;

  g_free (h->payload);
  g_free (h);
}

/* ---- where the leader is ---- */

/* Adds leader=, port= and (not on 127.0.0.1) host= to payload; FALSE if
 * we know no leader's address. */
static gboolean
add_leader (GroupServer *s, GString *payload)
{
  GroupMember *m = group_find_member (s, s->leader);
  const struct sockaddr_in *addr;
  char host[INET_ADDRSTRLEN];
  const char *text;

  if (s->role == GROUP_LEADER)
    addr = &s->link.local;
  else if (m != NULL && m->reachable)
    addr = &m->addr;
  else
    return FALSE;
  group_msg_add (payload, "leader", s->leader);
  group_msg_add_u64 (payload, "port", ntohs (addr->sin_port));
  if ((text = group_net_host_text (addr, host)) != NULL)
    group_msg_add (payload, "host", text);
  return TRUE;
}

static void
redirect (GroupServer *s, const NodeLink *link, const char *client)
{
  GString *payload = group_payload (s);

  if (!add_leader (s, payload))
    {
      g_string_free (payload, TRUE);
      return;
    }
  group_send_to_addr (s, &link->peer, client, "redirect", payload);
}

void
group_on_discover (GroupServer *s, const NodeLink *link, const GroupMsg *msg)
{
  redirect (s, link, group_msg_get (msg, "from"));
}

/* ---- acknowledgements ---- */

static void
send_post_ack (GroupServer *s, const struct sockaddr_in *addr, const char *client,
               const char *req, guint64 seq)
{
  GString *payload = group_payload (s);

  group_msg_add (payload, "req", req);
  group_msg_add_u64 (payload, "seqno", seq);
  group_send_to_addr (s, addr, client, "post-ack", payload);
}

void
group_acknowledge (GroupServer *s, const GroupEntry *e)
{
  GroupWaiting *w = g_hash_table_lookup (s->waiting, e->req);

  if (w == NULL)
    return;
  send_post_ack (s, &w->addr, w->client, e->req, e->seq);
  g_hash_table_remove (s->waiting, e->req);
}

static void
wait_for_delivery (GroupServer *s, const NodeLink *link, const char *client, const char *req)
{
  GroupWaiting *w;

  if (g_hash_table_size (s->waiting) >= WAITING_MAX && !g_hash_table_contains (s->waiting, req))
    return;  /* the client will retry */
  w = g_new0 (GroupWaiting, 1);
  w->addr = link->peer;
  w->client = g_strdup (client);
  g_hash_table_replace (s->waiting, g_strdup (req), w);
}

void
group_forget_waiting (GroupServer *s)
{
  g_hash_table_remove_all (s->waiting);
  if (s->held != NULL)
    g_ptr_array_set_size (s->held, 0);
}

/* ---- posts ---- */

static void
hold (GroupServer *s, const NodeLink *link, const GroupMsg *msg)
{
  Held *h;
  GString *payload = g_string_new (NULL);

  if (s->held->len >= HELD_MAX)
    {
      g_string_free (payload, TRUE);
      return;
    }
  for (guint i = 0; i < msg->n; i++)
    group_msg_add (payload, msg->keys[i], msg->values[i]);
  h = g_new0 (Held, 1);
  h->link = *link;
  h->payload = g_string_free (payload, FALSE);
  g_ptr_array_add (s->held, h);
}

void
group_release_held (GroupServer *s)
{
  g_autoptr(GPtrArray) held = s->held;

  s->held = g_ptr_array_new_with_free_func (group_held_free);
  for (guint i = 0; i < held->len; i++)
    {
      Held *h = held->pdata[i];
      GroupMsg msg;

      if (group_msg_parse (h->payload, strlen (h->payload), &msg))
        group_on_post (s, &h->link, &msg);
      group_msg_clear (&msg);
    }
}

/* Printable, at most TEXT_MAX bytes, cut between characters. */
static char *
clean_text (const char *text)
{
  g_autofree char *printable = node_printable (text ? text : "", text ? strlen (text) : 0);
  const char *end = printable;

  while (*end != '\0')
    {
      const char *next = g_utf8_next_char (end);
      if (next - printable > TEXT_MAX)
        break;
      end = next;
    }
  return g_strndup (printable, (gsize) (end - printable));
}

static void
append_post (GroupServer *s, const char *req, const char *client, const char *text)
{
  GroupEntry e = { 0 };
  g_autofree char *clean = clean_text (text);

  e.term = group_log_term (s->log);
  e.leader = s->name;
  e.seq = group_log_next_seq (s->log);
  e.ts_ms = creport_now_ns () / 1000000;
  e.req = (char *) req;
  e.client = (char *) client;
  e.text = clean;
  printf ("Post %s from %s gets #%" G_GUINT64_FORMAT "\n", req, client, e.seq);
  group_log_append (s->log, &e);
  group_push_entries (s);
}

void
group_on_post (GroupServer *s, const NodeLink *link, const GroupMsg *msg)
{
  const char *client = group_msg_get (msg, "from");
  const char *req = group_msg_get (msg, "req");
  g_autofree char *req_client = NULL;
  guint64 n, where = 0;

  if (!group_req_parse (req, &req_client, &n) || strcmp (req_client, client) != 0)
    {
      printf ("Ignored a post from %s without a proper request id\n", client);
      return;
    }
  if (s->role != GROUP_LEADER)
    {
      redirect (s, link, client);
      return;
    }
  if (s->syncing)
    {
      hold (s, link, msg);
      return;
    }
  group_log_touch_session (s->log, client, creport_now_ns ());
  switch (group_log_find_req (s->log, req, &where))
    {
    case GROUP_REQ_NEW:
      wait_for_delivery (s, link, client, req);
      append_post (s, req, client, group_msg_get (msg, "text"));
      break;
    case GROUP_REQ_PENDING:
      printf ("Post %s again: it is entry %" G_GUINT64_FORMAT ", not safe yet\n", req, where);
      wait_for_delivery (s, link, client, req);
      break;
    case GROUP_REQ_DONE:
      printf ("Post %s again: delivered as #%" G_GUINT64_FORMAT " already\n", req, where);
      send_post_ack (s, &link->peer, client, req, where);
      break;
    case GROUP_REQ_STALE:
    default:
      printf ("Ignored an old retry of %s\n", req);
      break;
    }
}
