/* conclave-message-fields.h — what a message of conclave-node says, in words.
 *
 * Splits a group payload ("from=s2 term=1 prev=2 commit=2 …", see
 * src/common/PROTOCOL.md, chapter 4) into its fields and gives each a line
 * on what it means for that kind of message, and a line on each kind of
 * every chapter. Plain functions over strings: no GTK, no store. Never
 * invents a field: a word that is not key=value ends the split.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char       *key;
  char       *value;
  const char *meaning;   /* translated; NULL when the key is not one conclave-node writes */
  gboolean    cut;       /* the payload was cut short in this value */
} ConclaveMessageField;

/* The fields of `payload` in order, each a ConclaveMessageField (freed with
 * the array); NULL when the payload is not key=value words. `text=` takes
 * the rest of the payload, spaces included. `cut`: the payload is only its
 * first bytes (a long message's preview): a piece of a key at its end is
 * left out, a value it ends in is marked cut. */
GPtrArray  *conclave_message_fields_parse (const char *kind,
                                           const char *payload,
                                           gboolean    cut);
/* One line on a kind of message conclave-node sends ("heartbeat": the
 * leader is alive …); NULL for a kind it does not send. Translated. */
const char *conclave_message_kind_meaning (const char *kind);

G_END_DECLS
