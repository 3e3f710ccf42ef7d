/* rtxsh: options, the router, its local console (a terminal with libedit,
 * or a script on stdin), the console socket, and the one loop. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/loop.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cfgsave.h"
#include "shell/cli.h"
#include "shell/cmd_doc.h"
#include "shell/console.h"
#include "shell/editline.h"
#include "shell/scenario.h"
#include "shell/script.h"

/* Exit statuses, as the man page lists them. */
enum {
	EXIT_LINE_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_SYSTEM = 3,
};

/* Kept word for word in step with doc/rtxsh.1. */
static const char usage_text[] =
	"Usage: rtxsh [options]\n"
	"A Yamaha RTX-style router shell with an IKEv2 engine.\n"
	"\n"
	"  -c, --config FILE    run FILE at start as the startup config; save writes it\n"
	"  -k, --kernel KIND    kernel backend: sim (default) or netlink\n"
	"      --interface lanN=IFNAME  the host interface that stands for lanN\n"
	"                       (default lan1=eth0, lan2=eth1, ...; -k netlink)\n"
	"      --ike-port PORT[,NATT]  UDP ports for IKE and NAT-T instead of 500\n"
	"                       and 4500 (NATT defaults to PORT+1), for this router\n"
	"                       and its peers alike: tests and unprivileged runs\n"
	"      --route-table N  routing table for the router's routes, selected by an\n"
	"                       ip rule before main (default 221; -k netlink)\n"
	"      --model NAME     RTX model to emulate (default " RTX_MODEL_DEFAULT ")\n"
	"      --threads N      threads for key exchanges and certificate signatures\n"
	"                       (default: one per CPU, at most 16; 0: on the event\n"
	"                       loop's thread)\n"
	"      --log-file FILE  also write the log to FILE (- for stderr; created 0600;\n"
	"                       at 16 MiB it moves to FILE.1 and FILE starts again)\n"
	"      --socket PATH    also serve console sessions on the Unix socket PATH\n"
	"      --connect PATH   attach to the rtxsh serving PATH (asks its login\n"
	"                       password if set; scripts: RTXSH_PASSWORD)\n"
	"      --scenario FILE  run the routers, network and timeline of FILE on a\n"
	"                       virtual clock and print the transcript (doc/scenario.md)\n"
	"      --commands       print the command reference (Markdown) and exit\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"With a terminal on stdin, rtxsh is interactive (? for help, TAB completes,\n"
	"Ctrl-D is quit). Lines are UTF-8, at most 4096 bytes.\n"
	"Otherwise stdin is a script run in administrator mode; the exit status is 1\n"
	"if any line failed.\n";

struct options {
	const char *config;
	const char *kernel;
	const char *model;
	const char *log_file;
	const char *socket;
	const char *connect;
	const char *ike_port;
	const char *route_table;
	const char *scenario;
	const char *threads;
	const char *ifmap[ROUTER_LAN_MAX];   /* --interface, in order */
	unsigned n_ifmap;
};

/* What the program runs around the router. */
struct shell {
	struct router *r;
	struct cli *cli;
	struct cli_session *con;     /* the local console */
	struct script *script;       /* stdin as a script ... */
	struct editline *ed;         /* ... or as a terminal */
	struct console_server *srv;
	unsigned startup_failed;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("rtxsh: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'rtxsh --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* Returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_MODEL = 256, OPT_LOG_FILE, OPT_SOCKET, OPT_CONNECT, OPT_IKE_PORT,
	       OPT_COMMANDS, OPT_INTERFACE, OPT_ROUTE_TABLE, OPT_SCENARIO,
	       OPT_THREADS };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "log-file", required_argument, NULL, OPT_LOG_FILE },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "connect", required_argument, NULL, OPT_CONNECT },
		{ "ike-port", required_argument, NULL, OPT_IKE_PORT },
		{ "interface", required_argument, NULL, OPT_INTERFACE },
		{ "route-table", required_argument, NULL, OPT_ROUTE_TABLE },
		{ "scenario", required_argument, NULL, OPT_SCENARIO },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "commands", no_argument, NULL, OPT_COMMANDS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:k:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'k': o->kernel = optarg; break;
		case OPT_MODEL: o->model = optarg; break;
		case OPT_LOG_FILE: o->log_file = optarg; break;
		case OPT_SOCKET: o->socket = optarg; break;
		case OPT_CONNECT: o->connect = optarg; break;
		case OPT_IKE_PORT: o->ike_port = optarg; break;
		case OPT_ROUTE_TABLE: o->route_table = optarg; break;
		case OPT_SCENARIO: o->scenario = optarg; break;
		case OPT_THREADS: o->threads = optarg; break;
		case OPT_INTERFACE:
			if (o->n_ifmap == ROUTER_LAN_MAX)
				return usage_error("at most %d --interface options", ROUTER_LAN_MAX);
			o->ifmap[o->n_ifmap++] = optarg;
			break;
		case OPT_COMMANDS:
			cmd_doc_print(stdout);
			return 0;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("rtxsh %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->connect && (o->config || o->kernel || o->model || o->log_file || o->socket ||
			   o->ike_port || o->n_ifmap || o->route_table || o->threads))
		return usage_error("%s", "--connect attaches to a running router and takes no other option");
	if (o->scenario && (o->connect || o->config || o->kernel || o->model || o->log_file ||
			    o->socket || o->ike_port || o->n_ifmap || o->route_table || o->threads))
		return usage_error("%s", "--scenario FILE holds its routers' models and configs and takes no other option");
	return -1;
}

