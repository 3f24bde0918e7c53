/* conclave-cluster-view-messages.c — what moves in the cluster view: links
 * between nodes that exchanged messages (kept up to date per batch from the
 * matcher's new messages), and a dot per message of the last moment
 * travelling from sender to receiver (on Conclave's LAN between two hosts:
 * by the switch, reached at half its flight), falling away when dropped
 * or lost.
 * Messages are read with the matcher's range query over that moment only,
 * and drawn as render nodes (cheap), never as one big cairo image.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-cluster-view-private.h"
#include "conclave-drawing.h"
#include "conclave-palette-widget.h"
#include "conclave-roles.h"
#include "conclave-tempo.h"

#define FALL_NS          (800 * G_TIME_SPAN_MILLISECOND * 1000)
#define LINK_FRESH_NS    (3 * G_TIME_SPAN_SECOND * 1000)
#define MAX_DOTS         20000   /* collected per frame, at most */
#define SHOWN_DOTS       400     /* drawn; past that an even sample */
#define MAX_PENDING      1024
#define MAX_LINKS        150
#define RECENT_LINK_MESSAGES 20000   /* a fresh picture learns its links from these */
#define MAX_PREVIEW_CHARS 16     /* on a dot's label */
#define MAX_LABELLED_DOTS 16     /* more and the labels are a blur (they never overlap) */

static guint
link_hash (gconstpointer key)
{
  const ConclaveLink *link = key;

  return g_direct_hash (link->src) * 31 + g_direct_hash (link->dst);
}

static gboolean
link_equal (gconstpointer a,
            gconstpointer b)
{
  const ConclaveLink *la = a, *lb = b;

  return la->src == lb->src && la->dst == lb->dst;
}

GHashTable *
_conclave_cluster_view_new_links (void)
{
  return g_hash_table_new_full (link_hash, link_equal, g_free, NULL);
}

static ConclaveNode *
node_for_proc (ConclaveClusterView *self,
               guint32              proc)
{
  return proc ? conclave_cluster_node_for_proc (view_cluster (self), proc) : NULL;
}

static void
touch_link (ConclaveClusterView *self,
            ConclaveNode        *src,
            ConclaveNode        *dst,
            gint64               when_ns)
{
  ConclaveLink key = { src, dst, 0 };
  ConclaveLink *link = g_hash_table_lookup (self->links, &key);

  if (link == NULL)
    {
      link = g_memdup2 (&key, sizeof key);
      g_hash_table_add (self->links, link);
    }
  link->last_ns = MAX (link->last_ns, when_ns);
}

/* FALSE when the receiver is not known yet (try again next batch). */
static gboolean
link_message (ConclaveClusterView *self,
              guint64              index)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (view_cluster (self));
  ConclaveMessage message_data;
  const ConclaveMessage *message = conclave_matcher_get_message (matcher, index, &message_data);
  ConclaveNode *src, *dst;

  if (message == NULL)
    return TRUE;
  if (message->dst_proc == 0)
    return message->state != CONCLAVE_MESSAGE_IN_FLIGHT;
  src = node_for_proc (self, message->src_proc);
  dst = node_for_proc (self, message->dst_proc);
  if (src != NULL && dst != NULL && src != dst)
    touch_link (self, src, dst, MAX (message->send_ns, message->recv_ns));
  return TRUE;
}

void
_conclave_cluster_view_update_links (ConclaveClusterView *self)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (view_cluster (self));
  guint64 end = conclave_matcher_get_n_messages (matcher);
  g_autoptr(GArray) retry = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; i < self->pending_links->len; i++)
    {
      guint64 index = g_array_index (self->pending_links, guint64, i);

      if (!link_message (self, index))
        g_array_append_val (retry, index);
    }
  for (guint64 index = self->links_next_message; index < end; index++)
    if (!link_message (self, index) && retry->len < MAX_PENDING)
      g_array_append_val (retry, index);
  self->links_next_message = end;
  g_array_set_size (self->pending_links, 0);
  g_array_append_vals (self->pending_links, retry->data, retry->len);
}

