/* Placeholder entry point; replaced by the real option parsing and loop. */
#include <stdio.h>

int main(void)
{
	fputs("rtxsh: not built yet\n", stderr);
	return 1;
}
