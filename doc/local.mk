dist_man_MANS += doc/rtxsh.1
EXTRA_DIST += doc/examples/a.conf doc/examples/b.conf doc/seed-behaviour.md
EXTRA_DIST += doc/initiation.md doc/diagnosis.md doc/performance.md
