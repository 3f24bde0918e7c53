/* conclave-cluster-view-private.h — the cluster view's insides, shared by
 * conclave-cluster-view.c (object, properties, frame), -draw.c (layout and
 * drawing) and -input.c (pointer, keys, menu, tooltips).
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-cluster-view.h"
#include "conclave-faults.h"

G_BEGIN_DECLS

/* Presentation mode, for the back row of a lecture hall at 1920×1080. */
#define CONCLAVE_CLUSTER_VIEW_PRESENT_TEXT_PX   28   /* names, PIDs */
#define CONCLAVE_CLUSTER_VIEW_PRESENT_LABEL_PX  22   /* roles, message labels */
#define CONCLAVE_CLUSTER_VIEW_PRESENT_DOT_PX    18   /* a message's dot, across */
#define CONCLAVE_CLUSTER_VIEW_PRESENT_LINE_PX   3    /* links, rings */

typedef enum {
  CONCLAVE_SPOT_SERVER,
  CONCLAVE_SPOT_CLIENT,
  CONCLAVE_SPOT_CHILD,
} ConclaveSpotKind;

/* Where a node was drawn this frame. Holds a ref on the node until the next
 * frame, so hit-testing a stale frame never touches a freed node. */
typedef struct {
  ConclaveNode     *node;
  double            x;
  double            y;
  double            r;
  double            angle;   /* children: direction from the parent */
  ConclaveSpotKind  kind;
  graphene_rect_t   caption; /* the lines under it (state, role); empty for a child */
  graphene_rect_t   crown;   /* a leader's crown over it; empty for the others */
} ConclaveSpot;

/* Where a message's dot was drawn this frame (a click explains it). */
typedef struct {
  double  x;
  double  y;
  guint64 message;
} ConclaveDotHit;
/* Where a held message (step mode) was drawn this frame. */
typedef struct {
  double  x;
  double  y;
  double  r;
  guint64 index;   /* its held event: the id the release actions take */
} ConclaveHeldSpot;

/* Two nodes that exchanged a message recently (key and value at once). */
typedef struct {
  ConclaveNode *src;
  ConclaveNode *dst;
  gint64        last_ns;
} ConclaveLink;

struct _ConclaveClusterView
{
  GtkWidget        parent_instance;

  ConclaveSession *session;          /* what is shown, and holds the cluster; the two below follow it */
  ConclaveFaults  *faults;           /* what the teacher did to each node, may be NULL */
  ConclaveNode    *selected;
  gboolean         presentation;

  GArray          *spots;            /* ConclaveSpot, this frame */
  GArray          *held_spots;       /* ConclaveHeldSpot: held messages drawn this frame */
  GHashTable      *spot_by_node;     /* ConclaveNode* → index in spots */
  GHashTable      *links;            /* ConclaveLink* set */
  guint64          links_next_message;
  gint64           links_from_ns;
  GArray          *pending_links;    /* message indices whose receiver was not known yet */
  GArray          *dot_hits;         /* ConclaveDotHit: the message dots of the last frame */
  GHashTable      *ended_at;         /* ConclaveNode* (ref) → gint64*: a child first drawn ended */
  gboolean         lan_shown;        /* the LAN's switch was drawn this frame, at lan_box */
  graphene_rect_t  lan_box;
  graphene_rect_t  lan_label;        /* its name and address, above it */
  GPtrArray       *texts;            /* ConclaveViewText: while drawn for a file, the text kept out of the snapshot */

  PangoLayout     *layout;
  PangoLayout     *bold_layout;
  PangoLayout     *small_layout;
  double           line_height;

  guint            tick_id;
  gboolean         animating;
  guint            n_drawn_messages;
  char            *description;

  /* input */
  GtkWidget       *menu;
  ConclaveNode    *drag_node;
  double           drag_dx;
  double           drag_dy;
};

/* The session holds the cluster; the view only asks. */
static inline ConclaveCluster *
view_cluster (ConclaveClusterView *self)
{
  return self->session != NULL ? conclave_session_get_cluster (self->session) : NULL;
}

/* The layout with its top left at (x, y): into the snapshot, or, while the
 * view is drawn for a file, kept to be drawn there as text (real words in
 * an SVG or PDF, not glyph outlines). */
void                _conclave_cluster_view_append_text    (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot,
                                                           PangoLayout         *layout,
                                                           double               x,
                                                           double               y,
                                                           const GdkRGBA       *color);
void                _conclave_cluster_view_init_input     (ConclaveClusterView *self);
/* The message whose dot of the last frame is nearest (x, y) within its
 * radius and a little more; G_MAXUINT64 if none. */
guint64             _conclave_cluster_view_message_at     (ConclaveClusterView *self,
                                                           double               x,
                                                           double               y);
void                _conclave_cluster_view_ensure_ticking (ConclaveClusterView *self);
const ConclaveSpot *_conclave_cluster_view_spot_for_node  (ConclaveClusterView *self,
                                                           ConclaveNode        *node);
const ConclaveSpot *_conclave_cluster_view_spot_at        (ConclaveClusterView *self,
                                                           double               x,
                                                           double               y);
void                _conclave_cluster_view_layout         (ConclaveClusterView *self);
/* Maps a widget point to the normalised position stored in nodes, and back. */
void                _conclave_cluster_view_to_unit        (ConclaveClusterView *self,
                                                           double x, double y,
                                                           double *nx, double *ny);
