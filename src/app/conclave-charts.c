/* conclave-charts.c — the rate chart and the leader strip (see the header).
 *
 * Reads each new event once (from where the last batch stopped), so the
 * cost follows the event rate, not the store's size. Must never keep more
 * than a minute of bins or election marks. Who led when is the core's
 * leader-interval model (conclave_cluster_get_leaders): the strip draws
 * it and keeps no copy.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>

#include "conclave-charts.h"
#include "conclave-cluster-models.h"
#include "conclave-drawing.h"
#include "conclave-palette-widget.h"

#define SECONDS    60
#define N_BINS     64
#define NS_PER_S   G_GINT64_CONSTANT (1000000000)

/* Every kind that occurs has its own slot (no "other"): counts grow with
 * the kinds seen. */
typedef struct {
  gint64  second;
  guint  *counts;    /* by kind slot */
  guint   n_counts;
} Bin;

struct _ConclaveCharts
{
  GtkWidget        parent_instance;

  ConclaveSession *session;
  gboolean         presentation;
  guint64          next_index;
  Bin              bins[N_BINS];
  GArray          *kinds;        /* guint32 kind ids, by slot, first seen first */
  GArray          *elections;    /* gint64: candidates appearing */
  GArray          *servers;      /* guint32: servers seen in state events, in order */
  guint            timer_id;
  PangoLayout     *layout;
  PangoLayout     *small_layout;
};


G_DEFINE_FINAL_TYPE (ConclaveCharts, conclave_charts, GTK_TYPE_WIDGET)

/* The session holds the cluster; the view only asks. */
static inline ConclaveCluster *
cluster_of (ConclaveCharts *self)
{
  return self->session != NULL ? conclave_session_get_cluster (self->session) : NULL;
}

static guint
kind_slot (ConclaveCharts *self,
           guint32         kind)
{
  for (guint i = 0; i < self->kinds->len; i++)
    if (g_array_index (self->kinds, guint32, i) == kind)
      return i;
  g_array_append_val (self->kinds, kind);
  return self->kinds->len - 1;
}

static guint
bin_count (const Bin *bin,
           guint      slot)
{
  return slot < bin->n_counts ? bin->counts[slot] : 0;
}

static void
clear_bins (ConclaveCharts *self)
{
  for (guint i = 0; i < N_BINS; i++)
    {
      g_clear_pointer (&self->bins[i].counts, g_free);
      self->bins[i].n_counts = 0;
      self->bins[i].second = 0;
    }
}

static void
count_send (ConclaveCharts      *self,
            const ConclaveEvent *event)
{
  gint64 second = event->time_ns / NS_PER_S;
  Bin *bin = &self->bins[second % N_BINS];
  guint slot;

  if (bin->second != second)
    {
      /* A bin from more than a minute ago: reuse it, unless this event is
       * the one that is older (late arrival). */
      if (bin->second > second)
        return;
      memset (bin->counts, 0, bin->n_counts * sizeof (guint));
      bin->second = second;
    }
  slot = kind_slot (self, conclave_event_kind (event));
  if (slot >= bin->n_counts)
    {
      bin->counts = g_renew (guint, bin->counts, self->kinds->len);
      memset (bin->counts + bin->n_counts, 0, (self->kinds->len - bin->n_counts) * sizeof (guint));
      bin->n_counts = self->kinds->len;
    }
  bin->counts[slot]++;
}

static void
remember_server (ConclaveCharts *self,
                 guint32         node)
{
  for (guint i = 0; i < self->servers->len; i++)
    if (g_array_index (self->servers, guint32, i) == node)
      return;
  g_array_append_val (self->servers, node);
}

static void
note_state (ConclaveCharts      *self,
            ConclaveEventStore  *store,
            const ConclaveEvent *event)
{
  ConclaveProcessInfo *process = conclave_event_store_get_process (store, event->proc);
  guint32 role_id = conclave_event_state_role (event);
  const char *role = role_id ? conclave_event_store_str (store, role_id) : NULL;
  guint32 node = process ? process->node : 0;

  if (node == 0)
    return;
  remember_server (self, node);
  if (g_strcmp0 (role, "candidate") == 0)
    g_array_append_val (self->elections, event->time_ns);
}

