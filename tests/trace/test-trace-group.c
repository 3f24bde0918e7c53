/* test-trace-group.c — a course project's group (course_peer.py, three
 * peers) run unmodified by conclave-run in a network namespace of its own:
 * discovery by broadcast (255.255.255.255 and the subnet's x.y.z.255) and
 * by multicast joined on INADDR_ANY, "its own IP" learnt with a UDP
 * connect, pings to the leader at the address the leader announced, and a
 * syslog port nobody reads. Checked on the trace, read back into a fresh
 * store and matcher: every broadcast paired with each of its receivers
 * (the sender among them), ≥ 95 % of the sends that had a listener
 * delivered, every syslog line unheard and nothing else, every receive
 * paired, each kind of loopback rewrite reported once per socket. Once
 * with only lo, once with a LAN interface (10.9.0.5/24) beside it. */
#include "conclave-matcher.h"
#include "conclave-trace-file.h"
#include "trace-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define PYTHON "/usr/bin/python3"
#define PEERS 3
#define ROUNDS 20

typedef struct {
  const char *name;
  gboolean    lan;
} Variant;

typedef struct {
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
  char               *summary;    /* conclave-run's stdout */
  char               *trace_text;
} Run;

static char *
peer_spec (guint id, guint port)
{
  g_autofree char *script = trace_test_source ("course_peer.py");

  return g_strdup_printf ("p%u=exec:" PYTHON " '%s' --id %u --port %u --mport %u --rounds %d"
                          " --interval 0.1 --linger 1.5%s", id, script, id, port, port + 1, ROUNDS,
                          id == PEERS ? " --bind-broadcast" : "");
}

/* FALSE (and the test skipped) where no namespace can be made. */
static gboolean
run_group (const Variant *v, Run *run)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-group-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.jsonl", NULL);
  g_autofree char *p1 = peer_spec (1, 37020), *p2 = peer_spec (2, 37020), *p3 = peer_spec (3, 37020);
  const char *args[] = { "-d", "8s", "-t", trace, "--node", p1, "--node", p2, "--node", p3, NULL };
  g_autoptr(GError) error = NULL;

  if (!trace_test_run_in_netns (v->lan, args, &run->summary))
    return FALSE;
  g_assert_true (g_file_get_contents (trace, &run->trace_text, NULL, NULL));
  run->store = conclave_event_store_new ();
  g_assert_true (conclave_trace_load (run->store, trace, NULL, NULL, &error));
  g_assert_no_error (error);
  run->matcher = conclave_matcher_new (run->store);
  conclave_matcher_feed (run->matcher, conclave_event_store_get_first (run->store),
                         conclave_event_store_get_end (run->store));
  conclave_matcher_expire (run->matcher, conclave_event_store_get_max_time (run->store) + 60 * G_TIME_SPAN_SECOND * 1000);
  g_unlink (trace);
  g_rmdir (dir);
  return TRUE;
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->matcher, conclave_matcher_free);
  g_clear_object (&run->store);
  g_clear_pointer (&run->summary, g_free);
  g_clear_pointer (&run->trace_text, g_free);
}

static const char *
str (Run *run, guint32 id)
{
  return conclave_event_store_str (run->store, id) ?: "";
}

static guint
count_text (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p++)
    n++;
  return n;
}

/* Per send: its messages' receivers and states. */
typedef struct {
  guint    delivered;
  guint    unheard;
  guint    other;      /* lost, not read, dropped, in flight */
  guint32  receivers[8];
} SendFate;

static void
check_messages (Run *run, GHashTable *fates)
{
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (run->matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (run->matcher, i, &m_data);
      SendFate *f;

      /* Every receive found its send. */
      g_assert_cmpint (m->state, !=, CONCLAVE_MESSAGE_UNSENT);
      if ((f = g_hash_table_lookup (fates, &m->send_index)) == NULL)
        g_hash_table_insert (fates, g_memdup2 (&m->send_index, sizeof m->send_index), (f = g_new0 (SendFate, 1)));
      if (m->state == CONCLAVE_MESSAGE_DELIVERED)
        {
          /* After its send, never twice to the same process. */
          g_assert_cmpint (m->recv_ns, >, m->send_ns);
          for (guint r = 0; r < f->delivered && r < G_N_ELEMENTS (f->receivers); r++)
            g_assert_cmpuint (f->receivers[r], !=, m->dst_proc);
          if (f->delivered < G_N_ELEMENTS (f->receivers))
            f->receivers[f->delivered] = m->dst_proc;
          f->delivered++;
        }
      else if (m->state == CONCLAVE_MESSAGE_UNHEARD)
        f->unheard++;
      else
        f->other++;
    }
}

