# The matrix cells, shared by the host run (sim kernel, charon with
# kernel-libipsec) and the guest run (netlink kernel, charon with the
# kernel's XFRM). Sourced by lib.sh's users after lib.sh.
#
# IT_RTX_KERNEL  rtxsh's -k backend [sim]
# IT_CH_KERNEL   charon's IPsec backend [libipsec]
# IT_TRAFFIC     1: ping LAN to LAN through the tunnel in every cell [0]
IT_RTX_KERNEL=${IT_RTX_KERNEL:-sim}
IT_CH_KERNEL=${IT_CH_KERNEL:-libipsec}
IT_TRAFFIC=${IT_TRAFFIC:-0}

# prop NAME: the proposal row as each side spells it.
#   SW_IKE SW_ESP     swanctl proposals (the ESP one with PFS)
#   RX                rtx_conf keys
#   CH_IKE CH_ESP     what swanctl --list-sas must show
#   RX_WORDS          what rtxsh's SA detail must name
#   TS_ENC TS_INTEG   tshark decryption table names (compare.sh)
prop() {
	case $1 in
	aes256-sha256-modp2048)
		SW_IKE=aes256-sha256-modp2048 SW_ESP=aes256-sha256-modp2048
		RX="enc=aes256-cbc hash=sha256 group=modp2048 esp_enc=aes256-cbc esp_auth=sha256-hmac"
		CH_IKE=AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048
		CH_ESP=AES_CBC-256/HMAC_SHA2_256_128 CH_DH=MODP_2048
		RX_WORDS="AES256-CBC SHA-256 MODP-2048"
		TS_ENC=aes256 TS_INTEG=sha256 ;;
	aes128-sha1-modp1024)
		SW_IKE=aes128-sha1-modp1024 SW_ESP=aes128-sha1-modp1024
		RX="enc=aes-cbc hash=sha group=modp1024 esp_enc=aes-cbc esp_auth=sha-hmac"
		CH_IKE=AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024
		CH_ESP=AES_CBC-128/HMAC_SHA1_96 CH_DH=MODP_1024
		RX_WORDS="AES-CBC SHA-1 MODP-1024"
		TS_ENC=aes128 TS_INTEG=sha1 ;;
	aes128gcm16-prfsha256-ecp256)
		SW_IKE=aes128gcm16-prfsha256-ecp256 SW_ESP=aes128gcm16-ecp256
		RX="enc=aes-gcm hash=sha256 group=ecp256 esp_enc=aes-gcm esp_auth=-"
		CH_IKE=AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_256
		CH_ESP=AES_GCM_16-128 CH_DH=ECP_256
		RX_WORDS="AES-GCM ECP-256"
		TS_ENC=aes128gcm16 TS_INTEG=none ;;
	aes256-sha256-x25519)
		SW_IKE=aes256-sha256-x25519 SW_ESP=aes256-sha256-x25519
		RX="enc=aes256-cbc hash=sha256 group=x25519 esp_enc=aes256-cbc esp_auth=sha256-hmac"
		CH_IKE=AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519
		CH_ESP=AES_CBC-256/HMAC_SHA2_256_128 CH_DH=CURVE_25519
		RX_WORDS="AES256-CBC SHA-256 25519"
		TS_ENC=aes256 TS_INTEG=sha256 ;;
	*) it_die "unknown proposal $1" ;;
	esac
}

# ids fqdn|ipv4: identities of both sides, as each side spells them.
ids() {
	if [ "$1" = fqdn ]; then
		RX_IDS="lid=a.example lidtype=fqdn rid=b.example ridtype=fqdn"
		SW_A=fqdn:a.example SW_B=fqdn:b.example
	else
		RX_IDS="lid=$A_IP lidtype=ipv4-addr rid=$B_IP ridtype=ipv4-addr"
		SW_A=$A_IP SW_B=$B_IP
	fi
}

