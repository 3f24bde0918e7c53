/* node-group-server.c — chapter 4: a server of the group.
 *
 * Life cycle, members, roles and terms, state reports, and the dispatch of
 * every message to the file that handles it (views, replication, posts,
 * sync, the election). Every protocol time is a tempo timer counted in
 * heartbeats.
 * Nothing a peer sends may crash it: unreadable messages are narrated and
 * ignored.
 */
#include "node-group-server.h"

#include "conclave-report.h"
#include "node-control.h"
#include "node-group-net.h"
#include "node-loop.h"
#include "node-options.h"
#include "node-report.h"
#include "node-roles.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int opt_group_port = GROUP_DEFAULT_PORT;
static char *opt_election = NULL;
static char *opt_discovery = NULL;
static char *opt_name = NULL;
static char *opt_state_dir = NULL;
static int opt_id = 0;
static int opt_heartbeat_ms = 1000;
static int opt_session_ms = 30000;

static const GOptionEntry entries[] = {
  { "group-port", 'g', 0, G_OPTION_ARG_INT, &opt_group_port,
    "The group's discovery port (default 10002)", "PORT" },
  { "election", 'e', 0, G_OPTION_ARG_STRING, &opt_election,
    "How the leader is chosen: raft (default), bully or ring", "ALGORITHM" },
  { "discovery", 0, 0, G_OPTION_ARG_STRING, &opt_discovery,
    "broadcast (" CONCLAVE_GROUP_BROADCAST ", on a LAN the subnet's, default) or multicast ("
    CONCLAVE_GROUP_MULTICAST " on lo, on a LAN on the host's interface)", "HOW" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name,
    "This server's name (default $CONCLAVE_NODE, else s<pid>)", "NAME" },
  { "id", 0, 0, G_OPTION_ARG_INT, &opt_id,
    "Id for bully and ring (default: the number in the name)", "N" },
  { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir,
    "Keep term, vote and log here across restarts (default $CONCLAVE_STATE_DIR)", "DIR" },
  { "heartbeat-ms", 0, 0, G_OPTION_ARG_INT, &opt_heartbeat_ms,
    "Heartbeat interval at tempo 1; every timeout is counted in heartbeats (default 1000)", "MS" },
  { "session-ms", 0, 0, G_OPTION_ARG_INT, &opt_session_ms,
    "A silent client's session expires after this long at tempo 1 (default 30000)", "MS" },
  { NULL }
};

static const char *role_names[] = { "follower", "candidate", "leader" };

/* ---- sending ---- */

double
group_beats_ms (GroupServer *s, double beats)
{
  return s->heartbeat_ms * beats;
}

GString *
group_payload (GroupServer *s)
{
  GString *payload = g_string_new (NULL);

  group_msg_add (payload, "from", s->name);  /* first: node-net looks for it there */
  group_msg_add_u64 (payload, "term", group_log_term (s->log));
  return payload;
}

void
group_send_to_addr (GroupServer *s, const struct sockaddr_in *addr, const char *node,
                    const char *kind, GString *payload)
{
  NodeLink link = s->link;

  link.peer = *addr;
  node_net_send_to (&link, node, kind, payload->str);
  g_string_free (payload, TRUE);
}

void
group_send (GroupServer *s, GroupMember *m, const char *kind, GString *payload)
{
  if (!m->reachable)
    {
      g_string_free (payload, TRUE);
      return;
    }
  group_send_to_addr (s, &m->addr, m->name, kind, payload);
}

/* ---- members ---- */

static guint
id_from_name (const char *name)
{
  const char *p = name + strlen (name);
  guint64 id = 0;

  while (p > name && g_ascii_isdigit (p[-1]))
    p--;
  if (*p == '\0' || !g_ascii_string_to_unsigned (p, 10, 1, G_MAXUINT, &id, NULL))
    return 0;
  return (guint) id;
}

static void
member_free (gpointer data)
{
  GroupMember *m = data;

  g_free (m->name);
  g_free (m);
}

GroupMember *
group_find_member (GroupServer *s, const char *name)
{
  return name ? g_hash_table_lookup (s->members, name) : NULL;
}