void
_conclave_cluster_view_forget_node (ConclaveClusterView *self,
                                    ConclaveNode        *node)
{
  GHashTableIter iter;
  ConclaveLink *link;

  if (node == NULL)
    {
      ConclaveMatcher *matcher = view_cluster (self) ? conclave_cluster_get_matcher (view_cluster (self)) : NULL;
      guint64 end = matcher ? conclave_matcher_get_n_messages (matcher) : 0;
      guint64 first = matcher ? conclave_matcher_get_first_message (matcher) : 0;

      g_hash_table_remove_all (self->links);
      g_array_set_size (self->pending_links, 0);
      /* A moment scrubbed to comes with its past: the links live had drawn
       * by then (those of its latest messages; a bound keeps a scrub back
       * through a long class quick). */
      self->links_next_message = end - MIN (end - first, RECENT_LINK_MESSAGES);
      return;
    }
  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &link, NULL))
    if (link->src == node || link->dst == node)
      g_hash_table_iter_remove (&iter);
}

static const ConclaveSpot *
spot_or_parent (ConclaveClusterView *self,
                ConclaveNode        *node)
{
  while (node != NULL)
    {
      const ConclaveSpot *spot = _conclave_cluster_view_spot_for_node (self, node);

      if (spot != NULL)
        return spot;
      node = conclave_node_get_parent (node);
    }
  return NULL;
}

/* Most recent first. */
static int
compare_links (gconstpointer a,
               gconstpointer b)
{
  const ConclaveLink *la = *(ConclaveLink * const *) a, *lb = *(ConclaveLink * const *) b;

  return la->last_ns > lb->last_ns ? -1 : la->last_ns < lb->last_ns;
}

/* A straight line as a rotated rectangle (dashed: a row of them): colour
 * nodes, no image to allocate as a cairo node would need. Dashed lines are
 * links to a node that is down, which may come back (a removed node's links
 * are forgotten altogether). */
static void
append_stroke (GtkSnapshot   *snapshot,
               double         x1,
               double         y1,
               double         x2,
               double         y2,
               double         width,
               const GdkRGBA *color,
               gboolean       dashed)
{
  double length = hypot (x2 - x1, y2 - y1);
  double dash = dashed ? 3 * width + 3 : length, gap = 2 * width + 3;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x1, y1));
  gtk_snapshot_rotate (snapshot, atan2 (y2 - y1, x2 - x1) * 180 / G_PI);
  for (double at = 0; at < length; at += dash + gap)
    gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (at, -width / 2, MIN (dash, length - at), width));
  gtk_snapshot_restore (snapshot);
}

void
_conclave_cluster_view_append_line (GtkSnapshot   *snapshot,
                                    double         x1,
                                    double         y1,
                                    double         x2,
                                    double         y2,
                                    double         width,
                                    const GdkRGBA *color)
{
  append_stroke (snapshot, x1, y1, x2, y2, width, color, FALSE);
}

/* Links fade from fresh to a faint trace; links of a node that is down are
 * faint and dashed. Past MAX_LINKS (an all-to-all group) only the most
 * recent are drawn. */