# setup ROLE [rtx keys...] [-- charon keys...]: topology, charon "b" with
# connection "c", rtxsh "a"; ROLE i: rtxsh initiates (auto refresh),
# r: charon will. Nothing is negotiated yet (rtxsh initiates on its own).
setup() {
	local role=$1 rk=() ck=() x
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do rk+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	ck=("$@")
	[ "${IT_RTX_IKE:-1}" = 1 ] ||
		notrun "rtxsh opens no IKE socket (UDP 500): the engine is not wired into the program"
	it_topology "${IT_TOPO:-plain}"
	charon_start b "$NS_B" "$IT_CH_KERNEL"
	local remote=$A_IP
	[ "$role" = i ] && remote=%any
	charon_conn b c local="$B_IP" remote="$remote" lid="$SW_B" rid="$SW_A" \
		ike="$SW_IKE" esp="$SW_ESP" lts="$B_NET" rts="$A_NET" "${ck[@]}"
	charon_load b
	local refresh=off rremote=$B_IP
	[ "$role" = i ] && refresh=on
	[ "$role" = r ] && rremote=any
	# shellcheck disable=SC2086
	rtx_conf "$IT/a.conf" local="$A_OUTER" remote="$rremote" refresh="$refresh" $RX $RX_IDS "${rk[@]}"
	[ "${IT_CAPTURE:-1}" = 1 ] && cap_start cap "$NS_B"
	rtx_start a "$NS_A" "$IT/a.conf" "$IT_RTX_KERNEL"
	rtx_need_ike "$NS_A"
	x=0
	[ "$role" = r ] && { charon_initiate b c >"$IT/initiate.out" 2>&1 || x=$?; }
	return 0
}

up_both() {
	wait_for "${1:-20}" rtx_established a && wait_for 5 charon_established b
}

# traffic: LAN to LAN both ways through the tunnel (guest layer).
traffic() {
	[ "$IT_TRAFFIC" = 1 ] || return 0
	ip netns exec "$NS_A" ping -c 2 -W 2 -I "$A_LAN" "$B_LAN" >/dev/null ||
		{ xfrm_state; fail "no ping from A's LAN to B's LAN through the tunnel"; }
	ip netns exec "$NS_B" ping -c 2 -W 2 -I "$B_LAN" "$A_LAN" >/dev/null ||
		{ xfrm_state; fail "no ping from B's LAN to A's LAN through the tunnel"; }
}

has_pfs() { charon_algs b | grep -qx "ESP $CH_ESP/$CH_DH"; }

# ping_start / ping_stop: a ping every 0.1 s from A's LAN to B's across a
# rekey; no reply may go missing (RFC 7296 2.8: the new inbound SA is in
# place before the peer sends on it, the old one stays until the peer's
# packets on it landed). Only the request still in flight when the ping
# is stopped may go unanswered: replies are counted by sequence number.
ping_start() {
	[ "$IT_TRAFFIC" = 1 ] || return 0
	mkdir -p "$IT/ping"
	ip netns exec "$NS_A" ping -n -i 0.1 -W 2 -I "$A_LAN" "$B_LAN" >"$IT/ping/out" 2>&1 &
	echo $! >"$IT/ping/pid"
}

ping_stop() {
	local sent got last missing
	[ "$IT_TRAFFIC" = 1 ] || return 0
	# Let the last request's reply land before the ping stops.
	sleep 0.5
	kill -INT "$(cat "$IT/ping/pid")" 2>/dev/null
	sleep 0.5
	it_stop_pid "$IT/ping/pid"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$IT/ping/out")
	got=$(sed -n 's/.*icmp_seq=\([0-9]*\) ttl=.*/\1/p' "$IT/ping/out" | sort -un | wc -l)
	last=$(sed -n 's/.*icmp_seq=\([0-9]*\) ttl=.*/\1/p' "$IT/ping/out" | sort -n | tail -n 1)
	missing=$(( ${last:-0} - got ))
	say "ping across the rekey: $got replies to $sent requests, $missing missing before the last reply"
	[ -n "$sent" ] && [ "$sent" -gt 0 ] && [ "$got" -gt 0 ] || fail "the ping across the rekey did not run"
	[ "$missing" -le 0 ] && [ $((sent - got)) -le 1 ] ||
		{ xfrm_state; fail "packets lost during the rekey: $got replies to $sent requests"; }
}

xfrm_state() {
	local ns
	for ns in "$NS_A" "$NS_B"; do
		say "--- $ns: ip -s xfrm state / policy, routes, rules, addresses"
		ip -n "$ns" -s xfrm state
		ip -n "$ns" xfrm policy
		ip -n "$ns" route show table all | grep -v '^local\|^broadcast'
		ip -n "$ns" -6 route show table all | grep -v '^local\|^multicast\|^fe80\|^anycast'
		ip -n "$ns" rule; ip -n "$ns" -6 rule
		ip -n "$ns" -br addr
	done
	[ -n "${IT_TOPO:-}" ] && ip netns exec "$NS_N" conntrack -L 2>/dev/null | head
	show_state
}

