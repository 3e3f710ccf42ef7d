/* save: where it writes (through symlinks), what it leaves behind (no temp
 * file, a live save's temp file untouched), how it fails, and `save FILE`
 * at the handler (its grammar row comes with the command table). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/router.h"
#include "shell/cfgsave.h"
#include "shell/cmd.h"
#include "router_fixture.h"

struct dir {
	char path[64];
};

static void dir_make(struct dir *d)
{
	strcpy(d->path, "/tmp/rtxsh-save.XXXXXX");
	assert_non_null(mkdtemp(d->path));
}

static char *in(const struct dir *d, const char *name)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", d->path, name) > 0);
	return p;
}

static void dir_remove(struct dir *d)
{
	char *cmd;
	assert_true(asprintf(&cmd, "rm -rf '%s'", d->path) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static size_t count_temps(const struct dir *d)
{
	char *cmd;
	assert_true(asprintf(&cmd, "ls -a '%s' | grep -c rtxsh-save", d->path) > 0);
	FILE *p = popen(cmd, "r");
	unsigned n = 0;
	assert_int_equal(fscanf(p, "%u", &n), 1);
	pclose(p);
	free(cmd);
	return n;
}

static void test_target_follows_links(void **state)
{
	(void)state;
	struct dir d;
	dir_make(&d);
	char *real = in(&d, "real.conf"), *rel = in(&d, "rel.conf"),
	     *abs = in(&d, "abs.conf"), *loop = in(&d, "loop.conf");
	assert_int_equal(symlink("real.conf", rel), 0);
	assert_int_equal(symlink(rel, abs), 0);   /* a chain: abs -> rel -> real */
	assert_int_equal(symlink("loop.conf", loop), 0);

	char *t = cfgsave_target(real);           /* not there yet: itself */
	assert_string_equal(t, real);
	free(t);
	t = cfgsave_target(abs);                  /* dangling: the target */
	assert_string_equal(t, real);
	free(t);
	errno = 0;
	assert_null(cfgsave_target(loop));
	assert_int_equal(errno, ELOOP);
	free(real);
	free(rel);
	free(abs);
	free(loop);
	dir_remove(&d);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void test_clean_spares_live_and_foreign(void **state)
{
	(void)state;
	struct dir d;
	dir_make(&d);
	char *conf = in(&d, "r.conf"), *stale = in(&d, ".r.conf.rtxsh-save.Ab12Cd"),
	     *live = in(&d, ".r.conf.rtxsh-save.Zz99Yy"), *other = in(&d, ".r.conf.rtxsh-save.x"),
	     *kin = in(&d, ".rr.conf.rtxsh-save.Ab12Cd");
	touch(stale);
	touch(other);
	touch(kin);
	int fd = open(live, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);  /* a save in progress */

	cfgsave_clean(conf);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(access(kin, F_OK), 0);
	close(fd);
	cfgsave_clean(conf);                      /* the lock is gone: stale now */
	assert_int_equal(access(live, F_OK), -1);
	free(conf);
	free(stale);
	free(live);
	free(other);
	free(kin);
	dir_remove(&d);
}

static void test_failure_says_why_and_leaves_nothing(void **state)
{
	(void)state;
	struct dir d;
	dir_make(&d);
	char *sub = in(&d, "sub");
	assert_int_equal(mkdir(sub, 0700), 0);
	struct fx *f = fx_start((struct router_opts){ 0 });
	char *why = NULL;
	assert_int_equal(cfgsave_write(f->c->cfg, sub, &why), -1);
	char *want;
	assert_true(asprintf(&want, "%s: Is a directory", sub) > 0);
	assert_string_equal(why, want);
	assert_int_equal(count_temps(&d), 0);
	free(why);
	free(want);
	fx_free(f);
	free(sub);
	dir_remove(&d);
}

static enum gerr save_words(struct fx *f, const char *file)
{
	char *w[2] = { "save", (char *)file };
	struct cmd_args a = { .n = file ? 2 : 1, .w = w };
	return cmd_save(f->s, &a);
}

static void test_save_file_names_the_config(void **state)
{
	(void)state;
	struct dir d;
	dir_make(&d);
	char *one = in(&d, "one.conf"), *two = in(&d, "two.conf");
	struct fx *f = fx_start((struct router_opts){ 0 });
	run(f, "ip lan1 address 192.168.100.1/24");
	assert_int_equal(save_words(f, NULL), GE_NO_PATH);

	/* `save FILE` writes FILE, says so, and plain `save` goes there next. */
	assert_int_equal(save_words(f, one), GE_OK);
	fflush(f->outf);
	char *said;
	assert_true(asprintf(&said, "Saving ... %s Done .\n", one) > 0);
	assert_string_equal(f->out, said);
	assert_string_equal(f->r->config_path, one);
	run(f, "ip lan2 address 10.0.0.1/8");
	assert_int_equal(save_words(f, NULL), GE_OK);
	struct stat st;
	assert_int_equal(stat(one, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Another name later is a copy: the config file stays the first. */
	assert_int_equal(save_words(f, two), GE_OK);
	assert_string_equal(f->r->config_path, one);
	assert_int_equal(access(two, F_OK), 0);

	/* With a Japanese console, the RTX's Japanese words. */
	assert_int_equal(cli_exec(f->s, "console character ja.utf8", 0), 0);
	assert_int_equal(save_words(f, NULL), GE_OK);
	fflush(f->outf);
	assert_non_null(strstr(f->out, "セーブ中... "));
	free(said);
	fx_free(f);
	free(one);
	free(two);
	dir_remove(&d);
}

static void test_save_question_reports_failure(void **state)
{
	(void)state;
	struct fx *f = fx_start((struct router_opts){ .config_path = "/nonexistent/dir/r.conf" });
	cli_session_set_script(f->s, false);
	assert_int_equal(cli_exec(f->s, "ip lan1 address 192.168.100.1/24", 0), 0);
	assert_int_equal(cli_exec(f->s, "exit", 0), 0);
	assert_string_equal(cli_prompt(f->s), "Save new configuration ? (Y/N) ");
	assert_true(cli_exec(f->s, "y", 0) < 0);
	fflush(f->outf);
	assert_non_null(strstr(f->out, "Error: Cannot save the configuration: "
				       "\"/nonexistent/dir/r.conf: No such file or directory\""));
	/* Still in administrator mode, the changes still running. */
	assert_string_equal(cli_prompt(f->s), "# ");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_follows_links),
		cmocka_unit_test(test_clean_spares_live_and_foreign),
		cmocka_unit_test(test_failure_says_why_and_leaves_nothing),
		cmocka_unit_test(test_save_file_names_the_config),
		cmocka_unit_test(test_save_question_reports_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
