/* conclave-line-parser-private.h — the schema of a control line, shared by
 * the parser (conclave-line-parser.c) and its inverse, the line writer
 * (conclave-line-writer.c). Not for anyone outside the line parser.
 */
#pragma once

#include "conclave-event.h"

G_BEGIN_DECLS

/* Where a field's value goes in a ConclaveEvent. */
typedef enum {
  SLOT_S0, SLOT_S1, SLOT_S2, SLOT_S3,
  SLOT_NUM, SLOT_LEN, SLOT_LC, SLOT_KEY_ID, SLOT_KEY_HASH, SLOT_PROTO,
  SLOT_OFFSET, SLOT_DIR, SLOT_REASON, SLOT_LEVEL, SLOT_PERMILLE,
  SLOT_LEN_STR,  /* an interned string in `len` (state: why) */
  SLOT_KEY_INT,  /* a 64-bit number in `key` (state: term) */
} ConclaveLineSlot;

typedef enum { K_STR, K_STRV, K_INT, K_UINT, K_NUMBER, K_UINT63 } ConclaveLineKind;

typedef struct {
  const char *name;
  ConclaveLineSlot        slot;
  ConclaveLineKind        kind;
  gboolean    required;
} ConclaveLineField;

/* The fields of an event type, NULL-name terminated; NULL for NONE. */
const ConclaveLineField *_conclave_line_fields_for (ConclaveEventType type);

G_END_DECLS
