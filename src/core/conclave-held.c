/* conclave-held.c — see the header. */
#include "conclave-held.h"

struct _ConclaveHeld
{
  GObject  parent_instance;
  guint64  index;
  guint64  key;
  gint64   time_ns;
  gint64   offset;
  guint32  proc;
  guint32  src_address;
  gboolean key_is_hash;
  gboolean stream;
  char    *node;
  char    *kind;
  char    *src;
  char    *dst;
  char    *preview;
  char    *message_id;
};

G_DEFINE_FINAL_TYPE (ConclaveHeld, conclave_held, G_TYPE_OBJECT)

static void
conclave_held_finalize (GObject *object)
{
  ConclaveHeld *self = CONCLAVE_HELD (object);

  g_free (self->node);
  g_free (self->kind);
  g_free (self->src);
  g_free (self->dst);
  g_free (self->preview);
  g_free (self->message_id);
  G_OBJECT_CLASS (conclave_held_parent_class)->finalize (object);
}

static void
conclave_held_class_init (ConclaveHeldClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conclave_held_finalize;
}

static void
conclave_held_init (ConclaveHeld *self)
{
}

ConclaveHeld *
conclave_held_new (ConclaveEventStore *store, const ConclaveEvent *e, guint64 index, const char *node)
{
  ConclaveHeld *self;

  g_return_val_if_fail (e != NULL && e->type == CONCLAVE_EVENT_HELD, NULL);

  self = g_object_new (CONCLAVE_TYPE_HELD, NULL);
  self->index = index;
  self->key = e->key;
  self->time_ns = e->time_ns;
  self->proc = e->proc;
  self->src_address = conclave_event_src (e);
  self->key_is_hash = (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH) != 0;
  self->stream = e->proto == CONCLAVE_PROTO_TCP;
  self->offset = (e->flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET) ? conclave_event_offset (e) : -1;
  self->node = g_strdup (node ? node : "");
  self->kind = g_strdup (conclave_event_store_str (store, conclave_event_kind (e)) ?: "data");
  self->src = g_strdup (conclave_event_store_str (store, conclave_event_src (e)) ?: "");
  self->dst = g_strdup (conclave_event_store_str (store, conclave_event_dst (e)) ?: "");
  self->preview = g_strdup (conclave_event_store_str (store, conclave_event_preview (e)) ?: "");
  if (self->key == 0 && self->offset >= 0)
    self->message_id = g_strdup_printf ("+%" G_GINT64_FORMAT, self->offset);
  else if (self->key_is_hash)
    self->message_id = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", self->key);
  else
    self->message_id = g_strdup_printf ("%u:%u", (guint) (self->key >> 32), (guint) (self->key & 0xffffffffu));
  return self;
}

#define GETTER(type, name, field)                      \
  type                                                 \
  conclave_held_get_##name (ConclaveHeld *self)        \
  {                                                    \
    g_return_val_if_fail (CONCLAVE_IS_HELD (self), 0); \
    return self->field;                                \
  }

GETTER (guint64, index, index)
GETTER (guint32, proc, proc)
GETTER (guint32, src_address, src_address)
GETTER (guint64, key, key)
GETTER (gboolean, key_is_hash, key_is_hash)
GETTER (gint64, time_ns, time_ns)
GETTER (gint64, offset, offset)
GETTER (const char *, node, node)
GETTER (const char *, kind, kind)
GETTER (const char *, src, src)
GETTER (const char *, dst, dst)
GETTER (const char *, preview, preview)
GETTER (const char *, message_id, message_id)

#undef GETTER

gboolean
conclave_held_is_stream (ConclaveHeld *self)
{
  g_return_val_if_fail (CONCLAVE_IS_HELD (self), FALSE);
  return self->stream;
}
