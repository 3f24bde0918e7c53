/* conclave-fault-editor.c — see the header. */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-fault-editor.h"
#include "conclave-session.h"

struct _ConclaveFaultEditor
{
  GtkWidget        parent_instance;

  ConclaveFaults  *faults;
  ConclaveSession *session;   /* holds the cluster whose nodes are the peers */
  ConclaveNode    *node;
  gboolean         updating;   /* showing settings, not changing them */

  GtkWidget       *group;
  GtkSpinButton   *drop_spin;
  GtkSpinButton   *delay_spin;
  AdwExpanderRow  *isolate_row;
  GPtrArray       *peer_rows;   /* AdwActionRow, one per other node */
  GPtrArray       *peer_checks; /* GtkCheckButton, same order */
  char            *isolated_text;
};

G_DEFINE_FINAL_TYPE (ConclaveFaultEditor, conclave_fault_editor, GTK_TYPE_WIDGET)

/* The checked peers' names, NULL-terminated, borrowed from the rows. */
static GPtrArray *
checked_peers (ConclaveFaultEditor *self)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < self->peer_checks->len; i++)
    if (gtk_check_button_get_active (self->peer_checks->pdata[i]))
      g_ptr_array_add (names, (gpointer) adw_preferences_row_get_title (self->peer_rows->pdata[i]));
  g_ptr_array_add (names, NULL);
  return names;
}

const char *
conclave_fault_editor_get_isolated (ConclaveFaultEditor *self)
{
  g_autoptr(GPtrArray) names = NULL;

  g_return_val_if_fail (CONCLAVE_IS_FAULT_EDITOR (self), NULL);

  names = checked_peers (self);
  g_free (self->isolated_text);
  self->isolated_text = g_strjoinv (",", (char **) names->pdata);
  return self->isolated_text;
}

static const char *
node_name (ConclaveFaultEditor *self)
{
  return self->node ? conclave_node_get_name (self->node) : NULL;
}

/* Each control changes its one setting in the core's table, which keeps
 * the others (a partition a scenario set stays). */
static gboolean
editing (ConclaveFaultEditor *self)
{
  return !self->updating && self->faults != NULL && self->node != NULL;
}

static void
on_drop_changed (ConclaveFaultEditor *self)
{
  if (editing (self))
    conclave_faults_set_drop (self->faults, node_name (self), gtk_spin_button_get_value (self->drop_spin) / 100.0);
}

static void
on_delay_changed (ConclaveFaultEditor *self)
{
  if (editing (self))
    conclave_faults_set_delay (self->faults, node_name (self),
                               (guint) gtk_spin_button_get_value_as_int (self->delay_spin));
}

static void
on_peer_toggled (ConclaveFaultEditor *self,
                 GtkCheckButton      *check)
{
  guint i;

  if (editing (self) && g_ptr_array_find (self->peer_checks, check, &i))
    conclave_faults_set_isolated_from (self->faults, node_name (self),
                                       adw_preferences_row_get_title (self->peer_rows->pdata[i]),
                                       gtk_check_button_get_active (check));
}

static void
clear_peers (ConclaveFaultEditor *self)
{
  for (guint i = 0; i < self->peer_rows->len; i++)
    adw_expander_row_remove (self->isolate_row, self->peer_rows->pdata[i]);
  g_ptr_array_set_size (self->peer_rows, 0);
  g_ptr_array_set_size (self->peer_checks, 0);
}

static void
add_peer (ConclaveFaultEditor *self,
          const char          *peer)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), peer);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_signal_connect_object (check, "toggled", G_CALLBACK (on_peer_toggled), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_row (self->isolate_row, row);
  g_ptr_array_add (self->peer_rows, row);
  g_ptr_array_add (self->peer_checks, check);
}

/* Shows the node's settings and one check per other top-level node. */
static void
update (ConclaveFaultEditor *self)
{
  const char *name = node_name (self);
  ConclaveCluster *cluster = self->session ? conclave_session_get_cluster (self->session) : NULL;
  GListModel *nodes = cluster != NULL ? G_LIST_MODEL (cluster) : NULL;
  const char * const *isolated;
  guint n, n_isolated = 0;
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (self->group, name != NULL && self->faults != NULL &&
                                       conclave_node_get_parent (self->node) == NULL);
  if (!gtk_widget_get_visible (self->group))
    return;
  self->updating = TRUE;
  isolated = conclave_faults_get_isolated (self->faults, name);
  gtk_spin_button_set_value (self->drop_spin, conclave_faults_get_drop (self->faults, name) * 100.0);
  gtk_spin_button_set_value (self->delay_spin, conclave_faults_get_delay (self->faults, name));
  clear_peers (self);
  n = nodes != NULL ? g_list_model_get_n_items (nodes) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) peer = g_list_model_get_item (nodes, i);
      const char *peer_name = conclave_node_get_name (peer);
      gboolean on = isolated != NULL && g_strv_contains (isolated, peer_name);

      if (peer == self->node)
        continue;
      add_peer (self, peer_name);
      gtk_check_button_set_active (g_ptr_array_index (self->peer_checks, self->peer_checks->len - 1), on);
      n_isolated += on;
    }
  subtitle = n_isolated == 0 ? g_strdup (_("Reaches every node"))
                             : g_strdup_printf (ngettext ("Cut off from %u node", "Cut off from %u nodes",
                                                          n_isolated), n_isolated);
  adw_expander_row_set_subtitle (self->isolate_row, subtitle);
  self->updating = FALSE;
}

