/* The SA core's state machines: every legal and every illegal state change
 * of IKE and CHILD SAs, the events each raises and the prerequisites each
 * state needs, checked against tables written out here (not read from the
 * engine); the lifecycle of an SA as the listeners see it; and
 * doc/sa-states.md, which `test_sa_state --doc` prints from the engine's
 * tables and which must match them.
 *
 * The core is built on its own, without the engine above it: a recording
 * listener and the CHILD SAs' own one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "engine/child_sa.h"
#include "engine/config.h"
#include "engine/ike_core.h"
#include "engine/ike_sa.h"
#include "engine/loop.h"
#include "kernel/kernel.h"

/* ---- what the tables must say --------------------------------------------- */

#define NO -1   /* illegal */
enum { I_INIT, I_INIT_SENT, I_AUTH_SENT, I_ESTAB, I_REKEY, I_DEL, I_CLOSED };
enum { C_LARVAL, C_ESTAB, C_REKEY, C_DEL, C_CLOSED };
#define NONE SA_EV_NONE
#define EST SA_EV_ESTABLISHED
#define RKY SA_EV_REKEYING
#define DEL SA_EV_DELETING
#define GONE SA_EV_GONE

/* want_ike[from][to]: the event the move raises, or NO. */
static const int want_ike[IKE_STATE_COUNT][IKE_STATE_COUNT] = {
	/*             INIT INIT_SENT AUTH_SENT ESTAB REKEY DEL  CLOSED */
	[I_INIT] =      { NO, NONE,     NO,       EST,  NO,   DEL, NO },
	[I_INIT_SENT] = { NO, NO,       NONE,     EST,  NO,   DEL, NO },
	[I_AUTH_SENT] = { NO, NO,       NO,       EST,  NO,   DEL, NO },
	[I_ESTAB] =     { NO, NO,       NO,       NO,   RKY,  DEL, NO },
	[I_REKEY] =     { NO, NO,       NO,       NONE, NONE, DEL, NO },
	[I_DEL] =       { NO, NO,       NO,       NO,   NO,   NO,  GONE },
	[I_CLOSED] =    { NO, NO,       NO,       NO,   NO,   NO,  NO },
};

static const int want_child[CHILD_STATE_COUNT][CHILD_STATE_COUNT] = {
	/*            LARVAL ESTAB REKEY DEL  CLOSED */
	[C_LARVAL] = { NO,   EST,  NO,   DEL, NO },
	[C_ESTAB] =  { NO,   NO,   RKY,  DEL, NO },
	[C_REKEY] =  { NO,   NONE, NONE, DEL, NO },
	[C_DEL] =    { NO,   NO,   NO,   NO,  GONE },
	[C_CLOSED] = { NO,   NO,   NO,   NO,  NO },
};

static const unsigned want_ike_needs[IKE_STATE_COUNT] = {
	[I_INIT_SENT] = IKE_SAF_KEYED,
	[I_AUTH_SENT] = IKE_SAF_KEYED,
	[I_ESTAB] = IKE_SAF_KEYED | IKE_SAF_AUTHED,
	[I_REKEY] = IKE_SAF_KEYED | IKE_SAF_AUTHED,
};

#define IN_KERNEL (CHILD_SAF_IN | CHILD_SAF_OUT | CHILD_SAF_TUNNEL)
static const unsigned want_child_needs[CHILD_STATE_COUNT] = {
	[C_ESTAB] = IN_KERNEL,
	[C_REKEY] = IN_KERNEL,
};

/* ---- a core on its own, with a listener that writes down what it hears ---- */

struct heard {
	char what[64][24];      /* "ike:created", "child:gone", ... */
	size_t n;
};

static struct heard heard;

static void hear(const char *kind, enum sa_event ev)
{
	if (heard.n < 64)
		snprintf(heard.what[heard.n++], sizeof(heard.what[0]), "%s:%s", kind,
			 ike_core_event_name(ev));
}

