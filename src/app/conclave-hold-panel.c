/* conclave-hold-panel.c — see the header. Rows are built from the core's
 * model (gtk_list_box_bind_model), so the list is never out of step with
 * the queue; a new cluster binds its queue anew. Never releases anything
 * itself: the buttons name actions.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-hold-panel.h"

struct _ConclaveHoldPanel
{
  GtkWidget        parent_instance;

  ConclaveSession *session;
  GtkWidget       *box;
  GtkListBox      *list;
};

G_DEFINE_FINAL_TYPE (ConclaveHoldPanel, conclave_hold_panel, GTK_TYPE_WIDGET)

static GtkWidget *
action_button (const char *icon, const char *tooltip, const char *action, guint64 index)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint64 (index));
  gtk_widget_add_css_class (button, "flat");
  return button;
}

/* The sender by its node's name where the cluster knows its address. */
static const char *
sender_of (ConclaveHoldPanel *self, ConclaveHeld *held)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (self->session);
  ConclaveNode *node = cluster ? conclave_cluster_lookup_address (cluster, conclave_held_get_src_address (held)) : NULL;

  return node != NULL ? conclave_node_get_name (node) : conclave_held_get_src (held);
}

static GtkWidget *
row_label (const char *text, gboolean detail)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (detail)
    {
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
    }
  return label;
}

/* What it is, from whom to whom, and below it the message's id and text. */
static GtkWidget *
describe (ConclaveHoldPanel *self, ConclaveHeld *held)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  /* Translators: a held message: its kind, sender and receiver, "vote-request: s3 → s2" */
  g_autofree char *title = g_strdup_printf (_("%s: %s → %s"), conclave_held_get_kind (held),
                                            sender_of (self, held), conclave_held_get_node (held));
  const char *preview = conclave_held_get_preview (held);
  g_autofree char *detail = g_strdup_printf ("%s%s%s", conclave_held_get_message_id (held),
                                             preview && *preview ? " · " : "", preview ? preview : "");

  gtk_box_append (GTK_BOX (box), row_label (title, FALSE));
  gtk_box_append (GTK_BOX (box), row_label (detail, TRUE));
  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (box, preview);
  return box;
}

static GtkWidget *
make_row (gpointer item, gpointer user_data)
{
  ConclaveHeld *held = item;
  guint64 index = conclave_held_get_index (held);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (row), describe (user_data, held));
  gtk_box_append (GTK_BOX (row), action_button ("mail-send-symbolic", _("Deliver"), "app.deliver-message", index));
  if (conclave_held_get_key (held) == 0)  /* bytes of a stream: only ever delivered */
    return row;
  gtk_box_append (GTK_BOX (row), action_button ("edit-delete-symbolic", _("Drop"), "app.drop-message", index));
  gtk_box_append (GTK_BOX (row), action_button ("edit-copy-symbolic", _("Duplicate"), "app.duplicate-message", index));
  if (!conclave_held_is_stream (held))  /* a stream is never reordered */
    gtk_box_append (GTK_BOX (row), action_button ("go-bottom-symbolic", _("Deliver Later"),
                                                  "app.later-message", index));
  return row;
}

static void
set_cluster (gpointer view, ConclaveCluster *old)
{
  ConclaveHoldPanel *self = view;
  ConclaveCluster *cluster = conclave_session_get_cluster (self->session);

  gtk_list_box_bind_model (self->list, cluster ? G_LIST_MODEL (conclave_cluster_get_hold (cluster)) : NULL,
                           make_row, self, NULL);
}

void
conclave_hold_panel_set_session (ConclaveHoldPanel *self, ConclaveSession *session)
{
  static const ConclaveSessionWatch watch = { set_cluster };

  g_return_if_fail (CONCLAVE_IS_HOLD_PANEL (self));
  g_return_if_fail (CONCLAVE_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  conclave_session_watch (session, self, &watch);
}

GtkWidget *
conclave_hold_panel_new (void)
{
  return g_object_new (CONCLAVE_TYPE_HOLD_PANEL, NULL);
}

static void
conclave_hold_panel_dispose (GObject *object)
{
  ConclaveHoldPanel *self = CONCLAVE_HOLD_PANEL (object);

  if (self->session != NULL)
    conclave_session_unwatch (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (conclave_hold_panel_parent_class)->dispose (object);
}

static void
conclave_hold_panel_class_init (ConclaveHoldPanelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conclave_hold_panel_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static GtkWidget *
caption (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
conclave_hold_panel_init (ConclaveHoldPanel *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_box_append (GTK_BOX (self->box), caption (_("Held Messages"), "heading"));
  gtk_box_append (GTK_BOX (self->box),
                  caption (_("While messages are held (H), each arriving one waits here until you "
                             "release it; N delivers the oldest. A TCP stream keeps its order: "
                             "its chunks go oldest first and are never reordered."), "dim-label"));
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_placeholder (self->list, caption (_("Nothing is held"), "dim-label"));
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_box_append (GTK_BOX (self->box), scrolled);
}
