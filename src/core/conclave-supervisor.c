/* conclave-supervisor.c — starts the node processes and signals them.
 *
 * One GSubprocess per node, each in its own process group (so a crash takes
 * the node's forked children with it), with PR_SET_PDEATHSIG set in the
 * child and a subreaper on us, so that nothing it started outlives the
 * controller. stdout/stderr are read line by line, asynchronously.
 * It must never use a shell, block the main loop (except the bounded wait of
 * kill_all, which runs no other source), iterate a main loop, or signal a
 * process group it cannot prove is still ours.
 */
#include "conclave-supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "conclave-node.h"
#include "conclave-protocol.h"

/* A line longer than this is handed on in pieces: a program that writes
 * megabytes without a newline must not grow us without bound. */
#define MAX_LINE 16384
#define READ_CHUNK 4096
/* After the process exited, how long its pipes may stay open (held by a
 * grandchild that escaped the group) before we stop reading. */
#define DRAIN_GRACE_MS 250
#define KILL_ALL_TIMEOUT_US (2 * G_USEC_PER_SEC)  /* for the processes to end after SIGKILL */
#define SWEEP_INTERVAL_S 1

typedef struct {
  grefcount ref;
  ConclaveSupervisor *self;   /* NULL once the supervisor let go of it */
  char *name;
  GSubprocess *subprocess;
  GCancellable *cancellable;
  gint pid;
  gboolean exited;            /* wait finished: the pid is gone */
  gboolean finished;          /* "exited" emitted */
  gint code;
  gint signum;
  guint open_streams;
  guint grace_id;
} Proc;

typedef struct {
  Proc *proc;
  GInputStream *stream;
  ConclaveOutputStream which;
  GString *line;
} Reader;

/* What the child setup needs, valid in the forked child. */
typedef struct {
  pid_t controller;
  /* Shared with every child we fork: it writes its pid here, because
   * GSubprocess forgets the pid once the process is reaped, and a quick
   * process may be reaped before spawn returns. */
  volatile gint *pid_slot;
} ChildSetup;

struct _ConclaveSupervisor
{
  GObject parent_instance;

  ChildSetup setup;

  char *control_path;
  GMainContext *context;      /* where our async work completes */
  GHashTable *env;            /* extra variables: name → value */
  GHashTable *procs;          /* name → Proc, until "exited" is emitted */
  GHashTable *groups;         /* pgid → pgid: groups we made that may have members */
  guint sweep_id;
};

G_DEFINE_FINAL_TYPE (ConclaveSupervisor, conclave_supervisor, G_TYPE_OBJECT)

enum {
  SIGNAL_SPAWNED,
  SIGNAL_OUTPUT,
  SIGNAL_EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void proc_finish (Proc *proc);

/* --- programs ------------------------------------------------------- */

/* "conclave-node" → "CONCLAVE_NODE_PROGRAM". */
static char *
program_variable (const char *name)
{
  g_autoptr(GString) var = g_string_new ("CONCLAVE_");

  if (g_str_has_prefix (name, "conclave-"))
    name += strlen ("conclave-");
  for (const char *p = name; *p != '\0'; p++)
    g_string_append_c (var, g_ascii_isalnum (*p) ? g_ascii_toupper (*p) : '_');
  g_string_append (var, "_PROGRAM");
  return g_string_free (g_steal_pointer (&var), FALSE);
}

char *
conclave_find_program (const char *name)
{
  g_autofree char *variable = NULL;
  g_autofree char *built = NULL;
  const char *value;

  g_return_val_if_fail (name != NULL, NULL);

  variable = program_variable (name);
  value = g_getenv (variable);
  if (value != NULL && *value != '\0')
    return g_strdup (value);

  built = g_build_filename (BUILD_BINDIR, name, NULL);
  if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);

  return g_build_filename (BINDIR, name, NULL);
}

/* --- orphans ---------------------------------------------------------- */

