/* trace-fault.h — the controller's faults, applied inside the program.
 *
 * The same `fault` command conclave-node obeys: drop a share of messages,
 * delay them, cut the node off from others (by their addresses, which the
 * controller sends along). Commands are read by piggy-backing on the
 * program's own socket calls, at most every few milliseconds: no thread,
 * nothing ever waits for the controller.
 */
#pragma once

#include <stddef.h>

typedef enum {
  TRACE_PASS = 0,
  TRACE_DROP,       /* the dice said so */
  TRACE_ISOLATED,   /* the peer is cut off */
} TraceVerdict;

/* Reads and applies waiting commands if it is time to look again. */
void         trace_fault_poll  (void);
/* Reads and applies waiting commands now. */
void         trace_fault_poll_now (void);
/* What becomes of one message to or from `peer` ("a.b.c.d:port"); a
 * `datagram` (UDP) meets no dice when the LAN drops them itself
 * (`by_network`, --network lan): isolation still applies. */
TraceVerdict trace_fault_judge (const char *peer, int datagram);
/* The added delay in ms (0: none; none for a datagram the LAN delays). */
unsigned     trace_fault_delay_ms (int datagram);
/* Sleeps ms milliseconds, resuming after signals. */
void         trace_fault_sleep (unsigned ms);
/* Applies one command line (len bytes) now; 0 if it was rejected (and
 * reported). */
int          trace_fault_apply (const char *line, size_t len);
/* Called in a forked child: its own dice. */
void         trace_fault_after_fork (void);