GroupMember *
group_learn (GroupServer *s, const char *name, guint id, const struct sockaddr_in *addr)
{
  GroupMember *m;

  if (!group_msg_valid_name (name) || strcmp (name, s->name) == 0)
    return NULL;
  if ((m = group_find_member (s, name)) == NULL)
    {
      m = g_new0 (GroupMember, 1);
      m->name = g_strdup (name);
      m->next_index = group_log_last_index (s->log) + 1;
      g_hash_table_insert (s->members, m->name, m);
      printf ("Learned of server %s\n", name);
    }
  if (id != 0 || m->id == 0)
    m->id = id != 0 ? id : id_from_name (name);
  if (addr != NULL)
    {
      m->addr = *addr;
      m->reachable = TRUE;
    }
  group_log_add_member (s->log, name, m->id);
  return m;
}

guint
group_config_size (GroupServer *s)
{
  return MAX (g_hash_table_size (group_log_members (s->log)), 1);
}

guint
group_majority (GroupServer *s)
{
  return group_config_size (s) / 2 + 1;
}

guint64
group_max_term_seen (GroupServer *s)
{
  return MAX (group_log_term (s->log), group_log_last_term (s->log));
}

/* ---- reporting ---- */

static char *
joined_view (GroupServer *s)
{
  char *view;

  g_ptr_array_add (s->view, NULL);
  view = g_strjoinv (" ", (char **) s->view->pdata);
  g_ptr_array_remove_index (s->view, s->view->len - 1);
  return view;
}

/* What a state line would say, to report changes only. */
static char *
state_summary (GroupServer *s)
{
  g_autofree char *view = joined_view (s);

  return g_strdup_printf ("%s, term %" G_GUINT64_FORMAT ", leader %s, view [%s], timeout %.0f ms", role_names[s->role],
                          group_log_term (s->log), s->leader ? s->leader : "unknown", view, s->timeout_ms);
}

void
group_report_state (GroupServer *s)
{
  g_autofree char *summary = state_summary (s);
  CReportState state = { role_names[s->role], group_log_term (s->log), s->election->name,
                         s->leader, (const char *const *) s->view->pdata, s->view->len,
                         s->role == GROUP_CANDIDATE ? s->why : NULL, s->timeout_ms };

  if (g_strcmp0 (summary, s->reported) == 0)
    return;
  creport_state (&state);
  printf ("State: %s\n", summary);
  g_free (s->reported);
  s->reported = g_steal_pointer (&summary);
}

/* ---- roles and terms ---- */

static void on_leader_timeout (gpointer data);

void
group_restart_leader_timer (GroupServer *s)
{
  double timeout_ms = s->role != GROUP_LEADER ? s->election->leader_timeout (s) : 0;

  node_loop_cancel (s->leader_timer);
  s->leader_timer = 0;
  s->leader_timer_ns = creport_now_ns ();
  if (timeout_ms > 0)
    s->leader_timer = node_loop_add_tempo_timer (timeout_ms, on_leader_timeout, s, NULL);
  /* Reported only when it changes: once per term at most, never per
   * heartbeat (raft draws it per term, bully and ring keep theirs). */
  if (timeout_ms != s->timeout_ms)
    {
      s->timeout_ms = timeout_ms;
      group_report_state (s);
    }
}

static void
on_leader_timeout (gpointer data)
{
  GroupServer *s = data;

  s->leader_timer = 0;
  if (s->role == GROUP_LEADER)
    return;
  if (s->leader != NULL)
    printf ("No heartbeat from %s: the leader is gone\n", s->leader);
  s->election->leader_lost (s);  /* still knows who was lost */
  if (s->role == GROUP_FOLLOWER)
    g_clear_pointer (&s->leader, g_free);
  group_report_state (s);
  if (s->leader_timer == 0 && s->role != GROUP_LEADER)
    group_restart_leader_timer (s);
}

static void
set_role (GroupServer *s, GroupRole role, const char *leader)
{
  gboolean was_leader = s->role == GROUP_LEADER;

  s->role = role;
  if (g_strcmp0 (s->leader, leader) != 0)
    {
      g_free (s->leader);
      s->leader = g_strdup (leader);
    }
  if (was_leader && role != GROUP_LEADER)
    {
      s->syncing = FALSE;
      group_forget_waiting (s);
      group_restart_leader_timer (s);
    }
}

void
group_become_follower (GroupServer *s, GroupMember *leader)
{
  set_role (s, GROUP_FOLLOWER, leader ? leader->name : NULL);
  group_report_state (s);
}

void
group_become_candidate (GroupServer *s, const char *why)
{
  g_free (s->why);
  s->why = g_strdup (why);
  set_role (s, GROUP_CANDIDATE, NULL);
  printf ("Candidate because: %s\n", why);
  group_report_state (s);
}