# agree: both sides list the same SAs with the row's algorithms. charon's
# list can be caught between two states of a rekey (charon rekeys every
# 12 s in the rekey cells): a miss is looked at again twice.
agree() {
	same_sas a b || fail "rtxsh and charon list different SAs"
	local try algs
	for try in 1 2 3; do
		algs=$(charon_algs b)
		# A CHILD SA rekeyed with PFS names its DH group as well.
		echo "$algs" | grep -qx "IKE $CH_IKE" && echo "$algs" | grep -Eqx "ESP $CH_ESP(/$CH_DH)?" && break
		[ $try = 3 ] && fail "charon's SAs are not $CH_IKE / $CH_ESP: $algs"
		sleep 1
	done
	# shellcheck disable=SC2086
	rtx_algs_match a $RX_WORDS || fail "rtxsh's SA detail lacks the row's algorithms"
}

# wire: the capture so far dissects cleanly with rtxsh's keys.
wire() {
	[ "${IT_CAPTURE:-1}" = 1 ] || return 0
	command -v tshark >/dev/null || { say "tshark missing: capture not dissected"; return 0; }
	cap_stop cap
	keys_from_rtx "$IT/a/rtxsh.log" >"$IT/keys"
	[ -s "$IT/keys" ] || fail "rtxsh logged no key-info (syslog debug on, ipsec ike log 1 key-info)"
	dissect "$IT/cap/cap.pcap" "$IT/keys" "$TS_ENC" "$TS_INTEG" || fail "tshark: see above"
}

show_state() {
	say "--- rtxsh show ipsec sa"; rtx a 'show ipsec sa' 'show ipsec sa gateway 1 detail' 2>&1
	say "--- swanctl --list-sas"; charon_sas b 2>&1
	say "--- rtxsh log (tail)"; tail -n 40 "$IT/a/rtxsh.log" 2>/dev/null
	say "--- charon log (tail)"; tail -n 30 "$IT/b/charon.log" 2>/dev/null
}

# ---- the cells -------------------------------------------------------------

# v6 CELL ARGS...: the cell with IPv6 outer and LAN addresses.
c_v6() {
	it_v6
	"$@"
}

# establish ROLE PROP IDS LIMIT
c_establish() {
	prop "$2"; ids "$3"
	setup "$1" limit="$4"
	up_both || { show_state; fail "no tunnel"; }
	agree || { show_state; exit 1; }
	traffic
	wire
}

# delete ROLE WHO: the tunnel is up; WHO (rtx|charon) deletes it; both sides
# drop it; the initiator brings it back.
c_delete() {
	prop aes256-sha256-modp2048; ids fqdn
	setup "$1"
	up_both || { show_state; fail "no tunnel"; }
	if [ "$2" = rtx ]; then
		rtx a 'ipsec sa delete all' >/dev/null
	else
		sw b --terminate --ike c --timeout 10 >/dev/null || fail "swanctl --terminate failed"
	fi
	wait_for 10 charon_no_sa b || { show_state; fail "charon keeps the SA after the delete"; }
	wait_for 10 rtx_no_sa a || { show_state; fail "rtxsh keeps SAs after the delete"; }
	grep -q 'deleted' "$IT/a/rtxsh.log" || fail "rtxsh did not log 'deleted'"
	if [ "$1" = i ]; then
		rtx a 'ipsec refresh sa' >/dev/null
	else
		charon_initiate b c >/dev/null 2>&1
	fi
	up_both || { show_state; fail "the tunnel did not come back after the delete"; }
	agree || { show_state; exit 1; }
	traffic
}

# window ROLE: rtxsh with `ipsec ike window-size 1 4` against charon, which
# has no window setting (Debian's 5.9.8 knows SET_WINDOW_SIZE by name
# only) and announces none: rtxsh logs that it stays at one request of its
# own, the tunnel carries traffic, and a delete and a new tunnel still work.
c_window() {
	prop aes256-sha256-modp2048; ids fqdn
	setup "$1" window=4
	up_both || { show_state; fail "no tunnel"; }
	agree || { show_state; exit 1; }
	grep -q 'Window size\[send:1 receive:4\]' "$IT/a/rtxsh.log" ||
		fail "rtxsh did not log window size[send:1 receive:4]"
	traffic
	rtx a 'ipsec sa delete all' >/dev/null
	wait_for 10 charon_no_sa b || { show_state; fail "charon keeps the SA after the delete"; }
	wait_for 10 rtx_no_sa a || { show_state; fail "rtxsh keeps SAs after the delete"; }
	if [ "$1" = i ]; then
		rtx a 'ipsec refresh sa' >/dev/null
	else
		charon_initiate b c >/dev/null 2>&1
	fi
	up_both || { show_state; fail "the tunnel did not come back after the delete"; }
	traffic
}