void
_conclave_cluster_view_draw_links (ConclaveClusterView *self,
                                   GtkSnapshot         *snapshot,
                                   gint64               now_ns)
{
  g_autoptr(GPtrArray) links = NULL;
  GHashTableIter iter;
  gpointer key;
  GdkRGBA fg;

  if (g_hash_table_size (self->links) == 0)
    return;
  links = g_ptr_array_sized_new (g_hash_table_size (self->links));
  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (links, key);
  if (links->len > MAX_LINKS)
    {
      g_ptr_array_sort (links, compare_links);
      g_ptr_array_set_size (links, MAX_LINKS);
    }
  conclave_palette_widget_fg_gdk (GTK_WIDGET (self), &fg);
  for (guint i = 0; i < links->len; i++)
    {
      const ConclaveLink *link = g_ptr_array_index (links, i);
      const ConclaveSpot *a = spot_or_parent (self, link->src);
      const ConclaveSpot *b = spot_or_parent (self, link->dst);
      double age = now_ns - link->last_ns;
      double fresh = age < LINK_FRESH_NS ? 1 - age / LINK_FRESH_NS : 0;
      double width = _conclave_cluster_view_line_width (self);
      GdkRGBA color = fg;
      graphene_point_t from, to;

      /* Between two hosts of the LAN the cables are the link. */
      if (a == NULL || b == NULL || a == b || _conclave_cluster_view_lan_route (self, a, b, NULL))
        continue;
      /* Edge to edge, not across the lines under either node. */
      from = _conclave_cluster_view_edge_towards (a, &GRAPHENE_POINT_INIT (b->x, b->y));
      to = _conclave_cluster_view_edge_towards (b, &GRAPHENE_POINT_INIT (a->x, a->y));
      if (!_conclave_cluster_view_node_alive (a->node) || !_conclave_cluster_view_node_alive (b->node))
        {
          color.alpha = self->presentation ? 0.25 : 0.14;
          append_stroke (snapshot, from.x, from.y, to.x, to.y, width, &color, TRUE);
          continue;
        }
      color.alpha = (self->presentation ? 0.3 : 0.14) + 0.3 * fresh;
      _conclave_cluster_view_append_line (snapshot, from.x, from.y, to.x, to.y, width, &color);
    }
}

typedef struct {
  double   x;
  double   y;
  double   alpha;
  guint32  kind;
  guint32  preview;   /* the sender's, interned; 0 if none */
  gboolean failed;
  gboolean election;  /* a vote or an election message: labelled always */
  guint64  message;
} Dot;

typedef struct {
  ConclaveClusterView *self;
  ConclaveEventStore  *store;
  gint64               now_ns;
  gint64               travel_ns;
  double               scale;
  GArray              *dots;
} MessageFrame;

static const ConclaveSpot *
spot_for_address (ConclaveClusterView   *self,
                  ConclaveEventStore    *store,
                  const ConclaveMessage *message)
{
  const ConclaveEvent *send = conclave_event_store_get (store, message->send_index);
  ConclaveNode *found = send ? conclave_cluster_lookup_address (view_cluster (self), conclave_event_dst (send)) : NULL;

  return found ? _conclave_cluster_view_spot_for_node (self, found) : NULL;
}

static gboolean
dropped_at_receiver (ConclaveEventStore    *store,
                     const ConclaveMessage *message)
{
  const ConclaveEvent *drop = conclave_event_store_get (store, message->recv_index);

  return drop != NULL && (drop->flags & CONCLAVE_EVENT_FLAG_DIR_RECV) != 0;
}

/* The messages an election is made of, in the three algorithms. */
static gboolean
is_election_kind (const char *kind)
{
  static const char * const kinds[] = { "vote-request", "vote", "election", "answer", "coordinator", NULL };

  return kind != NULL && g_strv_contains (kinds, kind);
}

/* How long a message's dot stays: its flight, and for an election's
 * messages as long again resting at the receiver, so "vote" can be read
 * at any tempo. */
gint64
_conclave_cluster_view_dot_life_ns (const char *kind,
                                    double      scale)
{
  gint64 flight = conclave_tempo_flight_ns (scale);

  return is_election_kind (kind) ? 2 * flight : flight;
}

static guint32
preview_of (ConclaveEventStore    *store,
            const ConclaveMessage *message)
{
  const ConclaveEvent *send = conclave_event_store_get (store, message->send_index);

  return send != NULL && CONCLAVE_EVENT_IS_MESSAGE (send->type) ? conclave_event_preview (send) : 0;
}

/* The point at fraction f (0 to 1) of the way along a polyline, by length. */
static graphene_point_t
along (const graphene_point_t *points,
       guint                   n,
       double                  f)
{
  double total = 0, left;

  for (guint i = 1; i < n; i++)
    total += graphene_point_distance (&points[i - 1], &points[i], NULL, NULL);
  left = f * total;
  for (guint i = 1; i < n; i++)
    {
      double leg = graphene_point_distance (&points[i - 1], &points[i], NULL, NULL);

      if (left <= leg && leg > 0)
        return GRAPHENE_POINT_INIT (points[i - 1].x + (points[i].x - points[i - 1].x) * left / leg,
                                    points[i - 1].y + (points[i].y - points[i - 1].y) * left / leg);
      left -= leg;
    }
  return points[n - 1];
}

