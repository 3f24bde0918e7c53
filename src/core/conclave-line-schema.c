/* conclave-line-schema.c — which fields each event line has, and where
 * each goes in a ConclaveEvent: the one table the parser's both paths and
 * the line writer read. Data only; must stay in step with PROTOCOL.md and
 * the slot table in conclave-event.h.
 */
#include "conclave-line-parser-private.h"

#define END { NULL, 0, 0, FALSE }

static const ConclaveLineField hello_fields[] = {
  { "v", SLOT_LC, K_UINT, TRUE }, { "pid", SLOT_LEN, K_UINT, TRUE },
  { "ppid", SLOT_NUM, K_INT, TRUE }, { "node", SLOT_S1, K_STR, FALSE },
  { "role", SLOT_S0, K_STR, FALSE }, { "program", SLOT_S2, K_STR, FALSE }, END };
static const ConclaveLineField socket_fields[] = {
  { "op", SLOT_S0, K_STR, TRUE }, { "proto", SLOT_PROTO, K_STR, FALSE },
  { "local", SLOT_S1, K_STR, FALSE }, { "peer", SLOT_S2, K_STR, FALSE }, END };
static const ConclaveLineField message_fields[] = {
  { "proto", SLOT_PROTO, K_STR, TRUE }, { "src", SLOT_S1, K_STR, TRUE },
  { "dst", SLOT_S2, K_STR, TRUE }, { "len", SLOT_LEN, K_UINT, TRUE },
  { "kind", SLOT_S0, K_STR, FALSE }, { "preview", SLOT_S3, K_STR, FALSE },
  { "id", SLOT_KEY_ID, K_STR, FALSE }, { "hash", SLOT_KEY_HASH, K_STR, FALSE },
  { "lc", SLOT_LC, K_UINT, FALSE }, { "off", SLOT_OFFSET, K_INT, FALSE },
  { "dir", SLOT_DIR, K_STR, FALSE }, { "reason", SLOT_REASON, K_STR, FALSE }, END };
static const ConclaveLineField lost_fields[] = {
  { "proto", SLOT_PROTO, K_STR, FALSE }, { "src", SLOT_S1, K_STR, FALSE },
  { "dst", SLOT_S2, K_STR, FALSE }, { "kind", SLOT_S0, K_STR, FALSE },
  { "preview", SLOT_S3, K_STR, FALSE }, { "id", SLOT_KEY_ID, K_STR, FALSE },
  { "hash", SLOT_KEY_HASH, K_STR, FALSE }, END };
static const ConclaveLineField fork_fields[] = { { "child", SLOT_NUM, K_INT, TRUE }, END };
static const ConclaveLineField reap_fields[] = {
  { "child", SLOT_NUM, K_INT, TRUE }, { "code", SLOT_LEN, K_UINT, FALSE },
  { "signal", SLOT_LC, K_UINT, FALSE }, END };
static const ConclaveLineField exit_fields[] = { { "code", SLOT_NUM, K_INT, FALSE }, END };
static const ConclaveLineField state_fields[] = {
  { "role", SLOT_S0, K_STR, TRUE }, { "leader", SLOT_S1, K_STR, FALSE },
  { "view", SLOT_S2, K_STRV, FALSE }, { "election", SLOT_S3, K_STR, FALSE },
  { "term", SLOT_NUM, K_INT, FALSE }, END };
static const ConclaveLineField deliver_fields[] = {
  { "seqno", SLOT_NUM, K_INT, TRUE }, { "req", SLOT_S0, K_STR, TRUE },
  { "client", SLOT_S1, K_STR, FALSE }, { "text", SLOT_S3, K_STR, FALSE }, END };
static const ConclaveLineField acked_fields[] = {
  { "req", SLOT_S0, K_STR, TRUE }, { "seqno", SLOT_NUM, K_INT, FALSE }, END };
static const ConclaveLineField garbage_fields[] = {
  { "count", SLOT_NUM, K_INT, TRUE }, { "from", SLOT_S1, K_STR, FALSE }, END };
static const ConclaveLineField rewrite_fields[] = {
  { "what", SLOT_S0, K_STR, FALSE }, { "from", SLOT_S1, K_STR, TRUE },
  { "to", SLOT_S2, K_STR, TRUE }, END };
static const ConclaveLineField log_fields[] = {
  { "text", SLOT_S3, K_STR, TRUE }, { "level", SLOT_LEVEL, K_STR, FALSE }, END };
static const ConclaveLineField overflow_fields[] = { { "dropped", SLOT_NUM, K_INT, TRUE }, END };
static const ConclaveLineField spawn_fields[] = {
  { "node", SLOT_S0, K_STR, TRUE }, { "argv", SLOT_S2, K_STRV, FALSE },
  { "pid", SLOT_LEN, K_UINT, FALSE }, END };
static const ConclaveLineField node_fields[] = { { "node", SLOT_S0, K_STR, TRUE }, END };
static const ConclaveLineField exited_fields[] = {
  { "node", SLOT_S0, K_STR, TRUE }, { "code", SLOT_NUM, K_INT, FALSE },
  { "signal", SLOT_LC, K_UINT, FALSE }, END };
static const ConclaveLineField fault_fields[] = {
  { "node", SLOT_S0, K_STR, TRUE }, { "isolate", SLOT_S1, K_STRV, FALSE },
  { "delay_ms", SLOT_NUM, K_INT, FALSE }, { "drop", SLOT_PERMILLE, K_NUMBER, FALSE }, END };
static const ConclaveLineField error_fields[] = { { "reason", SLOT_S3, K_STR, TRUE }, END };
static const ConclaveLineField violation_fields[] = {
  { "what", SLOT_S0, K_STR, TRUE }, { "text", SLOT_S3, K_STR, FALSE }, END };

const ConclaveLineField *
_conclave_line_fields_for (ConclaveEventType type)
{
  switch (type)
    {
    case CONCLAVE_EVENT_HELLO: return hello_fields;
    case CONCLAVE_EVENT_SOCKET: return socket_fields;
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP: return message_fields;
    case CONCLAVE_EVENT_LOST: return lost_fields;
    case CONCLAVE_EVENT_FORK: return fork_fields;
    case CONCLAVE_EVENT_REAP: return reap_fields;
    case CONCLAVE_EVENT_EXIT: return exit_fields;
    case CONCLAVE_EVENT_STATE: return state_fields;
    case CONCLAVE_EVENT_DELIVER: return deliver_fields;
    case CONCLAVE_EVENT_ACKED: return acked_fields;
    case CONCLAVE_EVENT_GARBAGE: return garbage_fields;
    case CONCLAVE_EVENT_REWRITE: return rewrite_fields;
    case CONCLAVE_EVENT_LOG: return log_fields;
    case CONCLAVE_EVENT_OVERFLOW: return overflow_fields;
    case CONCLAVE_EVENT_SPAWN: return spawn_fields;
    case CONCLAVE_EVENT_CRASH:
    case CONCLAVE_EVENT_STOP:
    case CONCLAVE_EVENT_PAUSE:
    case CONCLAVE_EVENT_RESUME:
    case CONCLAVE_EVENT_RESTART:
    case CONCLAVE_EVENT_REMOVE: return node_fields;
    case CONCLAVE_EVENT_EXITED: return exited_fields;
    case CONCLAVE_EVENT_FAULT: return fault_fields;
    case CONCLAVE_EVENT_ERROR: return error_fields;
    case CONCLAVE_EVENT_VIOLATION: return violation_fields;
    case CONCLAVE_EVENT_NONE:
    case CONCLAVE_EVENT_N_TYPES:
    default: return NULL;
    }
}