# rekey ROLE WHAT BY: WHAT (child|ike) rekeyed by BY (charon|rtx); both
# sides end on the same new SAs and traffic still flows.
c_rekey() {
	local role=$1 what=$2 by=$3 before after wait
	prop aes256-sha256-modp2048; ids fqdn
	if [ "$by" = charon ]; then
		if [ "$what" = child ]; then setup "$role" -- child_life=12s; else setup "$role" -- ike_life=12s; fi
		wait=30
	else
		# rtxsh's shortest lifetime is 300 s, rekeyed at 70 %.
		if [ "$what" = child ]; then
			setup "$role" 'child_life=300 rekey 70%'
		else
			setup "$role" 'ike_life=300 rekey 70%'
		fi
		wait=240
	fi
	up_both || { show_state; fail "no tunnel"; }
	if [ "$what" = child ]; then before=$(charon_child_spis b); else before=$(charon_ike_spis b); fi
	traffic
	ping_start
	local n=$((wait * 5)) changed=0
	while [ $n -gt 0 ]; do
		if [ "$what" = child ]; then after=$(charon_child_spis b | tail -n 1); else after=$(charon_ike_spis b | tail -n 1); fi
		if [ -n "$after" ] && ! echo "$before" | grep -qx "$after"; then changed=1; break; fi
		sleep 0.2; n=$((n - 1))
	done
	[ $changed = 1 ] || { show_state; fail "no $what rekey within ${wait}s"; }
	# Let the old SAs go (charon deletes the old CHILD at once, the old
	# IKE SA after the rekey exchange).
	sleep 2
	ping_stop
	traffic
	up_both 10 || { show_state; fail "the tunnel is down after the rekey"; }
	agree || { show_state; exit 1; }
	if [ "$what" = child ]; then
		wait_for 3 has_pfs || fail "the rekeyed CHILD SA used no PFS group: $(charon_algs b)"
	fi
}

# liveness: rtxsh initiates with always-on and rfc4306 keepalive; charon
# vanishes without a word (SIGKILL); rtxsh logs dead peer detection and
# drops the SAs; charon returns and rtxsh brings the tunnel back.
c_liveness() {
	prop aes256-sha256-modp2048; ids fqdn
	setup i always_on=on 'keepalive=on rfc4306 2 3'
	up_both || { show_state; fail "no tunnel"; }
	kill -KILL "$(cat "$IT/b/pid")"
	rm -f "$IT/b/pid"
	wait_for 30 grep -q 'dead peer detection' "$IT/a/rtxsh.log" ||
		{ show_state; fail "rtxsh did not log 'dead peer detection' within 30 s"; }
	wait_for 10 rtx_no_sa a || { show_state; fail "rtxsh keeps SAs of the dead peer"; }
	charon_start b "$NS_B" "$IT_CH_KERNEL"
	charon_load b
	up_both 90 || { show_state; fail "always-on did not bring the tunnel back within 90 s"; }
	agree || { show_state; exit 1; }
}

