/* conclave-render.c — widget → texture, render-node counts, pixel checks
 * (see the header).
 */
#include "config.h"

#include "conclave-render.h"

guint
conclave_render_count_nodes (GskRenderNode *node)
{
  guint n = 1;

  if (node == NULL)
    return 0;
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        n += conclave_render_count_nodes (gsk_container_node_get_child (node, i));
      break;
    case GSK_TRANSFORM_NODE:
      n += conclave_render_count_nodes (gsk_transform_node_get_child (node));
      break;
    case GSK_CLIP_NODE:
      n += conclave_render_count_nodes (gsk_clip_node_get_child (node));
      break;
    case GSK_ROUNDED_CLIP_NODE:
      n += conclave_render_count_nodes (gsk_rounded_clip_node_get_child (node));
      break;
    case GSK_OPACITY_NODE:
      n += conclave_render_count_nodes (gsk_opacity_node_get_child (node));
      break;
    case GSK_COLOR_MATRIX_NODE:
      n += conclave_render_count_nodes (gsk_color_matrix_node_get_child (node));
      break;
    case GSK_REPEAT_NODE:
      n += conclave_render_count_nodes (gsk_repeat_node_get_child (node));
      break;
    case GSK_SHADOW_NODE:
      n += conclave_render_count_nodes (gsk_shadow_node_get_child (node));
      break;
    case GSK_BLUR_NODE:
      n += conclave_render_count_nodes (gsk_blur_node_get_child (node));
      break;
    case GSK_DEBUG_NODE:
      n += conclave_render_count_nodes (gsk_debug_node_get_child (node));
      break;
    case GSK_BLEND_NODE:
      n += conclave_render_count_nodes (gsk_blend_node_get_bottom_child (node));
      n += conclave_render_count_nodes (gsk_blend_node_get_top_child (node));
      break;
    case GSK_CROSS_FADE_NODE:
      n += conclave_render_count_nodes (gsk_cross_fade_node_get_start_child (node));
      n += conclave_render_count_nodes (gsk_cross_fade_node_get_end_child (node));
      break;
    default:
      break;
    }
  return n;
}

/* A GtkWidgetPaintable shows the widget's last drawn frame, and a widget
 * forgets that frame when it queues a redraw (animations do, every frame).
 * So the picture is taken right after a frame was painted. */
typedef struct {
  GtkWidget  *widget;
  GdkTexture *texture;
  guint       n_nodes;
  gboolean    done;
  guint       timeout;
} Capture;

static void
capture (Capture *c)
{
  int width = gtk_widget_get_width (c->widget);
  int height = gtk_widget_get_height (c->widget);
  GtkNative *native = gtk_widget_get_native (c->widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;

  c->done = TRUE;
  if (renderer == NULL || width <= 0 || height <= 0)
    return;
  paintable = gtk_widget_paintable_new (c->widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  c->n_nodes = conclave_render_count_nodes (node);
  c->texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static void
on_after_paint (GdkFrameClock *clock,
                Capture       *c)
{
  if (!c->done)
    capture (c);
}

static gboolean
give_up (gpointer data)
{
  Capture *c = data;

  c->done = TRUE;
  c->timeout = 0;
  return G_SOURCE_REMOVE;
}

GdkTexture *
conclave_render_widget (GtkWidget *widget,
                        guint     *n_nodes)
{
  Capture c = { widget, NULL, 0, FALSE, 0 };
  GdkFrameClock *clock;
  gulong handler;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL || !gtk_widget_get_mapped (widget))
    return NULL;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &c);
  c.timeout = g_timeout_add (3000, give_up, &c);
  gtk_widget_queue_draw (widget);
  while (!c.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_clear_handle_id (&c.timeout, g_source_remove);
  if (n_nodes != NULL)
    *n_nodes = c.n_nodes;
  return c.texture;
}

void
conclave_render_inspect (GdkTexture    *texture,
                         const GdkRGBA *color,
                         guint          tolerance,
                         guint         *n_colors,
                         guint         *n_matching)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = width * 4;
  g_autofree guchar *data = g_malloc (stride * height);
  g_autoptr(GHashTable) colors = g_hash_table_new (NULL, NULL);
  int want[3] = { color->red * 255, color->green * 255, color->blue * 255 };
  guint matching = 0;

  /* gdk_texture_download gives premultiplied B, G, R, A in memory order. */
  gdk_texture_download (texture, data, stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guchar *p = data + y * stride + x * 4;
        guint32 pixel = p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;

        if (g_hash_table_size (colors) < 4096)
          g_hash_table_add (colors, GUINT_TO_POINTER (pixel));
        if (p[3] == 255 &&
            (guint) ABS (p[2] - want[0]) <= tolerance &&
            (guint) ABS (p[1] - want[1]) <= tolerance &&
            (guint) ABS (p[0] - want[2]) <= tolerance)
          matching++;
      }
  if (n_colors != NULL)
    *n_colors = g_hash_table_size (colors);
  if (n_matching != NULL)
    *n_matching = matching;
}
