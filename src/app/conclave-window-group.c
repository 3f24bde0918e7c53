/* conclave-window-group.c — the window's parts for chapter 4's server
 * group: the election menu's label, the violation banner, partitions.
 *
 * Reads the store only at the index a signal names; never walks it.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-events-view.h"
#include "conclave-window-private.h"

void
_conclave_window_update_election (ConclaveWindow *self)
{
  g_autofree char *election = g_settings_get_string (self->settings, "election");

  if (g_str_equal (election, "bully"))
    gtk_label_set_label (self->election_label, _("Bully"));
  else if (g_str_equal (election, "ring"))
    gtk_label_set_label (self->election_label, _("Ring"));
  else
    gtk_label_set_label (self->election_label, _("Raft"));
}

void
_conclave_window_show_violation (ConclaveWindow *self,
                                 guint64         index)
{
  ConclaveEventStore *store = conclave_cluster_get_store (self->cluster);
  const ConclaveEvent *event = conclave_event_store_get (store, index);
  g_autofree char *text = NULL;

  if (event == NULL || event->type != CONCLAVE_EVENT_VIOLATION)
    return;
  self->violation = index;
  self->n_violations++;
  if (self->n_violations == 1)
    text = g_strdup_printf (_("Violation: %s"), conclave_event_store_str (store, event->s[3]));
  else
    /* Translators: %u counts every violation so far (at least 2), %s is the newest */
    text = g_strdup_printf (ngettext ("%u violations, the newest: %s", "%u violations, the newest: %s",
                                      self->n_violations),
                            self->n_violations, conclave_event_store_str (store, event->s[3]));
  gtk_label_set_label (self->violation_label, text);
  gtk_revealer_set_reveal_child (self->violation_revealer, TRUE);
  _conclave_window_update_actions (self);
}

static void
show_violation (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  const ConclaveEvent *event;

  if (self->cluster == NULL || self->violation == G_MAXUINT64)
    return;
  event = conclave_event_store_get (conclave_cluster_get_store (self->cluster), self->violation);
  /* The cause, or the violation itself when the cause is gone. */
  if (event == NULL || !conclave_window_show_event (self, event->key))
    if (!conclave_window_show_event (self, self->violation))
      conclave_window_toast (self, _("The events of this violation are no longer kept"));
}

static void
dismiss_violation (GtkWidget *widget, const char *action, GVariant *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->violation_revealer, FALSE);
  self->n_violations = 0;
  _conclave_window_update_actions (self);
}

void
_conclave_window_forget_violations (ConclaveWindow *self)
{
  self->violation = G_MAXUINT64;
  dismiss_violation (GTK_WIDGET (self), NULL, NULL);
}

void
_conclave_window_class_init_group (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-violation", NULL, show_violation);
  gtk_widget_class_install_action (widget_class, "win.dismiss-violation", NULL, dismiss_violation);
}
