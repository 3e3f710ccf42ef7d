/* Scenario runs: see scenario.h, and doc/scenario.md for the file format. */
#include "shell/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "engine/loop.h"
#include "engine/memnet.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cli.h"

#define SCN_ROUTERS_MAX 16
#define SCN_NAME_MAX 16
/* Timers that keep re-arming at zero delay would hold virtual time still
 * for ever: past this many rounds without time moving, the run stops. */
#define SCN_SPIN_MAX 1000000
/* 2026-01-01 00:00:00 UTC: log timestamps read the same on every run. */
#define SCN_EPOCH 1767225600
#define SCN_DEFAULT_DELAY_MS 10

struct scn_line {
	char *text;
	unsigned lineno;
};

struct scn_router {
	char name[SCN_NAME_MAX];
	struct ip_addr addr;
	const struct rtx_model *model;
	struct scn_line *config;
	size_t n_config;
	uint64_t rng;               /* splitmix64 state of the engine's randomness */
	struct router *r;
	struct cli *cli;
	struct cli_session *s;
};

enum scn_kind { EV_COMMAND, EV_NETWORK, EV_DOWN, EV_UP, EV_RESTART, EV_NAT_REBIND };

struct scn_event {
	uint64_t at_ms;
	unsigned lineno;
	enum scn_kind kind;
	uint32_t targets;           /* routers, by bit: commands and restarts */
	char *text;                 /* the command, or the line for network events */
	struct memnet_faults faults;
};

struct scn_nat {
	size_t router;
	struct ip_addr pub;
};

struct scenario {
	const char *path;
	FILE *out, *err;
	uint64_t seed;
	struct memnet_faults faults;   /* now, and what `network up` restores */
	struct scn_router routers[SCN_ROUTERS_MAX];
	size_t n_routers;
	struct scn_nat nats[SCN_ROUTERS_MAX];
	size_t n_nats;
	struct scn_event *ev;
	size_t n_ev;
	struct clock_virtual clock;
	struct loop *loop;
	struct memnet *net;
	bool refused;               /* a router refused a line */
};

/* ---- durations and small parsers ------------------------------------------ */

long long scenario_duration_ms(const char *text)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 },
	};
	const long long max = 1000LL * 86400000;
	long long total = 0;
	const char *p = text;
	if (!*p)
		return -1;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		long long v = 0;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > max)
				return -1;
		}
		size_t ulen = 0;
		while (isalpha((unsigned char)p[ulen]))
			ulen++;
		long long mul = 0;
		if (!ulen && !*p && p != text && total == 0)
			mul = 1000;              /* a bare number: seconds */
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (ulen && strlen(units[i].unit) == ulen && !strncmp(p, units[i].unit, ulen))
				mul = units[i].ms;
		if (!mul)
			return -1;
		total += v * mul;
		if (total > max)
			return -1;
		p += ulen;
	}
	return total;
}

