/* The console socket protocol, shared by the server (console.c) and the
 * client (console_client.c). See console.c for the description. */
#ifndef RTX_CONSOLE_PROTO_H
#define RTX_CONSOLE_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* Payload bytes: a line of SCRIPT_LINE_MAX plus its line number fits. */
#define CONSOLE_FRAME_MAX (65536 + 64)
#define CONSOLE_HDR 5               /* type + 32-bit length */

enum console_frame {
	/* client -> router */
	CONSOLE_HELLO = 'H',      /* 1 byte: 's' script or 'i' interactive */
	CONSOLE_LINE = 'L',       /* 32-bit line number, then the line */
	CONSOLE_HELP = '?',       /* the text before the cursor */
	CONSOLE_COMPLETE = 'T',   /* the text before the cursor */
	/* router -> client */
	CONSOLE_OUTPUT = 'O',     /* console output, to print as is */
	CONSOLE_WORDS = 'W',      /* completions, each ended by a NUL */
	CONSOLE_PROMPT = 'P',     /* the prompt for the next line */
	CONSOLE_SECRET = 'Q',     /* (before PROMPT) the next line is a password */
	CONSOLE_BYE = 'B',        /* the session is over; the router closes */
	CONSOLE_STATUS = 'S',     /* 32-bit signed result: ends a reply */
};

/* Writes the header for a payload of len bytes into hdr. */
void console_frame_header(uint8_t hdr[CONSOLE_HDR], enum console_frame type, size_t len);
/* Looks at buf: 1 and the frame when a whole one is there, 0 when more
 * bytes are needed, -1 when the peer broke the protocol (too long). */
int console_frame_parse(const uint8_t *buf, size_t len, unsigned *type,
			const uint8_t **payload, size_t *plen);
uint32_t console_be32(const uint8_t *p);
void console_put_be32(uint8_t *p, uint32_t v);

#endif