/* As a subreaper we adopt the orphans of our nodes: children of a node that
 * outlived it. They still carry the node's process group. Kill them if asked,
 * reap the dead ones (nobody else will), forget groups that are empty.
 * Returns how many adopted orphans are still alive; their pids are
 * appended to `alive_pids` if it is not NULL. */
static guint
sweep_orphans (ConclaveSupervisor *self,
               gboolean            kill_them,
               GArray             *alive_pids)
{
  g_autoptr(GArray) list = conclave_proc_list ();
  g_autoptr(GHashTable) populated = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  pid_t me = getpid ();
  guint alive = 0;

  for (guint i = 0; i < list->len; i++)
    {
      const ConclaveProcStat *st = &g_array_index (list, ConclaveProcStat, i);
      gpointer pgrp = GINT_TO_POINTER (st->pgrp);

      if (!g_hash_table_contains (self->groups, pgrp))
        continue;
      g_hash_table_add (populated, pgrp);
      /* Only our own adopted children: a group leader belongs to its
       * GSubprocess, and a grandchild still has its own parent. */
      if (st->ppid != me || st->pid == st->pgrp)
        continue;
      if (st->state == 'Z')
        {
          waitpid (st->pid, NULL, WNOHANG);
          continue;
        }
      alive++;
      if (alive_pids != NULL)
        g_array_append_val (alive_pids, st->pid);
      /* The group cannot be reused while this member of it lives. */
      if (kill_them)
        kill (-st->pgrp, SIGKILL);
    }

  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (populated, key))
      g_hash_table_iter_remove (&iter);

  return alive;
}

static gboolean
sweep_cb (gpointer data)
{
  ConclaveSupervisor *self = data;

  sweep_orphans (self, FALSE, NULL);
  if (g_hash_table_size (self->groups) > 0)
    return G_SOURCE_CONTINUE;
  self->sweep_id = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_sweep (ConclaveSupervisor *self)
{
  GSource *source;

  if (self->sweep_id != 0)
    return;
  source = g_timeout_source_new_seconds (SWEEP_INTERVAL_S);
  g_source_set_callback (source, sweep_cb, self, NULL);
  g_source_set_static_name (source, "[conclave] orphan sweep");
  self->sweep_id = g_source_attach (source, self->context);
  g_source_unref (source);
}

/* --- one process ------------------------------------------------------ */

static Proc *
proc_ref (Proc *proc)
{
  g_ref_count_inc (&proc->ref);
  return proc;
}

static void
proc_unref (Proc *proc)
{
  if (!g_ref_count_dec (&proc->ref))
    return;
  g_assert (proc->grace_id == 0);
  g_free (proc->name);
  g_clear_object (&proc->subprocess);
  g_clear_object (&proc->cancellable);
  g_free (proc);
}

static void
emit_line (Proc                 *proc,
           ConclaveOutputStream  which,
           const GString        *line)
{
  g_autoptr(ConclaveSupervisor) self = NULL;
  g_autofree char *valid = NULL;

  if (proc->self == NULL)
    return;
  /* A handler may drop the last reference to us. */
  self = g_object_ref (proc->self);
  valid = g_utf8_make_valid (line->str, line->len);
  g_signal_emit (self, signals[SIGNAL_OUTPUT], 0, proc->name, (gint) which, valid);
}

static void
reader_free (Reader *reader)
{
  proc_unref (reader->proc);
  g_object_unref (reader->stream);
  g_string_free (reader->line, TRUE);
  g_free (reader);
}

static void
reader_take (Reader       *reader,
             const guint8 *data,
             gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\n')
        {
          emit_line (reader->proc, reader->which, reader->line);
          g_string_truncate (reader->line, 0);
          continue;
        }
      g_string_append_c (reader->line, (char) data[i]);
      if (reader->line->len >= MAX_LINE)
        {
          emit_line (reader->proc, reader->which, reader->line);
          g_string_truncate (reader->line, 0);
        }
    }
}

