/* fuzz-trace.c — the trace reader, plain or gzip-compressed.
 *
 * Any file loads (damaged lines counted, one problem named when there are
 * any), and what was loaded, saved again with its header, loads back whole:
 * the same number of events and processes, no damaged line, the same
 * header. The input lives in a memfd; the save goes to a private temporary
 * directory that is removed at exit.
 */
#include "fuzz-target.h"

#include "conclave-trace-file.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *save_dir;

static void
remove_save_dir (void)
{
  g_autofree char *path = g_build_filename (save_dir, "again.jsonl", NULL);

  g_unlink (path);
  g_rmdir (save_dir);
}

typedef struct {
  guint64 n_events;
  guint   n_bad;
  guint   n_processes;
  char   *first_problem;
  ConclaveTraceHeader header;
} Loaded;

/* Loads path into a new store; saves that store to save_to unless NULL. */
static void
load (const char *path, Loaded *out, const char *save_to)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveTraceReader) reader = conclave_trace_reader_new (store, path, &error);
  const ConclaveTraceHeader *header;
  ConclaveEvent e;

  if (reader == NULL)
    g_error ("a readable file cannot be opened as a trace: %s", error->message);
  while (conclave_trace_reader_next (reader, &e))
    {
      g_assert_cmpuint (e.proc, <, conclave_event_store_get_n_processes (store));
      conclave_event_store_append (store, &e, 1);
    }
  header = conclave_trace_reader_get_header (reader);
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

  if (save_to != NULL && !conclave_trace_save (store, save_to, &out->header, &error))
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
  g_autofree char *path = NULL;
  g_autofree char *again = NULL;
  Loaded first = { 0 }, second = { 0 };
  int fd;

  fuzz_setup ();
  if (save_dir == NULL)
    {
      save_dir = g_dir_make_tmp ("conclave-fuzz-trace-XXXXXX", NULL);
      g_assert_nonnull (save_dir);
      atexit (remove_save_dir);
    }
  fd = memfd_create ("trace", MFD_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, size), ==, (gssize) size);
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  again = g_build_filename (save_dir, "again.jsonl", NULL);
  g_unlink (again);  /* replacing a file would fsync it, 100 times slower */
  load (path, &first, again);
  close (fd);
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
