/* esp_send DST SPI [PORT]: one hand-built ESP packet (SPI, sequence
 * number 1 and sixteen octets that no SA could decrypt) to DST, IPv4 or
 * IPv6, through a raw socket; with PORT as ESP in UDP (RFC 3948) to that
 * port. For the netns test of `ipsec log illegal-spi`. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	char *end;
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: esp_send DST SPI [PORT]\n");
		return 2;
	}
	unsigned long port = argc == 4 ? strtoul(argv[3], &end, 10) : 0;
	if (argc == 4 && (*end || !port || port > 65535)) {
		fprintf(stderr, "esp_send: bad port %s\n", argv[3]);
		return 2;
	}
	unsigned long spi = strtoul(argv[2], &end, 0);
	if (*end || spi > 0xffffffffUL) {
		fprintf(stderr, "esp_send: bad SPI %s\n", argv[2]);
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, argv[1], &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		len = sizeof(*s6);
	} else {
		fprintf(stderr, "esp_send: bad address %s\n", argv[1]);
		return 2;
	}
	uint8_t pkt[24] = { 0 };
	uint32_t be = htonl((uint32_t)spi), seq = htonl(1);
	memcpy(pkt, &be, 4);
	memcpy(pkt + 4, &seq, 4);
	memset(pkt + 8, 0xa5, 16);
	if (ss.ss_family == AF_INET)
		s4->sin_port = htons((uint16_t)port);
	else
		s6->sin6_port = htons((uint16_t)port);
	int fd = port ? socket(ss.ss_family, SOCK_DGRAM, IPPROTO_UDP)
		      : socket(ss.ss_family, SOCK_RAW, IPPROTO_ESP);
	if (fd < 0 || sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, len) < 0) {
		perror("esp_send");
		return 1;
	}
	close(fd);
	return 0;
}
