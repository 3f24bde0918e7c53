/* conclave-causal-highlight.h — the message being explained, and what of
 * the run is lit around it: its causes (the causal past of its send) or its
 * effects (the causal future of its receive); the rest is dimmed.
 *
 * One per session (conclave_session_get_highlight()), shared by the
 * message card that sets it and the timeline and event log that dim by
 * it. The cone itself is computed in the core (conclave-causal-cone.h);
 * while effects are shown in a live run it is made again at most twice a
 * second, so messages received since join in. Never draws, never touches
 * widgets; a new cluster clears it.
 */
#pragma once

#include <glib-object.h>

#include "conclave-causal-cone.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_HIGHLIGHT_NONE,      /* nothing dimmed */
  CONCLAVE_HIGHLIGHT_CAUSES,
  CONCLAVE_HIGHLIGHT_EFFECTS,
} ConclaveHighlightMode;

typedef struct _ConclaveSession ConclaveSession;

#define CONCLAVE_TYPE_CAUSAL_HIGHLIGHT (conclave_causal_highlight_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveCausalHighlight, conclave_causal_highlight, CONCLAVE, CAUSAL_HIGHLIGHT, GObject)

/* Signals: "changed" () the message, the mode or the cone changed. */

/* For the session only: it owns the one it makes. */
ConclaveCausalHighlight *conclave_causal_highlight_new        (ConclaveSession         *session);

/* Explains the message the event at store index `event` belongs to (see
 * conclave_causal_message_of_event()); the mode goes back to NONE unless
 * it is the message already explained. FALSE (and nothing changes) when
 * the event is no message's. */
gboolean              conclave_causal_highlight_explain_event (ConclaveCausalHighlight *self,
                                                               guint64                  event);
/* The matcher's index of the message explained; G_MAXUINT64: none. */
guint64               conclave_causal_highlight_get_message   (ConclaveCausalHighlight *self);
/* Forgets the message and the mode. */
void                  conclave_causal_highlight_clear         (ConclaveCausalHighlight *self);

void                  conclave_causal_highlight_set_mode      (ConclaveCausalHighlight *self,
                                                               ConclaveHighlightMode    mode);
ConclaveHighlightMode conclave_causal_highlight_get_mode      (ConclaveCausalHighlight *self);
/* The cone lit now; NULL when nothing is dimmed, or when the message has
 * no end to start from (effects of a message never received). */
const ConclaveCausalCone *conclave_causal_highlight_get_cone  (ConclaveCausalHighlight *self);

/* Whether an event or a message is drawn at full strength: always when
 * the mode is NONE; else when it is in the cone or is the explained
 * message or one of its ends. */
gboolean              conclave_causal_highlight_event_lit     (ConclaveCausalHighlight *self,
                                                               guint32                  proc,
                                                               guint64                  index);
gboolean              conclave_causal_highlight_message_lit   (ConclaveCausalHighlight *self,
                                                               const ConclaveMessage   *message,
                                                               guint64                  message_index);

G_END_DECLS
