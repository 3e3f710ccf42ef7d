#!/bin/bash
# IKE_SA + CHILD_SA setups per second, a benchmark (not a test): on the same
# machine in the same run,
#   charon initiators -> charon responder   (the reference)
#   charon initiators -> rtxsh responder
#   rtxsh initiators  -> charon responder
#   rtxsh initiators  -> rtxsh responder
# for each IKE proposal of BENCH_PROPOSALS, with N tunnels, authenticated
# with PSK or (BENCH_AUTH=rsa|ecdsa) RSA-2048 / ECDSA P-256 certificates
# of one CA made at run time (every initiator's name is in one certificate,
# the responder's in another; rtxsh holds them as PKCS#12 bundles).
# BENCH_AUTH=eap is remote access (doc/remote-access.md): N (up to 245) road-warriors
# user-1..user-N, each from an address of its own, log in with EAP-MD5 to
# one gateway (`remote address any`) that authenticates with a P-256
# certificate and leases each an address of a pool; only the two
# responder pairs run (charon clients -> charon server, -> rtxsh server). Both
# daemons share this machine's CPUs; logging is off on both sides, ESP is
# user-space on charon (kernel-libipsec) and simulated on rtxsh (-k sim),
# so the figures are about IKE.
#
# Usage (root, from the build directory):
#   [N=200] [BENCH_PROPOSALS="aes256-sha256-modp2048 aes256-sha256-x25519"] \
#     ../tests/interop/bench-rate.sh
# BENCH_LOG=1 turns charon's logs on (kept with IT_KEEP=1).
# Prints one line per pair and proposal: setups done (fewer than N when
# some never completed: the count stopped growing for 15 s), seconds to the
# last one, setups/s, CPU seconds of each side, and the responder's RSS
# growth per IKE SA.
. "$(dirname "$0")/lib.sh"
. "$IT_HERE/cells.sh"

N=${N:-200}
BENCH_AUTH=${BENCH_AUTH:-psk}
# each road-warrior from an address of its own in A's /24 (eap_sources)
[ "$BENCH_AUTH" != eap ] || [ "$N" -le 245 ] ||
	{ echo "bench-rate: BENCH_AUTH=eap takes N up to 245 (one address each in a /24)" >&2; exit 2; }
BENCH_PROPOSALS=${BENCH_PROPOSALS:-"aes256-sha256-modp2048 aes256-sha256-x25519"}
# max_packet: with certificates the initiators' one certificate names all N
# of them (10.7 KB at N=1000), over charon's default of 10,000 bytes for a
# reassembled IKE_AUTH, which it then drops ("fragmented IKE message is too
# large") and no rtxsh initiator ever got up.
TUNE="max_packet = 65000
	dos_protection = no
	cookie_threshold = 1000000
	block_threshold = 1000000
	init_limit_half_open = 0
	ikesa_table_size = 4096
	ikesa_table_segments = 16
	threads = 16"

it_init
it_need_charon
[ -x "$RTXSH" ] || it_die "no rtxsh binary at $RTXSH"
# The benchmark's own directory holds every side; daemons stop by PID.
IT=$IT_ROOT

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
now() { date +%s.%N; }

EAP_LOAD=
# (the road-warriors put their virtual IPs on an interface: without them
# the routes kernel-libipsec installs from them fail, and the CHILD SAs)
[ "$BENCH_AUTH" = eap ] && EAP_LOAD="load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 aes sha1 sha2 hmac gcm kdf socket-default vici attr eap-md5 eap-identity kernel-libipsec kernel-netlink
	install_virtual_ip = yes"
charon_quiet() {
	CHARON_LOGLEVEL=${BENCH_LOG:--1} CHARON_IKE_LOGLEVEL=${BENCH_LOG:--1} charon_start "$@" "$TUNE
	$EAP_LOAD"
}

