/* node-group-msg.h — payloads of the server group (chapter 4).
 *
 * A payload is "key=value key=value … text=free text": every message names
 * its sender (`from=`) so isolation works by node name and the class can
 * read the preview. Values never hold spaces; only `text=`, always last,
 * runs to the end. Parsing copies and never trusts the input: a payload
 * that does not fit is rejected, never a crash.
 */
#pragma once

#include <glib.h>

#define GROUP_MSG_MAX_FIELDS 24

typedef struct {
  char       *buf;                              /* owned copy, split in place */
  const char *keys[GROUP_MSG_MAX_FIELDS];
  const char *values[GROUP_MSG_MAX_FIELDS];
  guint       n;
} GroupMsg;

/* FALSE (msg left empty) unless payload[0..len) is a sequence of key=value
 * tokens with a `from=` naming a node. */
gboolean    group_msg_parse      (const char *payload, gsize len, GroupMsg *msg);
void        group_msg_clear      (GroupMsg *msg);

/* NULL if absent. */
const char *group_msg_get        (const GroupMsg *msg, const char *key);
/* `fallback` if absent or not a whole number. */
guint64     group_msg_get_u64    (const GroupMsg *msg, const char *key, guint64 fallback);

/* Appends " key=value" (value must hold no space; it is not checked twice). */
void        group_msg_add        (GString *payload, const char *key, const char *value);
void        group_msg_add_u64    (GString *payload, const char *key, guint64 value);

/* A valid node name: a letter, then letters, digits or '-', at most 32. */
gboolean    group_msg_valid_name (const char *name);

/* Copies the sender's name out of a raw payload without a full parse (for
 * node-net's isolation check); FALSE if there is no valid `from=`. */
gboolean    group_msg_sender     (const char *payload, gsize len, char *name, gsize size);
