/* trace-confine.c — broadcast and multicast kept on loopback.
 *
 * Works on copies: the program's own address and option buffers are never
 * written. Multicast options are set with the real setsockopt, so the
 * program's view of its calls does not change.
 */
#include "trace-confine.h"

#include "trace-addr.h"
#include "trace-fd.h"
#include "trace-real.h"
#include "trace-report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define LOOPBACK_BROADCAST 0x7FFFFFFFu  /* 127.255.255.255 */

static unsigned
loopback_index (void)
{
  static unsigned index;

  if (index == 0)
    index = if_nametoindex ("lo");
  return index;
}

static void
tell_once (int fd, TraceFdFlags flag, const char *what, const char *from, const char *to)
{
  if (!trace_fd_test_and_set (fd, flag) && trace_report_active ())
    trace_report_rewrite (what, from, to);
}

static void
ensure_multicast_on_loopback (int fd)
{
  struct in_addr loopback = { htonl (INADDR_LOOPBACK) };
  int on = 1;

  if (trace_fd_test_and_set (fd, TRACE_FD_MCAST_READY))
    return;
  REAL (setsockopt) (fd, IPPROTO_IP, IP_MULTICAST_IF, &loopback, sizeof loopback);
  REAL (setsockopt) (fd, IPPROTO_IP, IP_MULTICAST_LOOP, &on, sizeof on);
  tell_once (fd, TRACE_FD_REWROTE_MCAST_IF, "multicast-if", "default", "127.0.0.1");
}

/* SO_BROADCAST: the program means x.y.z.255 as its subnet's broadcast. */
static int
wants_broadcast (int fd)
{
  int on = 0;
  socklen_t len = sizeof on;

  return getsockopt (fd, SOL_SOCKET, SO_BROADCAST, &on, &len) == 0 && on;
}

/* A copy of `to` (IPv4 or v4-mapped) with the address replaced. */
static void
with_v4_address (TraceSockaddr *storage, const struct sockaddr *to, socklen_t len, in_addr_t addr_be)
{
  memcpy (&storage->ss, to, len < sizeof storage->ss ? len : sizeof storage->ss);
  if (to->sa_family == AF_INET)
    ((struct sockaddr_in *) &storage->ss)->sin_addr.s_addr = addr_be;
  else
    memcpy (&((struct sockaddr_in6 *) &storage->ss)->sin6_addr.s6_addr[12], &addr_be, 4);
}

const struct sockaddr *
trace_confine_bind (int fd, const struct sockaddr *addr, socklen_t len, TraceSockaddr *storage)
{
  struct sockaddr_in v4;
  char from_text[TRACE_ADDR_MAX];
  int saved = errno;

  if (trace_addr_on_lan () || !trace_addr_ipv4 (addr, len, &v4) || !trace_addr_looks_broadcast (v4.sin_addr.s_addr))
    {
      errno = saved;
      return addr;
    }
  with_v4_address (storage, addr, len, htonl (INADDR_ANY));
  /* ::ffff:0.0.0.0 is no wildcard: an IPv6 socket binds :: instead. */
  if (addr->sa_family == AF_INET6)
    ((struct sockaddr_in6 *) &storage->ss)->sin6_addr = in6addr_any;
  trace_addr_format (addr, len, from_text);
  tell_once (fd, TRACE_FD_REWROTE_BIND, "bind-broadcast", from_text, "0.0.0.0");
  errno = saved;
  return &storage->sa;
}

const struct sockaddr *
trace_confine_dest (int fd, const struct sockaddr *to, socklen_t len, TraceSockaddr *storage)
{
  struct sockaddr_in v4;
  char from_text[TRACE_ADDR_MAX], to_text[TRACE_ADDR_MAX];
  int saved = errno;

  if (trace_addr_on_lan () || !trace_addr_ipv4 (to, len, &v4))
    return to;
  if (trace_addr_is_multicast (v4.sin_addr.s_addr))
    {
      ensure_multicast_on_loopback (fd);
      errno = saved;
      return to;
    }
  if (!trace_addr_is_broadcast (v4.sin_addr.s_addr)
      && !(trace_addr_looks_broadcast (v4.sin_addr.s_addr) && wants_broadcast (fd)))
    {
      errno = saved;
      return to;
    }
  with_v4_address (storage, to, len, htonl (LOOPBACK_BROADCAST));
  trace_addr_format (to, len, from_text);
  trace_addr_format (&storage->sa, len, to_text);
  tell_once (fd, TRACE_FD_REWROTE_BROADCAST, "broadcast", from_text, to_text);
  errno = saved;
  return &storage->sa;
}

