/* conclave-cluster-view-held.c — messages held by their receiver (step
 * mode), drawn waiting at its door: an open ring in the kind's colour on
 * the line from the sender, just outside the receiver, several in a queue
 * one behind the other; a click on one opens its menu (Deliver, Drop,
 * Duplicate, Deliver Later). Reads the cluster's hold queue and keeps
 * only where it drew them this frame.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conclave-cluster-view-private.h"
#include "conclave-palette-widget.h"
#include "conclave-step-actions.h"

#define DOOR   0.86   /* how far along the line from the sender a held message waits */
#define QUEUE  2.6    /* the distance between two waiting at one door, in radii */

static const ConclaveSpot *
spot_of (ConclaveClusterView *self, ConclaveNode *node)
{
  for (; node != NULL; node = conclave_node_get_parent (node))
    {
      const ConclaveSpot *spot = _conclave_cluster_view_spot_for_node (self, node);

      if (spot != NULL)
        return spot;
    }
  return NULL;
}

/* How many held messages wait at this door before the one at `position`. */
static guint
ahead_of (GListModel *queue, guint position, ConclaveHeld *held)
{
  guint n = 0;

  for (guint i = 0; i < position; i++)
    {
      g_autoptr(ConclaveHeld) other = g_list_model_get_item (queue, i);

      n += conclave_held_get_proc (other) == conclave_held_get_proc (held)
           && conclave_held_get_src_address (other) == conclave_held_get_src_address (held);
    }
  return n;
}

void
_conclave_cluster_view_draw_held (ConclaveClusterView *self, GtkSnapshot *snapshot)
{
  ConclaveCluster *cluster = view_cluster (self);
  GListModel *queue = G_LIST_MODEL (conclave_cluster_get_hold (cluster));
  double radius = _conclave_cluster_view_dot_radius (self);
  gboolean dark = conclave_palette_is_dark ();
  GdkRGBA inside = { dark ? 0.1 : 1, dark ? 0.1 : 1, dark ? 0.1 : 1, 1 };

  g_array_set_size (self->held_spots, 0);
  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(ConclaveHeld) held = g_list_model_get_item (queue, i);
      const ConclaveSpot *to = spot_of (self, conclave_cluster_node_for_proc (cluster, conclave_held_get_proc (held)));
      const ConclaveSpot *from = spot_of (self, conclave_cluster_lookup_address (cluster,
                                                                                conclave_held_get_src_address (held)));
      double dx, dy, len, back;
      graphene_point_t door;
      ConclaveHeldSpot spot;
      ConclaveRgba kind;
      GdkRGBA color;

      if (to == NULL || from == NULL || to == from)
        continue;
      dx = to->x - from->x;
      dy = to->y - from->y;
      len = MAX (hypot (dx, dy), 1);
      /* Where the line from the sender arrives: past the receiver's caption
       * or crown when it comes across them. */
      door = _conclave_cluster_view_edge_towards (to, &GRAPHENE_POINT_INIT (from->x, from->y));
      back = hypot (door.x - to->x, door.y - to->y) + radius * (1.6 + QUEUE * ahead_of (queue, i, held));
      if (back > len * DOOR)
        back = len * DOOR;
      conclave_palette_kind (conclave_held_get_kind (held), dark, &kind);
      color = conclave_rgba_to_gdk (&kind);
      spot = (ConclaveHeldSpot) { to->x - dx / len * back, to->y - dy / len * back, radius,
                                  conclave_held_get_index (held) };
      g_array_append_val (self->held_spots, spot);
      /* open: the kind's colour only in the ring, not yet received */
      _conclave_cluster_view_append_dot (snapshot, spot.x, spot.y, radius, &inside, &color);
    }
}

const ConclaveHeldSpot *
_conclave_cluster_view_held_at (ConclaveClusterView *self, double x, double y)
{
  /* the newest drawn on top, a little larger than drawn: small targets */
  for (guint i = self->held_spots->len; i-- > 0;)
    {
      const ConclaveHeldSpot *spot = &g_array_index (self->held_spots, ConclaveHeldSpot, i);

      if (hypot (x - spot->x, y - spot->y) <= spot->r * 1.6)
        return spot;
    }
  return NULL;
}

GMenuModel *
_conclave_cluster_view_held_menu (ConclaveClusterView *self, guint64 index)
{
  return conclave_step_actions_held_menu (conclave_cluster_get_hold (view_cluster (self)), index);
}
