/* fuzz-trace.c — the trace reader, plain or gzip-compressed.
 *
 * Any bytes load (damaged lines counted, one problem named when there are
 * any), and what was loaded, saved again with its header, loads back whole:
 * the same number of events and processes, no damaged line, the same
 * header; a header's text is UTF-8 and its tempo a number above 0 and at most
 * CONCLAVE_MAX_TEMPO, or 0. Both ends are memory streams through the reader's and the
 * saver's own stream entry points, which the file functions use as well:
 * no file is written.
 */
#include "fuzz-target.h"

#include "conclave-scenario.h"
#include "conclave-trace-file.h"

#include <gio/gio.h>

typedef struct {
  guint64 n_events;
  guint   n_bad;
  guint   n_processes;
  char   *first_problem;
  ConclaveTraceHeader header;
} Loaded;

/* Loads in into a new store; saves that store to save_to unless NULL. */
static void
load (GInputStream *in, Loaded *out, GOutputStream *save_to)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveTraceReader) reader = conclave_trace_reader_new_for_stream (store, in, "input", &error);
  const ConclaveTraceHeader *header;
  ConclaveEvent e;

  if (reader == NULL)
    g_error ("bytes in memory cannot be opened as a trace: %s", error->message);
  while (conclave_trace_reader_next (reader, &e))
    {
      g_assert_cmpuint (e.proc, <, conclave_event_store_get_n_processes (store));
      conclave_event_store_append (store, &e, 1);
    }
  header = conclave_trace_reader_get_header (reader);
  /* What a header says reaches the window and the terminal: text, and a
   * tempo that is one (0: none). */
  g_assert_true (header->scenario == NULL || g_utf8_validate (header->scenario, -1, NULL));
  g_assert_true (header->election == NULL || g_utf8_validate (header->election, -1, NULL));
  g_assert_true (header->version == NULL || g_utf8_validate (header->version, -1, NULL));
  g_assert_true (header->tempo >= 0 && header->tempo <= CONCLAVE_MAX_TEMPO);
  out->header.format = header->format;
  out->header.scenario = g_strdup (header->scenario);
  out->header.tempo = header->tempo;
  out->header.election = g_strdup (header->election);
  out->header.version = g_strdup (header->version);
  conclave_trace_reader_finish (reader, &out->n_bad, &out->first_problem);
  out->n_events = conclave_event_store_get_end (store) - conclave_event_store_get_first (store);
  out->n_processes = conclave_event_store_get_n_processes (store);
  if ((out->n_bad > 0) != (out->first_problem != NULL))
    g_error ("%u damaged lines, but the problem is %s", out->n_bad,
             out->first_problem ? out->first_problem : "not named");

  if (save_to != NULL && !conclave_trace_save_to_stream (store, save_to, &out->header, &error))
    g_error ("a loaded trace cannot be saved: %s", error->message);
}

static void
loaded_clear (Loaded *l)
{
  g_free (l->first_problem);
  conclave_trace_header_clear (&l->header);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (data, (gssize) size, NULL);
  g_autoptr(GOutputStream) saved = g_memory_output_stream_new_resizable ();
  g_autoptr(GInputStream) again = NULL;
  Loaded first = { 0 }, second = { 0 };

  fuzz_setup ();
  load (in, &first, saved);
  g_assert_true (g_output_stream_close (saved, NULL, NULL));
  again = g_memory_input_stream_new_from_data (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (saved)),
                                               (gssize) g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (saved)),
                                               NULL);
  load (again, &second, NULL);
  if (second.n_bad != 0)
    g_error ("a saved trace does not load back: %s", second.first_problem);
  g_assert_cmpuint (second.n_events, ==, first.n_events);
  g_assert_cmpuint (second.n_processes, ==, first.n_processes);
  g_assert_cmpstr (second.header.scenario, ==, first.header.scenario);
  g_assert_cmpstr (second.header.election, ==, first.header.election);
  g_assert_true (second.header.tempo == first.header.tempo);
  loaded_clear (&first);
  loaded_clear (&second);
  return 0;
}
