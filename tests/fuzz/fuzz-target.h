/* fuzz-target.h — the one entry point every fuzz target defines.
 *
 * Built with clang and -fsanitize=fuzzer it is libFuzzer's; built with gcc
 * it is called by fuzz-replay.c once per corpus file. A target checks its
 * own truths with g_assert or g_error: it must never return quietly from a
 * state its parser should never reach.
 */
#pragma once

#include <glib.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inline void
fuzz_trap_to_abort (int sig)
{
  abort ();
}

/* Once per process: a critical is a programming error, so it aborts like
 * an assertion (a warning about bad input is not, and goes on). g_error()
 * stops with SIGTRAP, which libFuzzer does not catch: it aborts instead,
 * so the input is kept. */
static inline void
fuzz_setup (void)
{
  static gboolean done;

  if (!done)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK);
      signal (SIGTRAP, fuzz_trap_to_abort);
    }
  done = TRUE;
}
