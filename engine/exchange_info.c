#include "engine/exchange_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/child_sa.h"
#include "base/err.h"
#include "engine/ike_sa.h"
#include "engine/liveness.h"
#include "base/log.h"
#include "engine/names.h"
#include "engine/natt.h"

/* A CHILD SA Delete still to be sent or answered: the SA itself is
 * already gone, so only its inbound SPI (what the peer knows it by) is
 * kept, and once sent its request's message ID. */
struct info_job {
	struct info_job *next;
	uint32_t spi;
	uint32_t msgid;
};

/* ---- per-SA state ---------------------------------------------------------- */

/* None for a closed SA: it was let go of and stays so. */
struct exchange_info_state *exchange_info_state(struct ike_sa *sa)
{
	if (!sa->info && sa->state != IKE_STATE_CLOSED &&
	    (sa->info = calloc(1, sizeof(*sa->info))))
		sa->info->sa = sa;
	return sa->info;
}

static void list_free(struct info_job **list)
{
	while (*list) {
		struct info_job *j = *list;
		*list = j->next;
		free(j);
	}
}

static void jobs_free(struct exchange_info_state *s)
{
	list_free(&s->jobs);
	list_free(&s->inflight);
}

/* The job sent as request msgid, taken off the in-flight list (NULL:
 * none, a probe or an error notify). */
static struct info_job *take_inflight(struct exchange_info_state *s, uint32_t msgid)
{
	for (struct info_job **p = &s->inflight; *p; p = &(*p)->next)
		if ((*p)->msgid == msgid) {
			struct info_job *j = *p;
			*p = j->next;
			return j;
		}
	return NULL;
}

/* The queued Deletes and the state go with the SA (liveness.c stopped its
 * timer when it started to go). */
static void on_ike(struct ike_sa *sa, enum sa_event ev)
{
	if (ev != SA_EV_GONE || !sa->info)
		return;
	jobs_free(sa->info);
	free(sa->info);
	sa->info = NULL;
}

const struct sa_listener exchange_info_listener = { .ike = on_ike };

void exchange_info_on_authenticated(struct ike_sa *sa, struct msg_rx *rx)
{
	liveness_heard(sa);
	natt_on_authenticated(sa, &rx->local, &rx->remote);
}

static void log_notify(struct ike_sa *sa, const char *sub, uint16_t type)
{
	char num[8];
	log_text(sa->e->d.log, LOG_DEBUG, "[IKE2] %s received %s", sub,
		 names_or_num(names_notify(type), type, num, sizeof(num)));
}

