/* node-group-ring.c — the ring election (LCR / Chang–Roberts).
 *
 * The servers of the view form a ring in id order. A server that misses
 * the leader sends `election` with its own id to its successor. Each
 * server passes on a higher id, swallows a lower one if it already sent
 * its own, or replaces it with its own; an id that comes back to its owner
 * has gone all the way round: the owner leads and sends `coordinator`
 * round the ring. Every hop is acknowledged (`answer`); a successor that
 * does not answer within a heartbeat is skipped. An entry is safe once
 * every live member holds it; a partition makes two rings and two leaders.
 */
#include "node-group-server.h"

#include "node-loop.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  gboolean     participant;
  guint        round_timer;
  /* the token last sent, until the successor acknowledges it */
  guint        hop_timer;
  char        *hop_kind;
  GHashTable  *hop_fields;  /* key → value */
  GroupMember *hop_to;
} Ring;

static void
ring_free (gpointer data)
{
  Ring *r = data;

  g_free (r->hop_kind);
  g_hash_table_unref (r->hop_fields);
  g_free (r);
}

static Ring *
ring (GroupServer *s)
{
  if (s->algo == NULL)
    {
      Ring *r = g_new0 (Ring, 1);
      r->hop_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      s->algo = r;
      s->algo_free = ring_free;
    }
  return s->algo;
}

/* The next server after us in id order, wrapping round; NULL if alone. */
static GroupMember *
successor (GroupServer *s)
{
  g_autoptr(GPtrArray) members = group_ring_members (s);

  for (guint i = 0; i < members->len; i++)
    if (((GroupMember *) members->pdata[i])->id > s->id)
      return members->pdata[i];
  return members->len > 0 ? members->pdata[0] : NULL;
}

static void token_returned (GroupServer *s, const char *kind);
static void send_hop (GroupServer *s);

static void
on_hop_timeout (gpointer data)
{
  GroupServer *s = data;
  Ring *r = ring (s);

  r->hop_timer = 0;
  if (r->hop_to == NULL)
    return;
  printf ("%s did not pass the %s on: skipping it\n", r->hop_to->name, r->hop_kind);
  r->hop_to->suspected = TRUE;
  send_hop (s);
}

