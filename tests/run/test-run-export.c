/* test-run-export.c — `conclave-run --export` as a user runs it: a live
 * chapter 4 run writes its whole timeline as SVG (XML with the node names
 * as real text), its recording replays into a PDF (a PDF with fonts, so
 * text stays text), a PNG (decoded: not blank, the servers' lifelines in
 * the server colour) and a ShiViz log whose vector clocks agree with every
 * message the matcher pairs in the recording. */
#include "conclave-event-store.h"
#include "conclave-matcher.h"
#include "conclave-trace-file.h"
#include "../engine/shiviz-check.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char *dir;
  char *trace;
} Fixture;

static char *
path_in (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* Runs conclave-run with the arguments; asserts it exits 0. */
static void
run (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CONCLAVE_RUN_PROGRAM"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char * const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autofree char *svg = NULL;

  f->dir = g_dir_make_tmp ("conclave-export-XXXXXX", NULL);
  f->trace = path_in (f, "run.jsonl");
  svg = path_in (f, "live.svg");
  run ("chapter-4", "--tempo", "0.05", "--duration", "3s", "--trace", f->trace, "--export", svg, NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = path_in (f, name);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->trace);
}

typedef struct {
  gboolean   in_text;
  GString   *words;   /* every <text>'s content, one a line */
} SvgText;

static void
svg_start (GMarkupParseContext *context, const char *element, const char **names, const char **values,
           gpointer user_data, GError **error)
{
  ((SvgText *) user_data)->in_text = strcmp (element, "text") == 0;
}

static void
svg_end (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  SvgText *svg = user_data;

  if (svg->in_text)
    g_string_append_c (svg->words, '\n');
  svg->in_text = FALSE;
}

static void
svg_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data, GError **error)
{
  SvgText *svg = user_data;

  if (svg->in_text)
    g_string_append_len (svg->words, text, len);
}

static void
test_svg (Fixture *f, gconstpointer data)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autofree char *path = path_in (f, "live.svg");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  SvgText svg = { FALSE, g_string_new ("\n") };
  GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, &svg, NULL);
  static const char * const nodes[] = { "s1", "s2", "s3", "c1", "c2" };

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  /* XML from the first line to the last. */
  g_assert_true (g_markup_parse_context_parse (context, contents, -1, &error) &&
                 g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (context);
  g_test_message ("text: %s", svg.words->str);
  /* Each node's lifeline named in the gutter: "s1 · 4711". */
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autofree char *label = g_strdup_printf ("\n%s · ", nodes[i]);

      if (strstr (svg.words->str, label) == NULL)
        g_error ("no text \"%s …\" in the SVG", nodes[i]);
    }
  /* The axis counts seconds: a whole run starts at 0. */
  g_assert_nonnull (strstr (svg.words->str, "\n0 s\n") ?: strstr (svg.words->str, "\n0.0 s\n"));
  g_string_free (svg.words, TRUE);
}

static void
test_pdf (Fixture *f, gconstpointer data)
{
  g_autofree char *path = path_in (f, "replay.pdf");
  g_autofree char *contents = NULL;
  gsize length;

  run ("--replay", f->trace, "--export", path, NULL);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  /* Text drawn as text: the PDF carries a font and maps its glyphs back
   * to characters (binary: no string search). */
  g_assert_nonnull (memmem (contents, length, "/FontFile", 9));
  g_assert_nonnull (memmem (contents, length, "/ToUnicode", 10));
}

static void
test_png (Fixture *f, gconstpointer data)
{
  g_autofree char *path = path_in (f, "replay.png");
  cairo_surface_t *image;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  guint server = 0, lifelines = 0;
  int width, height, stride;
  const guint8 *pixels;

  run ("--replay", f->trace, "--export", path, NULL);
  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  stride = cairo_image_surface_get_stride (image);
  pixels = cairo_image_surface_get_data (image);
  g_assert_cmpint (width, >=, 1600);
  for (int y = 0; y < height; y++)
    {
      guint in_row = 0;

      for (int x = 0; x < width; x++)
        {
          guint32 pixel = *(const guint32 *) (pixels + y * stride + x * 4) & 0xffffff;

          g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
          /* The server lifelines' blue, #1c71d8. */
          in_row += pixel == 0x1c71d8;
        }
      server += in_row;
      /* A lifeline is a row of blue across an eighth of the run or more (how much
       * depends on when a loaded machine got the servers going). */
      lifelines += in_row > (guint) width / 8;
    }
  g_test_message ("%dx%d, %u colours, %u server-blue pixels, %u rows of a lifeline", width, height,
                  g_hash_table_size (colours), server, lifelines);
  g_assert_cmpuint (g_hash_table_size (colours), >, 20);
  /* Chapter 4's three servers, each a line at least a pixel thick. */
  g_assert_cmpuint (lifelines, >=, 3);
  cairo_surface_destroy (image);
}

static void
test_shiviz (Fixture *f, gconstpointer data)
{
  g_autofree char *path = path_in (f, "replay.shiviz");
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GError) error = NULL;
  ConclaveMatcher *matcher;
  guint bad = 0, checked;

  run ("--replay", f->trace, "--export", path, NULL);
  g_assert_true (conclave_trace_load (store, f->trace, &bad, NULL, &error));
  g_assert_no_error (error);
  matcher = conclave_matcher_new (store);
  conclave_matcher_feed (matcher, conclave_event_store_get_first (store), conclave_event_store_get_end (store));
  checked = shiviz_check (path, store, matcher);
  g_test_message ("%u messages checked", checked);
  /* Heartbeats, appends, votes, posts: hundreds in 3 s at tempo 0.05. */
  g_assert_cmpuint (checked, >, 100);
  conclave_matcher_free (matcher);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/run-export/svg", Fixture, NULL, setup, test_svg, teardown);
  g_test_add ("/run-export/pdf", Fixture, NULL, setup, test_pdf, teardown);
  g_test_add ("/run-export/png", Fixture, NULL, setup, test_png, teardown);
  g_test_add ("/run-export/shiviz", Fixture, NULL, setup, test_shiviz, teardown);
  return g_test_run ();
}