static void reader_next (Reader *reader);

static void
reader_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Reader *reader = data;
  Proc *proc = reader->proc;
  g_autoptr(GBytes) bytes = NULL;
  gboolean cancelled;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    {
      gsize len;
      const guint8 *chunk = g_bytes_get_data (bytes, &len);

      reader_take (reader, chunk, len);
      reader_next (reader);
      return;
    }

  /* End of stream, an error or cancelled: what is left is the last line. */
  if (reader->line->len > 0)
    emit_line (proc, reader->which, reader->line);
  cancelled = g_cancellable_is_cancelled (proc->cancellable);
  proc_ref (proc);
  reader_free (reader);
  g_assert (proc->open_streams > 0);
  proc->open_streams--;
  if (proc->open_streams == 0 && proc->exited && !cancelled)
    proc_finish (proc);
  proc_unref (proc);
}

static void
reader_next (Reader *reader)
{
  g_input_stream_read_bytes_async (reader->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   reader->proc->cancellable, reader_cb, reader);
}

static void
reader_start (Proc                 *proc,
              GInputStream         *stream,
              ConclaveOutputStream  which)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->proc = proc_ref (proc);
  reader->stream = g_object_ref (stream);
  reader->which = which;
  reader->line = g_string_new (NULL);
  proc->open_streams++;
  reader_next (reader);
}

/* The process is gone and its output read (or given up on): tell. */
static void
proc_finish (Proc *proc)
{
  g_autoptr(ConclaveSupervisor) self = NULL;

  if (proc->finished)
    return;
  proc->finished = TRUE;
  g_clear_handle_id (&proc->grace_id, g_source_remove);
  g_cancellable_cancel (proc->cancellable);
  if (proc->self == NULL)
    return;

  self = g_object_ref (proc->self);
  proc->self = NULL;
  /* Out of the table first, so a handler may spawn the same name again. */
  g_hash_table_steal (self->procs, proc->name);
  g_signal_emit (self, signals[SIGNAL_EXITED], 0,
                 proc->name, proc->pid, proc->code, proc->signum);
  proc_unref (proc);
}

static gboolean
grace_cb (gpointer data)
{
  Proc *proc = data;

  proc->grace_id = 0;
  proc_finish (proc);
  return G_SOURCE_REMOVE;
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GError) error = NULL;
  Proc *proc = data;
  GSubprocess *subprocess = G_SUBPROCESS (object);

  if (!g_subprocess_wait_finish (subprocess, result, &error))
    {
      /* Only cancelled, by dispose; the child watch still reaps it. */
      proc_unref (proc);
      return;
    }

  proc->exited = TRUE;
  if (g_subprocess_get_if_signaled (subprocess))
    {
      proc->code = -1;
      proc->signum = g_subprocess_get_term_sig (subprocess);
    }
  else
    {
      proc->code = g_subprocess_get_exit_status (subprocess);
      proc->signum = 0;
    }

  if (proc->open_streams == 0)
    proc_finish (proc);
  else
    proc->grace_id = g_timeout_add_full (G_PRIORITY_DEFAULT, DRAIN_GRACE_MS, grace_cb,
                                         proc_ref (proc), (GDestroyNotify) proc_unref);
  proc_unref (proc);
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child_setup (gpointer data)
{
  const ChildSetup *setup = data;

  *setup->pid_slot = getpid ();
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* If we died before the line above, the signal will never come: go now. */
  if (getppid () != setup->controller)
    _exit (127);
}

/* --- public API --------------------------------------------------------- */

ConclaveSupervisor *
conclave_supervisor_new (const char *control_path)
{
  ConclaveSupervisor *self = g_object_new (CONCLAVE_TYPE_SUPERVISOR, NULL);

  self->control_path = g_strdup (control_path);
  return self;
}

