/* trace-command.h — the controller's command lines, read without GLib.
 *
 * A small strict JSON reader for the one shape the shim acts on:
 * {"cmd":"fault","drop":P,"delay_ms":MS,"isolate":[names],
 *  "isolate_addrs":["a.b.c.d:port",…]} (see PROTOCOL.md). Any other
 * command parses but is not acted on. Malformed input is rejected with a
 * reason, whole: nothing is half-applied. Never allocates.
 */
#pragma once

#include "trace-addr.h"

#define TRACE_MAX_ISOLATED 128

typedef struct {
  char   cmd[32];
  double drop;          /* 0 when absent */
  double delay_ms;      /* 0 when absent */
  int    n_addrs;
  char   addrs[TRACE_MAX_ISOLATED][TRACE_ADDR_MAX];
} TraceCommand;

/* 1 on success; 0 with *error set to a static reason. */
int trace_command_parse (const char *line, TraceCommand *cmd, const char **error);