static void
send_hop (GroupServer *s)
{
  Ring *r = ring (s);
  GString *payload;
  GHashTableIter iter;
  gpointer key, value;

  node_loop_cancel (r->hop_timer);
  r->hop_timer = 0;
  r->hop_to = successor (s);
  if (r->hop_to == NULL)
    {
      token_returned (s, r->hop_kind);  /* a ring of one */
      return;
    }
  payload = group_payload (s);
  g_hash_table_iter_init (&iter, r->hop_fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    group_msg_add (payload, key, value);
  group_send (s, r->hop_to, r->hop_kind, payload);
  r->hop_timer = node_loop_add_tempo_timer (group_beats_ms (s, 1), on_hop_timeout, s, NULL);
}

/* Passes a token to the successor: fields are key, value, …, NULL. */
static void
pass_token (GroupServer *s, const char *kind, ...)
{
  Ring *r = ring (s);
  const char *key;
  va_list args;

  g_free (r->hop_kind);
  r->hop_kind = g_strdup (kind);
  g_hash_table_remove_all (r->hop_fields);
  va_start (args, kind);
  while ((key = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (r->hop_fields, g_strdup (key), g_strdup (va_arg (args, const char *)));
  va_end (args);
  send_hop (s);
}

static void start_election (GroupServer *s, const char *why);

static void
on_round_timeout (gpointer data)
{
  GroupServer *s = data;
  Ring *r = ring (s);

  r->round_timer = 0;
  printf ("The election did not come round: starting again\n");
  r->participant = FALSE;
  start_election (s, "my election did not come round the ring");
}

static void
pass_election (GroupServer *s, guint id, guint64 max_term)
{
  g_autofree char *cand = g_strdup_printf ("%u", id);
  g_autofree char *term = g_strdup_printf ("%" G_GUINT64_FORMAT, max_term);

  pass_token (s, "election", "cand", cand, "mterm", term, NULL);
}

static void
start_election (GroupServer *s, const char *why)
{
  Ring *r = ring (s);
  g_autoptr(GPtrArray) members = NULL;

  if (r->participant || s->role == GROUP_LEADER)
    return;
  r->participant = TRUE;
  group_become_candidate (s, why);
  members = group_ring_members (s);
  printf ("Election: sending my id %u round the ring of %u\n", s->id, members->len + 1);
  node_loop_cancel (r->round_timer);
  r->round_timer = node_loop_add_tempo_timer (group_beats_ms (s, 2.0 * (members->len + 2)),
                                              on_round_timeout, s, NULL);
  pass_election (s, s->id, group_max_term_seen (s));
}

static void
ring_leader_lost (GroupServer *s)
{
  GroupMember *lost = group_find_member (s, s->leader);
  g_autofree char *why = group_timeout_why (s);

  if (lost != NULL)
    lost->suspected = TRUE;
  start_election (s, why);
}

static void
elected (GroupServer *s, guint64 max_term)
{
  Ring *r = ring (s);
  g_autofree char *id = g_strdup_printf ("%u", s->id);

  node_loop_cancel (r->round_timer);
  r->round_timer = 0;
  r->participant = FALSE;
  if (s->role == GROUP_LEADER)
    return;  /* a copy of our token came round again */
  group_log_set_term (s->log, MAX (max_term, group_max_term_seen (s)) + 1, NULL);
  printf ("My id came all the way round: I lead\n");
  group_become_leader (s);
  pass_token (s, "coordinator", "leader", s->name, "lid", id, NULL);
}

static void
token_returned (GroupServer *s, const char *kind)
{
  if (strcmp (kind, "election") == 0)
    elected (s, group_max_term_seen (s));
}

static void
on_election (GroupServer *s, const GroupMsg *msg)
{
  Ring *r = ring (s);
  guint cand = (guint) group_msg_get_u64 (msg, "cand", 0);
  guint64 max_term = MAX (group_msg_get_u64 (msg, "mterm", 0), group_max_term_seen (s));

  if (cand > s->id)
    {
      r->participant = TRUE;
      pass_election (s, cand, max_term);
    }
  else if (cand == s->id)
    elected (s, max_term);
  else if (!r->participant && s->role != GROUP_LEADER)
    {
      g_autofree char *why = g_strdup_printf ("the election token of id %u reached me; my id %u is higher",
                                              cand, s->id);

      r->participant = TRUE;
      group_become_candidate (s, why);
      pass_election (s, s->id, max_term);
    }
}

static void
on_coordinator (GroupServer *s, const GroupMsg *msg)
{
  Ring *r = ring (s);
  const char *name = group_msg_get (msg, "leader");
  GroupMember *leader;

  if (g_strcmp0 (name, s->name) == 0)
    return;  /* round the ring and back: everyone knows */
  leader = group_find_member (s, name);
  if (leader == NULL || !group_accept_leader (s, leader, group_msg_get_u64 (msg, "term", 0)))
    return;
  r->participant = FALSE;
  pass_token (s, "coordinator", "leader", name, "lid", group_msg_get (msg, "lid") ?: "0", NULL);
}

static gboolean
ring_handle (GroupServer *s, GroupMember *from, const char *kind, const GroupMsg *msg)
{
  Ring *r = ring (s);

  if (strcmp (kind, "answer") == 0)
    {
      if (from == r->hop_to)
        {
          node_loop_cancel (r->hop_timer);
          r->hop_timer = 0;
          r->hop_to = NULL;
        }
      return TRUE;
    }
  if (strcmp (kind, "election") != 0 && strcmp (kind, "coordinator") != 0)
    return FALSE;
  group_send (s, from, "answer", group_payload (s));  /* the hop arrived */
  if (strcmp (kind, "election") == 0)
    on_election (s, msg);
  else
    on_coordinator (s, msg);
  return TRUE;
}

static void
ring_follow (GroupServer *s, GroupMember *leader)
{
  Ring *r = ring (s);

  r->participant = FALSE;
  node_loop_cancel (r->round_timer);
  r->round_timer = 0;
}

static double
ring_leader_timeout (GroupServer *s)
{
  return group_beats_ms (s, GROUP_DETECT_BEATS);
}

const GroupElection group_election_ring = {
  .name = "ring",
  .leader_lost = ring_leader_lost,
  .handle = ring_handle,
  .committed = group_all_live_and_majority_have,
  .follow = ring_follow,
  .leader_tick = NULL,
  .leader_timeout = ring_leader_timeout,
  .needs_sync = TRUE,
};
