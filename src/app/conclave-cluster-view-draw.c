/* conclave-cluster-view-draw.c — layout and drawing of the cluster view.
 *
 * Layout: top-level nodes sit where the user dragged them, else servers on
 * the left (a ring when there are three or more, for the group chapters)
 * and clients on the right; forked children orbit their parent. Drawing:
 * links under the nodes, nodes with their state, then the message dots.
 * Messages come from the matcher's range query over the last moment only.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-address.h"
#include "conclave-cluster-view-private.h"
#include "conclave-drawing.h"
#include "conclave-palette.h"
#include "conclave-roles.h"

/* How long a message takes to cross at tempo 1: slow enough to follow with
 * the eye; a faster tempo shortens it, never below FLOOR. */
#define TRAVEL_NS        (900 * G_TIME_SPAN_MILLISECOND * 1000)
#define TRAVEL_FLOOR_NS  (80 * G_TIME_SPAN_MILLISECOND * 1000)
#define FALL_NS          (800 * G_TIME_SPAN_MILLISECOND * 1000)
#define LINK_FRESH_NS    (3 * G_TIME_SPAN_SECOND * 1000)
#define MAX_DOTS         20000   /* collected per frame, at most */
#define SHOWN_DOTS       400     /* drawn; past that an even sample */
#define MAX_PENDING      1024
#define MAX_LINKS        150

static void
ensure_layouts (ConclaveClusterView *self)
{
  if (self->layout != NULL)
    return;
  self->layout = conclave_palette_layout_new (GTK_WIDGET (self), 1.0, FALSE);
  self->bold_layout = conclave_palette_layout_new (GTK_WIDGET (self), 1.15, TRUE);
  self->small_layout = conclave_palette_layout_new (GTK_WIDGET (self), 0.8, FALSE);
  self->line_height = conclave_palette_line_height (self->layout);
}

void
_conclave_cluster_view_to_unit (ConclaveClusterView *self,
                                double x, double y,
                                double *nx, double *ny)
{
  double w = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  double h = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);

  *nx = CLAMP (x / w, 0.03, 0.97);
  *ny = CLAMP (y / h, 0.05, 0.90);
}

/* Where nodes of one kind go when the user has not dragged them: servers
 * on the left, clients on the right (each kind across the middle when it is
 * alone), in as many columns as the height needs; three to eight servers
 * form a ring, as a server group does in the lecture's picture. */
typedef struct {
  guint  count;
  guint  rows;
  guint  columns;
  double x_lo;
  double x_hi;
  gboolean ring;
} Group;

static void
plan_group (Group    *group,
            guint     count,
            guint     max_rows,
            double    x_lo,
            double    x_hi,
            gboolean  ring)
{
  group->count = count;
  group->columns = MAX (1, (count + max_rows - 1) / MAX (max_rows, 1));
  group->rows = MAX (1, (count + group->columns - 1) / group->columns);
  group->x_lo = x_lo;
  group->x_hi = x_hi;
  group->ring = ring && count >= 3 && count <= 8;
}

static void
auto_position (const Group *group,
               guint        index,
               double      *nx,
               double      *ny)
{
  double column_width = (group->x_hi - group->x_lo) / group->columns;

  if (group->ring)
    {
      double angle = -G_PI / 2 + 2 * G_PI * index / group->count;
      double cx = (group->x_lo + group->x_hi) / 2;

      *nx = cx + MIN (0.15, (group->x_hi - group->x_lo) / 2.5) * cos (angle);
      *ny = 0.47 + 0.34 * sin (angle);
      return;
    }
  *nx = group->x_lo + (index / group->rows + 0.5) * column_width;
  /* The labels hang below the node: the lowest cell keeps room for them. */
  *ny = 0.94 * (index % group->rows + 0.5) / group->rows;
}