char *
group_timeout_why (GroupServer *s)
{
  double secs = (double) (creport_now_ns () - s->leader_timer_ns) / 1e9;

  if (s->role == GROUP_CANDIDATE)
    return g_strdup_printf ("term %" G_GUINT64_FORMAT " undecided after %.1f s",
                            group_log_term (s->log), secs);
  if (s->leader != NULL)
    return g_strdup_printf ("no heartbeat from %s for %.1f s", s->leader, secs);
  return g_strdup_printf ("no leader heard for %.1f s", secs);
}

gboolean
group_answer_is_newer (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  guint64 term = group_msg_get_u64 (msg, "term", 0);

  if (term <= group_log_term (s->log))
    return FALSE;
  printf ("%s is in term %" G_GUINT64_FORMAT ", after mine\n", m->name, term);
  group_adopt_term (s, term);
  return TRUE;
}

void
group_adopt_term (GroupServer *s, guint64 term)
{
  if (term <= group_log_term (s->log))
    return;
  group_log_set_term (s->log, term, NULL);
  set_role (s, GROUP_FOLLOWER, NULL);
  group_report_state (s);
}

void
group_become_leader (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = creport_now_ns ();

  set_role (s, GROUP_LEADER, s->name);
  node_loop_cancel (s->leader_timer);
  s->leader_timer = 0;
  s->timeout_ms = 0;
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;
      m->next_index = group_log_last_index (s->log) + 1;
      m->match_index = 0;
      m->repair_index = 0;
      m->in_view = m->reachable && !m->suspected
                   && now - m->heard_ns < node_control_scale_ms (group_beats_ms (s, GROUP_DETECT_BEATS)) * 1e6;
    }
  printf ("I am the leader of term %" G_GUINT64_FORMAT "\n", group_log_term (s->log));
  group_view_changed (s);
  if (s->election->needs_sync)
    group_begin_sync (s);
  else
    group_start_serving (s);
}

gboolean
group_accept_leader (GroupServer *s, GroupMember *m, guint64 term)
{
  GroupMember *current = group_find_member (s, s->leader);

  if (term < group_log_term (s->log))
    return FALSE;
  if (term > group_log_term (s->log))
    group_log_set_term (s->log, term, NULL);
  else if (s->role == GROUP_LEADER && m->id < s->id)
    return FALSE;  /* bully/ring after a partition: the higher id stays */
  else if (current != NULL && current != m && current->id > m->id)
    return FALSE;
  if (s->role != GROUP_FOLLOWER || current != m)
    {
      if (s->role == GROUP_LEADER)
        printf ("%s leads term %" G_GUINT64_FORMAT " too: I step down\n", m->name, term);
      set_role (s, GROUP_FOLLOWER, m->name);
      group_report_state (s);
      s->election->follow (s, m);
    }
  group_restart_leader_timer (s);
  return TRUE;
}

/* ---- messages ---- */

/* A term beyond a step from ours cannot come from this group (see
 * GROUP_TERM_STEP_MAX). */
static gboolean
terms_in_reach (GroupServer *s, const GroupMsg *msg)
{
  static const char * const keys[] = { "term", "mterm", "lterm", "eterm", "pterm" };
  guint64 limit = group_max_term_seen (s) + GROUP_TERM_STEP_MAX;

  /* present but not a number counts as out of reach */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (group_msg_get (msg, keys[i]) != NULL && group_msg_get_u64 (msg, keys[i], G_MAXUINT64) > limit)
      return FALSE;
  return TRUE;
}

static void
on_server_message (GroupServer *s, const NodeLink *link, const char *kind, const GroupMsg *msg)
{
  GroupMember *m = group_learn (s, group_msg_get (msg, "from"),
                                (guint) group_msg_get_u64 (msg, "id", 0), &link->peer);

  if (m == NULL)
    return;
  m->heard_ns = creport_now_ns ();
  if (strcmp (kind, "announce") == 0)
    group_on_announce (s, m, msg);
  else if (strcmp (kind, "view") == 0)
    group_on_view (s, m, msg);
  else if (strcmp (kind, "heartbeat") == 0 || strcmp (kind, "append") == 0)
    group_on_append (s, m, kind, msg);
  else if (strcmp (kind, "append-ack") == 0)
    group_on_append_ack (s, m, msg);
  else if (!group_sync_handle (s, m, kind, msg) && !s->election->handle (s, m, kind, msg))
    printf ("Ignored a “%s” message from %s\n", kind, m->name);
}

