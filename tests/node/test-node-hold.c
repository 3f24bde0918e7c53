/* test-node-hold.c — step mode in conclave-node: a held server receives
 * nothing until the controller releases a message, then exactly what was
 * released, in the order released; a drop is a drop (never a receive), a
 * duplicate two receives, and a controller that goes away leaves nothing
 * held. Real processes on 127.0.0.1, seen only through their reports.
 */
#include "node-test-controller.h"

#include <signal.h>
#include <string.h>

#define WAIT_MS 15000

typedef struct {
  TestController *ctl;
  char port_text[8];
  TestProc *server;
  TestProc *client;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  const char *server_argv[] = { "udp-server", "--port", fx->port_text, NULL };

  fx->ctl = test_controller_new ();
  g_snprintf (fx->port_text, sizeof fx->port_text, "%u", test_free_port ());
  fx->server = test_controller_spawn (fx->ctl, "s1", "1", server_argv);
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "socket", fx->server->pid, "op", "bind", WAIT_MS));
  test_controller_send (fx->ctl, fx->server->pid, "{\"cmd\":\"hold\",\"on\":true}");
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "log", fx->server->pid, "text",
                                                "holding every arriving message", WAIT_MS));
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  if (fx->client != NULL && !fx->client->exited)
    {
      kill (fx->client->pid, SIGCONT);
      kill (fx->client->pid, SIGTERM);
    }
  kill (fx->server->pid, SIGTERM);
  test_controller_free (fx->ctl);
}

/* A client that sends a new hello every 150 ms until one is answered. */
static void
start_client (Fixture *fx)
{
  const char *argv[] = { "udp-client", "--port", fx->port_text, "--count", "1",
                         "--timeout-ms", "150", "--retries", "1000", NULL };

  fx->client = test_controller_spawn (fx->ctl, "c1", "1", argv);
}

/* The ids of the first n messages the server holds, in arrival order. */
static GPtrArray *
wait_held (Fixture *fx, guint n)
{
  g_autoptr(GPtrArray) held = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (test_controller_wait_count (fx->ctl, "held", fx->server->pid, NULL, NULL, n, WAIT_MS));
  held = test_controller_events (fx->ctl, "held", fx->server->pid);
  for (guint i = 0; i < n; i++)
    {
      TestEvent *e = held->pdata[i];

      g_assert_cmpstr (test_event_str (e, "kind"), ==, "hello");
      g_assert_cmpint (test_id_pid (test_event_str (e, "id")), ==, fx->client->pid);
      g_ptr_array_add (ids, g_strdup (test_event_str (e, "id")));
    }
  return ids;
}

static void
release (Fixture *fx, const char *action, const char *id)
{
  g_autofree char *line = g_strdup_printf ("{\"cmd\":\"release\",\"action\":\"%s\",\"id\":\"%s\"}", action, id);

  test_controller_send (fx->ctl, fx->server->pid, line);
}

/* The ids of the server's receives, in order. */
static GPtrArray *
received (Fixture *fx)
{
  g_autoptr(GPtrArray) recvs = test_controller_events (fx->ctl, "recv", fx->server->pid);
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < recvs->len; i++)
    g_ptr_array_add (ids, (gpointer) test_event_str (recvs->pdata[i], "id"));
  return ids;
}

