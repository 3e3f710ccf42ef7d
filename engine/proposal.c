#include "engine/proposal.h"

#include <stdio.h>
#include <string.h>

#include "engine/alg.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "base/err.h"
#include "engine/model.h"

/* Yamaha preference order (reference 1.16, 1.19, 4). */
static const struct { uint16_t id, bits; } encr_order[] = {
	{ IKEV2_ENCR_AES_CBC, 256 }, { IKEV2_ENCR_AES_CBC, 192 },
	{ IKEV2_ENCR_AES_CBC, 128 }, { IKEV2_ENCR_3DES, 0 }, { IKEV2_ENCR_DES, 0 },
};
static const uint16_t integ_order[] = {
	IKEV2_AUTH_HMAC_SHA2_512_256, IKEV2_AUTH_HMAC_SHA2_384_192,
	IKEV2_AUTH_HMAC_SHA2_256_128, IKEV2_AUTH_HMAC_SHA1_96, IKEV2_AUTH_HMAC_MD5_96,
};
/* Combined-mode ciphers rtxsh adds in a proposal of their own. */
static const struct { uint16_t id, bits; } aead_order[] = {
	{ IKEV2_ENCR_AES_GCM_16, 256 }, { IKEV2_ENCR_AES_GCM_16, 128 },
	{ IKEV2_ENCR_CHACHA20_POLY1305, 256 },
};
static const uint16_t prf_order[] = {
	IKEV2_PRF_HMAC_SHA2_512, IKEV2_PRF_HMAC_SHA2_384, IKEV2_PRF_HMAC_SHA2_256,
	IKEV2_PRF_HMAC_SHA1, IKEV2_PRF_HMAC_MD5,
};

/* The SHA2-384/512 rows exist only on models that have the keywords. */
static bool model_has(const struct rtx_model *m, const struct alg *a)
{
	if (a->type != ALG_INTEG && a->type != ALG_PRF)
		return true;
	bool long_sha = a->id == IKEV2_AUTH_HMAC_SHA2_384_192 ||
			a->id == IKEV2_AUTH_HMAC_SHA2_512_256;
	if (a->type == ALG_PRF)
		long_sha = a->id == IKEV2_PRF_HMAC_SHA2_384 || a->id == IKEV2_PRF_HMAC_SHA2_512;
	return !long_sha || (m && m->sha2_long);
}

/* Appends to the offer's last proposal. */
static void add_tr(struct proposal_offer *o, const struct alg *a)
{
	struct sa_proposal *p = &o->props[o->nprops - 1];
	if (!a || p->ntransforms == PROPOSAL_MAX_TRANSFORMS)
		return;
	struct sa_transform *t = &p->transforms[p->ntransforms++];
	*t = (struct sa_transform){ .type = (uint8_t)a->type, .id = a->id };
	if (a->key_attr) {
		t->nattrs = 1;
		t->attrs[0] = (struct sa_attr){ .type = IKEV2_ATTR_KEY_LENGTH, .tv = true,
						.value = a->key_bits };
	}
}

static void add_if(struct proposal_offer *o, const struct rtx_model *m,
		   struct crypto_lib *lib, const struct alg *a)
{
	if (a && crypto_lib_supports(lib, a) && model_has(m, a))
		add_tr(o, a);
}

static void offer_init(struct proposal_offer *o, uint8_t protocol)
{
	memset(o, 0, sizeof(*o));
	o->nprops = 1;
	o->props[0] = (struct sa_proposal){ .num = 1, .protocol = protocol,
					    .transforms = o->tr };
}

/* Opens the second, combined-mode proposal (same protocol and SPI). */
static void offer_aead(struct proposal_offer *o)
{
	o->props[1] = o->props[0];
	o->props[1].num = 2;
	o->props[1].ntransforms = 0;
	o->props[1].transforms = o->tr_aead;
	o->nprops = 2;
}

