#include "engine/model.h"

#include <stddef.h>
#include <strings.h>

/* Figures from the Yamaha command reference (IPsec chapter), current
 * firmware. RA: remote-access VPN firmware exists in the IKEv2 page's
 * model table (vRX, RTX5000/3500 and RTX1210 have site-to-site only; the
 * RTX840 is newer than the table and keeps it). */
static const struct rtx_model models[] = {
	/* name      tunnels queue min/max/def   users sha2L  sonsa  replay RA */
	{ "vRX",      6000, 6000, 24000, 12000, 6000, false, false, true,  false },
	{ "RTX5000",  3000, 3000, 12000, 6000,  3000, false, false, true,  false },
	{ "RTX3510",  1000, 3000, 12000, 6000,  1000, true,  true,  false, true },
	{ "RTX3500",  1000, 1000, 4000,  2000,  1000, false, false, true,  false },
	{ "RTX1300",  100,  1100, 4400,  2200,  1000, true,  true,  false, true },
	{ "RTX1220",  100,  100,  200,   200,   1000, false, false, true,  true },
	{ "RTX1210",  100,  100,  200,   200,   1000, false, false, true,  false },
	{ "RTX840",   20,   20,   40,    40,    1000, false, true,  true,  true },
	{ "RTX830",   20,   100,  200,   200,   1000, false, false, true,  true },
};

const struct rtx_model *model_at(unsigned i)
{
	return i < sizeof(models) / sizeof(models[0]) ? &models[i] : NULL;
}

const struct rtx_model *model_find(const char *name)
{
	for (unsigned i = 0; model_at(i); i++)
		if (strcasecmp(models[i].name, name) == 0)
			return &models[i];
	return NULL;
}

const struct rtx_model *model_default(void)
{
	return model_find(RTX_MODEL_DEFAULT);
}
