/* The rule tables of RFC 7296 1.2-1.5 and the checker and sorter that
 * read them. */
#include "engine/msg_rules.h"

#include "base/err.h"
#include "engine/iana.h"

#define R(t, mn, mx, enc) { IKEV2_PAYLOAD_##t, 0, mn, mx, enc }
#define RN(n, mn, mx, enc) { IKEV2_PAYLOAD_NOTIFY, IKEV2_N_##n, mn, mx, enc }
#define M RULE_MANY

/* RFC 7296 2.6: a COOKIE notify goes first. */
static const struct msg_rule init_req[] = {
	RN(COOKIE, 0, 1, false), R(SA, 1, 1, false), R(KE, 1, 1, false),
	R(NONCE, 1, 1, false), R(NOTIFY, 0, M, false), R(CERTREQ, 0, M, false),
	R(VENDOR, 0, M, false),
};

static const struct msg_rule init_resp[] = {
	R(SA, 1, 1, false), R(KE, 1, 1, false), R(NONCE, 1, 1, false),
	R(NOTIFY, 0, M, false), R(CERTREQ, 0, M, false), R(VENDOR, 0, M, false),
};

/* With EAP the first IKE_AUTH request has no AUTH and later ones hold only
 * EAP, so nothing inside is mandatory: the exchange code checks what each
 * round needs. */
static const struct msg_rule auth_req[] = {
	R(SK, 0, 1, false), R(SKF, 0, 1, false),
	R(IDI, 0, 1, true), R(CERT, 0, M, true), RN(INITIAL_CONTACT, 0, 1, true),
	R(CERTREQ, 0, M, true), R(IDR, 0, 1, true), R(AUTH, 0, 1, true),
	R(EAP, 0, 1, true), R(CP, 0, 1, true), R(NOTIFY, 0, M, true),
	R(SA, 0, 1, true), R(TSI, 0, 1, true), R(TSR, 0, 1, true),
	R(VENDOR, 0, M, true),
};

static const struct msg_rule auth_resp[] = {
	R(SK, 0, 1, false), R(SKF, 0, 1, false),
	R(IDR, 0, 1, true), R(CERT, 0, M, true), R(AUTH, 0, 1, true),
	R(EAP, 0, 1, true), R(CP, 0, 1, true), R(NOTIFY, 0, M, true),
	R(SA, 0, 1, true), R(TSI, 0, 1, true), R(TSR, 0, 1, true),
	R(VENDOR, 0, M, true),
};

/* RFC 7296 1.3: REKEY_SA leads a Child SA rekey. */
static const struct msg_rule child_req[] = {
	R(SK, 0, 1, false), R(SKF, 0, 1, false),
	RN(REKEY_SA, 0, 1, true), R(NOTIFY, 0, M, true), R(SA, 1, 1, true),
	R(NONCE, 1, 1, true), R(KE, 0, 1, true), R(TSI, 0, 1, true),
	R(TSR, 0, 1, true), R(VENDOR, 0, M, true),
};

static const struct msg_rule child_resp[] = {
	R(SK, 0, 1, false), R(SKF, 0, 1, false),
	R(SA, 1, 1, true), R(NONCE, 1, 1, true), R(KE, 0, 1, true),
	R(TSI, 0, 1, true), R(TSR, 0, 1, true), R(NOTIFY, 0, M, true),
	R(VENDOR, 0, M, true),
};

static const struct msg_rule info[] = {
	R(SK, 0, 1, false), R(SKF, 0, 1, false),
	R(NOTIFY, 0, M, true), R(DELETE, 0, M, true), R(CP, 0, 1, true),
	R(VENDOR, 0, M, true),
};

#define RS(x, resp, enc, t) { IKEV2_EXCH_##x, resp, enc, t, sizeof(t) / sizeof(t[0]) }

static const struct msg_rules rulesets[] = {
	RS(IKE_SA_INIT, false, false, init_req),
	RS(IKE_SA_INIT, true, false, init_resp),
	RS(IKE_AUTH, false, true, auth_req),
	RS(IKE_AUTH, true, true, auth_resp),
	RS(CREATE_CHILD_SA, false, true, child_req),
	RS(CREATE_CHILD_SA, true, true, child_resp),
	RS(INFORMATIONAL, false, true, info),
	RS(INFORMATIONAL, true, true, info),
};

