/* conclave-event-list.c — lazy GListModel over the event store (see header).
 *
 * Rows are in causal order (conclave_causal_order), filtered or not: the
 * events are cut into chunks of consecutive store indices, each listed in
 * its own causal order, chunks in store order. Only the newest, open chunk
 * is ordered again as events arrive; it is split once it is long, keeping
 * the newest CHUNK events open, so a send whose line arrives after its
 * receive's (microseconds, a few lines) still goes above it. Filtered, a
 * chunk lists only its matching events, in the causal order of its whole
 * index range (happened-before through events the filter hides counts).
 *
 * Must never create an object per stored event, and never scan the store on
 * the main loop for longer than one time slice: filtering runs in an idle
 * callback that gives the loop back every SLICE_US.
 */
#include "config.h"

#include <string.h>

#include "conclave-causal.h"
#include "conclave-cluster-models.h"
#include "conclave-event-item.h"
#include "conclave-event-list.h"

#define SLICE_US 4000
#define CHUNK    512
#define BULK     65536

/* Chunk k lists the store indices [from_k, from_k+1) (the last: up to end)
 * at the positions from position_k on. */
typedef struct {
  guint64 from;
  guint   position;
} Chunk;

struct _ConclaveEventList
{
  GObject              parent_instance;

  ConclaveEventStore  *store;     /* the cluster's; the list keeps no cluster */
  ConclaveMatcher     *matcher;   /* the cluster's, borrowed (the session keeps an ended cluster until every view is told) */
  guint64              first;     /* the oldest retained event counted */
  guint64              end;       /* one past the newest event counted (filtered: scanned) */
  GArray              *order;     /* guint64 index of each position */
  GArray              *chunks;    /* Chunk, in store order */

  gboolean             filtering;
  char                *node;
  ConclaveEventCategory category;
  char                *search;    /* lower case */
  guint64              target;    /* filtered: the store's end the scan goes to */
  gint64               reorder_us; /* how long ordering the open chunk last took */
  guint                scan_id;
};

enum {
  PROP_0,
  PROP_SCANNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConclaveEventList, conclave_event_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint
n_items (ConclaveEventList *self)
{
  return self->order->len;
}

static GType
get_item_type (GListModel *model)
{
  return CONCLAVE_TYPE_EVENT_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return n_items (CONCLAVE_EVENT_LIST (model));
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  ConclaveEventList *self = CONCLAVE_EVENT_LIST (model);
  guint64 index;

  if (position >= n_items (self))
    return NULL;
  index = g_array_index (self->order, guint64, position);
  return conclave_event_item_new (self->store, index, conclave_event_store_get (self->store, index));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

gboolean
conclave_event_list_matches (ConclaveEventList   *self,
                             const ConclaveEvent *event)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_LIST (self), FALSE);