/* How far along the ray from the spot's centre (unit direction ux, uy) it
 * leaves `rect`; 0 when it never crosses it. */
static double
ray_leaves (const ConclaveSpot    *spot,
            double                 ux,
            double                 uy,
            const graphene_rect_t *rect)
{
  double origin[2] = { spot->x, spot->y }, dir[2] = { ux, uy };
  double low[2] = { rect->origin.x, rect->origin.y };
  double high[2] = { rect->origin.x + rect->size.width, rect->origin.y + rect->size.height };
  double enter = -G_MAXDOUBLE, leave = G_MAXDOUBLE;

  if (rect->size.width <= 0 || rect->size.height <= 0)
    return 0;
  for (int i = 0; i < 2; i++)
    {
      double a, b;

      if (fabs (dir[i]) < 1e-9)
        {
          if (origin[i] < low[i] || origin[i] > high[i])
            return 0;
          continue;
        }
      a = (low[i] - origin[i]) / dir[i];
      b = (high[i] - origin[i]) / dir[i];
      enter = MAX (enter, MIN (a, b));
      leave = MIN (leave, MAX (a, b));
    }
  return enter < leave && leave > 0 ? leave : 0;
}

graphene_point_t
_conclave_cluster_view_edge_towards (const ConclaveSpot     *spot,
                                     const graphene_point_t *toward)
{
  double dx = toward->x - spot->x, dy = toward->y - spot->y;
  double len = MAX (hypot (dx, dy), 1), ux = dx / len, uy = dy / len;
  /* Past the lines under it and a leader's crown, if the line would cross
   * them, but never past halfway. */
  double t = MAX (ray_leaves (spot, ux, uy, &spot->caption), ray_leaves (spot, ux, uy, &spot->crown));

  t = MAX (spot->r, MIN (t, len / 2));
  return GRAPHENE_POINT_INIT (spot->x + ux * t, spot->y + uy * t);
}

/* Where a dot is at p of its flight from a to b: straight, or on the LAN
 * down a's cable to the switch (half the flight), then up b's. */
static graphene_point_t
flight_point (ConclaveClusterView *self,
              const ConclaveSpot  *a,
              const ConclaveSpot  *b,
              double               p)
{
  graphene_point_t via[3];
  graphene_point_t at_b = GRAPHENE_POINT_INIT (b->x, b->y), at_a = GRAPHENE_POINT_INIT (a->x, a->y);

  if (_conclave_cluster_view_lan_route (self, a, b, via))
    {
      graphene_point_t down[3] = { _conclave_cluster_view_edge_towards (a, &via[0]), via[0], via[1] };
      graphene_point_t up[3] = { via[1], via[2], _conclave_cluster_view_edge_towards (b, &via[2]) };

      return p < 0.5 ? along (down, 3, 2 * p) : along (up, 3, 2 * p - 1);
    }
  {
    graphene_point_t line[2] = { _conclave_cluster_view_edge_towards (a, &at_b), _conclave_cluster_view_edge_towards (b, &at_a) };
    return along (line, 2, p);
  }
}

static void
add_dot (MessageFrame          *frame,
         const ConclaveSpot    *a,
         const ConclaveSpot    *b,
         double                 p,
         double                 fall,
         const ConclaveMessage *message,
         guint64                index)
{
  graphene_point_t at = flight_point (frame->self, a, b, p);
  Dot dot;

  dot.x = at.x;
  dot.y = at.y + fall * fall * frame->self->line_height * 6;
  dot.alpha = 1 - fall * 0.9;
  dot.kind = message->kind;
  dot.preview = preview_of (frame->store, message);
  dot.failed = fall > 0 || message->state == CONCLAVE_MESSAGE_LOST;
  dot.election = is_election_kind (conclave_event_store_str (frame->store, message->kind));
  dot.message = index;
  g_array_append_val (frame->dots, dot);
}