static int pick_model(const char *name, const struct rtx_model **out)
{
	*out = name ? model_find(name) : model_default();
	if (*out)
		return -1;
	fprintf(stderr, "rtxsh: unknown model '%s'; known models:", name);
	for (unsigned i = 0; model_at(i); i++)
		fprintf(stderr, " %s", model_at(i)->name);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static int pick_kernel(const char *name, enum kernel_backend *out)
{
	*out = KERNEL_SIM;
	if (name && router_backend_parse(name, out) < 0)
		return usage_error("unknown kernel backend '%s' (use sim or netlink)", name);
	return -1;
}

/* "PORT" or "PORT,NATT", each 1..65535 and distinct. */
static int pick_ports(const char *arg, struct router_opts *ro)
{
	if (!arg)
		return -1;
	char *end;
	unsigned long p = strtoul(arg, &end, 10), n = p + 1;
	if (*end == ',')
		n = strtoul(end + 1, &end, 10);
	if (*end || arg[0] < '0' || arg[0] > '9' || p < 1 || p > 65535 || n < 1 ||
	    n > 65535 || n == p)
		return usage_error("--ike-port wants PORT or PORT,NATT (1-65535, distinct), not '%s'",
				   arg);
	ro->ike_port = (uint16_t)p;
	ro->natt_port = (uint16_t)n;
	return -1;
}

/* 1..4294967295 but not 253-255 (the kernel's default, main and local). */
static int pick_route_table(const char *arg, struct router_opts *ro)
{
	if (!arg)
		return -1;
	char *end;
	errno = 0;
	unsigned long long t = strtoull(arg, &end, 10);
	if (*end || arg[0] < '0' || arg[0] > '9' || errno || t < 1 || t > 0xffffffffull ||
	    (t >= 253 && t <= 255))
		return usage_error("--route-table wants a table number 1-4294967295 other than "
				   "253-255 (default, main, local), not '%s'", arg);
	ro->route_table = (uint32_t)t;
	return -1;
}

#define THREADS_MAX 16

/* 0..THREADS_MAX; by default one per CPU: the loop's thread mostly waits
 * for them while handshakes arrive faster than one core computes them. */
static int pick_threads(const char *arg, struct router_opts *ro)
{
	if (!arg) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		ro->threads = n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX : (unsigned)n;
		return -1;
	}
	char *end;
	unsigned long n = strtoul(arg, &end, 10);
	if (*end || arg[0] < '0' || arg[0] > '9' || n > THREADS_MAX)
		return usage_error("--threads wants 0-%d, not '%s'", THREADS_MAX, arg);
	ro->threads = (unsigned)n;
	return -1;
}

/* --interface lanN=IFNAME, each; returns -1 to go on. */
static int map_interfaces(struct router *r, const struct options *o)
{
	for (unsigned i = 0; i < o->n_ifmap; i++) {
		int err = router_map_interface(r, o->ifmap[i]);
		if (err == -RTX_EINVAL)
			return usage_error("--interface wants lanN=IFNAME (N 1-%d, a Linux "
					   "interface name), not '%s'", ROUTER_LAN_MAX, o->ifmap[i]);
		if (err) {
			fputs("rtxsh: out of memory\n", stderr);
			return EXIT_SYSTEM;
		}
	}
	return -1;
}

