/* conclave-window-export.c — the window's exports: *Export Image…*
 * (Ctrl+E) and *Export for ShiViz…*.
 *
 *   win.export-view 'timeline' | 'timeline-run' | 'cluster'   what an image shows
 *   win.export-image '/path/x.svg'      writes it (.svg, .pdf or .png)
 *   win.export-image-dialog             asks what and where
 *   win.export-shiviz '/path/x.shiviz'  the run as a ShiViz log
 *   win.export-shiviz-dialog            asks where
 *
 * The timeline is drawn by its painter (src/draw), the cluster view from its
 * own snapshot into the same cairo file surfaces. Writes only the file named;
 * says how it went in a toast.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-cluster-view.h"
#include "conclave-export.h"
#include "conclave-shiviz.h"
#include "conclave-timeline.h"
#include "conclave-window-private.h"

static void
notice (ConclaveWindow *self,
        const char     *path,
        GError         *error)
{
  g_autofree char *name = g_filename_display_name (path);
  g_autofree char *text = NULL;

  if (error != NULL)
    /* Translators: an export failed; the reason follows */
    text = g_strdup_printf (_("Could not export: %s"), error->message);
  else
    /* Translators: a picture or log was written to this file */
    text = g_strdup_printf (_("Exported to %s"), name);
  conclave_session_notice (self->session, text);
}

/* The cluster view drawn afresh: a widget's paintable would give its
 * last frame, which a moment scrubbed to a moment ago has not had. */
static void
draw_cluster_view (cairo_t  *cr,
                   double    width,
                   double    height,
                   gpointer  user_data)
{
  conclave_cluster_view_draw_now (user_data, cr);
}

static char *
export_view (ConclaveWindow *self)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "export-view");

  return g_variant_dup_string (state, NULL);
}

static gboolean
export_image (ConclaveWindow  *self,
              const char      *path,
              GError         **error)
{
  g_autofree char *view = export_view (self);

  /* The views draw the moment shown now, not at their next frame. */
  conclave_session_catch_up (self->session);
  if (g_str_equal (view, "cluster"))
    return conclave_export_picture (path, MAX (gtk_widget_get_width (self->cluster_view), 200),
                                    MAX (gtk_widget_get_height (self->cluster_view), 200), 2,
                                    draw_cluster_view, self->cluster_view, error);
  return conclave_timeline_export (CONCLAVE_TIMELINE (self->timeline), path,
                                   g_str_equal (view, "timeline-run"), error);
}

static void
export_image_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ConclaveWindow *self = user_data;
  const char *path = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  export_image (self, path, &error);
  notice (self, path, error);
}

static void
export_shiviz_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ConclaveWindow *self = user_data;
  ConclaveCluster *cluster = window_cluster (self);
  const char *path = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  if (cluster == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no class to export"));
  else
    conclave_shiviz_write (conclave_cluster_get_store (cluster), conclave_cluster_get_matcher (cluster), path, &error);
  notice (self, path, error);
}

/* ---- the file chooser ------------------------------------------------------ */

/* "chapter-4-timeline.svg": what the class was and what is shown. */
static char *
suggested_name (ConclaveWindow *self,
                const char     *what,
                const char     *extension)
{
  ConclaveCluster *cluster = window_cluster (self);
  ConclaveScenario *scenario = cluster ? conclave_cluster_get_scenario (cluster) : NULL;

  return g_strdup_printf ("%s-%s.%s", scenario ? scenario->id : "conclave", what, extension);
}

/* A name without a known extension gets the one of the filter chosen, or
 * the first the chooser offered. */
static char *
chosen_path (GtkFileChooser *chooser,
             const char     *extension)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);
  GtkFileFilter *filter = gtk_file_chooser_get_filter (chooser);
  const char *filtered = filter ? g_object_get_data (G_OBJECT (filter), "extension") : NULL;
  char *path = file ? g_file_get_path (file) : NULL;
  char *with;

  if (filtered != NULL)
    extension = filtered;

  if (path == NULL || conclave_export_format_for_path (path) != CONCLAVE_EXPORT_NONE)
    return path;
  with = g_strconcat (path, ".", extension, NULL);
  g_free (path);
  return with;
}

