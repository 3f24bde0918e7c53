/* trace-addr.c — formatting and classifying socket addresses.
 *
 * Formatting runs on every traced message, so IPv4 is written by hand
 * rather than through inet_ntop and snprintf. The machine's broadcast
 * addresses are looked up once, on the first send that could be one.
 */
#include "trace-addr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "conclave-protocol.h"

#define MAX_BROADCASTS 16

static pthread_once_t broadcasts_once = PTHREAD_ONCE_INIT;
static in_addr_t broadcasts[MAX_BROADCASTS];
static int n_broadcasts;
static in_addr_t locals[MAX_BROADCASTS];
static int n_locals;

static void load_broadcasts (void);

int
trace_addr_on_lan (void)
{
  static int lan = -1;

  if (lan < 0)
    {
      const char *network = getenv (CONCLAVE_ENV_NETWORK);
      lan = network != NULL && strcmp (network, "lan") == 0;
    }
  return lan;
}

/* What 0.0.0.0 is reported as (host order): 127.0.0.1, or on Conclave's
 * LAN the host's own address, where the others reach it. */
static uint32_t
wildcard (void)
{
  static uint32_t own;

  if (!trace_addr_on_lan ())
    return INADDR_LOOPBACK;
  if (own == 0)
    {
      pthread_once (&broadcasts_once, load_broadcasts);
      own = INADDR_LOOPBACK;
      for (int i = 0; i < n_locals && own == INADDR_LOOPBACK; i++)
        if ((ntohl (locals[i]) >> 24) != 127)
          own = ntohl (locals[i]);
    }
  return own;
}

static size_t
put_uint (char *out, unsigned value)
{
  char tmp[12];
  size_t n = 0, i;

  do
    tmp[n++] = (char) ('0' + value % 10);
  while ((value /= 10) != 0);
  for (i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  return n;
}

static size_t
format_v4 (uint32_t addr_be, uint16_t port_be, char *out)
{
  uint32_t a = ntohl (addr_be);
  size_t o = 0;

  if (a == INADDR_ANY)
    a = wildcard ();
  for (int shift = 24; shift >= 0; shift -= 8)
    {
      o += put_uint (out + o, (a >> shift) & 0xFF);
      out[o++] = shift ? '.' : ':';
    }
  o += put_uint (out + o, ntohs (port_be));
  out[o] = '\0';
  return o;
}

static size_t
format_v6 (const struct sockaddr_in6 *sin6, char *out)
{
  struct in6_addr addr = sin6->sin6_addr;
  size_t o;

  if (IN6_IS_ADDR_V4MAPPED (&addr))
    {
      uint32_t v4;
      memcpy (&v4, &addr.s6_addr[12], 4);
      return format_v4 (v4, sin6->sin6_port, out);
    }
  if (IN6_IS_ADDR_UNSPECIFIED (&addr))
    addr = in6addr_loopback;
  out[0] = '[';
  if (inet_ntop (AF_INET6, &addr, out + 1, TRACE_ADDR_MAX - 10) == NULL)
    {
      out[0] = '\0';
      return 0;
    }
  o = strlen (out);
  out[o++] = ']';
  out[o++] = ':';
  o += put_uint (out + o, ntohs (sin6->sin6_port));
  out[o] = '\0';
  return o;
}

size_t
trace_addr_format (const struct sockaddr *sa, socklen_t len, char out[TRACE_ADDR_MAX])
{
  out[0] = '\0';
  if (sa == NULL)
    return 0;
  if (sa->sa_family == AF_INET && len >= sizeof (struct sockaddr_in))
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;
      return format_v4 (sin->sin_addr.s_addr, sin->sin_port, out);
    }
  if (sa->sa_family == AF_INET6 && len >= sizeof (struct sockaddr_in6))
    return format_v6 ((const struct sockaddr_in6 *) sa, out);
  return 0;
}

int
trace_addr_ipv4 (const struct sockaddr *sa, socklen_t len, struct sockaddr_in *v4)
{
  if (sa == NULL)
    return 0;
  if (sa->sa_family == AF_INET && len >= sizeof (struct sockaddr_in))
    {
      memcpy (v4, sa, sizeof *v4);
      return 1;
    }
  if (sa->sa_family == AF_INET6 && len >= sizeof (struct sockaddr_in6))
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;

      if (!IN6_IS_ADDR_V4MAPPED (&sin6->sin6_addr))
        return 0;
      memset (v4, 0, sizeof *v4);
      v4->sin_family = AF_INET;
      v4->sin_port = sin6->sin6_port;
      memcpy (&v4->sin_addr, &sin6->sin6_addr.s6_addr[12], 4);
      return 1;
    }
  return 0;
}

static void
load_broadcasts (void)
{
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return;
  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      if ((ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr != NULL
          && ifa->ifa_broadaddr->sa_family == AF_INET && n_broadcasts < MAX_BROADCASTS)
        broadcasts[n_broadcasts++] = ((const struct sockaddr_in *) ifa->ifa_broadaddr)->sin_addr.s_addr;
      if (ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == AF_INET && n_locals < MAX_BROADCASTS)
        locals[n_locals++] = ((const struct sockaddr_in *) ifa->ifa_addr)->sin_addr.s_addr;
    }
  freeifaddrs (list);
}

int
trace_addr_is_broadcast (in_addr_t addr_be)
{
  uint32_t a = ntohl (addr_be);

  if (a == INADDR_BROADCAST)
    return 1;
  /* Loopback and multicast are never a LAN broadcast: skip the lookup. */
  if ((a >> 24) == 127 || trace_addr_is_multicast (addr_be))
    return 0;
  pthread_once (&broadcasts_once, load_broadcasts);
  for (int i = 0; i < n_broadcasts; i++)
    if (broadcasts[i] == addr_be)
      return 1;
  return 0;
}

static int
is_local (in_addr_t addr_be)
{
  pthread_once (&broadcasts_once, load_broadcasts);
  for (int i = 0; i < n_locals; i++)
    if (locals[i] == addr_be)
      return 1;
  return 0;
}

int
trace_addr_looks_broadcast (in_addr_t addr_be)
{
  uint32_t a = ntohl (addr_be);

  /* 127.255.255.255 is lo's own broadcast: it needs no rewriting. */
  if ((a & 0xFF) != 0xFF || a == 0x7FFFFFFFu || trace_addr_is_multicast (addr_be))
    return 0;
  return trace_addr_is_broadcast (addr_be) || !is_local (addr_be);
}

int
trace_addr_is_multicast (in_addr_t addr_be)
{
  return (ntohl (addr_be) >> 28) == 0xE;
}