static gboolean
collect_message (const ConclaveMessage *message,
                 guint64                index,
                 gpointer               user_data)
{
  MessageFrame *frame = user_data;
  ConclaveClusterView *self = frame->self;
  gint64 age = frame->now_ns - message->send_ns;
  double p = (double) age / frame->travel_ns;
  const ConclaveSpot *a, *b;

  if (message->state == CONCLAVE_MESSAGE_UNSENT || age < 0 || frame->dots->len >= MAX_DOTS)
    return frame->dots->len < MAX_DOTS;
  if ((message->state == CONCLAVE_MESSAGE_UNHEARD || message->state == CONCLAVE_MESSAGE_NOT_READ) &&
      !conclave_session_get_show_unheard (self->session))
    return TRUE;
  a = spot_or_parent (self, node_for_proc (self, message->src_proc));
  b = message->dst_proc ? spot_or_parent (self, node_for_proc (self, message->dst_proc))
                        : spot_for_address (self, frame->store, message);
  if (a == NULL || b == NULL || a == b)
    return TRUE;
  switch (message->state)
    {
    case CONCLAVE_MESSAGE_DELIVERED:
    case CONCLAVE_MESSAGE_IN_FLIGHT:
      if (p < 1)
        add_dot (frame, a, b, p, 0, message, index);
      else if (age < _conclave_cluster_view_dot_life_ns (conclave_event_store_str (frame->store, message->kind),
                                                         frame->scale))
        add_dot (frame, a, b, 1, 0, message, index);  /* an election's message, resting at the receiver */
      break;
    case CONCLAVE_MESSAGE_DROPPED:
      {
        double at = dropped_at_receiver (frame->store, message) ? 0.8 : 0.3;
        double fall = (age - at * frame->travel_ns) / (double) FALL_NS;

        if (p < at)
          add_dot (frame, a, b, p, 0, message, index);
        else if (fall < 1)
          add_dot (frame, a, b, at, MAX (fall, 0.01), message, index);
      }
      break;
    case CONCLAVE_MESSAGE_LOST:
      {
        double fall = (frame->now_ns - message->recv_ns) / (double) FALL_NS;

        if (fall >= 0 && fall < 1)
          add_dot (frame, a, b, 0.9, MAX (fall, 0.01), message, index);
      }
      break;
    default:
      break;
    }
  return TRUE;
}

/* "square 7*7=49", "task 7": the kind and what the message carries, so
 * the class sees which worker squared whose number. A long preview is cut
 * at its first word ("7 for 127.0.0.1:40123" → "7"). */
static char *
label_text (ConclaveEventStore *store,
            guint32             kind_id,
            guint32             preview_id)
{
  const char *kind = conclave_event_store_str (store, kind_id);
  const char *preview = preview_id ? conclave_event_store_str (store, preview_id) : NULL;
  gsize cut;

  if (kind == NULL)
    return NULL;
  if (preview == NULL || *preview == '\0')
    return g_strdup (kind);
  cut = strlen (preview) <= MAX_PREVIEW_CHARS ? strlen (preview) : strcspn (preview, " ");
  if (cut > MAX_PREVIEW_CHARS)
    return g_strdup (kind);
  return g_strdup_printf ("%s %.*s", kind, (int) cut, preview);
}

char *
_conclave_cluster_view_message_label (ConclaveEventStore    *store,
                                      const ConclaveMessage *message)
{
  return label_text (store, message->kind, preview_of (store, message));
}

static char *
dot_text (ConclaveEventStore *store,
          const Dot          *dot)
{
  return label_text (store, dot->kind, dot->preview);
}

/* Names the dot's kind beside it, unless that label would overlap one
 * already drawn this frame (taken, graphene_rect_t): labels drawn over each
 * other near a busy node read as neither. */
