/* conclave-pages.h — big blocks straight from the kernel.
 *
 * The store's chunks, the matcher's message chunks and its delivered table
 * are large, live long and go in the order they came: from malloc's heap
 * they leave holes that smaller allocations pin (4 M events at a 1 M
 * retention held 50 MB of free heap). Mapped pages go back to the kernel
 * the moment they are freed. Never for small or short-lived things.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Zero-filled, page-aligned; aborts when the kernel has no memory, as
 * g_malloc does. */
gpointer conclave_pages_alloc (gsize size);
void     conclave_pages_free  (gpointer pages, gsize size);
/* Once per process, before the first cluster: what malloc does with the
 * other big blocks (batches of parsed lines, growing arrays). glibc raises
 * its mmap threshold to the size of every big block freed, up to 32 MB,
 * and from then on grows and frees such blocks inside its heaps, whose
 * holes it keeps: a fixed threshold keeps them mapped, and so given back. */
void     conclave_pages_set_malloc_policy (void);

G_END_DECLS