static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	(void)sa;
	hear("ike", ev);
}

static void on_child(struct child_sa *c, enum sa_event ev)
{
	(void)c;
	hear("child", ev);
}

static const struct sa_listener recorder = { .ike = on_ike, .child = on_child };
static const struct sa_listener *const listeners[] = { &recorder, &child_sa_listener };

static int no_resend(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return 0;
}

static void no_timeout(void *arg, uint32_t msgid)
{
	(void)arg;
	(void)msgid;
}

static const struct window_ops window_ops = { .resend = no_resend, .timed_out = no_timeout };

static int counter_rng(void *arg, uint8_t *buf, size_t len)
{
	uint8_t *n = arg;
	for (size_t i = 0; i < len; i++)
		buf[i] = ++*n;
	return 0;
}

struct fx {
	struct clock_virtual clock;
	struct ike_core core;
	uint8_t rng;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	clock_virtual_init(&f->clock, 1700000000);
	struct ike_deps d = { .log = log_new(256, &f->clock.base), .loop = loop_new(&f->clock.base),
			      .kernel = kernel_sim_new(), .config = config_new(NULL),
			      .rng = counter_rng, .rng_arg = &f->rng };
	if (!d.log || !d.loop || !d.kernel || !d.config)
		return -1;
	ike_core_init(&f->core, &d, listeners, 2, &window_ops);
	memset(&heard, 0, sizeof(heard));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	while (f->core.sas)
		ike_sa_delete(f->core.sas);
	struct ike_deps d = f->core.d;
	ike_core_free(&f->core);
	kernel_free(d.kernel);
	config_free((struct ipsec_config *)d.config);
	loop_free(d.loop);
	log_free(d.log);
	free(f);
	return 0;
}

static struct ike_sa *new_ike(struct fx *f, bool initiator)
{
	struct endpoint a = { .port = IKE_PORT }, b = { .port = IKE_PORT };
	assert_int_equal(ip_addr_parse("192.0.2.1", &a.addr), 0);
	assert_int_equal(ip_addr_parse("192.0.2.2", &b.addr), 0);
	struct ike_sa *sa = ike_sa_new(&f->core, initiator, 0, &a, &b);
	assert_non_null(sa);
	return sa;
}

static void assert_heard(size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		if (i >= heard.n)
			fail_msg("heard %zu events, wanted %s next", heard.n, want);
		assert_string_equal(heard.what[i], want);
	}
	va_end(ap);
	assert_int_equal(heard.n, n);
	heard.n = 0;
}

/* What the recorder writes for event ev (spelled out here). */
static const char *event_heard(const char *kind, int ev)
{
	static char buf[24];
	const char *name = ev == EST ? "established" : ev == RKY ? "rekeying"
			   : ev == DEL ? "deleting" : ev == GONE ? "gone" : "?";
	snprintf(buf, sizeof(buf), "%s:%s", kind, name);
	return buf;
}

static struct child_sa *new_child(struct ike_sa *sa)
{
	int err;
	struct child_sa *c = child_sa_new(sa, 1, 1, &err);
	assert_non_null(c);
	return c;
}

/* ---- either kind of SA, as the walks below see it --------------------------- */

struct kind {
	const char *name;                    /* as the recorder writes it */
	const struct sa_machine *machine;
	const int *want;                     /* [n][n]: want_ike or want_child */
	const unsigned *want_needs;
	unsigned all_flags;
	void *(*make)(struct fx *f);         /* an SA in its first state */
	void (*put)(void *sa, int state, unsigned flags);   /* forced, for the walk */
	int (*get)(void *sa);
	int (*set)(void *sa, int to);        /* the setter under test */
	void (*drop)(void *sa);
};

static void *ike_make(struct fx *f)
{
	return new_ike(f, true);
}

static void ike_put(void *sa, int state, unsigned flags)
{
	((struct ike_sa *)sa)->state = (enum ike_state)state;
	((struct ike_sa *)sa)->flags = flags;
}

