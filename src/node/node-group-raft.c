/* node-group-raft.c — raft-style election: terms, randomised timeouts,
 * a majority of votes.
 *
 * A follower that hears no leader for a random 3–6 heartbeats (drawn once
 * per term) becomes a
 * candidate of the next term, votes for itself and asks for votes
 * (`vote-request`); a server grants one vote per term (persisted before it
 * answers), and only to a candidate whose log is at least as recent as its
 * own; a majority of all known servers makes a leader. A leader that has
 * not heard from a majority for 3 heartbeats steps down, so a cut-off
 * minority never pretends to lead (time it spent paused itself does not
 * count: see forgive_own_sleep in node-group-server.c). Entries are safe
 * once a majority holds them.
 */
#include "node-group-server.h"

#include "conclave-report.h"
#include "node-control.h"

#include <stdio.h>
#include <string.h>

static guint
count_votes (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 1;  /* our own */

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((GroupMember *) value)->vote ? 1 : 0;
  return n;
}

static void
request_votes (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;
      GString *payload = group_payload (s);

      m->vote = FALSE;
      group_msg_add_u64 (payload, "last", group_log_last_index (s->log));
      group_msg_add_u64 (payload, "lterm", group_log_last_term (s->log));
      group_send (s, m, "vote-request", payload);
    }
}

static void
raft_leader_lost (GroupServer *s)
{
  guint64 term = group_log_term (s->log) + 1;
  g_autofree char *why = NULL;

  if (s->role == GROUP_LEADER)
    return;
  why = group_timeout_why (s);
  group_log_set_term (s->log, term, s->name);
  group_become_candidate (s, why);
  printf ("Election timeout: I am a candidate for term %" G_GUINT64_FORMAT "\n", term);
  request_votes (s);
  if (count_votes (s) >= group_majority (s))
    group_become_leader (s);  /* a group of one */
}

static gboolean
log_is_recent (GroupServer *s, guint64 lterm, guint64 last)
{
  guint64 my_term = group_log_last_term (s->log);

  return lterm > my_term || (lterm == my_term && last >= group_log_last_index (s->log));
}

static void
on_vote_request (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  guint64 term = group_msg_get_u64 (msg, "term", 0);
  const char *voted = NULL;
  gboolean granted;
  GString *payload;

  group_adopt_term (s, term);
  voted = group_log_voted_for (s->log);
  granted = term == group_log_term (s->log) && (voted == NULL || strcmp (voted, m->name) == 0)
            && log_is_recent (s, group_msg_get_u64 (msg, "lterm", 0), group_msg_get_u64 (msg, "last", 0));
  if (granted)
    {
      group_log_set_term (s->log, term, m->name);  /* on disk before the answer leaves */
      group_restart_leader_timer (s);
      printf ("Voted for %s in term %" G_GUINT64_FORMAT "\n", m->name, term);
    }
  payload = group_payload (s);
  group_msg_add (payload, "granted", granted ? "1" : "0");
  group_send (s, m, "vote", payload);
}

static void
on_vote (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  guint64 term = group_msg_get_u64 (msg, "term", 0);

  if (group_answer_is_newer (s, m, msg))
    return;
  if (s->role != GROUP_CANDIDATE || term != group_log_term (s->log)
      || g_strcmp0 (group_msg_get (msg, "granted"), "1") != 0)
    return;
  m->vote = TRUE;
  printf ("%s votes for me: %u of %u needed\n", m->name, count_votes (s), group_majority (s));
  if (count_votes (s) >= group_majority (s))
    group_become_leader (s);
}

static gboolean
raft_handle (GroupServer *s, GroupMember *from, const char *kind, const GroupMsg *msg)
{
  if (strcmp (kind, "vote-request") == 0)
    on_vote_request (s, from, msg);
  else if (strcmp (kind, "vote") == 0)
    on_vote (s, from, msg);
  else
    return FALSE;
  return TRUE;
}

/* Check quorum: a leader cut off from the majority steps down. */
static void
raft_leader_tick (GroupServer *s)
{
  gint64 silence = (gint64) (node_control_scale_ms (group_beats_ms (s, GROUP_RAFT_TIMEOUT_MIN)) * 1e6);
  gint64 now = creport_now_ns ();
  GHashTableIter iter;
  gpointer value;
  guint n = 1;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += now - ((GroupMember *) value)->heard_ns < silence ? 1 : 0;
  if (n >= group_majority (s))
    return;
  printf ("I hear only %u of the %u servers: stepping down\n", n, group_config_size (s));
  group_become_follower (s, NULL);
}

static void
raft_follow (GroupServer *s, GroupMember *leader)
{
}

/* The election timeout is drawn once per term, not at every heartbeat:
 * the Raft paper asks only that each election re-randomise it (a split
 * vote starts a new term, so it does), and a timeout that holds for the
 * term is one the node can report once (`timeout_ms` in its state line)
 * for the window to draw each follower's timer truthfully. */
typedef struct {
  guint64 term;
  double  timeout_ms;
} RaftTimeout;

static double
raft_leader_timeout (GroupServer *s)
{
  RaftTimeout *t = s->algo;

  if (t == NULL)
    {
      s->algo = t = g_new0 (RaftTimeout, 1);
      s->algo_free = g_free;
    }
  if (t->timeout_ms == 0 || t->term != group_log_term (s->log))
    {
      t->term = group_log_term (s->log);
      /* Whole milliseconds: the reported value is exactly the timer's. */
      t->timeout_ms = g_random_int_range ((gint32) group_beats_ms (s, GROUP_RAFT_TIMEOUT_MIN),
                                          (gint32) group_beats_ms (s, GROUP_RAFT_TIMEOUT_MAX) + 1);
    }
  return t->timeout_ms;
}

const GroupElection group_election_raft = {
  .name = "raft",
  .leader_lost = raft_leader_lost,
  .handle = raft_handle,
  .committed = group_majority_have,
  .follow = raft_follow,
  .leader_tick = raft_leader_tick,
  .leader_timeout = raft_leader_timeout,
  .needs_sync = FALSE,
};