const struct msg_rules *msg_rules_find(uint8_t exchange, bool response)
{
	for (size_t i = 0; i < sizeof(rulesets) / sizeof(rulesets[0]); i++)
		if (rulesets[i].exchange == exchange && rulesets[i].response == response)
			return &rulesets[i];
	return NULL;
}

/* The first row a payload matches, or -1. */
static int rule_index(const struct msg_rules *rs, const struct payload *p)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct msg_rule *r = &rs->rules[i];
		if (r->type != p->type)
			continue;
		if (r->notify && (p->type != IKEV2_PAYLOAD_NOTIFY || p->u.notify.type != r->notify))
			continue;
		return (int)i;
	}
	return -1;
}

static int refuse(struct pctx *c, enum log_id id, uint8_t type)
{
	pctx_log_payload(c, id, type);
	return pctx_syntax(c);
}

/* RFC 7296 1.2, 2.6: an error or cookie response replaces the payloads
 * the exchange would otherwise carry. */
static bool mandatory_waived(const struct msg_rules *rs, const struct payload *pl,
			     size_t npl)
{
	if (!rs->response)
		return false;
	for (size_t i = 0; i < npl; i++) {
		const struct payload *p = &pl[i];
		if (p->type == IKEV2_PAYLOAD_NOTIFY &&
		    (p->u.notify.type <= IKEV2_N_ERROR_MAX || p->u.notify.type == IKEV2_N_COOKIE))
			return true;
	}
	return false;
}

static bool has_sk(const struct payload *pl, size_t npl)
{
	for (size_t i = 0; i < npl; i++)
		if (pl[i].type == IKEV2_PAYLOAD_SK || pl[i].type == IKEV2_PAYLOAD_SKF)
			return true;
	return false;
}

static int check_counts(const struct msg_rules *rs, const struct payload *pl, size_t npl,
			struct pctx *c, uint8_t *count)
{
	for (size_t i = 0; i < npl; i++) {
		const struct payload *p = &pl[i];
		int k = rule_index(rs, p);
		if (k < 0 || rs->rules[k].encrypted != p->encrypted)
			return refuse(c, LOG_CANNOT_ACCEPT, p->type);
		if (count[k] == rs->rules[k].max)
			return refuse(c, LOG_CANNOT_ACCEPT, p->type);
		count[k]++;
	}
	return 0;
}

int msg_rules_check(const struct msg_rules *rs, const struct payload *pl, size_t npl,
		    bool decrypted, struct pctx *c)
{
	if (!rs)
		return -RTX_EUNSUPP;
	uint8_t count[32] = { 0 };
	int err = check_counts(rs, pl, npl, c, count);
	if (err)
		return err;
	if (rs->encrypted && !decrypted && !has_sk(pl, npl))
		return refuse(c, LOG_NOT_CONTAINED, IKEV2_PAYLOAD_SK);
	if (mandatory_waived(rs, pl, npl))
		return 0;
	for (size_t k = 0; k < rs->n; k++) {
		const struct msg_rule *r = &rs->rules[k];
		if (r->encrypted && !decrypted)
			continue;
		if (count[k] < r->min)
			return refuse(c, LOG_NOT_CONTAINED, r->type);
	}
	return 0;
}

int msg_rules_order(const struct msg_rules *rs, const struct payload *pl, size_t npl,
		    bool encrypted, const struct payload **out, size_t *n)
{
	*n = 0;
	if (!rs) {
		for (size_t i = 0; i < npl; i++)
			if (pl[i].encrypted == encrypted)
				out[(*n)++] = &pl[i];
		return 0;
	}
	for (size_t i = 0; i < npl; i++) {
		int k = rule_index(rs, &pl[i]);
		if (pl[i].encrypted == encrypted && (k < 0 || rs->rules[k].encrypted != encrypted))
			return -RTX_EINVAL;     /* we never send what we would refuse */
	}
	/* Row by row keeps the emit order a property of the table. */
	for (size_t k = 0; k < rs->n; k++)
		for (size_t i = 0; i < npl; i++)
			if (pl[i].encrypted == encrypted && rule_index(rs, &pl[i]) == (int)k)
				out[(*n)++] = &pl[i];
	return 0;
}
