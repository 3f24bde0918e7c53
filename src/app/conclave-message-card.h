/* conclave-message-card.h — one message explained, for the side panel.
 *
 * Shows the session's explained message (conclave_session_get_highlight()):
 * its kind, sender and receiver with names and PIDs, send and receive
 * time, latency, Lamport clock, the fields of a conclave-node payload with
 * a line each on what they mean, and the payload as reported, as text and
 * in hex. Its buttons light the message's causes or effects (card.show
 * 'causes' / 'effects'); card.close forgets the message. Reads the store
 * and the matcher; never changes the cluster.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-session.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_MESSAGE_CARD (conclave_message_card_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveMessageCard, conclave_message_card, CONCLAVE, MESSAGE_CARD, GtkWidget)

/* Once: the card explains this session's messages from now on. */
void        conclave_message_card_set_session (ConclaveMessageCard *self,
                                               ConclaveSession     *session);
/* For tests: the text a row shows now, by id ("kind", "sender",
 * "receiver", "sent", "received", "latency", "lamport", "transport",
 * "text", "hex", "cone", "payload" (how much of it is shown), or
 * "field:KEY" for a payload field's value);
 * NULL when that row is not shown. */
const char *conclave_message_card_get_value   (ConclaveMessageCard *self,
                                               const char          *row);

G_END_DECLS
