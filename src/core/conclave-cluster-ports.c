/* conclave-cluster-ports.c — which ports a new cluster's nodes use.
 *
 * Part of ConclaveCluster: probes loopback for four free ports in a row
 * (the lecture's 10001 when it can). Never keeps a socket open; another
 * program may still take a port between the probe and the bind.
 */
#include "config.h"

#include "conclave-cluster-private.h"
#include "conclave-protocol.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static gboolean
can_bind (int type, const char *ip, guint port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((guint16) port) };
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);
  gboolean ok;

  inet_pton (AF_INET, ip, &addr.sin_addr);
  ok = fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
  if (fd >= 0)
    close (fd);
  return ok;
}

/* Free on loopback, and not a group port another cluster's servers listen
 * on (they bind the group address, which a bind to 127.0.0.1 misses). */
static gboolean
port_is_free (guint port)
{
  return can_bind (SOCK_DGRAM, "127.0.0.1", port) && can_bind (SOCK_STREAM, "127.0.0.1", port)
         && can_bind (SOCK_DGRAM, CONCLAVE_GROUP_BROADCAST, port)
         && can_bind (SOCK_DGRAM, CONCLAVE_GROUP_MULTICAST, port);
}

/* {port}, {group_port}, {port2} and {port3}: four in a row. */
static gboolean
ports_are_free (guint first)
{
  for (guint i = 0; i < 4; i++)
    if (!port_is_free (first + i))
      return FALSE;
  return TRUE;
}

gboolean
_conclave_cluster_ports_free (guint first)
{
  return ports_are_free (first);
}

/* The lecture's port 10001 when it and the next three are free, else a free run. */
guint
_conclave_cluster_choose_base_port (void)
{
  /* Tests run many clusters side by side: CONCLAVE_PORTS=random keeps
   * them off the lecture's port, where two would both find it free. */
  if (g_strcmp0 (g_getenv ("CONCLAVE_PORTS"), "random") != 0 && ports_are_free (10001))
    return 10001;
  for (guint i = 0; i < 64; i++)
    {
      guint port = 20000 + (guint) g_random_int_range (0, 20000);
      if (ports_are_free (port))
        return port;
    }
  return 10001;
}