static int percent(const char *text, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (!isdigit((unsigned char)*text) || strcmp(end, "%") || v > 100)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Splits s in place into at most max words; returns how many. */
static size_t split(char *s, char **w, size_t max)
{
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

static void fmt_time(uint64_t ms, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 ":%02u:%02u.%03u", ms / 3600000, (unsigned)(ms / 60000 % 60),
		 (unsigned)(ms / 1000 % 60), (unsigned)(ms % 1000));
}

/* ---- parsing ---------------------------------------------------------------- */

struct parser {
	struct scenario *sc;
	unsigned lineno;
	struct scn_router *cur;   /* the router block indented lines belong to */
};

static int bad(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(p->sc->err, "rtxsh: %s:%u: ", p->sc->path, p->lineno);
	vfprintf(p->sc->err, fmt, ap);
	fputc('\n', p->sc->err);
	va_end(ap);
	return -1;
}

static struct scn_router *router_named(struct scenario *sc, const char *name, size_t *idx)
{
	for (size_t i = 0; i < sc->n_routers; i++)
		if (!strcmp(sc->routers[i].name, name)) {
			if (idx)
				*idx = i;
			return &sc->routers[i];
		}
	return NULL;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n >= SCN_NAME_MAX || !strcmp(s, "all"))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* `drop N%`, `duplicate N%`, `reorder N%`, `delay DURATION`, in any order. */
static int parse_faults(struct parser *p, char **w, size_t n, struct memnet_faults *f)
{
	if (!n)
		return bad(p, "network: say drop, duplicate, reorder or delay (or down, up)");
	for (size_t i = 0; i < n; i += 2) {
		if (i + 1 == n)
			return bad(p, "network: '%s' wants a value", w[i]);
		const char *v = w[i + 1];
		long long ms;
		if (!strcmp(w[i], "drop") && !percent(v, &f->drop_pct))
			continue;
		if (!strcmp(w[i], "duplicate") && !percent(v, &f->dup_pct))
			continue;
		if (!strcmp(w[i], "reorder") && !percent(v, &f->reorder_pct))
			continue;
		if (!strcmp(w[i], "delay") && (ms = scenario_duration_ms(v)) >= 0 && ms <= 60000) {
			f->delay_ms = (uint32_t)ms;
			continue;
		}
		if (!strcmp(w[i], "delay"))
			return bad(p, "network: delay wants a duration up to 60s, not '%s'", v);
		if (!strcmp(w[i], "drop") || !strcmp(w[i], "duplicate") || !strcmp(w[i], "reorder"))
			return bad(p, "network: %s wants a percentage 0%%..100%%, not '%s'", w[i], v);
		return bad(p, "network: unknown setting '%s' (drop, duplicate, reorder, delay)", w[i]);
	}
	return 0;
}

static int add_line(struct parser *p, struct scn_line **v, size_t *n, const char *text)
{
	struct scn_line *grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (!grown)
		return bad(p, "out of memory");
	*v = grown;
	if (!(grown[*n].text = strdup(text)))
		return bad(p, "out of memory");
	grown[(*n)++].lineno = p->lineno;
	return 0;
}

static struct scn_event *add_event(struct parser *p, uint64_t at, enum scn_kind kind)
{
	struct scenario *sc = p->sc;
	struct scn_event *grown = realloc(sc->ev, (sc->n_ev + 1) * sizeof(*grown));
	if (!grown) {
		bad(p, "out of memory");
		return NULL;
	}
	sc->ev = grown;
	struct scn_event *e = &grown[sc->n_ev++];
	*e = (struct scn_event){ .at_ms = at, .lineno = p->lineno, .kind = kind };
	return e;
}

/* "a", "a,b" or "all" into a bit set of routers. */
static int targets(struct parser *p, char *names, uint32_t *out)
{
	*out = 0;
	if (!strcmp(names, "all")) {
		*out = (uint32_t)((1ULL << p->sc->n_routers) - 1);
		return 0;
	}
	for (char *save = NULL, *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;
		if (!router_named(p->sc, t, &i))
			return bad(p, "no router named '%s' (routers are declared before the timeline)", t);
		*out |= 1u << i;
	}
	return *out ? 0 : bad(p, "say which router (a name, names with commas, or all)");
}

/* at TIME NAMES: COMMAND | at TIME network ... | at TIME restart NAME |
 * at TIME nat rebind */
static int parse_at(struct parser *p, char *rest)
{
	char *sp = rest + strcspn(rest, " \t");
	if (!*sp)
		return bad(p, "at: wants a time and what happens then");
	*sp++ = '\0';
	long long at = scenario_duration_ms(rest);
	if (at < 0)
		return bad(p, "at: '%s' is not a time (such as 90s, 1h30m, 250ms, 2d)", rest);
	sp += strspn(sp, " \t");
	char *colon = strchr(sp, ':');
	char *sp2 = sp + strcspn(sp, " \t");
	if (colon && colon < sp2) {          /* the names are one word */
		*colon = '\0';
		char *cmd = colon + 1;
		cmd += strspn(cmd, " \t");
		struct scn_event *e;
		uint32_t t;
		if (!*cmd)
			return bad(p, "at: no command after '%s:'", sp);
		if (targets(p, sp, &t) || !(e = add_event(p, (uint64_t)at, EV_COMMAND)))
			return -1;
		e->targets = t;
		return (e->text = strdup(cmd)) ? 0 : bad(p, "out of memory");
	}
	char *line = strdup(sp), *w[12] = { 0 };
	if (!line)
		return bad(p, "out of memory");
	size_t n = split(sp, w, 11);
	int rc = -1;
	struct scn_event *e;
	if (n >= 1 && !strcmp(w[0], "network")) {
		if (n == 2 && (!strcmp(w[1], "down") || !strcmp(w[1], "up"))) {
			if ((e = add_event(p, (uint64_t)at, !strcmp(w[1], "down") ? EV_DOWN : EV_UP)))
				e->text = line, line = NULL, rc = 0;
		} else {
			struct memnet_faults f = { 0 };
			if (n > 11)
				bad(p, "network: too many words");
			else if (!parse_faults(p, w + 1, n - 1, &f) &&
				 (e = add_event(p, (uint64_t)at, EV_NETWORK))) {
				e->faults = f;
				e->text = line, line = NULL, rc = 0;
			}
		}
	} else if (n == 2 && !strcmp(w[0], "restart")) {
		size_t i;
		if (!router_named(p->sc, w[1], &i))
			bad(p, "restart: no router named '%s'", w[1]);
		else if ((e = add_event(p, (uint64_t)at, EV_RESTART)))
			e->targets = 1u << i, e->text = line, line = NULL, rc = 0;
	} else if (n == 2 && !strcmp(w[0], "nat") && !strcmp(w[1], "rebind")) {
		if (!p->sc->n_nats)
			bad(p, "nat rebind: no router is behind a NAT");
		else if ((e = add_event(p, (uint64_t)at, EV_NAT_REBIND)))
			e->text = line, line = NULL, rc = 0;
	} else {
		bad(p, "at %s: say 'NAME: COMMAND', 'network ...', 'restart NAME' or 'nat rebind'",
		    rest);
	}
	free(line);
	return rc;
}

static int parse_router(struct parser *p, char **w, size_t n)
{
	struct scenario *sc = p->sc;
	if (n != 3 && !(n == 5 && !strcmp(w[3], "model")))
		return bad(p, "router: wants NAME ADDRESS [model MODEL]");
	if (!valid_name(w[1]))
		return bad(p, "router: '%s' is not a name (letters, digits, - and _, up to %d; not 'all')",
			   w[1], SCN_NAME_MAX - 1);
	if (router_named(sc, w[1], NULL))
		return bad(p, "router: '%s' is declared twice", w[1]);
	if (sc->n_routers == SCN_ROUTERS_MAX)
		return bad(p, "router: at most %d routers", SCN_ROUTERS_MAX);
	if (sc->n_ev)
		return bad(p, "router: routers are declared before the timeline");
	struct scn_router *r = &sc->routers[sc->n_routers];
	*r = (struct scn_router){ 0 };
	if (ip_addr_parse(w[2], &r->addr))
		return bad(p, "router: '%s' is not an IPv4 or IPv6 address", w[2]);
	for (size_t i = 0; i < sc->n_routers; i++)
		if (ip_addr_equal(&sc->routers[i].addr, &r->addr))
			return bad(p, "router: %s already has address %s", sc->routers[i].name, w[2]);
	r->model = n == 5 ? model_find(w[4]) : model_default();
	if (!r->model)
		return bad(p, "router: unknown model '%s'", w[4]);
	snprintf(r->name, sizeof(r->name), "%s", w[1]);
	p->cur = r;
	sc->n_routers++;
	return 0;
}

static int parse_directive(struct parser *p, char *line)
{
	struct scenario *sc = p->sc;
	if (!strncmp(line, "at ", 3) || !strncmp(line, "at\t", 3)) {
		p->cur = NULL;
		return parse_at(p, line + 3 + strspn(line + 3, " \t"));
	}
	char *w[12] = { 0 };
	size_t n = split(line, w, 11);
	p->cur = NULL;
	if (!strcmp(w[0], "router"))
		return parse_router(p, w, n);
	if (!strcmp(w[0], "seed")) {
		char *end;
		if (n != 2 || !isdigit((unsigned char)*w[1]))
			return bad(p, "seed: wants one number");
		sc->seed = strtoull(w[1], &end, 10);
		return *end ? bad(p, "seed: wants one number") : 0;
	}
	if (!strcmp(w[0], "network")) {
		if (sc->n_ev)
			return bad(p, "network: the network's start is set before the timeline "
				      "(later: at TIME network ...)");
		return n > 11 ? bad(p, "network: too many words") : parse_faults(p, w + 1, n - 1, &sc->faults);
	}
	if (!strcmp(w[0], "nat")) {
		size_t i;
		struct scn_nat *nat = &sc->nats[sc->n_nats];
		if (n != 3)
			return bad(p, "nat: wants NAME PUBLIC-ADDRESS");
		if (!router_named(sc, w[1], &i))
			return bad(p, "nat: no router named '%s'", w[1]);
		for (size_t k = 0; k < sc->n_nats; k++)
			if (sc->nats[k].router == i)
				return bad(p, "nat: %s is behind a NAT already", w[1]);
		if (ip_addr_parse(w[2], &nat->pub) || nat->pub.family != sc->routers[i].addr.family)
			return bad(p, "nat: '%s' is not an address of %s's family", w[2], w[1]);
		nat->router = i;
		sc->n_nats++;
		return 0;
	}
	return bad(p, "unknown directive '%s' (router, network, nat, seed, at; a router's "
		      "config lines are indented under it)", w[0]);
}

static int parse(struct scenario *sc, FILE *f)
{
	struct parser p = { .sc = sc };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		p.lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strlen(line) != (size_t)len) {
			rc = bad(&p, "a NUL byte in the line");
			break;
		}
		char *t = line + strspn(line, " \t");
		if (!*t)
			continue;
		if (t != line) {                 /* indented: the current router's config */
			if (!p.cur)
				rc = bad(&p, "an indented config line outside a router block");
			else
				rc = add_line(&p, &p.cur->config, &p.cur->n_config, t);
			continue;
		}
		if (*t == '#')
			continue;
		rc = parse_directive(&p, t);
	}
	free(line);
	if (!rc && !sc->n_routers) {
		fprintf(sc->err, "rtxsh: %s: no router: declare one with 'router NAME ADDRESS'\n",
			sc->path);
		rc = -1;
	}
	return rc;
}

