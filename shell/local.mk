noinst_LIBRARIES += libshell.a
libshell_a_SOURCES = \
	shell/cli.h shell/cli.c \
	shell/cmd.h shell/cmd_ops.c shell/cmd_table.c \
	shell/grammar.h shell/grammar.c shell/grammar_types.c shell/grammar_help.c \
	shell/cfgstore.h shell/cfgstore.c \
	shell/cfgprint.h shell/cfgprint.c \
	shell/cfgapply.h shell/cfgapply.c shell/cmd_show_ipsec.c \
	shell/cmd_doc.h shell/cmd_doc.c

bin_PROGRAMS += rtxsh
rtxsh_SOURCES = shell/main.c
rtxsh_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
# The program around the grammar: script input, line editor, console sockets.
libshell_a_SOURCES += shell/script.h shell/script.c \
	shell/editline.h shell/editline.c \
	shell/console.h shell/console_proto.h shell/console.c shell/console_client.c
