/* conclave-palette.c — GNOME palette colours for node types, states and
 * message kinds.
 *
 * Kinds the chapters use get fixed colours, distinct within a chapter;
 * any other kind hashes into a palette, so a student's own protocol still
 * gets stable colours. Must never allocate per call: views ask per message.
 * GTK-free: the widgets, the exports and the headless runner share it.
 */
#include "conclave-palette.h"

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

/* Message kinds: Kelly's colours of maximum contrast (no white, black or
 * red: red means "dropped" here), one per kind. Kinds that meet in one
 * chapter never share a colour; chapters 1–3 keep "questions orange,
 * answers green", which chapter 4's kinds never meet. On a dark
 * background each is lightened (see kind_rgba). */
typedef struct {
  const char *kind;
  const char *color;
} KindColor;

static const KindColor kinds[] = {
  /* Chapters 1–3 */
  { "hello",        "#f38400" },  /* orange: a question */
  { "request",      "#f38400" },
  { "reply",        "#008856" },  /* green: an answer */
  { "square",       "#008856" },
  { "task",         "#0067a5" },  /* blue: the parent hands work to a worker */
  { "error",        "#b3446c" },
  /* Chapter 4 (all distinct) */
  { "heartbeat",    "#848482" },  /* grey: the boring ones */
  { "vote-request", "#f38400" },
  { "vote",         "#f3c300" },
  { "election",     "#e25822" },
  { "answer",       "#c2b280" },
  { "coordinator",  "#b3446c" },
  { "append",       "#0067a5" },
  { "append-ack",   "#a1caf1" },
  { "post",         "#008856" },
  { "post-ack",     "#8db600" },
  { "redirect",     "#e68fac" },
  { "discover",     "#875692" },
  { "announce",     "#c061cb" },  /* magenta: violet is too near discover */
  { "view",         "#1aa5b8" },  /* teal: Kelly's greenish yellow is too near vote */
  { "sync",         "#882d17" },
  { "sync-ack",     "#f99379" },
  { "catch-up",     "#654522" },
  { "fetch",        "#2b3d26" },
};

/* Any other kind (a student's protocol) hashes into these: stable across
 * runs. */
static const char * const others[] = {
  "#f3c300", "#875692", "#f38400", "#a1caf1", "#c2b280", "#008856", "#e68fac",
  "#0067a5", "#f99379", "#604e97", "#f6a600", "#b3446c", "#dcd300", "#882d17",
  "#8db600", "#654522", "#e25822", "#2b3d26",
};

/* "#rrggbb": the only form the tables above use. */
static void
parse_hex (const char   *color,
           ConclaveRgba *rgba)
{
  guint32 value;

  g_assert (color[0] == '#' && strlen (color) == 7);
  value = (guint32) g_ascii_strtoull (color + 1, NULL, 16);
  rgba->red = ((value >> 16) & 0xff) / 255.0f;
  rgba->green = ((value >> 8) & 0xff) / 255.0f;
  rgba->blue = (value & 0xff) / 255.0f;
  rgba->alpha = 1;
}

/* On a dark background a dark colour is mixed with white until it reads. */
static void
kind_rgba (const char   *color,
           gboolean      dark,
           ConclaveRgba *rgba)
{
  double luminance;

  parse_hex (color, rgba);
  luminance = 0.2126 * rgba->red + 0.7152 * rgba->green + 0.0722 * rgba->blue;
  if (dark && luminance < 0.45)
    {
      double mix = (0.45 - luminance) / (1 - luminance) + 0.15;

      rgba->red += (1 - rgba->red) * mix;
      rgba->green += (1 - rgba->green) * mix;
      rgba->blue += (1 - rgba->blue) * mix;
    }
}

static void
parse_pair (const Pair   *pair,
            gboolean      dark,
            ConclaveRgba *rgba)
{
  parse_hex (dark ? pair->dark : pair->light, rgba);
}

void
conclave_palette_get (ConclaveColor color,
                      gboolean      dark,
                      ConclaveRgba      *rgba)
{
  g_return_if_fail (color < CONCLAVE_N_COLORS);
  parse_pair (&fixed[color], dark, rgba);
}

void
conclave_palette_kind (const char *kind,
                       gboolean    dark,
                       ConclaveRgba *rgba)
{
  if (kind == NULL || *kind == '\0')
    {
      parse_pair (&fixed[CONCLAVE_COLOR_CRASHED], dark, rgba);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kinds[i].kind, kind) == 0)
      {
        kind_rgba (kinds[i].color, dark, rgba);
        return;
      }
  kind_rgba (others[g_str_hash (kind) % G_N_ELEMENTS (others)], dark, rgba);
}

void
conclave_palette_kind_text (const char *kind,
                            gboolean    dark,
                            ConclaveRgba *rgba)
{
  double luminance;

  conclave_palette_kind (kind, dark, rgba);
  luminance = 0.2126 * rgba->red + 0.7152 * rgba->green + 0.0722 * rgba->blue;
  if (!dark && luminance > 0.45)
    {
      double scale = 0.45 / luminance;

      rgba->red *= scale;
      rgba->green *= scale;
      rgba->blue *= scale;
    }
}

struct _ConclaveKindColors
{
  ConclaveEventStore *store;
  gboolean            dark;
  GHashTable         *colors;   /* kind id → ConclaveRgba* */
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

const ConclaveRgba *
conclave_kind_colors_lookup (ConclaveKindColors *self,
                             guint32             kind)
{
  ConclaveRgba *color = g_hash_table_lookup (self->colors, GUINT_TO_POINTER (kind));

  if (color == NULL)
    {
      color = g_new (ConclaveRgba, 1);
      conclave_palette_kind (conclave_event_store_str (self->store, kind), self->dark, color);
      g_hash_table_insert (self->colors, GUINT_TO_POINTER (kind), color);
    }
  return color;
}

PangoLayout *
conclave_palette_layout_new (PangoContext *context,
                             double        scale,
                             gboolean      bold)
{
  PangoLayout *layout = pango_layout_new (context);
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
