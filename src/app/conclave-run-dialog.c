/* conclave-run-dialog.c — see the header. */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-run-dialog.h"

struct _ConclaveRunDialog
{
  AdwWindow       parent_instance;

  ConclaveWindow *window;        /* not owned: the dialog dies with it */
  char           *default_name;  /* the name offered; NULL once replaced */
  char           *cwd;
  GtkFileChooserNative *chooser;

  AdwEntryRow    *command_row;
  AdwActionRow   *cwd_row;
  AdwComboRow    *shape_row;
  AdwEntryRow    *name_row;
  AdwEntryRow    *leader_row;
  GtkSpinButton  *copies_spin;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (ConclaveRunDialog, conclave_run_dialog, ADW_TYPE_WINDOW)

enum { SHAPE_SERVER, SHAPE_CLIENT };

static gboolean
is_server (ConclaveRunDialog *self)
{
  return adw_combo_row_get_selected (self->shape_row) == SHAPE_SERVER;
}

static void
show_error (ConclaveRunDialog *self,
            const char        *text)
{
  gtk_label_set_label (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

/* Offers the cluster's next free name for the shape, unless the teacher
 * typed one of their own. */
static void
offer_name (ConclaveRunDialog *self)
{
  ConclaveCluster *cluster = self->window ? conclave_session_get_cluster (conclave_window_get_session (self->window)) : NULL;
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *name = NULL;

  /* Not yet: the shape is set before the dialog knows its window. */
  if (cluster == NULL)
    return;
  if (*current != '\0' && g_strcmp0 (current, self->default_name) != 0)
    return;
  name = conclave_cluster_next_name (cluster, is_server (self));
  g_free (self->default_name);
  self->default_name = g_strdup (name);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

static void
set_cwd (ConclaveRunDialog *self,
         const char        *cwd)
{
  g_free (self->cwd);
  self->cwd = g_strdup (cwd);
  adw_action_row_set_subtitle (self->cwd_row, cwd ? cwd : _("The folder Conclave runs in"));
}

static void
on_shape_changed (ConclaveRunDialog *self)
{
  offer_name (self);
}

static void
on_changed (ConclaveRunDialog *self)
{
  show_error (self, NULL);
}

static void
on_entry_activated (ConclaveRunDialog *self)
{
  conclave_run_dialog_run (self);
}

static void
on_folder_chosen (GtkNativeDialog   *chooser,
                  int                response,
                  ConclaveRunDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = folder ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        conclave_run_dialog_set_folder (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
choose_folder (GtkWidget  *widget,
               const char *action,
               GVariant   *parameter)
{
  ConclaveRunDialog *self = CONCLAVE_RUN_DIALOG (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Working Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  if (self->cwd != NULL)
    {
      g_autoptr(GFile) current = g_file_new_for_path (self->cwd);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), current, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_folder_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
run (GtkWidget  *widget,
     const char *action,
     GVariant   *parameter)
{
  conclave_run_dialog_run (CONCLAVE_RUN_DIALOG (widget));
}

static void
conclave_run_dialog_dispose (GObject *object)
{
  ConclaveRunDialog *self = CONCLAVE_RUN_DIALOG (object);

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CONCLAVE_TYPE_RUN_DIALOG);
  G_OBJECT_CLASS (conclave_run_dialog_parent_class)->dispose (object);
}

static void
conclave_run_dialog_finalize (GObject *object)
{
  ConclaveRunDialog *self = CONCLAVE_RUN_DIALOG (object);

  g_free (self->default_name);
  g_free (self->cwd);
  G_OBJECT_CLASS (conclave_run_dialog_parent_class)->finalize (object);
}

static void
conclave_run_dialog_class_init (ConclaveRunDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_run_dialog_dispose;
  object_class->finalize = conclave_run_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/conclave/Conclave/conclave-run-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConclaveRunDialog, command_row);
  gtk_widget_class_bind_template_child (widget_class, ConclaveRunDialog, cwd_row);
  gtk_widget_class_bind_template_child (widget_class, ConclaveRunDialog, leader_row);
  gtk_widget_class_bind_template_child (widget_class, ConclaveRunDialog, shape_row);
  gtk_widget_class_bind_template_child (widget_class, ConclaveRunDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, ConclaveRunDialog, copies_spin);
  gtk_widget_class_bind_template_child (widget_class, ConclaveRunDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_shape_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_install_action (widget_class, "run.run", NULL, run);
  gtk_widget_class_install_action (widget_class, "run.choose-folder", NULL, choose_folder);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
conclave_run_dialog_init (ConclaveRunDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A client is what a teacher adds most often. */
  adw_combo_row_set_selected (self->shape_row, SHAPE_CLIENT);
}

ConclaveRunDialog *
conclave_run_dialog_new (ConclaveWindow *window)
{
  ConclaveRunDialog *self;
  ConclaveSession *session;
  ConclaveCluster *cluster;

  g_return_val_if_fail (CONCLAVE_IS_WINDOW (window), NULL);

  self = g_object_new (CONCLAVE_TYPE_RUN_DIALOG, "transient-for", window, NULL);
  self->window = window;
  session = conclave_window_get_session (window);
  cluster = conclave_session_get_cluster (session);
  set_cwd (self, conclave_session_get_working_folder (session));
  if (cluster != NULL && conclave_cluster_get_leader_pattern (cluster) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->leader_row), conclave_cluster_get_leader_pattern (cluster));
  offer_name (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->command_row));
  return self;
}

void
conclave_run_dialog_set_command (ConclaveRunDialog *self,
                                 const char        *command_line)
{
  g_return_if_fail (CONCLAVE_IS_RUN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->command_row), command_line ? command_line : "");
}

void
conclave_run_dialog_set_folder (ConclaveRunDialog *self,
                                const char        *folder)
{
  g_return_if_fail (CONCLAVE_IS_RUN_DIALOG (self));
  g_return_if_fail (folder != NULL);

  set_cwd (self, folder);
  /* The teacher's choice holds for the next program too. */
  conclave_session_set_working_folder (conclave_window_get_session (self->window), folder);
}

void
conclave_run_dialog_set_leader_pattern (ConclaveRunDialog *self,
                                        const char        *pattern)
{
  g_return_if_fail (CONCLAVE_IS_RUN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->leader_row), pattern ? pattern : "");
}

/* The cluster's leader pattern from the field; FALSE, shown, if it does
 * not compile. */
static gboolean
apply_leader_pattern (ConclaveRunDialog *self)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (conclave_window_get_session (self->window));
  const char *pattern = gtk_editable_get_text (GTK_EDITABLE (self->leader_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (cluster == NULL || conclave_cluster_set_leader_pattern (cluster, pattern, &error))
    return TRUE;
  message = g_strdup_printf (_("The leader pattern is not a regular expression: %s"), error->message);
  show_error (self, message);
  return FALSE;
}

void
conclave_run_dialog_set_server (ConclaveRunDialog *self,
                                gboolean           server)
{
  g_return_if_fail (CONCLAVE_IS_RUN_DIALOG (self));
  adw_combo_row_set_selected (self->shape_row, server ? SHAPE_SERVER : SHAPE_CLIENT);
}

void
conclave_run_dialog_set_copies (ConclaveRunDialog *self,
                                guint              copies)
{
  g_return_if_fail (CONCLAVE_IS_RUN_DIALOG (self));
  gtk_spin_button_set_value (self->copies_spin, copies);
}

gboolean
conclave_run_dialog_run (ConclaveRunDialog *self)
{
  g_autoptr(GError) error = NULL;
  const char *name;
  gboolean offered;

  g_return_val_if_fail (CONCLAVE_IS_RUN_DIALOG (self), FALSE);

  name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  /* The offered name stands for "the next free ones", so copies count on
   * as s3, s4, s5 rather than s3, s3-2, s3-3. */
  offered = *name == '\0' || g_strcmp0 (name, self->default_name) == 0;
  if (!apply_leader_pattern (self))
    return FALSE;
  if (!conclave_session_run_program (conclave_window_get_session (self->window),
                                     gtk_editable_get_text (GTK_EDITABLE (self->command_row)),
                                     self->cwd, offered ? NULL : name,
                                     (guint) gtk_spin_button_get_value_as_int (self->copies_spin),
                                     is_server (self), &error))
    {
      /* Copies that did start took their names: offer the next one
       * (before the error, which a change of the text would hide). */
      offer_name (self);
      show_error (self, error->message);
      return FALSE;
    }
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

const char *
conclave_run_dialog_get_error (ConclaveRunDialog *self)
{
  g_return_val_if_fail (CONCLAVE_IS_RUN_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_label (self->error_label) : NULL;
}
