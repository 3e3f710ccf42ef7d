noinst_LIBRARIES += libshell.a
libshell_a_SOURCES = \
	shell/cli.h

bin_PROGRAMS += rtxsh
rtxsh_SOURCES = shell/main.c
rtxsh_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