/* A node and its two label lines must fit its cell. */
static double
group_radius (ConclaveClusterView *self,
              const Group         *group,
              double               width,
              double               height)
{
  double line = self->line_height;
  double rows = group->ring ? 3 : group->rows;
  double fit = (height / rows - 2.6 * line) / 2.3;
  double column = (group->x_hi - group->x_lo) * width / group->columns;

  return CLAMP (MIN (fit, column / 4), 0.7 * line, 1.7 * line);
}

static void
add_spot (ConclaveClusterView *self,
          ConclaveNode        *node,
          double x, double y, double r,
          ConclaveSpotKind     kind)
{
  ConclaveSpot spot = { g_object_ref (node), x, y, r, 0, kind };

  g_hash_table_insert (self->spot_by_node, node, GUINT_TO_POINTER (self->spots->len));
  g_array_append_val (self->spots, spot);
}

/* Children sit on an arc beside their parent, on the side facing the
 * others (right of a server, left of a client), clear of the labels under
 * it; past SLOTS children a second arc further out. */
#define SLOTS       7
#define ARC_SPAN    (G_PI * 100 / 180)   /* ±50°: clear of the neighbours above and below */

static void
layout_children (ConclaveClusterView *self,
                 const ConclaveSpot  *parent)
{
  GListModel *children = conclave_node_get_children (parent->node);
  guint n = children ? MIN (g_list_model_get_n_items (children), 2 * SLOTS) : 0;
  double rs = MAX (parent->r * 0.38, self->line_height * 0.42);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);
      guint ring = i / SLOTS;
      double distance = parent->r + rs * (3.2 + ring * 4.5);
      guint on_arc = MIN (n - ring * SLOTS, SLOTS);
      /* Spread out while there are few, closer as more come; centred on
       * the direction the parent faces. */
      double step = on_arc > 1 ? MIN (ARC_SPAN / (on_arc - 1), G_PI * 35 / 180) : 0;
      double angle = step * ((i % SLOTS) - (on_arc - 1) / 2.0 + ring * 0.5);

      if (parent->kind == CONCLAVE_SPOT_CLIENT)
        angle = G_PI - angle;

      add_spot (self, child, parent->x + distance * cos (angle),
                parent->y + distance * sin (angle), rs, CONCLAVE_SPOT_CHILD);
      g_array_index (self->spots, ConclaveSpot, self->spots->len - 1).angle = angle;
    }
}

void
_conclave_cluster_view_layout (ConclaveClusterView *self)
{
  GListModel *nodes = G_LIST_MODEL (self->cluster);
  guint n = g_list_model_get_n_items (nodes);
  guint n_servers = 0, n_group = 0, servers = 0, clients = 0, max_rows, n_parents;
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  Group server_group, client_group;
  double r;

  ensure_layouts (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      n_servers += conclave_node_is_server (node);
      n_group += g_strcmp0 (conclave_node_get_role (node), "group-server") == 0;
    }
  max_rows = MAX (1, (guint) (h / (3.4 * self->line_height)));
  /* A ring only for a server group, where the ring is the lecture's picture. */
  plan_group (&server_group, n_servers, max_rows, 0.1, n_servers == n ? 0.9 : 0.45,
              n_group == n_servers);
  plan_group (&client_group, n - n_servers, max_rows, n_servers == 0 ? 0.1 : 0.6, 0.9, FALSE);
  r = MIN (n_servers ? group_radius (self, &server_group, w, h) : G_MAXDOUBLE,
           n > n_servers ? group_radius (self, &client_group, w, h) : G_MAXDOUBLE);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);
      gboolean server = conclave_node_is_server (node);
      double nx, ny;

      if (!conclave_node_get_position (node, &nx, &ny))
        auto_position (server ? &server_group : &client_group, server ? servers : clients, &nx, &ny);
      server ? servers++ : clients++;
      add_spot (self, node, nx * w, ny * h, r,
                server ? CONCLAVE_SPOT_SERVER : CONCLAVE_SPOT_CLIENT);
    }
  /* Children after all parents, so spots stay stable while we append. */
  n_parents = self->spots->len;
  for (guint i = 0; i < n_parents; i++)
    {
      ConclaveSpot parent = g_array_index (self->spots, ConclaveSpot, i);

      layout_children (self, &parent);
    }
}

