/* node-group-replication.c — the log's way from the leader to the others.
 *
 * One entry per `append` (so the class sees every post travel), up to a
 * window of them in flight per follower; an empty `heartbeat` every beat.
 * A follower accepts an entry only after the one before it (index, term,
 * leader) matches its own log, and says where to resume otherwise: that
 * repairs gaps and drops, and catches up a restarted or lagging follower.
 * An entry is delivered once the election's rule calls it safe (majority
 * for raft; for bully and ring every live member and a majority too), in
 * index order, by every server. Never acknowledges a post before that, and
 * never overwrites a safe entry with another leader's.
 */
#include "node-group-server.h"

#include "conclave-report.h"
#include "node-control.h"
#include "node-report.h"

#include <stdio.h>
#include <string.h>

/* ---- delivery ---- */

static void
deliver (const GroupEntry *e, guint64 index, gpointer data)
{
  GroupServer *s = data;

  creport_deliver (e->seq, e->req, e->client ? e->client : "", e->text);
  printf ("Delivered #%" G_GUINT64_FORMAT " (%s): %s\n", e->seq, e->req, e->text);
  if (s->role == GROUP_LEADER)
    group_acknowledge (s, e);
}

void
group_commit_to (GroupServer *s, guint64 index)
{
  group_log_commit (s->log, index, deliver, s);
}

gboolean
group_all_live_have (GroupServer *s, guint64 index)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((GroupMember *) value)->in_view && ((GroupMember *) value)->match_index < index)
      return FALSE;
  return TRUE;
}

gboolean
group_majority_have (GroupServer *s, guint64 index)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 1;  /* we hold it */

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((GroupMember *) value)->match_index >= index ? 1 : 0;
  return n >= group_majority (s);
}

/* Bully and ring: every live member, as the lecture says, and a majority
 * of all the servers, so that a leader cut off with a minority (both
 * sides of a partition elect one) never acknowledges what the majority's
 * leader will overwrite when the partition heals. */
gboolean
group_all_live_and_majority_have (GroupServer *s, guint64 index)
{
  return group_all_live_have (s, index) && group_majority_have (s, index);
}

void
group_advance_commit (GroupServer *s)
{
  guint64 term = group_log_term (s->log);

  /* Only an entry of our own term is counted (Raft's rule); the ones
   * before it are safe with it. */
  for (guint64 n = group_log_last_index (s->log); n > group_log_commit_index (s->log); n--)
    {
      const GroupEntry *e = group_log_get (s->log, n);

      if (e->term != term || strcmp (e->leader, s->name) != 0)
        return;
      if (s->election->committed (s, n))
        {
          group_commit_to (s, n);
          return;
        }
    }
}

/* ---- the leader sends ---- */

static void
add_epoch (GString *payload, const char *term_key, const char *leader_key, const GroupEntry *e)
{
  group_msg_add_u64 (payload, term_key, e ? e->term : 0);
  group_msg_add (payload, leader_key, e ? e->leader : "-");
}

void
group_send_entry (GroupServer *s, GroupMember *m, const char *kind, guint64 index)
{
  const GroupEntry *e = group_log_get (s->log, index);
  GString *payload = group_payload (s);

  group_msg_add_u64 (payload, "idx", index);
  group_msg_add_u64 (payload, "seq", e->seq);
  group_msg_add (payload, "req", e->req ? e->req : "-");
  group_msg_add_u64 (payload, "commit", group_log_commit_index (s->log));
  add_epoch (payload, "pterm", "plead", group_log_get (s->log, index - 1));
  add_epoch (payload, "eterm", "elead", e);
  group_msg_add_u64 (payload, "ts", (guint64) MAX (e->ts_ms, 0));
  group_msg_add (payload, "client", e->client ? e->client : "-");
  group_msg_add (payload, "text", e->text);
  group_send (s, m, kind, payload);
}

