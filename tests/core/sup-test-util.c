/* sup-test-util.c — see sup-test-util.h. Test code only. */
#include "sup-test-util.h"

#include <gio/gio.h>

#include "conclave-supervisor.h"

static gboolean
wake (gpointer data)
{
  return G_SOURCE_REMOVE;
}

gboolean
sup_wait_until (SupCondition cond,
                gpointer     data,
                guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      GSource *source;

      if (g_get_monotonic_time () >= deadline)
        return cond (data);
      /* Block for events, but look at the condition again every 10 ms:
       * some conditions (a process's /proc state) send no event. */
      source = g_timeout_source_new (10);
      g_source_set_callback (source, wake, NULL, NULL);
      g_source_attach (source, NULL);
      g_main_context_iteration (NULL, TRUE);
      g_source_destroy (source);
      g_source_unref (source);
    }
  return TRUE;
}

gboolean
sup_process_alive (gint    pid,
                   guint64 start_time)
{
  ConclaveProcStat stat;

  if (!conclave_proc_stat_read (pid, &stat))
    return FALSE;
  if (start_time != 0 && stat.start_time != start_time)
    return FALSE;   /* the pid was reused: ours is gone */
  return stat.state != 'Z' && stat.state != 'X';
}

char
sup_process_state (gint pid)
{
  ConclaveProcStat stat;

  return conclave_proc_stat_read (pid, &stat) ? stat.state : 0;
}

guint16
sup_free_udp_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}
