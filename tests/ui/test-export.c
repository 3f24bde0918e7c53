/* test-export.c — Export Image… and Export for ShiViz… in a real window:
 * win.export-image writes the timeline as shown (an SVG whose text names
 * the rows the widget drew), the whole run (a PDF) and the cluster view (a
 * PNG with the servers' colour in it); win.export-shiviz writes the log
 * with its regular expression; the teacher is told where each went; the
 * dialog offers the choice of view and is captured in a screenshot.
 */
#include "config.h"

#include <glib/gstdio.h>
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

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/export/image", UiFixture, NULL, ui_fixture_set_up, test_export_image, ui_fixture_tear_down);
  return g_test_run ();
}
