/* test-lan-window.c — the main menu's network switch (win.network).
 *
 * Choosing "lan" puts the window's cluster on Conclave's LAN; three programs
 * then run on hosts of their own, and the cluster view shows each with
 * its address beside its role and a cable to the switch
 * (screenshots/lan-window.png); isolating s2 cuts its cable
 * (lan-window-cut.png) and moves its host off the switch. A broadcast
 * from s1, seen from the past (the scrubber): its dot to s2 goes down
 * s1's cable, is at the switch at half its flight, and comes up s2's
 * (lan-window-flight.png: near its end), never straight across. While they run,
 * choosing loopback is refused and the menu still says "lan"; once they
 * are gone it is taken. Chapter 4 on the LAN, saved and opened again:
 * the recording shows the same hosts at the same addresses and the
 * switch (lan-window-chapter-4.png, lan-window-recording.png). Skipped
 * where the kernel allows no user namespace (the toast says why).
 */
#include "ui-test-utils.h"

#include "conclave-cluster-view.h"
#include "conclave-save.h"
#include "conclave-session.h"
#include "conclave-tempo.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define PYTHON "/usr/bin/python3"

static const char *
network_state (ConclaveWindow *window)
{
  static char state[16];
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), "network");
  g_autoptr(GVariant) value = NULL;

  g_assert_nonnull (action);
  value = g_action_get_state (action);
  g_strlcpy (state, g_variant_get_string (value, NULL), sizeof state);
  return state;
}

/* Each bound and said who it is. */
static gboolean
peers_ready (gpointer data)
{
  ConclaveCluster *cluster = data;

  for (const char * const *name = (const char * const []) { "s1", "s2", "c1", NULL }; *name; name++)
    {
      ConclaveNode *node = conclave_cluster_lookup (cluster, *name);
      guint n = node ? conclave_node_get_n_output (node) : 0;

      if (!ui_test_node_running (cluster, *name) || n < 2)
        return FALSE;
    }
  return TRUE;
}

static void
start_peer (ConclaveCluster *cluster, const char *name, const char *peer, gboolean server)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "lan", "lan_peer.py", NULL);
  const char *argv[] = { PYTHON, script, "--peer", peer, "--timeout", "60", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (conclave_cluster_add_program (cluster, name, argv, NULL, server, &error));
  g_assert_no_error (error);
}

/* The first delivered message from node `from` to node `to` in the
 * cluster shown; G_MAXUINT64 if none. */
static guint64
find_message (ConclaveCluster *cluster, const char *from, const char *to)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);

  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      ConclaveNode *src = conclave_cluster_node_for_proc (cluster, m->src_proc);
      ConclaveNode *dst = m->dst_proc ? conclave_cluster_node_for_proc (cluster, m->dst_proc) : NULL;

      if (src != NULL && dst != NULL && g_str_equal (conclave_node_get_name (src), from) &&
          g_str_equal (conclave_node_get_name (dst), to) && m->state == CONCLAVE_MESSAGE_DELIVERED)
        return i;
    }
  return G_MAXUINT64;
}

static gboolean
s1_reached_s2 (gpointer data)
{
  return find_message (data, "s1", "s2") != G_MAXUINT64;
}

static graphene_point_t
centre_of (ConclaveClusterView *view, ConclaveCluster *cluster, const char *name)
{
  graphene_rect_t area;
  graphene_point_t centre;

  g_assert_true (conclave_cluster_view_get_node_area (view, conclave_cluster_lookup (cluster, name), &area));
  graphene_rect_get_center (&area, &centre);
  return centre;
}