const ConclaveSpot *
_conclave_cluster_view_spot_at (ConclaveClusterView *self,
                                double               x,
                                double               y)
{
  /* Children are drawn last, on top: test them first. */
  for (guint i = self->spots->len; i > 0; i--)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i - 1);
      double slack = spot->kind == CONCLAVE_SPOT_CHILD ? 3 : 0;

      if (fabs (x - spot->x) <= spot->r + slack && fabs (y - spot->y) <= spot->r + slack)
        return spot;
    }
  return NULL;
}

/* Colours and text */

static gboolean
node_alive (ConclaveNode *node)
{
  ConclaveNodeState state = conclave_node_get_state (node);

  return state != CONCLAVE_NODE_EXITED && state != CONCLAVE_NODE_CRASHED;
}

static void
spot_fill (const ConclaveSpot *spot,
           gboolean            dark,
           GdkRGBA            *fill)
{
  static const ConclaveColor by_kind[] = {
    [CONCLAVE_SPOT_SERVER] = CONCLAVE_COLOR_SERVER,
    [CONCLAVE_SPOT_CLIENT] = CONCLAVE_COLOR_CLIENT,
    [CONCLAVE_SPOT_CHILD] = CONCLAVE_COLOR_CHILD,
  };

  conclave_palette_get (node_alive (spot->node) ? by_kind[spot->kind] : CONCLAVE_COLOR_CRASHED,
                        dark, fill);
  if (conclave_node_get_state (spot->node) == CONCLAVE_NODE_EXITED)
    fill->alpha = 0.55;
}

static const char *
signal_name (int signum)
{
  const char *abbrev = signum > 0 ? sigabbrev_np (signum) : NULL;
  static char buffer[16];

  if (abbrev == NULL)
    return "?";
  g_snprintf (buffer, sizeof buffer, "SIG%s", abbrev);
  return buffer;
}

/* The line under a node: its PID, or how it ended. */
static char *
state_line (ConclaveNode *node)
{
  int pid = conclave_node_get_pid (node);

  switch (conclave_node_get_state (node))
    {
    case CONCLAVE_NODE_STARTING:
      return g_strdup (_("starting…"));
    case CONCLAVE_NODE_PAUSED:
      return g_strdup_printf (_("PID %d · paused"), pid);
    case CONCLAVE_NODE_EXITED:
      return g_strdup_printf (_("exited (%d)"), conclave_node_get_exit_code (node));
    case CONCLAVE_NODE_CRASHED:
      return g_strdup_printf (_("crashed (%s)"), signal_name (conclave_node_get_exit_signal (node)));
    case CONCLAVE_NODE_RUNNING:
    default:
      return g_strdup_printf (_("PID %d"), pid);
    }
}

static char *
role_line (ConclaveNode *node)
{
  const char *group_role = conclave_node_get_group_role (node);

  if (conclave_node_is_leader (node))
    return g_strdup_printf (_("leader · term %u"), conclave_node_get_term (node));
  if (g_strcmp0 (group_role, "candidate") == 0)
    return g_strdup_printf (_("candidate · term %u"), conclave_node_get_term (node));
  return conclave_role_describe_node (node);
}

char *
_conclave_cluster_view_describe_node (ConclaveNode *node)
{
  g_autofree char *state = state_line (node);
  g_autofree char *role = conclave_role_describe_node (node);

  /* Translators: "s1, UDP server, PID 4711" — read out by screen readers. */
  return g_strdup_printf (_("%s, %s, %s"), conclave_node_get_name (node), role, state);
}

