/* conclave-command.h — the one reader of the controller's command lines.
 *
 * Used by conclave-node and by the trace shim alike, so it is plain libc:
 * no GLib, no allocation, no locale (numbers are read by hand). It knows
 * every command of PROTOCOL.md ({"cmd":"fault",…}, "tempo", "post",
 * "hold", "release"); an
 * unknown command parses (as CCOMMAND_OTHER) and is for the caller to
 * ignore. Malformed input is rejected whole with a reason: a caller never
 * sees half a command, so nothing is ever half-applied.
 */
#pragma once

#include <stddef.h>

#define CCOMMAND_MAX_NAMES 128
/* Longest node name or "a.b.c.d:port" address, NUL included. */
#define CCOMMAND_NAME_MAX  64
/* Longest `post` text, NUL included. */
#define CCOMMAND_TEXT_MAX  1024

typedef enum {
  CCOMMAND_OTHER,    /* a command this reader does not know: ignore it */
  CCOMMAND_FAULT,
  CCOMMAND_TEMPO,
  CCOMMAND_POST,
  CCOMMAND_HOLD,
  CCOMMAND_RELEASE,
} CCommandType;

typedef enum {
  CCOMMAND_RELEASE_DELIVER = 1,
  CCOMMAND_RELEASE_DROP,
  CCOMMAND_RELEASE_DUPLICATE,
  CCOMMAND_RELEASE_LATER,
} CCommandRelease;

typedef struct {
  CCommandType type;
  char   cmd[32];
  /* fault: absent numbers are 0, absent lists empty */
  double drop;                 /* 0 to 1 */
  double delay_ms;             /* 0 to 600000 */
  int    n_isolate;            /* node names */
  char   isolate[CCOMMAND_MAX_NAMES][CCOMMAND_NAME_MAX];
  int    n_addrs;              /* the same nodes' addresses (for the shim) */
  char   addrs[CCOMMAND_MAX_NAMES][CCOMMAND_NAME_MAX];
  /* the LAN drops and delays this node's datagrams itself: apply drop
   * and delay to TCP only (optional, false when absent) */
  int    has_by_network;
  int    by_network;
  /* tempo: required, above 0 and at most 1000 */
  double scale;
  /* post: optional */
  int    has_text;
  char   text[CCOMMAND_TEXT_MAX];
  /* hold: `on` required (true or false) */
  int    has_on;
  int    on;
  /* release: `action` required, and the held message by `id` or `hash`
   * or `off` (one of them), `src` optional (the sender's address: of two held
   * datagrams with one payload hash, the one from there) */
  CCommandRelease action;
  int    has_id;
  unsigned long id_pid;        /* "PID:N" */
  unsigned long id_n;
  int    has_hash;
  unsigned long long hash;     /* 16 hex digits */
  int    has_off;
  double off;                  /* a TCP chunk's stream offset (trace shim) */
  char   src[CCOMMAND_NAME_MAX];  /* "" if absent */
} CCommand;

/* Reads one line of `len` bytes (it may hold NUL bytes: they reject it).
 * 1 on success; 0 with *error set to a static English reason. `cmd` is big
 * (16 KiB): keep it static, not on a small stack. */
int ccommand_parse (const char *line, size_t len, CCommand *cmd, const char **error);