static void
draw_dot_label (ConclaveClusterView *self,
                GtkSnapshot         *snapshot,
                ConclaveEventStore  *store,
                const Dot           *dot,
                const GdkRGBA       *fg,
                GArray              *taken)
{
  g_autofree char *text = dot_text (store, dot);
  GdkRGBA color = *fg;
  PangoRectangle ink, logical;
  graphene_rect_t rect;

  if (text == NULL)
    return;
  pango_layout_set_text (self->small_layout, text, -1);
  pango_layout_get_pixel_extents (self->small_layout, &ink, &logical);
  graphene_rect_init (&rect, dot->x + self->line_height * 0.45, dot->y - self->line_height * 0.9,
                      logical.width, logical.height);
  for (guint i = 0; i < taken->len; i++)
    if (graphene_rect_intersection (&rect, &g_array_index (taken, graphene_rect_t, i), NULL))
      return;
  g_array_append_val (taken, rect);
  color.alpha *= dot->alpha * 0.9;
  _conclave_cluster_view_append_text (self, snapshot, self->small_layout, rect.origin.x, rect.origin.y, &color);
}

/* Where each node and the lines beside it (state, role; a child's PID)
 * roughly are, and the switch's name on the LAN, so a kind label does not
 * cover them; a generous width is cheaper than measuring. */
static GArray *
node_caption_rects (ConclaveClusterView *self)
{
  GArray *rects = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  double line = self->line_height;

  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      graphene_rect_t body = GRAPHENE_RECT_INIT (spot->x - spot->r, spot->y - spot->r, 2 * spot->r, 2 * spot->r);
      double half = MAX (spot->r, 4 * line);
      graphene_rect_t caption = GRAPHENE_RECT_INIT (spot->x - half, spot->y + spot->r, 2 * half, 2.3 * line);

      g_array_append_val (rects, body);
      if (spot->kind == CONCLAVE_SPOT_CHILD)
        {
          /* A child's PID, outwards from its parent (conclave-cluster-view-draw.c). */
          double w = 3.4 * line, h = line;
          graphene_rect_t pid = GRAPHENE_RECT_INIT (spot->x + cos (spot->angle) * (spot->r + 3 + w / 2) - w / 2,
                                                    spot->y + sin (spot->angle) * (spot->r + 2 + h / 2) - h / 2,
                                                    w, h);

          g_array_append_val (rects, pid);
        }
      else
        g_array_append_val (rects, caption);
    }
  if (self->lan_shown)
    g_array_append_val (rects, self->lan_label);
  return rects;
}

/* A dot is a circle with a thin ring in the background colour, so it stays
 * visible where it crosses a link or a node. */
void
_conclave_cluster_view_append_dot (GtkSnapshot   *snapshot,
                                   double         x,
                                   double         y,
                                   double         radius,
                                   const GdkRGBA *fill,
                                   const GdkRGBA *ring)
{
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x - radius, y - radius, 2 * radius, 2 * radius);
  float widths[4] = { 1.5, 1.5, 1.5, 1.5 };
  GdkRGBA rings[4] = { *ring, *ring, *ring, *ring };
  GskRoundedRect circle;

  gsk_rounded_rect_init_from_rect (&circle, &rect, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &circle);
  gtk_snapshot_append_color (snapshot, fill, &rect);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &circle, widths, rings);
}

static void
append_cross (GtkSnapshot   *snapshot,
              double         x,
              double         y,
              double         r,
              const GdkRGBA *color)
{
  _conclave_cluster_view_append_line (snapshot, x - r, y - r, x + r, y + r, 2, color);
  _conclave_cluster_view_append_line (snapshot, x + r, y - r, x - r, y + r, 2, color);
}

double
_conclave_cluster_view_dot_radius (ConclaveClusterView *self)
{
  return self->presentation ? MAX (self->line_height * 0.36, CONCLAVE_CLUSTER_VIEW_PRESENT_DOT_PX / 2.0)
                            : self->line_height * 0.3;
}

double
_conclave_cluster_view_line_width (ConclaveClusterView *self)
{
  return self->presentation ? CONCLAVE_CLUSTER_VIEW_PRESENT_LINE_PX : 1.5;
}

