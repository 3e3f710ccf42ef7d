#include "shell/cfgsave.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/cfgprint.h"

#define CFGSAVE_TAG ".rtxsh-save."
#define CFGSAVE_RANDOM "XXXXXX"
#define CFGSAVE_HOPS 40          /* symlinks followed before ELOOP */

/* dirname or basename of path, malloc'd (both may modify their input). */
static char *part_of(const char *path, char *(*part)(char *))
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *p = strdup(part(copy));
	free(copy);
	return p;
}

static char *dir_of(const char *path)
{
	return part_of(path, dirname);
}

static char *base_of(const char *path)
{
	return part_of(path, basename);
}

/* One symlink step: the link's text, relative to the link's directory. */
static char *follow(const char *link_path)
{
	char text[PATH_MAX];
	ssize_t n = readlink(link_path, text, sizeof(text) - 1);
	if (n < 0)
		return NULL;
	text[n] = '\0';
	if (text[0] == '/')
		return strdup(text);
	char *dir = dir_of(link_path), *next = NULL;
	if (dir && asprintf(&next, "%s/%s", dir, text) < 0)
		next = NULL;
	free(dir);
	return next;
}

char *cfgsave_target(const char *path)
{
	char *p = strdup(path);
	for (int hops = 0; p; hops++) {
		struct stat st;
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT)
				return p;   /* a new file */
			break;
		}
		if (!S_ISLNK(st.st_mode))
			return p;
		char *next = hops < CFGSAVE_HOPS ? follow(p) : (errno = ELOOP, NULL);
		if (!next)
			break;
		free(p);
		p = next;
	}
	int err = errno;
	free(p);
	errno = err;
	return NULL;
}

/* ".BASE.rtxsh-save.XXXXXX" beside path (malloc'd). */
static char *temp_name(const char *target)
{
	char *dir = dir_of(target), *base = base_of(target), *t = NULL;
	if (dir && base && asprintf(&t, "%s/.%s" CFGSAVE_TAG CFGSAVE_RANDOM, dir, base) < 0)
		t = NULL;
	free(dir);
	free(base);
	return t;
}

/* Is name one of our temp files for base? */
static bool is_temp_of(const char *name, const char *base)
{
	size_t b = strlen(base), tag = strlen(CFGSAVE_TAG);
	return name[0] == '.' && strncmp(name + 1, base, b) == 0 &&
	       strncmp(name + 1 + b, CFGSAVE_TAG, tag) == 0 &&
	       strlen(name + 1 + b + tag) == strlen(CFGSAVE_RANDOM);
}

/* A save in progress (here or in another rtxsh) holds its temp file's
 * lock: only unlocked regular files are stale. */
static void remove_if_stale(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0)
		unlinkat(dfd, name, 0);
	close(fd);
}

static void clean_target(const char *target)
{
	char *dir = dir_of(target), *base = base_of(target);
	DIR *d = dir && base ? opendir(dir) : NULL;
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)))
			if (is_temp_of(de->d_name, base))
				remove_if_stale(dirfd(d), de->d_name);
		closedir(d);
	}
	free(dir);
	free(base);
}

void cfgsave_clean(const char *path)
{
	char *target = cfgsave_target(path);
	if (target)
		clean_target(target);
	free(target);
}

static void fsync_dir(const char *path)
{
	char *dir = dir_of(path);
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* The owner, group and mode the new file takes. */
static int take_attrs(int fd, const char *target)
{
	struct stat st;
	if (stat(target, &st) < 0)
		return errno == ENOENT ? fchmod(fd, 0600) : -1;
	/* Only root may give a file away: others keep their own. */
	if (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
		return -1;
	return fchmod(fd, st.st_mode & 07777);
}

static int write_config(struct cfgstore *st, int fd)
{
	int dup_fd = dup(fd);
	FILE *f = dup_fd >= 0 ? fdopen(dup_fd, "w") : NULL;
	if (!f) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	cfgprint(st, f, 0);
	int rc = fflush(f) != 0 || ferror(f) ? -1 : 0;
	int err = errno;
	if (fclose(f) != 0 && rc == 0)
		return -1;
	errno = err;
	return rc < 0 ? -1 : fsync(fd);
}

int cfgsave_write(struct cfgstore *st, const char *path, char **why)
{
	*why = NULL;
	char *target = cfgsave_target(path);
	char *tmp = target ? temp_name(target) : NULL;
	int fd = -1, rc = -1;
	if (!tmp)
		goto out;
	clean_target(target);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto out;
	/* Held until the rename: a cleaner never takes a live temp file. */
	if (flock(fd, LOCK_EX) < 0 || take_attrs(fd, target) < 0 ||
	    write_config(st, fd) < 0 || rename(tmp, target) < 0) {
		int err = errno;
		unlink(tmp);
		errno = err;
		goto out;
	}
	fsync_dir(target);
	rc = 0;
out:
	if (rc < 0 && asprintf(why, "%s: %s", path, strerror(errno)) < 0)
		*why = NULL;
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(target);
	return rc;
}
