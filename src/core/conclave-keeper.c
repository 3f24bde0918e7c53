/* conclave-keeper.c — see the header. */
#include "config.h"

#include "conclave-keeper.h"
#include "conclave-proc.h"
#include "conclave-protocol.h"
#include "conclave-supervisor.h"
#include "conclave-tagged.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* In each controller's runtime directory: "PID START-TIME PID-NAMESPACE"
 * of the controller, so the next one can tell it is gone. */
#define OWNER_FILE "controller"
#define SOCKET_NAME "control.sock"   /* conclave-control-server.c's */
#define MAX_TAGGED 4096
#define KILL_ROUNDS 20

struct _ConclaveKeeper {
  char        *control;
  GSubprocess *process;
};

/* "pid:[4026531836]": a pid means something only in its own namespace. */
static char *
pid_namespace (void)
{
  return g_file_read_link ("/proc/self/ns/pid", NULL) ?: g_strdup ("?");
}

static void
write_owner (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, OWNER_FILE, NULL);
  g_autofree char *ns = pid_namespace ();
  g_autofree char *text = NULL;
  ConclaveProcStat me;

  if (!conclave_proc_stat_read (getpid (), &me))
    return;
  text = g_strdup_printf ("%d %" G_GUINT64_FORMAT " %s\n", me.pid, me.start_time, ns);
  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL);
}

/* Dead only when it says who it was, in our pid namespace, and that
 * process is gone. Without the file (an older Conclave, or one starting
 * right now) or from another namespace (a sandbox) we cannot tell: alive. */
static gboolean
owner_alive (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, OWNER_FILE, NULL);
  g_autofree char *ns = pid_namespace ();
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  ConclaveProcStat st;
  guint64 pid, start;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return TRUE;
  fields = g_strsplit (g_strstrip (text), " ", 3);
  if (g_strv_length (fields) != 3 || strcmp (fields[2], ns) != 0
      || !g_ascii_string_to_unsigned (fields[0], 10, 1, G_MAXINT, &pid, NULL)
      || !g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXUINT64, &start, NULL))
    return TRUE;
  return conclave_proc_stat_read ((gint) pid, &st) && st.start_time == start;
}

/* SIGKILL to the tagged processes, until none is left or the rounds are
 * up; our own children among them are reaped (a detached one comes back
 * to us, the subreaper), except `spare`, whose status is GSubprocess's. */
static guint
kill_tagged (const char *control, const char *node, gint spare)
{
  g_autofree int *pids = g_new (int, MAX_TAGGED);
  guint killed = 0;

  for (guint round = 0; round < KILL_ROUNDS; round++)
    {
      g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (gint));
      int n = ctagged_list (control, node, pids, MAX_TAGGED);

      if (n == 0)
        break;
      for (int i = 0; i < n; i++)
        if (kill (pids[i], SIGKILL) == 0)
          g_array_append_val (ended, pids[i]), killed++;
      conclave_proc_wait_ended (ended, g_get_monotonic_time () + G_USEC_PER_SEC / 2);
      for (guint i = 0; i < ended->len; i++)
        {
          gint pid = g_array_index (ended, gint, i);
          ConclaveProcStat st;

          if (pid != spare && conclave_proc_stat_read (pid, &st) && st.ppid == getpid () && st.state == 'Z')
            waitpid (pid, NULL, WNOHANG);
        }
    }
  return killed;
}

guint
conclave_keeper_clean_stale (const char *runtime_dir)
{
  g_autoptr(GDir) dir = g_dir_open (runtime_dir, 0, NULL);
  const char *name;
  guint removed = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (runtime_dir, name, NULL);
      g_autofree char *control = g_build_filename (path, SOCKET_NAME, NULL);
      GStatBuf buf;

      if (!g_str_has_prefix (name, "conclave-") || strlen (name) != strlen ("conclave-XXXXXX")
          || g_lstat (path, &buf) != 0 || !S_ISDIR (buf.st_mode) || buf.st_uid != getuid ()
          || owner_alive (path))
        continue;
      kill_tagged (control, NULL, 0);
      removed += ctagged_remove_dir (path) == 0;
    }
  return removed;
}

static GSubprocess *
spawn_keeper (const char *control)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autofree char *program = conclave_find_program ("conclave-keeper");
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  /* Untagged itself, or it would kill itself first. */
  g_subprocess_launcher_unsetenv (launcher, CONCLAVE_ENV_CONTROL);
  g_subprocess_launcher_unsetenv (launcher, CONCLAVE_ENV_NODE);
  process = g_subprocess_launcher_spawn (launcher, &error, program, control, NULL);
  if (process == NULL)
    g_warning ("No keeper (%s): what a node detaches may outlive a killed controller", error->message);
  return process;
}

ConclaveKeeper *
conclave_keeper_new (const char *control_path)
{
  ConclaveKeeper *self;
  g_autofree char *dir = NULL;
  g_autofree char *runtime_dir = NULL;

  g_return_val_if_fail (control_path != NULL, NULL);

  self = g_new0 (ConclaveKeeper, 1);
  self->control = g_strdup (control_path);
  dir = g_path_get_dirname (control_path);
  runtime_dir = g_path_get_dirname (dir);
  write_owner (dir);
  conclave_keeper_clean_stale (runtime_dir);
  self->process = spawn_keeper (control_path);
  return self;
}

void
conclave_keeper_free (ConclaveKeeper *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL)
    g_output_stream_close (g_subprocess_get_stdin_pipe (self->process), NULL, NULL);
  g_clear_object (&self->process);
  g_free (self->control);
  g_free (self);
}

guint
conclave_keeper_kill_node (ConclaveKeeper *self, const char *node, gint spare)
{
  g_return_val_if_fail (self != NULL && node != NULL, 0);
  return kill_tagged (self->control, node, spare);
}