static void
send_heartbeat (GroupServer *s, GroupMember *m)
{
  GString *payload = group_payload (s);
  guint64 prev = MIN (m->next_index - 1, group_log_last_index (s->log));

  group_msg_add_u64 (payload, "prev", prev);
  group_msg_add_u64 (payload, "commit", group_log_commit_index (s->log));
  add_epoch (payload, "pterm", "plead", group_log_get (s->log, prev));
  group_msg_add (payload, "vid", s->view_id ? s->view_id : "-");
  group_send (s, m, "heartbeat", payload);
}

/* Entries from next_index on, as far as the window allows. */
static gboolean
send_window (GroupServer *s, GroupMember *m)
{
  guint64 limit = MIN (group_log_last_index (s->log), m->match_index + GROUP_WINDOW);
  gboolean sent = FALSE;

  while (m->reachable && m->next_index <= limit)
    {
      group_send_entry (s, m, "append", m->next_index++);
      sent = TRUE;
    }
  return sent;
}

void
group_replicate (GroupServer *s, GroupMember *m)
{
  if (!m->reachable)
    return;
  if (!send_window (s, m))
    send_heartbeat (s, m);
}

void
group_push_entries (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((GroupMember *) value)->in_view)
      send_window (s, value);
  group_advance_commit (s);  /* alone, the leader is every live member */
}

void
group_replicate_all (GroupServer *s, gboolean probe_absent)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((GroupMember *) value)->in_view || probe_absent)
      group_replicate (s, value);
}

void
group_start_serving (GroupServer *s)
{
  GroupEntry opening = { 0 };
  GHashTableIter iter;
  gpointer value;

  /* An entry of the new term, so the entries before it can be counted
   * safe (Raft's rule), and a clear mark in every log where a term began. */
  opening.term = group_log_term (s->log);
  opening.leader = s->name;
  opening.ts_ms = creport_now_ns () / 1000000;
  opening.text = (char *) "";
  group_log_append (s->log, &opening);
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    group_replicate (s, value);
  group_advance_commit (s);
  group_release_held (s);
}

/* ---- the followers answer ---- */

static void
send_ack (GroupServer *s, GroupMember *m, gboolean ok, guint64 index, gboolean want_view)
{
  GString *payload = group_payload (s);

  group_msg_add (payload, "ok", ok ? "1" : "0");
  group_msg_add_u64 (payload, ok ? "match" : "last", index);
  if (want_view)
    group_msg_add (payload, "view", "1");
  group_send (s, m, "append-ack", payload);
}

static gboolean
same_epoch (const GroupEntry *a, const GroupEntry *b)
{
  return a->term == b->term && strcmp (a->leader, b->leader) == 0;
}

/* Where the leader should resume when the entry before `prev` does not
 * match: our end, or before the run of entries of the conflicting epoch. */
static guint64
resume_hint (GroupServer *s, guint64 prev)
{
  guint64 last = group_log_last_index (s->log), i = prev;
  const GroupEntry *conflict;

  if (last < prev)
    return last;
  conflict = group_log_get (s->log, prev);
  while (i > 1 && i - 1 > group_log_commit_index (s->log)
         && same_epoch (group_log_get (s->log, i - 1), conflict))
    i--;
  return i - 1;
}

/* Stores the entry at prev + 1 unless we hold it already; FALSE when it
 * would replace an entry that is safe here (delivered, perhaps
 * acknowledged): that one stays, whoever sends another. */
gboolean
group_store_entry (GroupServer *s, guint64 index, const GroupMsg *msg)
{
  const GroupEntry *have = group_log_get (s->log, index);
  GroupEntry e = { 0 };

  e.term = group_msg_get_u64 (msg, "eterm", 0);
  e.leader = (char *) group_msg_get (msg, "elead");
  if (have != NULL && have->term == e.term && g_strcmp0 (have->leader, e.leader) == 0)
    return TRUE;
  if (have != NULL && index <= group_log_commit_index (s->log))
    {
      printf ("Kept safe entry #%" G_GUINT64_FORMAT ": %s's log does not have it\n", index, e.leader);
      return FALSE;
    }
  if (have != NULL && group_log_truncate (s->log, index) > 0)
    printf ("Undid delivered posts from #%" G_GUINT64_FORMAT " on: another leader's log wins\n", index);
  e.seq = group_msg_get_u64 (msg, "seq", 0);
  e.ts_ms = (gint64) group_msg_get_u64 (msg, "ts", 0);
  e.req = e.seq > 0 ? (char *) group_msg_get (msg, "req") : NULL;
  e.client = e.seq > 0 ? (char *) group_msg_get (msg, "client") : NULL;
  e.text = (char *) (group_msg_get (msg, "text") ?: "");
  group_log_append (s->log, &e);
  return TRUE;
}

