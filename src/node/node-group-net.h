/* node-group-net.h — the sockets of the server group (chapter 4).
 *
 * Every group process has its own UDP socket on 127.0.0.1 (any free port)
 * from which it sends everything, announcements included, so a reply can
 * always go to the source address. Servers also listen on the shared group
 * port: broadcast to 127.255.255.255 (SO_REUSEADDR/SO_REUSEPORT, every
 * server gets every announcement) or multicast 239.255.10.4 joined on
 * 127.0.0.1 only.
 *
 * On Conclave's LAN ($CONCLAVE_NETWORK=lan: every node its own host) the
 * same with the host's own address, learned as a LAN program learns it
 * (the source address of the route towards a public address), and its
 * interface's broadcast address (10.77.0.255); multicast joins on that
 * interface. Addresses a message carries name a host only when it is not
 * 127.0.0.1, so loopback messages read as before. Nothing here ever sends
 * beyond loopback, or beyond the LAN's subnet.
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

/* Our own address (127.0.0.1 off the LAN), once group_net_open_own ran. */
struct in_addr group_net_own_host  (void);
/* A peer's address from a message: host (an IPv4 address; NULL: 127.0.0.1)
 * and port. FALSE if host is no address. */
gboolean group_net_peer_addr       (const char *host, guint16 port, struct sockaddr_in *addr);
/* The text of addr's host if a message must carry it (not 127.0.0.1), into
 * buf; else NULL. */
const char *group_net_host_text    (const struct sockaddr_in *addr, char buf[INET_ADDRSTRLEN]);

/* "broadcast" or "multicast" (NULL: broadcast); FALSE if neither. */
gboolean group_net_parse_discovery (const char *text, GroupDiscovery *out);
/* Where announcements to the group port go (after group_net_open_own). */
void     group_net_group_addr      (GroupDiscovery discovery, guint16 port, struct sockaddr_in *addr);
/* Our own socket on our own address, port (0: any), able to announce.
 * Learns that address first (127.0.0.1, or the LAN host's own and its
 * broadcast); fails on a LAN host without a route. */
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
