/* conclave-line-parser.h — one control line into one ConclaveEvent, and back.
 *
 * Two implementations with one contract: the reference built on json-glib,
 * and a fast path for the hot lines (send, recv) that falls back to the
 * reference for anything it is unsure of. A test feeds both the same lines
 * and asserts identical results. Both read one schema
 * (in conclave-line-parser.c), as does the inverse, conclave_event_to_json_line
 * (conclave-line-writer.c). Never touches the store: only the interner.
 */
#pragma once

#include "conclave-event.h"
#include "conclave-intern.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_PARSE_OK = 0,
  CONCLAVE_PARSE_ERROR_NOT_JSON,
  CONCLAVE_PARSE_ERROR_NOT_OBJECT,
  CONCLAVE_PARSE_ERROR_NO_EVENT,
  CONCLAVE_PARSE_ERROR_UNKNOWN_EVENT,
  CONCLAVE_PARSE_ERROR_MISSING_FIELD,
  CONCLAVE_PARSE_ERROR_WRONG_TYPE,
  CONCLAVE_PARSE_ERROR_TOO_LONG,
  CONCLAVE_PARSE_ERROR_INVALID_UTF8,
  CONCLAVE_PARSE_N_RESULTS
} ConclaveParseResult;

typedef struct _ConclaveLineParser ConclaveLineParser;

ConclaveLineParser *conclave_line_parser_new       (ConclaveIntern *intern);
void                conclave_line_parser_free      (ConclaveLineParser *self);

/* line: without the newline, NUL-terminated at line[len]. On error, `reason`
 * (if not NULL) points to a short English explanation naming the field; it
 * lives in this parser's own buffer and is overwritten by its next call
 * (copy it to keep it). Not thread-safe: one parser per thread. */
ConclaveParseResult conclave_line_parser_parse     (ConclaveLineParser *self,
                                                    const char         *line,
                                                    gsize               len,
                                                    ConclaveEvent      *event,
                                                    const char        **reason);
/* The json-glib path alone (the reference; used by tests and the trace reader). */
ConclaveParseResult conclave_line_parser_parse_reference (ConclaveLineParser *self,
                                                          const char         *line,
                                                          gsize               len,
                                                          ConclaveEvent      *event,
                                                          const char        **reason);
/* In trace files a line also names its node and pid; these are filled from
 * the last parsed line (NULL / 0 when absent); the node string belongs to
 * the parser and lasts until its next parse. */
const char         *conclave_line_parser_last_node (ConclaveLineParser *self);
gint                conclave_line_parser_last_pid  (ConclaveLineParser *self);

const char         *conclave_parse_result_to_string (ConclaveParseResult result);

/* Writes an event as one JSON line (with node/pid added, no newline) into
 * `out`: the inverse of parse, used for trace files. */
void                conclave_event_to_json_line    (const ConclaveEvent *event,
                                                    ConclaveIntern      *intern,
                                                    const char          *node,
                                                    gint                 pid,
                                                    GString             *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveLineParser, conclave_line_parser_free)

G_END_DECLS