void                _conclave_cluster_view_draw_links     (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot,
                                                           gint64               now_ns);
void                _conclave_cluster_view_draw_nodes     (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot,
                                                           gint64               now_ns);
/* Each spot's caption and crown, measured for this frame (-draw.c):
 * before the links. */
void                _conclave_cluster_view_measure_captions (ConclaveClusterView *self);
/* Where a line from the spot towards `toward` starts: its edge, or past
 * its caption or crown when it would cross them (-messages.c). */
graphene_point_t    _conclave_cluster_view_edge_towards   (const ConclaveSpot     *spot,
                                                           const graphene_point_t *toward);
/* A message's dot: a circle with a thin ring (conclave-cluster-view-messages.c). */
void                _conclave_cluster_view_append_dot     (GtkSnapshot         *snapshot,
                                                           double               x,
                                                           double               y,
                                                           double               radius,
                                                           const GdkRGBA       *fill,
                                                           const GdkRGBA       *ring);
/* conclave-cluster-view-held.c: step mode's held messages at their door */
void                _conclave_cluster_view_draw_held      (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot);
/* The held message drawn at (x, y) this frame, or NULL. */
const ConclaveHeldSpot *_conclave_cluster_view_held_at    (ConclaveClusterView *self,
                                                           double               x,
                                                           double               y);
/* Its menu: Deliver, Drop, Duplicate, Deliver Later (a stream's: fewer). */
GMenuModel         *_conclave_cluster_view_held_menu      (ConclaveClusterView *self,
                                                           guint64              index);
void                _conclave_cluster_view_draw_messages  (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot,
                                                           gint64               now_ns);
/* A partition's side the node is on (0, 1, …), -1 when nobody cut it off. */
int                 _conclave_cluster_view_side_of        (ConclaveClusterView *self,
                                                           ConclaveNode        *node);
void                _conclave_cluster_view_draw_sides     (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot);
GHashTable         *_conclave_cluster_view_new_links      (void);
void                _conclave_cluster_view_update_links   (ConclaveClusterView *self);
/* Drops links (and cached addresses) of a node; NULL drops all. */
void                _conclave_cluster_view_forget_node    (ConclaveClusterView *self,
                                                           ConclaveNode        *node);
char               *_conclave_cluster_view_describe_node  (ConclaveNode        *node);
/* When a follower's election timer runs out (its last heartbeat or append
 * received plus its reported timeout at the tempo); 0: it heard none
 * within a timeout; -1: no timer is shown (not a follower, none reported). */
gint64              _conclave_cluster_view_timer_runs_out_ns (ConclaveClusterView *self,
                                                             ConclaveNode        *node,
                                                             gint64               now_ns);
/* What is left of a follower's election timer, 1 (just heard the leader)
 * to 0 (ran out); -1 for a node that is not a running follower. */
double              _conclave_cluster_view_timer_left     (ConclaveClusterView *self,
                                                           ConclaveNode        *node,
                                                           gint64               now_ns);
void                _conclave_cluster_view_draw_timers    (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot,
                                                           gint64               now_ns);
/* How much of an ended child is still drawn: 1 when it just ended, down to
 * 0 when the session lets it go (1 for any other node). */
double              _conclave_cluster_view_fade           (ConclaveClusterView *self,
                                                           ConclaveNode        *node,
                                                           gint64               now_ns);
void                _conclave_cluster_view_forget_ended   (ConclaveClusterView *self);
/* Sizes this frame: a message's dot and a link's width, in pixels. */
double              _conclave_cluster_view_dot_radius     (ConclaveClusterView *self);
double              _conclave_cluster_view_line_width     (ConclaveClusterView *self);
/* A straight stroke of `width` from (x1, y1) to (x2, y2) (-messages.c). */
void                _conclave_cluster_view_append_line    (GtkSnapshot         *snapshot,
                                                           double               x1,
                                                           double               y1,
                                                           double               x2,
                                                           double               y2,
                                                           double               width,
                                                           const GdkRGBA       *color);
/* On Conclave's LAN: the switch and a cable to each host (-lan.c). */
void                _conclave_cluster_view_draw_lan       (ConclaveClusterView *self,
                                                           GtkSnapshot         *snapshot);
/* A message between two hosts of the LAN goes by the switch: a's port on
 * it, its middle, b's port (via, may be NULL); FALSE when it goes
 * straight (loopback, or both on one host). After draw_lan, this frame. */
gboolean            _conclave_cluster_view_lan_route      (ConclaveClusterView *self,
                                                           const ConclaveSpot  *a,
                                                           const ConclaveSpot  *b,
                                                           graphene_point_t     via[3]);
/* How long a message's dot stays on the canvas at this timer scale. */
gint64              _conclave_cluster_view_dot_life_ns    (const char          *kind,
                                                           double               scale);
/* What a message's dot says: its kind and the start of its preview
 * ("square 7*7=49"). */
char               *_conclave_cluster_view_message_label  (ConclaveEventStore    *store,
                                                           const ConclaveMessage *message);
/* FALSE once the node's process exited or crashed (it may be restarted). */
gboolean            _conclave_cluster_view_node_alive     (ConclaveNode        *node);

G_END_DECLS