# charon_ike_count NAME: installed CHILD SAs (each the end of one IKE_SA +
# CHILD_SA setup), and half-open IKE SAs. `--stats` alone counts IKE SAs
# still being negotiated as well. Listing costs charon some CPU, counted
# in its figure.
charon_ike_count() {
	echo "$(sw "$1" --list-sas 2>/dev/null | grep -c INSTALLED)" \
		"$(sw "$1" --stats 2>/dev/null | awk '/IKE_SAs:/ {print $4}')"
}
# rtx_ike_count NAME: IKE SAs that have their CHILD SA (rtxsh lists an SA
# pair only once IKE_AUTH is done), and 1 while some IKE SA lacks it.
rtx_ike_count() {
	rtx "$1" 'show ipsec sa' 2>/dev/null |
		sed -n 's/^Total: isakmp:\([0-9]*\) send:\([0-9]*\).*/\2 \1/p' |
		awk '{ print $1, ($2 > $1) ? 1 : 0 }'
}

# wait_count SECONDS CMD: polls CMD (it prints "established half-open")
# until N are established with none half-open, until the count has not
# moved for 15 s, or SECONDS; prints the count and when it last grew.
wait_count() {
	local deadline=$(( $(date +%s) + $1 )) c=0 h last=0 t_last
	shift
	t_last=$(now)
	while [ "$(date +%s)" -le "$deadline" ]; do
		read -r c h <<<"$("$@")"
		c=${c:-0}
		if [ "$c" -gt "$last" ]; then last=$c; t_last=$(now); fi
		[ "$c" -ge "$N" ] && [ "${h:-0}" = 0 ] && break
		awk -v a="$(now)" -v b="$t_last" 'BEGIN { exit !(a - b > 15) }' && break
		sleep 0.1
	done
	echo "$last $t_last"
}

# eap_sources: with BENCH_AUTH=eap, A's addresses 10.250.0.10.. one per
# road-warrior, so that the server sees N clients, not N logins from one
# host (which its per-source half-open limit would pace).
eap_sources() {
	local i
	[ "$BENCH_AUTH" = eap ] || return 0
	for i in $(seq 1 "$N"); do
		ip -n "$NS_A" addr add "10.250.0.$((9 + i))/24" dev eth0 || it_die "address $i"
	done
}

# N road-warriors on charon NAME (BENCH_AUTH=eap), all started when loaded.
charon_road_warriors() {
	local d=$IT/$1 i
	mkdir -p "$d/x509ca"
	cp "$IT/pki/ca.pem" "$d/x509ca/ca.pem"
	{
		echo "connections {"
		for i in $(seq 1 "$N"); do
			cat <<EOC
	b$i {
		version = 2
		local_addrs = 10.250.0.$((9 + i))
		remote_addrs = $B_IP
		vips = 0.0.0.0
		proposals = $SW_IKE
		local { auth = eap-md5
			eap_id = user-$i }
		remote { auth = pubkey
			id = vpn.example }
		children { net { remote_ts = $B_NET
			esp_proposals = $SW_ESP
			start_action = start } }
	}
EOC
		done
		echo "}"
		echo "secrets {"
		for i in $(seq 1 "$N"); do printf '\teap-%s { id = user-%s\n\t\tsecret = pw-%s }\n' "$i" "$i" "$i"; done
		echo "}"
	} >"$d/bench.conf"
}

# Many initiator connections i1..iN on charon NAME toward B, all started
# when loaded.
charon_initiators() {
	local name=$1 d=$IT/$1 i
	[ "$BENCH_AUTH" = eap ] && { charon_road_warriors "$name"; return; }
	{
		echo "connections {"
		for i in $(seq 1 "$N"); do
			cat <<EOC
	b$i {
		version = 2
		local_addrs = $A_IP
		remote_addrs = $B_IP
		proposals = $SW_IKE
		encap = yes
		local { auth = $CH_AUTH
			id = i$i.lab
			$CH_CERTS }
		remote { auth = $CH_AUTH
			id = r.lab }
		children { net { local_ts = $A_NET
			remote_ts = $B_NET
			esp_proposals = $SW_ESP
			start_action = start } }
	}
EOC
		done
		echo "}"
		if [ "$BENCH_AUTH" = psk ]; then
			echo 'secrets { ike-all { secret = "interop-secret" } }'
		fi
	} >"$d/bench.conf"
	[ "$BENCH_AUTH" = psk ] && return 0
	mkdir -p "$d/x509" "$d/private" "$d/x509ca"
	cp "$IT/pki/ini.pem" "$d/x509/ini.pem"
	cp "$IT/pki/ini.key" "$d/private/ini.pem"
	cp "$IT/pki/root.pem" "$d/x509ca/root.pem"
}