gboolean
group_valid_entry (const GroupMsg *msg)
{
  g_autofree char *client = NULL;
  guint64 n;

  return group_msg_get_u64 (msg, "idx", 0) >= 1 && group_msg_valid_name (group_msg_get (msg, "elead"))
         && (group_msg_get_u64 (msg, "seq", 0) == 0
             || (group_req_parse (group_msg_get (msg, "req"), &client, &n)
                 && g_strcmp0 (client, group_msg_get (msg, "client")) == 0));
}

void
group_on_append (GroupServer *s, GroupMember *m, const char *kind, const GroupMsg *msg)
{
  gboolean append = strcmp (kind, "append") == 0;
  guint64 prev, upto;
  const char *vid = group_msg_get (msg, "vid");

  if (append && !group_valid_entry (msg))
    return;
  if (!group_accept_leader (s, m, group_msg_get_u64 (msg, "term", 0)))
    {
      send_ack (s, m, FALSE, group_log_last_index (s->log), FALSE);
      return;
    }
  prev = append ? group_msg_get_u64 (msg, "idx", 1) - 1 : group_msg_get_u64 (msg, "prev", 0);
  if (!group_log_matches (s->log, prev, group_msg_get_u64 (msg, "pterm", 0), group_msg_get (msg, "plead")))
    {
      send_ack (s, m, FALSE, resume_hint (s, prev), FALSE);
      return;
    }
  upto = prev;
  if (append && !group_store_entry (s, ++upto, msg))
    {
      send_ack (s, m, FALSE, group_log_commit_index (s->log), FALSE);
      return;
    }
  group_commit_to (s, MIN (group_msg_get_u64 (msg, "commit", 0), upto));
  send_ack (s, m, TRUE, upto, vid != NULL && g_strcmp0 (vid, s->view_id) != 0);
}

/* ---- the leader hears back ---- */

static void
repair (GroupServer *s, GroupMember *m, guint64 hint)
{
  guint64 from = MAX (hint + 1, m->match_index + 1);
  gint64 now = creport_now_ns ();

  if (from >= m->next_index)
    return;  /* an old answer: we went back further already */
  m->next_index = from;
  /* Every entry of a lost window answers "missing": resend once per beat. */
  if (m->repair_index == from && now - m->repair_ns < node_control_scale_ms (s->heartbeat_ms) * 1e6)
    return;
  m->repair_index = from;
  m->repair_ns = now;
  group_replicate (s, m);
}

void
group_on_append_ack (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  guint64 term = group_msg_get_u64 (msg, "term", 0);

  if (group_answer_is_newer (s, m, msg))
    return;
  if (s->role != GROUP_LEADER || term < group_log_term (s->log))
    return;
  if (group_msg_get (msg, "view") != NULL)
    group_send_view (s, m);
  if (s->syncing)
    return;  /* our log is still changing: replication starts after the sync */
  if (g_strcmp0 (group_msg_get (msg, "ok"), "1") != 0)
    {
      repair (s, m, group_msg_get_u64 (msg, "last", 0));
      return;
    }
  m->match_index = MAX (m->match_index, MIN (group_msg_get_u64 (msg, "match", 0),
                                             group_log_last_index (s->log)));
  m->next_index = MAX (m->next_index, m->match_index + 1);
  group_advance_commit (s);
  send_window (s, m);
}
