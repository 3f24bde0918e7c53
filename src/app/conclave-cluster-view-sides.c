/* conclave-cluster-view-sides.c — a partition's sides in the cluster view:
 * the nodes that are cut off from the same peers form one side, each side
 * a tint behind its nodes, and between two sides a dashed dividing line.
 * Nodes nobody cut off carry no tint.
 *
 * Reads the faults only (the core owns them); draws under the nodes, so a
 * crown or a name is never covered. Never changes a fault.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-cluster-view-private.h"
#include "conclave-palette-widget.h"

#define MAX_SIDES 6

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* "c1,s3,s4": a node's isolation as a key; NULL when it reaches everyone. */
static char *
isolation_key (ConclaveClusterView *self,
               ConclaveNode        *node)
{
  const char * const *isolated = conclave_faults_get_isolated (self->faults, conclave_node_get_name (node));
  g_autoptr(GPtrArray) sorted = NULL;

  if (isolated == NULL || isolated[0] == NULL)
    return NULL;
  sorted = g_ptr_array_new ();
  for (guint i = 0; isolated[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer) isolated[i]);
  g_ptr_array_sort (sorted, compare_names);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv (",", (char **) sorted->pdata);
}

int
_conclave_cluster_view_side_of (ConclaveClusterView *self,
                                ConclaveNode        *node)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  if (self->faults == NULL || !conclave_faults_is_partitioned (self->faults))
    return -1;
  /* Sides are numbered in the order their first node was laid out. */
  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      g_autofree char *key = NULL;
      guint at;

      if (spot->kind == CONCLAVE_SPOT_CHILD || (key = isolation_key (self, spot->node)) == NULL)
        continue;
      if (!g_ptr_array_find_with_equal_func (keys, key, g_str_equal, &at))
        {
          at = keys->len;
          g_ptr_array_add (keys, g_strdup (key));
        }
      if (spot->node == node)
        return (int) at;
    }
  return -1;
}

static void
side_tint (int      side,
           gboolean dark,
           GdkRGBA *tint)
{
  static const GdkRGBA tints[MAX_SIDES] = {
    { 0.21, 0.52, 0.89, 1 }, { 0.90, 0.55, 0.10, 1 }, { 0.20, 0.65, 0.35, 1 },
    { 0.75, 0.30, 0.70, 1 }, { 0.55, 0.55, 0.55, 1 }, { 0.85, 0.25, 0.25, 1 },
  };

  *tint = tints[side % MAX_SIDES];
  tint->alpha = dark ? 0.32 : 0.22;
}

static void
append_disc (GtkSnapshot   *snapshot,
             double         x,
             double         y,
             double         r,
             const GdkRGBA *color)
{
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x - r, y - r, 2 * r, 2 * r);
  GskRoundedRect disc;

  gsk_rounded_rect_init_from_rect (&disc, &rect, r);
  gtk_snapshot_push_rounded_clip (snapshot, &disc);
  gtk_snapshot_append_color (snapshot, color, &rect);
  gtk_snapshot_pop (snapshot);
}

/* The clear gap between side 0 and side 1 along direction (dx, dy) from
 * (ox, oy), and where its middle lies; negative when nodes or their
 * captions overlap. */
static double
gap_along (ConclaveClusterView *self,
           const int           *sides,
           double               ox,
           double               oy,
           double               dx,
           double               dy,
           double              *middle)
{
  double last0 = -G_MAXDOUBLE, first1 = G_MAXDOUBLE;

  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      /* The node with the lines under it, as a box. */
      double caption = 2.4 * self->line_height;
      double half_w = MAX (spot->r, 3.5 * self->line_height), half_h = spot->r + caption / 2;
      double along = (spot->x - ox) * dx + (spot->y + caption / 2 - oy) * dy;
      double extent = half_w * fabs (dx) + half_h * fabs (dy);

      if (sides[i] == 0)
        last0 = MAX (last0, along + extent);
      else if (sides[i] == 1)
        first1 = MIN (first1, along - extent);
    }
  *middle = (last0 + first1) / 2;
  return first1 - last0;
}

/* Dashed, across the view, through the widest clear gap between the two
 * sides (trying directions up to 80° either way of the line joining their
 * centres); left out where no line clears every node (the tints still
 * tell the sides). */
static void
draw_divider (ConclaveClusterView *self,
              GtkSnapshot         *snapshot,
              const int           *sides,
              const double        *cx,
              const double        *cy,
              gboolean             dark)
{
  double base = atan2 (cy[1] - cy[0], cx[1] - cx[0]);
  double reach = hypot (gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)));
  double width = self->presentation ? 4 : 2.5;
  double best_gap = 0, best_at = 0, best_angle = 0;
  GdkRGBA failed;

  if (hypot (cx[1] - cx[0], cy[1] - cy[0]) < 1)
    return;
  for (int degrees = -80; degrees <= 80; degrees += 5)
    {
      double angle = base + degrees * G_PI / 180, at;
      double gap = gap_along (self, sides, cx[0], cy[0], cos (angle), sin (angle), &at);

      /* The straightest line wins a tie: the one between the centres. */
      if (gap > best_gap + (degrees == 0 ? 0 : 4))
        {
          best_gap = gap;
          best_at = at;
          best_angle = angle;
        }
    }
  if (best_gap <= 0)
    return;
  conclave_palette_get_gdk (CONCLAVE_COLOR_FAILED, dark, &failed);
  failed.alpha = 0.7;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (cx[0] + cos (best_angle) * best_at,
                                                          cy[0] + sin (best_angle) * best_at));
  gtk_snapshot_rotate (snapshot, best_angle * 180 / G_PI + 90);
  for (double d = -reach; d < reach; d += 22)
    gtk_snapshot_append_color (snapshot, &failed, &GRAPHENE_RECT_INIT (d, -width / 2, 12, width));
  gtk_snapshot_restore (snapshot);
}

void
_conclave_cluster_view_draw_sides (ConclaveClusterView *self,
                                   GtkSnapshot         *snapshot)
{
  gboolean dark = conclave_palette_is_dark ();
  double cx[MAX_SIDES] = { 0, }, cy[MAX_SIDES] = { 0, };
  guint count[MAX_SIDES] = { 0, }, n_sides = 0;
  g_autofree int *sides = NULL;

  if (self->faults == NULL || !conclave_faults_is_partitioned (self->faults))
    return;
  sides = g_new (int, MAX (self->spots->len, 1));
  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      int side = spot->kind == CONCLAVE_SPOT_CHILD ? -1 : _conclave_cluster_view_side_of (self, spot->node);
      GdkRGBA tint;

      sides[i] = side;
      if (side < 0 || side >= MAX_SIDES)
        continue;
      side_tint (side, dark, &tint);
      append_disc (snapshot, spot->x, spot->y, spot->r * 1.75 + 0.6 * self->line_height, &tint);
      cx[side] += spot->x;
      cy[side] += spot->y;
      count[side]++;
      n_sides = MAX (n_sides, (guint) side + 1);
    }
  if (n_sides != 2 || count[0] == 0 || count[1] == 0)
    return;
  for (guint s = 0; s < 2; s++)
    {
      cx[s] /= count[s];
      cy[s] /= count[s];
    }
  draw_divider (self, snapshot, sides, cx, cy, dark);
}