static void
on_image_chosen (GtkNativeDialog *dialog,
                 int              response,
                 ConclaveWindow  *self)
{
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  const char *view = gtk_file_chooser_get_choice (chooser, "view");
  g_autofree char *path = response == GTK_RESPONSE_ACCEPT ? chosen_path (chooser, "svg") : NULL;

  if (path != NULL)
    {
      if (view != NULL)
        g_action_group_change_action_state (G_ACTION_GROUP (self), "export-view", g_variant_new_string (view));
      gtk_widget_activate_action (GTK_WIDGET (self), "win.export-image", "s", path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *extension)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *pattern = g_strconcat ("*.", extension, NULL);

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  g_object_set_data (G_OBJECT (filter), "extension", (gpointer) extension);
  gtk_file_chooser_add_filter (chooser, filter);
}

static GtkFileChooserNative *
save_chooser (ConclaveWindow *self,
              const char     *title,
              const char     *name)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                              _("_Export"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  return dialog;
}

static void
export_image_dialog (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ConclaveWindow *self = user_data;
  static const char *views[] = { "timeline", "timeline-run", "cluster", NULL };
  const char *labels[] = { _("Timeline, as shown"), _("Timeline, the whole run"), _("Cluster view"), NULL };
  g_autofree char *name = suggested_name (self, "picture", "svg");
  GtkFileChooserNative *dialog = save_chooser (self, _("Export Image"), name);
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);

  /* Translators: in the Export Image dialog: which view becomes the picture */
  gtk_file_chooser_add_choice (chooser, "view", _("Picture of"), views, labels);
  add_filter (chooser, _("SVG image (for slides, with text)"), "svg");
  add_filter (chooser, _("PDF document"), "pdf");
  add_filter (chooser, _("PNG image"), "png");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_image_chosen), self, 0);
  /* No gtk_file_chooser_set_choice (): GTK 4.8 ignores it, the first
   * option stays chosen. */
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_shiviz_chosen (GtkNativeDialog *dialog,
                  int              response,
                  ConclaveWindow  *self)
{
  g_autofree char *path = response == GTK_RESPONSE_ACCEPT ? chosen_path (GTK_FILE_CHOOSER (dialog), "shiviz") : NULL;

  if (path != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.export-shiviz", "s", path);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_shiviz_dialog (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ConclaveWindow *self = user_data;
  g_autofree char *name = suggested_name (self, "run", "shiviz");
  GtkFileChooserNative *dialog = save_chooser (self, _("Export for ShiViz"), name);

  add_filter (GTK_FILE_CHOOSER (dialog), _("ShiViz logs"), "shiviz");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_shiviz_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
_conclave_window_class_init_export (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export-image-dialog", NULL);
}

static void
change_view (GSimpleAction *action,
             GVariant      *value,
             gpointer       user_data)
{
  const char *view = g_variant_get_string (value, NULL);

  /* One of three, or nothing changes. */
  if (g_str_equal (view, "timeline") || g_str_equal (view, "timeline-run") || g_str_equal (view, "cluster"))
    g_simple_action_set_state (action, value);
}

/* Something to export once there is a class (from _update_actions). */
void
_conclave_window_update_export_actions (ConclaveWindow *self)
{
  static const char * const names[] = { "export-image", "export-image-dialog", "export-shiviz", "export-shiviz-dialog" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), names[i]);

      if (G_IS_SIMPLE_ACTION (action))
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), window_cluster (self) != NULL);
    }
}

/* In the window's action map, not the widget class's: so they are on the
 * bus too (org.gtk.Actions on the window's object path), like app.save-trace. */
void
_conclave_window_init_export (ConclaveWindow *self)
{
  static const GActionEntry entries[] = {
    { "export-image", export_image_action, "s" },
    { "export-image-dialog", export_image_dialog },
    { "export-shiviz", export_shiviz_action, "s" },
    { "export-shiviz-dialog", export_shiviz_dialog },
    { "export-view", NULL, "s", "'timeline'", change_view },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
}
