/* conclave-event-format.c — events in words (see the header).
 *
 * Field meanings follow the table in conclave-event.h; a missing string is
 * shown as nothing rather than "(null)", and nothing here may assume a
 * field is set just because the protocol says it should be.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "conclave-event-format.h"
#include "conclave-display-text.h"

static const char *
str (ConclaveEventStore *store,
     guint32             id)
{
  const char *text = id ? conclave_event_store_str (store, id) : NULL;

  return text ? text : "";
}

const char *
conclave_event_category_label (ConclaveEventCategory category)
{
  switch (category)
    {
    case CONCLAVE_EVENT_CATEGORY_ALL:
      return _("All Events");
    case CONCLAVE_EVENT_CATEGORY_MESSAGES:
      return _("Messages");
    case CONCLAVE_EVENT_CATEGORY_PROCESSES:
      return _("Processes");
    case CONCLAVE_EVENT_CATEGORY_GROUP:
      return _("Group");
    case CONCLAVE_EVENT_CATEGORY_PROBLEMS:
      return _("Problems");
    case CONCLAVE_EVENT_CATEGORY_LOGS:
      return _("Logs");
    case CONCLAVE_N_EVENT_CATEGORIES:
    default:
      return "";
    }
}

static gboolean
is_problem (const ConclaveEvent *event)
{
  switch (event->type)
    {
    case CONCLAVE_EVENT_DROP:
    case CONCLAVE_EVENT_LOST:
    case CONCLAVE_EVENT_ERROR:
    case CONCLAVE_EVENT_GARBAGE:
    case CONCLAVE_EVENT_OVERFLOW:
    case CONCLAVE_EVENT_VIOLATION:
    case CONCLAVE_EVENT_CRASH:
      return TRUE;
    case CONCLAVE_EVENT_LOG:
      return (event->flags & CONCLAVE_EVENT_FLAG_WARNING) != 0;
    case CONCLAVE_EVENT_EXITED:
      return conclave_event_exited_signal (event) != 0;
    default:
      return FALSE;
    }
}

gboolean
conclave_event_in_category (const ConclaveEvent  *event,
                            ConclaveEventCategory category)
{
  switch (category)
    {
    case CONCLAVE_EVENT_CATEGORY_ALL:
      return TRUE;
    case CONCLAVE_EVENT_CATEGORY_MESSAGES:
      return conclave_event_type_is_message (event->type) || event->type == CONCLAVE_EVENT_LOST;
    case CONCLAVE_EVENT_CATEGORY_PROCESSES:
      return event->type == CONCLAVE_EVENT_HELLO || event->type == CONCLAVE_EVENT_SOCKET ||
             (event->type >= CONCLAVE_EVENT_FORK && event->type <= CONCLAVE_EVENT_EXIT) ||
             (event->type >= CONCLAVE_EVENT_SPAWN && event->type <= CONCLAVE_EVENT_EXITED);
    case CONCLAVE_EVENT_CATEGORY_GROUP:
      return event->type == CONCLAVE_EVENT_STATE || event->type == CONCLAVE_EVENT_DELIVER ||
             event->type == CONCLAVE_EVENT_ACKED || event->type == CONCLAVE_EVENT_VIOLATION;
    case CONCLAVE_EVENT_CATEGORY_PROBLEMS:
      return is_problem (event);
    case CONCLAVE_EVENT_CATEGORY_LOGS:
      return event->type == CONCLAVE_EVENT_LOG;
    case CONCLAVE_N_EVENT_CATEGORIES:
    default:
      return FALSE;
    }
}

const char *
conclave_event_format_type (const ConclaveEvent *event)
{
  static const char * const names[CONCLAVE_EVENT_N_TYPES] = {
    [CONCLAVE_EVENT_NONE] = N_("discarded"),
    [CONCLAVE_EVENT_HELLO] = N_("hello"),
    [CONCLAVE_EVENT_SOCKET] = N_("socket"),
    [CONCLAVE_EVENT_SEND] = N_("send"),
    [CONCLAVE_EVENT_RECV] = N_("receive"),
    [CONCLAVE_EVENT_DROP] = N_("drop"),
    [CONCLAVE_EVENT_FORK] = N_("fork"),
    [CONCLAVE_EVENT_REAP] = N_("reap"),
    [CONCLAVE_EVENT_EXIT] = N_("exit"),
    [CONCLAVE_EVENT_STATE] = N_("state"),
    [CONCLAVE_EVENT_DELIVER] = N_("deliver"),
    [CONCLAVE_EVENT_ACKED] = N_("acknowledged"),
    [CONCLAVE_EVENT_GARBAGE] = N_("garbage"),
    [CONCLAVE_EVENT_REWRITE] = N_("rewrite"),
    [CONCLAVE_EVENT_LOG] = N_("log"),
    [CONCLAVE_EVENT_OVERFLOW] = N_("overflow"),
    [CONCLAVE_EVENT_SPAWN] = N_("spawn"),
    [CONCLAVE_EVENT_CRASH] = N_("crash"),
    [CONCLAVE_EVENT_STOP] = N_("stop"),
    [CONCLAVE_EVENT_PAUSE] = N_("pause"),
    [CONCLAVE_EVENT_RESUME] = N_("resume"),
    [CONCLAVE_EVENT_RESTART] = N_("restart"),
    [CONCLAVE_EVENT_REMOVE] = N_("remove"),
    [CONCLAVE_EVENT_EXITED] = N_("exited"),
    [CONCLAVE_EVENT_FAULT] = N_("fault"),
    [CONCLAVE_EVENT_ERROR] = N_("error"),
    [CONCLAVE_EVENT_LOST] = N_("lost"),
    [CONCLAVE_EVENT_VIOLATION] = N_("violation"),
    [CONCLAVE_EVENT_OUTPUT] = N_("output"),
    [CONCLAVE_EVENT_HELD] = N_("held"),
  };

  if (event->type >= CONCLAVE_EVENT_N_TYPES || names[event->type] == NULL)
    return "?";
  return _(names[event->type]);
}

const char *
conclave_event_format_node (ConclaveEventStore  *store,
                            const ConclaveEvent *event,
                            gint                *pid)
{
  ConclaveProcessInfo *process = event->proc ? conclave_event_store_get_process (store, event->proc) : NULL;

  if (pid != NULL)
    *pid = process ? process->pid : 0;
  if (process != NULL && process->node != 0)
    return str (store, process->node);
  if (CONCLAVE_EVENT_IS_CONTROLLER (event->type) && conclave_event_node (event) != 0)
    {
      if (pid != NULL && event->type == CONCLAVE_EVENT_SPAWN)
        *pid = conclave_event_spawn_pid (event);
      return str (store, conclave_event_node (event));
    }
  return NULL;
}

static char *
format_message (ConclaveEventStore  *store,
                const ConclaveEvent *event)
{
  g_autoptr(GString) text = g_string_new (str (store, conclave_event_kind (event)));
  guint32 length = conclave_event_length (event);

  g_string_append_printf (text, "  %s → %s", str (store, conclave_event_src (event)),
                          str (store, conclave_event_dst (event)));
  if (event->type != CONCLAVE_EVENT_LOST)
    g_string_append_printf (text, ngettext ("  (%u byte)", "  (%u bytes)", length), length);
  if (conclave_event_preview (event) != 0)
    g_string_append_printf (text, "  “%s”", str (store, conclave_event_preview (event)));
  if (event->type == CONCLAVE_EVENT_DROP)
    {
      g_string_append (text, "  ");
      g_string_append (text, event->flags & CONCLAVE_EVENT_FLAG_BY_HAND ? _("(dropped from the hold queue)")
                             : event->flags & CONCLAVE_EVENT_FLAG_ISOLATED
                             ? _("(isolated from the receiver)") : _("(fault injected)"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_exit (ConclaveEventStore  *store,
             const ConclaveEvent *event)
{
  if (event->type == CONCLAVE_EVENT_REAP)
    {
      gint child = conclave_event_reap_child (event);
      guint32 signum = conclave_event_reap_signal (event);

      return signum ? g_strdup_printf (_("collected child %d, killed by signal %u"), child, signum)
                    : g_strdup_printf (_("collected child %d, exit code %u"), child,
                                       (guint) conclave_event_reap_code (event));
    }
  /* EXITED */
  return conclave_event_exited_signal (event)
         ? g_strdup_printf (_("killed by signal %u"), conclave_event_exited_signal (event))
         : g_strdup_printf (_("exit code %d"), conclave_event_exited_code (event));
}

