/* test-export.c — Export Image… and Export for ShiViz… in a real window:
 * win.export-image writes the timeline as shown (an SVG whose text names
 * the rows the widget drew), the whole run (a PDF) and the cluster view (a
 * PNG with the servers' colour in it); win.export-shiviz writes the log
 * with its regular expression; the teacher is told where each went; the
 * dialog offers the choice of view and is captured in a screenshot.
 * Scrubbed back (live or in a recording), a picture is of the moment
 * shown, the whole run still of the whole run.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "conclave-palette-widget.h"
#include "conclave-render.h"
#include "conclave-shiviz.h"
#include "conclave-timeline.h"
#include "ui-test-utils.h"

static gboolean
some_replies (gpointer data)
{
  return ui_test_n_delivered (conclave_session_get_cluster (data)) >= 6;
}

static void
on_notice (ConclaveSession *session, const char *text, GPtrArray *notices)
{
  g_ptr_array_add (notices, g_strdup (text));
}

static GtkWidget *
find_timeline (GtkWidget *widget)
{
  if (CONCLAVE_IS_TIMELINE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_timeline (child);
      if (found)
        return found;
    }
  return NULL;
}

static void
export_as (UiFixture *f, const char *view, const char *path)
{
  g_autoptr(GVariant) state = NULL;

  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "export-view", g_variant_new_string (view));
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->window), "export-view");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, view);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export-image", "s", path));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
assert_svg_names_rows (const char *path, GtkWidget *timeline)
{
  g_autofree char *svg = NULL;
  g_auto(GStrv) rows = conclave_timeline_list_rows (CONCLAVE_TIMELINE (timeline));
  g_autoptr(GError) error = NULL;
  GMarkupParseContext *context = g_markup_parse_context_new (&(GMarkupParser) { 0 }, 0, NULL, NULL);

  g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
  g_assert_true (g_markup_parse_context_parse (context, svg, -1, &error) &&
                 g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (context);
  g_assert_cmpuint (g_strv_length (rows), >=, 2);
  for (guint i = 0; rows[i] != NULL; i++)
    {
      g_autofree char *text = g_strdup_printf ("xml:space=\"preserve\">%s · ", rows[i]);

      if (strchr (rows[i], '/') == NULL && strstr (svg, text) == NULL)
        g_error ("row %s is not named in the SVG", rows[i]);
    }
}

static guint
count_colour (const char *png, const GdkRGBA *colour)
{
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (png, NULL);
  guint n_colors = 0, n_matching = 0;

  g_assert_nonnull (texture);
  conclave_render_inspect (texture, colour, 6, &n_colors, &n_matching);
  g_test_message ("%s: %u colours, %u matching", png, n_colors, n_matching);
  g_assert_cmpuint (n_colors, >, 20);
  return n_matching;
}

static GtkWindow *
chooser (ConclaveWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
chooser_shown (gpointer window)
{
  return chooser (window) != NULL;
}

static gboolean
chooser_gone (gpointer window)
{
  return chooser (window) == NULL;
}

static void
test_export_image (UiFixture *f, gconstpointer data)
{
  /* Beside the screenshots, to be looked at. */
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", "screenshots", "export", NULL);
  g_autofree char *svg = g_build_filename (dir, "timeline.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "run.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "cluster.png", NULL);
  g_autofree char *shiviz = g_build_filename (dir, "run.shiviz", NULL);
  g_autofree char *head = NULL;
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *timeline = find_timeline (GTK_WIDGET (f->window));
  GdkRGBA server;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* Left by a run before: each must be written anew. */
  g_unlink (svg);
  g_unlink (pdf);
  g_unlink (png);
  g_unlink (shiviz);
  g_signal_connect (f->session, "notice", G_CALLBACK (on_notice), notices);
  ui_test_start_chapter (f->app, "chapter-2", 0.5);
  g_assert_true (ui_test_wait (some_replies, f->session, 30000));
  ui_test_look (f->window, "timeline", "export-1-window");

  export_as (f, "timeline", svg);
  assert_svg_names_rows (svg, timeline);
  export_as (f, "timeline-run", pdf);
  g_assert_true (g_file_get_contents (pdf, &head, NULL, NULL));
  g_assert_true (g_str_has_prefix (head, "%PDF-"));
  export_as (f, "cluster", png);
  conclave_palette_get_gdk (CONCLAVE_COLOR_SERVER, conclave_palette_is_dark (), &server);
  g_assert_cmpuint (count_colour (png, &server), >, 500);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export-shiviz", "s", shiviz));
  g_clear_pointer (&head, g_free);
  g_assert_true (g_file_get_contents (shiviz, &head, NULL, NULL));
  g_assert_true (g_str_has_prefix (head, "# ShiViz parser RE: " CONCLAVE_SHIVIZ_REGEX));
  g_assert_nonnull (strstr (head, "\nsend "));

  /* Each told where it went. */
  g_assert_cmpuint (notices->len, ==, 4);
  g_assert_nonnull (strstr (notices->pdata[0], svg));
  g_assert_nonnull (strstr (notices->pdata[3], shiviz));

  /* The dialog asks what to show (the timeline as shown, first; or the
   * whole run, or the cluster view) and where; Cancel writes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export-image-dialog", NULL));
  g_assert_true (ui_test_wait (chooser_shown, f->window, 5000));
  g_assert_cmpstr (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser (f->window)), "view"), ==, "timeline");
  ui_test_run_for (300);
  ui_test_screenshot (GTK_WIDGET (chooser (f->window)), "export-2-dialog");
  gtk_dialog_response (GTK_DIALOG (chooser (f->window)), GTK_RESPONSE_CANCEL);
  g_assert_true (ui_test_wait (chooser_gone, f->window, 5000));
  g_assert_cmpuint (notices->len, ==, 4);

  g_signal_handlers_disconnect_by_func (f->session, on_notice, notices);
}

static gboolean
both_crashed (gpointer data)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (data);
  ConclaveNode *s1 = conclave_cluster_lookup (cluster, "s1"), *c1 = conclave_cluster_lookup (cluster, "c1");

  return s1 && c1 && conclave_node_get_state (s1) == CONCLAVE_NODE_CRASHED &&
         conclave_node_get_state (c1) == CONCLAVE_NODE_CRASHED;
}

/* When the teacher crashed `name`, in the store shown. */
static gint64
crash_time (ConclaveSession *session, const char *name)
{
  ConclaveEventStore *store = conclave_cluster_get_store (conclave_session_get_cluster (session));

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_CRASH && g_strcmp0 (conclave_event_store_str (store, e->s[0]), name) == 0)
        return e->time_ns;
    }
  g_assert_not_reached ();
}