static int by_time(const void *a, const void *b)
{
	const struct scn_event *x = a, *y = b;
	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/* ---- running ------------------------------------------------------------------ */

static int scn_rng(void *arg, uint8_t *buf, size_t len)
{
	uint64_t *s = arg;
	for (size_t i = 0; i < len; i++) {
		uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		buf[i] = (uint8_t)(z ^ (z >> 31));
	}
	return 0;
}

static void stamp(struct scenario *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void stamp(struct scenario *sc, const char *fmt, ...)
{
	char t[32];
	va_list ap;
	fmt_time(sc->clock.now_ms, t, sizeof(t));
	fprintf(sc->out, "[%s] ", t);
	va_start(ap, fmt);
	vfprintf(sc->out, fmt, ap);
	va_end(ap);
	fputc('\n', sc->out);
}

/* Builds the router, runs its config lines (lineno 0: lines of a running
 * config, re-run at a restart), and starts it. */
static int boot(struct scenario *sc, struct scn_router *sr, struct scn_line *lines, size_t n)
{
	struct transport *t = memnet_attach(sc->net, &sr->addr);
	struct router_opts o = {
		.model = sr->model, .clock = &sc->clock.base, .kernel = KERNEL_SIM,
		.loop = sc->loop, .transport = t, .rng = scn_rng, .rng_arg = &sr->rng,
	};
	if (!t)
		return -RTX_ENOMEM;
	if (!(sr->r = router_new(&o)) || !(sr->cli = cli_new(sr->r)) ||
	    !(sr->s = cli_session_new(sr->cli, sc->out, true)))
		return -RTX_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (cli_exec(sr->s, lines[i].text, lines[i].lineno) < 0)
			sc->refused = true;
	/* The timeline's commands start at the top, as on a fresh login,
	 * not inside the last `tunnel select` of the config. */
	cli_session_free(sr->s);
	if (!(sr->s = cli_session_new(sr->cli, sc->out, true)))
		return -RTX_ENOMEM;
	cli_mark_saved(sr->cli);
	int err = cli_apply(sr->cli);
	if (!err)
		err = router_start(sr->r, sc->err);
	return err;
}

static void halt(struct scn_router *sr)
{
	cli_session_free(sr->s);
	cli_free(sr->cli);
	router_free(sr->r);
	sr->s = NULL;
	sr->cli = NULL;
	sr->r = NULL;
}

/* A power cycle: the router vanishes without a word (its SAs gone, no
 * Delete sent) and boots again from its running config. */
static int restart(struct scenario *sc, struct scn_router *sr)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return -RTX_ENOMEM;
	cli_show_config(sr->cli, m);
	fclose(m);
	halt(sr);
	struct scn_line *lines = NULL;
	size_t n = 0;
	int err = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && !err;
	     l = strtok_r(NULL, "\n", &save)) {
		struct scn_line *grown = realloc(lines, (n + 1) * sizeof(*lines));
		if (!grown) {
			err = -RTX_ENOMEM;
			break;
		}
		lines = grown;
		lines[n++] = (struct scn_line){ l, 0 };
	}
	if (!err)
		err = boot(sc, sr, lines, n);
	free(lines);
	free(text);
	return err;
}