static void
on_faults_changed (ConclaveFaultEditor *self,
                   const char          *name)
{
  if (g_strcmp0 (name, node_name (self)) == 0)
    update (self);
}

void
conclave_fault_editor_set_faults (ConclaveFaultEditor *self,
                                  ConclaveFaults      *faults)
{
  g_return_if_fail (CONCLAVE_IS_FAULT_EDITOR (self));

  if (self->faults != NULL)
    g_signal_handlers_disconnect_by_data (self->faults, self);
  g_set_object (&self->faults, faults);
  if (faults != NULL)
    g_signal_connect_object (faults, "changed", G_CALLBACK (on_faults_changed), self, G_CONNECT_SWAPPED);
  update (self);
}

/* A new cluster began: its nodes are the peers now. */
static void
set_cluster (gpointer         view,
             ConclaveCluster *old)
{
  ConclaveFaultEditor *self = view;
  ConclaveCluster *cluster = conclave_session_get_cluster (self->session);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  if (cluster != NULL)
    g_signal_connect_object (cluster, "items-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

void
conclave_fault_editor_set_session (ConclaveFaultEditor *self,
                                   ConclaveSession     *session)
{
  static const ConclaveSessionWatch watch = { set_cluster };

  g_return_if_fail (CONCLAVE_IS_FAULT_EDITOR (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  conclave_session_watch (session, self, &watch);
}

void
conclave_fault_editor_set_node (ConclaveFaultEditor *self,
                                ConclaveNode        *node)
{
  g_return_if_fail (CONCLAVE_IS_FAULT_EDITOR (self));

  if (g_set_object (&self->node, node))
    update (self);
}

static GtkSpinButton *
add_spin_row (ConclaveFaultEditor *self,
              const char          *title,
              const char          *subtitle,
              double               upper,
              double               step,
              GCallback            changed)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (0, upper, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), row);
  g_signal_connect_object (spin, "value-changed", changed, self, G_CONNECT_SWAPPED);
  return GTK_SPIN_BUTTON (spin);
}

static void
conclave_fault_editor_dispose (GObject *object)
{
  ConclaveFaultEditor *self = CONCLAVE_FAULT_EDITOR (object);

  if (self->session != NULL)
    {
      ConclaveCluster *cluster = conclave_session_get_cluster (self->session);

      conclave_session_unwatch (self->session, self);
      if (cluster != NULL)
        g_signal_handlers_disconnect_by_data (cluster, self);
      g_clear_object (&self->session);
    }
  conclave_fault_editor_set_faults (self, NULL);
  g_clear_object (&self->node);
  g_clear_pointer (&self->group, gtk_widget_unparent);
  g_clear_pointer (&self->peer_rows, g_ptr_array_unref);
  g_clear_pointer (&self->peer_checks, g_ptr_array_unref);
  g_clear_pointer (&self->isolated_text, g_free);
  G_OBJECT_CLASS (conclave_fault_editor_parent_class)->dispose (object);
}

static void
conclave_fault_editor_class_init (ConclaveFaultEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conclave_fault_editor_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
conclave_fault_editor_init (ConclaveFaultEditor *self)
{
  self->peer_rows = g_ptr_array_new ();
  self->peer_checks = g_ptr_array_new ();
  self->group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->group), _("Faults"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group),
                                         _("Applied by the process itself, at every send and receive"));
  gtk_widget_set_parent (self->group, GTK_WIDGET (self));
  self->drop_spin = add_spin_row (self, _("Drop"), _("Percent of messages lost"), 100, 5,
                                  G_CALLBACK (on_drop_changed));
  self->delay_spin = add_spin_row (self, _("Added Delay"), _("Milliseconds"), 10000, 50,
                                   G_CALLBACK (on_delay_changed));
  self->isolate_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->isolate_row), _("Isolated From"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), GTK_WIDGET (self->isolate_row));
  gtk_widget_set_visible (self->group, FALSE);
}