static void
paint_dots (ConclaveClusterView *self,
            GtkSnapshot         *snapshot,
            ConclaveEventStore  *store,
            GArray              *dots)
{
  /* Hundreds of dots already read as a stream; thousands only cost time. */
  guint every = dots->len / SHOWN_DOTS + 1;
  double radius = _conclave_cluster_view_dot_radius (self);
  gboolean dark = conclave_palette_is_dark ();
  /* Name the kind next to each dot while there are few enough to read. */
  gboolean labels = dots->len <= MAX_LABELLED_DOTS;
  g_autoptr(ConclaveKindColors) colors = conclave_kind_colors_new (store, dark);
  g_autoptr(GArray) taken = NULL;
  GdkRGBA failed, fg;

  conclave_palette_get_gdk (CONCLAVE_COLOR_FAILED, dark, &failed);
  conclave_palette_widget_fg_gdk (GTK_WIDGET (self), &fg);
  for (guint i = 0; i < dots->len; i += every)
    {
      const Dot *dot = &g_array_index (dots, Dot, i);
      GdkRGBA fill = dot->failed ? failed : conclave_rgba_to_gdk (conclave_kind_colors_lookup (colors, dot->kind));
      GdkRGBA ring = { dark ? 0 : 1, dark ? 0 : 1, dark ? 0 : 1, dot->alpha * 0.9 };

      ConclaveDotHit hit = { dot->x, dot->y, dot->message };

      fill.alpha *= dot->alpha;
      _conclave_cluster_view_append_dot (snapshot, dot->x, dot->y, radius, &fill, &ring);
      g_array_append_val (self->dot_hits, hit);
      if (dot->failed)
        append_cross (snapshot, dot->x + radius * 2.2, dot->y - radius * 2.2, radius * 0.8, &fill);
    }
  /* An election's messages first, then newest first, so where labels
   * would collide a vote and the latest message keep their names. */
  taken = node_caption_rects (self);
  for (guint i = dots->len; i-- > 0;)
    if (g_array_index (dots, Dot, i).election)
      draw_dot_label (self, snapshot, store, &g_array_index (dots, Dot, i), &fg, taken);
  if (!labels)
    return;
  for (guint i = dots->len; i-- > 0;)
    if (!g_array_index (dots, Dot, i).election)
      draw_dot_label (self, snapshot, store, &g_array_index (dots, Dot, i), &fg, taken);
}

gboolean
conclave_cluster_view_get_message_point (ConclaveClusterView *self,
                                         guint64              message,
                                         graphene_point_t    *point)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self), FALSE);

  for (guint i = 0; i < self->dot_hits->len; i++)
    {
      const ConclaveDotHit *hit = &g_array_index (self->dot_hits, ConclaveDotHit, i);

      if (hit->message == message)
        {
          *point = GRAPHENE_POINT_INIT (hit->x, hit->y);
          return TRUE;
        }
    }
  return FALSE;
}

guint64
_conclave_cluster_view_message_at (ConclaveClusterView *self,
                                   double               x,
                                   double               y)
{
  double best = _conclave_cluster_view_dot_radius (self) + 4;
  guint64 found = G_MAXUINT64;

  for (guint i = 0; i < self->dot_hits->len; i++)
    {
      const ConclaveDotHit *hit = &g_array_index (self->dot_hits, ConclaveDotHit, i);

      if (hypot (hit->x - x, hit->y - y) < best)
        {
          best = hypot (hit->x - x, hit->y - y);
          found = hit->message;
        }
    }
  return found;
}

void
_conclave_cluster_view_draw_messages (ConclaveClusterView *self,
                                      GtkSnapshot         *snapshot,
                                      gint64               now_ns)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (view_cluster (self));
  g_autoptr(GArray) dots = g_array_new (FALSE, FALSE, sizeof (Dot));
  MessageFrame frame;

  frame.self = self;
  frame.store = conclave_cluster_get_store (view_cluster (self));
  frame.now_ns = now_ns;
  /* A slower tempo stretches the flight as it stretches the timers. */
  frame.scale = conclave_cluster_get_tempo (view_cluster (self));
  frame.travel_ns = conclave_tempo_flight_ns (frame.scale);
  frame.dots = dots;
  g_array_set_size (self->dot_hits, 0);
  conclave_matcher_foreach_in_range (matcher, now_ns - 2 * frame.travel_ns - FALL_NS, now_ns + 1,
                                     collect_message, &frame);
  self->n_drawn_messages = dots->len;
  if (dots->len == 0)
    return;
  self->animating = TRUE;
  paint_dots (self, snapshot, frame.store, dots);
}
