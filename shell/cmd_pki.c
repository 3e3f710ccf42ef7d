/* `pki certificate file`, `pki crl file` (stored lines whose files are
 * read when entered, so a wrong path or password is reported on the spot
 * and with its line number at -c load) and `show pki certificate summary`,
 * `show pki crl`. Private keys are never printed: only whether one is
 * there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "engine/config.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "engine/router.h"
#include "shell/cmd.h"
#include "shell/grammar.h"

enum gerr cmd_pki_file(struct cli_session *s, const struct cmd_args *a)
{
	struct params p;
	struct router *r = s->c->r;
	bool crl = strcmp(a->row->setting, "pki crl file") == 0;
	params_fill(r->model, a->row, a->w, a->tok, a->n, &p);
	if (!a->no) {
		bool pkcs12 = !crl && param(&p, P_FORMAT)->idx == 0;
		/* Reference 2.3: the password is required for pkcs12 (a PEM
		 * file's is kept as typed and not used). */
		if (pkcs12 && !param_given(&p, P_PASSWORD))
			return GE_TOO_FEW;
	}
	enum gerr e = cmd_store(s, a);
	if (e != GE_OK)
		return e;
	unsigned id = (unsigned)param(&p, P_PKI_ID)->num;
	if (a->no) {
		/* gone from `show pki` at once, not at the next apply */
		if (crl)
			pki_store_put_crl(r->pki, id, NULL);
		else
			pki_store_put_cert(r->pki, id, NULL);
		return GE_OK;
	}
	struct pki_file_config f = {
		.path = (char *)param(&p, P_FILE)->text,
		.pkcs12 = !crl && param(&p, P_FORMAT)->idx == 0,
		.password = param_given(&p, P_PASSWORD) ? (char *)param(&p, P_PASSWORD)->text
							: NULL,
	};
	struct pki_load_error err = { 0 };
	int rc = crl ? pki_store_load_crl(r->pki, id, &f, &err)
		     : pki_store_load_cert(r->pki, id, &f, &err);
	if (!rc)
		return GE_OK;
	/* The line stays (as a missing file must not lose config); the engine
	 * hears of it like of any stored line. */
	cmd_config_touched(s->c);
	size_t n = strlen(f.path) + strlen(err.reason) + 3;
	if ((s->detail = malloc(n)))
		snprintf(s->detail, n, "%s: %s", f.path, err.reason);
	return GE_PKI_LOAD;
}

/* ---- show ---------------------------------------------------------------- */

static void put_time(FILE *out, time_t t)
{
	struct tm tm;
	char buf[32] = "?";
	if (gmtime_r(&t, &tm))
		strftime(buf, sizeof(buf), "%Y/%m/%d %H:%M:%S", &tm);
	fprintf(out, "%s UTC", buf);
}

static const char *validity(time_t now, time_t from, time_t to)
{
	return now < from ? "not yet valid" : now > to ? "expired" : "valid";
}

static void show_cert(FILE *out, X509 *x, size_t i, bool has_key, time_t now)
{
	struct pki_cert_info info;
	if (pki_cert_info(x, &info)) {
		fprintf(out, "  [%zu] (cannot be read)\n", i);
		return;
	}
	fprintf(out, "  [%zu] Subject: %s\n", i, info.subject);
	fprintf(out, "      Issuer: %s\n", info.issuer);
	fprintf(out, "      Serial: %s\n", info.serial);
	fprintf(out, "      Validity: ");
	put_time(out, info.not_before);
	fprintf(out, " - ");
	put_time(out, info.not_after);
	fprintf(out, " (%s)\n", validity(now, info.not_before, info.not_after));
	fprintf(out, "      Key: %s%s%s%s\n", info.key, info.key_supported ? "" : " (not supported)",
		info.is_ca ? ", CA" : "", has_key ? ", private key present" : "");
	if (info.san[0])
		fprintf(out, "      SubjectAltName: %s\n", info.san);
}

static unsigned opt_id(const struct cmd_args *a, unsigned *hi)
{
	unsigned id = 0;
	/* the optional id is the only number of these rows */
	for (size_t i = 0; i < a->n; i++)
		if (a->w[i][0] >= '0' && a->w[i][0] <= '9')
			id = (unsigned)strtoul(a->w[i], NULL, 10);
	*hi = id ? id : CONFIG_PKI_MAX;
	return id ? id : 1;
}

enum gerr cmd_show_pki_cert(struct cli_session *s, const struct cmd_args *a)
{
	struct router *r = s->c->r;
	time_t now = r->clock->wall(r->clock);
	unsigned hi, lo = opt_id(a, &hi);
	bool any = false;
	for (unsigned id = lo; id <= hi; id++) {
		struct pki_store_status st;
		pki_store_cert_status(r->pki, id, &st);
		if (!st.configured)
			continue;
		any = true;
		const struct pki_cred *c = pki_store_cert(r->pki, id);
		fprintf(s->out, "Certificate file %u: %s\n", id, st.path ? st.path : "(in memory)");
		if (!c) {
			fprintf(s->out, "  not loaded: %s\n", st.error ? st.error : "unknown error");
			continue;
		}
		for (size_t i = 0; i < pki_cred_count(c); i++)
			show_cert(s->out, pki_cred_cert(c, i), i, i == 0 && pki_cred_key(c), now);
	}
	if (!any)
		fprintf(s->out, "No certificate file%s\n", lo == hi ? " with this id" : "s");
	return GE_OK;
}

enum gerr cmd_show_pki_crl(struct cli_session *s, const struct cmd_args *a)
{
	struct router *r = s->c->r;
	time_t now = r->clock->wall(r->clock);
	unsigned hi, lo = opt_id(a, &hi);
	bool any = false;
	for (unsigned id = lo; id <= hi; id++) {
		struct pki_store_status st;
		struct pki_crl_info info;
		pki_store_crl_status(r->pki, id, &st);
		if (!st.configured)
			continue;
		any = true;
		const struct pki_crl *crl = pki_store_crl(r->pki, id);
		fprintf(s->out, "CRL file %u: %s\n", id, st.path ? st.path : "(in memory)");
		if (!crl || pki_crl_info(crl, &info)) {
			fprintf(s->out, "  not loaded: %s\n", st.error ? st.error : "unknown error");
			continue;
		}
		fprintf(s->out, "  Issuer: %s\n  This update: ", info.issuer);
		put_time(s->out, info.this_update);
		fprintf(s->out, "\n  Next update: ");
		if (info.has_next_update) {
			put_time(s->out, info.next_update);
			fprintf(s->out, "%s", now > info.next_update ? " (expired)" : "");
		} else {
			fprintf(s->out, "none");
		}
		fprintf(s->out, "\n  Revoked certificates: %zu\n", info.n_revoked);
		for (size_t i = 0; i < info.n_revoked; i++) {
			char serial[80];
			time_t when;
			if (pki_crl_revoked(crl, i, serial, sizeof(serial), &when))
				continue;
			fprintf(s->out, "    Serial: %s  Revoked: ", serial);
			put_time(s->out, when);
			fputc('\n', s->out);
		}
	}
	if (!any)
		fprintf(s->out, "No CRL file%s\n", lo == hi ? " with this id" : "s");
	return GE_OK;
}
