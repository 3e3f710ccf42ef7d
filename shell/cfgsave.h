/* `save`: the running config written to its file the way an editor writes
 * a file it does not own alone.
 *
 * - Through symlinks: a config that is a symlink (dangling or not) has its
 *   target written; the link stays a link.
 * - Atomic: a temp file in the target's directory, fsync, rename, fsync of
 *   the directory; a crash leaves the old file or the new one.
 * - Owner, group and mode of an existing file are kept (the owner only
 *   where the process may chown); a new file is 0600, as it holds keys.
 * - No temp file survives: the temp is named ".BASE.rtxsh-save.XXXXXX" and
 *   held under flock while written; on failure it is removed, and the
 *   stale ones a killed rtxsh left (unlocked, of exactly that name) are
 *   removed before each save and when the -c file is loaded. */
#ifndef RTX_SHELL_CFGSAVE_H
#define RTX_SHELL_CFGSAVE_H

struct cfgstore;

/* Writes `show config` of st to path. 0, or -1 with *why (malloc'd):
 * "PATH: reason", the reason from errno. */
int cfgsave_write(struct cfgstore *st, const char *path, char **why);

/* Removes the stale temp files of an interrupted save of path. */
void cfgsave_clean(const char *path);

/* path with every symlink followed (the last may dangle): the file a save
 * replaces. malloc'd; NULL with errno set (ELOOP, ENOMEM, ...). */
char *cfgsave_target(const char *path);

#endif
