/* conclave-report-private.h — between the channel (conclave-report.c) and
 * the typed event writers (conclave-report-events.c). Not for callers.
 */
#pragma once

#include "conclave-json.h"

#include <stdint.h>

/* Takes the reporter's lock and hands out the (static) field buffer; 0
 * when nobody listens or this thread is already inside (a signal handler):
 * then the writer does nothing and must not call _creport_end. */
int  _creport_begin (CJsonBuf *fields);
/* Sends `{"ev":EV,"seq":N,"t":T,FIELDS}` (t 0 = now), or drops it whole if
 * the fields did not fit, and releases the lock. */
void _creport_end   (const char *ev, int64_t t, CJsonBuf *fields);
