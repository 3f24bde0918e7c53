/* conclave-cluster-view-lan.c — Conclave's LAN in the cluster view: the
 * bridge drawn as a switch under the nodes, a cable from it to every
 * host, cut (a red bar, the far half faint) where isolation or a
 * partition put the host on a bridge of its own; and the way a message
 * between two hosts takes: down its sender's cable, through the switch,
 * up the receiver's. Each node's address is in its role line
 * (conclave-cluster-view-draw.c). A recording's LAN (replays) is drawn
 * the same, without cuts (a recording's faults are not shown).
 *
 * Reads the cluster's LAN (the core owns addresses and segments); draws
 * before the nodes, so a name or a crown is never covered. Never changes
 * the network. Nothing is drawn on loopback.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-cluster-view-private.h"
#include "conclave-palette-widget.h"

/* The switch: a flat box the messages cross, its name and address above
 * it (where a passing dot does not cover them). */
static void
draw_switch (ConclaveClusterView   *self,
             GtkSnapshot           *snapshot,
             const graphene_rect_t *box,
             const GdkRGBA         *fg)
{
  /* Translators: the LAN's bridge drawn as a network switch, with its address */
  g_autofree char *label = g_strdup_printf (_("switch · %s"), CONCLAVE_LAN_BRIDGE_ADDRESS);
  GdkRGBA fill = *fg, edge = *fg;
  GskRoundedRect rounded;
  int width, height;

  fill.alpha = 0.10;
  edge.alpha = 0.45;
  gsk_rounded_rect_init_from_rect (&rounded, box, box->size.height / 4);
  gtk_snapshot_append_border (snapshot, &rounded, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { edge, edge, edge, edge });
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &fill, box);
  gtk_snapshot_pop (snapshot);
  pango_layout_set_text (self->small_layout, label, -1);
  pango_layout_get_pixel_size (self->small_layout, &width, &height);
  self->lan_label = GRAPHENE_RECT_INIT (box->origin.x + (box->size.width - width) / 2,
                                        box->origin.y - height - 2, width, height);
  _conclave_cluster_view_append_text (self, snapshot, self->small_layout,
                                      self->lan_label.origin.x, self->lan_label.origin.y, fg);
}

/* From the host to its port on the switch; cut halfway if it is on
 * another bridge than the switch's. */
static void
draw_cable (ConclaveClusterView *self,
            GtkSnapshot         *snapshot,
            const ConclaveSpot  *spot,
            double               port_x,
            double               port_y,
            gboolean             cut,
            const GdkRGBA       *fg)
{
  double width = _conclave_cluster_view_line_width (self);
  /* From the host's edge, not across the lines under it (never past
   * halfway, where a cut goes). */
  graphene_point_t from = _conclave_cluster_view_edge_towards (spot, &GRAPHENE_POINT_INIT (port_x, port_y));
  double mx = (spot->x + port_x) / 2, my = (spot->y + port_y) / 2;
  double angle = atan2 (port_y - spot->y, port_x - spot->x);
  double bar = 0.45 * self->line_height;
  GdkRGBA cable = *fg, faint = *fg, failed;

  cable.alpha = self->presentation ? 0.45 : 0.3;
  faint.alpha = 0.08;
  if (!cut)
    {
      _conclave_cluster_view_append_line (snapshot, from.x, from.y, port_x, port_y, width, &cable);
      return;
    }
  conclave_palette_get_gdk (CONCLAVE_COLOR_FAILED, conclave_palette_is_dark (), &failed);
  _conclave_cluster_view_append_line (snapshot, from.x, from.y, mx, my, width, &cable);
  _conclave_cluster_view_append_line (snapshot, mx, my, port_x, port_y, width, &faint);
  /* The cut: a short red bar across the cable, halfway. */
  _conclave_cluster_view_append_line (snapshot, mx - bar * cos (angle + G_PI / 2), my - bar * sin (angle + G_PI / 2),
                                      mx + bar * cos (angle + G_PI / 2), my + bar * sin (angle + G_PI / 2),
                                      2 * width, &failed);
}

/* The address of the node's host (a child's: its top-level node's), or NULL. */
static const char *
address_of (ConclaveLan *lan, ConclaveNode *node)
{
  while (conclave_node_get_parent (node) != NULL)
    node = conclave_node_get_parent (node);
  return conclave_lan_get_address (lan, conclave_node_get_name (node));
}

