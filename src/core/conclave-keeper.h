/* conclave-keeper.h — nothing a controller started outlives it or its nodes.
 *
 * Process groups and the subreaper catch what a node forks; a program that
 * detaches (setsid, a double fork) leaves both behind. Its environment
 * still carries the controller's tag (conclave-tagged.h): a crash kills
 * the node's tagged processes as well, and a keeper process
 * (src/node/conclave-keeper.c) kills all of them once the controller is
 * gone, however it ended. At start, runtime directories of controllers
 * that died without their keeper are removed, with what they left running.
 * Plain data; never touches a process without the tag.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ConclaveKeeper ConclaveKeeper;

/* Starts the keeper for the controller whose socket is `control_path`
 * (in its own private directory), and records this controller there;
 * removes stale runtime directories first. Without the keeper program a
 * warning, and a keeper that only kills on crash. */
ConclaveKeeper *conclave_keeper_new       (const char *control_path);
/* Closing its pipe tells the keeper to finish: it kills what is left. */
void            conclave_keeper_free      (ConclaveKeeper *self);
/* SIGKILL to every process of the node, detached or not; how many. The
 * node's own process `spare` (0: none) is left for its GSubprocess to reap. */
guint           conclave_keeper_kill_node (ConclaveKeeper *self, const char *node, gint spare);
/* Removes the runtime directories (conclave-XXXXXX beside ours) of
 * controllers no longer running, and kills their tagged processes. How
 * many directories went. */
guint           conclave_keeper_clean_stale (const char *runtime_dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveKeeper, conclave_keeper_free)

G_END_DECLS