static void
append_centered (GtkSnapshot   *snapshot,
                 PangoLayout   *layout,
                 const char    *text,
                 double         x,
                 double         y,
                 const GdkRGBA *color)
{
  int width, height;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x - width / 2.0), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_shape (GtkSnapshot        *snapshot,
              const ConclaveSpot *spot,
              const GdkRGBA      *fill,
              const GdkRGBA      *outline,
              double              grow,
              double              width)
{
  double r = spot->r + grow;
  double corner = spot->kind == CONCLAVE_SPOT_SERVER ? r * 0.32 : r;
  graphene_rect_t rect = GRAPHENE_RECT_INIT (spot->x - r, spot->y - r, 2 * r, 2 * r);
  float widths[4] = { width, width, width, width };
  GdkRGBA colors[4] = { *outline, *outline, *outline, *outline };
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, &rect, corner);
  if (fill != NULL)
    {
      gtk_snapshot_push_rounded_clip (snapshot, &rounded);
      gtk_snapshot_append_color (snapshot, fill, &rect);
      gtk_snapshot_pop (snapshot);
    }
  if (width > 0)
    gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

static void
draw_labels (ConclaveClusterView *self,
             GtkSnapshot         *snapshot,
             const ConclaveSpot  *spot,
             const GdkRGBA       *fg)
{
  GdkRGBA white = { 1, 1, 1, 1 };
  GdkRGBA dim = *fg;
  g_autofree char *state = state_line (spot->node);
  g_autofree char *role = NULL;
  double line = self->line_height;
  int name_height;

  dim.alpha *= self->presentation ? 0.85 : 0.65;
  if (spot->kind == CONCLAVE_SPOT_CHILD)
    {
      g_autofree char *pid = g_strdup_printf ("%d", conclave_node_get_pid (spot->node));
      int width, height;

      pango_layout_set_text (self->small_layout, pid, -1);
      pango_layout_get_pixel_size (self->small_layout, &width, &height);
      /* Outwards from the parent, so neighbours' labels do not meet. */
      append_centered (snapshot, self->small_layout, pid,
                       spot->x + cos (spot->angle) * (spot->r + 3 + width / 2.0),
                       spot->y + sin (spot->angle) * (spot->r + 2 + height / 2.0) - height / 2.0,
                       node_alive (spot->node) ? fg : &dim);
      return;
    }
  pango_layout_set_text (self->bold_layout, conclave_node_get_name (spot->node), -1);
  pango_layout_get_pixel_size (self->bold_layout, NULL, &name_height);
  append_centered (snapshot, self->bold_layout, conclave_node_get_name (spot->node),
                   spot->x, spot->y - name_height / 2.0, &white);
  append_centered (snapshot, self->layout, state, spot->x, spot->y + spot->r + 0.25 * line, fg);
  role = role_line (spot->node);
  append_centered (snapshot, self->small_layout, role, spot->x, spot->y + spot->r + 1.25 * line, &dim);
}

/* Crosses, pause badges, crowns and candidate rings: a small cairo node
 * around each decorated node (a cairo node costs an image of its size). */
