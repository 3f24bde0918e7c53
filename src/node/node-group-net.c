/* node-group-net.c — the sockets of the server group (chapter 4).
 *
 * Socket options for loopback broadcast and multicast, checked on Debian 12
 * (see TESTING.md), and on Conclave's LAN the host's own address and
 * broadcast. Errors come back as GErrors naming the address; nothing here
 * narrates or exits.
 */
#include "node-group-net.h"

#include "conclave-protocol.h"
#include "node-group-msg.h"
#include "node-net.h"
#include "node-report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Where a LAN program asks its route to lead: no datagram is sent. */
#define ROUTE_PROBE "8.8.8.8"

/* Where this process stands; the loopback values until group_net_init. */
static struct in_addr own_host = { 0 };
static char broadcast[INET_ADDRSTRLEN] = CONCLAVE_GROUP_BROADCAST;

static gboolean
on_lan (void)
{
  return g_strcmp0 (g_getenv (CONCLAVE_ENV_NETWORK), "lan") == 0;
}

/* The source address of the route towards ROUTE_PROBE: a UDP connect. */
static gboolean
learn_own_address (struct in_addr *out, GError **error)
{
  struct sockaddr_in probe = { .sin_family = AF_INET, .sin_port = htons (9) };
  struct sockaddr_in local = { 0 };
  socklen_t len = sizeof local;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  inet_pton (AF_INET, ROUTE_PROBE, &probe.sin_addr);
  ok = fd >= 0 && connect (fd, (struct sockaddr *) &probe, sizeof probe) == 0
       && getsockname (fd, (struct sockaddr *) &local, &len) == 0;
  if (!ok)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "cannot learn my own address (no route towards " ROUTE_PROBE "): %s", g_strerror (errno));
  if (fd >= 0)
    close (fd);
  *out = local.sin_addr;
  return ok;
}

/* The broadcast address of the interface that holds `own`, as text. */
static void
learn_broadcast (struct in_addr own, char out[INET_ADDRSTRLEN])
{
  struct ifaddrs *all = NULL;

  g_strlcpy (out, "255.255.255.255", INET_ADDRSTRLEN);
  if (getifaddrs (&all) < 0)
    return;
  for (struct ifaddrs *i = all; i != NULL; i = i->ifa_next)
    if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_BROADCAST)
        && i->ifa_broadaddr != NULL
        && ((struct sockaddr_in *) i->ifa_addr)->sin_addr.s_addr == own.s_addr)
      inet_ntop (AF_INET, &((struct sockaddr_in *) i->ifa_broadaddr)->sin_addr, out, INET_ADDRSTRLEN);
  freeifaddrs (all);
}

static gboolean
learn_place (GError **error)
{
  own_host.s_addr = htonl (INADDR_LOOPBACK);
  if (!on_lan ())
    return TRUE;
  if (!learn_own_address (&own_host, error))
    return FALSE;
  learn_broadcast (own_host, broadcast);
  return TRUE;
}

struct in_addr
group_net_own_host (void)
{
  return own_host;
}

gboolean
group_net_peer_addr (const char *host, guint16 port, struct sockaddr_in *addr)
{
  node_net_loopback (port, addr);
  return host == NULL || inet_pton (AF_INET, host, &addr->sin_addr) == 1;
}

const char *
group_net_host_text (const struct sockaddr_in *addr, char buf[INET_ADDRSTRLEN])
{
  if (addr->sin_addr.s_addr == htonl (INADDR_LOOPBACK))
    return NULL;
  return inet_ntop (AF_INET, &addr->sin_addr, buf, INET_ADDRSTRLEN);
}

gboolean
group_net_parse_discovery (const char *text, GroupDiscovery *out)
{
  if (text == NULL || strcmp (text, "broadcast") == 0)
    *out = GROUP_DISCOVERY_BROADCAST;
  else if (strcmp (text, "multicast") == 0)
    *out = GROUP_DISCOVERY_MULTICAST;
  else
    return FALSE;
  return TRUE;
}

