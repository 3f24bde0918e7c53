/* conclave-cluster-view-layout.c — where the cluster view puts its nodes.
 *
 * Top-level nodes sit where the user dragged them (a position kept in the
 * node, relative to the view's size); the others by kind: servers on the
 * left (a ring for a server group), clients on the right, in as many
 * columns as the height needs. Forked children orbit their parent. The
 * result is one frame's spots, also used for hit-testing; nothing is drawn
 * here.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-cluster-view-private.h"
#include "conclave-drawing.h"
#include "conclave-palette-widget.h"
#include "conclave-roles.h"

/* Children sit on an arc beside their parent, on the side facing the
 * others (right of a server, left of a client), clear of the labels under
 * it; past SLOTS children a second arc further out. */
#define SLOTS       7
#define ARC_SPAN    (G_PI * 100 / 180)   /* ±50°: clear of the neighbours above and below */
#define ARC_TILT    (G_PI * 25 / 180)    /* the arc leans up, away from the lines under the parent */
#define CAPTION_HALF 2.4                  /* half the width of "PID 12345", in line heights */

/* A layout of a fixed pixel size, for presentation mode. */
static PangoLayout *
layout_px (ConclaveClusterView *self,
           int                  px,
           gboolean             bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_size_new_absolute (px * PANGO_SCALE));
  pango_attr_list_insert (attrs, pango_attr_weight_new (bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_SEMIBOLD));
  pango_layout_set_attributes (layout, attrs);
  return layout;
}

static void
ensure_layouts (ConclaveClusterView *self)
{
  if (self->layout != NULL)
    return;
  if (self->presentation)
    {
      /* Read from the back row: names and PIDs 28 px, labels 22 px. */
      self->layout = layout_px (self, CONCLAVE_CLUSTER_VIEW_PRESENT_TEXT_PX, FALSE);
      self->bold_layout = layout_px (self, CONCLAVE_CLUSTER_VIEW_PRESENT_TEXT_PX, TRUE);
      self->small_layout = layout_px (self, CONCLAVE_CLUSTER_VIEW_PRESENT_LABEL_PX, FALSE);
    }
  else
    {
      self->layout = conclave_palette_widget_layout (GTK_WIDGET (self), 1.0, FALSE);
      self->bold_layout = conclave_palette_widget_layout (GTK_WIDGET (self), 1.15, TRUE);
      self->small_layout = conclave_palette_widget_layout (GTK_WIDGET (self), 0.8, FALSE);
    }
  self->line_height = conclave_palette_line_height (self->layout);
}

void
_conclave_cluster_view_to_unit (ConclaveClusterView *self,
                                double               x,
                                double               y,
                                double              *nx,
                                double              *ny)
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
          double               x,
          double               y,
          double               r,
          ConclaveSpotKind     kind)
{
  ConclaveSpot spot = { g_object_ref (node), x, y, r, 0, kind };

  g_hash_table_insert (self->spot_by_node, node, GUINT_TO_POINTER (self->spots->len));
  g_array_append_val (self->spots, spot);
}

/* Half the width of the lines under a node (its PID, its role), measured
 * with the type they are drawn in; at least CAPTION_HALF line heights. */
static double
caption_half (ConclaveClusterView *self,
              const ConclaveSpot  *parent)
{
  g_autofree char *pid = g_strdup_printf (_("PID %d"), conclave_node_get_pid (parent->node));
  g_autofree char *role = conclave_role_describe_node (parent->node);
  int pid_width, role_width;

  pango_layout_set_text (self->layout, pid, -1);
  pango_layout_get_pixel_size (self->layout, &pid_width, NULL);
  pango_layout_set_text (self->small_layout, role, -1);
  pango_layout_get_pixel_size (self->small_layout, &role_width, NULL);
  return MAX (MAX (pid_width, role_width) / 2.0, CAPTION_HALF * self->line_height);
}

/* x for a child at (x, y) that keeps it off the lines under its parent
 * (PID, role; about CAPTION_HALF line heights either side), which a child
 * low on the arc would otherwise cover. */
static double
clear_of_caption (ConclaveClusterView *self,
                  const ConclaveSpot  *parent,
                  double               x,
                  double               y,
                  double               rs)
{
  double half = caption_half (self, parent) + rs + 4;

  if (y + rs < parent->y + parent->r || fabs (x - parent->x) >= half)
    return x;
  return parent->x + (x < parent->x ? -half : half);
}

/* Pushed aside, children can meet one placed before them (from spots
 * index `first` on): move outwards, away from the parent, until clear. */
static double
clear_of_siblings (ConclaveClusterView *self,
                   const ConclaveSpot  *parent,
                   guint                first,
                   double               x,
                   double               y,
                   double               rs)
{
  double away = x < parent->x ? -1 : 1;

  for (guint tries = 0; tries < 2 * SLOTS; tries++)
    {
      gboolean clear = TRUE;

      for (guint i = first; i < self->spots->len && clear; i++)
        {
          const ConclaveSpot *other = &g_array_index (self->spots, ConclaveSpot, i);

          clear = hypot (other->x - x, other->y - y) >= rs + other->r + 2;
        }
      if (clear)
        break;
      x += away * (rs + 2);
    }
  return x;
}

static void
layout_children (ConclaveClusterView *self,
                 const ConclaveSpot  *parent)
{
  guint first = self->spots->len;
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
      double angle = -ARC_TILT + step * ((i % SLOTS) - (on_arc - 1) / 2.0 + ring * 0.5);

      double x, y;

      if (parent->kind == CONCLAVE_SPOT_CLIENT)
        angle = G_PI - angle;
      x = parent->x + distance * cos (angle);
      y = parent->y + distance * sin (angle);
      x = clear_of_caption (self, parent, x, y, rs);
      x = clear_of_siblings (self, parent, first, x, y, rs);
      add_spot (self, child, x, y, rs, CONCLAVE_SPOT_CHILD);
      g_array_index (self->spots, ConclaveSpot, self->spots->len - 1).angle = angle;
    }
}

void
_conclave_cluster_view_layout (ConclaveClusterView *self)
{
  GListModel *nodes = G_LIST_MODEL (view_cluster (self));
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

      if (self->session == NULL || !conclave_session_get_position (self->session, node, &nx, &ny))
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