int proposal_offer_copy(struct proposal_offer *o, const struct sa_proposal *p)
{
	if (p->ntransforms > PROPOSAL_MAX_TRANSFORMS)
		return -RTX_ERANGE;
	offer_init(o, p->protocol);
	o->props[0] = *p;
	memcpy(o->tr, p->transforms, p->ntransforms * sizeof(*o->tr));
	o->props[0].transforms = o->tr;
	return 0;
}

void proposal_offer_spi(struct proposal_offer *o, const uint8_t *spi, uint8_t size)
{
	for (size_t i = 0; i < o->nprops; i++) {
		o->props[i].spi_size = size;
		memcpy(o->props[i].spi, spi, size);
	}
}

static void add_all_encr(struct proposal_offer *o, const struct rtx_model *m,
			 struct crypto_lib *lib)
{
	for (size_t i = 0; i < sizeof(encr_order) / sizeof(encr_order[0]); i++)
		add_if(o, m, lib, alg_find(ALG_ENCR, encr_order[i].id, encr_order[i].bits));
}

static void add_all_aead(struct proposal_offer *o, const struct rtx_model *m,
			 struct crypto_lib *lib)
{
	for (size_t i = 0; i < sizeof(aead_order) / sizeof(aead_order[0]); i++)
		add_if(o, m, lib, alg_find(ALG_ENCR, aead_order[i].id, aead_order[i].bits));
}

static void add_all_prf(struct proposal_offer *o, const struct rtx_model *m,
			struct crypto_lib *lib)
{
	for (size_t i = 0; i < sizeof(prf_order) / sizeof(prf_order[0]); i++)
		add_if(o, m, lib, alg_find(ALG_PRF, prf_order[i], 0));
}

static void add_all_integ(struct proposal_offer *o, const struct rtx_model *m,
			  struct crypto_lib *lib)
{
	for (size_t i = 0; i < sizeof(integ_order) / sizeof(integ_order[0]); i++)
		add_if(o, m, lib, alg_find(ALG_INTEG, integ_order[i], 0));
}

/* `ipsec ike hash` names a PRF; the same hash serves as INTEG. */
static const struct alg *integ_for_prf(uint16_t prf_id)
{
	for (size_t i = 0; i < sizeof(prf_order) / sizeof(prf_order[0]); i++)
		if (prf_order[i] == prf_id)
			return alg_find(ALG_INTEG, integ_order[i], 0);
	return NULL;
}

void proposal_limit_ike(const struct gateway_config *g, struct proposal_limit *out)
{
	*out = (struct proposal_limit){
		.encr = alg_find(ALG_ENCR, g->encryption, g->encryption_bits),
		.prf = alg_find(ALG_PRF, g->hash, 0),
		.integ = g->integ ? alg_find(ALG_INTEG, g->integ, 0) : integ_for_prf(g->hash),
		.dh = g->group[0],
	};
	if (!out->encr)
		out->encr = alg_find(ALG_ENCR, g->encryption, 0);
	if (out->encr && out->encr->aead)    /* combined mode: no INTEG (RFC 5282 8) */
		out->integ = NULL;
}

void proposal_limit_esp(const struct policy_config *p, struct proposal_limit *out)
{
	*out = (struct proposal_limit){
		.encr = alg_find(ALG_ENCR, p->encr, p->encr_bits),
		.integ = p->integ ? alg_find(ALG_INTEG, p->integ, 0) : NULL,
	};
	if (!out->encr)
		out->encr = alg_find(ALG_ENCR, p->encr, 0);
	if (out->encr && out->encr->aead)
		out->integ = NULL;
}

/* Moves the transform equal to `a` to the front of its type's run, so a
 * responder that honours the initiator's order takes it first. */
static void front(struct sa_proposal *p, const struct alg *a)
{
	size_t first = p->ntransforms, at = p->ntransforms;
	for (size_t i = 0; a && i < p->ntransforms; i++) {
		const struct sa_transform *t = &p->transforms[i];
		if (t->type != a->type)
			continue;
		if (first == p->ntransforms)
			first = i;
		if (alg_find((enum alg_type)t->type, t->id, sa_transform_keylen(t)) == a)
			at = i;
	}
	if (at == p->ntransforms || at == first)
		return;
	struct sa_transform keep = p->transforms[at];
	memmove(&p->transforms[first + 1], &p->transforms[first],
		(at - first) * sizeof(keep));
	p->transforms[first] = keep;
}

