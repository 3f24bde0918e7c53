/* node-group-bully.c — the bully election: the highest id wins.
 *
 * A server that misses the leader sends `election` to every server with a
 * higher id. If none `answer` within a heartbeat, it wins and tells
 * everyone (`coordinator`, with a term one past any it has seen). If one
 * answers, it waits for that one's `coordinator`, and starts again if none
 * comes. A server that hears from a lower one, or follows a lower leader,
 * takes over: that is the bullying. An entry is safe once every live
 * member and a majority of all servers hold it. Across a partition both
 * sides elect a leader: split brain, which the checker shows; only the
 * majority's can acknowledge posts.
 */
#include "node-group-server.h"

#include "node-loop.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  gboolean electing;
  gboolean answered;
  guint    timer;
} Bully;

static Bully *
bully (GroupServer *s)
{
  if (s->algo == NULL)
    {
      s->algo = g_new0 (Bully, 1);
      s->algo_free = g_free;
    }
  return s->algo;
}

static void
stop_electing (GroupServer *s)
{
  Bully *b = bully (s);

  node_loop_cancel (b->timer);
  b->timer = 0;
  b->electing = FALSE;
}

static void
send_coordinator (GroupServer *s, GroupMember *m)
{
  GString *payload = group_payload (s);

  group_msg_add_u64 (payload, "id", s->id);
  group_send (s, m, "coordinator", payload);
}

static void
win (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;

  stop_electing (s);
  group_log_set_term (s->log, group_max_term_seen (s) + 1, NULL);
  printf ("Nobody higher answered: I am the coordinator\n");
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    send_coordinator (s, value);
  group_become_leader (s);
}

static void start_election (GroupServer *s, const char *why);

static void
on_timer (gpointer data)
{
  GroupServer *s = data;
  Bully *b = bully (s);

  b->timer = 0;
  if (!b->answered)
    {
      win (s);
      return;
    }
  printf ("A higher server answered but never took over: electing again\n");
  b->electing = FALSE;
  start_election (s, "a higher server answered but never announced itself coordinator");
}

static void
start_election (GroupServer *s, const char *why)
{
  Bully *b = bully (s);
  GHashTableIter iter;
  gpointer value;
  guint higher = 0;

  if (b->electing || s->role == GROUP_LEADER)
    return;
  b->electing = TRUE;
  b->answered = FALSE;
  group_become_candidate (s, why);
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;
      if (m->id > s->id && m->reachable)
        {
          group_send (s, m, "election", group_payload (s));
          higher++;
        }
    }
  printf ("Election: asking the %u server(s) with a higher id than %u\n", higher, s->id);
  if (higher == 0)
    win (s);
  else
    b->timer = node_loop_add_tempo_timer (group_beats_ms (s, 1), on_timer, s, NULL);
}

static void
bully_leader_lost (GroupServer *s)
{
  g_autofree char *why = group_timeout_why (s);

  start_election (s, why);
}

/* "s1 (id 1) called an election; my id 2 is higher" */
static void
start_election_over (GroupServer *s, GroupMember *lower, const char *what)
{
  g_autofree char *why = g_strdup_printf ("%s (id %u) %s; my id %u is higher",
                                          lower->name, lower->id, what, s->id);

  start_election (s, why);
}

static void
on_election (GroupServer *s, GroupMember *m)
{
  if (m->id > s->id)
    return;  /* only lower servers ask us */
  group_send (s, m, "answer", group_payload (s));
  if (s->role == GROUP_LEADER)
    send_coordinator (s, m);  /* still here: it should know */
  else
    start_election_over (s, m, "called an election");
}

static void
on_answer (GroupServer *s, GroupMember *m)
{
  Bully *b = bully (s);

  if (!b->electing || b->answered || m->id < s->id)
    return;
  b->answered = TRUE;
  node_loop_cancel (b->timer);
  b->timer = node_loop_add_tempo_timer (group_beats_ms (s, GROUP_DETECT_BEATS), on_timer, s, NULL);
}

static void
on_coordinator (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  guint64 term = group_msg_get_u64 (msg, "term", 0);

  if (m->id < s->id)
    {
      /* A lower server leads: we know better, and take over. */
      if (term > group_log_term (s->log))
        group_log_set_term (s->log, term, NULL);
      start_election_over (s, m, "claims to lead");
      return;
    }
  if (group_accept_leader (s, m, term))
    stop_electing (s);
}

static gboolean
bully_handle (GroupServer *s, GroupMember *from, const char *kind, const GroupMsg *msg)
{
  if (strcmp (kind, "election") == 0)
    on_election (s, from);
  else if (strcmp (kind, "answer") == 0)
    on_answer (s, from);
  else if (strcmp (kind, "coordinator") == 0)
    on_coordinator (s, from, msg);
  else
    return FALSE;
  return TRUE;
}

static void
bully_follow (GroupServer *s, GroupMember *leader)
{
  stop_electing (s);
  if (leader->id < s->id)
    start_election_over (s, leader, "leads");
}

static double
bully_leader_timeout (GroupServer *s)
{
  return group_beats_ms (s, GROUP_DETECT_BEATS);
}

const GroupElection group_election_bully = {
  .name = "bully",
  .leader_lost = bully_leader_lost,
  .handle = bully_handle,
  .committed = group_all_live_and_majority_have,
  .follow = bully_follow,
  .leader_tick = NULL,
  .leader_timeout = bully_leader_timeout,
  .needs_sync = TRUE,
};