  if (!conclave_event_in_category (event, self->category))
    return FALSE;
  if (self->node != NULL &&
      g_strcmp0 (conclave_event_format_node (self->store, event, NULL), self->node) != 0)
    return FALSE;
  if (self->search != NULL)
    {
      g_autofree char *details = conclave_event_format_details (self->store, event);

      if (strcasestr (details, self->search) == NULL &&
          strcasestr (conclave_event_format_type (event), self->search) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
set_scanning (ConclaveEventList *self,
              guint              id)
{
  gboolean was = self->scan_id != 0;

  self->scan_id = id;
  if (was != (id != 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

static Chunk *
chunk_at (ConclaveEventList *self,
          guint              k)
{
  return &g_array_index (self->chunks, Chunk, k);
}

/* The last chunk, the open one (made at the first retained event). */
static Chunk *
open_chunk (ConclaveEventList *self)
{
  if (self->chunks->len == 0)
    {
      Chunk chunk = { self->first, 0 };

      g_array_append_val (self->chunks, chunk);
    }
  return chunk_at (self, self->chunks->len - 1);
}

static guint64
chunk_end (ConclaveEventList *self,
           guint              k)
{
  return k + 1 < self->chunks->len ? chunk_at (self, k + 1)->from : self->end;
}

static gint
compare_index (gconstpointer a,
               gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* The first position in the ascending `members` whose index is >= index. */
static guint
lower_bound (GArray  *members,
             guint64  index)
{
  guint lo = 0, hi = members->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (members, guint64, mid) < index)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The causal order of the events [from, to), or NULL where it cannot
 * differ from the order of arrival (filtered, fewer than two match). */
static GArray *
causal_order (ConclaveEventList *self,
              GArray            *members,
              guint64            from,
              guint64            to)
{
  if (from >= to || (members != NULL && lower_bound (members, to) - lower_bound (members, from) < 2))
    return NULL;
  return conclave_causal_order (self->store, self->matcher, from, to);
}

/* Lists the store indices [from, to) at the end of order, as they come in
 * `causal` (NULL: in the order they arrived). members (ascending) are the
 * matching ones when filtered, NULL when every event is listed. */
static void
append_range (ConclaveEventList *self,
              GArray            *members,
              GArray            *causal,
              guint64            from,
              guint64            to)
{
  guint lo, hi;

  if (from >= to)
    return;
  lo = members != NULL ? lower_bound (members, from) : 0;
  hi = members != NULL ? lower_bound (members, to) : 0;
  if (causal == NULL && members == NULL)
    for (guint64 i = from; i < to; i++)
      g_array_append_val (self->order, i);
  else if (causal == NULL)
    g_array_append_vals (self->order, &g_array_index (members, guint64, lo), hi - lo);
  else
    for (guint i = 0; i < causal->len; i++)
      {
        guint64 index = g_array_index (causal, guint64, i);
        guint at = members != NULL ? lower_bound (members, index) : 0;

        if (index >= from && index < to &&
            (members == NULL || (at < hi && g_array_index (members, guint64, at) == index)))
          g_array_append_val (self->order, index);
      }
}

/* Messages received in [from, split) and sent after their receive arrived. */
typedef struct {
  guint64 recv, send;
} Crossing;

typedef struct {
  guint64 from, split;
  GArray *crossings;
} Crossings;

static gboolean
note_crossing (const ConclaveMessage *m,
               guint64                index,
               gpointer               data)
{
  Crossings *c = data;

  if (m->send_index != G_MAXUINT64 && m->recv_index != G_MAXUINT64 &&
      m->recv_index >= c->from && m->recv_index < c->split && m->send_index > m->recv_index)
    g_array_append_val (c->crossings, ((Crossing) { m->recv_index, m->send_index }));
  return TRUE;
}

static gint
later_receive_first (gconstpointer a,
                     gconstpointer b)
{
  guint64 x = ((const Crossing *) a)->recv, y = ((const Crossing *) b)->recv;

  return x > y ? -1 : x < y;
}

/* The split point at or below `split` that no message crosses backwards
 * (received before it, sent at or after it), so the chunk that settles
 * holds no receive whose send is listed in the next chunk, below it. */
static guint64
settle_point (ConclaveEventList *self,
              guint64            from,
              guint64            split)
{
  g_autoptr(GArray) crossings = g_array_new (FALSE, FALSE, sizeof (Crossing));
  Crossings c = { from, split, crossings };
  gint64 lo = G_MAXINT64, hi = G_MININT64;

  for (guint64 i = from; i < self->end; i++)
    {
      const ConclaveEvent *event = conclave_event_store_get (self->store, i);

      if (event != NULL)
        {
          lo = MIN (lo, event->time_ns);
          hi = MAX (hi, event->time_ns);
        }
    }
  if (lo > hi)
    return split;
  conclave_matcher_foreach_in_range (self->matcher, lo,
                                     hi == G_MAXINT64 ? hi : hi + 1, note_crossing, &c);
  g_array_sort (crossings, later_receive_first);
  for (guint i = 0; i < crossings->len; i++)
    {
      const Crossing *crossing = &g_array_index (crossings, Crossing, i);

      if (crossing->recv < split && crossing->send >= split)
        split = crossing->recv;
    }
  return split;
}

/* Orders the last chunk again with what arrived (filtered: the matches
 * scanned since are already at the end of order), splitting it when long:
 * its older part settles, the newest CHUNK events stay open. Returns the
 * first position whose row changed; the caller tells the list's views. */
static guint
reorder_open_chunk (ConclaveEventList *self)
{
  g_autoptr(GArray) old = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) causal = NULL;
  Chunk *open;
  guint position, removed;
  guint64 split;

  open = open_chunk (self);
  position = open->position;
  removed = self->order->len - position;
  old = g_array_sized_new (FALSE, FALSE, sizeof (guint64), removed);
  g_array_append_vals (old, &g_array_index (self->order, guint64, position), removed);
  if (self->filtering)
    {
      members = g_array_copy (old);
      g_array_sort (members, compare_index);
    }
  g_array_set_size (self->order, position);
  split = self->end - open->from > 2 * CHUNK ? self->end - CHUNK : open->from;
  if (split - open->from > BULK)
    {
      /* Catching up with a long stored run at once (a filter cleared):
       * all but its newest events keep the order they arrived in, so the
       * window never stalls ordering them. */
      guint64 bulk_end = split - BULK / 2;
      Chunk chunk = { bulk_end, 0 };

      append_range (self, members, NULL, open->from, bulk_end);
      chunk.position = self->order->len;
      g_array_append_val (self->chunks, chunk);
      open = chunk_at (self, self->chunks->len - 1);
    }
  if (split > open->from)
    split = settle_point (self, open->from, split);
  /* One causal order for both parts: no message crosses the split
   * backwards, so each part keeps a causal order of its own. */
  causal = causal_order (self, members, open->from, self->end);
  append_range (self, members, causal, open->from, split);
  if (split > open->from)
    {
      Chunk chunk = { split, self->order->len };

      g_array_append_val (self->chunks, chunk);
    }
  append_range (self, members, causal, split, self->end);
  /* Rows that kept their place are not touched: a selected row stays so. */
  while (removed > 0 && position < self->order->len &&
         g_array_index (self->order, guint64, position) == g_array_index (old, guint64, old->len - removed))
    {
      position++;
      removed--;
    }
  return position;
}

/* Orders the open chunk (see above), lowering *changed to the first row
 * that moved and noting how long it took. */
static void
timed_reorder (ConclaveEventList *self,
               guint             *changed)
{
  gint64 start = g_get_monotonic_time ();
  guint position = reorder_open_chunk (self);

  *changed = MIN (*changed, position);
  self->reorder_us = g_get_monotonic_time () - start;
}

/* Filtered: matches the events [end, target) in slices of SLICE_US, each
 * open chunk ordered as the scan goes (never longer than 2 CHUNK + 256
 * events, so ordering it is as quick as unfiltered); the slice stops early
 * enough for its last ordering to fit. */
static gboolean
scan_slice (gpointer user_data)
{
  ConclaveEventList *self = user_data;
  gint64 deadline = g_get_monotonic_time () + SLICE_US;
  guint before = self->order->len, changed = before, ordered = before;

  while (self->end < self->target)
    {
      /* Check the clock every few hundred events, not every one. */
      guint64 stop = MIN (self->target, self->end + 256);

      for (; self->end < stop; self->end++)
        {
          const ConclaveEvent *event = conclave_event_store_get (self->store, self->end);

          if (event != NULL && conclave_event_list_matches (self, event))
            g_array_append_val (self->order, self->end);
        }
      if (self->end - open_chunk (self)->from > 2 * CHUNK)
        {
          timed_reorder (self, &changed);
          ordered = self->order->len;
        }
      if (g_get_monotonic_time () + self->reorder_us > deadline)
        break;
    }
  if (self->order->len != ordered)
    timed_reorder (self, &changed);
  if (changed < self->order->len || changed < before)
    g_list_model_items_changed (G_LIST_MODEL (self), changed, before - changed, self->order->len - changed);
  if (self->end < self->target)
    return G_SOURCE_CONTINUE;
  set_scanning (self, 0);
  return G_SOURCE_REMOVE;
}

static void
ensure_scanning (ConclaveEventList *self)
{
  if (self->scan_id == 0 && self->end < self->target)
    set_scanning (self, g_idle_add (scan_slice, self));
}

static void
stop_scanning (ConclaveEventList *self)
{
  if (self->scan_id != 0)
    {
      g_source_remove (self->scan_id);
      set_scanning (self, 0);
    }
}

/* The store forgot events before `first`: whole chunks go from the front;
 * from a chunk cut in two, its forgotten events leave (what stays keeps a
 * causal order). Only the front rows change. */
static void
retire (ConclaveEventList *self,
        guint64            first)
{
  guint removed, cut = 0, kept = 0;
  guint drop = 0;

  self->first = first;
  self->end = MAX (self->end, first);
  while (drop < self->chunks->len && chunk_end (self, drop) <= first)
    drop++;
  removed = drop < self->chunks->len ? chunk_at (self, drop)->position : self->order->len;
  g_array_remove_range (self->order, 0, removed);
  g_array_remove_range (self->chunks, 0, drop);
  if (self->chunks->len > 0 && chunk_at (self, 0)->from < first)
    {
      cut = self->chunks->len > 1 ? chunk_at (self, 1)->position - removed : self->order->len;
      for (guint i = 0; i < cut; i++)
        if (g_array_index (self->order, guint64, i) >= first)
          g_array_index (self->order, guint64, kept++) = g_array_index (self->order, guint64, i);
      g_array_remove_range (self->order, kept, cut - kept);
      chunk_at (self, 0)->from = first;
    }
  for (guint k = 0; k < self->chunks->len; k++)
    chunk_at (self, k)->position = k == 0 ? 0 : chunk_at (self, k)->position - removed - (cut - kept);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed + cut, kept);
}

guint
conclave_event_list_find (ConclaveEventList *self,
                          guint64            index)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_LIST (self), G_MAXUINT);

  for (guint k = self->chunks->len; k > 0; k--)
    if (chunk_at (self, k - 1)->from <= index)
      {
        guint end = k < self->chunks->len ? chunk_at (self, k)->position : self->order->len;

        for (guint i = chunk_at (self, k - 1)->position; i < end; i++)
          if (g_array_index (self->order, guint64, i) == index)
            return i;
        return G_MAXUINT;
      }
  return G_MAXUINT;
}

void
conclave_event_list_sync (ConclaveEventList *self)
{
  guint64 first, end;

  g_return_if_fail (CONCLAVE_IS_EVENT_LIST (self));

  if (self->store == NULL)
    return;
  first = conclave_event_store_get_first (self->store);
  end = conclave_event_store_get_end (self->store);
  if (first > self->first)
    retire (self, first);
  if (self->filtering)
    {
      self->target = end;
      ensure_scanning (self);
    }
  else if (end > self->end)
    {
      guint before = self->order->len, position;

      self->end = end;
      position = reorder_open_chunk (self);
      g_list_model_items_changed (G_LIST_MODEL (self), position, before - position,
                                  self->order->len - position);
    }
}

/* Starts over from the store's oldest event; `removed` is how many rows
 * the list had before the filter or the cluster changed. */
static void
reset (ConclaveEventList *self,
       guint              removed)
{
  stop_scanning (self);
  g_array_set_size (self->order, 0);
  g_array_set_size (self->chunks, 0);
  self->first = self->end = self->target = 0;
  if (self->store != NULL)
    self->first = self->end = self->target = conclave_event_store_get_first (self->store);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  conclave_event_list_sync (self);
}

void
conclave_event_list_set_cluster (ConclaveEventList *self,
                                 ConclaveCluster   *cluster)
{
  guint removed;

  g_return_if_fail (CONCLAVE_IS_EVENT_LIST (self));

  if (self->store == (cluster != NULL ? conclave_cluster_get_store (cluster) : NULL))
    return;
  removed = n_items (self);
  g_clear_object (&self->store);
  self->matcher = NULL;
  if (cluster != NULL)
    {
      self->store = g_object_ref (conclave_cluster_get_store (cluster));
      self->matcher = conclave_cluster_get_matcher (cluster);
    }
  reset (self, removed);
}

void
conclave_event_list_set_filter (ConclaveEventList    *self,
                                const char           *node,
                                ConclaveEventCategory category,
                                const char           *search)
{
  g_autofree char *folded = NULL;
  guint removed;

  g_return_if_fail (CONCLAVE_IS_EVENT_LIST (self));

  if (search != NULL && *search != '\0')
    folded = g_utf8_strdown (search, -1);
  if (g_strcmp0 (node, self->node) == 0 && category == self->category &&
      g_strcmp0 (folded, self->search) == 0)
    return;
  removed = n_items (self);
  g_free (self->node);
  self->node = g_strdup (node);
  self->category = category;
  g_free (self->search);
  self->search = g_steal_pointer (&folded);
  self->filtering = self->node != NULL || category != CONCLAVE_EVENT_CATEGORY_ALL ||
                    self->search != NULL;
  reset (self, removed);
}

gboolean
conclave_event_list_get_scanning (ConclaveEventList *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_LIST (self), FALSE);
  return self->scan_id != 0;
}

static void
conclave_event_list_dispose (GObject *object)
{
  ConclaveEventList *self = CONCLAVE_EVENT_LIST (object);

  stop_scanning (self);
  g_clear_object (&self->store);
  self->matcher = NULL;
  G_OBJECT_CLASS (conclave_event_list_parent_class)->dispose (object);
}

static void
conclave_event_list_finalize (GObject *object)
{
  ConclaveEventList *self = CONCLAVE_EVENT_LIST (object);

  g_array_unref (self->order);
  g_array_unref (self->chunks);
  g_free (self->node);
  g_free (self->search);
  G_OBJECT_CLASS (conclave_event_list_parent_class)->finalize (object);
}

static void
conclave_event_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SCANNING:
      g_value_set_boolean (value, conclave_event_list_get_scanning (CONCLAVE_EVENT_LIST (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_event_list_class_init (ConclaveEventListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conclave_event_list_dispose;
  object_class->finalize = conclave_event_list_finalize;
  object_class->get_property = conclave_event_list_get_property;

  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conclave_event_list_init (ConclaveEventList *self)
{
  self->order = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));
}

ConclaveEventList *
conclave_event_list_new (void)
{
  return g_object_new (CONCLAVE_TYPE_EVENT_LIST, NULL);
}
