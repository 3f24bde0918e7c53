/* conclave-bench-render.c — frame times of the cluster view and the
 * timeline, 1280×800 each, while synthetic processes report messages
 * through the real control channel (parser thread, store, matcher, node
 * models: the whole path the window sees).
 *
 * Scenarios: 50 nodes with ~200 messages in view, ~500 in view, and
 * 20,000 events/s arriving. A frame is the widget's snapshot plus rendering
 * it with the window's renderer (run with GSK_RENDERER=cairo for software
 * rendering). Prints p50/p95 per view and the render nodes per frame.
 * A measuring tool, never a test: it prints figures and exits 0.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <adwaita.h>

#include "conclave-cluster-view.h"
#include "conclave-render.h"
#include "conclave-timeline.h"

#define N_PROCESSES  50
#define FRAMES       90
#define TRAVEL_S     0.9   /* the cluster view's travel time at tempo 1 */

typedef struct {
  int     fd;
  gint    pid;
  guint32 seq;
  guint32 lc;
  guint   port;
} FakeProcess;

typedef struct {
  FakeProcess   procs[N_PROCESSES];
  GThread      *thread;
  gint          rate;        /* messages per second, atomically read */
  gint          stop;
  guint64       sent;
  GRand        *rand;
} Feeder;

static gint64
now_ns (void)
{
  return g_get_monotonic_time () * 1000;
}

