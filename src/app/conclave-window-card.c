/* conclave-window-card.c — the message card in the window's side panel:
 * win.explain-event (a store index: the message that event belongs to)
 * opens it in place of the inspector, win.show-causes / win.show-effects
 * light the message's cone, and Escape clears the light first, then
 * closes the card. The views that are clicked (timeline, cluster view,
 * event log) only activate win.explain-event.
 *
 * Never computes a cone or reads the store itself: the session's
 * highlight does.
 */
#include "config.h"

#include "conclave-message-card.h"
#include "conclave-window-private.h"

static ConclaveCausalHighlight *
highlight_of (ConclaveWindow *self)
{
  return conclave_session_get_highlight (self->session);
}

gboolean
_conclave_window_card_open (ConclaveWindow *self)
{
  return self->session != NULL && conclave_causal_highlight_get_message (highlight_of (self)) != G_MAXUINT64;
}

/* The card while a message is explained, else the inspector; in
 * presentation mode the panel shows only for one of them. */
void
_conclave_window_update_side (ConclaveWindow *self)
{
  gboolean card = _conclave_window_card_open (self);
  gboolean inspector;

  if (self->side_stack == NULL)  /* being disposed */
    return;
  inspector = !conclave_session_get_presentation (self->session) ||
              conclave_session_get_selected (self->session) != NULL;
  gtk_widget_set_visible (self->inspector, inspector);
  /* a stack shows no hidden child */
  if (card || inspector)
    gtk_stack_set_visible_child_name (self->side_stack, card ? "card" : "inspector");
  gtk_widget_set_visible (GTK_WIDGET (self->side_stack), card || inspector);
}

gboolean
_conclave_window_card_escape (ConclaveWindow *self)
{
  ConclaveCausalHighlight *highlight = highlight_of (self);

  if (conclave_causal_highlight_get_mode (highlight) != CONCLAVE_HIGHLIGHT_NONE)
    conclave_causal_highlight_set_mode (highlight, CONCLAVE_HIGHLIGHT_NONE);
  else if (_conclave_window_card_open (self))
    conclave_causal_highlight_clear (highlight);
  else
    return FALSE;
  return TRUE;
}

static void
on_highlight_changed (ConclaveWindow *self)
{
  _conclave_window_update_side (self);
  _conclave_window_update_actions (self);
}

static void
explain_event (GtkWidget  *widget,
               const char *action,
               GVariant   *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);
  guint64 index = g_variant_get_uint64 (parameter);

  /* The event is also the log's and the timeline's focus: both show it. */
  if (conclave_causal_highlight_explain_event (highlight_of (self), index))
    conclave_session_set_focused_event (self->session, index);
}

static void
show_cone (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  ConclaveWindow *self = CONCLAVE_WINDOW (widget);

  conclave_causal_highlight_set_mode (highlight_of (self), g_str_equal (action, "win.show-causes")
                                                           ? CONCLAVE_HIGHLIGHT_CAUSES : CONCLAVE_HIGHLIGHT_EFFECTS);
}

static void
clear_cone (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  conclave_causal_highlight_set_mode (highlight_of (CONCLAVE_WINDOW (widget)), CONCLAVE_HIGHLIGHT_NONE);
}

void
_conclave_window_update_card_actions (ConclaveWindow *self)
{
  gboolean open = _conclave_window_card_open (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-causes", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-effects", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear-causes",
                                 open && conclave_causal_highlight_get_mode (highlight_of (self)) != CONCLAVE_HIGHLIGHT_NONE);
}

void
_conclave_window_class_init_card (GtkWidgetClass *widget_class)
{
  g_type_ensure (CONCLAVE_TYPE_MESSAGE_CARD);
  gtk_widget_class_install_action (widget_class, "win.explain-event", "t", explain_event);
  gtk_widget_class_install_action (widget_class, "win.show-causes", NULL, show_cone);
  gtk_widget_class_install_action (widget_class, "win.show-effects", NULL, show_cone);
  gtk_widget_class_install_action (widget_class, "win.clear-causes", NULL, clear_cone);
}

void
_conclave_window_init_card (ConclaveWindow *self)
{
  conclave_message_card_set_session (CONCLAVE_MESSAGE_CARD (self->message_card), self->session);
  g_signal_connect_object (highlight_of (self), "changed", G_CALLBACK (on_highlight_changed), self,
                           G_CONNECT_SWAPPED);
  _conclave_window_update_side (self);
}