# bench_pki: with certificates, a CA, the initiators' certificate (names
# i1.lab .. iN.lab) and the responder's (r.lab), as PEM and PKCS#12.
CH_AUTH=psk CH_CERTS=""
bench_pki() {
	[ "$BENCH_AUTH" = psk ] && return 0
	[ "$BENCH_AUTH" = eap ] && { pki_ra_server "$IT/pki"; return; }
	local d=$IT/pki i sans="DNS:r.lab"
	mkdir -p "$d"
	pki_ca "$d" root "$BENCH_AUTH"
	pki_leaf "$d" resp "$BENCH_AUTH" root 2001 r.lab
	sans=$(for i in $(seq 1 "$N"); do printf 'DNS:i%s.lab,' "$i"; done)
	pki_key "$BENCH_AUTH" "$d/ini.key"
	openssl req -new -key "$d/ini.key" -out "$d/ini.csr" -subj "/O=rtxsh bench/CN=initiators" 2>/dev/null
	printf '%s\n' "subjectAltName=${sans%,}" "keyUsage=critical,digitalSignature" >"$d/ini.ext"
	openssl x509 -req -in "$d/ini.csr" -CA "$d/root.pem" -CAkey "$d/root.key" -set_serial 2002 \
		-days 30 -sha256 -extfile "$d/ini.ext" -out "$d/ini.pem" 2>/dev/null
	for i in resp ini; do
		openssl pkcs12 -export -inkey "$d/$i.key" -in "$d/$i.pem" -certfile "$d/root.pem" \
			-passout "pass:$PKI_PASS" -out "$d/$i.p12" 2>/dev/null || it_die "bench_pki: openssl"
	done
	CH_AUTH=pubkey CH_CERTS="certs = ini.pem"
}

# The responder charon: PSK or its certificate; with eap the server of
# the N users, its certificate and a pool.
charon_responder() {
	local i d=$IT/b
	if [ "$BENCH_AUTH" = eap ]; then
		mkdir -p "$d/ecdsa" "$d/x509"
		openssl pkey -in "$IT/pki/srv.key" -traditional -out "$d/ecdsa/srv.pem" 2>/dev/null ||
			it_die "openssl pkey"
		cp "$IT/pki/srv.pem" "$d/x509/srv.pem"
		cat >"$d/swanctl.conf" <<EOF
  c {
    version = 2
    local_addrs = $B_IP
    remote_addrs = %any
    pools = rw
    proposals = $SW_IKE
    local { auth = pubkey
            certs = srv.pem
            id = vpn.example }
    remote { auth = eap-md5
             eap_id = %any }
    children { net { local_ts = $B_NET
                     esp_proposals = $SW_ESP } }
  }
}
pools { rw { addrs = 10.8.0.0/16 }
EOF
		for i in $(seq 1 "$N"); do
			printf '  eap-%s { id = user-%s\n secret = pw-%s }\n' "$i" "$i" "$i"
		done >"$d/secrets.conf"
	elif [ "$BENCH_AUTH" = psk ]; then
		charon_conn b c local="$B_IP" remote=%any lid=r.lab rid=%any ike="$SW_IKE" esp="$SW_ESP" \
			lts="$B_NET" rts="$A_NET"
	else
		charon_conn b c local="$B_IP" remote=%any lid=r.lab rid=%any ike="$SW_IKE" esp="$SW_ESP" \
			lts="$B_NET" rts="$A_NET" auth=pubkey cert="$IT/pki/resp.pem" key="$IT/pki/resp.key" \
			ca="$IT/pki/root.pem"
	fi
}