static void
write_line (FakeProcess *p,
            const char  *line)
{
  gsize len = strlen (line);

  while (len > 0)
    {
      ssize_t n = write (p->fd, line, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("bench: writing to the control channel failed: %s", g_strerror (errno));
      line += n;
      len -= n;
    }
}

static void
connect_process (FakeProcess *p,
                 const char  *path,
                 guint        i)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autofree char *hello = NULL;

  p->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  if (p->fd < 0 || connect (p->fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    g_error ("bench: cannot connect to %s: %s", path, g_strerror (errno));
  /* Made-up PIDs far above pid_max: nobody real is mistaken for them. */
  p->pid = 90000000 + i;
  p->port = 40000 + i;
  hello = g_strdup_printf ("{\"ev\":\"hello\",\"seq\":0,\"t\":%" G_GINT64_FORMAT ",\"v\":1,\"pid\":%d,"
                           "\"ppid\":1,\"node\":\"%c%u\",\"role\":\"%s\",\"program\":\"bench\"}\n",
                           now_ns (), p->pid, i < 10 ? 's' : 'c', i < 10 ? i + 1 : i - 9,
                           i < 10 ? "udp-server" : "udp-client");
  write_line (p, hello);
  p->seq = 1;
}

static void
send_message (Feeder *f)
{
  static const char * const kinds[] = { "hello", "reply", "request", "square", "heartbeat" };
  guint a = g_rand_int_range (f->rand, 0, N_PROCESSES);
  guint b = (a + g_rand_int_range (f->rand, 1, N_PROCESSES)) % N_PROCESSES;
  FakeProcess *src = &f->procs[a], *dst = &f->procs[b];
  const char *kind = kinds[f->sent % G_N_ELEMENTS (kinds)];
  gint64 t = now_ns ();
  char line[512];

  src->lc++;
  g_snprintf (line, sizeof line,
              "{\"ev\":\"send\",\"seq\":%u,\"t\":%" G_GINT64_FORMAT ",\"proto\":\"udp\","
              "\"src\":\"127.0.0.1:%u\",\"dst\":\"127.0.0.1:%u\",\"len\":12,\"kind\":\"%s\","
              "\"preview\":\"bench %" G_GUINT64_FORMAT "\",\"id\":\"%d:%u\",\"lc\":%u}\n",
              src->seq++, t, src->port, dst->port, kind, f->sent, src->pid, src->lc, src->lc);
  write_line (src, line);
  dst->lc = MAX (dst->lc, src->lc) + 1;
  g_snprintf (line, sizeof line,
              "{\"ev\":\"recv\",\"seq\":%u,\"t\":%" G_GINT64_FORMAT ",\"proto\":\"udp\","
              "\"src\":\"127.0.0.1:%u\",\"dst\":\"127.0.0.1:%u\",\"len\":12,\"kind\":\"%s\","
              "\"preview\":\"bench %" G_GUINT64_FORMAT "\",\"id\":\"%d:%u\",\"lc\":%u}\n",
              dst->seq++, t + 40000, src->port, dst->port, kind, f->sent, src->pid, src->lc, dst->lc);
  write_line (dst, line);
  f->sent++;
}

/* Keeps `rate` messages per second flowing, in 5 ms slices. */
static gpointer
feed (gpointer data)
{
  Feeder *f = data;
  gint64 start = g_get_monotonic_time ();
  double owed = 0;
  gint64 last = start;

  while (!g_atomic_int_get (&f->stop))
    {
      gint64 now = g_get_monotonic_time ();

      owed += g_atomic_int_get (&f->rate) * (now - last) / 1e6;
      last = now;
      for (; owed >= 1; owed--)
        send_message (f);
      g_usleep (5000);
    }
  return NULL;
}

typedef struct {
  GtkWidget   *widget;
  GskRenderer *renderer;
  GArray      *times;    /* double ms */
  guint        max_nodes;
  GdkTexture  *last;     /* the last frame, for --save */
} View;

static const char *save_dir;

static void
measure (View *v)
{
  int w = gtk_widget_get_width (v->widget), h = gtk_widget_get_height (v->widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GdkTexture *texture = NULL;
  gint64 t0 = g_get_monotonic_time ();
  double ms;

  GTK_WIDGET_GET_CLASS (v->widget)->snapshot (v->widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    texture = gsk_renderer_render_texture (v->renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_array_append_val (v->times, ms);
  v->max_nodes = MAX (v->max_nodes, conclave_render_count_nodes (node));
  g_clear_object (&v->last);
  v->last = texture;
}

/* --save DIR: the last frame of each view and scenario, to look at. */
static void
save (View       *v,
      const char *scenario,
      const char *view)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (save_dir == NULL || v->last == NULL)
    return;
  name = g_strdup_printf ("%s-%s.png", scenario, view);
  path = g_build_filename (save_dir, name, NULL);
  g_mkdir_with_parents (save_dir, 0755);
  gdk_texture_save_to_png (v->last, path);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *times,
            double  p)
{
  g_array_sort (times, compare_doubles);
  return g_array_index (times, double, MIN ((guint) (p * times->len), times->len - 1));
}

static void
report (const char *what,
        View       *v,
        double      goal)
{
  double p50 = percentile (v->times, 0.5), p95 = percentile (v->times, 0.95);

  printf ("  %-24s p50 %6.2f ms   p95 %6.2f ms   (goal p95 ≤ %.1f ms: %s)   ≤ %u render nodes\n",
          what, p50, p95, goal, p95 <= goal ? "met" : "MISSED", v->max_nodes);
  g_array_set_size (v->times, 0);
  v->max_nodes = 0;
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop (the cluster takes in batches) for ms. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint id = g_timeout_add (5, wake, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static GtkWidget *
show_in_window (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
run_scenario (const char       *title,
              const char       *tag,
              Feeder           *feeder,
              int               rate,
              ConclaveCluster  *cluster,
              View             *cluster_view,
              View             *timeline,
              double            goal)
{
  ConclaveTimeline *tl = CONCLAVE_TIMELINE (timeline->widget);
  View logical = *timeline;
  ConclaveTimelineStats stats, logical_stats = { 0, };
  guint64 events_before = conclave_event_store_get_end (conclave_cluster_get_store (cluster));
  gint64 t0 = g_get_monotonic_time ();

  logical.times = g_array_new (FALSE, FALSE, sizeof (double));
  logical.last = NULL;
  g_atomic_int_set (&feeder->rate, rate);
  run_for (1500);   /* steady state: the views' windows are full */
  for (guint i = 0; i < FRAMES; i++)
    {
      run_for (16);
      measure (cluster_view);
      conclave_timeline_set_real_time (tl, TRUE);
      measure (timeline);
      conclave_timeline_get_stats (tl, &stats);
      conclave_timeline_set_real_time (tl, FALSE);
      measure (&logical);
      conclave_timeline_get_stats (tl, &logical_stats);
    }
  save (cluster_view, tag, "cluster");
  save (timeline, tag, "timeline");
  save (&logical, tag, "logical");
  g_clear_object (&logical.last);
  printf ("%s: %.0f events/s stored, %u messages in flight in the cluster view (≤ 400 drawn), "
          "timeline %u arrows drawn + %u binned into %u bars (real time), %u arrows (logical)\n",
          title,
          (conclave_event_store_get_end (conclave_cluster_get_store (cluster)) - events_before) /
            ((g_get_monotonic_time () - t0) / 1e6),
          conclave_cluster_view_get_n_drawn_messages (CONCLAVE_CLUSTER_VIEW (cluster_view->widget)),
          stats.arrows, stats.binned, stats.bins, logical_stats.arrows);
  {
    guint64 counts[5];

    conclave_matcher_count (conclave_cluster_get_matcher (cluster), counts);
    printf ("  messages so far: %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT " in flight, %"
            G_GUINT64_FORMAT " lost, %" G_GUINT64_FORMAT " unsent\n",
            counts[CONCLAVE_MESSAGE_DELIVERED], counts[CONCLAVE_MESSAGE_IN_FLIGHT],
            counts[CONCLAVE_MESSAGE_LOST], counts[CONCLAVE_MESSAGE_UNSENT]);
  }
  report ("cluster view", cluster_view, goal);
  report ("timeline (real time)", timeline, goal);
  report ("timeline (logical)", &logical, goal);
  g_array_unref (logical.times);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConclaveSession) session = NULL;
  ConclaveCluster *cluster;
  Feeder feeder = { 0, };
  View cluster_view = { 0, }, timeline = { 0, };
  GtkWidget *windows[2];

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc == 3 && g_str_equal (argv[1], "--save"))
    save_dir = argv[2];
  else if (argc != 1)
    {
      g_printerr ("usage: conclave-bench-render [--save DIR]\n");
      return 2;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("conclave-bench-render: no display (run it under xvfb-run)\n");
      return 1;
    }
  adw_init ();
  session = conclave_session_new (NULL);
  if ((cluster = conclave_session_get_cluster (session)) == NULL)
    g_error ("bench: %s", conclave_session_get_error (session));

  cluster_view.widget = conclave_cluster_view_new ();
  timeline.widget = g_object_new (CONCLAVE_TYPE_TIMELINE, NULL);
  conclave_cluster_view_set_session (CONCLAVE_CLUSTER_VIEW (cluster_view.widget), session);
  conclave_timeline_set_session (CONCLAVE_TIMELINE (timeline.widget), session);
  windows[0] = show_in_window (cluster_view.widget);
  windows[1] = show_in_window (timeline.widget);
  /* Paced as in the application: by a window's frames. */
  conclave_session_set_frame_clock (session, gtk_widget_get_frame_clock (windows[0]));
  run_for (500);
  cluster_view.renderer = gtk_native_get_renderer (GTK_NATIVE (windows[0]));
  timeline.renderer = gtk_native_get_renderer (GTK_NATIVE (windows[1]));
  cluster_view.times = g_array_new (FALSE, FALSE, sizeof (double));
  timeline.times = g_array_new (FALSE, FALSE, sizeof (double));
  printf ("renderer %s, views %d×%d and %d×%d, %d processes\n",
          G_OBJECT_TYPE_NAME (cluster_view.renderer),
          gtk_widget_get_width (cluster_view.widget), gtk_widget_get_height (cluster_view.widget),
          gtk_widget_get_width (timeline.widget), gtk_widget_get_height (timeline.widget),
          N_PROCESSES);

  feeder.rand = g_rand_new_with_seed (42);
  for (guint i = 0; i < N_PROCESSES; i++)
    connect_process (&feeder.procs[i], conclave_cluster_get_control_path (cluster), i);
  feeder.thread = g_thread_new ("bench-feeder", feed, &feeder);
  /* The real-time timeline shows the last ~0.9 s, as long as a message is
   * animated in the cluster view: both see the same messages. */
  conclave_timeline_set_real_time (CONCLAVE_TIMELINE (timeline.widget), TRUE);
  conclave_timeline_zoom (CONCLAVE_TIMELINE (timeline.widget),
                          10e6 / (TRAVEL_S * 1e9 / (gtk_widget_get_width (timeline.widget) - 130)));

  run_scenario ("50 nodes, ~200 messages in view", "200", &feeder, (int) (200 / TRAVEL_S),
                cluster, &cluster_view, &timeline, 16.7);
  run_scenario ("50 nodes, ~500 messages in view", "500", &feeder, (int) (500 / TRAVEL_S),
                cluster, &cluster_view, &timeline, 33.3);
  run_scenario ("50 nodes, 20,000 events/s arriving", "20k", &feeder, 10000,
                cluster, &cluster_view, &timeline, 33.3);

  g_atomic_int_set (&feeder.stop, 1);
  g_thread_join (feeder.thread);
  for (guint i = 0; i < N_PROCESSES; i++)
    close (feeder.procs[i].fd);
  g_rand_free (feeder.rand);
  printf ("store: %" G_GUINT64_FORMAT " events, %.1f MiB\n",
          conclave_event_store_get_end (conclave_cluster_get_store (cluster)),
          conclave_event_store_get_memory (conclave_cluster_get_store (cluster)) / 1048576.0);
  conclave_session_set_frame_clock (session, NULL);
  gtk_window_destroy (GTK_WINDOW (windows[0]));
  gtk_window_destroy (GTK_WINDOW (windows[1]));
  g_array_unref (cluster_view.times);
  g_array_unref (timeline.times);
  g_clear_object (&cluster_view.last);
  g_clear_object (&timeline.last);
  conclave_session_close (session);
  return 0;
}