static void
forget_old (ConclaveCharts *self,
            gint64          now)
{
  gint64 horizon = now - (SECONDS + 5) * NS_PER_S;
  guint old = 0;

  while (old < self->elections->len && g_array_index (self->elections, gint64, old) < horizon)
    old++;
  g_array_remove_range (self->elections, 0, old);
}

static void
read_event (gpointer             view,
            ConclaveEventStore  *store,
            const ConclaveEvent *event)
{
  if (event->type == CONCLAVE_EVENT_SEND)
    count_send (view, event);
  else if (event->type == CONCLAVE_EVENT_STATE)
    note_state (view, store, event);
}

static void
on_cluster_changed (gpointer view)
{
  ConclaveCharts *self = view;

  if (cluster_of (self) == NULL)
    return;
  conclave_session_read_new_events (cluster_of (self), &self->next_index, read_event, self);
  forget_old (self, conclave_session_get_now_ns (self->session));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
conclave_charts_get_rate (ConclaveCharts *self,
                          gint64          second)
{
  const Bin *bin;
  guint total = 0;

  g_return_val_if_fail (CONCLAVE_IS_CHARTS (self), 0);

  bin = &self->bins[((second % N_BINS) + N_BINS) % N_BINS];
  if (bin->second != second)
    return 0;
  for (guint i = 0; i < bin->n_counts; i++)
    total += bin->counts[i];
  return total;
}

guint
conclave_charts_get_n_terms (ConclaveCharts *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CHARTS (self), 0);
  if (cluster_of (self) == NULL)
    return 0;
  return conclave_leaders_get_n_intervals (conclave_cluster_get_leaders (cluster_of (self)));
}

const char *
conclave_charts_get_term (ConclaveCharts *self,
                          guint           index,
                          guint          *term,
                          gint64         *start_ns)
{
  const ConclaveLeaderInterval *interval;

  g_return_val_if_fail (CONCLAVE_IS_CHARTS (self), NULL);
  g_return_val_if_fail (index < conclave_charts_get_n_terms (self), NULL);

  interval = conclave_leaders_get_interval (conclave_cluster_get_leaders (cluster_of (self)), index);
  *term = (guint) MAX (interval->term, 0);
  *start_ns = interval->start_ns;
  return conclave_event_store_str (conclave_cluster_get_store (cluster_of (self)), interval->node);
}

GStrv
conclave_charts_list_kinds (ConclaveCharts *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (CONCLAVE_IS_CHARTS (self), NULL);

  for (guint slot = 0; cluster_of (self) != NULL && slot < self->kinds->len; slot++)
    {
      const char *name = conclave_event_store_str (conclave_cluster_get_store (cluster_of (self)),
                                                   g_array_index (self->kinds, guint32, slot));

      g_strv_builder_add (builder, name ? name : "");
    }
  return g_strv_builder_end (builder);
}

/* Drawing */

typedef struct {
  ConclaveCharts     *self;
  ConclaveEventStore *store;
  cairo_t            *cr;
  ConclaveRgba        fg;
  gboolean            dark;
  double              x0, x1;
  gint64              now;
  double              line;
} Chart;

static void
show_text (Chart       *chart,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y,
           double       alpha)
{
  pango_layout_set_text (layout, text, -1);
  conclave_draw_set_color (chart->cr, &chart->fg, alpha);
  cairo_move_to (chart->cr, x, y);
  pango_cairo_show_layout (chart->cr, layout);
}

static double
second_x (Chart  *chart,
          double  seconds_ago)
{
  return chart->x1 - (chart->x1 - chart->x0) * seconds_ago / SECONDS;
}

static guint
stacked_max (ConclaveCharts *self,
             gint64          now_second)
{
  guint max = 1;

  for (gint64 s = now_second - SECONDS; s < now_second; s++)
    max = MAX (max, conclave_charts_get_rate (self, s));
  return max;
}

static guint
nice_max (guint max)
{
  guint step = 1;

  while (step * 10 < max)
    step *= 10;
  for (guint m = step; ; m += step)
    if (m >= max)
      return m;
}

