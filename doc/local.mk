dist_man_MANS += doc/rtxsh.1
