/* conclave-pages.c — big blocks straight from the kernel (see the header).
 * Never used for anything freed out of order by other threads' heaps: a
 * block is given back whole, with the size it was asked for. */
#include "conclave-pages.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/mman.h>

gpointer
conclave_pages_alloc (gsize size)
{
  gpointer pages;

  g_assert (size > 0);
  pages = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED)
    g_error ("conclave_pages_alloc: failed to map %" G_GSIZE_FORMAT " bytes: %s", size, g_strerror (errno));
  return pages;
}

void
conclave_pages_free (gpointer pages, gsize size)
{
  if (pages != NULL && munmap (pages, size) != 0)
    g_critical ("conclave_pages_free: %s", g_strerror (errno));
}

void
conclave_pages_set_malloc_policy (void)
{
#ifdef __GLIBC__
  /* Setting it turns the raising off. 1 MiB: a batch of parsed lines
   * (4096 events, 224 KiB) stays in the heap, where the next one reuses
   * its memory without page faults (128 KiB, glibc's default, cost the
   * parser thread 5 %); what is bigger is mapped. */
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
#endif
}