# An rtxsh config with N gateways: responders for i1..iN (ROLE r) or
# initiators as i1..iN toward B (ROLE i). The responder's gateways name
# the initiators' address, as site-to-site configs do: with `remote
# address any` every IKE_SA_INIT from A would count against one source's
# half-open limit (5 once 16 are half-open, like charon's block_threshold,
# which TUNE switches off for charon), and rtxsh's initiator keeps at
# most 5 under way to one peer address (doc/initiation.md).
rtx_many() {
	local role=$1 f=$2 i remote lname rname
	[ "$BENCH_AUTH" = eap ] && { rtx_ra_server "$f"; return; }
	: >"$f"
	for i in $(seq 1 "$N"); do
		if [ "$role" = r ]; then remote=$A_IP lname=r.lab rname=i$i.lab
		else remote=$B_IP lname=i$i.lab rname=r.lab; fi
		# shellcheck disable=SC2086
		cat >>"$f" <<EOF
tunnel select $i
 tunnel encapsulation ipsec
 ipsec tunnel $i
  ipsec sa policy $i $i esp $(rx_get esp_enc) $(rx_get esp_auth)
  ipsec ike version $i 2
$(if [ "$BENCH_AUTH" = psk ]; then echo "  ipsec ike pre-shared-key $i text interop-secret"
else echo "  ipsec ike pki file $i certificate=1"; fi)
  ipsec ike local address $i $([ "$role" = r ] && echo "$B_IP" || echo "$A_IP")
  ipsec ike local name $i $lname fqdn
  ipsec ike remote address $i $remote
  ipsec ike remote name $i $rname fqdn
  ipsec ike encryption $i $(rx_get enc)
  ipsec ike hash $i $(rx_get hash)
  ipsec ike group $i $(rx_get group)
  ipsec ike proposal-limitation $i on
 tunnel enable $i
EOF
	done
	echo "ipsec auto refresh off" >>"$f"
	if [ "$BENCH_AUTH" != psk ]; then
		local own=resp
		[ "$role" = i ] && own=ini
		echo "pki certificate file 1 $IT/pki/$own.p12 pkcs12 $PKI_PASS" >>"$f"
	fi
}

# The remote-access server (BENCH_AUTH=eap): one gateway for N users.
rtx_ra_server() {
	local i
	{
		for i in $(seq 1 "$N"); do echo "auth user $i user-$i pw-$i"; done
		echo "auth user group 1 1-$N"
		echo "auth user group attribute 1 eap-md5=on"
		cat <<EOF
pki certificate file 1 $IT/pki/srv.p12 pkcs12 interop
ipsec ike mode-cfg address pool 1 10.8.0.0/16
ip route 10.8.0.0/16 gateway tunnel 1
tunnel select 1
 tunnel encapsulation ipsec
 ipsec tunnel 1
  ipsec sa policy 1 1 esp $(rx_get esp_enc) $(rx_get esp_auth)
  ipsec ike version 1 2
  ipsec ike pki file 1 certificate=1
  ipsec ike local address 1 $B_IP
  ipsec ike local name 1 vpn.example fqdn
  ipsec ike remote address 1 any
  ipsec ike encryption 1 $(rx_get enc)
  ipsec ike hash 1 $(rx_get hash)
  ipsec ike group 1 $(rx_get group)
  ipsec ike eap request 1 on 1
  ipsec ike mode-cfg address 1 1
 tunnel enable 1
EOF
	} >"$1"
}