static void
tell_join (int fd, struct in_addr group, struct in_addr iface)
{
  char g[INET_ADDRSTRLEN], i[INET_ADDRSTRLEN], from[64], to[64];

  inet_ntop (AF_INET, &group, g, sizeof g);
  inet_ntop (AF_INET, &iface, i, sizeof i);
  snprintf (from, sizeof from, "%s via %s", g, i);
  snprintf (to, sizeof to, "%s via 127.0.0.1", g);
  tell_once (fd, TRACE_FD_REWROTE_MCAST_JOIN, "multicast-join", from, to);
}

/* ip_mreq, ip_mreqn and ip_mreq_source all start with the group and have
 * the interface address second; only ip_mreqn (for plain joins) has an
 * interface index third (ip_mreq_source, as long, has the source there). */
static const void *
confine_join (int fd, const void *value, socklen_t len, int may_have_index, void *storage)
{
  struct in_addr group, iface, loopback = { htonl (INADDR_LOOPBACK) };
  int has_index = may_have_index && len >= sizeof (struct ip_mreqn);
  int index = 0;

  if (len < sizeof (struct ip_mreq) || len > 64)
    return value;
  memcpy (&group, value, sizeof group);
  memcpy (&iface, (const char *) value + sizeof group, sizeof iface);
  if (has_index)
    memcpy (&index, (const char *) value + offsetof (struct ip_mreqn, imr_ifindex), sizeof index);
  if (iface.s_addr == loopback.s_addr && index == 0)
    return value;
  memcpy (storage, value, len);
  memcpy ((char *) storage + sizeof group, &loopback, sizeof loopback);
  if (has_index)
    ((struct ip_mreqn *) storage)->imr_ifindex = 0;
  tell_join (fd, group, iface);
  return storage;
}

static const void *
confine_group_req (int fd, const void *value, socklen_t len, void *storage)
{
  const struct group_req *req = value;
  unsigned lo = loopback_index ();

  if (len < sizeof (struct group_req) || req->gr_group.ss_family != AF_INET
      || lo == 0 || req->gr_interface == lo)
    return value;
  memcpy (storage, value, sizeof (struct group_req));
  ((struct group_req *) storage)->gr_interface = lo;
  tell_join (fd, ((const struct sockaddr_in *) &req->gr_group)->sin_addr, (struct in_addr) { 0 });
  return storage;
}

/* in_addr, ip_mreq or ip_mreqn: the address is first in an in_addr and
 * second in the others; the kernel reads all three. */
static const void *
confine_multicast_if (int fd, const void *value, socklen_t len, void *storage)
{
  struct in_addr given, loopback = { htonl (INADDR_LOOPBACK) };
  size_t at = len == sizeof (struct in_addr) ? 0 : sizeof (struct in_addr);
  char from[INET_ADDRSTRLEN];

  if (len != sizeof (struct in_addr) && (len < sizeof (struct ip_mreq) || len > 64))
    return value;
  memcpy (&given, (const char *) value + at, sizeof given);
  if (given.s_addr == loopback.s_addr && len < sizeof (struct ip_mreqn))
    return value;
  memset (storage, 0, len);
  memcpy ((char *) storage + at, &loopback, sizeof loopback);
  inet_ntop (AF_INET, &given, from, sizeof from);
  trace_fd_test_and_set (fd, TRACE_FD_MCAST_READY);
  tell_once (fd, TRACE_FD_REWROTE_MCAST_IF, "multicast-if", from, "127.0.0.1");
  return storage;
}

const void *
trace_confine_sockopt (int fd, int level, int name, const void *value, socklen_t len, void *storage)
{
  static const int one = 1;

  if (value == NULL || level != IPPROTO_IP || trace_addr_on_lan ())
    return value;
  switch (name)
    {
    case IP_ADD_MEMBERSHIP:
    case IP_DROP_MEMBERSHIP:
      return confine_join (fd, value, len, 1, storage);
    case IP_ADD_SOURCE_MEMBERSHIP:
    case IP_DROP_SOURCE_MEMBERSHIP:
      return confine_join (fd, value, len, 0, storage);
    case MCAST_JOIN_GROUP:
    case MCAST_LEAVE_GROUP:
      return confine_group_req (fd, value, len, storage);
    case IP_MULTICAST_IF:
      return confine_multicast_if (fd, value, len, storage);
    case IP_MULTICAST_LOOP:
      if ((len == sizeof (int) && *(const int *) value == 0)
          || (len == 1 && *(const unsigned char *) value == 0))
        {
          tell_once (fd, TRACE_FD_REWROTE_MCAST_LOOP, "multicast-loop", "off", "on");
          memcpy (storage, &one, sizeof one);
          return len == 1 ? (const void *) "\1" : storage;
        }
      return value;
    default:
      return value;
    }
}
