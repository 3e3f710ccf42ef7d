/* Helpers shared by the codec's cmocka drivers: a capturing logger and hex
 * input. Include after <cmocka.h>. */
#ifndef TEST_CODEC_UTIL_H
#define TEST_CODEC_UTIL_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "engine/msg.h"

static inline struct log *cap_log(void)
{
	struct log *l = log_new(64, NULL);
	assert_non_null(l);
	log_set_debug(l, true);
	return l;
}

/* The newest line, or "" when nothing was logged. */
static inline const char *last_line(const struct log *l)
{
	size_t n = log_count(l);
	return n ? log_get(l, n - 1)->text : "";
}

/* Parses hex digits, skipping whitespace and '#' comments to end of line.
 * Returns the number of bytes, or (size_t)-1 on bad input or overflow. */
static inline size_t hex_parse(const char *s, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *s; s++) {
		if (*s == '#') {
			while (*s && *s != '\n')
				s++;
			if (!*s)
				break;
			continue;
		}
		if (isspace((unsigned char)*s))
			continue;
		if (!isxdigit((unsigned char)*s))
			return (size_t)-1;
		int v = isdigit((unsigned char)*s) ? *s - '0' : (tolower(*s) - 'a' + 10);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return (size_t)-1;
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? n : (size_t)-1;
}

static inline size_t hex_load(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[1 << 16];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	size_t len = hex_parse(text, buf, cap);
	assert_true(len != (size_t)-1);
	return len;
}

#define HEX(buf, s) hex_parse(s, buf, sizeof(buf))

#endif
