/* conclave-cluster-view-timers.c — each follower's election timer as a
 * ring around it that runs down, filled again by every heartbeat or
 * append it receives from the leader; empty, it turns red: this follower
 * may stand any moment. So the gap after a leader's crash shows the
 * timers running out, never an empty screen.
 *
 * The timer is derived from what the view can see: the receive times of
 * heartbeat/append messages and the election timeout the node reported in
 * its last state line (`timeout_ms`, at tempo 1), times the tempo as the
 * node applies it. So the ring empties when the node really stands, not
 * at a guessed shortest timeout. Never guesses a timeout a node did not
 * report; never draws anything but the rings.
 */
#include "config.h"

#include <math.h>

#include "conclave-cluster-view-private.h"
#include "conclave-drawing.h"
#include "conclave-palette-widget.h"

static gboolean
is_follower (ConclaveNode *node)
{
  return conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING &&
         g_strcmp0 (conclave_node_get_group_role (node), "follower") == 0;
}

static gint64
timeout_ns (ConclaveClusterView *self,
            ConclaveNode        *node)
{
  return (gint64) (conclave_node_get_election_timeout_ms (node) * conclave_cluster_get_tempo (view_cluster (self)) * 1e6);
}

typedef struct {
  ConclaveClusterView *self;
  ConclaveNode        *node;
  gint64               heard_ns;
} Heard;

static gboolean
find_heard (const ConclaveMessage *message,
            guint64                index,
            gpointer               data)
{
  Heard *heard = data;
  ConclaveEventStore *store = conclave_cluster_get_store (view_cluster (heard->self));
  const char *kind;

  if (message->state != CONCLAVE_MESSAGE_DELIVERED || message->dst_proc == 0 ||
      message->recv_ns <= heard->heard_ns ||
      conclave_cluster_node_for_proc (view_cluster (heard->self), message->dst_proc) != heard->node)
    return TRUE;
  kind = conclave_event_store_str (store, message->kind);
  if (g_strcmp0 (kind, "heartbeat") == 0 || g_strcmp0 (kind, "append") == 0)
    heard->heard_ns = message->recv_ns;
  return TRUE;
}

gint64
_conclave_cluster_view_timer_runs_out_ns (ConclaveClusterView *self,
                                          ConclaveNode        *node,
                                          gint64               now_ns)
{
  gint64 timeout;
  Heard heard = { self, node, 0 };

  if (view_cluster (self) == NULL || !is_follower (node) || (timeout = timeout_ns (self, node)) <= 0)
    return -1;
  conclave_matcher_foreach_in_range (conclave_cluster_get_matcher (view_cluster (self)),
                                     now_ns - timeout, now_ns + 1, find_heard, &heard);
  if (heard.heard_ns == 0)
    return 0;
  return heard.heard_ns + timeout;
}

double
_conclave_cluster_view_timer_left (ConclaveClusterView *self,
                                   ConclaveNode        *node,
                                   gint64               now_ns)
{
  gint64 out_ns = _conclave_cluster_view_timer_runs_out_ns (self, node, now_ns);

  if (out_ns <= 0)
    return out_ns < 0 ? -1 : 0;
  return CLAMP ((double) (out_ns - now_ns) / timeout_ns (self, node), 0.0, 1.0);
}

static void
draw_ring (ConclaveClusterView *self,
           GtkSnapshot         *snapshot,
           const ConclaveSpot  *spot,
           double               left,
           gboolean             dark)
{
  double radius = spot->r + (self->presentation ? 10 : 7);
  double width = self->presentation ? 6 : 4;
  double extent = radius + width + 2;
  ConclaveRgba running, out;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (spot->x - extent, spot->y - extent,
                                                                          2 * extent, 2 * extent));

  conclave_palette_get (CONCLAVE_COLOR_LEADER, dark, &running);
  conclave_palette_get (CONCLAVE_COLOR_FAILED, dark, &out);
  cairo_set_line_width (cr, width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  /* The whole ring, faint: how much time a full timer has. */
  conclave_draw_set_color (cr, left > 0 ? &running : &out, left > 0 ? 0.2 : 0.85);
  cairo_arc (cr, spot->x, spot->y, radius, 0, 2 * G_PI);
  cairo_stroke (cr);
  if (left > 0)
    {
      /* What is left, from twelve o'clock clockwise; red in its last third. */
      conclave_draw_set_color (cr, left > 1.0 / 3 ? &running : &out, 0.95);
      cairo_arc (cr, spot->x, spot->y, radius, -G_PI / 2, -G_PI / 2 + 2 * G_PI * left);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

void
_conclave_cluster_view_draw_timers (ConclaveClusterView *self,
                                    GtkSnapshot         *snapshot,
                                    gint64               now_ns)
{
  gboolean dark = conclave_palette_is_dark ();

  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      double left;

      if (spot->kind != CONCLAVE_SPOT_SERVER || (left = _conclave_cluster_view_timer_left (self, spot->node, now_ns)) < 0)
        continue;
      draw_ring (self, snapshot, spot, left, dark);
      self->animating = TRUE;
    }
}