static char *
format_state (ConclaveEventStore  *store,
              const ConclaveEvent *event)
{
  g_autofree char *term = g_strdup_printf ("%" G_GINT64_FORMAT, conclave_event_state_term (event));

  /* Translators: group state: role, term, leader, view (list of servers) */
  return g_strdup_printf (_("%s, term %s, leader %s, view %s"),
                          str (store, conclave_event_state_role (event)), term,
                          conclave_event_state_leader (event)
                          ? str (store, conclave_event_state_leader (event)) : "–",
                          str (store, conclave_event_state_view (event)));
}

static char *
format_fault (ConclaveEventStore  *store,
              const ConclaveEvent *event)
{
  guint32 isolate = conclave_event_fault_isolate (event);

  return g_strdup_printf (_("drop %.1f %%, delay %d ms, isolated from %s"),
                          conclave_event_fault_drop_permille (event) / 10.0,
                          conclave_event_fault_delay_ms (event),
                          isolate ? str (store, isolate) : "–");
}

static char *
format_garbage (ConclaveEventStore  *store,
                const ConclaveEvent *event)
{
  guint32 from = conclave_event_garbage_from (event);
  gint count = conclave_event_garbage_count (event);

  return g_strdup_printf (ngettext ("%d datagram that was not a protocol message, from %s",
                                    "%d datagrams that were not protocol messages, from %s", count),
                          count, from ? str (store, from) : "–");
}

