/* conclave-intern.h — strings interned once, named by a 32-bit id.
 *
 * Thread-safe: the parser thread interns, the main thread looks up. Strings
 * are never freed before the interner; a looked-up pointer stays valid for
 * the interner's lifetime. Id 0 is "absent" and looks up as NULL.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ConclaveIntern ConclaveIntern;

ConclaveIntern *conclave_intern_new        (void);
void            conclave_intern_free       (ConclaveIntern *self);
guint32         conclave_intern_add        (ConclaveIntern *self, const char *str);
guint32         conclave_intern_add_len    (ConclaveIntern *self, const char *str, gsize len);
const char     *conclave_intern_lookup     (ConclaveIntern *self, guint32 id);
guint           conclave_intern_count      (ConclaveIntern *self);
gsize           conclave_intern_bytes      (ConclaveIntern *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveIntern, conclave_intern_free)

G_END_DECLS