void
conclave_supervisor_setenv (ConclaveSupervisor *self,
                            const char         *variable,
                            const char         *value)
{
  g_return_if_fail (CONCLAVE_IS_SUPERVISOR (self));
  g_return_if_fail (variable != NULL);

  if (value == NULL)
    g_hash_table_remove (self->env, variable);
  else
    g_hash_table_insert (self->env, g_strdup (variable), g_strdup (value));
}

static GSubprocessLauncher *
make_launcher (ConclaveSupervisor *self,
               const char         *name,
               const char         *cwd,
               const char * const *env)
{
  GSubprocessLauncher *launcher;
  GHashTableIter iter;
  gpointer key, value;

  /* stdin is a pipe of ours that stays open while the node runs: a chat
   * client calling input() waits for a line instead of reading EOF, and a
   * node in its own group never reads our terminal (SIGTTIN). */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_hash_table_iter_init (&iter, self->env);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_subprocess_launcher_setenv (launcher, key, value, TRUE);
  if (self->control_path != NULL)
    g_subprocess_launcher_setenv (launcher, CONCLAVE_ENV_CONTROL, self->control_path, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, CONCLAVE_ENV_CONTROL);
  g_subprocess_launcher_setenv (launcher, CONCLAVE_ENV_NODE, name, TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);
      if (pair[0] != NULL && pair[1] != NULL)
        g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &self->setup, NULL);
  return launcher;
}

static void
proc_start_io (Proc *proc)
{
  reader_start (proc, g_subprocess_get_stdout_pipe (proc->subprocess), CONCLAVE_OUTPUT_STDOUT);
  reader_start (proc, g_subprocess_get_stderr_pipe (proc->subprocess), CONCLAVE_OUTPUT_STDERR);
  g_subprocess_wait_async (proc->subprocess, proc->cancellable, wait_cb, proc_ref (proc));
}

gint
conclave_supervisor_spawn (ConclaveSupervisor  *self,
                           const char          *name,
                           const char * const  *argv,
                           const char          *cwd,
                           GError             **error)
{
  return conclave_supervisor_spawn_with_env (self, name, argv, cwd, NULL, error);
}

gint
conclave_supervisor_spawn_with_env (ConclaveSupervisor  *self,
                                    const char          *name,
                                    const char * const  *argv,
                                    const char          *cwd,
                                    const char * const  *env,
                                    GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GMainContext) context = NULL;
  Proc *proc;

  g_return_val_if_fail (CONCLAVE_IS_SUPERVISOR (self), 0);
  g_return_val_if_fail (name != NULL, 0);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, 0);
  /* PR_SET_PDEATHSIG fires when the forking *thread* ends, not the process. */
  g_assert (gettid () == getpid ());
  context = g_main_context_ref_thread_default ();
  g_assert (context == self->context);

  proc = g_hash_table_lookup (self->procs, name);
  if (proc != NULL && !proc->exited)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "Node %s is already running (pid %d)", name, proc->pid);
      return 0;
    }
  if (proc != NULL)
    proc_finish (proc);   /* still draining its output: finish it now */

  launcher = make_launcher (self, name, cwd, env);
  *self->setup.pid_slot = 0;
  subprocess = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (subprocess == NULL)
    return 0;
  /* The child wrote it before exec, and spawn waited for the exec. */
  g_assert (*self->setup.pid_slot > 0);

  proc = g_new0 (Proc, 1);
  g_ref_count_init (&proc->ref);
  proc->self = self;
  proc->name = g_strdup (name);
  proc->subprocess = g_steal_pointer (&subprocess);
  proc->cancellable = g_cancellable_new ();
  proc->pid = *self->setup.pid_slot;
  g_hash_table_insert (self->procs, proc->name, proc);
  g_hash_table_add (self->groups, GINT_TO_POINTER (proc->pid));

  proc_start_io (proc);
  ensure_sweep (self);
  g_signal_emit (self, signals[SIGNAL_SPAWNED], 0, name, proc->pid);
  return proc->pid;
}