static void
draw_kind_area (Chart  *chart,
                guint   slot,
                guint  *below,
                double  top,
                double  bottom,
                guint   max)
{
  gint64 now_second = chart->now / NS_PER_S;
  ConclaveCharts *self = chart->self;
  double scale = (bottom - top) / max;
  ConclaveRgba color;

  conclave_palette_kind (conclave_event_store_str (chart->store, g_array_index (self->kinds, guint32, slot)),
                         chart->dark, &color);
  /* Upper edge left to right, then the lower edge back. */
  for (int ago = SECONDS; ago >= 1; ago--)
    {
      const Bin *bin = &self->bins[(now_second - ago) % N_BINS];
      guint count = bin->second == now_second - ago ? bin_count (bin, slot) : 0;
      double y = bottom - (below[SECONDS - ago] + count) * scale;

      if (ago == SECONDS)
        cairo_move_to (chart->cr, second_x (chart, ago), y);
      else
        cairo_line_to (chart->cr, second_x (chart, ago), y);
    }
  for (int ago = 1; ago <= SECONDS; ago++)
    cairo_line_to (chart->cr, second_x (chart, ago), bottom - below[SECONDS - ago] * scale);
  cairo_close_path (chart->cr);
  conclave_draw_set_color (chart->cr, &color, 0.75);
  cairo_fill (chart->cr);
  for (int ago = SECONDS; ago >= 1; ago--)
    {
      const Bin *bin = &self->bins[(now_second - ago) % N_BINS];

      if (bin->second == now_second - ago)
        below[SECONDS - ago] += bin_count (bin, slot);
    }
}

/* Every kind seen, wrapped over as many lines as it takes; returns the
 * number of lines. */
static guint
draw_legend (Chart  *chart,
             double  y)
{
  ConclaveCharts *self = chart->self;
  double x = chart->x0;
  guint lines = 1;

  for (guint slot = 0; slot < self->kinds->len; slot++)
    {
      const char *name = conclave_event_store_str (chart->store, g_array_index (self->kinds, guint32, slot));
      ConclaveRgba color;
      int w;

      conclave_palette_kind (name, chart->dark, &color);
      if (name == NULL || *name == '\0')
        name = _("unnamed");
      pango_layout_set_text (self->small_layout, name, -1);
      pango_layout_get_pixel_size (self->small_layout, &w, NULL);
      if (x > chart->x0 && x + chart->line * 0.85 + w > chart->x1)
        {
          x = chart->x0;
          y += chart->line;
          lines++;
        }
      conclave_draw_set_color (chart->cr, &color, 1);
      cairo_rectangle (chart->cr, x, y + chart->line * 0.25, chart->line * 0.6, chart->line * 0.6);
      cairo_fill (chart->cr);
      show_text (chart, self->small_layout, name, x + chart->line * 0.85, y, 0.8);
      x += w + chart->line * 1.8;
    }
  return lines;
}

static void
draw_rates (Chart  *chart,
            double  top,
            double  bottom)
{
  ConclaveCharts *self = chart->self;
  gint64 now_second = chart->now / NS_PER_S;
  guint max = nice_max (stacked_max (self, now_second));
  guint below[SECONDS] = { 0, };
  g_autofree char *max_text = g_strdup_printf (_("%u/s"), max);
  double plot_top;

  show_text (chart, self->layout, _("Messages per second, by kind"), chart->x0, top, 0.9);
  plot_top = top + chart->line * (1.6 + draw_legend (chart, top + chart->line * 1.2));
  conclave_draw_set_color (chart->cr, &chart->fg, 0.12);
  cairo_rectangle (chart->cr, chart->x0, plot_top, chart->x1 - chart->x0, 1);
  cairo_rectangle (chart->cr, chart->x0, bottom, chart->x1 - chart->x0, 1);
  cairo_fill (chart->cr);
  show_text (chart, self->small_layout, max_text, chart->x1 + 6, plot_top - chart->line * 0.5, 0.7);
  show_text (chart, self->small_layout, "0", chart->x1 + 6, bottom - chart->line * 0.5, 0.7);
  for (guint slot = 0; slot < self->kinds->len; slot++)
    draw_kind_area (chart, slot, below, plot_top, bottom, max);
  for (int ago = 0; ago <= SECONDS; ago += 15)
    {
      g_autofree char *label = ago ? g_strdup_printf (_("−%d s"), ago) : g_strdup (_("now"));
      int w;

      pango_layout_set_text (self->small_layout, label, -1);
      pango_layout_get_pixel_size (self->small_layout, &w, NULL);
      show_text (chart, self->small_layout, label, second_x (chart, ago) - w / 2.0, bottom + 3, 0.6);
    }
}

