/* node-group-view.c — discovery and views of the server group.
 *
 * A new server announces itself on the group port; every server answers
 * it (so the newcomer learns where everyone is); the leader puts it in the
 * view and tells every member (`view`, with names, ids and ports, and on a
 * LAN the hosts' addresses). The
 * leader also takes out whoever fell silent. Followers hold the leader's
 * view; the ring election goes round it. Never trusts a view entry it
 * cannot read.
 */
#include "node-group-server.h"

#include "conclave-report.h"
#include "node-control.h"
#include "node-group-net.h"
#include "node-net.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

void
group_announce (GroupServer *s, GroupMember *to)
{
  GString *payload = group_payload (s);

  group_msg_add_u64 (payload, "id", s->id);
  if (s->leader != NULL)
    group_msg_add (payload, "leader", s->leader);
  if (to != NULL)
    {
      group_msg_add (payload, "reply", "1");
      group_send (s, to, "announce", payload);
      return;
    }
  group_send_to_addr (s, &s->group_dst, NULL, "announce", payload);
}

static gint
by_id (gconstpointer a, gconstpointer b)
{
  const GroupMember *x = *(GroupMember **) a, *y = *(GroupMember **) b;

  return x->id != y->id ? (x->id < y->id ? -1 : 1) : strcmp (x->name, y->name);
}

GPtrArray *
group_ring_members (GroupServer *s)
{
  GPtrArray *ring = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;
      /* Before any view (the group is just starting) everyone we heard of. */
      if ((m->in_view || s->view_id == NULL) && m->reachable && !m->suspected)
        g_ptr_array_add (ring, m);
    }
  g_ptr_array_sort (ring, by_id);
  return ring;
}

static gint
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
set_view (GroupServer *s, GPtrArray *names)
{
  g_ptr_array_sort (names, by_name);
  g_ptr_array_unref (s->view);
  s->view = names;
}

static void
recompute_view (GroupServer *s)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  g_ptr_array_add (names, g_strdup (s->name));
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((GroupMember *) value)->in_view)
      g_ptr_array_add (names, g_strdup (((GroupMember *) value)->name));
  set_view (s, names);
}

/* ",name:id:port", and ":host" when it is not 127.0.0.1. */
static void
add_member (GString *list, const char *name, guint id, const struct sockaddr_in *addr)
{
  char host[INET_ADDRSTRLEN];
  const char *text = group_net_host_text (addr, host);

  g_string_append_printf (list, "%s%s:%u:%u", list->len > 0 ? "," : "", name, id,
                          (unsigned) ntohs (addr->sin_port));
  if (text != NULL)
    g_string_append_printf (list, ":%s", text);
}

void
group_send_view (GroupServer *s, GroupMember *to)
{
  GString *payload = group_payload (s);
  GString *list = g_string_new (NULL);

  add_member (list, s->name, s->id, &s->link.local);
  for (guint i = 0; i < s->view->len; i++)
    {
      GroupMember *m = group_find_member (s, s->view->pdata[i]);
      if (m != NULL)
        add_member (list, m->name, m->id, &m->addr);
    }
  group_msg_add (payload, "vid", s->view_id);
  group_msg_add (payload, "members", list->str);
  g_string_free (list, TRUE);
  group_send (s, to, "view", payload);
}

void
group_view_changed (GroupServer *s)
{
  recompute_view (s);
  s->view_serial++;
  g_free (s->view_id);
  s->view_id = g_strdup_printf ("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT,
                                group_log_term (s->log), s->view_serial);
  for (guint i = 0; i < s->view->len; i++)
    {
      GroupMember *m = group_find_member (s, s->view->pdata[i]);
      if (m != NULL)
        group_send_view (s, m);
    }
  group_report_state (s);
}

/* The leader: who answered lately is in the view, who fell silent is not. */
void
group_maintain_view (GroupServer *s)
{
  gint64 now = creport_now_ns ();
  gint64 silence = (gint64) (node_control_scale_ms (group_beats_ms (s, GROUP_DETECT_BEATS)) * 1e6);
  gboolean changed = FALSE;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GroupMember *m = value;
      gboolean live = m->reachable && now - m->heard_ns < silence;

      if (live == m->in_view)
        continue;
      printf (live ? "%s joins the view\n" : "%s fell silent: it leaves the view\n", m->name);
      m->in_view = live;
      changed = TRUE;
    }
  if (changed)
    group_view_changed (s);
}

/* "s1:1:40001,s2:2:40002" from the leader (on a LAN
 * "s1:1:40001:10.77.0.2,…"): the members and where they are. */
void
group_on_view (GroupServer *s, GroupMember *from, const GroupMsg *msg)
{
  g_auto(GStrv) items = g_strsplit (group_msg_get (msg, "members") ?: "", ",", -1);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  if (!group_accept_leader (s, from, group_msg_get_u64 (msg, "term", 0)))
    {
      g_ptr_array_unref (names);
      return;
    }
  g_hash_table_iter_init (&iter, s->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((GroupMember *) value)->in_view = ((GroupMember *) value)->suspected = FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (items[i], ":", 4);
      guint64 id, port;
      struct sockaddr_in addr;
      GroupMember *m;

      if (g_strv_length (f) < 3 || !group_msg_valid_name (f[0])
          || !g_ascii_string_to_unsigned (f[1], 10, 0, G_MAXUINT, &id, NULL)
          || !g_ascii_string_to_unsigned (f[2], 10, 1, 65535, &port, NULL)
          || !group_net_peer_addr (f[3], (guint16) port, &addr))
        continue;
      if ((m = group_learn (s, f[0], (guint) id, &addr)) != NULL)
        m->in_view = TRUE;
      g_ptr_array_add (names, g_strdup (f[0]));
    }
  set_view (s, names);
  g_free (s->view_id);
  s->view_id = g_strdup (group_msg_get (msg, "vid"));
  group_report_state (s);
}

void
group_on_announce (GroupServer *s, GroupMember *m, const GroupMsg *msg)
{
  if (group_msg_get (msg, "reply") == NULL)
    {
      printf ("%s announced itself\n", m->name);
      group_announce (s, m);
    }
  if (s->role != GROUP_LEADER)
    return;
  if (!m->in_view)
    group_maintain_view (s);
  else
    group_send_view (s, m);  /* it restarted: it needs the view again */
}