/* Distance from p to the segment a–b. */
static double
to_segment (graphene_point_t p, graphene_point_t a, graphene_point_t b)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double t = CLAMP (((p.x - a.x) * dx + (p.y - a.y) * dy) / MAX (dx * dx + dy * dy, 1e-9), 0, 1);

  return hypot (p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

typedef struct {
  ConclaveSession *session;
  gint64           time_ns;
} Moment;

static gboolean
moment_past (gpointer data)
{
  Moment *moment = data;
  gint64 start_ns, end_ns;

  return conclave_session_get_time_range (moment->session, &start_ns, &end_ns) && end_ns > moment->time_ns;
}

/* Shows the moment `fraction` into the flight of s1's first datagram to
 * s2 and returns where its dot is drawn. */
static graphene_point_t
dot_at (UiFixture *f, ConclaveClusterView *view, gint64 send_ns, double fraction)
{
  ConclaveCluster *shown = conclave_session_get_cluster (f->session);
  Moment moment = { f->session, send_ns + (gint64) (fraction * conclave_tempo_flight_ns (conclave_cluster_get_tempo (shown))) };
  graphene_point_t point;
  guint64 index;

  /* A moment of the past: the scrubber cannot show the future. */
  g_assert_true (ui_test_wait (moment_past, &moment, 5000));
  conclave_session_seek (f->session, moment.time_ns);
  ui_test_run_for (100);
  shown = conclave_session_get_cluster (f->session);
  g_assert_false (conclave_session_is_following (f->session));
  g_assert_cmpint (conclave_cluster_get_network (shown), ==, CONCLAVE_NETWORK_LAN);
  index = find_message (shown, "s1", "s2");
  if (index == G_MAXUINT64)
    {
      /* Not received yet at that moment: in flight, its receiver unknown. */
      ConclaveMatcher *matcher = conclave_cluster_get_matcher (shown);
      ConclaveMessage message_data;

      for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
        if (conclave_matcher_get_message (matcher, i, &message_data)->send_ns == send_ns)
          index = i;
    }
  g_assert_cmpuint (index, !=, G_MAXUINT64);
  g_assert_true (conclave_cluster_view_get_message_point (view, index, &point));
  return point;
}

/* The colour at the middle of `name`'s cable to the switch, as the
 * window shows it (texture: the window, at its size). */
static void
cable_middle (ConclaveClusterView *view, ConclaveCluster *cluster, const char *name, GdkTexture *texture,
              guchar rgb[3])
{
  graphene_rect_t box;
  graphene_point_t node = centre_of (view, cluster, name), centre, middle, in_window;
  guchar pixel[4];
  double port_x;

  g_assert_true (conclave_cluster_view_get_switch_area (view, &box));
  graphene_rect_get_center (&box, &centre);
  port_x = node.x < centre.x ? box.origin.x : box.origin.x + box.size.width;
  middle = GRAPHENE_POINT_INIT ((node.x + port_x) / 2, (node.y + centre.y) / 2);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (view), GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view))),
                                           &middle, &in_window));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view)))));
  /* GDK_MEMORY_DEFAULT: B, G, R, A (premultiplied; opaque here) */
  {
    g_autofree guchar *data = g_malloc ((gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4);
    gsize stride = (gsize) gdk_texture_get_width (texture) * 4;
    gsize at = (gsize) round (in_window.y) * stride + (gsize) round (in_window.x) * 4;

    gdk_texture_download (texture, data, stride);
    memcpy (pixel, data + at, 4);
  }
  rgb[0] = pixel[2];
  rgb[1] = pixel[1];
  rgb[2] = pixel[0];
}

/* A red bar across the isolated host's cable, halfway; none on the others. */
static void
check_cut (UiFixture *f, ConclaveCluster *cluster)
{
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
  g_autoptr(GdkTexture) texture = ui_test_screenshot (GTK_WIDGET (f->window), "lan-window-cut");
  guchar cut[3], whole[3];

  cable_middle (view, cluster, "s2", texture, cut);
  cable_middle (view, cluster, "s1", texture, whole);
  g_test_message ("cable middles: s2 %u,%u,%u, s1 %u,%u,%u", cut[0], cut[1], cut[2], whole[0], whole[1], whole[2]);
  g_assert_cmpint (cut[0], >, 150);
  g_assert_cmpint (cut[1], <, 100);
  g_assert_cmpint (cut[2], <, 100);
  g_assert_false (whole[0] > 150 && whole[1] < 100 && whole[2] < 100);
}