static int open_log(struct shell *sh, const char *path)
{
	if (!path)
		return -1;
	if (strcmp(path, "-") == 0) {
		log_set_stream(sh->r->log, stderr);
		return -1;
	}
	/* log_open_file: owner only (key-info lines hold key material) and
	 * bounded by rotation to FILE.1. */
	int err = log_open_file(sh->r->log, path, 0);
	if (err) {
		fprintf(stderr, "rtxsh: cannot open log file %s: %s\n", path, strerror(-err));
		return EXIT_SYSTEM;
	}
	return -1;
}

/* ---- the startup config ---- */

struct startup {
	struct cli_session *s;
	const char *path;
};

/* Errors of the startup config go to stderr, each line prefixed with the
 * file name, so the operator sees which file the line number is in. */
static int startup_line(void *arg, const char *line, size_t len, unsigned lineno)
{
	struct startup *st = arg;
	char *buf = NULL;
	size_t buf_len = 0;
	FILE *m = open_memstream(&buf, &buf_len);
	if (!m)
		return -RTX_ENOMEM;
	int rc = -RTX_EPARSE;
	if (!line) {
		cli_report_too_long(m, lineno);
	} else {
		cli_session_set_out(st->s, m);
		rc = cli_exec_bytes(st->s, line, len, lineno);
		cli_session_set_out(st->s, stderr);
	}
	fclose(m);
	for (char *p = buf, *nl; p && *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		fprintf(stderr, "rtxsh: %s: %.*s\n", st->path, (int)(nl - p), p);
		if (!*nl)
			break;
	}
	free(buf);
	return rc;
}

static int load_startup(struct shell *sh, const char *path)
{
	if (!path)
		return -1;
	struct startup st = { cli_session_new(sh->cli, stderr, true), path };
	if (!st.s)
		return EXIT_SYSTEM;
	/* A save the last run did not finish may have left its temp file. */
	cfgsave_clean(path);
	int rc = script_load_file(path, startup_line, &st, &sh->startup_failed);
	cli_session_free(st.s);
	/* What was just loaded is what the file holds: nothing to save. */
	cli_mark_saved(sh->cli);
	if (rc == -RTX_ENOENT) {
		fprintf(stderr, "rtxsh: %s does not exist yet; starting with an empty "
			"configuration (save creates it)\n", path);
	} else if (rc < 0) {
		fprintf(stderr, "rtxsh: cannot read %s: %s\n", path, strerror(errno));
		return EXIT_SYSTEM;
	}
	return -1;
}

/* ---- the local console ---- */

static void console_end(struct shell *sh)
{
	script_stop(sh->script);
	editline_free(sh->ed);
	sh->ed = NULL;
	/* With a socket the router outlives its own console. */
	if (!sh->srv)
		loop_stop(sh->r->loop);
}

static int console_exec(struct shell *sh, const char *line, size_t len, unsigned lineno)
{
	int rc = cli_exec_bytes(sh->con, line, len, lineno);
	fflush(stdout);
	if (sh->r->shutdown)
		loop_stop(sh->r->loop);
	if (sh->r->shutdown || cli_session_closed(sh->con))
		console_end(sh);
	return rc;
}

static int script_line(void *arg, const char *line, size_t len, unsigned lineno)
{
	if (line)
		return console_exec(arg, line, len, lineno);
	cli_report_too_long(stdout, lineno);
	fflush(stdout);
	return -RTX_EPARSE;
}

static void script_eof(void *arg)
{
	struct shell *sh = arg;
	cli_apply(sh->cli);
	console_end(sh);
}

static void ed_line(void *arg, const char *line, size_t len)
{
	struct shell *sh = arg;
	if (line)
		console_exec(sh, line, len, 0);
	else
		console_end(sh);   /* the terminal went away */
}

static void ed_too_long(void *arg)
{
	(void)arg;
	cli_report_too_long(stdout, 0);
	fflush(stdout);
}

static void ed_help(void *arg, const char *prefix)
{
	struct shell *sh = arg;
	cli_help(sh->con, prefix, stdout);
}

static size_t ed_complete(void *arg, const char *prefix, char ***words)
{
	struct shell *sh = arg;
	return cli_complete(sh->con, prefix, words);
}

static const char *ed_prompt(void *arg)
{
	struct shell *sh = arg;
	return cli_prompt(sh->con);
}

static bool ed_secret(void *arg)
{
	struct shell *sh = arg;
	return sh->con && cli_secret(sh->con);
}

/* Ctrl-D is `quit`, as typed: at `#` it asks to save unsaved changes,
 * at `>` it logs out. */
static const struct editline_ops console_ops = {
	.line = ed_line, .too_long = ed_too_long, .help = ed_help,
	.complete = ed_complete, .prompt = ed_prompt, .secret = ed_secret,
	.eof_line = "quit", .line_max = CLI_LINE_MAX,
};