static gboolean
is_group_address (const char *address)
{
  return g_str_has_prefix (address, "239.") || g_str_has_prefix (address, "127.255.255.255:");
}

static void
test_group (gconstpointer data)
{
  const Variant *v = data;
  g_autoptr(GHashTable) fates = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  guint sends = 0, delivered = 0, unheard = 0, group_sends = 0, full_fan_out = 0, pings = 0, own_ip_pings = 0;
  Run run = { 0 };

  if (!run_group (v, &run))
    return;
  check_messages (&run, fates);
  for (guint64 i = conclave_event_store_get_first (run.store); i < conclave_event_store_get_end (run.store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (run.store, i);
      const char *dst = str (&run, e->s[2]), *preview = str (&run, e->s[3]);
      SendFate *f;

      if (e->type != CONCLAVE_EVENT_SEND)
        continue;
      f = g_hash_table_lookup (fates, &i);
      g_assert_nonnull (f);
      sends++;
      delivered += f->delivered > 0;
      unheard += f->unheard > 0;
      /* The syslog port, and only it, is unheard: nobody ever bound 514. */
      g_assert_cmpint (f->unheard > 0, ==, g_str_has_suffix (dst, ":514"));
      if (is_group_address (dst))
        {
          /* Three receivers at most, the sender itself among them once all run. */
          g_assert_cmpuint (f->delivered, <=, PEERS);
          group_sends++;
          if (f->delivered == PEERS)
            full_fan_out++;
        }
      if (g_str_has_prefix (preview, "PING"))
        {
          pings++;
          own_ip_pings += g_str_has_prefix (dst, "10.9.0.5:") && f->delivered == 1;
        }
    }
  g_test_message ("%s: %u sends, %u delivered, %u unheard, %u other; %u of %u group sends reached all %d peers",
                  v->name, sends, delivered, unheard, sends - delivered - unheard, full_fan_out, group_sends, PEERS);
  g_assert_cmpuint (unheard, ==, PEERS * ROUNDS);
  g_assert_cmpuint (100 * delivered, >=, 95 * (sends - unheard));
  g_assert_cmpuint (group_sends, ==, 2 * PEERS * ROUNDS);
  g_assert_cmpuint (10 * full_fan_out, >=, 8 * group_sends);
  g_assert_cmpuint (pings, >=, ROUNDS);
  if (v->lan)
    g_assert_cmpuint (own_ip_pings, ==, pings);
  /* The trace and the summary tell unheard apart too. */
  g_assert_cmpuint (count_text (run.trace_text, "\"reason\":\"unheard\""), ==, PEERS * ROUNDS);
  g_assert_nonnull (strstr (run.summary, "unheard"));
  /* Once per socket and kind: each peer has one broadcast and one multicast
   * socket; 255.255.255.255 and x.y.z.255 are one kind. */
  g_assert_cmpuint (count_text (run.trace_text, "\"what\":\"broadcast\""), ==, PEERS);
  g_assert_cmpuint (count_text (run.trace_text, "\"what\":\"multicast-join\""), ==, PEERS);
  g_assert_cmpuint (count_text (run.trace_text, "\"what\":\"bind-broadcast\""), ==, 1);
  run_clear (&run);
}

static const Variant loopback_only = { "only lo", FALSE };
static const Variant with_lan = { "lo and a LAN interface", TRUE };

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/trace/group/loopback-only", &loopback_only, test_group);
  g_test_add_data_func ("/trace/group/with-lan-address", &with_lan, test_group);
  return g_test_run ();
}