static Proc *
lookup_running (ConclaveSupervisor *self,
                const char         *name)
{
  Proc *proc = g_hash_table_lookup (self->procs, name);

  return proc != NULL && !proc->exited ? proc : NULL;
}

gboolean
conclave_supervisor_signal (ConclaveSupervisor *self,
                            const char         *name,
                            int                 signum)
{
  Proc *proc;

  g_return_val_if_fail (CONCLAVE_IS_SUPERVISOR (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* Only while the leader is unreaped: then the group id is surely ours. */
  proc = lookup_running (self, name);
  if (proc == NULL)
    return FALSE;
  return kill (-proc->pid, signum) == 0;
}

gboolean
conclave_supervisor_crash (ConclaveSupervisor *self,
                           const char         *name)
{
  return conclave_supervisor_signal (self, name, SIGKILL);
}

gboolean
conclave_supervisor_stop (ConclaveSupervisor *self,
                          const char         *name)
{
  return conclave_supervisor_signal (self, name, SIGTERM);
}

gboolean
conclave_supervisor_pause (ConclaveSupervisor *self,
                           const char         *name)
{
  return conclave_supervisor_signal (self, name, SIGSTOP);
}

gboolean
conclave_supervisor_resume (ConclaveSupervisor *self,
                            const char         *name)
{
  return conclave_supervisor_signal (self, name, SIGCONT);
}

gboolean
conclave_supervisor_write_input (ConclaveSupervisor *self, const char *name, const char *text, GError **error)
{
  Proc *proc = lookup_running (self, name);
  gssize n;

  if (proc == NULL)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not running", name), FALSE;
  /* Never block: a program that does not read gets nothing, not us stuck. */
  n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (g_subprocess_get_stdin_pipe (proc->subprocess)),
                                                  text, strlen (text), NULL, error);
  if (n >= 0 && (gsize) n < strlen (text))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "%s does not read its input", name);
  return n >= 0 && (gsize) n == strlen (text);
}