/* Fires every timer due up to target, moving the clock from one deadline
 * to the next, and leaves the clock at target. */
static int advance_to(struct scenario *sc, uint64_t target)
{
	unsigned spins = 0;
	for (;;) {
		int64_t next = loop_next_timer_ms(sc->loop);
		uint64_t now = sc->clock.now_ms;
		if (next < 0 || now + (uint64_t)next > target) {
			clock_virtual_advance(&sc->clock, target - now);
			return 0;
		}
		if (next > 0) {
			clock_virtual_advance(&sc->clock, (uint64_t)next);
			spins = 0;
		} else if (++spins > SCN_SPIN_MAX) {
			return -RTX_EIO;
		}
		if (loop_run_once(sc->loop, 0) < 0)
			return -RTX_EIO;
	}
}

static int perform(struct scenario *sc, const struct scn_event *e)
{
	static const struct memnet_faults all_lost = { .drop_pct = 100 };
	switch (e->kind) {
	case EV_COMMAND:
		for (size_t i = 0; i < sc->n_routers; i++) {
			struct scn_router *sr = &sc->routers[i];
			if (!(e->targets & (1u << i)))
				continue;
			char t[32];
			fmt_time(sc->clock.now_ms, t, sizeof(t));
			fprintf(sc->out, "[%s %s] %s%s\n", t, sr->name, cli_prompt(sr->s), e->text);
			if (cli_exec(sr->s, e->text, e->lineno) < 0)
				sc->refused = true;
			fflush(sc->out);
		}
		return 0;
	case EV_NETWORK:
		sc->faults = e->faults;
		memnet_set_faults(sc->net, &sc->faults);
		break;
	case EV_DOWN:
		memnet_set_faults(sc->net, &all_lost);
		break;
	case EV_UP:
		memnet_set_faults(sc->net, &sc->faults);
		break;
	case EV_NAT_REBIND:
		memnet_nat_rebind(sc->net);
		break;
	case EV_RESTART:
		for (size_t i = 0; i < sc->n_routers; i++)
			if (e->targets & (1u << i)) {
				stamp(sc, "%s", e->text);
				return restart(sc, &sc->routers[i]);
			}
		return 0;
	}
	stamp(sc, "%s", e->text);
	return 0;
}