static double
time_x (Chart  *chart,
        gint64  t)
{
  return CLAMP (second_x (chart, (chart->now - t) / 1e9), chart->x0, chart->x1);
}

static void
draw_term (Chart                        *chart,
           const ConclaveLeaderInterval *term,
           double                        y,
           double                        h)
{
  gboolean open = term->end_ns == CONCLAVE_LEADER_OPEN;
  double xa = time_x (chart, term->start_ns);
  double xb = time_x (chart, open ? chart->now : term->end_ns);
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (term->term, 0));
  g_autofree char *label = g_strdup_printf (_("term %s"), number);
  ConclaveRgba leader;
  int w;

  conclave_palette_get (CONCLAVE_COLOR_LEADER, chart->dark, &leader);
  conclave_draw_set_color (chart->cr, &leader, 0.85);
  conclave_draw_rounded_rect (chart->cr, xa, y, MAX (xb - xa, 2), h, 3);
  cairo_fill (chart->cr);
  pango_layout_set_text (chart->self->small_layout, label, -1);
  pango_layout_get_pixel_size (chart->self->small_layout, &w, NULL);
  if (xb - xa > w + 6)
    {
      cairo_set_source_rgba (chart->cr, 0, 0, 0, 0.85);
      cairo_move_to (chart->cr, xa + 3, y + (h - chart->line * 0.8) / 2);
      pango_cairo_show_layout (chart->cr, chart->self->small_layout);
    }
  else if (open && xa - w - 6 > chart->x0)
    /* The term that just began is a sliver at "now": name it beside. */
    show_text (chart, chart->self->small_layout, label, xa - w - 4, y + (h - chart->line * 0.8) / 2, 0.8);
}

typedef struct {
  Chart  *chart;
  double  rows_top;
  double  h;
} Strip;

static gboolean
draw_interval (const ConclaveLeaderInterval *interval,
               gpointer                      user_data)
{
  Strip *strip = user_data;
  GArray *servers = strip->chart->self->servers;

  for (guint i = 0; i < servers->len; i++)
    if (g_array_index (servers, guint32, i) == interval->node)
      draw_term (strip->chart, interval, strip->rows_top + i * strip->h + 2, strip->h - 4);
  return TRUE;
}

static void
draw_leader_strip (Chart  *chart,
                   double  top,
                   double  bottom)
{
  ConclaveCharts *self = chart->self;
  guint n = self->servers->len;
  double rows_top = top + chart->line * 1.4;
  double h = n ? MIN ((bottom - rows_top) / n, chart->line * 1.6) : 0;
  Strip strip = { chart, rows_top, h };
  ConclaveRgba leader;

  show_text (chart, self->layout, _("Leader"), chart->x0, top, 0.9);
  if (n == 0)
    {
      show_text (chart, self->small_layout,
                 _("No leader yet. When the servers of chapter 4 elect one, who led when appears here."),
                 chart->x0, rows_top, 0.6);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      guint32 node = g_array_index (self->servers, guint32, i);
      const char *name = conclave_event_store_str (chart->store, node);

      show_text (chart, self->small_layout, name ? name : "", chart->x0 - chart->line * 3.2,
                 rows_top + i * h + (h - chart->line * 0.8) / 2, 0.8);
    }
  conclave_leaders_foreach_in_range (conclave_cluster_get_leaders (cluster_of (self)),
                                     chart->now - SECONDS * NS_PER_S, chart->now + 1,
                                     draw_interval, &strip);
  conclave_palette_get (CONCLAVE_COLOR_LEADER, chart->dark, &leader);
  conclave_draw_set_color (chart->cr, &leader, 1);
  for (guint e = 0; e < self->elections->len; e++)
    {
      double x = time_x (chart, g_array_index (self->elections, gint64, e));

      cairo_rectangle (chart->cr, x - 0.75, rows_top, 1.5, n * h);
    }
  cairo_fill (chart->cr);
}

static void
ensure_layouts (ConclaveCharts *self)
{
  if (self->layout != NULL)
    return;
  self->layout = conclave_palette_widget_layout (GTK_WIDGET (self), 1.0, TRUE);
  self->small_layout = conclave_palette_widget_layout (GTK_WIDGET (self), 0.85, FALSE);
}