static void
on_message (const NodeLink *link, const NodeWireMsg *wire, gpointer data)
{
  GroupServer *s = data;
  GroupMsg msg;

  if (!group_msg_parse (wire->payload, wire->payload_len, &msg))
    {
      g_autofree char *text = node_printable (wire->payload, wire->payload_len);
      printf ("Ignored a “%s” message I cannot read: %s\n", wire->kind, text);
      node_report_log ("warning", "ignored an unreadable %s message", wire->kind);
      return;
    }
  if (!terms_in_reach (s, &msg))
    {
      printf ("Ignored a “%s” message from a term out of reach\n", wire->kind);
      node_report_log ("warning", "ignored a %s message from a term out of reach", wire->kind);
    }
  else if (strcmp (group_msg_get (&msg, "from"), s->name) != 0)  /* our own announcements come back */
    {
      if (strcmp (wire->kind, "discover") == 0)
        group_on_discover (s, link, &msg);
      else if (strcmp (wire->kind, "post") == 0)
        group_on_post (s, link, &msg);
      else
        on_server_message (s, link, wire->kind, &msg);
    }
  group_msg_clear (&msg);
}

static void
on_own_readable (int fd, short revents, gpointer data)
{
  GroupServer *s = data;

  node_net_udp_read (fd, &s->link.local, G_MAXINT, on_message, s);
}

static void
on_group_readable (int fd, short revents, gpointer data)
{
  GroupServer *s = data;

  node_net_udp_read (fd, &s->group_local, G_MAXINT, on_message, s);
}

/* ---- the heartbeat tick ---- */

static gboolean
knows_anyone (GroupServer *s)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((GroupMember *) value)->reachable)
      return TRUE;
  return FALSE;
}

static void
on_session_expired (const char *client, gpointer data)
{
  printf ("Client %s was silent too long: its session expired\n", client);
  node_report_log ("info", "session of %s expired", client);
}

/* A tick far later than its period: this process slept (paused by the
 * teacher, stopped by SIGSTOP). Its sleep is not the others' silence —
 * what they said meanwhile waits in its socket — so the time asleep is
 * not counted, as a raft on logical ticks would not count it. Else a
 * resumed leader gives up at once and the class never sees a stale one. */
static void
forgive_own_sleep (GroupServer *s, gint64 now)
{
  gint64 period = (gint64) (node_control_scale_ms (s->heartbeat_ms) * 1e6);
  gint64 slept = now - s->tick_ns - period;
  GHashTableIter iter;
  gpointer value;

  if (s->tick_ns == 0 || slept < 2 * period)
    return;
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;

      /* never into the future: what it said after we woke is recent already */
      m->heard_ns = MIN (m->heard_ns + slept, now);
    }
}

static void
on_tick (gpointer data)
{
  GroupServer *s = data;
  gint64 now = creport_now_ns ();

  forgive_own_sleep (s, now);
  s->tick_ns = now;
  s->ticks++;
  if (s->role == GROUP_LEADER)
    {
      group_maintain_view (s);
      if (s->election->leader_tick != NULL)
        s->election->leader_tick (s);
      if (s->role == GROUP_LEADER && s->syncing)
        group_sync_tick (s);
      else if (s->role == GROUP_LEADER)
        group_replicate_all (s, s->ticks % 3 == 0);
    }
  else if (s->leader == NULL && !knows_anyone (s) && s->ticks % 2 == 0)
    group_announce (s, NULL);
  group_log_expire_sessions (s->log, now - (gint64) (node_control_scale_ms (s->session_ms) * 1e6),
                             on_session_expired, NULL);
  s->tick_timer = node_loop_add_tempo_timer (s->heartbeat_ms, on_tick, s, NULL);
}

/* ---- start ---- */

static const GroupElection *
election_named (const char *name)
{
  const GroupElection *all[] = { &group_election_raft, &group_election_bully, &group_election_ring };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_strcmp0 (name ? name : "raft", all[i]->name) == 0)
      return all[i];
  return NULL;
}

static gboolean
open_server (GroupServer *s, GroupDiscovery discovery)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = group_net_state_path (opt_state_dir, s->name, ".state");

  s->log = group_log_new (path, &error);
  if (s->log != NULL)
    s->link.fd = group_net_open_own ((guint16) node_options_port (), discovery, &s->link.local, &error);
  if (s->log != NULL && s->link.fd >= 0)
    s->group_fd = group_net_open_group ((guint16) opt_group_port, discovery, &s->group_local, &error);
  if (error != NULL)
    {
      fprintf (stderr, "Server could not start: %s\n", error->message);
      node_report_log ("warning", "server could not start: %s", error->message);
      return FALSE;
    }
  s->link.proto = NODE_PROTO_UDP;
  group_net_group_addr (discovery, (guint16) opt_group_port, &s->group_dst);
  group_log_add_member (s->log, s->name, s->id);
  if (path == NULL)
    printf ("No state directory: a restart of this server forgets its log\n");
  else if (group_log_last_index (s->log) > 0)
    printf ("Read %" G_GUINT64_FORMAT " entries and term %" G_GUINT64_FORMAT " back from %s\n",
            group_log_last_index (s->log), group_log_term (s->log), path);
  return TRUE;
}