static int ike_get(void *sa)
{
	return (int)((struct ike_sa *)sa)->state;
}

static int ike_set(void *sa, int to)
{
	return ike_sa_set_state(sa, (enum ike_state)to);
}

static void ike_drop(void *sa)
{
	ike_put(sa, IKE_STATE_INIT, 0);
	ike_sa_delete(sa);
}

/* CHILD SAs live under one IKE SA made for the walk. */
static void *child_make(struct fx *f)
{
	return new_child(f->core.sas ? f->core.sas : new_ike(f, true));
}

static void child_put(void *c, int state, unsigned flags)
{
	((struct child_sa *)c)->state = (enum child_state)state;
	((struct child_sa *)c)->flags = flags;
}

static int child_get(void *c)
{
	return (int)((struct child_sa *)c)->state;
}

static int child_set(void *c, int to)
{
	return child_sa_set_state(c, (enum child_state)to);
}

/* Nothing of it is in the kernel but its larval SPI. */
static void child_drop(void *c)
{
	child_put(c, CHILD_STATE_LARVAL, 0);
	child_sa_discard(c);
}

static const struct kind ike_kind = {
	"ike", &ike_sa_machine, &want_ike[0][0], want_ike_needs,
	IKE_SAF_KEYED | IKE_SAF_AUTHED, ike_make, ike_put, ike_get, ike_set, ike_drop,
};

static const struct kind child_kind = {
	"child", &child_sa_machine, &want_child[0][0], want_child_needs,
	IN_KERNEL, child_make, child_put, child_get, child_set, child_drop,
};

/* Every (from, to): legal moves land and raise their event, illegal ones
 * change nothing and tell nobody. */
static void walk_moves(struct fx *f, const struct kind *k)
{
	int n = k->machine->n_states;
	size_t legal = 0;
	for (int from = 0; from < n; from++)
		for (int to = 0; to < n; to++) {
			void *sa = k->make(f);
			k->put(sa, from, k->all_flags);
			heard.n = 0;
			int rc = k->set(sa, to), ev = k->want[from * n + to];
			if (ev == NO) {
				assert_int_equal(rc, -RTX_EINVAL);
				assert_int_equal(k->get(sa), from);
				assert_int_equal(heard.n, 0);
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(k->get(sa), to);
				if (ev == NONE)
					assert_int_equal(heard.n, 0);
				else
					assert_heard(1, event_heard(k->name, ev));
				legal++;
			}
			k->drop(sa);
			heard.n = 0;
		}
	assert_int_equal(k->machine->n_moves, legal);
}

/* The engine's table is the one written out here, move by move. */
static void check_table(const struct kind *k)
{
	const struct sa_machine *m = k->machine;
	for (size_t i = 0; i < m->n_moves; i++)
		assert_int_equal(k->want[m->moves[i].from * m->n_states + m->moves[i].to],
				 (int)m->moves[i].ev);
	for (int s = 0; s < m->n_states; s++)
		assert_int_equal(m->needs[s], k->want_needs[s]);
}

/* A state whose prerequisites are missing is refused from every state that
 * may move there, with every combination of flags. */
static void walk_needs(struct fx *f, const struct kind *k)
{
	int n = k->machine->n_states;
	for (int from = 0; from < n; from++)
		for (int to = 0; to < n; to++) {
			unsigned need = k->want_needs[to];
			if (k->want[from * n + to] == NO || !need)
				continue;
			for (unsigned flags = 0; flags <= k->all_flags; flags++) {
				void *sa = k->make(f);
				k->put(sa, from, flags);
				assert_int_equal(k->set(sa, to), (flags & need) == need ? 0 : -RTX_EINVAL);
				k->drop(sa);
			}
		}
}

static void test_ike_moves(void **state)
{
	walk_moves(*state, &ike_kind);
	check_table(&ike_kind);
	walk_needs(*state, &ike_kind);
}

