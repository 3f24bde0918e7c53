/* node-group-sync.c — a new bully or ring leader catches up before serving.
 *
 * Bully and ring choose the leader by id, so the winner may have missed
 * posts (it was down, or joined late). Before it serves, it asks every
 * member where its log ends (`sync`, answered by `sync-ack`), and takes
 * the entries after its own safe prefix from the member whose log is the
 * most recent (`fetch`, answered by `catch-up` entries). It chooses only
 * once a majority of all servers (itself included) answered: a post that
 * was acknowledged is on a majority, so on one of them, and on the most
 * recent log. A leader without a majority waits, and serves nothing. Raft
 * needs none of this: its vote already chose a complete log.
 */
#include "node-group-server.h"

#include "conclave-report.h"
#include "node-control.h"

#include <stdio.h>
#include <string.h>

static gint64
beats_ns (GroupServer *s, double beats)
{
  return (gint64) (node_control_scale_ms (group_beats_ms (s, beats)) * 1e6);
}

static void
send_sync (GroupServer *s, GroupMember *m)
{
  GString *payload = group_payload (s);

  group_msg_add_u64 (payload, "last", group_log_last_index (s->log));
  group_msg_add_u64 (payload, "commit", group_log_commit_index (s->log));
  group_send (s, m, "sync", payload);
}

static void
send_fetch (GroupServer *s)
{
  GString *payload = group_payload (s);
  guint64 from = group_log_last_index (s->log) + 1;

  s->sync_fetch_end = MIN (s->sync_source->sync_last, from + GROUP_WINDOW - 1);
  group_msg_add_u64 (payload, "first", from);
  group_msg_add_u64 (payload, "upto", s->sync_fetch_end);
  group_send (s, s->sync_source, "fetch", payload);
}

static void
finish (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;

  s->syncing = FALSE;
  s->sync_source = NULL;
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((GroupMember *) value)->next_index = group_log_last_index (s->log) + 1;
  printf ("Caught up (%" G_GUINT64_FORMAT " entries): serving\n", group_log_last_index (s->log));
  group_start_serving (s);
}

static gboolean
more_recent (guint64 term_a, guint64 last_a, guint64 term_b, guint64 last_b)
{
  return term_a > term_b || (term_a == term_b && last_a > last_b);
}

/* Everyone answered (or the wait is over): who has the most recent log? */
static void
choose_source (GroupServer *s)
{
  GroupMember *best = NULL;
  guint64 term = group_log_last_term (s->log), last = group_log_last_index (s->log);
  gboolean waiting = FALSE;
  guint answered = 1;  /* us */
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;

      waiting |= m->in_view && !m->synced;
      answered += m->synced;
      if (m->synced && more_recent (m->sync_term, m->sync_last, term, last))
        {
          best = m;
          term = m->sync_term;
          last = m->sync_last;
        }
    }
  if (answered < group_majority (s)
      || (waiting && creport_now_ns () - s->sync_started_ns < beats_ns (s, GROUP_DETECT_BEATS)))
    return;
  if (best == NULL)
    {
      finish (s);
      return;
    }
  printf ("%s has the most recent log (to entry %" G_GUINT64_FORMAT "): fetching from it\n",
          best->name, best->sync_last);
  /* Only what we know to be safe is surely the same everywhere. */
  group_log_truncate (s->log, group_log_commit_index (s->log) + 1);
  s->sync_source = best;
  s->sync_progress_ns = creport_now_ns ();
  send_fetch (s);
}

void
group_begin_sync (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;

  s->syncing = TRUE;
  s->sync_source = NULL;
  s->sync_started_ns = creport_now_ns ();
  printf ("Asking the others how far their logs go before I serve\n");
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;
      m->synced = FALSE;
      if (m->in_view)
        send_sync (s, m);
    }
  choose_source (s);
}

void
group_sync_tick (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;
  gint64 stalled = creport_now_ns () - s->sync_progress_ns;

  /* `sync` doubles as the heartbeat while we catch up. */
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((GroupMember *) value)->in_view)
      send_sync (s, value);
  if (s->sync_source == NULL)
    choose_source (s);
  else if (stalled > beats_ns (s, GROUP_DETECT_BEATS))
    {
      printf ("%s stopped answering: choosing again\n", s->sync_source->name);
      s->sync_source->synced = FALSE;
      s->sync_source = NULL;
      choose_source (s);
    }
  else if (stalled > beats_ns (s, 1))
    send_fetch (s);
}

/* ---- the members' side ---- */

static void
on_sync (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  GString *payload;

  if (!group_accept_leader (s, m, group_msg_get_u64 (msg, "term", 0)))
    return;
  payload = group_payload (s);
  group_msg_add_u64 (payload, "last", group_log_last_index (s->log));
  group_msg_add_u64 (payload, "lterm", group_log_last_term (s->log));
  group_msg_add_u64 (payload, "commit", group_log_commit_index (s->log));
  group_send (s, m, "sync-ack", payload);
}

static void
on_fetch (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  guint64 from = group_msg_get_u64 (msg, "first", 0);
  guint64 to = MIN (group_msg_get_u64 (msg, "upto", 0), group_log_last_index (s->log));

  if (g_strcmp0 (s->leader, m->name) != 0 || from == 0 || to < from || to - from >= GROUP_WINDOW)
    return;
  for (guint64 i = from; i <= to; i++)
    group_send_entry (s, m, "catch-up", i);
}

/* ---- the leader's side ---- */

static void
on_sync_ack (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  if (group_answer_is_newer (s, m, msg))
    return;
  if (!s->syncing || m->synced)
    return;
  m->synced = TRUE;
  m->sync_last = group_msg_get_u64 (msg, "last", 0);
  m->sync_term = group_msg_get_u64 (msg, "lterm", 0);
  if (s->sync_source == NULL)
    choose_source (s);
}

static void
on_catch_up (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  guint64 index = group_msg_get_u64 (msg, "idx", 0);

  if (!s->syncing || m != s->sync_source || !group_valid_entry (msg)
      || index != group_log_last_index (s->log) + 1)
    return;
  group_store_entry (s, index, msg);
  s->sync_progress_ns = creport_now_ns ();
  if (index >= m->sync_last)
    finish (s);
  else if (index >= s->sync_fetch_end)
    send_fetch (s);
}

gboolean
group_sync_handle (GroupServer *s, GroupMember *m, const char *kind, const GroupMsg *msg)
{
  if (strcmp (kind, "sync") == 0)
    on_sync (s, m, msg);
  else if (strcmp (kind, "sync-ack") == 0)
    on_sync_ack (s, m, msg);
  else if (strcmp (kind, "fetch") == 0)
    on_fetch (s, m, msg);
  else if (strcmp (kind, "catch-up") == 0)
    on_catch_up (s, m, msg);
  else
    return FALSE;
  return TRUE;
}