static void
boot (GroupServer *s)
{
  GHashTableIter iter;
  gpointer key, value;
  char where[NODE_ADDR_LEN];

  /* Servers we knew before a restart: their addresses come with their answers. */
  g_hash_table_iter_init (&iter, group_log_members (s->log));
  while (g_hash_table_iter_next (&iter, &key, &value))
    group_learn (s, key, GPOINTER_TO_UINT (value), NULL);
  /* What we know to be safe is delivered again by this new process. */
  group_commit_to (s, group_log_commit_index (s->log));
  node_addr_format (&s->link.local, where);
  printf ("Server %s (id %u, %s election) up at %s, group port %d\n", s->name, s->id,
          s->election->name, where, opt_group_port);
  group_report_state (s);
  node_loop_add_fd (s->link.fd, POLLIN, on_own_readable, s);
  node_loop_add_fd (s->group_fd, POLLIN, on_group_readable, s);
  group_announce (s, NULL);
  s->tick_timer = node_loop_add_tempo_timer (s->heartbeat_ms, on_tick, s, NULL);
  group_restart_leader_timer (s);
}

static void
check_options (GroupDiscovery *discovery)
{
  node_options_require (opt_group_port >= 1 && opt_group_port <= 65535,
                        "--group-port must be from 1 to 65535");
  node_options_require (election_named (opt_election) != NULL,
                        "--election must be raft, bully or ring");
  node_options_require (group_net_parse_discovery (opt_discovery, discovery),
                        "--discovery must be broadcast or multicast");
  node_options_require (opt_name == NULL || group_msg_valid_name (opt_name),
                        "--name must be a letter, then letters, digits or -");
  node_options_require (opt_id >= 0, "--id must be 0 or more");
  node_options_require (opt_heartbeat_ms >= 10 && opt_heartbeat_ms <= 60000,
                        "--heartbeat-ms must be from 10 to 60000");
  node_options_require (opt_session_ms >= opt_heartbeat_ms, "--session-ms must be at least a heartbeat");
}

static void
server_clear (GroupServer *s)
{
  node_loop_cancel (s->tick_timer);
  node_loop_cancel (s->leader_timer);
  if (s->algo_free != NULL)
    s->algo_free (s->algo);
  g_clear_pointer (&s->log, group_log_free);
  g_hash_table_unref (s->members);
  g_hash_table_unref (s->waiting);
  g_ptr_array_unref (s->held);
  g_ptr_array_unref (s->view);
  g_free (s->name);
  g_free (s->leader);
  g_free (s->view_id);
  g_free (s->reported);
  g_free (s->why);
}

int
node_group_server_main (int argc, char **argv)
{
  GroupServer s = { 0 };
  GroupDiscovery discovery;
  int code;

  node_options_allow_any_port ();
  node_options_parse ("group-server",
                      "Chapter 4: a server of the group. It finds the others on the group port, "
                      "takes part in electing a leader, and keeps the replicated log of posts. "
                      "--port is its own port (default 0: any free one).",
                      entries, argc, argv);
  check_options (&discovery);
  node_start ("group-server");
  s.name = group_net_node_name (opt_name, 's');
  s.id = opt_id > 0 ? (guint) opt_id : id_from_name (s.name);
  if (s.id == 0)
    s.id = (guint) getpid ();
  s.election = election_named (opt_election);
  s.heartbeat_ms = opt_heartbeat_ms;
  s.session_ms = opt_session_ms;
  s.members = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, member_free);
  s.waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, group_waiting_free);
  s.held = g_ptr_array_new_with_free_func (group_held_free);
  s.view = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (s.view, g_strdup (s.name));
  s.link.fd = s.group_fd = -1;
  node_net_set_sender_func (group_net_sender);
  node_wire_set_key (node_wire_group_key ());
  if (!open_server (&s, discovery))
    {
      server_clear (&s);
      return node_finish (1);
    }
  boot (&s);
  code = node_loop_run ();
  server_clear (&s);
  return node_finish (code);
}
