/* conclave-roles.h — what the window knows about conclave-node's roles:
 * server or client, which role talks to it, and its name for people.
 *
 * A table, no logic about processes. Unknown roles (a traced program) are
 * shown by their own name.
 */
#pragma once

#include "conclave-node.h"

G_BEGIN_DECLS

gboolean    conclave_role_is_known   (const char *role);
gboolean    conclave_role_is_server  (const char *role);
/* The role that talks to `role` (udp-server ↔ udp-client); NULL if unknown. */
const char *conclave_role_partner    (const char *role);
/* "UDP server", translated; the role itself when unknown. */
const char *conclave_role_label      (const char *role);
/* What a node is, for its labels: "UDP server", or the script a traced
 * program runs ("udp_server.py"). */
char       *conclave_role_describe_node (ConclaveNode *node);

G_END_DECLS
