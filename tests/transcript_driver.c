/* Transcript driver: feeds stdin to one cli session in script mode and
 * prints what a console would show, so testdata/transcripts/NAME.out can
 * be compared byte for byte. Each line is echoed after the prompt.
 *
 * Driver directives (not router input):
 *   !model NAME       first line only: emulate that model
 *   !config PATH      first lines only: `save` writes there
 *   !normal           start in normal mode (default: administrator)
 *   !complete TEXT    print the TAB completions of TEXT
 *   TEXT?             print the `?` help for TEXT
 * Exits 1 if any router line failed, 2 on a driver error. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cli.h"

struct opts {
	const struct rtx_model *model;
	const char *config;
	bool normal;
};

static char **read_lines(size_t *n)
{
	char **v = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	*n = 0;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		char **nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv)
			exit(2);
		v = nv;
		v[(*n)++] = strdup(line);
	}
	free(line);
	return v;
}

static size_t directives(char **lines, size_t n, struct opts *o)
{
	size_t i = 0;
	for (; i < n; i++) {
		if (strncmp(lines[i], "!model ", 7) == 0) {
			o->model = model_find(lines[i] + 7);
			if (!o->model) {
				fprintf(stderr, "unknown model %s\n", lines[i] + 7);
				exit(2);
			}
		} else if (strncmp(lines[i], "!config ", 8) == 0) {
			o->config = lines[i] + 8;
		} else if (strcmp(lines[i], "!normal") == 0) {
			o->normal = true;
		} else {
			break;
		}
	}
	return i;
}

static void complete(struct cli_session *s, const char *text)
{
	char **c;
	size_t n = cli_complete(s, text, &c);
	printf("complete \"%s\":", text);
	for (size_t i = 0; i < n; i++) {
		printf(" %s", c[i]);
		free(c[i]);
	}
	printf("\n");
	free(c);
}

int main(void)
{
	struct opts o = { 0 };
	size_t n;
	setenv("TZ", "UTC", 1);   /* times in transcripts read the same anywhere */
	tzset();
	char **lines = read_lines(&n);
	size_t first = directives(lines, n, &o);
	struct clock_virtual vc;
	clock_virtual_init(&vc, 1700000000);
	struct router_opts ro = { .model = o.model, .clock = &vc.base,
				  .config_path = o.config };
	struct router *r = router_new(&ro);
	struct cli *c = r ? cli_new(r) : NULL;
	struct cli_session *s = c ? cli_session_new(c, stdout, !o.normal) : NULL;
	int rc = s ? 0 : 2;
	for (size_t i = first; s && i < n && !cli_session_closed(s); i++) {
		const char *l = lines[i];
		size_t len = strlen(l);
		printf("%s%s\n", cli_prompt(s), l);
		if (strncmp(l, "!complete ", 10) == 0) {
			complete(s, l + 10);
		} else if (len && l[len - 1] == '?') {
			char *p = strndup(l, len - 1);
			cli_help(s, p, stdout);
			free(p);
		} else if (cli_exec(s, l, (unsigned)(i + 1)) < 0) {
			rc = 1;
		}
		fflush(stdout);
	}
	cli_session_free(s);
	cli_free(c);
	router_free(r);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return rc;
}