static void
draw_decorations (ConclaveClusterView *self,
                  GtkSnapshot         *snapshot,
                  gint64               now_ns,
                  gboolean             dark)
{
  GdkRGBA failed, paused, leader, server;

  conclave_palette_get (CONCLAVE_COLOR_FAILED, dark, &failed);
  conclave_palette_get (CONCLAVE_COLOR_PAUSED, dark, &paused);
  conclave_palette_get (CONCLAVE_COLOR_LEADER, dark, &leader);
  conclave_palette_get (CONCLAVE_COLOR_SERVER, dark, &server);
  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      ConclaveNodeState state = conclave_node_get_state (spot->node);
      gboolean candidate = g_strcmp0 (conclave_node_get_group_role (spot->node), "candidate") == 0;

      cairo_t *cr;

      if (state != CONCLAVE_NODE_CRASHED && state != CONCLAVE_NODE_PAUSED &&
          !conclave_node_is_leader (spot->node) && !candidate)
        continue;
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (spot->x - 2 * spot->r - 12,
                                                                     spot->y - 2 * spot->r - 12,
                                                                     4 * spot->r + 24, 4 * spot->r + 24));
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      if (state == CONCLAVE_NODE_CRASHED)
        {
          cairo_set_line_width (cr, MAX (2, spot->r * 0.14));
          conclave_draw_set_color (cr, &failed, 0.9);
          conclave_draw_cross (cr, spot->x, spot->y, spot->r * 0.75);
        }
      else if (state == CONCLAVE_NODE_PAUSED)
        {
          double bx = spot->x + spot->r * 0.85, by = spot->y - spot->r * 0.85;
          double br = MAX (spot->r * 0.38, 6);

          conclave_draw_set_color (cr, &paused, 1);
          cairo_arc (cr, bx, by, br, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, 1, 1, 1);
          conclave_draw_pause (cr, bx, by, br);
        }
      if (conclave_node_is_leader (spot->node) && state != CONCLAVE_NODE_CRASHED)
        {
          conclave_draw_set_color (cr, &leader, 1);
          conclave_draw_crown (cr, spot->x, spot->y - spot->r - 4, spot->r * 0.9);
        }
      if (candidate && state == CONCLAVE_NODE_RUNNING)
        {
          double phase = 0.5 + 0.5 * sin (now_ns / 1e9 * 2 * G_PI);

          cairo_set_line_width (cr, 3);
          conclave_draw_set_color (cr, &leader, 0.3 + 0.6 * phase);
          cairo_arc (cr, spot->x, spot->y, spot->r + 5 + 4 * phase, 0, 2 * G_PI);
          cairo_stroke (cr);
          self->animating = TRUE;
        }
      cairo_destroy (cr);
    }
}

void
_conclave_cluster_view_draw_nodes (ConclaveClusterView *self,
                                   GtkSnapshot         *snapshot,
                                   gint64               now_ns)
{
  gboolean dark = conclave_palette_is_dark ();
  GdkRGBA fg, selection, outline = { 0, 0, 0, dark ? 0.5 : 0.25 };

  conclave_palette_widget_fg (GTK_WIDGET (self), &fg);
  conclave_palette_get (CONCLAVE_COLOR_SELECTION, dark, &selection);
  if (self->presentation)
    outline.alpha = 0.8;
  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      GdkRGBA fill;

      spot_fill (spot, dark, &fill);
      if (spot->node == self->selected)
        append_shape (snapshot, spot, NULL, &selection, 5, 3.5);
      append_shape (snapshot, spot, &fill, &outline, 0, self->presentation ? 2 : 1);
      draw_labels (self, snapshot, spot, &fg);
    }
  draw_decorations (self, snapshot, now_ns, dark);
}

/* Links */

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
  return proc ? conclave_cluster_node_for_proc (self->cluster, proc) : NULL;
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
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (self->cluster);
  const ConclaveMessage *message = conclave_matcher_get_message (matcher, index);
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
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (self->cluster);
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

  g_hash_table_remove_all (self->node_by_address);
  if (node == NULL)
    {
      g_hash_table_remove_all (self->links);
      g_array_set_size (self->pending_links, 0);
      self->links_next_message = self->cluster
        ? conclave_matcher_get_n_messages (conclave_cluster_get_matcher (self->cluster)) : 0;
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

/* A straight line as a rotated rectangle: a colour node, no image to
 * allocate as a cairo node would need. */
static void
append_line (GtkSnapshot   *snapshot,
             double         x1,
             double         y1,
             double         x2,
             double         y2,
             double         width,
             const GdkRGBA *color)
{
  double length = hypot (x2 - x1, y2 - y1);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x1, y1));
  gtk_snapshot_rotate (snapshot, atan2 (y2 - y1, x2 - x1) * 180 / G_PI);
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (0, -width / 2, length, width));
  gtk_snapshot_restore (snapshot);
}