gboolean
conclave_supervisor_is_running (ConclaveSupervisor *self,
                                const char         *name)
{
  g_return_val_if_fail (CONCLAVE_IS_SUPERVISOR (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return lookup_running (self, name) != NULL;
}

gint
conclave_supervisor_get_pid (ConclaveSupervisor *self,
                             const char         *name)
{
  Proc *proc;

  g_return_val_if_fail (CONCLAVE_IS_SUPERVISOR (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  proc = lookup_running (self, name);
  return proc != NULL ? proc->pid : 0;
}

/* Its exit status, once the pid has ended: GSubprocess reaps it in
 * GLib's worker thread, and its synchronous wait iterates only a private
 * context, so none of our sources run meanwhile. */
static void
proc_take_status (Proc   *proc,
                  gint64  deadline_us)
{
  g_autoptr(GArray) pid = g_array_new (FALSE, FALSE, sizeof (gint));

  g_array_append_val (pid, proc->pid);
  if (proc->exited || !conclave_proc_wait_ended (pid, deadline_us) ||
      !g_subprocess_wait (proc->subprocess, NULL, NULL))
    return;
  proc->exited = TRUE;
  proc->signum = g_subprocess_get_if_signaled (proc->subprocess)
                 ? g_subprocess_get_term_sig (proc->subprocess) : 0;
  proc->code = proc->signum ? -1 : g_subprocess_get_exit_status (proc->subprocess);
}

/* Orphans we adopted, killed until none is left (or time is up). */
static void
kill_orphans (ConclaveSupervisor *self,
              gint64              deadline_us)
{
  g_autoptr(GArray) alive = g_array_new (FALSE, FALSE, sizeof (gint));

  while (sweep_orphans (self, TRUE, alive) > 0 && g_get_monotonic_time () < deadline_us)
    {
      conclave_proc_wait_ended (alive, deadline_us);
      g_array_set_size (alive, 0);
    }
}

void
conclave_supervisor_kill_all (ConclaveSupervisor *self)
{
  g_autoptr(GPtrArray) procs = g_ptr_array_new_with_free_func ((GDestroyNotify) proc_unref);
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint));
  gint64 deadline = g_get_monotonic_time () + KILL_ALL_TIMEOUT_US;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CONCLAVE_IS_SUPERVISOR (self));

  g_object_ref (self);
  g_hash_table_iter_init (&iter, self->procs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Proc *proc = value;

      g_ptr_array_add (procs, proc_ref (proc));
      if (!proc->exited && kill (-proc->pid, SIGKILL) == 0)
        g_array_append_val (pids, proc->pid);
    }
  /* A bounded wait that runs no main loop: nothing else happens meanwhile. */
  conclave_proc_wait_ended (pids, deadline);
  for (guint i = 0; i < procs->len; i++)
    proc_take_status (procs->pdata[i], deadline);
  kill_orphans (self, deadline);
  /* Reported now, whatever output is still in their pipes. */
  for (guint i = 0; i < procs->len; i++)
    if (((Proc *) procs->pdata[i])->exited)
      proc_finish (procs->pdata[i]);
  g_object_unref (self);
}

/* --- GObject ------------------------------------------------------------ */

static void
conclave_supervisor_dispose (GObject *object)
{
  ConclaveSupervisor *self = CONCLAVE_SUPERVISOR (object);
  GHashTableIter iter;
  gpointer value;

  if (g_hash_table_size (self->procs) > 0 || g_hash_table_size (self->groups) > 0)
    conclave_supervisor_kill_all (self);

  /* Whatever did not die in time: stop listening to it. */
  g_hash_table_iter_init (&iter, self->procs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Proc *proc = value;

      proc->self = NULL;
      g_clear_handle_id (&proc->grace_id, g_source_remove);
      g_cancellable_cancel (proc->cancellable);
    }
  g_hash_table_remove_all (self->procs);
  g_clear_handle_id (&self->sweep_id, g_source_remove);

  G_OBJECT_CLASS (conclave_supervisor_parent_class)->dispose (object);
}

static void
conclave_supervisor_finalize (GObject *object)
{
  ConclaveSupervisor *self = CONCLAVE_SUPERVISOR (object);

  g_hash_table_unref (self->procs);
  g_hash_table_unref (self->groups);
  g_hash_table_unref (self->env);
  g_main_context_unref (self->context);
  g_free (self->control_path);
  munmap ((gpointer) self->setup.pid_slot, sizeof (gint));

  G_OBJECT_CLASS (conclave_supervisor_parent_class)->finalize (object);
}

static void
conclave_supervisor_class_init (ConclaveSupervisorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conclave_supervisor_dispose;
  object_class->finalize = conclave_supervisor_finalize;

  signals[SIGNAL_SPAWNED] =
    g_signal_new ("spawned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  signals[SIGNAL_OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);
  signals[SIGNAL_EXITED] =
    g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
}

static void
conclave_supervisor_init (ConclaveSupervisor *self)
{
  static gsize subreaper_once = 0;

  /* Orphans of our nodes come back to us instead of init, so kill_all and
   * the sweep can find them. Process-wide, so once. */
  if (g_once_init_enter (&subreaper_once))
    {
      if (prctl (PR_SET_CHILD_SUBREAPER, 1) != 0)
        g_warning ("Could not become a subreaper: %s", g_strerror (errno));
      g_once_init_leave (&subreaper_once, 1);
    }

  self->setup.controller = getpid ();
  self->setup.pid_slot = mmap (NULL, sizeof (gint), PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (self->setup.pid_slot == MAP_FAILED)
    g_error ("Could not map a page to share with children: %s", g_strerror (errno));
  self->context = g_main_context_ref_thread_default ();
  self->env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->procs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) proc_unref);
  self->groups = g_hash_table_new (NULL, NULL);
}