static void test_child_moves(void **state)
{
	walk_moves(*state, &child_kind);
	check_table(&child_kind);
	walk_needs(*state, &child_kind);
}

/* ---- lifecycles as the listeners hear them ------------------------------------ */

/* A responder SA: half-open until established; deleted, its CHILD SAs go
 * with it after the IKE SA's listeners let go. */
static void test_ike_lifecycle(void **state)
{
	struct fx *f = *state;
	struct ike_sa *sa = new_ike(f, false);
	assert_heard(1, "ike:created");
	assert_int_equal(f->core.half_open, 1);
	assert_int_equal(f->core.n_sas, 1);
	assert_int_equal(ike_sa_set_state(sa, IKE_STATE_INIT_SENT), -RTX_EINVAL);
	sa->flags |= IKE_SAF_KEYED;
	assert_int_equal(ike_sa_set_state(sa, IKE_STATE_INIT_SENT), 0);
	assert_int_equal(ike_sa_set_state(sa, IKE_STATE_ESTABLISHED), -RTX_EINVAL);
	sa->flags |= IKE_SAF_AUTHED;
	assert_int_equal(ike_sa_set_state(sa, IKE_STATE_ESTABLISHED), 0);
	assert_heard(1, "ike:established");
	assert_int_equal(f->core.half_open, 0);
	assert_true(ike_sa_up(sa));
	struct child_sa *c = new_child(sa);
	assert_heard(1, "child:created");
	c->flags = IN_KERNEL & ~CHILD_SAF_TUNNEL;   /* the SAs, no tunnel hold */
	sa->first_child = c;
	assert_int_equal(ike_sa_set_state(sa, IKE_STATE_REKEYING), 0);
	assert_int_equal(ike_sa_set_state(sa, IKE_STATE_REKEYING), 0);
	assert_int_equal(ike_sa_set_state(sa, IKE_STATE_ESTABLISHED), 0);
	assert_heard(1, "ike:rekeying");
	assert_true(ike_sa_up(sa));
	ike_sa_hold(sa);
	ike_sa_delete(sa);
	/* the CHILD SAs go as soon as the IKE SA starts to go */
	assert_heard(4, "ike:deleting", "child:deleting", "child:gone", "ike:gone");
	assert_int_equal(sa->state, IKE_STATE_CLOSED);
	assert_null(sa->first_child);
	assert_int_equal(f->core.n_sas, 0);
	assert_null(ike_sa_find(&f->core, sa->spi_i, sa->spi_r, false));
	ike_sa_delete(sa);                   /* closed: nothing more */
	assert_int_equal(heard.n, 0);
	ike_sa_put(sa);                      /* freed here (ASan would tell) */
	assert_int_equal(kernel_sim_sa_count(f->core.d.kernel), 0);
}

/* A half-open SA that goes leaves the count. */
static void test_half_open_delete(void **state)
{
	struct fx *f = *state;
	struct ike_sa *a = new_ike(f, false), *b = new_ike(f, true);
	assert_int_equal(f->core.half_open, 1);
	ike_sa_delete(b);
	assert_int_equal(f->core.half_open, 1);
	ike_sa_delete(a);
	assert_int_equal(f->core.half_open, 0);
	assert_heard(6, "ike:created", "ike:created", "ike:deleting", "ike:gone", "ike:deleting",
		     "ike:gone");
}

/* ---- doc/sa-states.md ------------------------------------------------------------ */

static const char *event_text(enum sa_event ev)
{
	return ev == SA_EV_NONE ? "-" : ike_core_event_name(ev);
}

