/* Issue 15 item 1's figure: a cookie-echoing IKE_SA_INIT flood from 1 and
 * from 100 addresses against router B, with the half-open limits on (the
 * defaults) and off (as before them). For each: B's half-open SAs, the
 * process's peak RSS, and how long a legitimate peer (A) that starts in
 * the middle of the flood takes to come up, in wall-clock time (B's CPU
 * spent on the flood) and in virtual time (rounds of the flood). Each case
 * runs in a child process so that its RSS is its own. All in one process
 * over the in-memory network: no sockets, no root.
 *
 * usage: bench_flood [requests] [per-10ms]   (10000, 50) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/ike_flood.h"
#include "tests/ike_pair.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* VmRSS or VmHWM of this process, in KiB. */
static long proc_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	size_t n = strlen(field);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n))
			kb = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static bool up(struct ike_pair *p)
{
	return ike_router_ike_up(&p->a) >= 1 && ike_router_child_up(&p->a) >= 1 &&
	       ike_router_ike_up(&p->b) >= 1 && ike_router_child_up(&p->b) >= 1;
}

static int run_case(unsigned hosts, bool limits, unsigned total, unsigned per_round)
{
	struct ike_pair p;
	if (ike_pair_init(&p, 11) || ike_pair_start(&p))
		return 1;
	log_set_debug(p.a.log, false);
	log_set_debug(p.b.log, false);
	if (!limits)
		ike_set_half_open_limits(p.b.engine, IKE_COOKIE_THRESHOLD, 0, 0);
	/* the template: A's first request, which is then dropped */
	ike_initiate(p.a.engine, 1);
	uint8_t tmpl[4096];
	size_t len = p.a.last_req_len;
	memcpy(tmpl, p.a.last_req, len);
	while (memnet_drop_next(p.net))
		;
	ike_refresh(p.a.engine);
	ike_pair_run(&p, 10);
	while (memnet_drop_next(p.net))
		;
	struct ike_flood *f = ike_flood_new(p.net, &p.b.addr, 500, tmpl, len, hosts);
	if (!f)
		return 1;
	long rss0 = proc_kb("VmRSS:");
	double t_start = now_s(), t_init = 0, t_up = 0;
	uint64_t v_init = 0, v_up = 0;
	unsigned peak = 0;
	for (unsigned sent = 0; sent < total || (t_init && !t_up); sent += per_round) {
		if (sent < total)
			ike_flood_send(f, per_round);
		ike_pair_run(&p, 10);
		struct ike_half_open_status st;
		ike_half_open_status(p.b.engine, &st);
		if (st.half_open > peak)
			peak = st.half_open;
		if (!t_init && sent >= total / 2) {
			t_init = now_s();
			v_init = p.clock.now_ms;
			ike_initiate(p.a.engine, 1);
		}
		if (t_init && !t_up && up(&p)) {
			t_up = now_s();
			v_up = p.clock.now_ms;
		}
		if (t_init && !t_up && p.clock.now_ms - v_init > 120000)
			break;       /* A gave up (its retries ran out) */
	}
	double t_end = now_s();
	struct ike_half_open_status st;
	ike_half_open_status(p.b.engine, &st);
	struct ike_flood_stats fs;
	ike_flood_stats(f, &fs);
	printf("%-8u %-6s %8llu %8llu %9u %9u %8ld %8ld %8.1f ",
	       hosts, limits ? "on" : "off", (unsigned long long)fs.sent,
	       (unsigned long long)fs.cookies, peak, st.half_open,
	       rss0 / 1024, proc_kb("VmHWM:") / 1024, t_end - t_start);
	if (t_up)
		printf("%9.3f %8.2f\n", t_up - t_init, (double)(v_up - v_init) / 1000);
	else
		printf("%9s %8s\n", "not up", "-");
	fflush(stdout);
	ike_flood_free(f);
	ike_pair_free(&p);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned total = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
	unsigned per_round = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 50;
	if (!total || !per_round)
		return 2;
	printf("cookie-echoing IKE_SA_INIT flood: %u requests, %u per 10 ms (virtual); "
	       "legitimate peer starts after half\n", total, per_round);
	printf("%-8s %-6s %8s %8s %9s %9s %8s %8s %8s %9s %8s\n", "sources", "limits", "sent",
	       "cookies", "half-open", "at-end", "RSS0 MB", "peak MB", "wall s", "up wall s",
	       "up virt s");
	static const unsigned hosts[] = { 1, 100 };
	for (int h = 0; h < 2; h++)
		for (int lim = 1; lim >= 0; lim--) {
			fflush(stdout);
			pid_t pid = fork();
			if (pid == 0)
				_exit(run_case(hosts[h], lim, total, per_round));
			int status;
			if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status))
				fprintf(stderr, "case %u/%s failed\n", hosts[h], lim ? "on" : "off");
		}
	return 0;
}