# failure ROLE KIND: KIND psk|proposal|id; the tunnel never comes up,
# rtxsh logs the seed's words for it and does not retry in a tight loop.
c_failure() {
	local role=$1 kind=$2 want inits cwant
	prop aes256-sha256-modp2048; ids fqdn
	# What charon says: the notify it sends (rtxsh initiating) or receives.
	if [ "$role" = i ]; then cwant="N(AUTH_FAILED)"; else cwant="received AUTHENTICATION_FAILED notify"; fi
	case $kind in
	psk) setup "$role" -- psk=not-the-secret
	     if [ "$role" = i ]; then want="received AUTHENTICATION_FAILED"; else want="unmatched auth data"; fi ;;
	proposal) setup "$role" limit=on -- ike=aes128-sha256-ecp384 esp=aes128-sha256
	     if [ "$role" = i ]; then want="received NO_PROPOSAL_CHOSEN"; cwant="N(NO_PROP)"
	     else want="cannot accept SA payload"; cwant="received NO_PROPOSAL_CHOSEN notify"; fi ;;
	id)
	     if [ "$role" = i ]; then
		     setup i -- rid=fqdn:someone-else.example
		     want="received AUTHENTICATION_FAILED"
	     else
		     setup r -- lid=fqdn:someone-else.example
		     want="cannot accept IDi payload"
	     fi ;;
	esac
	sleep 8
	charon_established b && { show_state; fail "a tunnel came up despite the $kind mismatch"; }
	rtx_established a && { show_state; fail "rtxsh lists a tunnel despite the $kind mismatch"; }
	grep -qF "$want" "$IT/a/rtxsh.log" || { show_state; fail "rtxsh's log lacks '$want'"; }
	grep -qF "$cwant" "$IT/b/charon.log" || { show_state; fail "charon's log lacks '$cwant'"; }
	if [ "$role" = i ]; then
		cap_stop cap
		inits=$(tshark -n -r "$IT/cap/cap.pcap" -Y 'isakmp.exchangetype == 34 && isakmp.flag_r == 0 && ip.dst == '"$B_IP" 2>/dev/null | wc -l)
		say "rtxsh sent $inits IKE_SA_INIT requests in 8 s"
		[ "$inits" -le 2 ] || fail "rtxsh retries in a tight loop ($inits IKE_SA_INIT in 8 s)"
	fi
	return 0
}

# diagnosis KIND: charon initiates and disagrees with rtxsh on KIND
# (proposal: IKE and ESP; id; psk). rtxsh's `show ipsec sa gateway 1
# diagnosis` names the commands; the cell types the first block of them
# into rtxsh (the PSK placeholder filled with charon's key), charon tries
# again, and after at most three rounds (IKE, then ESP) the tunnel is up.
c_diagnosis() {
	local kind=$1 round before="" now fix line
	prop aes256-sha256-modp2048; ids fqdn
	case $kind in
	proposal) setup r limit=on -- ike=aes128-sha256-ecp384 esp=aes128-sha256 ;;
	id) setup r -- lid=fqdn:someone-else.example ;;
	psk) setup r -- psk=not-the-secret ;;
	esac
	for round in 1 2 3; do
		# a new cause, not the one the last round fixed
		wait_for 15 rtx_diag_new "$before" ||
			{ show_state; fail "round $round: rtxsh explains no new failure"; }
		now=$(rtx a 'show ipsec sa gateway 1 diagnosis')
		say "round $round: $(echo "$now" | sed -n 's/^Cause: //p')"
		fix=$(echo "$now" | sed -n '/enter:$/,/^[^ ]/s/^  \(ipsec .*\)$/\1/p' |
			sed "s/<the peer's key>/not-the-secret/")
		[ -n "$fix" ] || { echo "$now"; fail "round $round: the diagnosis names no command"; }
		while read -r line; do
			say "  typing: $line"
			rtx a "$line" | grep -q Error && fail "rtxsh refused '$line'"
		done <<<"$fix"
		before=$(echo "$now" | sed -n 's/^Cause: //p')
		charon_initiate b c >"$IT/initiate.$round" 2>&1
		up_both 10 && break
		[ $round = 3 ] && { show_state; fail "still down after three rounds of fixes"; }
	done
	rtx a 'show ipsec sa gateway 1 diagnosis' | grep -q 'no failed negotiation since the last success' ||
		fail "rtxsh still explains a failure with the tunnel up"
}

# rtx_diag_new CAUSE: rtxsh's diagnosis names a cause other than CAUSE.
rtx_diag_new() {
	local c
	c=$(rtx a 'show ipsec sa gateway 1 diagnosis' | sed -n 's/^Cause: //p')
	[ -n "$c" ] && [ "$c" != "$1" ]
}