/* How many fills and strokes of the SVG have this colour (cairo writes
 * them as rgb(R%,G%,B%)), within a step of rounding. */
static guint
svg_colour_uses (const char *svg, ConclaveColor color)
{
  g_autoptr(GRegex) rgb = g_regex_new ("rgb\\(([0-9.]+)%,([0-9.]+)%,([0-9.]+)%\\)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  ConclaveRgba want;
  guint n = 0;

  conclave_palette_get (color, conclave_palette_is_dark (), &want);
  for (g_regex_match (rgb, svg, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      double c[3];

      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *number = g_match_info_fetch (match, i + 1);
          c[i] = g_ascii_strtod (number, NULL) / 100;
        }
      n += fabs (c[0] - want.red) < 0.01 && fabs (c[1] - want.green) < 0.01 && fabs (c[2] - want.blue) < 0.01;
    }
  return n;
}

static char *
exported (UiFixture *f, const char *view, const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *svg = NULL;

  g_unlink (path);
  export_as (f, view, path);
  g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
  return svg;
}

/* The <text> elements of an SVG, in order, one a line. */
static char *
svg_texts (const char *svg)
{
  g_autoptr(GRegex) text = g_regex_new ("<text [^>]*>([^<]*)</text>", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GString *all = g_string_new (NULL);

  for (g_regex_match (text, svg, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *word = g_match_info_fetch (match, 1);
      g_string_append_printf (all, "%s\n", word);
    }
  return g_string_free (all, FALSE);
}

/* The cluster view's words are real text in its SVG: each node's name
 * once, and s1's state line says crashed only after its crash. */
static void
assert_cluster_words (const char *svg, gboolean s1_crashed)
{
  g_autofree char *texts = svg_texts (svg);
  g_autofree char *lines = g_strconcat ("\n", texts, NULL);

  g_test_message ("the cluster view's words: %s", texts);
  g_assert_nonnull (strstr (lines, "\ns1\n"));
  g_assert_nonnull (strstr (lines, "\nc1\n"));
  g_assert_null (strstr (strstr (lines, "\ns1\n") + 1, "\ns1\n"));
  if (s1_crashed)
    g_assert_nonnull (strstr (lines, "crashed (SIGKILL)"));
  else
    g_assert_null (strstr (lines, "crashed"));
}

/* Scrubbed back to before s1's crash, Export Image shows that moment:
 * the cluster view with s1 alive (a server's colour, not a crashed
 * one's), the timeline around the cursor with the cursor and its time;
 * the whole run stays the whole run. Live again, s1 is crashed. The
 * class saved and opened, scrubbed back: the same. */
static void
test_export_scrubbed (UiFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", "screenshots", "export", NULL);
  g_autofree char *alive = NULL, *crashed = NULL, *moment = NULL, *run_then = NULL, *run_now = NULL;
  g_autofree char *texts_then = NULL, *texts_now = NULL, *cursor = NULL;
  gint64 start, end, shown;
  double seconds;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  ui_test_start_chapter (f->app, "chapter-1", 0.5);
  g_assert_true (ui_test_wait (some_replies, f->session, 30000));
  ui_test_activate (f->app, "crash-node", g_variant_new_string ("s1"));
  ui_test_run_for (300);
  /* Nothing happens after c1's crash too: the whole run stays put. */
  ui_test_activate (f->app, "crash-node", g_variant_new_string ("c1"));
  g_assert_true (ui_test_wait (both_crashed, f->session, 10000));
  ui_test_run_for (300);

  shown = crash_time (f->session, "s1") - 200 * G_TIME_SPAN_MILLISECOND * 1000;
  conclave_session_seek (f->session, shown);
  g_assert_false (conclave_session_is_following (f->session));
  g_assert_cmpint (conclave_node_get_state (conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s1")),
                   ==, CONCLAVE_NODE_RUNNING);
  /* At once, as a teacher who scrubs and presses Ctrl+E. */
  alive = exported (f, "cluster", dir, "cluster-before-crash.svg");
  g_test_message ("before the crash: %u server fills, %u crashed", svg_colour_uses (alive, CONCLAVE_COLOR_SERVER),
                  svg_colour_uses (alive, CONCLAVE_COLOR_CRASHED));
  g_assert_cmpuint (svg_colour_uses (alive, CONCLAVE_COLOR_SERVER), >, 0);
  g_assert_cmpuint (svg_colour_uses (alive, CONCLAVE_COLOR_CRASHED), ==, 0);
  assert_cluster_words (alive, FALSE);
  ui_test_look (f->window, "timeline", "export-3-scrubbed");
  /* The timeline as shown: the cursor at the moment, with its time. */
  moment = exported (f, "timeline", dir, "timeline-before-crash.svg");
  g_assert_true (conclave_session_get_time_range (f->session, &start, &end));
  seconds = (shown - start) / 1e9;
  cursor = g_strdup_printf (">%d:%04.1f</text>", (int) (seconds / 60), seconds - (int) (seconds / 60) * 60);
  g_test_message ("the cursor says %s", cursor);
  g_assert_nonnull (strstr (moment, cursor));
  /* The whole run, scrubbed or not. */
  run_then = exported (f, "timeline-run", dir, "run-scrubbed.svg");
  texts_then = svg_texts (run_then);

  conclave_session_follow (f->session);   /* the scrubber's Live */
  g_assert_true (conclave_session_is_following (f->session));
  crashed = exported (f, "cluster", dir, "cluster-live.svg");
  g_test_message ("live: %u server fills, %u crashed", svg_colour_uses (crashed, CONCLAVE_COLOR_SERVER),
                  svg_colour_uses (crashed, CONCLAVE_COLOR_CRASHED));
  g_assert_cmpuint (svg_colour_uses (crashed, CONCLAVE_COLOR_CRASHED), >, 0);
  g_assert_cmpuint (svg_colour_uses (crashed, CONCLAVE_COLOR_SERVER), <, svg_colour_uses (alive, CONCLAVE_COLOR_SERVER));
  assert_cluster_words (crashed, TRUE);
  run_now = exported (f, "timeline-run", dir, "run-live.svg");
  texts_now = svg_texts (run_now);
  g_assert_cmpstr (texts_then, ==, texts_now);

  /* The same from the class saved and opened again. */
  {
    g_autofree char *trace = g_build_filename (dir, "class.jsonl", NULL);
    g_autofree char *opened_alive = NULL, *opened_run = NULL, *opened_texts = NULL;

    ui_test_activate (f->app, "save-trace", g_variant_new_string (trace));
    ui_test_activate (f->app, "open-trace", g_variant_new_string (trace));
    g_assert_true (conclave_session_is_replay (f->session));
    conclave_session_seek (f->session, shown);
    opened_alive = exported (f, "cluster", dir, "recording-before-crash.svg");
    g_assert_cmpuint (svg_colour_uses (opened_alive, CONCLAVE_COLOR_SERVER), >, 0);
    g_assert_cmpuint (svg_colour_uses (opened_alive, CONCLAVE_COLOR_CRASHED), ==, 0);
    opened_run = exported (f, "timeline-run", dir, "recording-run.svg");
    opened_texts = svg_texts (opened_run);
    g_assert_cmpstr (opened_texts, ==, texts_now);
    g_unlink (trace);
  }
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/export/image", UiFixture, NULL, ui_fixture_set_up, test_export_image, ui_fixture_tear_down);
  g_test_add ("/export/scrubbed", UiFixture, NULL, ui_fixture_set_up, test_export_scrubbed, ui_fixture_tear_down);
  return g_test_run ();
}