void
group_net_group_addr (GroupDiscovery discovery, guint16 port, struct sockaddr_in *addr)
{
  memset (addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_port = htons (port);
  inet_pton (AF_INET, discovery == GROUP_DISCOVERY_MULTICAST ? CONCLAVE_GROUP_MULTICAST : broadcast,
             &addr->sin_addr);
}

static gboolean
set_option (int fd, int level, int name, const void *value, socklen_t len,
            const char *what, GError **error)
{
  int saved;

  if (setsockopt (fd, level, name, value, len) == 0)
    return TRUE;
  saved = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot set %s: %s",
               what, g_strerror (saved));
  return FALSE;
}

int
group_net_open_own (guint16 port, GroupDiscovery discovery, struct sockaddr_in *local, GError **error)
{
  int fd = learn_place (error) ? node_net_udp_open_at (own_host, port, local, error) : -1;
  int one = 1;
  unsigned char loop = 1;
  struct in_addr lo = own_host;

  if (fd < 0)
    return -1;
  /* Multicast leaves by lo (on the LAN: our interface) and comes back to
   * us and the other servers (of our host). */
  if (!set_option (fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one, "SO_BROADCAST", error)
      || (discovery == GROUP_DISCOVERY_MULTICAST
          && (!set_option (fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo, "IP_MULTICAST_IF", error)
              || !set_option (fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop,
                              "IP_MULTICAST_LOOP", error))))
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
join (int fd, GError **error)
{
  struct ip_mreq mreq = { 0 };

  inet_pton (AF_INET, CONCLAVE_GROUP_MULTICAST, &mreq.imr_multiaddr);
  /* Joining on INADDR_ANY gets nothing on a lone lo: join on 127.0.0.1
   * (on the LAN: on our own address's interface). */
  mreq.imr_interface = own_host;
  return set_option (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq, "IP_ADD_MEMBERSHIP", error);
}

int
group_net_open_group (guint16 port, GroupDiscovery discovery, struct sockaddr_in *local, GError **error)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  char text[NODE_ADDR_LEN];

  /* Bound to the group address itself, not 0.0.0.0: only announcements
   * reach this socket, and nothing from outside loopback (or the LAN). */
  group_net_group_addr (discovery, port, local);
  node_addr_format (local, text);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create a socket: %s",
                   g_strerror (errno));
      return -1;
    }
  if (!set_option (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one, "SO_REUSEADDR", error)
      || !set_option (fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one, "SO_REUSEPORT", error))
    goto fail;
  if (bind (fd, (struct sockaddr *) local, sizeof *local) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot bind %s: %s",
                   text, g_strerror (saved));
      goto fail;
    }
  if (discovery == GROUP_DISCOVERY_MULTICAST && !join (fd, error))
    goto fail;
  node_report_socket ("bind", "udp", local, NULL);
  return fd;

fail:
  close (fd);
  return -1;
}

gboolean
group_net_sender (const NodeWireMsg *msg, char *name, gsize size)
{
  return group_msg_sender (msg->payload, msg->payload_len, name, size);
}

char *
group_net_node_name (const char *option, char prefix)
{
  const char *env = g_getenv (CONCLAVE_ENV_NODE);

  if (option != NULL)
    return g_strdup (option);
  if (env != NULL && group_msg_valid_name (env))
    return g_strdup (env);
  return g_strdup_printf ("%c%ld", prefix, (long) getpid ());
}

char *
group_net_state_path (const char *option_dir, const char *name, const char *suffix)
{
  const char *dir = option_dir ? option_dir : g_getenv (CONCLAVE_ENV_STATE_DIR);
  g_autofree char *file = NULL;

  if (dir == NULL || *dir == '\0')
    return NULL;
  file = g_strconcat (name, suffix, NULL);
  return g_build_filename (dir, file, NULL);
}