static int console_start(struct shell *sh)
{
	bool tty = isatty(STDIN_FILENO);
	/* A terminal is a login (normal mode); a script is administrator. */
	sh->con = cli_session_new(sh->cli, stdout, !tty);
	if (!sh->con)
		return -RTX_ENOMEM;
	if (tty) {
		/* What the user is talking to; a script's output stays its own. */
		cli_banner(sh->cli, stdout);
		sh->ed = editline_new(sh->r->loop, &console_ops, sh);
	} else {
		sh->script = script_new(sh->r->loop, STDIN_FILENO, script_line, script_eof, sh);
	}
	return sh->ed || sh->script ? 0 : -RTX_ENOMEM;
}

/* ---- signals ---- */

static void on_signal(struct loop *l, int signo, void *arg)
{
	struct shell *sh = arg;
	/* At the terminal, Ctrl-C drops the line being typed, as on the
	 * router's own console; it never stops the router. */
	if (signo == SIGINT && sh->ed) {
		editline_cancel(sh->ed);
		return;
	}
	if (signo == SIGWINCH || signo == SIGCONT) {
		editline_resize(sh->ed);
		return;
	}
	sh->r->shutdown = true;
	loop_stop(l);
}

static int take_signals(struct shell *sh)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGCONT };
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (loop_signal_add(sh->r->loop, sigs[i], on_signal, sh) < 0)
			return -RTX_EIO;
	return 0;
}

/* ---- main ---- */

static int shell_run(struct shell *sh, const struct options *o)
{
	int st = open_log(sh, o->log_file);
	if (st < 0)
		st = load_startup(sh, o->config);
	if (st >= 0 || sh->r->shutdown)
		return st >= 0 ? st : 0;
	/* The whole startup config at once, then the sockets can be bound to
	 * its local addresses. */
	if (cli_apply(sh->cli) < 0 || router_start(sh->r, stderr) < 0)
		return EXIT_SYSTEM;
	if (o->socket) {
		const char *err;
		sh->srv = console_server_new(sh->cli, sh->r->loop, o->socket, &err);
		if (!sh->srv) {
			fprintf(stderr, "rtxsh: %s: %s\n", o->socket, err);
			return EXIT_SYSTEM;
		}
	}
	if (take_signals(sh) < 0 || console_start(sh) < 0) {
		fputs("rtxsh: cannot start the console\n", stderr);
		return EXIT_SYSTEM;
	}
	if (loop_run(sh->r->loop) < 0) {
		fprintf(stderr, "rtxsh: event loop failed: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	bool failed = sh->startup_failed || (sh->script && script_failed(sh->script));
	return failed ? EXIT_LINE_FAILED : 0;
}

static void shell_free(struct shell *sh)
{
	console_server_free(sh->srv);
	editline_free(sh->ed);
	script_free(sh->script);
	cli_session_free(sh->con);
	cli_free(sh->cli);
	if (sh->r)
		log_set_stream(sh->r->log, NULL);
	router_free(sh->r);
}

/* With stdin (or stdout, stderr) closed, the next socket would get fd 0
 * and be read as the script: give the missing ones /dev/null. */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) < 0)
			_exit(EXIT_SYSTEM);
}

int main(int argc, char **argv)
{
	ensure_std_fds();
	struct options o = { 0 };
	int st = parse_options(argc, argv, &o);
	if (st >= 0)
		return st;
	if (o.connect)
		return console_client_run(o.connect, isatty(STDIN_FILENO));
	if (o.scenario)
		return scenario_run(o.scenario, stdout, stderr);

	struct router_opts ro = { .config_path = o.config };
	if ((st = pick_model(o.model, &ro.model)) >= 0 ||
	    (st = pick_kernel(o.kernel, &ro.kernel)) >= 0 ||
	    (st = pick_ports(o.ike_port, &ro)) >= 0 ||
	    (st = pick_route_table(o.route_table, &ro)) >= 0 ||
	    (st = pick_threads(o.threads, &ro)) >= 0)
		return st;

	struct shell sh = { 0 };
	sh.r = router_new(&ro);
	sh.cli = sh.r ? cli_new(sh.r) : NULL;
	if (!sh.cli) {
		fputs("rtxsh: out of memory\n", stderr);
		st = EXIT_SYSTEM;
	} else if ((st = map_interfaces(sh.r, &o)) < 0) {
		st = shell_run(&sh, &o);
	}
	shell_free(&sh);
	fflush(stdout);
	return st;
}
