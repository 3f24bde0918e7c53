/* conclave-cluster-view-draw.c — the cluster view's nodes: shapes coloured
 * by kind and state, names, PIDs, roles, and the marks for crashed,
 * paused, leading and candidate nodes. Reads node models only.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-cluster-view-private.h"
#include "conclave-drawing.h"
#include "conclave-palette-widget.h"
#include "conclave-roles.h"

gboolean
_conclave_cluster_view_node_alive (ConclaveNode *node)
{
  ConclaveNodeState state = conclave_node_get_state (node);

  return state != CONCLAVE_NODE_EXITED && state != CONCLAVE_NODE_CRASHED;
}

double
_conclave_cluster_view_fade (ConclaveClusterView *self,
                             ConclaveNode        *node,
                             gint64               now_ns)
{
  gint64 *ended, linger;

  if (conclave_node_get_kind (node) != CONCLAVE_NODE_KIND_CHILD || _conclave_cluster_view_node_alive (node) ||
      self->session == NULL)
    return 1;
  ended = g_hash_table_lookup (self->ended_at, node);
  if (ended == NULL)
    {
      ended = g_new (gint64, 1);
      *ended = now_ns;
      g_hash_table_insert (self->ended_at, g_object_ref (node), ended);
    }
  linger = conclave_session_get_child_linger_ns (self->session);
  self->animating = TRUE;
  return linger > 0 ? CLAMP (1.0 - (double) (now_ns - *ended) / linger, 0.0, 1.0) : 0.0;
}

/* Ended children the session let go are no longer drawn: forget them. */
void
_conclave_cluster_view_forget_ended (ConclaveClusterView *self)
{
  GHashTableIter iter;
  gpointer node;

  g_hash_table_iter_init (&iter, self->ended_at);
  while (g_hash_table_iter_next (&iter, &node, NULL))
    if (!g_hash_table_contains (self->spot_by_node, node))
      g_hash_table_iter_remove (&iter);
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

  conclave_palette_get_gdk (_conclave_cluster_view_node_alive (spot->node) ? by_kind[spot->kind] : CONCLAVE_COLOR_CRASHED,
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

/* The line under a node: its PID (its program's, when a wrapper forked
 * it: the core's answer), or how it ended. */
static char *
state_line (ConclaveNode *node,
            int           pid)
{
  switch (conclave_node_get_state (node))
    {
    case CONCLAVE_NODE_STARTING:
      return g_strdup (_("starting…"));
    case CONCLAVE_NODE_PAUSED:
      return g_strdup_printf (_("PID %d · paused"), pid);
    /* The PID stays: which process ended is the point. */
    case CONCLAVE_NODE_EXITED:
      return g_strdup_printf (_("PID %d · exited (%d)"), pid, conclave_node_get_exit_code (node));
    case CONCLAVE_NODE_CRASHED:
      return g_strdup_printf (_("PID %d · crashed (%s)"), pid, signal_name (conclave_node_get_exit_signal (node)));
    case CONCLAVE_NODE_RUNNING:
    default:
      return g_strdup_printf (_("PID %d"), pid);
    }
}

static char *
role_line (ConclaveNode *node)
{
  const char *group_role = conclave_node_get_group_role (node);
  g_autofree char *term = g_strdup_printf ("%" G_GUINT64_FORMAT, conclave_node_get_term (node));

  /* An ended process holds no role in the group any more. */
  if (!_conclave_cluster_view_node_alive (node))
    return conclave_role_describe_node (node);
  /* Term 0: none known (a program's own leader, named by its output). */
  if (conclave_node_is_leader (node))
    return conclave_node_get_term (node) ? g_strdup_printf (_("leader · term %s"), term) : g_strdup (_("leader"));
  if (g_strcmp0 (group_role, "candidate") == 0)
    return conclave_node_get_term (node) ? g_strdup_printf (_("candidate · term %s"), term) : g_strdup (_("candidate"));
  if (g_strcmp0 (group_role, "follower") == 0)
    return conclave_node_get_term (node) ? g_strdup_printf (_("follower · term %s"), term) : g_strdup (_("follower"));
  return conclave_role_describe_node (node);
}

char *
_conclave_cluster_view_describe_node (ConclaveNode *node)
{
  g_autofree char *state = state_line (node, conclave_node_get_pid (node));
  g_autofree char *role = conclave_role_describe_node (node);

  /* Translators: "s1, UDP server, PID 4711" — read out by screen readers. */
  return g_strdup_printf (_("%s, %s, %s"), conclave_node_get_name (node), role, state);
}

static void
append_centered (ConclaveClusterView *self,
                 GtkSnapshot         *snapshot,
                 PangoLayout         *layout,
                 const char          *text,
                 double               x,
                 double               y,
                 const GdkRGBA       *color)
{
  int width, height;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  _conclave_cluster_view_append_text (self, snapshot, layout, round (x - width / 2.0), round (y), color);
}

/* The same, cut with an ellipsis to `room` pixels: a line under a node
 * that would run into the line under its neighbour. Returns its height. */
static int
append_centered_within (ConclaveClusterView *self,
                        GtkSnapshot         *snapshot,
                        PangoLayout         *layout,
                        const char          *text,
                        double               x,
                        double               y,
                        double               room,
                        const GdkRGBA       *color)
{
  int width, height;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, NULL);
  if (width > room)
    {
      pango_layout_set_width (layout, (int) (room * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &width, NULL);
    }
  pango_layout_get_pixel_size (layout, NULL, &height);
  _conclave_cluster_view_append_text (self, snapshot, layout, round (x - width / 2.0), round (y), color);
  pango_layout_set_width (layout, -1);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
  return height;
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

/* "isolated · drops 30 % · +200 ms": what the teacher did to the node. */
static char *
fault_line (ConclaveClusterView *self,
            ConclaveNode        *node)
{
  const char *name = conclave_node_get_name (node);
  double drop = conclave_faults_get_drop (self->faults, name);
  guint delay = conclave_faults_get_delay (self->faults, name);
  const char * const *isolated = conclave_faults_get_isolated (self->faults, name);
  g_autoptr(GString) text = g_string_new (NULL);

  if (isolated != NULL && g_strv_length ((char **) isolated) <= 2)
    {
      g_autofree char *peers = g_strjoinv (", ", (char **) isolated);

      /* Translators: %s names one or two nodes, "s1, s2" */
      g_string_append_printf (text, _("cut off from %s"), peers);
    }
  else if (isolated != NULL)
    {
      guint n = g_strv_length ((char **) isolated);

      g_string_append_printf (text, ngettext ("cut off from %u node", "cut off from %u nodes", n), n);
    }
  if (drop > 0)
    {
      g_autofree char *part = g_strdup_printf (_("drops %.0f %%"), drop * 100);
      g_string_append_printf (text, "%s%s", text->len ? " · " : "", part);
    }
  if (delay > 0)
    {
      g_autofree char *part = g_strdup_printf (_("+%u ms"), delay);
      g_string_append_printf (text, "%s%s", text->len ? " · " : "", part);
    }
  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
draw_fault_line (ConclaveClusterView *self,
                 GtkSnapshot         *snapshot,
                 const ConclaveSpot  *spot,
                 double               y)
{
  g_autofree char *text = self->faults ? fault_line (self, spot->node) : NULL;
  GdkRGBA failed;

  if (text == NULL)
    return;
  conclave_palette_get_gdk (CONCLAVE_COLOR_FAILED, conclave_palette_is_dark (), &failed);
  append_centered (self, snapshot, self->small_layout, text, spot->x, y, &failed);
}

/* How wide a line under a node may be before it meets the line under a
 * neighbour beside it (two candidates side by side both say why). */
static double
room_beside (ConclaveClusterView *self, const ConclaveSpot *spot)
{
  double room = G_MAXDOUBLE;

  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *other = &g_array_index (self->spots, ConclaveSpot, i);

      if (other != spot && other->kind != CONCLAVE_SPOT_CHILD && fabs (other->y - spot->y) < 4 * self->line_height)
        room = MIN (room, fabs (other->x - spot->x) - self->line_height);
    }
  return MAX (room, 8 * self->line_height);
}

/* Why a candidate stood, in its own words ("no heartbeat from s2 for
 * 1.2 s"), from the session's election story, cut to the room beside it
 * (the timeline's moments say it in full). The height drawn, 0 when there
 * is none. */
static double
draw_why (ConclaveClusterView *self,
          GtkSnapshot         *snapshot,
          const ConclaveSpot  *spot,
          double               y)
{
  ConclaveElectionStory *story = self->session ? conclave_session_get_story (self->session) : NULL;
  const ConclaveStoryEntry *entry;
  g_autofree char *text = NULL;
  GdkRGBA leader;

  if (story == NULL || g_strcmp0 (conclave_node_get_group_role (spot->node), "candidate") != 0 ||
      !_conclave_cluster_view_node_alive (spot->node))
    return 0;
  entry = conclave_election_story_candidacy (story, conclave_node_get_name (spot->node),
                                             conclave_node_get_term (spot->node));
  if (entry == NULL || entry->why == 0)
    return 0;
  text = g_strdup_printf ("“%s”", conclave_event_store_str (conclave_cluster_get_store (view_cluster (self)), entry->why));
  conclave_palette_get_gdk (CONCLAVE_COLOR_LEADER, conclave_palette_is_dark (), &leader);
  return append_centered_within (self, snapshot, self->small_layout, text, spot->x, y, room_beside (self, spot), &leader);
}

/* The name inside the node, white on its fill. */
static void
draw_name (ConclaveClusterView *self,
           GtkSnapshot         *snapshot,
           const ConclaveSpot  *spot)
{
  GdkRGBA white = { 1, 1, 1, 1 };
  int name_height;

  pango_layout_set_text (self->bold_layout, conclave_node_get_name (spot->node), -1);
  pango_layout_get_pixel_size (self->bold_layout, NULL, &name_height);
  append_centered (self, snapshot, self->bold_layout, conclave_node_get_name (spot->node),
                   spot->x, spot->y - name_height / 2.0, &white);
}

/* On the LAN each node is a host: its address goes beside its role. */
static char *
host_role_line (ConclaveClusterView *self,
                ConclaveNode        *node)
{
  ConclaveLan *lan = view_cluster (self) ? conclave_cluster_get_lan (view_cluster (self)) : NULL;
  const char *address = lan ? conclave_lan_get_address (lan, conclave_node_get_name (node)) : NULL;
  g_autofree char *role = role_line (node);

  /* Translators: a node's role and its host's address on Conclave's LAN, "UDP server · 10.77.0.2" */
  return address ? g_strdup_printf (_("%s · %s"), role, address) : g_steal_pointer (&role);
}

/* The first line under a node: its PID (the program's, when a wrapper
 * started it) and how it is. */
static char *
spot_state_line (ConclaveClusterView *self,
                 const ConclaveSpot  *spot)
{
  return state_line (spot->node, view_cluster (self) ? conclave_cluster_get_program_pid (view_cluster (self), spot->node)
                                                     : conclave_node_get_pid (spot->node));
}

void
_conclave_cluster_view_measure_captions (ConclaveClusterView *self)
{
  for (guint i = 0; i < self->spots->len; i++)
    {
      ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      g_autofree char *state = NULL, *role = NULL;
      int state_width, role_width, role_height;
      double width;

      spot->caption = spot->crown = GRAPHENE_RECT_INIT (spot->x, spot->y, 0, 0);
      /* As draw_decorations draws it (conclave_draw_crown: 0.66 of its width high). */
      if (conclave_node_is_leader (spot->node) && conclave_node_get_state (spot->node) != CONCLAVE_NODE_CRASHED)
        spot->crown = GRAPHENE_RECT_INIT (spot->x - 0.45 * spot->r, spot->y - spot->r - 4 - 0.6 * spot->r,
                                          0.9 * spot->r, 0.6 * spot->r + 4);
      if (spot->kind == CONCLAVE_SPOT_CHILD)
        continue;  /* its PID is beside it, outwards */
      state = spot_state_line (self, spot);
      role = host_role_line (self, spot->node);
      pango_layout_set_text (self->layout, state, -1);
      pango_layout_get_pixel_size (self->layout, &state_width, NULL);
      pango_layout_set_text (self->small_layout, role, -1);
      pango_layout_get_pixel_size (self->small_layout, &role_width, &role_height);
      /* As draw_labels writes them: cut to the room beside the node. */
      width = MIN (MAX (state_width, role_width), room_beside (self, spot)) + 4;
      spot->caption = GRAPHENE_RECT_INIT (spot->x - width / 2, spot->y + spot->r, width,
                                          1.25 * self->line_height + role_height + 2);
    }
}

static void
draw_labels (ConclaveClusterView *self,
             GtkSnapshot         *snapshot,
             const ConclaveSpot  *spot,
             const GdkRGBA       *fg)
{
  GdkRGBA dim = *fg;
  g_autofree char *state = spot_state_line (self, spot);
  g_autofree char *role = NULL;
  double line = self->line_height;
  double room;

  dim.alpha *= self->presentation ? 0.85 : 0.65;
  if (spot->kind == CONCLAVE_SPOT_CHILD)
    {
      g_autofree char *pid = g_strdup_printf ("%d", conclave_node_get_pid (spot->node));
      int width, height;

      pango_layout_set_text (self->small_layout, pid, -1);
      pango_layout_get_pixel_size (self->small_layout, &width, &height);
      /* Outwards from the parent, so neighbours' labels do not meet. */
      append_centered (self, snapshot, self->small_layout, pid,
                       spot->x + cos (spot->angle) * (spot->r + 3 + width / 2.0),
                       spot->y + sin (spot->angle) * (spot->r + 2 + height / 2.0) - height / 2.0,
                       _conclave_cluster_view_node_alive (spot->node) ? fg : &dim);
      return;
    }
  /* A crashed node's name goes over its cross, in draw_decorations. */
  if (conclave_node_get_state (spot->node) != CONCLAVE_NODE_CRASHED)
    draw_name (self, snapshot, spot);
  room = room_beside (self, spot);
  append_centered_within (self, snapshot, self->layout, state, spot->x, spot->y + spot->r + 0.25 * line, room, fg);
  role = host_role_line (self, spot->node);
  append_centered_within (self, snapshot, self->small_layout, role, spot->x, spot->y + spot->r + 1.25 * line, room, &dim);
  draw_fault_line (self, snapshot, spot,
                   spot->y + spot->r + 2.1 * line + draw_why (self, snapshot, spot, spot->y + spot->r + 2.1 * line));
}

/* Crosses, pause badges, crowns and candidate rings (a partition's sides
 * are tints under the nodes, conclave-cluster-view-sides.c): a small cairo node
 * around each decorated node (a cairo node costs an image of its size). */
static void
draw_decorations (ConclaveClusterView *self,
                  GtkSnapshot         *snapshot,
                  gint64               now_ns,
                  gboolean             dark)
{
  ConclaveRgba failed, paused, leader, server;

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
      /* Which node crashed must stay readable over the cross. */
      if (state == CONCLAVE_NODE_CRASHED && spot->kind != CONCLAVE_SPOT_CHILD)
        draw_name (self, snapshot, spot);
    }
}

void
_conclave_cluster_view_draw_nodes (ConclaveClusterView *self,
                                   GtkSnapshot         *snapshot,
                                   gint64               now_ns)
{
  gboolean dark = conclave_palette_is_dark ();
  GdkRGBA fg, selection, outline = { 0, 0, 0, dark ? 0.5 : 0.25 };

  conclave_palette_widget_fg_gdk (GTK_WIDGET (self), &fg);
  conclave_palette_get_gdk (CONCLAVE_COLOR_SELECTION, dark, &selection);
  if (self->presentation)
    outline.alpha = 0.8;
  for (guint i = 0; i < self->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (self->spots, ConclaveSpot, i);
      /* An ended child fades out over the time the session keeps it. */
      double fade = _conclave_cluster_view_fade (self, spot->node, now_ns);
      GdkRGBA fill, spot_fg = fg, spot_outline = outline;

      spot_fill (spot, dark, &fill);
      fill.alpha *= fade;
      spot_fg.alpha *= fade;
      spot_outline.alpha *= fade;
      if (spot->node == self->selected)
        append_shape (snapshot, spot, NULL, &selection, 5, 3.5);
      append_shape (snapshot, spot, &fill, &spot_outline, 0, self->presentation ? 2 : 1);
      draw_labels (self, snapshot, spot, &spot_fg);
    }
  draw_decorations (self, snapshot, now_ns, dark);
}
