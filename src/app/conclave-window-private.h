/* conclave-window-private.h — the window's insides, shared by
 * conclave-window.c (construction, pages, settings) and
 * conclave-window-actions.c (what the actions do). Nothing outside the
 * window includes this.
 */
#pragma once

#include "conclave-faults.h"
#include "conclave-window.h"

G_BEGIN_DECLS

struct _ConclaveWindow
{
  AdwApplicationWindow  parent_instance;

  ConclaveSession      *session;         /* what the window shows; the application's */
  ConclaveFaults       *faults;          /* of that cluster */
  GSettings            *settings;
  gboolean              updating_tempo;
  gboolean              told_lan_faults; /* the LAN cannot drop or delay: said (once) */

  /* template */
  AdwWindowTitle       *window_title;
  GtkWidget            *add_server_button;
  GtkWidget            *add_client_button;
  GtkWidget            *tempo_button;
  GtkWidget            *election_button;
  GtkLabel             *election_label;
  GtkRevealer          *violation_revealer;
  GtkLabel             *violation_label;
  GtkLabel             *tempo_label;
  GtkLabel             *tempo_speed_label;
  GtkAdjustment        *tempo_adjustment;
  GtkScale             *tempo_scale;
  GtkWidget            *freeze_button;
  GtkWidget            *presentation_button;
  GtkWidget            *header_bar;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkWidget            *welcome_page;
  GtkWidget            *cluster_view;
  AdwViewStack         *view_stack;
  GtkWidget            *timeline_tools;
  GtkWidget            *timeline;
  GtkWidget            *cluster_legend;
  GtkWidget            *timeline_legend;
  GtkWidget            *charts;
  GtkWidget            *event_log;
  GtkWidget            *inspector;
  GtkStack             *side_stack;
  GtkWidget            *message_card;
  AdwStatusPage        *error_page;
  GtkPaned             *side_paned;
  GtkPaned             *main_paned;
  GtkWidget            *scrubber;
};

/* The session holds the cluster; the window only asks. */
static inline ConclaveCluster *
window_cluster (ConclaveWindow *self)
{
  return self->session != NULL ? conclave_session_get_cluster (self->session) : NULL;
}

void _conclave_window_class_init_actions (GtkWidgetClass *widget_class);
void _conclave_window_class_init_group   (GtkWidgetClass *widget_class);
void _conclave_window_init_actions       (ConclaveWindow *self);
/* Export Image…, Export for ShiViz… (conclave-window-export.c). */
void _conclave_window_class_init_export  (GtkWidgetClass *widget_class);
void _conclave_window_init_export        (ConclaveWindow *self);
void _conclave_window_update_export_actions (ConclaveWindow *self);
/* Owns every enabled state and action state; call after any change. */
void _conclave_window_update_actions     (ConclaveWindow *self);
/* The banner says what the session's banner state says. */
void _conclave_window_update_banner      (ConclaveWindow *self);
/* The selected node, NULL for none (the session's). */
ConclaveNode *_conclave_window_selected  (ConclaveWindow *self);
/* Enabled states of the group's window actions (from _update_actions). */
void _conclave_window_update_group_actions (ConclaveWindow *self);
/* The election menu follows the running group (or hides). */
void _conclave_window_update_election    (ConclaveWindow *self);
/* The message card (conclave-window-card.c): the side panel shows it or
 * the inspector; Escape clears its light, then closes it (FALSE: nothing
 * to do). */
void     _conclave_window_class_init_card      (GtkWidgetClass *widget_class);
void     _conclave_window_init_card            (ConclaveWindow *self);
gboolean _conclave_window_card_open            (ConclaveWindow *self);
void     _conclave_window_update_side          (ConclaveWindow *self);
gboolean _conclave_window_card_escape          (ConclaveWindow *self);
void     _conclave_window_update_card_actions  (ConclaveWindow *self);
/* win.election: the running election, or the choice for the next start. */
GAction *_conclave_window_election_action_new (ConclaveWindow *self);
/* win.network: "loopback" or "lan", the cluster's (conclave-window-network.c). */
GAction *_conclave_window_network_action_new (ConclaveWindow *self);
void _conclave_window_update_network     (ConclaveWindow *self);

G_END_DECLS
