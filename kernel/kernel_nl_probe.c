/* What the running kernel lets this process do, found by trying it on
 * throwaway objects (documentation addresses, an if_id of our range)
 * that are removed again, and said in plain words. */
#include "kernel/kernel_netlink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"

#define CAP_NET_ADMIN_BIT 12
/* The highest tunnel number keeps probe objects clear of real tunnels. */
#define PROBE_TUNNEL 0xffffu

static bool has_cap_net_admin(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long caps = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps & (1ull << CAP_NET_ADMIN_BIT);
}

static struct kernel_sa probe_sa(uint16_t encr, uint16_t integ, uint16_t key, uint16_t ikey,
				 uint32_t spi)
{
	struct kernel_sa sa = { .id.proto = KERNEL_PROTO_ESP, .id.spi = spi,
				.reqid = kernel_tunnel_if_id(PROBE_TUNNEL),
				.if_id = kernel_tunnel_if_id(PROBE_TUNNEL),
				.encr = encr, .integ = integ, .encr_key_len = key,
				.integ_key_len = ikey };
	ip_addr_parse("192.0.2.254", &sa.id.src);
	ip_addr_parse("192.0.2.253", &sa.id.dst);
	memset(sa.encr_key, 0x5a, key);
	memset(sa.integ_key, 0xa5, ikey);
	return sa;
}

/* 0 when the SA could be added (and it is gone again), else the errno. */
static int try_sa(struct kernel *k, const struct kernel_sa *sa)
{
	int err = k->ops->add_sa(k, sa);
	if (err)
		return kernel_netlink_last_errno(k) ? kernel_netlink_last_errno(k) : EIO;
	k->ops->del_sa(k, &sa->id);
	return 0;
}

static int try_xfrm(struct kernel *k)
{
	struct kernel_sa sa = probe_sa(12, 12, 16, 32, 0);
	uint32_t spi;
	if (k->ops->get_spi(k, &sa.id.src, &sa.id.dst, sa.reqid, &spi))
		return kernel_netlink_last_errno(k) ? kernel_netlink_last_errno(k) : EIO;
	sa.id.spi = spi;
	k->ops->del_sa(k, &sa.id);
	return 0;
}

static int try_xfrmi(struct kernel *k)
{
	if (k->ops->add_if(k, PROBE_TUNNEL, kernel_tunnel_if_id(PROBE_TUNNEL)))
		return kernel_netlink_last_errno(k) ? kernel_netlink_last_errno(k) : EIO;
	k->ops->del_if(k, PROBE_TUNNEL);
	return 0;
}

int kernel_netlink_probe(struct kernel_probe *out)
{
	memset(out, 0, sizeof(*out));
	out->cap_net_admin = has_cap_net_admin();
	int err;
	struct kernel *k = kernel_netlink_new(NULL, &err);
	if (!k) {
		out->xfrm_err = out->esp_cbc_err = out->esp_gcm_err = out->xfrmi_err = EIO;
		return err;
	}
	out->xfrm_err = try_xfrm(k);
	out->xfrm = out->xfrm_err == 0;
	struct kernel_sa cbc = probe_sa(12, 12, 16, 32, 0x5254fff1u);
	struct kernel_sa gcm = probe_sa(20, 0, 20, 0, 0x5254fff2u);
	out->esp_cbc_err = try_sa(k, &cbc);
	out->esp_cbc = out->esp_cbc_err == 0;
	out->esp_gcm_err = try_sa(k, &gcm);
	out->esp_gcm = out->esp_gcm_err == 0;
	out->xfrmi_err = try_xfrmi(k);
	out->xfrmi = out->xfrmi_err == 0;
	k->ops->flush(k);   /* anything a half-failed step left */
	kernel_free(k);
	return 0;
}

static const char *err_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "unknown error";
}

/* Why a step failed, in the words an operator can act on. */
static const char *esp_reason(int e, const char *alg_config)
{
	switch (e) {
	case EPROTONOSUPPORT: return "no CONFIG_INET_ESP";
	case ENOSYS: case ENOENT: return alg_config;
	case EPERM: return "no CAP_NET_ADMIN";
	default: return "unexpected answer";
	}
}

int kernel_netlink_probe_print(const struct kernel_probe *p, FILE *out)
{
	int missing = 0;
	if (!p->cap_net_admin) {
		fprintf(out, "this process lacks CAP_NET_ADMIN: run rtxsh as root to use the kernel\n");
		missing++;
	}
	if (!p->xfrm) {
		fprintf(out, "this kernel does not answer XFRM requests (%s): %s\n",
			p->xfrm_err == EPERM ? "no CAP_NET_ADMIN" : "no CONFIG_XFRM_USER?",
			err_name(p->xfrm_err));
		missing++;
	}
	if (!p->esp_cbc) {
		fprintf(out, "this kernel cannot install ESP SAs (%s): %s\n",
			esp_reason(p->esp_cbc_err, "no CONFIG_CRYPTO_AUTHENC, CBC or HMAC"),
			err_name(p->esp_cbc_err));
		missing++;
	}
	if (!p->esp_gcm) {
		fprintf(out, "this kernel cannot install AES-GCM ESP SAs (%s): %s\n",
			esp_reason(p->esp_gcm_err, "no CONFIG_CRYPTO_GCM"),
			err_name(p->esp_gcm_err));
		missing++;
	}
	if (!p->xfrmi) {
		fprintf(out, "this kernel cannot create xfrm interfaces (%s): %s\n",
			p->xfrmi_err == EOPNOTSUPP ? "no CONFIG_XFRM_INTERFACE" : "unexpected answer",
			err_name(p->xfrmi_err));
		missing++;
	}
	if (!missing)
		fprintf(out, "kernel IPsec: XFRM, ESP (CBC+HMAC, GCM) and xfrm interfaces all work\n");
	return missing;
}
