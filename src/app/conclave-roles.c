/* conclave-roles.c — the table of conclave-node roles (see the header). */
#include "config.h"

#include <glib/gi18n.h>

#include "conclave-roles.h"
#include "conclave-program-name.h"

typedef struct {
  const char *role;
  gboolean    server;
  const char *partner;
  const char *label;
} RoleInfo;

static const RoleInfo roles[] = {
  { "udp-server",    TRUE,  "udp-client",    N_("UDP server") },
  { "tcp-server",    TRUE,  "tcp-client",    N_("TCP server") },
  { "fork-server",   TRUE,  "udp-client",    N_("forking server") },
  { "pool-server",   TRUE,  "square-client", N_("pool server") },
  { "group-server",  TRUE,  "group-client",  N_("group server") },
  { "udp-client",    FALSE, "udp-server",    N_("UDP client") },
  { "tcp-client",    FALSE, "tcp-server",    N_("TCP client") },
  { "square-client", FALSE, "pool-server",   N_("square client") },
  { "group-client",  FALSE, "group-server",  N_("group client") },
};

static const RoleInfo *
lookup (const char *role)
{
  for (guint i = 0; role != NULL && i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (roles[i].role, role))
      return &roles[i];
  return NULL;
}

gboolean
conclave_role_is_known (const char *role)
{
  return lookup (role) != NULL;
}

gboolean
conclave_role_is_server (const char *role)
{
  const RoleInfo *info = lookup (role);

  return info != NULL && info->server;
}

const char *
conclave_role_partner (const char *role)
{
  const RoleInfo *info = lookup (role);

  return info ? info->partner : NULL;
}

const char *
conclave_role_label (const char *role)
{
  const RoleInfo *info = lookup (role);

  return info ? _(info->label) : role;
}

char *
conclave_role_describe_node (ConclaveNode *node)
{
  const char * const *argv = conclave_node_get_argv (node);
  const char *role = conclave_node_get_role (node);

  if (conclave_role_is_known (role) || argv == NULL || argv[0] == NULL)
    return g_strdup (conclave_role_label (role));
  /* A program run under the trace shim: the script, not its interpreter
   * or the wrapper it was started with. */
  return conclave_program_name (argv);
}