static void print_needs(FILE *out, unsigned needs, bool child)
{
	static const char *const ike_flags[] = { "KEYED", "AUTHED" };
	static const char *const child_flags[] = { "IN", "OUT", "TUNNEL" };
	const char *const *names = child ? child_flags : ike_flags;
	size_t n = child ? 3 : 2, k = 0;
	for (size_t i = 0; i < n; i++)
		if (needs & (1u << i))
			fprintf(out, "%s%s_SAF_%s", k++ ? " + " : "", child ? "CHILD" : "IKE", names[i]);
	if (!k)
		fputs("-", out);
}

/* The moves, then what each state needs. */
static void print_machine(FILE *out, const struct sa_machine *m, bool child)
{
	for (size_t i = 0; i < m->n_moves; i++)
		fprintf(out, "| %s | %s | %s |\n", ike_core_state_name(m, m->moves[i].from),
			ike_core_state_name(m, m->moves[i].to), event_text(m->moves[i].ev));
	fputs("\n| state | needs |\n|---|---|\n", out);
	for (int s = 0; s < m->n_states; s++) {
		fprintf(out, "| %s | ", ike_core_state_name(m, s));
		print_needs(out, m->needs[s], child);
		fputs(" |\n", out);
	}
}

static void print_doc(FILE *out)
{
	fputs("# SA states\n\n"
	      "<!-- Generated by `tests/unit/test_sa_state --doc` from the tables in\n"
	      "engine/ike_sa.c and engine/child_sa.c; test_sa_state fails when this file\n"
	      "and the tables differ. -->\n\n"
	      "Every state change of an IKE or CHILD SA goes through one setter\n"
	      "(`ike_sa_set_state`, `child_sa_set_state`), which accepts only the moves\n"
	      "below and only when the target state's prerequisites are met. The event of\n"
	      "a move is told to the listeners that the engine hands the SA core\n"
	      "(engine/ike_core.h; the table of them is in engine/ike.c), so the core\n"
	      "calls nothing above it. `created` is told when an SA is made (it starts in\n"
	      "INIT or LARVAL); `-` tells nobody.\n\n"
	      "## IKE SA\n\n"
	      "| from | to | event |\n|---|---|---|\n", out);
	print_machine(out, &ike_sa_machine, false);
	fputs("\nKEYED: the SK_* keys are derived. AUTHED: the peer is authenticated (an SA\n"
	      "made by an IKE SA rekey inherits it). REKEYING: still usable while its\n"
	      "replacement is negotiated or after it was made; a failed rekey returns to\n"
	      "ESTABLISHED. DELETING: timers stop and the CHILD SAs leave the kernel; an\n"
	      "IKE SA's Delete goes out in this state (exchange_info.c) and is\n"
	      "retransmitted; the SA is CLOSED when the peer answers or the retries run\n"
	      "out.\n\n"
	      "## CHILD SA\n\n"
	      "| from | to | event |\n|---|---|---|\n", out);
	print_machine(out, &child_sa_machine, true);
	fputs("\nIN, OUT: the inbound and outbound SA are in the kernel. TUNNEL: the CHILD SA\n"
	      "holds its tunnel's interface, policies and routes (engine/tunnel.c). The\n"
	      "same flags say what a CHILD SA that goes must remove again.\n", out);
}

static void test_doc(void **state)
{
	(void)state;
	char *want = NULL, *have = NULL;
	size_t want_len = 0, have_len = 0;
	FILE *w = open_memstream(&want, &want_len);
	print_doc(w);
	fclose(w);
	FILE *doc = fopen(SA_STATES_DOC, "r");
	if (!doc)
		fail_msg("cannot read %s", SA_STATES_DOC);
	FILE *h = open_memstream(&have, &have_len);
	int ch;
	while ((ch = fgetc(doc)) != EOF)
		fputc(ch, h);
	fclose(doc);
	fclose(h);
	if (strcmp(want, have))
		fail_msg("%s is out of date: tests/unit/test_sa_state --doc > doc/sa-states.md",
			 SA_STATES_DOC);
	free(want);
	free(have);
}

