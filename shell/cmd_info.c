/* `help` and `show environment`: how to use the console, and what runs. */
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "base/clock.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cmd.h"

/* The RTX's `help` explains its line editor; this one explains ours
 * (libedit, emacs bindings) and where the command reference is. */
static const char help_text[] =
	"Type a command and press Enter; its words are those of a Yamaha RTX.\n"
	"  ?              what may come next: at the start, the commands this mode\n"
	"                 may run; ? again on the same line also lists the rest\n"
	"                 (other modes, and commands kept but not emulated)\n"
	"  TAB            complete the word being typed\n"
	"  Ctrl-A Ctrl-E  start / end of the line\n"
	"  Ctrl-B Ctrl-F  back / forward one character (or the arrow keys)\n"
	"  Ctrl-P Ctrl-N  previous / next line of the history (or the arrow keys)\n"
	"  Ctrl-K         erase to the end of the line\n"
	"  Ctrl-U         erase the whole line\n"
	"  Ctrl-C         drop the line being typed\n"
	"  Ctrl-D         on an empty line: quit (asks to save unsaved changes)\n"
	"administrator enters administrator mode (prompt #), where settings are\n"
	"changed; exit or quit leaves it. no COMMAND restores a setting's default.\n"
	"tunnel select N makes tunnel N the one that tunnel settings apply to.\n"
	"show config prints the running configuration, save [FILE] writes it.\n"
	"Every command: rtxsh --commands (doc/commands.md); usage: man rtxsh.\n";

enum gerr cmd_help(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	fputs(help_text, s->out);
	return GE_OK;
}

static void when(FILE *out, const char *label, time_t t)
{
	struct tm tm;
	char buf[48] = "-";
	if (localtime_r(&t, &tm))
		strftime(buf, sizeof(buf), "%Y/%m/%d %H:%M:%S %z", &tm);
	fprintf(out, "%s: %s\n", label, buf);
}

/* As the RTX's, less its hardware lines: what runs, its config file and
 * its times. */
enum gerr cmd_show_environment(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	struct cli *c = s->c;
	struct router *r = c->r;
	time_t now = r->clock->wall(r->clock);
	unsigned long long up = now > c->boot ? (unsigned long long)(now - c->boot) : 0;
	fprintf(s->out, "rtxsh %s emulating %s\n", PACKAGE_VERSION, r->model->name);
	fprintf(s->out, "Kernel backend: %s\n", r->backend == KERNEL_NETLINK
		? "netlink (Linux XFRM)" : "sim (SAs in memory only)");
	fprintf(s->out, "Config. file: %s\n", r->config_path ? r->config_path : "(none)");
	when(s->out, "Boot time", c->boot);
	when(s->out, "Current time", now);
	fprintf(s->out, "Elapsed time from boot: %lludays %02llu:%02llu:%02llu\n",
		up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
	return GE_OK;
}