static void
test_release_in_chosen_order (Fixture *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) got = NULL;
  TestEvent *drop;

  start_client (fx);
  ids = wait_held (fx, 4);
  /* held: nothing received, however long it waits (the client resent) */
  g_assert_cmpuint (test_controller_count (fx->ctl, "recv", fx->server->pid, NULL, NULL), ==, 0);

  /* reordered: the second first */
  release (fx, "deliver", ids->pdata[1]);
  release (fx, "deliver", ids->pdata[0]);
  release (fx, "drop", ids->pdata[2]);
  release (fx, "duplicate", ids->pdata[3]);
  g_assert_true (test_controller_wait_count (fx->ctl, "recv", fx->server->pid, NULL, NULL, 4, WAIT_MS));
  drop = test_controller_wait_event (fx->ctl, "drop", fx->server->pid, "id", ids->pdata[2], WAIT_MS);
  g_assert_nonnull (drop);
  g_assert_cmpstr (test_event_str (drop, "dir"), ==, "recv");
  g_assert_cmpstr (test_event_str (drop, "reason"), ==, "held");

  got = received (fx);
  g_assert_cmpuint (got->len, ==, 4);
  g_assert_cmpstr (got->pdata[0], ==, ids->pdata[1]);
  g_assert_cmpstr (got->pdata[1], ==, ids->pdata[0]);
  g_assert_cmpstr (got->pdata[2], ==, ids->pdata[3]);
  g_assert_cmpstr (got->pdata[3], ==, ids->pdata[3]);
  g_assert_cmpuint (test_controller_count (fx->ctl, "recv", fx->server->pid, "id", ids->pdata[2]), ==, 0);
  /* the server answered the first one it was given: the client is done */
  g_assert_cmpint (test_controller_wait_exit (fx->ctl, fx->client, WAIT_MS), ==, 0);
}

/* "later" moves a message to the back: lifting the hold then delivers
 * the rest in queue order. */
static void
test_later_then_lift (Fixture *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) got = NULL;

  start_client (fx);
  ids = wait_held (fx, 3);
  /* no more sends: everything it sent is held before the hold is lifted */
  kill (fx->client->pid, SIGSTOP);
  test_controller_pump (fx->ctl, 100);
  g_assert_true (test_controller_wait_count (fx->ctl, "held", fx->server->pid, NULL, NULL,
                                             test_controller_count (fx->ctl, "send", fx->client->pid, NULL, NULL),
                                             WAIT_MS));
  release (fx, "later", ids->pdata[0]);
  test_controller_send (fx->ctl, fx->server->pid, "{\"cmd\":\"hold\",\"on\":false}");
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "log", fx->server->pid, "text",
                                                "no longer holding messages", WAIT_MS));
  g_assert_true (test_controller_wait_count (fx->ctl, "recv", fx->server->pid, NULL, NULL, 3, WAIT_MS));
  got = received (fx);
  g_assert_cmpstr (got->pdata[0], ==, ids->pdata[1]);
  g_assert_cmpstr (got->pdata[1], ==, ids->pdata[2]);
  /* held ones after the third follow it; the one put back comes after them all */
  g_assert_true (test_controller_wait_count (fx->ctl, "recv", fx->server->pid, NULL, NULL,
                                             test_controller_count (fx->ctl, "held", fx->server->pid, NULL, NULL),
                                             WAIT_MS));
  g_clear_pointer (&got, g_ptr_array_unref);
  got = received (fx);
  g_assert_cmpuint (test_controller_count (fx->ctl, "held", fx->server->pid, NULL, NULL), ==, got->len);
  g_assert_cmpstr (got->pdata[got->len - 1], ==, ids->pdata[0]);
  kill (fx->client->pid, SIGCONT);
}

/* The controller goes away with messages held: the node delivers them
 * (the client gets its answer) instead of keeping them forever. */
static void
test_controller_gone (Fixture *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *out = NULL;

  start_client (fx);
  ids = wait_held (fx, 2);
  test_controller_close_conn (fx->ctl, fx->server->pid);
  g_assert_cmpint (test_controller_wait_exit (fx->ctl, fx->client, WAIT_MS), ==, 0);
  out = test_proc_stdout (fx->client);
  g_assert_nonnull (strstr (out, "Received message from server: Hi client!"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/node/hold/release-in-chosen-order", test_release_in_chosen_order);
  ADD ("/node/hold/later-then-lift", test_later_then_lift);
  ADD ("/node/hold/controller-gone", test_controller_gone);
#undef ADD
  return g_test_run ();
}
