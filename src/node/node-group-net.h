/* node-group-net.h — the sockets of the server group (chapter 4).
 *
 * Every group process has its own UDP socket on 127.0.0.1 (any free port)
 * from which it sends everything, announcements included, so a reply can
 * always go to the source address. Servers also listen on the shared group
 * port: broadcast to 127.255.255.255 (SO_REUSEADDR/SO_REUSEPORT, every
 * server gets every announcement) or multicast 239.255.10.4 joined on
 * 127.0.0.1 only. Nothing here ever sends beyond loopback.
 */
#pragma once

#include <glib.h>
#include <netinet/in.h>

#include "conclave-protocol.h"
#include "node-wire.h"

#define GROUP_DEFAULT_PORT 10002

typedef enum {
  GROUP_DISCOVERY_BROADCAST,
  GROUP_DISCOVERY_MULTICAST,
} GroupDiscovery;

/* "broadcast" or "multicast" (NULL: broadcast); FALSE if neither. */
gboolean group_net_parse_discovery (const char *text, GroupDiscovery *out);
/* Where announcements to the group port go. */
void     group_net_group_addr      (GroupDiscovery discovery, guint16 port, struct sockaddr_in *addr);
/* Our own socket on 127.0.0.1:port (0: any), able to announce. */
int      group_net_open_own        (guint16 port, GroupDiscovery discovery,
                                    struct sockaddr_in *local, GError **error);
/* The shared group port (servers). */
int      group_net_open_group      (guint16 port, GroupDiscovery discovery,
                                    struct sockaddr_in *local, GError **error);
/* node-net's sender function for group messages ("from=NAME …"). */
gboolean group_net_sender          (const NodeWireMsg *msg, char *name, gsize size);

/* The node's name: --name, else $CONCLAVE_NODE, else prefix + pid. */
char    *group_net_node_name       (const char *option, char prefix);
/* The state file of a node, or NULL when there is no state directory
 * (--state-dir, else $CONCLAVE_STATE_DIR). */
char    *group_net_state_path      (const char *option_dir, const char *name, const char *suffix);
