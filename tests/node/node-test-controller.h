/* node-test-controller.h — a minimal controller for tests of the node.
 *
 * Listens on a Unix socket in a private temporary directory, accepts one
 * connection per reporting process, parses each JSON line with json-glib,
 * and keeps every event. Spawns conclave-node processes with that socket
 * in CONCLAVE_CONTROL and reaps them. Only for tests: it waits on
 * conditions with deadlines, never with fixed sleeps.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sys/types.h>

typedef struct _TestController TestController;

typedef struct {
  int     index;       /* connection number, in accept order */
  int     fd;
  pid_t   pid;         /* from hello; 0 before it */
  GString *in;
  gint64  next_seq;    /* expected seq of the next line */
  gint64  seq_gap;     /* lines missing according to seq */
  gboolean closed;
} TestConn;

typedef struct {
  TestConn   *conn;
  JsonObject *obj;
} TestEvent;

typedef struct {
  char    *name;
  GPid     pid;
  char    *out_path;
  char    *err_path;
  gboolean exited;
  int      status;   /* waitpid status once exited */
} TestProc;

typedef gboolean (*TestCondition) (TestController *ctl, gpointer data);

TestController *test_controller_new   (void);
void            test_controller_free  (TestController *ctl);
const char     *test_controller_path  (TestController *ctl);

/* One poll round (up to timeout_ms): accept, read, parse, reap. */
void      test_controller_pump    (TestController *ctl, int timeout_ms);
/* Pumps until cond is TRUE or timeout_ms passed; returns cond's value. */
gboolean  test_controller_wait    (TestController *ctl, TestCondition cond,
                                   gpointer data, int timeout_ms);

/* Spawns the node binary ($CONCLAVE_NODE_BIN) with argv (NULL-terminated,
 * without the program) as node `name` at `tempo`; stdout/stderr go to files. */
TestProc *test_controller_spawn   (TestController *ctl, const char *name,
                                   const char *tempo, const char * const *argv);
/* Pumps until proc exited and all it reported was read (fails the test
 * after timeout_ms); returns the exit code, or 128+signal. */
int       test_controller_wait_exit (TestController *ctl, TestProc *proc, int timeout_ms);
/* Everything proc printed on stdout. */
char     *test_proc_stdout        (TestProc *proc);

/* Writes one command line to the connection of `pid`. */
void      test_controller_send    (TestController *ctl, pid_t pid, const char *line);
/* Exactly these bytes (NULs included), no newline added. */
void      test_controller_send_bytes (TestController *ctl, pid_t pid, const void *data, gsize len);
void      test_controller_close_conn (TestController *ctl, pid_t pid);

/* Events named `ev` (NULL: all) from process `pid` (0: any), in arrival
 * order. The array is new; its elements are borrowed. */
GPtrArray *test_controller_events (TestController *ctl, const char *ev, pid_t pid);
TestConn  *test_controller_conn   (TestController *ctl, pid_t pid);
GPtrArray *test_controller_conns  (TestController *ctl);
/* Waits for the first event `ev` from `pid` (0: any) whose string field
 * `key` equals `value` (key NULL: any); NULL after timeout_ms. */
TestEvent *test_controller_wait_event (TestController *ctl, const char *ev, pid_t pid,
                                       const char *key, const char *value, int timeout_ms);

/* How many events `ev` from `pid` (0: any) have the string field `key`
 * equal to `value` (key NULL: all). */
guint      test_controller_count  (TestController *ctl, const char *ev, pid_t pid,
                                   const char *key, const char *value);
/* Pumps until that count reaches n; FALSE after timeout_ms. */
gboolean   test_controller_wait_count (TestController *ctl, const char *ev, pid_t pid,
                                       const char *key, const char *value, guint n,
                                       int timeout_ms);

const char *test_event_str (TestEvent *event, const char *key);
gint64      test_event_int (TestEvent *event, const char *key, gint64 fallback);
/* "PID:N" → PID, or 0. */
pid_t       test_id_pid    (const char *id);

/* A port in 20000–40000 free for both UDP and TCP on 127.0.0.1 right now. */
guint16   test_free_port          (void);
