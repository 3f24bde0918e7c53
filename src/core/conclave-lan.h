/* conclave-lan.h — `--network lan`: every node its own host on one bridge.
 *
 * Starts conclave-lan (src/lan/) in a new user + network namespace holding
 * the bridge (10.77.0.1/24), asks it for one host per node (network, UTS
 * and mount namespaces with a veth on the bridge, 10.77.0.N, hostname =
 * node name, a hosts file naming every node on /etc/hosts), and wraps a
 * node's argv so that it execs inside its host. Needs no root; everything
 * dies with the controller. Knows nothing of events, fault settings or
 * widgets: it applies what it is told to a host and passes the helper's
 * drop reports on as they are.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONCLAVE_LAN_BRIDGE_ADDRESS "10.77.0.1"
#define CONCLAVE_LAN_BROADCAST      "10.77.0.255"

/* Where a cluster's nodes live. */
typedef enum {
  CONCLAVE_NETWORK_LOOPBACK,   /* all on this machine's 127.0.0.1 (the default) */
  CONCLAVE_NETWORK_LAN,        /* each its own host on a bridge */
} ConclaveNetwork;

/* "loopback" / "lan" ↔ the enum; FALSE for any other word. */
gboolean     conclave_network_from_string (const char *text, ConclaveNetwork *out);
const char  *conclave_network_to_string   (ConclaveNetwork network);

#define CONCLAVE_TYPE_LAN (conclave_lan_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveLan, conclave_lan, CONCLAVE, LAN, GObject)

/* Starts the helper; its hosts file goes into `dir` (private to us, and
 * removed with the LAN). Fails with one sentence giving the kernel's
 * reason where no user namespace can be made (a sandbox, a kernel with
 * them turned off). */
ConclaveLan *conclave_lan_new            (const char *dir, GError **error);
/* A LAN as a recording remembers it (conclave_lan_record_host): hosts
 * and addresses, no helper, no namespace. Nothing can run on it; its
 * segments are numbers only. */
ConclaveLan *conclave_lan_new_recorded   (void);
/* Where `node` ran: on `host` (NULL: its own) at `address`. */
void         conclave_lan_record_host    (ConclaveLan *self, const char *node, const char *host,
                                          const char *address);
/* Puts `node` on host `host` (NULL: a host of its own, named like the
 * node, the default), before it first starts: several nodes may share one
 * host (a lecture's client and server on 127.0.0.1). Every node's name
 * resolves to its host's address. */
void         conclave_lan_set_host       (ConclaveLan *self, const char *node, const char *host);
/* The name of `node`'s host (its own name unless placed). */
const char  *conclave_lan_get_host       (ConclaveLan *self, const char *node);
/* The host of `node`, made on first use and kept across restarts: its
 * address, "10.77.0.2" …; NULL with error if it cannot be made. */
const char  *conclave_lan_add_host       (ConclaveLan *self, const char *node, GError **error);
/* The address of `node`'s host, or NULL if it has none. */
const char  *conclave_lan_get_address    (ConclaveLan *self, const char *node);
/* The host that has `address` ("10.77.0.2", no port), or NULL. */
const char  *conclave_lan_lookup_address (ConclaveLan *self, const char *address);
/* `node` is gone: its name leaves the hosts file and, unless `keep_host`
 * (another node still lives there), its host goes too: the helper kills
 * the host's process, its namespaces and link die with it, its address
 * is no longer looked up (and handed out again only after every other
 * free one). */
void         conclave_lan_remove_node    (ConclaveLan *self, const char *node, gboolean keep_host);
/* argv that runs `argv` inside `node`'s host (made if need be). */
GStrv        conclave_lan_wrap_argv      (ConclaveLan *self, const char *node,
                                          const char * const *argv, GError **error);
/* A real cut: hosts on different segments (bridges) reach nothing of each
 * other; 0 is the one with the bridge address. FALSE with error if there
 * is no host `host` or its link could not move. */
gboolean     conclave_lan_set_segment    (ConclaveLan *self, const char *host, guint segment,
                                          GError **error);
guint        conclave_lan_get_segment    (ConclaveLan *self, const char *host);
/* The names of the hosts made so far, NULL-terminated (g_free the array,
 * not the strings). */
const char **conclave_lan_list_hosts     (ConclaveLan *self);
/* The process holding `node`'s host's namespaces (0 if none) and the helper's. */
GPid         conclave_lan_get_host_pid   (ConclaveLan *self, const char *node);
GPid         conclave_lan_get_helper_pid (ConclaveLan *self);

/* Drop and delay on the links: NULL if the network applies them (each
 * host's datagrams queued in its namespace, see src/lan/lan-faults.c),
 * else the kernel's (or the build's) reason why not; then the shim and
 * conclave-node apply them as on loopback. */
const char  *conclave_lan_get_faults_refused (ConclaveLan *self);
/* The datagrams host `host` sends to and gets from the LAN are dropped
 * with probability `drop` and delayed by `delay_ms` each way (0, 0:
 * untouched, no rule at all). FALSE with error where the network cannot.
 * Each dropped one is told by the signal "drop" (const char *host,
 * gboolean at_receiver, const char *line): `line` a protocol `drop` event
 * line (PROTOCOL.md), `at_receiver` whether it was eaten as it came into
 * `host` (else as it left). */
gboolean     conclave_lan_set_faults     (ConclaveLan *self, const char *host, double drop, guint delay_ms,
                                          GError **error);

/* Path of conclave-lan: $CONCLAVE_LAN_PROGRAM, the build tree, the install dir. */
char        *conclave_find_lan_program   (void);

G_END_DECLS