/* proposal-limitation off: everything supported is offered, but the
 * configured algorithms lead (their proposal first, each first of its
 * type); proposal numbers stay 1, 2 in sending order (RFC 7296 3.3.1). */
static void prefer(struct proposal_offer *o, const struct proposal_limit *l)
{
	if (l->encr && l->encr->aead && o->nprops == 2) {
		struct sa_proposal t = o->props[0];
		o->props[0] = o->props[1];
		o->props[1] = t;
		o->props[0].num = 1;
		o->props[1].num = 2;
	}
	for (size_t i = 0; i < o->nprops; i++) {
		front(&o->props[i], l->encr);
		front(&o->props[i], l->prf);
		front(&o->props[i], l->integ);
	}
}

int proposal_ike(const struct gateway_config *g, const struct rtx_model *model,
		 struct crypto_lib *lib, uint16_t group, struct proposal_offer *out)
{
	offer_init(out, IKEV2_PROTO_IKE);
	const struct alg *dh = alg_find(ALG_DH, group, 0);
	if (!dh || !crypto_lib_supports(lib, dh))
		return -RTX_EUNSUPP;
	if (g->proposal_limitation) {
		struct proposal_limit l;
		proposal_limit_ike(g, &l);
		if (!l.encr || !l.prf || (!l.integ && !l.encr->aead))
			return -RTX_EUNSUPP;
		add_tr(out, l.encr);
		add_tr(out, l.prf);
		if (l.integ)
			add_tr(out, l.integ);
		add_tr(out, dh);
	} else {
		add_all_encr(out, model, lib);
		add_all_prf(out, model, lib);
		add_all_integ(out, model, lib);
		add_tr(out, dh);
		offer_aead(out);
		add_all_aead(out, model, lib);
		add_all_prf(out, model, lib);
		add_tr(out, dh);
		struct proposal_limit l;
		proposal_limit_ike(g, &l);
		prefer(out, &l);
	}
	return 0;
}

int proposal_esp(const struct gateway_config *g, const struct policy_config *p,
		 const struct rtx_model *model, struct crypto_lib *lib,
		 uint32_t spi, struct proposal_offer *out)
{
	const struct alg *no_esn = alg_find(ALG_ESN, IKEV2_ESN_NONE, 0);
	offer_init(out, IKEV2_PROTO_ESP);
	if (g->proposal_limitation) {
		struct proposal_limit l;
		proposal_limit_esp(p, &l);
		if (!l.encr)
			return -RTX_EUNSUPP;
		add_tr(out, l.encr);
		add_tr(out, l.integ);
		add_tr(out, no_esn);
	} else {
		add_all_encr(out, model, lib);
		add_all_integ(out, model, lib);
		add_tr(out, no_esn);
		offer_aead(out);
		add_all_aead(out, model, lib);
		add_tr(out, no_esn);
		struct proposal_limit l;
		proposal_limit_esp(p, &l);
		prefer(out, &l);
	}
	const uint8_t be[4] = { (uint8_t)(spi >> 24), (uint8_t)(spi >> 16),
				(uint8_t)(spi >> 8), (uint8_t)spi };
	proposal_offer_spi(out, be, 4);
	return 0;
}

bool proposal_has_group(const struct sa_proposal *p, uint16_t group)
{
	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->transforms[i].type == ALG_DH && p->transforms[i].id == group)
			return true;
	return false;
}

/* ---- responder choice ------------------------------------------------- */

static const struct alg *tr_alg(const struct sa_transform *t)
{
	if (t->type < ALG_ENCR || t->type > ALG_ESN)
		return NULL;
	return alg_find((enum alg_type)t->type, t->id, sa_transform_keylen(t));
}