/* Links fade from fresh to a faint trace. Past MAX_LINKS (an all-to-all
 * group) only the most recent are drawn. */
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
  conclave_palette_widget_fg (GTK_WIDGET (self), &fg);
  for (guint i = 0; i < links->len; i++)
    {
      const ConclaveLink *link = g_ptr_array_index (links, i);
      const ConclaveSpot *a = spot_or_parent (self, link->src);
      const ConclaveSpot *b = spot_or_parent (self, link->dst);
      double age = now_ns - link->last_ns;
      double fresh = age < LINK_FRESH_NS ? 1 - age / LINK_FRESH_NS : 0;
      GdkRGBA color = fg;

      if (a == NULL || b == NULL || a == b)
        continue;
      color.alpha = (self->presentation ? 0.3 : 0.14) + 0.3 * fresh;
      append_line (snapshot, a->x, a->y, b->x, b->y, self->presentation ? 3 : 1.5, &color);
    }
}

/* Messages */

typedef struct {
  double   x;
  double   y;
  double   alpha;
  guint32  kind;
  gboolean failed;
} Dot;

typedef struct {
  ConclaveClusterView *self;
  ConclaveEventStore  *store;
  gint64               now_ns;
  gint64               travel_ns;
  GArray              *dots;
} MessageFrame;

static const ConclaveSpot *
spot_for_address (ConclaveClusterView   *self,
                  ConclaveEventStore    *store,
                  const ConclaveMessage *message)
{
  const ConclaveEvent *send = conclave_event_store_get (store, message->send_index);
  ConclaveNode *found;

  if (send == NULL || send->s[2] == 0)
    return NULL;
  found = g_hash_table_lookup (self->node_by_address, GUINT_TO_POINTER (send->s[2]));
  if (found == NULL)
    {
      found = conclave_address_find_node (self->cluster, conclave_event_store_str (store, send->s[2]));
      if (found == NULL)
        return NULL;
      g_hash_table_insert (self->node_by_address, GUINT_TO_POINTER (send->s[2]), found);
    }
  return _conclave_cluster_view_spot_for_node (self, found);
}

static gboolean
dropped_at_receiver (ConclaveEventStore    *store,
                     const ConclaveMessage *message)
{
  const ConclaveEvent *drop = conclave_event_store_get (store, message->recv_index);

  return drop != NULL && (drop->flags & CONCLAVE_EVENT_FLAG_DIR_RECV) != 0;
}

static void
add_dot (MessageFrame          *frame,
         const ConclaveSpot    *a,
         const ConclaveSpot    *b,
         double                 p,
         double                 fall,
         const ConclaveMessage *message)
{
  double dx = b->x - a->x, dy = b->y - a->y;
  double len = MAX (hypot (dx, dy), 1);
  double ux = dx / len, uy = dy / len;
  double x1 = a->x + ux * a->r, y1 = a->y + uy * a->r;
  double x2 = b->x - ux * b->r, y2 = b->y - uy * b->r;
  Dot dot;

  dot.x = x1 + (x2 - x1) * p;
  dot.y = y1 + (y2 - y1) * p + fall * fall * frame->self->line_height * 6;
  dot.alpha = 1 - fall * 0.9;
  dot.kind = message->kind;
  dot.failed = fall > 0 || message->state == CONCLAVE_MESSAGE_LOST;
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
        add_dot (frame, a, b, p, 0, message);
      break;
    case CONCLAVE_MESSAGE_DROPPED:
      {
        double at = dropped_at_receiver (frame->store, message) ? 0.8 : 0.3;
        double fall = (age - at * frame->travel_ns) / (double) FALL_NS;

        if (p < at)
          add_dot (frame, a, b, p, 0, message);
        else if (fall < 1)
          add_dot (frame, a, b, at, MAX (fall, 0.01), message);
      }
      break;
    case CONCLAVE_MESSAGE_LOST:
      {
        double fall = (frame->now_ns - message->recv_ns) / (double) FALL_NS;

        if (fall >= 0 && fall < 1)
          add_dot (frame, a, b, 0.9, MAX (fall, 0.01), message);
      }
      break;
    default:
      break;
    }
  return TRUE;
}