/* Where a cable from (x, y) meets the switch: the side of the box that
 * faces it, halfway up. */
static graphene_point_t
port_for (const graphene_rect_t *box, double x)
{
  double cx = box->origin.x + box->size.width / 2;

  return GRAPHENE_POINT_INIT (x < cx ? box->origin.x : box->origin.x + box->size.width,
                              box->origin.y + box->size.height / 2);
}

gboolean
_conclave_cluster_view_lan_route (ConclaveClusterView *self,
                                  const ConclaveSpot  *a,
                                  const ConclaveSpot  *b,
                                  graphene_point_t     via[3])
{
  ConclaveLan *lan = self->lan_shown ? conclave_cluster_get_lan (view_cluster (self)) : NULL;
  const char *from = lan ? address_of (lan, a->node) : NULL;
  const char *to = lan ? address_of (lan, b->node) : NULL;

  if (from == NULL || to == NULL || g_str_equal (from, to))
    return FALSE;
  if (via != NULL)
    {
      via[0] = port_for (&self->lan_box, a->x);
      graphene_rect_get_center (&self->lan_box, &via[1]);
      via[2] = port_for (&self->lan_box, b->x);
    }
  return TRUE;
}

static int
compare_left (gconstpointer a,
              gconstpointer b)
{
  const ConclaveSpot *x = *(ConclaveSpot * const *) a, *y = *(ConclaveSpot * const *) b;

  return (x->x - x->r > y->x - y->r) - (x->x - x->r < y->x - y->r);
}

/* Where the switch goes across: in the middle of the widest empty band
 * between the hosts (the servers' and the clients' columns) if it is
 * `width` wide, else right of them all: never over a node. */
static double
switch_x (GPtrArray *hosts,
          double     width)
{
  double edge = -G_MAXDOUBLE, best = 0, at = 0;

  g_ptr_array_sort (hosts, compare_left);
  for (guint i = 0; i < hosts->len; i++)
    {
      const ConclaveSpot *spot = hosts->pdata[i];

      if (i > 0 && spot->x - spot->r - edge > best)
        {
          best = spot->x - spot->r - edge;
          at = edge + best / 2;
        }
      edge = MAX (edge, spot->x + spot->r);
    }
  return best >= width ? at : edge + width / 2 + width / 6;
}

void
_conclave_cluster_view_draw_lan (ConclaveClusterView *self,
                                 GtkSnapshot         *snapshot)
{
  ConclaveLan *lan = view_cluster (self) ? conclave_cluster_get_lan (view_cluster (self)) : NULL;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new ();
  double mean_y = 0, line = self->line_height;
  double cx;
  graphene_rect_t box;
  GdkRGBA fg;

  self->lan_shown = FALSE;
  if (lan == NULL)
    return;
  for (guint i = 0; i < self->spots->len; i++)
    {
      ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);

      if (spot->kind == CONCLAVE_SPOT_CHILD ||
          conclave_lan_get_address (lan, conclave_node_get_name (spot->node)) == NULL)
        continue;
      g_ptr_array_add (hosts, spot);
      mean_y += spot->y;
    }
  if (hosts->len == 0)
    return;
  mean_y /= hosts->len;
  conclave_palette_widget_fg_gdk (GTK_WIDGET (self), &fg);
  cx = switch_x (hosts, 10 * line + 2 * line);
  box = GRAPHENE_RECT_INIT (cx - 5 * line, mean_y - 0.5 * line, 10 * line, 1.0 * line);
  for (guint i = 0; i < hosts->len; i++)
    {
      const ConclaveSpot *spot = hosts->pdata[i];
      const char *host = conclave_lan_get_host (lan, conclave_node_get_name (spot->node));
      graphene_point_t port = port_for (&box, spot->x);

      draw_cable (self, snapshot, spot, port.x, port.y, conclave_lan_get_segment (lan, host) != 0, &fg);
    }
  draw_switch (self, snapshot, &box, &fg);
  self->lan_shown = TRUE;
  self->lan_box = box;
}

gboolean
conclave_cluster_view_get_switch_area (ConclaveClusterView *self,
                                       graphene_rect_t     *area)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self), FALSE);

  if (self->lan_shown)
    *area = self->lan_box;
  return self->lan_shown;
}