static struct child_sa *child_by_spi_out(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

static struct child_sa *child_by_spi_in(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

/* A retired CHILD SA whose Delete was answered (or could not be sent)
 * leaves the kernel now; one deleted locally first is no longer found. */
static void asked_done(struct ike_sa *sa, uint32_t spi)
{
	struct child_sa *c = spi ? child_by_spi_in(sa, spi) : NULL;
	if (c)
		child_sa_delete(c);
}

/* Not while a job of one of sa's exchanges runs: an IKE SA rekey whose
 * answer is being keyed still goes alone (exchange_child.c). */
static bool may_talk(const struct ike_sa *sa)
{
	return (sa->flags & IKE_SAF_KEYED) && ike_sa_up(sa) && !sa->job_busy;
}

/* ---- initiator ----------------------------------------------------------------- */

static int add_delete(struct msg *m, uint8_t proto, const uint32_t *spis, size_t n)
{
	uint8_t *buf = n ? arena_alloc(&m->arena, n * 4) : NULL;
	struct payload *p = (buf || !n) ? msg_add(m, IKEV2_PAYLOAD_DELETE, true) : NULL;
	if (!p)
		return -RTX_ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 4; b++)
			buf[i * 4 + (size_t)b] = (uint8_t)(spis[i] >> (24 - 8 * b));
	p->u.del = (struct payload_delete){ .protocol = proto, .spi_size = n ? 4 : 0,
					    .nspis = (uint16_t)n, .spis = { buf, n * 4 } };
	return 0;
}

/* A probe is empty (RFC 7296 1.4: an INFORMATIONAL with no payloads). */
static int info_build_i(struct ike_sa *sa, struct msg *m)
{
	struct exchange_info_state *s = sa->info;
	for (const struct info_job *j = s ? s->inflight : NULL; j; j = j->next)
		if (j->msgid == m->hdr.msgid)
			return add_delete(m, IKEV2_PROTO_ESP, &j->spi, 1);
	return 0;
}

/* The peer's answering Delete names the paired SAs, which we deleted when
 * we asked; any other SA it names is gone on its side, so here too. */
static void response_deletes(struct ike_sa *sa, const struct msg *m)
{
	const struct payload *p;
	for (size_t i = 0; (p = msg_find(m, IKEV2_PAYLOAD_DELETE, i)); i++) {
		if (p->u.del.protocol != IKEV2_PROTO_ESP && p->u.del.protocol != IKEV2_PROTO_AH)
			continue;
		for (size_t k = 0; k < p->u.del.nspis; k++) {
			struct child_sa *c = child_by_spi_out(sa, payload_delete_spi(&p->u.del, k));
			if (c)
				child_sa_delete(c);
		}
	}
}

static enum xchg_rc info_process_i(struct ike_sa *sa, struct msg_rx *rx)
{
	struct exchange_info_state *s = sa->info;
	uint32_t msgid = rx->m.hdr.msgid;
	bool probe = s && s->probing && s->probe_msgid == msgid;
	struct info_job *job = s ? take_inflight(s, msgid) : NULL;
	uint32_t asked = job ? job->spi : 0;
	free(job);
	if (probe)
		s->probing = false;
	uint16_t err = exchange_error_notify(&rx->m);
	if (err) {
		log_notify(sa, rx->sub, err);
		/* RFC 7296 2.21: the peer could not make sense of our request or
		 * no longer trusts the SA: it cannot be used any further. */
		if (err == IKEV2_N_INVALID_SYNTAX || err == IKEV2_N_AUTHENTICATION_FAILED)
			return XCHG_FAIL;
	}
	response_deletes(sa, &rx->m);
	asked_done(sa, asked);
	if (probe)
		liveness_answered(sa);
	return XCHG_DONE;
}

static void info_done_i(struct ike_sa *sa)
{
	exchange_info_kick(sa);
}

void exchange_info_kick(struct ike_sa *sa)
{
	struct exchange_info_state *s = sa->info;
	/* One Delete per exchange, as many at once as the window lets out. */
	while (s && s->jobs && may_talk(sa) && window_can_send(&sa->win)) {
		struct info_job *j = s->jobs;
		s->jobs = j->next;
		j->msgid = sa->win.msgid_next;
		j->next = s->inflight;
		s->inflight = j;
		uint32_t spi = j->spi;
		if (exchange_start(sa, &exchange_info_ops)) {
			free(take_inflight(s, j->msgid));
			asked_done(sa, spi);
		}
	}
}

/* A Delete request for our inbound SPI, queued behind what is pending. */
static int queue_delete(struct ike_sa *sa, uint32_t spi)
{
	struct exchange_info_state *s = exchange_info_state(sa);
	struct info_job *j = s ? calloc(1, sizeof(*j)) : NULL;
	if (!j)
		return -RTX_ENOMEM;
	j->spi = spi;
	struct info_job **tail = &s->jobs;
	while (*tail)
		tail = &(*tail)->next;
	*tail = j;
	exchange_info_kick(sa);
	return 0;
}

static int delete_child(struct ike_sa *sa, struct child_sa *c, bool now)
{
	uint32_t spi = c->spi_in;
	bool tell = child_sa_up(c) && may_talk(sa);
	if (c == sa->first_child) {
		sa->first_child = NULL;
		child_sa_discard(c);
		return 0;
	}
	if (now || !tell)
		child_sa_delete(c);
	if (!tell)
		return 0;
	int err = queue_delete(sa, spi);
	if (err && !now)
		child_sa_delete(c);
	return err;
}

int exchange_info_delete_spi(struct ike_sa *sa, uint32_t spi)
{
	return may_talk(sa) ? queue_delete(sa, spi) : 0;
}

int exchange_info_delete_child(struct ike_sa *sa, struct child_sa *c)
{
	return delete_child(sa, c, true);
}

int exchange_info_retire_child(struct ike_sa *sa, struct child_sa *c)
{
	return delete_child(sa, c, false);
}

/* A request that goes out now, ahead of anything pending (which is given
 * up: the SA is about to go). An error notify is not waited for; a Delete
 * is (wait: "exchange terminated" comes with the answer, msg_io.c). */
static int send_now(struct ike_sa *sa, uint16_t notify)
{
	struct msg m;
	char sub[40];
	if (!window_idle(&sa->win)) {
		window_abandon(&sa->win);
		if (sa->info) {
			list_free(&sa->info->inflight);
			sa->info->probing = false;
		}
	}
	msg_init(&m, IKEV2_EXCH_INFORMATIONAL, sa->win.msgid_next,
		 sa->initiator ? IKEV2_FLAG_INITIATOR : 0);
	ike_sa_xsub(sa, "INFO", sub, sizeof(sub));
	log_ike(sa->e->d.log, sub, LOG_EXCHANGE_STARTED);
	int err = notify ? (exchange_add_notify(&m, notify, true, NULL, 0) ? 0 : -RTX_ENOMEM)
			 : add_delete(&m, IKEV2_PROTO_IKE, NULL, 0);
	if (!err)
		err = msg_io_send(sa, &m, sub);
	msg_free(&m);
	if (notify || err)
		log_ike(sa->e->d.log, sub, LOG_EXCHANGE_TERMINATED);
	return err;
}

/* DELETING (its CHILD SAs leave the kernel at once) while the Delete goes
 * out and is retransmitted; gone when answered or given up on (see
 * exchange_info.h). */
int exchange_info_delete_ike(struct ike_sa *sa)
{
	if (sa->state == IKE_STATE_DELETING || sa->state == IKE_STATE_CLOSED)
		return 0;
	/* An initiator in IKE_AUTH may already be known to the peer. */
	bool tell = (sa->flags & IKE_SAF_KEYED) &&
		    (may_talk(sa) || sa->state == IKE_STATE_AUTH_SENT);
	int err = ike_sa_set_state(sa, IKE_STATE_DELETING);
	if (!err && tell && !(err = send_now(sa, 0)))
		return 0;
	ike_sa_delete(sa);
	return err;
}

int exchange_info_send_error(struct ike_sa *sa, uint16_t type)
{
	if (!(sa->flags & IKE_SAF_KEYED) || sa->state >= IKE_STATE_DELETING)
		return -RTX_EINVAL;
	return send_now(sa, type);
}

int exchange_info_send_probe(struct ike_sa *sa)
{
	struct exchange_info_state *s = exchange_info_state(sa);
	if (!s)
		return -RTX_ENOMEM;
	if (!may_talk(sa) || !window_can_send(&sa->win))
		return -RTX_EEXIST;
	s->probing = true;
	s->probe_msgid = sa->win.msgid_next;
	int err = exchange_start(sa, &exchange_info_ops);
	if (err)
		s->probing = false;
	return err;
}

/* ---- responder ------------------------------------------------------------------- */

void exchange_info_answer_error(struct ike_sa *sa, struct msg_rx *rx)
{
	struct msg resp;
	uint8_t what = rx->m.notify_type;
	bool critical = rx->m.notify == IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD;
	msg_init(&resp, rx->m.hdr.exchange, rx->m.hdr.msgid,
		 IKEV2_FLAG_RESPONSE | (sa->initiator ? IKEV2_FLAG_INITIATOR : 0));
	if (exchange_add_notify(&resp, rx->m.notify, true, critical ? &what : NULL, critical))
		msg_io_send(sa, &resp, rx->sub);
	msg_free(&resp);
}

/* RFC 7296 1.4.1, 3.11: the peer names the SPIs it receives on (our
 * outbound SAs); we delete those pairs and answer with our inbound SPIs. */
static int request_delete(struct ike_sa *sa, struct msg_rx *rx, const struct payload_delete *d,
			  struct msg *resp)
{
	struct exchange_info_state *s = sa->info;
	if (d->protocol == IKEV2_PROTO_IKE) {
		if (s)
			s->close_after = true;
		return 0;
	}
	uint32_t *ours = calloc(d->nspis ? d->nspis : 1, sizeof(*ours));
	size_t n = 0;
	if (!ours)
		return -RTX_ENOMEM;
	for (size_t i = 0; i < d->nspis; i++) {
		uint32_t spi = payload_delete_spi(d, i);
		struct child_sa *c = child_by_spi_out(sa, spi);
		if (!c) {
			log_ike(sa->e->d.log, rx->sub, LOG_CHILD_NOT_FOUND, (unsigned)spi);
			continue;
		}
		ours[n++] = c->spi_in;
		child_sa_delete(c);
	}
	int err = n ? add_delete(resp, d->protocol, ours, n) : 0;
	free(ours);
	return err;
}

static void request_notify(struct ike_sa *sa, struct msg_rx *rx, const struct payload_notify *n)
{
	struct exchange_info_state *s = sa->info;
	log_notify(sa, rx->sub, n->type);
	switch (n->type) {
	case IKEV2_N_AUTHENTICATION_FAILED:
	case IKEV2_N_INVALID_SYNTAX:
		/* The peer gave up on this SA (2.21.2): so do we. */
		if (s)
			s->close_after = true;
		break;
	case IKEV2_N_INVALID_SPI:
		/* 3.10.1: ESP came to the peer with an SPI it does not know: our
		 * outbound SA there is useless. */
		if (n->data.len == 4) {
			const uint8_t *p = n->data.ptr;
			uint32_t spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				       (uint32_t)p[2] << 8 | p[3];
			struct child_sa *c = child_by_spi_out(sa, spi);
			if (c)
				child_sa_delete(c);
		}
		break;
	default:
		break;
	}
}

/* Every request is answered, an empty one (a liveness check) included. */
static enum xchg_rc info_respond(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp)
{
	struct exchange_info_state *s = exchange_info_state(sa);
	if (!s)
		return XCHG_FAIL;
	s->close_after = false;
	for (size_t i = 0; i < rx->m.npl; i++) {
		const struct payload *p = &rx->m.pl[i];
		if (p->type == IKEV2_PAYLOAD_NOTIFY)
			request_notify(sa, rx, &p->u.notify);
		else if (p->type == IKEV2_PAYLOAD_DELETE && request_delete(sa, rx, &p->u.del, resp))
			return XCHG_FAIL;
	}
	/* 1.4.1: a Delete of the IKE SA is answered with an empty message. */
	if (s->close_after)
		resp->npl = 0;
	return XCHG_DONE;
}

static void info_after_r(struct ike_sa *sa, enum xchg_rc rc)
{
	if (rc == XCHG_FAIL || (sa->info && sa->info->close_after))
		ike_sa_delete(sa);
}

const struct exchange_ops exchange_info_ops = {
	.type = IKEV2_EXCH_INFORMATIONAL,
	.tag = "INFO",
	.build_i = info_build_i,
	.process_i = info_process_i,
	.done_i = info_done_i,
	.respond = info_respond,
	.after_r = info_after_r,
};