static bool allowed(const struct alg *a, const struct proposal_limit *lim,
		    struct crypto_lib *lib)
{
	if (!a || !crypto_lib_supports(lib, a))
		return false;
	if (!lim)
		return true;
	switch (a->type) {
	case ALG_ENCR: return !lim->encr || lim->encr == a;
	case ALG_INTEG: return !lim->integ || lim->integ == a;
	case ALG_PRF: return !lim->prf || lim->prf == a;
	case ALG_DH: return !lim->dh || lim->dh == a->id;
	default: return true;
	}
}

static bool is_pref(const struct alg *a, const struct proposal_limit *pref)
{
	if (!pref)
		return false;
	switch (a->type) {
	case ALG_ENCR: return pref->encr == a;
	case ALG_INTEG: return pref->integ == a;
	case ALG_PRF: return pref->prf == a;
	case ALG_DH: return pref->dh && pref->dh == a->id;
	default: return false;
	}
}

/* The strongest allowed transform of each type in one proposal, except
 * that a preferred (configured) one beats any other; the ESN choice
 * prefers "no ESN", which every kernel and peer handles. */
static void best_of(const struct sa_proposal *p, const struct proposal_limit *lim,
		    const struct proposal_limit *pref, struct crypto_lib *lib,
		    struct proposal_choice *c, bool *esn_none, bool *esn_yes)
{
	for (size_t i = 0; i < p->ntransforms; i++) {
		const struct alg *a = tr_alg(&p->transforms[i]);
		if (!allowed(a, lim, lib))
			continue;
		const struct alg **slot = a->type == ALG_ENCR ? &c->encr :
					  a->type == ALG_INTEG ? &c->integ :
					  a->type == ALG_PRF ? &c->prf :
					  a->type == ALG_DH ? &c->dh : NULL;
		if (a->type == ALG_ESN) {
			*(a->id == IKEV2_ESN_NONE ? esn_none : esn_yes) = true;
			continue;
		}
		if (!slot)
			continue;
		bool ap = is_pref(a, pref), sp = *slot && is_pref(*slot, pref);
		if (!*slot || (ap && !sp) || (ap == sp && a->strength > (*slot)->strength))
			*slot = a;
	}
}

static bool lists_type(const struct sa_proposal *p, uint8_t type)
{
	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->transforms[i].type == type)
			return true;
	return false;
}

/* A proposal is acceptable when every transform type it lists got a
 * choice and the set is complete for its protocol. */
static bool choose(const struct sa_proposal *p, uint8_t protocol,
		   const struct proposal_limit *lim, const struct proposal_limit *pref,
		   struct crypto_lib *lib, struct proposal_choice *c)
{
	bool esn_none = false, esn_yes = false;
	*c = (struct proposal_choice){ .num = p->num, .protocol = protocol,
				       .spi_size = p->spi_size };
	memcpy(c->spi, p->spi, sizeof(c->spi));
	best_of(p, lim, pref, lib, c, &esn_none, &esn_yes);
	if (!c->encr)
		return false;
	if (c->encr->aead)
		c->integ = NULL;
	else if (!c->integ && (lists_type(p, ALG_INTEG) || protocol == IKEV2_PROTO_IKE ||
			       (lim && lim->integ)))
		return false;
	if (protocol == IKEV2_PROTO_IKE)
		return c->prf && c->dh;
	if (lists_type(p, ALG_DH) && !c->dh)
		return false;
	if (lists_type(p, ALG_ESN) && !esn_none && !esn_yes)
		return false;
	c->esn = !esn_none && esn_yes;
	return p->spi_size == 4;
}

/* Preferred (configured) algorithms first, then strength. */
static uint64_t score(const struct proposal_choice *c, const struct proposal_limit *pref)
{
	const struct alg *parts[] = { c->encr, c->integ, c->prf, c->dh };
	uint64_t npref = 0;
	for (size_t i = 0; i < 4; i++)
		npref += parts[i] && is_pref(parts[i], pref);
	uint64_t s = npref * 1000000000000ull + c->encr->strength * 1000000000ull;
	s += (c->integ ? c->integ->strength : c->encr->aead ? 50u : 0u) * 1000000ull;
	s += (c->prf ? c->prf->strength : 0u) * 1000ull;
	return s + (c->dh ? c->dh->strength : 0u);
}

