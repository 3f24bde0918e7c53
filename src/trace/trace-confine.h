/* trace-confine.h — keeps a program's datagrams on loopback.
 *
 * A datagram to 255.255.255.255, to a LAN broadcast address or (from a
 * socket with SO_BROADCAST) to any x.y.z.255 goes to 127.255.255.255
 * instead, and a bind to such an address binds all addresses; multicast is sent with IP_MULTICAST_IF on
 * 127.0.0.1 and IP_MULTICAST_LOOP on, and groups are joined on 127.0.0.1.
 * So a classroom's programs find each other on one machine, even in a
 * sandbox that has only `lo`, and never flood the LAN. Each kind of
 * rewrite is reported once per socket. Applies whether or not a controller
 * is listening: it is a safety rule, not a report. With
 * CONCLAVE_NETWORK=lan (every node its own host, --network lan) it
 * rewrites nothing.
 */
#pragma once

#include <sys/socket.h>

typedef union {
  struct sockaddr         sa;
  struct sockaddr_storage ss;
} TraceSockaddr;

/* Returns the address to really send to: `to` itself, or a rewritten copy
 * in *storage. Sets up multicast on the socket before its first multicast
 * send. */
const struct sockaddr *trace_confine_dest (int fd, const struct sockaddr *to, socklen_t len,
                                           TraceSockaddr *storage);

/* bind to a broadcast address (255.255.255.255, a subnet's x.y.z.255)
 * binds the port on all addresses instead: the datagrams it waits for
 * arrive at 127.255.255.255 here. */
const struct sockaddr *trace_confine_bind (int fd, const struct sockaddr *addr, socklen_t len,
                                           TraceSockaddr *storage);

/* Returns the option value to really set: `value` itself, or a rewritten
 * copy in storage (at least 64 bytes). */
const void *trace_confine_sockopt (int fd, int level, int name, const void *value,
                                   socklen_t len, void *storage);
