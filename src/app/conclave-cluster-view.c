/* conclave-cluster-view.c — draws the cluster and animates its messages.
 *
 * Each frame: lay out the nodes (user-dragged positions are kept in the
 * session, the others are placed by role), draw the links that carried
 * messages recently, the nodes with their state, and a dot per message of
 * the last moment moving from sender to receiver. Messages are read with
 * conclave_matcher_foreach_in_range over that moment only; links are
 * updated incrementally per batch. Must never walk the whole store, and
 * never keep a node alive past its removal (spots hold refs for one frame).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>

#include "conclave-cluster-view.h"
#include "conclave-cluster-view-private.h"
#include "conclave-drawing.h"
#include "conclave-palette-widget.h"

G_DEFINE_FINAL_TYPE (ConclaveClusterView, conclave_cluster_view, GTK_TYPE_WIDGET)

static void
clear_spots (ConclaveClusterView *self)
{
  for (guint i = 0; i < self->spots->len; i++)
    g_object_unref (g_array_index (self->spots, ConclaveSpot, i).node);
  g_array_set_size (self->spots, 0);
  g_hash_table_remove_all (self->spot_by_node);
}

static void
on_tick_done (gpointer data)
{
  CONCLAVE_CLUSTER_VIEW (data)->tick_id = 0;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (widget);

  gtk_widget_queue_draw (widget);
  return self->animating ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
_conclave_cluster_view_ensure_ticking (ConclaveClusterView *self)
{
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, self, on_tick_done);
}

static void
update_accessible_description (ConclaveClusterView *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (view_cluster (self)));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (view_cluster (self)), i);
      g_autofree char *line = _conclave_cluster_view_describe_node (node);

      g_string_append_printf (text, "%s%s", i ? "; " : "", line);
    }
  if (g_strcmp0 (text->str, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_strdup (text->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

static void
on_cluster_changed (gpointer view)
{
  ConclaveClusterView *self = view;

  _conclave_cluster_view_update_links (self);
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  _conclave_cluster_view_ensure_ticking (self);
}

static void
on_nodes_changed (ConclaveClusterView *self)
{
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_node_removed (ConclaveCluster     *cluster,
                 ConclaveNode        *node,
                 ConclaveClusterView *self)
{
  _conclave_cluster_view_forget_node (self, node);
  if (self->drag_node == node)
    g_clear_object (&self->drag_node);
  on_nodes_changed (self);
}

/* Nothing of the old cluster's picture stays. */
static void
forget_picture (ConclaveClusterView *self)
{
  clear_spots (self);
  _conclave_cluster_view_forget_node (self, NULL);
  g_hash_table_remove_all (self->ended_at);
}