static int run(struct scenario *sc)
{
	clock_virtual_init(&sc->clock, SCN_EPOCH);
	if (!(sc->loop = loop_new(&sc->clock.base)) || !(sc->net = memnet_new(sc->loop, sc->seed)))
		return -RTX_ENOMEM;
	memnet_set_faults(sc->net, &sc->faults);
	for (size_t i = 0; i < sc->n_nats; i++)
		if (memnet_add_nat(sc->net, &sc->routers[sc->nats[i].router].addr, &sc->nats[i].pub))
			return -RTX_ENOMEM;
	for (size_t i = 0; i < sc->n_routers; i++) {
		struct scn_router *sr = &sc->routers[i];
		char a[64];
		sr->rng = sc->seed ^ (0x9e3779b97f4a7c15ull * (i + 1));
		stamp(sc, "boot %s %s (%s, %zu config lines)", sr->name,
		      ip_addr_str(&sr->addr, a, sizeof(a)), sr->model->name, sr->n_config);
		int err = boot(sc, sr, sr->config, sr->n_config);
		if (err)
			return err;
	}
	qsort(sc->ev, sc->n_ev, sizeof(*sc->ev), by_time);
	for (size_t i = 0; i < sc->n_ev; i++) {
		int err = advance_to(sc, sc->ev[i].at_ms);
		if (!err)
			err = perform(sc, &sc->ev[i]);
		if (err)
			return err;
	}
	fflush(sc->out);
	return 0;
}

