/* node-group-log.h — a server's replicated log of posts (chapter 4).
 *
 * The log (entries with term, the leader that appended them, the post's
 * sequence number), the current term and vote, the known members, and the
 * client sessions that make every request id deliver once. Term, vote,
 * members, entries and the commit index are written to a state file
 * before they count (a crashed and restarted server must not forget a vote
 * or an acknowledged post); delivery is not: a restarted server delivers
 * its safe entries again, as a restarted Raft state machine replays its
 * log. Nothing here sends or reports: the caller does that.
 */
#pragma once

#include <glib.h>

typedef struct {
  guint64 term;
  char   *leader;   /* with the term, names the epoch of the entry */
  guint64 seq;      /* the post's sequence number; 0: a leader's opening entry */
  gint64  ts_ms;    /* when the leader appended it (CLOCK_MONOTONIC) */
  char   *req;      /* "c1:7"; NULL for an opening entry */
  char   *client;
  char   *text;
} GroupEntry;

typedef enum {
  GROUP_REQ_NEW,        /* never seen: append it */
  GROUP_REQ_PENDING,    /* in the log, not delivered yet */
  GROUP_REQ_DONE,       /* delivered: acknowledge again */
  GROUP_REQ_STALE,      /* older than the client's last delivered request */
} GroupReqState;

typedef struct _GroupLog GroupLog;

typedef void (*GroupDeliverFunc) (const GroupEntry *entry, guint64 index, gpointer data);
typedef void (*GroupExpireFunc)  (const char *client, gpointer data);

/* path NULL: nothing persists. A bad line in an existing file is skipped
 * with a warning on stderr; only an unopenable file is an error. */
GroupLog         *group_log_new          (const char *path, GError **error);
void              group_log_free         (GroupLog *log);

guint64           group_log_term         (GroupLog *log);
const char       *group_log_voted_for    (GroupLog *log);
/* Persists before returning. */
void              group_log_set_term     (GroupLog *log, guint64 term, const char *voted_for);

void              group_log_add_member   (GroupLog *log, const char *name, guint id);
/* name → id (GUINT_TO_POINTER), every server ever known, self included. */
GHashTable       *group_log_members      (GroupLog *log);

guint64           group_log_last_index   (GroupLog *log);
guint64           group_log_last_term    (GroupLog *log);
const GroupEntry *group_log_get          (GroupLog *log, guint64 index);
/* index 0 always matches; beyond the end never. */
gboolean          group_log_matches      (GroupLog *log, guint64 index, guint64 term, const char *leader);
/* Takes the fields (copied); returns the new index. */
guint64           group_log_append       (GroupLog *log, const GroupEntry *entry);
/* Removes entries from `from` on; if that undoes deliveries, they will be
 * delivered again (returns how many delivered entries were undone). */
guint64           group_log_truncate     (GroupLog *log, guint64 from);
/* The sequence number the next post gets. */
guint64           group_log_next_seq     (GroupLog *log);

guint64           group_log_commit_index (GroupLog *log);
/* Advances the commit index (never back) and delivers in order. */
void              group_log_commit       (GroupLog *log, guint64 index,
                                          GroupDeliverFunc func, gpointer data);

/* Splits "c1:7" into client and number; FALSE if malformed. */
gboolean          group_req_parse        (const char *req, char **client, guint64 *n);
/* What the log knows of req; *where is the seq (DONE) or the index (PENDING). */
GroupReqState     group_log_find_req     (GroupLog *log, const char *req, guint64 *where);
/* The client was heard from now (keeps its session). */
void              group_log_touch_session (GroupLog *log, const char *client, gint64 now_ns);
/* Forgets sessions silent since before `before_ns`; returns how many. */
guint             group_log_expire_sessions (GroupLog *log, gint64 before_ns,
                                             GroupExpireFunc func, gpointer data);
guint             group_log_n_sessions   (GroupLog *log);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GroupLog, group_log_free)