int proposal_select_pref(const struct payload_sa *sa, uint8_t protocol,
			 const struct proposal_limit *lim, const struct proposal_limit *pref,
			 struct crypto_lib *lib, struct proposal_choice *out)
{
	bool found = false;
	for (size_t i = 0; i < sa->nproposals; i++) {
		struct proposal_choice c;
		if (sa->proposals[i].protocol != protocol ||
		    !choose(&sa->proposals[i], protocol, lim, pref, lib, &c))
			continue;
		if (!found || score(&c, pref) > score(out, pref))
			*out = c;
		found = true;
	}
	return found ? 0 : -RTX_ENOPROP;
}

int proposal_select(const struct payload_sa *sa, uint8_t protocol,
		    const struct proposal_limit *lim, struct crypto_lib *lib,
		    struct proposal_choice *out)
{
	return proposal_select_pref(sa, protocol, lim, NULL, lib, out);
}

int proposal_select_ike(const struct payload_sa *sa, const struct gateway_config *g,
			struct crypto_lib *lib, struct proposal_choice *out)
{
	struct proposal_limit cfg;
	if (!g)
		return proposal_select(sa, IKEV2_PROTO_IKE, NULL, lib, out);
	proposal_limit_ike(g, &cfg);
	if (g->proposal_limitation)
		return proposal_select(sa, IKEV2_PROTO_IKE, &cfg, lib, out);
	/* The KE payload's group decides DH (RFC 7296 1.2), not a preference
	 * that would cost an INVALID_KE_PAYLOAD round trip. */
	cfg.dh = 0;
	return proposal_select_pref(sa, IKEV2_PROTO_IKE, NULL, &cfg, lib, out);
}

int proposal_select_esp(const struct payload_sa *sa, const struct gateway_config *g,
			const struct policy_config *p, struct crypto_lib *lib,
			struct proposal_choice *out)
{
	struct proposal_limit cfg;
	proposal_limit_esp(p, &cfg);
	if (g->proposal_limitation)
		return proposal_select(sa, IKEV2_PROTO_ESP, &cfg, lib, out);
	return proposal_select_pref(sa, IKEV2_PROTO_ESP, NULL, &cfg, lib, out);
}

int proposal_accept(const struct payload_sa *answer, const struct proposal_offer *offer,
		    struct crypto_lib *lib, struct proposal_choice *out)
{
	if (answer->nproposals != 1)
		return -RTX_ENOPROP;
	const struct sa_proposal *p = &answer->proposals[0], *offered = NULL;
	for (size_t i = 0; i < offer->nprops; i++)
		if (offer->props[i].num == p->num)
			offered = &offer->props[i];
	if (!offered || p->protocol != offered->protocol)
		return -RTX_ENOPROP;
	uint8_t seen[6] = { 0 };
	for (size_t i = 0; i < p->ntransforms; i++) {
		const struct sa_transform *t = &p->transforms[i];
		bool ours = false;
		for (size_t k = 0; k < offered->ntransforms && !ours; k++)
			ours = offered->transforms[k].type == t->type &&
			       offered->transforms[k].id == t->id &&
			       sa_transform_keylen(&offered->transforms[k]) ==
				       sa_transform_keylen(t);
		if (!ours || t->type < 1 || t->type > 5 || seen[t->type]++)
			return -RTX_ENOPROP;
	}
	if (!choose(p, p->protocol, NULL, NULL, lib, out))
		return -RTX_ENOPROP;
	return 0;
}

