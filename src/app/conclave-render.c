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

GdkTexture *
conclave_render_widget (GtkWidget *widget,
                        guint     *n_nodes)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  GtkSnapshot *snapshot;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  if (n_nodes != NULL)
    *n_nodes = 0;
  renderer = native ? gtk_native_get_renderer (native) : NULL;
  if (renderer == NULL || width <= 0 || height <= 0)
    return NULL;
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return NULL;
  if (n_nodes != NULL)
    *n_nodes = conclave_render_count_nodes (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
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