static void
set_cluster (gpointer         view,
             ConclaveCluster *old)
{
  ConclaveClusterView *self = view;
  ConclaveCluster *cluster = view_cluster (self);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  forget_picture (self);
  if (cluster != NULL)
    {
      g_signal_connect_object (cluster, "node-added", G_CALLBACK (on_nodes_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (cluster, "node-removed", G_CALLBACK (on_node_removed), self, 0);
      g_signal_connect_object (cluster, "items-changed", G_CALLBACK (on_nodes_changed), self,
                               G_CONNECT_SWAPPED);
      self->links_from_ns = conclave_session_get_now_ns (self->session);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_selected (gpointer      view,
              ConclaveNode *node)
{
  ConclaveClusterView *self = view;

  if (g_set_object (&self->selected, node))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_presentation (gpointer view,
                  gboolean presentation)
{
  ConclaveClusterView *self = view;

  self->presentation = presentation;
  /* Presentation sizes its type itself (conclave-cluster-view-layout.c). */
  g_clear_object (&self->layout);
  g_clear_object (&self->bold_layout);
  g_clear_object (&self->small_layout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
conclave_cluster_view_set_session (ConclaveClusterView *self,
                                   ConclaveSession     *session)
{
  static const ConclaveSessionWatch watch = {
    set_cluster, set_selected, set_presentation, on_cluster_changed,
  };

  g_return_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  conclave_session_watch (session, self, &watch);
}

void
conclave_cluster_view_set_faults (ConclaveClusterView *self,
                                  ConclaveFaults      *faults)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self));

  if (self->faults != NULL)
    g_signal_handlers_disconnect_by_data (self->faults, self);
  g_set_object (&self->faults, faults);
  if (faults != NULL)
    g_signal_connect_object (faults, "changed", G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
conclave_cluster_view_get_node_area (ConclaveClusterView *self,
                                     ConclaveNode        *node,
                                     graphene_rect_t     *area)
{
  const ConclaveSpot *spot;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self), FALSE);

  spot = _conclave_cluster_view_spot_for_node (self, node);
  if (spot == NULL)
    return FALSE;
  graphene_rect_init (area, spot->x - spot->r, spot->y - spot->r, 2 * spot->r, 2 * spot->r);
  return TRUE;
}

guint
conclave_cluster_view_get_n_drawn_messages (ConclaveClusterView *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self), 0);
  return self->n_drawn_messages;
}

const ConclaveSpot *
_conclave_cluster_view_spot_for_node (ConclaveClusterView *self,
                                      ConclaveNode        *node)
{
  gpointer index;

  if (node == NULL || !g_hash_table_lookup_extended (self->spot_by_node, node, NULL, &index))
    return NULL;
  return &g_array_index (self->spots, ConclaveSpot, GPOINTER_TO_UINT (index));
}

static void
conclave_cluster_view_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (widget);
  gint64 now_ns = self->session ? conclave_session_get_now_ns (self->session) : g_get_monotonic_time () * 1000;

  clear_spots (self);
  self->animating = FALSE;
  self->n_drawn_messages = 0;
  if (view_cluster (self) == NULL)
    return;
  _conclave_cluster_view_layout (self);
  _conclave_cluster_view_measure_captions (self);
  _conclave_cluster_view_draw_sides (self, snapshot);
  _conclave_cluster_view_draw_lan (self, snapshot);
  _conclave_cluster_view_draw_links (self, snapshot, now_ns);
  _conclave_cluster_view_draw_nodes (self, snapshot, now_ns);
  _conclave_cluster_view_draw_timers (self, snapshot, now_ns);
  _conclave_cluster_view_draw_messages (self, snapshot, now_ns);
  _conclave_cluster_view_draw_held (self, snapshot);
  _conclave_cluster_view_forget_ended (self);
  if (self->animating)
    _conclave_cluster_view_ensure_ticking (self);
}

guint
conclave_cluster_view_get_n_links (ConclaveClusterView *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self), 0);
  return g_hash_table_size (self->links);
}

/* A layout drawn for a file: a copy, where and in what colour. */
typedef struct {
  PangoLayout *layout;
  double       x;
  double       y;
  GdkRGBA      color;
} ConclaveViewText;

static void
view_text_free (gpointer data)
{
  ConclaveViewText *text = data;

  g_object_unref (text->layout);
  g_free (text);
}

void
_conclave_cluster_view_append_text (ConclaveClusterView *self,
                                    GtkSnapshot         *snapshot,
                                    PangoLayout         *layout,
                                    double               x,
                                    double               y,
                                    const GdkRGBA       *color)
{
  ConclaveViewText *text;

  if (self->texts == NULL)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_append_layout (snapshot, layout, color);
      gtk_snapshot_restore (snapshot);
      return;
    }
  text = g_new (ConclaveViewText, 1);
  *text = (ConclaveViewText) { pango_layout_copy (layout), x, y, *color };
  g_ptr_array_add (self->texts, text);
}

