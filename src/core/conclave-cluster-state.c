/* conclave-cluster-state.c — the nodes' state directory (CONCLAVE_STATE_DIR).
 *
 * Part of ConclaveCluster: where chapter 4's servers keep their logs across
 * a restart, private to one cluster, beside its control socket; emptied
 * when a scenario starts, removed with the cluster. Never reads what the
 * nodes write there.
 */
#include "config.h"

#include "conclave-cluster-private.h"
#include "conclave-protocol.h"

#include <errno.h>
#include <glib/gstdio.h>

const char *
conclave_cluster_get_state_dir (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->state_dir;
}

void
_conclave_cluster_wipe_state (ConclaveCluster *self)
{
  g_autoptr(GDir) dir = self->state_dir ? g_dir_open (self->state_dir, 0, NULL) : NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->state_dir, name, NULL);
      g_unlink (path);
    }
}

/* Beside the control socket, so it shares its private directory. */
void
_conclave_cluster_make_state_dir (ConclaveCluster *self)
{
  g_autofree char *parent = g_path_get_dirname (conclave_control_server_get_path (self->server));

  self->state_dir = g_build_filename (parent, "state", NULL);
  if (g_mkdir (self->state_dir, 0700) < 0)
    {
      g_warning ("Cannot create %s: %s; servers will forget their logs on a restart",
                 self->state_dir, g_strerror (errno));
      g_clear_pointer (&self->state_dir, g_free);
      return;
    }
  conclave_supervisor_setenv (self->supervisor, CONCLAVE_ENV_STATE_DIR, self->state_dir);
}

void
_conclave_cluster_remove_state_dir (ConclaveCluster *self)
{
  if (self->state_dir == NULL)
    return;
  _conclave_cluster_wipe_state (self);
  g_rmdir (self->state_dir);
  g_clear_pointer (&self->state_dir, g_free);
}