static void
conclave_charts_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  ConclaveCharts *self = CONCLAVE_CHARTS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  Chart chart;

  if (cluster_of (self) == NULL || width < 100 || height < 60)
    return;
  ensure_layouts (self);
  chart.line = conclave_palette_line_height (self->layout);
  chart.self = self;
  chart.store = conclave_cluster_get_store (cluster_of (self));
  chart.dark = conclave_palette_is_dark ();
  conclave_palette_widget_fg (widget, &chart.fg);
  chart.x0 = chart.line * 4;
  chart.x1 = width - chart.line * 3.5;
  chart.now = conclave_session_get_now_ns (self->session);
  chart.cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_rates (&chart, chart.line * 0.5, height * 0.62);
  draw_leader_strip (&chart, height * 0.62 + chart.line * 1.6, height - chart.line * 0.4);
  cairo_destroy (chart.cr);
}

static gboolean
on_timer (gpointer data)
{
  gtk_widget_queue_draw (GTK_WIDGET (data));
  return G_SOURCE_CONTINUE;
}

static void
conclave_charts_map (GtkWidget *widget)
{
  ConclaveCharts *self = CONCLAVE_CHARTS (widget);

  GTK_WIDGET_CLASS (conclave_charts_parent_class)->map (widget);
  /* The chart slides by one second per second even when nothing happens. */
  if (self->timer_id == 0)
    self->timer_id = g_timeout_add (500, on_timer, self);
}

static void
conclave_charts_unmap (GtkWidget *widget)
{
  ConclaveCharts *self = CONCLAVE_CHARTS (widget);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  GTK_WIDGET_CLASS (conclave_charts_parent_class)->unmap (widget);
}

/* A new cluster is a new picture: no bar, term or election of the old run. */
static void
set_cluster (gpointer         view,
             ConclaveCluster *old)
{
  ConclaveCharts *self = view;

  clear_bins (self);
  g_array_set_size (self->kinds, 0);
  g_array_set_size (self->elections, 0);
  g_array_set_size (self->servers, 0);
  self->next_index = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_presentation (gpointer view,
                  gboolean presentation)
{
  ConclaveCharts *self = view;

  self->presentation = presentation;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
conclave_charts_set_session (ConclaveCharts  *self,
                             ConclaveSession *session)
{
  static const ConclaveSessionWatch watch = {
    set_cluster, NULL, set_presentation, on_cluster_changed,
  };

  g_return_if_fail (CONCLAVE_IS_CHARTS (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  conclave_session_watch (session, self, &watch);
}

static void
conclave_charts_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  ConclaveCharts *self = CONCLAVE_CHARTS (widget);

  GTK_WIDGET_CLASS (conclave_charts_parent_class)->css_changed (widget, change);
  g_clear_object (&self->layout);
  g_clear_object (&self->small_layout);
}

static void
conclave_charts_dispose (GObject *object)
{
  ConclaveCharts *self = CONCLAVE_CHARTS (object);

  g_clear_object (&self->session);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->layout);
  g_clear_object (&self->small_layout);
  G_OBJECT_CLASS (conclave_charts_parent_class)->dispose (object);
}

static void
conclave_charts_finalize (GObject *object)
{
  ConclaveCharts *self = CONCLAVE_CHARTS (object);

  g_array_unref (self->elections);
  g_array_unref (self->servers);
  g_array_unref (self->kinds);
  clear_bins (self);
  G_OBJECT_CLASS (conclave_charts_parent_class)->finalize (object);
}

static void
conclave_charts_class_init (ConclaveChartsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_charts_dispose;
  object_class->finalize = conclave_charts_finalize;
  widget_class->snapshot = conclave_charts_snapshot;
  widget_class->map = conclave_charts_map;
  widget_class->unmap = conclave_charts_unmap;
  widget_class->css_changed = conclave_charts_css_changed;

  gtk_widget_class_set_css_name (widget_class, "charts");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
conclave_charts_init (ConclaveCharts *self)
{
  self->elections = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->kinds = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->servers = g_array_new (FALSE, FALSE, sizeof (guint32));
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Charts"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Messages per second by kind over the last minute, and who led the server group when"),
                                  -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}