# rx_get KEY: KEY's value in the row's rtx_conf keys ($RX).
rx_get() {
	local kv
	for kv in $RX; do [ "${kv%%=*}" = "$1" ] && { v=${kv#*=}; [ "$v" = - ] || echo "$v"; }; done
	return 0
}

report() {   # label setups t0 t1 resp_cpu_ticks init_cpu_ticks resp_rss0 resp_rss1
	awk -v l="$1" -v n="$2" -v t0="$3" -v t1="$4" -v rc="$5" -v ic="$6" -v hz="$hz" \
		-v r0="$7" -v r1="$8" -v p="$SW_IKE" -v a="$BENCH_AUTH" 'BEGIN {
		d = t1 - t0
		printf "%-18s %-6s %-24s %5d setups in %6.2f s = %6.1f/s  CPU s: responder %5.2f initiator %5.2f  responder +%.1f KiB/IKE SA\n",
			l, a, p, n, d, n / d, rc / hz, ic / hz, (r1 - r0) / n }'
}

bench_charon_charon() {
	local rp ip t0 t1 n rc0 ic0 r0 lp
	it_topology plain
	charon_quiet b "$NS_B" libipsec
	charon_responder
	charon_load b
	charon_quiet a "$NS_A" libipsec
	charon_initiators a
	eap_sources
	rp=$(cat "$IT/b/pid"); ip=$(cat "$IT/a/pid")
	r0=$(rss "$rp"); rc0=$(cpu "$rp"); ic0=$(cpu "$ip")
	t0=$(now)
	sw a --load-all --file "$IT/a/bench.conf" >/dev/null 2>&1 &
	lp=$!
	read -r n t1 <<<"$(wait_count 300 charon_ike_count b)"
	wait "$lp"
	report "charon -> charon" "$n" "$t0" "$t1" $(( $(cpu "$rp") - rc0 )) $(( $(cpu "$ip") - ic0 )) "$r0" "$(rss "$rp")"
	charon_stop a; charon_stop b
}

bench_charon_rtx() {
	local rp ip t0 t1 n rc0 ic0 r0 lp
	it_topology plain
	rtx_many r "$IT/r.conf"
	# rtxsh answers at B's address here: the charon initiators stay in A.
	# the vRX has no remote-access firmware: the default model serves eap
	rtx_start r "$NS_B" "$IT/r.conf" sim --model "$([ "$BENCH_AUTH" = eap ] && echo RTX1300 || echo vRX)"
	charon_quiet a "$NS_A" libipsec
	charon_initiators a
	eap_sources
	rp=$(cat "$IT/r/pid"); ip=$(cat "$IT/a/pid")
	r0=$(rss "$rp"); rc0=$(cpu "$rp"); ic0=$(cpu "$ip")
	t0=$(now)
	sw a --load-all --file "$IT/a/bench.conf" >/dev/null 2>&1 &
	lp=$!
	read -r n t1 <<<"$(wait_count 300 rtx_ike_count r)"
	wait "$lp"
	report "charon -> rtxsh" "$n" "$t0" "$t1" $(( $(cpu "$rp") - rc0 )) $(( $(cpu "$ip") - ic0 )) "$r0" "$(rss "$rp")"
	charon_stop a; rtx_stop r
}

bench_rtx_charon() {
	local rp ip t0 t1 n rc0 ic0 r0 lp
	it_topology plain
	charon_quiet b "$NS_B" libipsec
	charon_responder
	charon_load b
	rtx_many i "$IT/i.conf"
	rtx_start i "$NS_A" "$IT/i.conf" sim --model vRX
	rp=$(cat "$IT/b/pid"); ip=$(cat "$IT/i/pid")
	r0=$(rss "$rp"); rc0=$(cpu "$rp"); ic0=$(cpu "$ip")
	t0=$(now)
	rtx i 'ipsec auto refresh on' >/dev/null
	read -r n t1 <<<"$(wait_count 300 charon_ike_count b)"
	report "rtxsh -> charon" "$n" "$t0" "$t1" $(( $(cpu "$rp") - rc0 )) $(( $(cpu "$ip") - ic0 )) "$r0" "$(rss "$rp")"
	charon_stop b; rtx_stop i
}

bench_rtx_rtx() {
	local rp ip t0 t1 n rc0 ic0 r0
	it_topology plain
	rtx_many r "$IT/r.conf"
	rtx_start r "$NS_B" "$IT/r.conf" sim --model vRX
	rtx_many i "$IT/i.conf"
	rtx_start i "$NS_A" "$IT/i.conf" sim --model vRX
	rp=$(cat "$IT/r/pid"); ip=$(cat "$IT/i/pid")
	r0=$(rss "$rp"); rc0=$(cpu "$rp"); ic0=$(cpu "$ip")
	t0=$(now)
	rtx i 'ipsec auto refresh on' >/dev/null
	read -r n t1 <<<"$(wait_count 300 rtx_ike_count r)"
	report "rtxsh -> rtxsh" "$n" "$t0" "$t1" $(( $(cpu "$rp") - rc0 )) $(( $(cpu "$ip") - ic0 )) "$r0" "$(rss "$rp")"
	rtx_stop i; rtx_stop r
}

bench_pki
say "bench-rate: $N IKE_SA + CHILD_SA setups per run, $BENCH_AUTH, $(nproc) CPUs, $($CHARON --version 2>&1 | head -n 1), rtxsh $("$RTXSH" --version | awk '{print $2}')"
for p in $BENCH_PROPOSALS; do
	prop "$p"
	(bench_charon_charon)
	(bench_charon_rtx)
	[ "$BENCH_AUTH" = eap ] && continue   # rtxsh as N EAP clients: not measured
	(bench_rtx_charon)
	(bench_rtx_rtx)
done
