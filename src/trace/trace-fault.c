/* trace-fault.c — fault settings, the dice, and reading commands.
 *
 * Settings change rarely and are read on every message: drop and delay are
 * single atomic words, the isolated addresses sit behind a mutex that is
 * only taken while the list is non-empty (and held across fork, so a child
 * never inherits it locked). Each thread has its own random state.
 */
#include "trace-fault.h"

#include "trace-addr.h"
#include "trace-hold.h"
#include "trace-report.h"
#include "conclave-command.h"
#include "conclave-protocol.h"
#include "conclave-report.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How often a busy program looks for commands. */
#define POLL_INTERVAL_NS (10 * 1000 * 1000)

static uint32_t drop_threshold;   /* drop if a 32-bit die is below it; 0 = never */
static int      drop_always;      /* drop == 1.0 */
static unsigned delay_ms;
static int      by_network;       /* the LAN drops and delays datagrams itself */
static int      n_isolated;
static char     isolated[CCOMMAND_MAX_NAMES][TRACE_ADDR_MAX];

_Static_assert (CCOMMAND_NAME_MAX <= TRACE_ADDR_MAX, "an address from a command fits");
static pthread_mutex_t isolated_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static int64_t  next_poll_ns;
static uint32_t dice_generation = 1;

static __thread uint64_t dice_state;
static __thread uint32_t dice_seen;

static void lock_isolated (void) { pthread_mutex_lock (&isolated_lock); }
static void unlock_isolated (void) { pthread_mutex_unlock (&isolated_lock); }

/* Both locks are held across fork, in the order trace_fault_apply takes
 * them, so the child never starts with one locked by a vanished thread. */
static void
prepare_fork (void)
{
  pthread_mutex_lock (&parse_lock);
  lock_isolated ();
}

static void
after_fork (void)
{
  unlock_isolated ();
  pthread_mutex_unlock (&parse_lock);
}

static void
register_atfork (void)
{
  pthread_atfork (prepare_fork, after_fork, after_fork);
}

/* xorshift64*: fast, good enough for "drop 30 % of the messages". */
static uint32_t
roll (void)
{
  uint32_t generation = __atomic_load_n (&dice_generation, __ATOMIC_RELAXED);

  if (dice_seen != generation || dice_state == 0)
    {
      dice_state = ((uint64_t) getpid () << 32) ^ (uint64_t) creport_now_ns ()
                   ^ (uint64_t) (uintptr_t) &dice_state;
      dice_state |= 1;
      dice_seen = generation;
    }
  dice_state ^= dice_state >> 12;
  dice_state ^= dice_state << 25;
  dice_state ^= dice_state >> 27;
  return (uint32_t) ((dice_state * 2685821657736338717ULL) >> 32);
}

void
trace_fault_after_fork (void)
{
  /* Thread-local state was copied: make the child roll its own dice. */
  __atomic_add_fetch (&dice_generation, 1, __ATOMIC_RELAXED);
}

static int
is_isolated (const char *peer)
{
  int found = 0;

  if (__atomic_load_n (&n_isolated, __ATOMIC_RELAXED) == 0 || peer == NULL || *peer == '\0')
    return 0;
  lock_isolated ();
  for (int i = 0; i < n_isolated && !found; i++)
    found = strcmp (isolated[i], peer) == 0;
  unlock_isolated ();
  return found;
}

TraceVerdict
trace_fault_judge (const char *peer, int datagram)
{
  uint32_t threshold = __atomic_load_n (&drop_threshold, __ATOMIC_RELAXED);

  if (is_isolated (peer))
    return TRACE_ISOLATED;
  if (datagram && __atomic_load_n (&by_network, __ATOMIC_RELAXED))
    return TRACE_PASS;
  if (__atomic_load_n (&drop_always, __ATOMIC_RELAXED))
    return TRACE_DROP;
  if (threshold != 0 && roll () < threshold)
    return TRACE_DROP;
  return TRACE_PASS;
}

unsigned
trace_fault_delay_ms (int datagram)
{
  if (datagram && __atomic_load_n (&by_network, __ATOMIC_RELAXED))
    return 0;
  return __atomic_load_n (&delay_ms, __ATOMIC_RELAXED);
}

void
trace_fault_sleep (unsigned ms)
{
  struct timespec left = { ms / 1000, (long) (ms % 1000) * 1000000L };
  int saved = errno;

  while (nanosleep (&left, &left) != 0 && errno == EINTR)
    ;
  errno = saved;
}

static void
set_faults (const CCommand *cmd)
{
  lock_isolated ();
  for (int i = 0; i < cmd->n_addrs; i++)
    memcpy (isolated[i], cmd->addrs[i], CCOMMAND_NAME_MAX);
  __atomic_store_n (&n_isolated, cmd->n_addrs, __ATOMIC_RELAXED);
  unlock_isolated ();
  __atomic_store_n (&drop_always, cmd->drop >= 1.0, __ATOMIC_RELAXED);
  __atomic_store_n (&drop_threshold, (uint32_t) (cmd->drop * 4294967295.0), __ATOMIC_RELAXED);
  __atomic_store_n (&delay_ms, (unsigned) cmd->delay_ms, __ATOMIC_RELAXED);
  __atomic_store_n (&by_network, cmd->by_network, __ATOMIC_RELAXED);
}

int
trace_fault_apply (const char *line, size_t len)
{
  static CCommand cmd;   /* 17 KiB: not on a program's thread stack */
  const char *error = NULL;
  int ok;

  pthread_once (&atfork_once, register_atfork);
  pthread_mutex_lock (&parse_lock);
  ok = ccommand_parse (line, len, &cmd, &error);
  if (!ok)
    trace_report_log (CONCLAVE_LEVEL_WARNING, "ignored a bad command: %s", error);
  else if (cmd.type == CCOMMAND_FAULT)
    {
      set_faults (&cmd);
      /* The program's output must not change: this goes to the controller. */
      trace_report_log (CONCLAVE_LEVEL_INFO, "faults: drop %.2f, delay %u ms, %d isolated%s",
                        cmd.drop, (unsigned) cmd.delay_ms, cmd.n_addrs,
                        cmd.by_network ? "; the LAN drops and delays datagrams" : "");
    }
  else if (cmd.type == CCOMMAND_HOLD || cmd.type == CCOMMAND_RELEASE)
    trace_hold_apply (&cmd);
  pthread_mutex_unlock (&parse_lock);
  return ok;
}

static void
on_command (const char *line, size_t len, void *unused)
{
  trace_fault_apply (line, len);
}

void
trace_fault_poll (void)
{
  int64_t now = creport_now_ns ();

  if (now < __atomic_load_n (&next_poll_ns, __ATOMIC_RELAXED))
    return;
  __atomic_store_n (&next_poll_ns, now + POLL_INTERVAL_NS, __ATOMIC_RELAXED);
  trace_fault_poll_now ();
}

void
trace_fault_poll_now (void)
{
  /* The controller went away: nothing held may wait for it. */
  if (creport_read_commands (on_command, NULL) < 0)
    trace_hold_lift ();
}