static char *
format_details (ConclaveEventStore  *store,
                const ConclaveEvent *event)
{
  switch (event->type)
    {
    case CONCLAVE_EVENT_HELLO:
      return g_strdup_printf (_("%s (%s), parent PID %d"), str (store, conclave_event_hello_role (event)),
                              str (store, conclave_event_hello_program (event)),
                              conclave_event_hello_ppid (event));
    case CONCLAVE_EVENT_SOCKET:
      return g_strstrip (g_strdup_printf ("%s %s %s", str (store, conclave_event_socket_op (event)),
                                          str (store, conclave_event_socket_local (event)),
                                          str (store, conclave_event_socket_peer (event))));
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP:
    case CONCLAVE_EVENT_LOST:
    case CONCLAVE_EVENT_HELD:
      return format_message (store, event);
    case CONCLAVE_EVENT_FORK:
      return g_strdup_printf (_("forked child %d"), conclave_event_fork_child (event));
    case CONCLAVE_EVENT_REAP:
    case CONCLAVE_EVENT_EXITED:
      return format_exit (store, event);
    case CONCLAVE_EVENT_EXIT:
      return g_strdup_printf (_("exit code %d"), conclave_event_exit_code (event));
    case CONCLAVE_EVENT_STATE:
      return format_state (store, event);
    case CONCLAVE_EVENT_DELIVER:
      return g_strdup_printf (_("#%d from %s (%s): %s"), conclave_event_deliver_seqno (event),
                              str (store, conclave_event_deliver_client (event)),
                              str (store, conclave_event_deliver_request (event)),
                              str (store, conclave_event_deliver_text (event)));
    case CONCLAVE_EVENT_ACKED:
      return g_strdup_printf (_("request %s acknowledged as #%d"),
                              str (store, conclave_event_acked_request (event)),
                              conclave_event_acked_seqno (event));
    case CONCLAVE_EVENT_GARBAGE:
      return format_garbage (store, event);
    case CONCLAVE_EVENT_REWRITE:
      return g_strdup_printf ("%s: %s → %s", str (store, conclave_event_rewrite_what (event)),
                              str (store, conclave_event_rewrite_from (event)),
                              str (store, conclave_event_rewrite_to (event)));
    case CONCLAVE_EVENT_OVERFLOW:
      return g_strdup_printf (ngettext ("%d report line lost (control channel full)",
                                        "%d report lines lost (control channel full)",
                                        conclave_event_overflow_dropped (event)),
                              conclave_event_overflow_dropped (event));
    case CONCLAVE_EVENT_SPAWN:
      return g_strdup_printf (_("PID %u: %s"), (guint) conclave_event_spawn_pid (event),
                              str (store, conclave_event_spawn_argv (event)));
    case CONCLAVE_EVENT_FAULT:
      return format_fault (store, event);
    case CONCLAVE_EVENT_LOG:
      return g_strdup (str (store, conclave_event_log_text (event)));
    case CONCLAVE_EVENT_ERROR:
      return g_strdup (str (store, conclave_event_error_reason (event)));
    case CONCLAVE_EVENT_VIOLATION:
      return g_strdup_printf ("%s: %s", str (store, conclave_event_violation_what (event)),
                              str (store, conclave_event_violation_text (event)));
    case CONCLAVE_EVENT_OUTPUT:
      return g_strdup_printf ("%s: %s", str (store, conclave_event_output_stream (event)),
                              str (store, conclave_event_output_text (event)));
    default:
      return g_strdup ("");
    }
}

/* Programs' text, fit for Pango: control characters shown as escapes. */
char *
conclave_event_format_details (ConclaveEventStore  *store,
                               const ConclaveEvent *event)
{
  return conclave_display_text_take (format_details (store, event));
}

char *
conclave_event_format_time (gint64 time_ns,
                            gint64 origin_ns)
{
  gint64 delta = time_ns - origin_ns;
  const char *sign = delta < 0 ? "−" : "";

  delta = ABS (delta);
  /* The locale's decimal separator, as every other number on screen. */
  return g_strdup_printf ("%s%" G_GINT64_FORMAT "%s%06" G_GINT64_FORMAT, sign,
                          delta / 1000000000, localeconv ()->decimal_point, (delta / 1000) % 1000000);
}

char *
conclave_event_format_duration (gint64 ns)
{
  double value = (double) ABS (ns);

  /* Translators: durations; the unit keeps the number short ("191.6 ms", not "191564.5 µs") */
  if (value < 1e6)
    return g_strdup_printf (_("%.1f µs"), value / 1e3);
  if (value < 1e9)
    return g_strdup_printf (_("%.1f ms"), value / 1e6);
  return g_strdup_printf (_("%.2f s"), value / 1e9);
}