/* The by-gateway, by-identity, by-peer-SPI and by-number indexes say what
 * a walk of every SA says, through random creations, gateway changes,
 * peer identities (the empty one among them: never indexed), peer SPIs
 * and deletes; the list links both ways. */
static void test_indexes_match_a_walk(void **state)
{
	struct fx *f = *state;
	uint64_t r = 12345;
	struct endpoint b = { .port = IKE_PORT };
	assert_int_equal(ip_addr_parse("192.0.2.2", &b.addr), 0);
	unsigned gone = 0;
	static const char *const ids[] = { "", "user-1", "user-2", "peer.example" };
	for (int step = 0; step < 4000; step++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		unsigned op = (unsigned)(r >> 33) % 5, gw = (unsigned)(r >> 40) % 8;
		uint64_t spi = (r >> 8) % 40 + 1;
		struct ike_sa *sa = f->core.sas;
		for (size_t k = f->core.n_sas ? (r >> 45) % f->core.n_sas : 0; sa && k; k--)
			sa = sa->next;
		if (op == 0 || !sa || f->core.n_sas < 20) {
			sa = new_ike(f, (r >> 20) & 1);
			if (!sa->initiator)
				ike_sa_set_spi_i(sa, spi);
		} else if (op == 1) {
			ike_sa_set_gateway(sa, gw);
		} else if (op == 2) {
			gone = sa->number;
			ike_sa_delete(sa);
		} else if (op == 3) {
			ike_sa_set_remote_id(sa, ids[(r >> 50) % 4]);
		} else if (!sa->initiator) {
			ike_sa_set_spi_i(sa, spi);
		}
		for (unsigned g = 1; g < 8; g++) {
			size_t walked = 0, indexed = 0;
			for (struct ike_sa *o = f->core.sas; o; o = o->next)
				walked += o->gateway == g;
			for (struct ike_sa *o = ike_sa_of_gateway(&f->core, g, NULL); o;
			     o = ike_sa_of_gateway(&f->core, g, o)) {
				assert_int_equal(o->gateway, g);
				indexed++;
			}
			assert_int_equal(indexed, walked);
			for (size_t i = 1; i < 4; i++) {
				walked = indexed = 0;
				for (struct ike_sa *o = f->core.sas; o; o = o->next)
					walked += o->gateway == g && !strcmp(o->remote_id, ids[i]);
				for (struct ike_sa *o = ike_sa_of_identity(&f->core, g, ids[i], NULL); o;
				     o = ike_sa_of_identity(&f->core, g, ids[i], o)) {
					assert_int_equal(o->gateway, g);
					assert_string_equal(o->remote_id, ids[i]);
					indexed++;
				}
				assert_int_equal(indexed, walked);
			}
		}
		for (uint64_t s = 1; s <= 40; s++) {
			bool any = false;
			for (struct ike_sa *o = f->core.sas; o; o = o->next)
				any |= !o->initiator && o->spi_i == s;
			struct ike_sa *found = ike_sa_find_half_open(&f->core, s, &b);
			assert_int_equal(found != NULL, any);
			if (found) {
				assert_false(found->initiator);
				assert_int_equal(found->spi_i, s);
			}
		}
		size_t n = 0;
		for (struct ike_sa *o = f->core.sas, *before = NULL; o; before = o, o = o->next) {
			assert_ptr_equal(o->prev, before);
			assert_ptr_equal(ike_core_number_sa(&f->core, o->number, SA_KIND_IKE), o);
			assert_null(ike_core_number_sa(&f->core, o->number, SA_KIND_CHILD));
			n++;
		}
		assert_int_equal(n, f->core.n_sas);
		assert_null(ike_core_number_sa(&f->core, gone, SA_KIND_IKE));
	}
}

/* Numbers 64 apart share their slot in the smallest table: one cluster,
 * whose members stay findable whichever of them is freed first. */
