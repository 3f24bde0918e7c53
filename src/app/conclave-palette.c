/* conclave-palette.c — GNOME palette colours for node types, states and
 * message kinds.
 *
 * Kinds the chapters use get fixed, well separated hues; any other kind
 * hashes into the remaining ones, so a student's own protocol still gets
 * stable colours. Must never allocate per call: views ask per message.
 */
#include "conclave-palette.h"

#include <adwaita.h>
#include <string.h>

typedef struct {
  const char *light;
  const char *dark;
} Pair;

/* GNOME HIG palette: blue 3/2, purple 3/2, light blue, grey, red, yellow. */
static const Pair fixed[CONCLAVE_N_COLORS] = {
  [CONCLAVE_COLOR_SERVER]    = { "#1c71d8", "#62a0ea" },
  [CONCLAVE_COLOR_CLIENT]    = { "#813d9c", "#c061cb" },
  [CONCLAVE_COLOR_CHILD]     = { "#3584e4", "#99c1f1" },
  [CONCLAVE_COLOR_CRASHED]   = { "#9a9996", "#77767b" },
  [CONCLAVE_COLOR_FAILED]    = { "#e01b24", "#ff7b63" },
  [CONCLAVE_COLOR_PAUSED]    = { "#c64600", "#ffa348" },
  [CONCLAVE_COLOR_LEADER]    = { "#e5a50a", "#f8e45c" },
  [CONCLAVE_COLOR_SELECTION] = { "#f6d32d", "#f9f06b" },
};

typedef struct {
  const char *kind;
  Pair        color;
} KindColor;

static const KindColor kinds[] = {
  /* Questions orange, answers green, in every chapter. */
  { "hello",     { "#e66100", "#ffa348" } },
  { "reply",     { "#26a269", "#57e389" } },  /* green */
  { "request",   { "#e66100", "#ffa348" } },
  { "square",    { "#26a269", "#57e389" } },  /* an answer, like reply */
  { "result",    { "#26a269", "#57e389" } },
  { "heartbeat", { "#5e5c64", "#c0bfbc" } },  /* grey: the boring ones */
  { "vote",      { "#c88800", "#f8e45c" } },  /* yellow */
  { "election",  { "#c88800", "#f8e45c" } },
  { "coordinator", { "#a51d2d", "#f66151" } },
  { "append",    { "#1a5fb4", "#99c1f1" } },
  { "ack",       { "#63452c", "#cdab8f" } },  /* brown */
  { "post",      { "#e66100", "#ffa348" } },
  { "join",      { "#613583", "#dc8add" } },
  { "view",      { "#613583", "#dc8add" } },
};

static const Pair others[] = {
  { "#2190a4", "#33c7de" },
  { "#26a269", "#57e389" },
  { "#e66100", "#ffa348" },
  { "#c88800", "#f8e45c" },
  { "#613583", "#dc8add" },
  { "#63452c", "#cdab8f" },
  { "#1a5fb4", "#99c1f1" },
};

static void
parse_pair (const Pair *pair,
            gboolean    dark,
            GdkRGBA    *rgba)
{
  gboolean ok = gdk_rgba_parse (rgba, dark ? pair->dark : pair->light);

  g_assert (ok);
}

void
conclave_palette_get (ConclaveColor color,
                      gboolean      dark,
                      GdkRGBA      *rgba)
{
  g_return_if_fail (color < CONCLAVE_N_COLORS);
  parse_pair (&fixed[color], dark, rgba);
}

void
conclave_palette_kind (const char *kind,
                       gboolean    dark,
                       GdkRGBA    *rgba)
{
  if (kind == NULL || *kind == '\0')
    {
      parse_pair (&fixed[CONCLAVE_COLOR_CRASHED], dark, rgba);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kinds[i].kind, kind) == 0)
      {
        parse_pair (&kinds[i].color, dark, rgba);
        return;
      }
  parse_pair (&others[g_str_hash (kind) % G_N_ELEMENTS (others)], dark, rgba);
}

void
conclave_palette_widget_fg (GtkWidget *widget,
                            GdkRGBA   *rgba)
{
  /* gtk_widget_get_color() is 4.10; this is the 4.8 way. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), rgba);
}

gboolean
conclave_palette_is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

struct _ConclaveKindColors
{
  ConclaveEventStore *store;
  gboolean            dark;
  GHashTable         *colors;   /* kind id → GdkRGBA* */
};

ConclaveKindColors *
conclave_kind_colors_new (ConclaveEventStore *store,
                          gboolean            dark)
{
  ConclaveKindColors *self = g_new0 (ConclaveKindColors, 1);

  self->store = store;
  self->dark = dark;
  self->colors = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  return self;
}

void
conclave_kind_colors_free (ConclaveKindColors *self)
{
  g_hash_table_unref (self->colors);
  g_free (self);
}

const GdkRGBA *
conclave_kind_colors_lookup (ConclaveKindColors *self,
                             guint32             kind)
{
  GdkRGBA *color = g_hash_table_lookup (self->colors, GUINT_TO_POINTER (kind));

  if (color == NULL)
    {
      color = g_new (GdkRGBA, 1);
      conclave_palette_kind (conclave_event_store_str (self->store, kind), self->dark, color);
      g_hash_table_insert (self->colors, GUINT_TO_POINTER (kind), color);
    }
  return color;
}

PangoLayout *
conclave_palette_layout_new (GtkWidget *widget,
                             double     scale,
                             gboolean   bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  return layout;
}

double
conclave_palette_line_height (PangoLayout *layout)
{
  int height;

  pango_layout_set_text (layout, "Mg", -1);
  pango_layout_get_pixel_size (layout, NULL, &height);
  return MAX (height, 8);
}
