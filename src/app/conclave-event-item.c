/* conclave-event-item.c — a row object for the event log (see the header).
 * Holds a copy of the record, so the row stays readable even if retention
 * drops the original while it is on screen.
 */
#include "conclave-event-item.h"

struct _ConclaveEventItem
{
  GObject             parent_instance;
  ConclaveEventStore *store;
  guint64             index;
  ConclaveEvent       event;
};

G_DEFINE_FINAL_TYPE (ConclaveEventItem, conclave_event_item, G_TYPE_OBJECT)

static gint n_alive;

static void
conclave_event_item_dispose (GObject *object)
{
  g_clear_object (&CONCLAVE_EVENT_ITEM (object)->store);
  G_OBJECT_CLASS (conclave_event_item_parent_class)->dispose (object);
}

static void
conclave_event_item_finalize (GObject *object)
{
  g_atomic_int_dec_and_test (&n_alive);
  G_OBJECT_CLASS (conclave_event_item_parent_class)->finalize (object);
}

static void
conclave_event_item_class_init (ConclaveEventItemClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conclave_event_item_dispose;
  G_OBJECT_CLASS (klass)->finalize = conclave_event_item_finalize;
}

static void
conclave_event_item_init (ConclaveEventItem *self)
{
  g_atomic_int_inc (&n_alive);
}

ConclaveEventItem *
conclave_event_item_new (ConclaveEventStore  *store,
                         guint64              index,
                         const ConclaveEvent *event)
{
  ConclaveEventItem *self = g_object_new (CONCLAVE_TYPE_EVENT_ITEM, NULL);

  self->store = g_object_ref (store);
  self->index = index;
  if (event != NULL)
    self->event = *event;
  return self;
}

guint64
conclave_event_item_get_index (ConclaveEventItem *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_ITEM (self), 0);
  return self->index;
}

const ConclaveEvent *
conclave_event_item_get_event (ConclaveEventItem *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_ITEM (self), NULL);
  return &self->event;
}

ConclaveEventStore *
conclave_event_item_get_store (ConclaveEventItem *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_ITEM (self), NULL);
  return self->store;
}

guint
conclave_event_item_get_n_alive (void)
{
  return g_atomic_int_get (&n_alive);
}
