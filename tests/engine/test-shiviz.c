/* test-shiviz.c — the ShiViz export's vector clocks against the matcher's
 * pairs, on crafted events whose times disagree with causality: a receive
 * stamped before its send, a receive whose line arrives before its send's,
 * a broadcast heard by two, a drop at the receiver, a chain of three, a
 * forked child. */
#include "matcher-fixture.h"
#include "shiviz-check.h"

#include <glib/gstdio.h>

#define US (G_GINT64_CONSTANT (1000))

static guint32
proc (Fixture *f, gint pid, const char *node)
{
  ConclaveProcessInfo *info = conclave_event_store_find_process (f->store, pid);

  if (info == NULL)
    {
      info = conclave_event_store_add_process (f->store, pid);
      info->node = conclave_intern_add (conclave_event_store_get_intern (f->store), node);
    }
  return info->index;
}

static guint64
add (Fixture *f, ConclaveEventType type, gint pid, gint64 t_us, guint32 id)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  g_autofree char *node = g_strdup_printf ("n%d", pid);
  ConclaveEvent e = {
    .type = type, .proc = proc (f, pid, node), .time_ns = t_us * US, .proto = CONCLAVE_PROTO_UDP,
    .key = ((guint64) 1 << 32) | id,
    .s = { conclave_intern_add (intern, "vote"), conclave_intern_add (intern, "127.0.0.1:1"),
           conclave_intern_add (intern, "127.0.0.1:2") },
  };
  guint64 index = conclave_event_store_get_end (f->store);

  conclave_event_store_append (f->store, &e, 1);
  conclave_matcher_feed (f->matcher, index, index + 1);
  return index;
}

static void
test_clocks_follow_messages (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-shiviz-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.shiviz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) hosts = NULL;
  g_autofree char *host = NULL;
  g_autofree char *text = NULL;
  guint64 c_recv;

  add (f, CONCLAVE_EVENT_SEND, 10, 100, 1);   /* A → B, B's clock behind */
  add (f, CONCLAVE_EVENT_RECV, 20, 90, 1);
  add (f, CONCLAVE_EVENT_SEND, 20, 95, 2);    /* B → A */
  add (f, CONCLAVE_EVENT_RECV, 10, 200, 2);
  add (f, CONCLAVE_EVENT_RECV, 30, 250, 3);   /* C hears D's broadcast before D's line came */
  add (f, CONCLAVE_EVENT_SEND, 40, 240, 3);
  add (f, CONCLAVE_EVENT_RECV, 20, 260, 3);   /* B hears it too */
  add (f, CONCLAVE_EVENT_SEND, 20, 300, 4);   /* B → C: a chain A → B → C */
  c_recv = add (f, CONCLAVE_EVENT_RECV, 30, 310, 4);
  g_assert_true (conclave_shiviz_write (f->store, f->matcher, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (shiviz_check (path, f->store, f->matcher), ==, 5);

  /* Each message names its peer; the broadcast how many heard it. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\nsend vote to n20/20\nn10/10 {"));
  g_assert_nonnull (strstr (text, "\nrecv vote from n10/10\nn20/20 {"));
  g_assert_nonnull (strstr (text, "\nsend vote to n30/30 and 1 more\nn40/40 {"));

  /* C's last receive knows of A's first send through B: transitively. */
  hosts = shiviz_read (path);
  g_assert_cmpint (shiviz_entry (shiviz_clock_of (hosts, f->store, c_recv, &host), "n10/10"), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

/* A datagram the fault layer ate at the receiver: the drop there still
 * happened after the send. */
static void
test_drop_at_receiver (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-shiviz-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.shiviz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) hosts = NULL;
  g_autofree char *host = NULL;
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  ConclaveEvent drop = {
    .type = CONCLAVE_EVENT_DROP, .proc = 0, .time_ns = 120 * US, .proto = CONCLAVE_PROTO_UDP,
    .key = ((guint64) 1 << 32) | 9, .flags = CONCLAVE_EVENT_FLAG_DIR_RECV,
    .s = { conclave_intern_add (intern, "vote"), conclave_intern_add (intern, "127.0.0.1:1"),
           conclave_intern_add (intern, "127.0.0.1:2") },
  };
  ConclaveMessage message_data;
  guint64 index;

  add (f, CONCLAVE_EVENT_SEND, 10, 100, 9);
  drop.proc = proc (f, 20, "n20");
  index = conclave_event_store_get_end (f->store);
  conclave_event_store_append (f->store, &drop, 1);
  conclave_matcher_feed (f->matcher, index, index + 1);
  g_assert_cmpuint (conclave_matcher_get_message (f->matcher, 0, &message_data)->recv_index, ==, index);
  g_assert_true (conclave_shiviz_write (f->store, f->matcher, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (shiviz_check (path, f->store, f->matcher), ==, 1);
  hosts = shiviz_read (path);
  g_assert_cmpint (shiviz_entry (shiviz_clock_of (hosts, f->store, index, &host), "n10/10"), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

/* A server forks a child that answers: the answer knows of the fork. */
static void
test_forked_child (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-shiviz-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.shiviz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) hosts = NULL;
  g_autofree char *host = NULL;
  ConclaveEvent fork = { .type = CONCLAVE_EVENT_FORK, .time_ns = 110 * US, .num = 11 };
  guint64 index, answer;

  add (f, CONCLAVE_EVENT_SEND, 20, 100, 1);    /* the client asks */
  add (f, CONCLAVE_EVENT_RECV, 10, 105, 1);    /* the server hears */
  fork.proc = proc (f, 10, "n10");
  index = conclave_event_store_get_end (f->store);
  conclave_event_store_append (f->store, &fork, 1);
  conclave_matcher_feed (f->matcher, index, index + 1);
  proc (f, 11, "n10");
  add (f, CONCLAVE_EVENT_SEND, 11, 120, 2);    /* the child answers */
  answer = add (f, CONCLAVE_EVENT_RECV, 20, 130, 2);
  g_assert_true (conclave_shiviz_write (f->store, f->matcher, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (shiviz_check (path, f->store, f->matcher), ==, 2);
  hosts = shiviz_read (path);
  /* The client's answer knows the server's receive and fork (2 events). */
  g_assert_cmpint (shiviz_entry (shiviz_clock_of (hosts, f->store, answer, &host), "n10/10"), ==, 2);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/shiviz/clocks-follow-messages", Fixture, NULL, setup, test_clocks_follow_messages, teardown);
  g_test_add ("/shiviz/drop-at-receiver", Fixture, NULL, setup, test_drop_at_receiver, teardown);
  g_test_add ("/shiviz/forked-child", Fixture, NULL, setup, test_forked_child, teardown);
  return g_test_run ();
}