/* Down s1's cable, through the switch at half its flight, up s2's. */
static void
check_flight (UiFixture *f, ConclaveCluster *cluster)
{
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
  ConclaveMessage message_data;
  const ConclaveMessage *m;
  graphene_point_t s1, s2, middle, quarter, late, port_in, port_out, centre;
  graphene_rect_t box;

  g_assert_true (conclave_cluster_send_input (cluster, "s1", "go", NULL));
  g_assert_true (ui_test_wait (s1_reached_s2, cluster, 10000));
  m = conclave_matcher_get_message (conclave_cluster_get_matcher (cluster), find_message (cluster, "s1", "s2"), &message_data);
  middle = dot_at (f, view, m->send_ns, 0.5);
  g_assert_true (conclave_cluster_view_get_switch_area (view, &box));
  graphene_rect_get_center (&box, &centre);
  s1 = centre_of (view, conclave_session_get_cluster (f->session), "s1");
  s2 = centre_of (view, conclave_session_get_cluster (f->session), "s2");
  /* At half its flight the dot is at the switch, far from the straight
   * line's middle. */
  g_assert_cmpfloat (graphene_point_distance (&middle, &centre, NULL, NULL), <, 2);
  g_assert_cmpfloat (to_segment (centre, s1, s2), >, 40);
  /* A quarter in: on s1's cable; three quarters: on s2's. */
  port_in = GRAPHENE_POINT_INIT (s1.x < centre.x ? box.origin.x : box.origin.x + box.size.width, centre.y);
  port_out = GRAPHENE_POINT_INIT (s2.x < centre.x ? box.origin.x : box.origin.x + box.size.width, centre.y);
  quarter = dot_at (f, view, m->send_ns, 0.25);
  late = dot_at (f, view, m->send_ns, 0.8);
  ui_test_look (f->window, "timeline", "lan-window-flight");
  g_assert_cmpfloat (to_segment (quarter, s1, port_in), <, 2);
  g_assert_cmpfloat (to_segment (late, port_out, s2), <, 2);
  g_assert_false (graphene_rect_contains_point (&box, &quarter));
  conclave_session_follow (f->session);
}