# cert_setup ROLE KIND CHARON-CERT [RTX-P12] [rtx keys...]: setup with
# certificates from a PKI made now (tests/interop/pki.sh): rtxsh a.example
# with its bundle (relative to its config's directory) and the root's CRL,
# charon b.example with CHARON-CERT's certificate and key, trusting the
# root.
cert_setup() {
	local role=$1 kind=$2 cc=$3 rp=${4:-a.p12}
	shift 3; [ $# -gt 0 ] && shift
	pki_make "$IT/pki" "$kind"
	cp "$IT/pki/$rp" "$IT/pki/crl.pem" "$IT/pki/root.pem" "$IT/"
	prop aes256-sha256-modp2048; ids fqdn
	setup "$role" auth=cert p12="$rp" p12pass="$PKI_PASS" crl=crl.pem "$@" -- \
		auth=pubkey cert="$IT/pki/$cc.pem" key="$IT/pki/$cc.key" ca="$IT/pki/root.pem"
}

# cert ROLE KIND: rtxsh and charon authenticate each other with KIND (rsa
# or ecdsa) certificates of one root; ROLE i: rtxsh initiates.
c_cert() {
	cert_setup "$1" "$2" b
	up_both || { show_state; fail "no tunnel"; }
	agree || { show_state; exit 1; }
	grep -q 'AUTH verified signature' "$IT/a/rtxsh.log" ||
		{ show_state; fail "rtxsh's key-info lacks the verified signature"; }
	traffic
	wire
}

# cert_fail ROLE WHAT: unknown-ca (charon's certificate is from a CA rtxsh
# does not trust), revoked (on the root's CRL), charon-unknown-ca (rtxsh's
# is from a CA charon does not trust): refused with the reason on the
# refusing side and AUTHENTICATION_FAILED to the other.
c_cert_fail() {
	local role=$1 what=$2 want cwant
	case $what in
	unknown-ca) cert_setup "$role" ecdsa b-rogue; want="certificate issued by an unknown CA" ;;
	revoked) cert_setup "$role" ecdsa b-revoked; want="certificate has been revoked" ;;
	charon-unknown-ca) cert_setup "$role" ecdsa b a-rogue.p12 ca=root.pem
			   want="received AUTHENTICATION_FAILED" ;;
	esac
	if [ "$what" = charon-unknown-ca ]; then
		cwant="no trusted"
		[ "$role" = r ] && want="received AUTHENTICATION_FAILED"
	elif [ "$role" = i ]; then
		# rtxsh refuses the responder: an INFORMATIONAL tells charon
		cwant="N(AUTH_FAILED)"
	else
		cwant="received AUTHENTICATION_FAILED notify"
	fi
	sleep 6
	charon_established b && { show_state; fail "a tunnel came up despite the $what certificate"; }
	rtx_established a && { show_state; fail "rtxsh lists a tunnel despite the $what certificate"; }
	grep -qF "$want" "$IT/a/rtxsh.log" || { show_state; fail "rtxsh's log lacks '$want'"; }
	grep -qiF "$cwant" "$IT/b/charon.log" || { show_state; fail "charon's log lacks '$cwant'"; }
	return 0
}

# The harness itself: charon against charon in the same namespaces, so a
# broken lab is told apart from a broken rtxsh.
c_harness() {
	prop "$1"
	it_topology plain
	CHARON_IKE_LOGLEVEL=4 charon_start b "$NS_B" "$IT_CH_KERNEL"
	charon_start a "$NS_A" "$IT_CH_KERNEL"
	charon_conn b c local="$B_IP" remote=%any lid=fqdn:b.example rid=fqdn:a.example \
		ike="$SW_IKE" esp="$SW_ESP" lts="$B_NET" rts="$A_NET"
	charon_conn a c local="$A_IP" remote="$B_IP" lid=fqdn:a.example rid=fqdn:b.example \
		ike="$SW_IKE" esp="$SW_ESP" lts="$A_NET" rts="$B_NET"
	charon_load b; charon_load a
	ip -n "$NS_A" route add "$B_NET" via "$B_IP"
	cap_start cap "$NS_B"
	charon_initiate a c >/dev/null || fail "charon could not bring up a tunnel to charon"
	charon_algs b | grep -qx "IKE $CH_IKE" || fail "unexpected IKE algorithms: $(charon_algs b)"
	charon_algs b | grep -qx "ESP $CH_ESP" || fail "unexpected ESP algorithms: $(charon_algs b)"
	[ "$(charon_ike_spis a)" = "$(charon_ike_spis b)" ] || fail "the two charons list different IKE SPIs"
	ip netns exec "$NS_A" ping -c 2 -W 2 -I "$A_LAN" "$B_LAN" >/dev/null ||
		fail "no ping through charon's tunnel"
	cap_stop cap
	keys_from_charon b >"$IT/keys"
	dissect "$IT/cap/cap.pcap" "$IT/keys" "$TS_ENC" "$TS_INTEG" || fail "tshark"
}