static void scenario_free(struct scenario *sc)
{
	for (size_t i = 0; i < sc->n_routers; i++) {
		struct scn_router *sr = &sc->routers[i];
		halt(sr);
		for (size_t k = 0; k < sr->n_config; k++)
			free(sr->config[k].text);
		free(sr->config);
	}
	for (size_t i = 0; i < sc->n_ev; i++)
		free(sc->ev[i].text);
	free(sc->ev);
	memnet_free(sc->net);
	loop_free(sc->loop);
}

int scenario_check(FILE *in, const char *name, FILE *err)
{
	struct scenario sc = { .path = name, .err = err,
			       .faults = { .delay_ms = SCN_DEFAULT_DELAY_MS } };
	int rc = parse(&sc, in);
	scenario_free(&sc);
	return rc ? 2 : 0;
}

int scenario_run(const char *path, FILE *out, FILE *err)
{
	struct scenario sc = { .path = path, .out = out, .err = err,
			       .faults = { .delay_ms = SCN_DEFAULT_DELAY_MS } };
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(err, "rtxsh: %s: %s\n", path, strerror(errno));
		return 2;
	}
	int rc = parse(&sc, f);
	fclose(f);
	if (rc) {
		scenario_free(&sc);
		return 2;
	}
	int e = run(&sc);
	if (e == -RTX_EIO)
		fprintf(err, "rtxsh: %s: timers re-arm without time passing; the run stops\n", path);
	else if (e)
		fprintf(err, "rtxsh: %s: cannot build the routers: %s\n", path, rtx_strerror(e));
	scenario_free(&sc);
	return e ? 3 : sc.refused ? 1 : 0;
}