void
conclave_cluster_view_draw_now (ConclaveClusterView *self,
                                cairo_t             *cr)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (view_text_free);
  GtkSnapshot *snapshot;

  g_return_if_fail (CONCLAVE_IS_CLUSTER_VIEW (self));

  snapshot = gtk_snapshot_new ();
  self->texts = texts;
  conclave_cluster_view_snapshot (GTK_WIDGET (self), snapshot);
  self->texts = NULL;
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  /* The words go on top, as text the file keeps (an SVG's <text>). */
  for (guint i = 0; i < texts->len; i++)
    {
      ConclaveViewText *text = texts->pdata[i];

      cairo_save (cr);
      cairo_move_to (cr, text->x, text->y);
      gdk_cairo_set_source_rgba (cr, &text->color);
      conclave_draw_layout (cr, text->layout);
      cairo_restore (cr);
    }
}

static void
conclave_cluster_view_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
conclave_cluster_view_css_changed (GtkWidget         *widget,
                                   GtkCssStyleChange *change)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (widget);

  GTK_WIDGET_CLASS (conclave_cluster_view_parent_class)->css_changed (widget, change);
  g_clear_object (&self->layout);
  g_clear_object (&self->bold_layout);
  g_clear_object (&self->small_layout);
  gtk_widget_queue_draw (widget);
}

static void
conclave_cluster_view_unmap (GtkWidget *widget)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (widget);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  GTK_WIDGET_CLASS (conclave_cluster_view_parent_class)->unmap (widget);
}

static void
conclave_cluster_view_dispose (GObject *object)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (object);

  if (view_cluster (self) != NULL)
    g_signal_handlers_disconnect_by_data (view_cluster (self), self);
  forget_picture (self);
  g_clear_object (&self->session);
  conclave_cluster_view_set_faults (self, NULL);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_object (&self->selected);
  g_clear_object (&self->drag_node);
  g_clear_object (&self->layout);
  g_clear_object (&self->bold_layout);
  g_clear_object (&self->small_layout);
  G_OBJECT_CLASS (conclave_cluster_view_parent_class)->dispose (object);
}

static void
conclave_cluster_view_finalize (GObject *object)
{
  ConclaveClusterView *self = CONCLAVE_CLUSTER_VIEW (object);

  g_array_unref (self->spots);
  g_array_unref (self->held_spots);
  g_hash_table_unref (self->spot_by_node);
  g_hash_table_unref (self->ended_at);
  g_hash_table_unref (self->links);
  g_array_unref (self->pending_links);
  g_array_unref (self->dot_hits);
  g_free (self->description);
  G_OBJECT_CLASS (conclave_cluster_view_parent_class)->finalize (object);
}

static void
conclave_cluster_view_class_init (ConclaveClusterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_cluster_view_dispose;
  object_class->finalize = conclave_cluster_view_finalize;
  widget_class->snapshot = conclave_cluster_view_snapshot;
  widget_class->size_allocate = conclave_cluster_view_size_allocate;
  widget_class->css_changed = conclave_cluster_view_css_changed;
  widget_class->unmap = conclave_cluster_view_unmap;

  gtk_widget_class_set_css_name (widget_class, "clusterview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  /* Only while the view has focus, so Delete in a text field stays Delete. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.crash-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "win.crash-selected", NULL);
}

static void
conclave_cluster_view_init (ConclaveClusterView *self)
{
  self->spots = g_array_new (FALSE, FALSE, sizeof (ConclaveSpot));
  self->held_spots = g_array_new (FALSE, FALSE, sizeof (ConclaveHeldSpot));
  self->spot_by_node = g_hash_table_new (NULL, NULL);
  self->ended_at = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->links = _conclave_cluster_view_new_links ();
  self->pending_links = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->dot_hits = g_array_new (FALSE, FALSE, sizeof (ConclaveDotHit));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cluster"),
                                  -1);
  _conclave_cluster_view_init_input (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

GtkWidget *
conclave_cluster_view_new (void)
{
  return g_object_new (CONCLAVE_TYPE_CLUSTER_VIEW, NULL);
}