static void numbers_in_one_cluster(struct fx *f)
{
	enum { K = 30 };
	static char objs[K];
	unsigned num[K];
	for (unsigned first = 0; first < K; first += 7) {
		for (unsigned i = 0; i < K; i++) {
			f->core.number_next = 1 + 64 * i;
			num[i] = ike_core_number_alloc(&f->core, SA_KIND_IKE, &objs[i]);
			assert_int_equal(num[i], 1 + 64 * i);
		}
		assert_int_equal(f->core.numbers_cap, 64);
		for (unsigned k = 0; k < K; k++) {
			unsigned i = (first + k * 11) % K;
			ike_core_number_free(&f->core, num[i]);
			num[i] = 0;
			for (unsigned m = 0; m < K; m++)
				assert_ptr_equal(ike_core_number_sa(&f->core, 1 + 64 * m, SA_KIND_IKE),
						 num[m] ? &objs[m] : NULL);
		}
		assert_int_equal(f->core.numbers_used, 0);
	}
}

/* Number m names obj (NULL: nothing) as kind k, and nothing as the other. */
static void assert_names(struct fx *f, unsigned m, enum sa_kind k, const void *obj)
{
	enum sa_kind other = k == SA_KIND_IKE ? SA_KIND_CHILD : SA_KIND_IKE;
	assert_ptr_equal(ike_core_number_sa(&f->core, m, k), obj);
	assert_null(ike_core_number_sa(&f->core, m, other));
}

/* SA numbers: thousands in use name their SAs (a CHILD SA by both its
 * numbers) through frees in every order (the table's deletion moves
 * entries back); numbers in use are skipped when the counter comes round
 * to them again. */
static void test_numbers_name_their_sas(void **state)
{
	struct fx *f = *state;
	enum { N = 5000 };
	static char objs[N];
	static unsigned num[N];
	numbers_in_one_cluster(f);
	f->core.number_next = 1;
	unsigned want = 1;
	for (unsigned i = 0; i < N; i++) {
		enum sa_kind k = i % 3 ? SA_KIND_CHILD : SA_KIND_IKE;
		num[i] = ike_core_number_alloc(&f->core, k, &objs[i]);
		assert_int_equal(num[i], want);
		want += k == SA_KIND_CHILD ? 2 : 1;
	}
	uint64_t r = 99;
	for (unsigned i = 0; i < N; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		if ((r >> 40) % 3) {
			ike_core_number_free(&f->core, num[i]);
			ike_core_number_free(&f->core, num[i] + (i % 3 ? 1 : 0));
			num[i] = 0;
		}
	}
	for (unsigned i = 0, m = 1; i < N; i++) {
		enum sa_kind k = i % 3 ? SA_KIND_CHILD : SA_KIND_IKE;
		assert_names(f, m, k, num[i] ? &objs[i] : NULL);
		if (k == SA_KIND_CHILD)
			assert_names(f, m + 1, k, num[i] ? &objs[i] : NULL);
		m += k == SA_KIND_CHILD ? 2 : 1;
	}
	/* round again: the first pair of free numbers */
	f->core.number_next = 1;
	unsigned n = ike_core_number_alloc(&f->core, SA_KIND_CHILD, &objs[0]);
	assert_int_not_equal(n, 0);
	assert_names(f, n, SA_KIND_CHILD, &objs[0]);
	assert_names(f, n + 1, SA_KIND_CHILD, &objs[0]);
	for (unsigned i = 0; i < N; i++)
		if (num[i])
			assert_true(num[i] + (i % 3 ? 1 : 0) < n || num[i] > n + 1);
	assert_null(ike_core_number_sa(&f->core, 0, SA_KIND_IKE));
	for (unsigned i = 0; i < N; i++)
		ike_core_number_free(&f->core, num[i]);
	ike_core_number_free(&f->core, n);
	assert_int_equal(f->core.numbers_used, 0);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--doc")) {
		print_doc(stdout);
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ike_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ike_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_open_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indexes_match_a_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers_name_their_sas, setup, teardown),
		cmocka_unit_test(test_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