static void
test_switch (UiFixture *f, gconstpointer data)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (f->session);

  g_assert_cmpstr (network_state (f->window), ==, "loopback");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "lan");
  if (conclave_cluster_get_network (cluster) != CONCLAVE_NETWORK_LAN)
    {
      g_assert_cmpstr (network_state (f->window), ==, "loopback");
      g_test_skip ("the kernel allows no user namespace here");
      return;
    }
  g_assert_cmpstr (network_state (f->window), ==, "lan");

  start_peer (cluster, "s1", "s2", TRUE);
  start_peer (cluster, "s2", "s1", TRUE);
  start_peer (cluster, "c1", "s1", FALSE);
  if (!ui_test_wait (peers_ready, cluster, 20000))
    ui_test_describe_nodes (cluster);
  g_assert_true (peers_ready (cluster));
  g_assert_cmpstr (conclave_lan_get_address (conclave_cluster_get_lan (cluster), "s1"), ==, "10.77.0.2");
  g_assert_cmpstr (conclave_lan_get_address (conclave_cluster_get_lan (cluster), "s2"), ==, "10.77.0.3");
  g_assert_cmpstr (conclave_lan_get_address (conclave_cluster_get_lan (cluster), "c1"), ==, "10.77.0.4");

  /* Refused while they run: nobody moves between networks. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "loopback");
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LAN);
  g_assert_cmpstr (network_state (f->window), ==, "lan");
  ui_test_look (f->window, "timeline", "lan-window");
  g_assert_true (conclave_faults_isolate (conclave_cluster_get_faults (cluster), "s2"));
  g_assert_cmpuint (conclave_lan_get_segment (conclave_cluster_get_lan (cluster), "s2"), !=, 0);
  conclave_window_show_view (f->window, "timeline");
  ui_test_run_for (300);
  check_cut (f, cluster);
  conclave_faults_heal (conclave_cluster_get_faults (cluster));
  check_flight (f, cluster);

  conclave_cluster_clear (cluster);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "loopback");
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LOOPBACK);
  g_assert_cmpstr (network_state (f->window), ==, "loopback");
}

static gboolean
acked_a_few (gpointer data)
{
  ConclaveCluster *cluster = data;
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint acked = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    acked += conclave_event_store_get (store, i)->type == CONCLAVE_EVENT_ACKED;
  return acked >= 3;
}

static const char * const group[] = { "s1", "s2", "s3", "c1", "c2", NULL };

/* Chapter 4 on the LAN, then its recording: the same hosts, the switch. */
static void
test_recording (UiFixture *f, gconstpointer data)
{
  ConclaveCluster *live = conclave_session_get_cluster (f->session);
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
  g_autofree char *dir = g_dir_make_tmp ("lan-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "chapter-4.jsonl", NULL);
  g_autoptr(GHashTable) addresses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GError) error = NULL;
  ConclaveCluster *shown;
  graphene_rect_t box;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "lan");
  if (conclave_cluster_get_network (live) != CONCLAVE_NETWORK_LAN)
    {
      g_test_skip ("the kernel allows no user namespace here");
      return;
    }
  ui_test_start_chapter (f->app, "chapter-4", 0.2);
  live = conclave_session_get_cluster (f->session);
  g_assert_cmpint (conclave_cluster_get_network (live), ==, CONCLAVE_NETWORK_LAN);
  if (!ui_test_wait (acked_a_few, live, 30000))
    ui_test_describe_nodes (live);
  g_assert_true (acked_a_few (live));
  ui_test_look (f->window, "timeline", "lan-window-chapter-4");
  for (guint i = 0; group[i] != NULL; i++)
    g_hash_table_insert (addresses, (gpointer) group[i],
                         g_strdup (conclave_lan_get_address (conclave_cluster_get_lan (live), group[i])));
  g_assert_true (conclave_save_trace (f->session, path));

  g_assert_true (conclave_session_open_trace (f->session, path, &error));
  g_assert_no_error (error);
  shown = conclave_session_get_cluster (f->session);
  g_assert_true (conclave_session_is_replay (f->session));
  g_assert_cmpint (conclave_cluster_get_network (shown), ==, CONCLAVE_NETWORK_LAN);
  for (guint i = 0; group[i] != NULL; i++)
    {
      const char *address = g_hash_table_lookup (addresses, group[i]);

      g_assert_nonnull (address);
      g_assert_cmpstr (conclave_lan_get_address (conclave_cluster_get_lan (shown), group[i]), ==, address);
    }
  ui_test_look (f->window, "timeline", "lan-window-recording");
  g_assert_true (conclave_cluster_view_get_switch_area (view, &box));
  /* The menu says where it ran, and cannot move a recording. */
  g_assert_cmpstr (network_state (f->window), ==, "lan");
  g_assert_false (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (f->window), "network")));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "loopback");
  g_assert_cmpint (conclave_cluster_get_network (conclave_session_get_cluster (f->session)), ==, CONCLAVE_NETWORK_LAN);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/lan-window/switch", UiFixture, NULL, ui_fixture_set_up, test_switch, ui_fixture_tear_down);
  g_test_add ("/lan-window/recording", UiFixture, NULL, ui_fixture_set_up, test_recording, ui_fixture_tear_down);
  return g_test_run ();
}
