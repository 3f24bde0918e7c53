/* conclave-shiviz.h — a run as a ShiViz log, for comparing with that tool
 * (https://bestchai.bitbucket.io/shiviz/).
 *
 * Two lines per event: what happened, then the process ("s1/4711") and its
 * vector clock as JSON. Clocks come from happened-before of the matched
 * messages: a process's own entry grows by one per event, and a receive
 * (or a drop at the receiver) first merges its send's clock, and a forked
 * child starts from its parent's clock at the fork. Events are
 * written in causal order (conclave-causal.h), so every send is written
 * before its receives. The file's first line is a comment with the
 * regular expression to paste into ShiViz.
 *
 * Reads the store and the matcher; never changes them. GLib only.
 */
#pragma once

#include <gio/gio.h>

#include "conclave-event-store.h"
#include "conclave-matcher.h"

G_BEGIN_DECLS

/* What ShiViz must be told to read the file: comment lines (#) are skipped,
 * then an event's line, then "host {clock}". */
#define CONCLAVE_SHIVIZ_REGEX "(?:#.*\\n)*(?<event>.*)\\n(?<host>\\S*) (?<clock>\\{.*\\})"

/* What ShiViz is shown of a process: its messages, states, deliveries,
 * forks and exits; not its sockets or output, which would only crowd it. */
gboolean conclave_shiviz_is_written (const ConclaveEvent *event);

/* Writes every retained event of a process to path; FALSE with error if
 * the file cannot be written. */
gboolean conclave_shiviz_write (ConclaveEventStore *store,
                                ConclaveMatcher    *matcher,
                                const char         *path,
                                GError            **error);

G_END_DECLS
