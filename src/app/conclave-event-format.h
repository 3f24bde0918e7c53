/* conclave-event-format.h — one stored event in words, for the event log,
 * the timeline's tooltips and the search.
 *
 * Reads the event and the store's strings; never keeps anything. Event
 * categories (messages, processes, group, problems, logs) are defined here
 * so the log's filter and its menu agree.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_EVENT_CATEGORY_ALL,
  CONCLAVE_EVENT_CATEGORY_MESSAGES,
  CONCLAVE_EVENT_CATEGORY_PROCESSES,
  CONCLAVE_EVENT_CATEGORY_GROUP,
  CONCLAVE_EVENT_CATEGORY_PROBLEMS,
  CONCLAVE_EVENT_CATEGORY_LOGS,
  CONCLAVE_N_EVENT_CATEGORIES
} ConclaveEventCategory;

const char *conclave_event_category_label (ConclaveEventCategory category);
gboolean    conclave_event_in_category    (const ConclaveEvent  *event,
                                           ConclaveEventCategory category);

/* "send", "receive", "crash" …, translated. */
const char *conclave_event_format_type    (const ConclaveEvent *event);
/* The node an event belongs to ("s1"), NULL if none; pid gets its PID or 0. */
const char *conclave_event_format_node    (ConclaveEventStore  *store,
                                           const ConclaveEvent *event,
                                           gint                *pid);
/* What happened, in one line: "hello 127.0.0.1:40112 → 127.0.0.1:10001 (10 bytes) “Hi server!”". */
char       *conclave_event_format_details (ConclaveEventStore  *store,
                                           const ConclaveEvent *event);
/* Seconds since origin, to the microsecond: "12.345678". */
char       *conclave_event_format_time    (gint64               time_ns,
                                           gint64               origin_ns);
/* "12.3 µs", "191.6 ms", "1.25 s": a duration in the unit that reads best. */
char       *conclave_event_format_duration (gint64             ns);

G_END_DECLS
