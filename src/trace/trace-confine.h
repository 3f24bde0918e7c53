/* trace-confine.h — keeps a program's datagrams on loopback.
 *
 * A datagram to 255.255.255.255 or to a LAN broadcast address goes to
 * 127.255.255.255 instead; multicast is sent with IP_MULTICAST_IF on
 * 127.0.0.1 and IP_MULTICAST_LOOP on, and groups are joined on 127.0.0.1.
 * So a classroom's programs find each other on one machine, even in a
 * sandbox that has only `lo`, and never flood the LAN. Each kind of
 * rewrite is reported once per socket. Applies whether or not a controller
 * is listening: it is a safety rule, not a report.
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

/* Returns the option value to really set: `value` itself, or a rewritten
 * copy in storage (at least 64 bytes). */
const void *trace_confine_sockopt (int fd, int level, int name, const void *value,
                                   socklen_t len, void *storage);
