#include "engine/exchange.h"

#include <string.h>

#include "engine/child_sa.h"
#include "base/err.h"
#include "engine/exchange_child.h"
#include "engine/exchange_info.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "base/log.h"
#include "engine/names.h"
#include "engine/proposal.h"
#include "engine/window_size.h"

static const struct exchange_ops *const all_ops[] = {
	&exchange_init_ops,
	&exchange_auth_ops,
	&exchange_child_ops,
	&exchange_info_ops,
};

const struct exchange_ops *exchange_ops_find(uint8_t type)
{
	for (size_t i = 0; i < sizeof(all_ops) / sizeof(all_ops[0]); i++)
		if (all_ops[i]->type == type)
			return all_ops[i];
	return NULL;
}

static void xlog(struct ike_sa *sa, const struct exchange_ops *ops, enum log_id id)
{
	char sub[40];
	ike_sa_xsub(sa, ops->tag, sub, sizeof(sub));
	log_ike(sa->e->d.log, sub, id);
}

int exchange_start(struct ike_sa *sa, const struct exchange_ops *ops)
{
	struct msg m;
	char sub[40];
	uint32_t id = sa->win.msgid_next;
	if (!window_can_send(&sa->win))
		return -RTX_EEXIST;
	msg_init(&m, ops->type, id, sa->initiator ? IKEV2_FLAG_INITIATOR : 0);
	ike_sa_xsub(sa, ops->tag, sub, sizeof(sub));
	log_ike(sa->e->d.log, sub, LOG_EXCHANGE_STARTED);
	int err = ops->build_i(sa, &m);
	if (!err && ops == &exchange_auth_ops)
		err = window_size_announce(sa, &m);
	if (!err)
		err = msg_io_send(sa, &m, sub);
	msg_free(&m);
	if (!err)
		window_set_tag(&sa->win, id, ops);   /* the answer finds its exchange */
	else
		log_ike(sa->e->d.log, sub, LOG_EXCHANGE_TERMINATED);
	return err;
}

int exchange_start_alone(struct ike_sa *sa, const struct exchange_ops *ops)
{
	uint32_t id = sa->win.msgid_next;
	if (!window_idle(&sa->win))
		return -RTX_EEXIST;
	int err = exchange_start(sa, ops);
	if (!err)
		window_alone(&sa->win, id);
	return err;
}

void exchange_on_response(struct ike_sa *sa, struct msg_rx *rx, const struct exchange_ops *ops)
{
	enum xchg_rc rc = ops->process_i(sa, rx);
	if (rc != XCHG_PENDING)
		exchange_resume_i(sa, ops, rc, &rx->m);
}

void exchange_resume_i(struct ike_sa *sa, const struct exchange_ops *ops, enum xchg_rc rc,
		       const struct msg *resp)
{
	if (rc == XCHG_MORE) {
		if (exchange_start(sa, ops))
			ike_attempt_failed(sa);
		return;
	}
	xlog(sa, ops, LOG_EXCHANGE_TERMINATED);
	if (resp && rc == XCHG_DONE && ops == &exchange_auth_ops && ike_sa_up(sa))
		window_size_adopt(sa, resp);
	if (rc == XCHG_FAIL)
		ike_attempt_failed(sa);
	else if (ops->done_i)
		ops->done_i(sa);
	if (sa->state != IKE_STATE_CLOSED)
		exchange_info_kick(sa);   /* Deletes queued while this exchange ran */
}

void exchange_on_request(struct ike_sa *sa, struct msg_rx *rx)
{
	const struct exchange_ops *ops = exchange_ops_find(rx->m.hdr.exchange);
	struct msg resp;
	if (!ops || !ops->respond) {
		log_ike(sa->e->d.log, rx->sub, LOG_NO_EXCHANGE);
		return;
	}
	xlog(sa, ops, LOG_EXCHANGE_STARTED);
	msg_init(&resp, ops->type, rx->m.hdr.msgid,
		 IKEV2_FLAG_RESPONSE | (sa->initiator ? IKEV2_FLAG_INITIATOR : 0));
	enum xchg_rc rc = ops->respond(sa, rx, &resp);
	if (rc != XCHG_PENDING)
		exchange_resume_r(sa, ops, &resp, rc, &rx->m);
}

void exchange_resume_r(struct ike_sa *sa, const struct exchange_ops *ops, struct msg *resp,
		       enum xchg_rc rc, const struct msg *req)
{
	/* RFC 7296 2.3: announced in IKE_AUTH, the SA is up when it answers */
	bool window = req && rc == XCHG_DONE && ops == &exchange_auth_ops && ike_sa_up(sa);
	if (window && window_size_announce(sa, resp))
		rc = XCHG_FAIL;
	char sub[40];
	ike_sa_xsub(sa, ops->tag, sub, sizeof(sub));
	if (msg_io_send(sa, resp, sub))
		rc = XCHG_FAIL;
	msg_free(resp);
	xlog(sa, ops, LOG_EXCHANGE_TERMINATED);
	if (window && rc == XCHG_DONE)
		window_size_adopt(sa, req);
	if (ops->after_r)
		ops->after_r(sa, rc);
	else if (rc == XCHG_FAIL)
		ike_sa_delete(sa);
}

const uint8_t *exchange_copy(struct msg *m, const void *data, size_t len)
{
	uint8_t *p = arena_alloc(&m->arena, len ? len : 1);
	if (p && len)
		memcpy(p, data, len);
	return p;
}

int exchange_add_sa(struct msg *m, struct proposal_offer *o, bool encrypted)
{
	struct payload *p = msg_add(m, IKEV2_PAYLOAD_SA, encrypted);
	if (!p)
		return -RTX_ENOMEM;
	p->u.sa = proposal_offer_sa(o);
	return 0;
}

int exchange_add_ts(struct msg *m, uint8_t type, const struct ip_addr *net, uint8_t len)
{
	struct ts_selector *ts = arena_alloc(&m->arena, sizeof(*ts));
	struct payload *p = ts ? msg_add(m, type, true) : NULL;
	if (!p)
		return -RTX_ENOMEM;
	child_sa_ts_from_prefix(net, len, ts);
	p->u.ts = (struct payload_ts){ 1, ts };
	return 0;
}

struct payload *exchange_add_notify(struct msg *m, uint16_t type, bool encrypted,
				    const void *data, size_t len)
{
	const uint8_t *copy = exchange_copy(m, data, len);
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_NOTIFY, encrypted) : NULL;
	if (p)
		p->u.notify = (struct payload_notify){ .type = type,
						       .data = { len ? copy : NULL, len } };
	return p;
}

uint16_t exchange_error_notify(const struct msg *m)
{
	for (size_t i = 0; i < m->npl; i++)
		if (m->pl[i].type == IKEV2_PAYLOAD_NOTIFY &&
		    m->pl[i].u.notify.type <= IKEV2_N_ERROR_MAX)
			return m->pl[i].u.notify.type;
	return 0;
}