static void
draw_dot_label (ConclaveClusterView *self,
                GtkSnapshot         *snapshot,
                ConclaveEventStore  *store,
                const Dot           *dot,
                const GdkRGBA       *fg)
{
  const char *kind = conclave_event_store_str (store, dot->kind);
  GdkRGBA color = *fg;

  if (kind == NULL)
    return;
  color.alpha *= dot->alpha * 0.9;
  pango_layout_set_text (self->small_layout, kind, -1);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (dot->x + self->line_height * 0.45,
                                                         dot->y - self->line_height * 0.9));
  gtk_snapshot_append_layout (snapshot, self->small_layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* A dot is a circle with a thin ring in the background colour, so it stays
 * visible where it crosses a link or a node. */
static void
append_dot (GtkSnapshot   *snapshot,
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
  append_line (snapshot, x - r, y - r, x + r, y + r, 2, color);
  append_line (snapshot, x + r, y - r, x - r, y + r, 2, color);
}

static void
paint_dots (ConclaveClusterView *self,
            GtkSnapshot         *snapshot,
            ConclaveEventStore  *store,
            GArray              *dots)
{
  /* Hundreds of dots already read as a stream; thousands only cost time. */
  guint every = dots->len / SHOWN_DOTS + 1;
  double radius = self->line_height * (self->presentation ? 0.36 : 0.3);
  gboolean dark = conclave_palette_is_dark ();
  /* Name the kind next to each dot while there are few enough to read. */
  gboolean labels = dots->len <= 8;
  g_autoptr(ConclaveKindColors) colors = conclave_kind_colors_new (store, dark);
  GdkRGBA failed, fg;

  conclave_palette_get (CONCLAVE_COLOR_FAILED, dark, &failed);
  conclave_palette_widget_fg (GTK_WIDGET (self), &fg);
  for (guint i = 0; i < dots->len; i += every)
    {
      const Dot *dot = &g_array_index (dots, Dot, i);
      GdkRGBA fill = dot->failed ? failed : *conclave_kind_colors_lookup (colors, dot->kind);
      GdkRGBA ring = { dark ? 0 : 1, dark ? 0 : 1, dark ? 0 : 1, dot->alpha * 0.9 };

      fill.alpha *= dot->alpha;
      append_dot (snapshot, dot->x, dot->y, radius, &fill, &ring);
      if (dot->failed)
        append_cross (snapshot, dot->x + radius * 2.2, dot->y - radius * 2.2, radius * 0.8, &fill);
      if (labels)
        draw_dot_label (self, snapshot, store, dot, &fg);
    }
}

void
_conclave_cluster_view_draw_messages (ConclaveClusterView *self,
                                      GtkSnapshot         *snapshot,
                                      gint64               now_ns)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (self->cluster);
  g_autoptr(GArray) dots = g_array_new (FALSE, FALSE, sizeof (Dot));
  MessageFrame frame;
  double tempo = conclave_cluster_get_tempo (self->cluster);

  frame.self = self;
  frame.store = conclave_cluster_get_store (self->cluster);
  frame.now_ns = now_ns;
  frame.travel_ns = MAX ((gint64) (TRAVEL_NS * tempo), TRAVEL_FLOOR_NS);
  frame.dots = dots;
  conclave_matcher_foreach_in_range (matcher, now_ns - frame.travel_ns - FALL_NS, now_ns + 1,
                                     collect_message, &frame);
  self->n_drawn_messages = dots->len;
  if (dots->len == 0)
    return;
  self->animating = TRUE;
  paint_dots (self, snapshot, frame.store, dots);
}