void proposal_from_choice(const struct proposal_choice *c, struct proposal_offer *out)
{
	offer_init(out, c->protocol);
	out->props[0].num = c->num;
	proposal_offer_spi(out, c->spi, c->spi_size);
	add_tr(out, c->encr);
	add_tr(out, c->prf);
	add_tr(out, c->integ);
	add_tr(out, c->dh);
	if (c->protocol != IKEV2_PROTO_IKE)
		add_tr(out, alg_find(ALG_ESN, c->esn ? IKEV2_ESN_YES : IKEV2_ESN_NONE, 0));
}

/* Show-command spelling, as `show ipsec sa gateway N detail` on an RTX
 * (reference 5.3: "AES-CBC, SHA-1, MODP 1024bit" for the IKE SA, "AES-CBC
 * (for Auth.: HMAC-SHA)" for ESP): the key length only where Yamaha's own
 * names carry it (aes256-cbc -> AES256-CBC), hashes as SHA-1 / SHA-256 for
 * the IKE SA and HMAC-SHA / HMAC-SHA256 for ESP; rtxsh's extensions
 * (GCM, ChaCha20, ECP, X25519) in the same manner. */
static const char *show_name(const struct alg *a, bool esp, char *buf, size_t len)
{
	const char *kb = a->key_bits == 128 ? "" : a->key_bits == 192 ? "192" :
			 a->key_bits == 256 ? "256" : "";
	switch (a->id * 8 + a->type) {
	case IKEV2_ENCR_AES_CBC * 8 + ALG_ENCR:
		snprintf(buf, len, "AES%s-CBC", kb);
		return buf;
	case IKEV2_ENCR_AES_GCM_16 * 8 + ALG_ENCR:
		snprintf(buf, len, "AES%s-GCM", kb);
		return buf;
	case IKEV2_ENCR_3DES * 8 + ALG_ENCR: return "3DES-CBC";
	case IKEV2_ENCR_DES * 8 + ALG_ENCR: return "DES-CBC";
	case IKEV2_ENCR_CHACHA20_POLY1305 * 8 + ALG_ENCR: return "CHACHA20-POLY1305";
	}
	if (a->type == ALG_DH && a->dh_kind == ALG_DH_MODP) {
		snprintf(buf, len, "MODP %ubit", a->pub_len * 8u);
		return buf;
	}
	if (a->type == ALG_DH && a->dh_kind == ALG_DH_ECP) {
		snprintf(buf, len, "ECP %ubit", a->pub_len * 4u);
		return buf;
	}
	if (a->type == ALG_INTEG || a->type == ALG_PRF) {
		const char *h = a->ossl ? a->ossl : "?";
		if (!strcmp(h, "SHA1"))
			return esp ? "HMAC-SHA" : "SHA-1";
		if (!strcmp(h, "MD5"))
			return esp ? "HMAC-MD5" : "MD5";
		if (!strncmp(h, "SHA", 3))
			snprintf(buf, len, esp ? "HMAC-SHA%s" : "SHA-%s", h + 3);
		else
			snprintf(buf, len, "%s", h);
		return buf;
	}
	return a->ossl && a->type == ALG_DH ? a->ossl : a->name;
}

void proposal_text(const struct proposal_choice *c, char *buf, size_t len)
{
	bool esp = c->protocol == IKEV2_PROTO_ESP;
	char tmp[3][32];
	/* With an AEAD cipher the IKE SA's hash is its PRF alone. */
	const struct alg *hash = c->integ ? c->integ : esp ? NULL : c->prf;
	const char *e = c->encr ? show_name(c->encr, esp, tmp[0], sizeof(tmp[0])) : "-";
	const char *h = hash ? show_name(hash, esp, tmp[1], sizeof(tmp[1])) : NULL;
	const char *g = c->dh && !esp ? show_name(c->dh, esp, tmp[2], sizeof(tmp[2])) : NULL;
	if (esp)
		snprintf(buf, len, h ? "%s (for Auth.: %s)" : "%s", e, h);
	else
		snprintf(buf, len, "%s%s%s%s%s", e, h ? ", " : "", h ? h : "", g ? ", " : "",
			 g ? g : "");
}
