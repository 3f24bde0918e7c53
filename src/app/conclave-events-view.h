/* conclave-events-view.h — every event in a list, filterable by node and kind
 * of event, searchable.
 *
 * A GtkColumnView over ConclaveEventList (rows made lazily); follows the
 * newest event while scrolled to the bottom. Never formats events that are
 * not on screen, except while a search filter is being applied.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_EVENTS_VIEW (conclave_events_view_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveEventsView, conclave_events_view, CONCLAVE, EVENTS_VIEW, GtkWidget)

/* Property: cluster. */
/* Once: the log lists this session's cluster from now on. */
void        conclave_events_view_set_session  (ConclaveEventsView *self,
                                               ConclaveSession    *session);
void        conclave_events_view_focus_search (ConclaveEventsView *self);
gboolean    conclave_events_view_select_event (ConclaveEventsView *self,
                                               guint64             index);
guint64     conclave_events_view_get_selected_event (ConclaveEventsView *self);
/* For tests: the store indices of the rows on screen now, by whether they
 * are drawn lit or dimmed (a message's causes or effects shown). */
void        conclave_events_view_list_shown_rows (ConclaveEventsView *self,
                                                  GArray             *lit,
                                                  GArray             *dimmed);
/* For tests: the model the column view shows. */
GListModel *conclave_events_view_get_model    (ConclaveEventsView *self);

G_END_DECLS
