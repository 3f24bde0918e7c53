/* conclave-protocol.h — names shared by every end of the control channel.
 *
 * Included by libconclave-core, conclave-node, conclave-run and
 * libconclave-trace.so. Plain C, no GLib: this header must never grow code
 * or a dependency. Every event and command name is defined here once; no
 * other file spells one as a string literal. The protocol itself is
 * described in PROTOCOL.md beside this file.
 */
#pragma once

#define CONCLAVE_PROTOCOL_VERSION 1

#define CONCLAVE_ENV_CONTROL "CONCLAVE_CONTROL"
#define CONCLAVE_ENV_NODE    "CONCLAVE_NODE"
#define CONCLAVE_ENV_TEMPO   "CONCLAVE_TEMPO"
/* "lan" when every node is its own host (--network lan): the shim then
 * reports but rewrites no address. */
#define CONCLAVE_ENV_NETWORK "CONCLAVE_NETWORK"
/* Where chapter 4 servers keep their term, vote and log across a restart. */
#define CONCLAVE_ENV_STATE_DIR "CONCLAVE_STATE_DIR"
/* The key chapter 4's group datagrams are authenticated with (random per
 * cluster); see PROTOCOL.md, "Data plane". */
#define CONCLAVE_ENV_GROUP_KEY "CONCLAVE_GROUP_KEY"
/* "1": step mode from the first message on (as the `hold` command). */
#define CONCLAVE_ENV_HOLD "CONCLAVE_HOLD"

/* Longest control line, newline included. */
#define CONCLAVE_MAX_LINE 65536

/* Longest payload preview, in bytes. */
#define CONCLAVE_PREVIEW_MAX 64

/* Where chapter 4 servers listen for announcements on the group port:
 * loopback broadcast, or a multicast group joined on 127.0.0.1 only. */
#define CONCLAVE_GROUP_BROADCAST "127.255.255.255"
#define CONCLAVE_GROUP_MULTICAST "239.255.10.4"

/* Prefix of every datagram conclave-node sends: "CNV1 <pid>:<n> <lc> <kind> <payload>" */
#define CONCLAVE_WIRE_MAGIC "CNV1"

/* Event names (`ev`), reported by processes. */
#define CONCLAVE_EV_HELLO    "hello"
#define CONCLAVE_EV_SOCKET   "socket"
#define CONCLAVE_EV_SEND     "send"
#define CONCLAVE_EV_RECV     "recv"
#define CONCLAVE_EV_DROP     "drop"
#define CONCLAVE_EV_FORK     "fork"
#define CONCLAVE_EV_REAP     "reap"
#define CONCLAVE_EV_EXIT     "exit"
#define CONCLAVE_EV_STATE    "state"
#define CONCLAVE_EV_DELIVER  "deliver"
#define CONCLAVE_EV_ACKED    "acked"
#define CONCLAVE_EV_GARBAGE  "garbage"
#define CONCLAVE_EV_REWRITE  "rewrite"
#define CONCLAVE_EV_LOG      "log"
#define CONCLAVE_EV_OVERFLOW "overflow"
/* Step mode: a datagram arrived and waits in the receiver's hold queue. */
#define CONCLAVE_EV_HELD     "held"

/* Event names the controller adds to traces. */
#define CONCLAVE_EV_SPAWN     "spawn"
#define CONCLAVE_EV_CRASH     "crash"
#define CONCLAVE_EV_STOP      "stop"
#define CONCLAVE_EV_PAUSE     "pause"
#define CONCLAVE_EV_RESUME    "resume"
#define CONCLAVE_EV_RESTART   "restart"
#define CONCLAVE_EV_REMOVE    "remove"
#define CONCLAVE_EV_EXITED    "exited"
#define CONCLAVE_EV_FAULT     "fault"
#define CONCLAVE_EV_ERROR     "error"
#define CONCLAVE_EV_LOST      "lost"
#define CONCLAVE_EV_VIOLATION "violation"
#define CONCLAVE_EV_OUTPUT    "output"

/* Command names (`cmd`), controller to process. */
#define CONCLAVE_CMD_FAULT "fault"
#define CONCLAVE_CMD_TEMPO "tempo"
#define CONCLAVE_CMD_POST  "post"
/* Step mode: hold arriving messages (`on`), release one held message. */
#define CONCLAVE_CMD_HOLD    "hold"
#define CONCLAVE_CMD_RELEASE "release"
/* The `action` of a release. */
#define CONCLAVE_ACTION_DELIVER   "deliver"
#define CONCLAVE_ACTION_DROP      "drop"
#define CONCLAVE_ACTION_DUPLICATE "duplicate"
#define CONCLAVE_ACTION_LATER     "later"

/* Words some fields take: `dir` and `reason` of a drop, `level` of a log. */
#define CONCLAVE_DIR_SEND          "send"
#define CONCLAVE_DIR_RECV          "recv"
#define CONCLAVE_REASON_FAULT      "fault"
#define CONCLAVE_REASON_ISOLATED   "isolated"
/* drop: the teacher dropped it from the hold queue (step mode) */
#define CONCLAVE_REASON_HELD       "held"
/* lost: why a datagram arrived nowhere */
#define CONCLAVE_REASON_LOST       "lost"
#define CONCLAVE_REASON_UNHEARD    "unheard"
#define CONCLAVE_REASON_NOT_READ   "not-read"
/* output: which of a node's streams printed the line */
#define CONCLAVE_STREAM_STDOUT     "stdout"
#define CONCLAVE_STREAM_STDERR     "stderr"
#define CONCLAVE_LEVEL_INFO        "info"
#define CONCLAVE_LEVEL_WARNING     "warning"
