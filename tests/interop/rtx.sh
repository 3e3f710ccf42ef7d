# rtxsh as one side of the interop lab: its config, start, console and
# stop. Sourced by lib.sh.

# rtx_conf FILE key=value...: writes a Yamaha config for tunnel 1 /
# gateway 1. Keys (defaults in brackets):
#   local remote        IKE addresses; remote may be "any" (responder only)
#   lid lidtype         own name and its type [A's address, ipv4-addr]
#   rid ridtype         peer's name and its type [B's address, ipv4-addr]
#   psk                 [interop-secret]
#   enc hash group      IKE cipher, hash (PRF+integrity) and DH group
#                       [aes256-cbc sha256 modp2048]
#   esp_enc esp_auth    SA policy cipher and integrity [aes256-cbc sha256-hmac];
#                       esp_auth=- leaves the integrity out (AEAD)
#   limit               proposal-limitation on|off [off]
#   pfs                 on|off [on]
#   refresh             ipsec auto refresh on|off [off]
#   always_on           on|off [off]
#   keepalive           the rest of `ipsec ike keepalive use 1 ...` [off]
#   ike_life child_life duration in seconds [28800 28800]
#   natt                on|off: ipsec ike nat-traversal [on]
#   net                 the peer's LAN, routed into the tunnel [B_NET]
#   debug               on: syslog debug and key-info logging [on]
#   window              ipsec ike window-size (rtxsh extension) [1: no line]
#   auth                psk|cert [psk]; cert with:
#   ca                  an extra trusted CA (x509-pem) [none]
#   p12 p12pass crl     PKCS#12 bundle (own key, certificate, CA), its
#                       password, a CRL [none]; paths as written (relative
#                       ones are read from the config file's directory)
rtx_conf() {
	local f=$1 kv k v
	shift
	local local_addr=$A_IP remote_addr=$B_IP lid=$A_IP lidtype=ipv4-addr
	local rid=$B_IP ridtype=ipv4-addr psk=interop-secret enc=aes256-cbc hash=sha256
	local group=modp2048 esp_enc=aes256-cbc esp_auth=sha256-hmac limit=off pfs=on
	local refresh=off always_on=off keepalive=off ike_life=28800 child_life=28800
	local natt=on net=$B_NET debug=on auth=psk p12="" p12pass="" crl="" ca="" window=1
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		case $k in
		local) local_addr=$v ;; remote) remote_addr=$v ;;
		lid) lid=$v ;; lidtype) lidtype=$v ;; rid) rid=$v ;; ridtype) ridtype=$v ;;
		psk) psk=$v ;; enc) enc=$v ;; hash) hash=$v ;; group) group=$v ;;
		esp_enc) esp_enc=$v ;; esp_auth) esp_auth=$v ;; limit) limit=$v ;;
		pfs) pfs=$v ;; refresh) refresh=$v ;; always_on) always_on=$v ;;
		keepalive) keepalive=$v ;; ike_life) ike_life=$v ;;
		child_life) child_life=$v ;; natt) natt=$v ;; net) net=$v ;;
		debug) debug=$v ;; auth) auth=$v ;; p12) p12=$v ;; p12pass) p12pass=$v ;;
		crl) crl=$v ;; ca) ca=$v ;; window) window=$v ;;
		*) it_die "rtx_conf: unknown key $k" ;;
		esac
	done
	[ "$esp_auth" = - ] && esp_auth=
	local ipkw=ip
	[ -n "${IT_V6:-}" ] && ipkw=ipv6
	cat >"$f" <<EOF
$ipkw lan1 address $A_LAN/$IT_PLEN
$ipkw route $net gateway tunnel 1
tunnel select 1
 tunnel encapsulation ipsec
 ipsec tunnel 1
  ipsec sa policy 1 1 esp $esp_enc $esp_auth
  ipsec ike version 1 2
$(if [ "$auth" = cert ]; then
	echo "  ipsec ike auth method 1 certificate"
	echo "  ipsec ike pki file 1 certificate=1${crl:+ crl=1}"
else
	echo "  ipsec ike pre-shared-key 1 text $psk"
fi)
  ipsec ike local address 1 $local_addr
  ipsec ike local name 1 $lid $lidtype
  ipsec ike remote address 1 $remote_addr
  ipsec ike remote name 1 $rid $ridtype
  ipsec ike encryption 1 $enc
  ipsec ike hash 1 $hash
  ipsec ike group 1 $group
  ipsec ike proposal-limitation 1 $limit
  ipsec ike pfs 1 $pfs
  ipsec ike always-on 1 $always_on
  ipsec ike keepalive use 1 $keepalive
  ipsec ike nat-traversal 1 $natt
  ipsec ike duration ipsec-sa 1 $child_life
  ipsec ike duration ike-sa 1 $ike_life
$([ "$window" = 1 ] || echo "  ipsec ike window-size 1 $window")
 tunnel enable 1
ipsec auto refresh $refresh
EOF
	if [ "$auth" = cert ]; then
		echo "pki certificate file 1 $p12 pkcs12 $p12pass" >>"$f"
		[ -n "$crl" ] && echo "pki crl file 1 $crl" >>"$f"
		[ -n "$ca" ] && echo "pki certificate file 2 $ca x509-pem" >>"$f"
	fi
	if [ "$debug" = on ]; then
		printf '%s\n' "syslog debug on" "ipsec ike log key-info" >>"$f"
	fi
}

# rtx_start NAME NS CONF [KERNEL [OPTION...]]: rtxsh in NS with CONF as its startup
# config and a console socket; not run (77) when rtxsh refuses a line of
# the config (a keyword the grammar does not have yet), failed when it does
# not come up.
rtx_start() {
	local name=$1 ns=$2 conf=$3 kernel=${4:-sim} d=$IT/$1
	shift 4 2>/dev/null || shift $#
	mkdir -p "$d"
	# The lab's LAN is lan0 (eth0 is the WAN): `ip lan1 address` goes there.
	ip netns exec "$ns" "$RTXSH" -c "$conf" -k "$kernel" --interface lan1=lan0 \
		--socket "$d/sock" "$@" \
		--log-file "$d/rtxsh.log" </dev/null >"$d/out" 2>"$d/err" &
	echo $! >"$d/pid"
	if ! wait_for 10 test -S "$d/sock"; then
		cat "$d/err"
		grep -q 'Error' "$d/err" && notrun "rtxsh refuses its config: $(grep -m1 Error "$d/err")"
		fail "rtxsh $name did not open its console socket"
	fi
	if grep -q 'Error' "$d/err"; then
		notrun "rtxsh refuses a config line: $(grep -m1 'Error' "$d/err")"
	fi
}

# rtx NAME COMMAND...: runs each argument as one console line.
rtx() {
	local d=$IT/$1
	shift
	printf '%s\n' "$@" | "$RTXSH" --connect "$d/sock"
}

rtx_stop() { it_stop_pid "$IT/$1/pid"; }

# rtx_speaks_ike NS: rtxsh has its IKE socket open (UDP 500) in NS; the
# program only does once the engine is wired to its transport.
rtx_speaks_ike() {
	ip netns exec "$1" ss -Hlun 2>/dev/null | awk '{print $4}' | grep -q ':500$'
}

# rtx_probe_ike: prints 1 when rtxsh, started on a minimal config in a
# namespace of its own, opens UDP 500; 0 otherwise.
rtx_probe_ike() {
	local ns=$IT_TAG-p d=$IT/probe
	mkdir -p "$d"
	ns_new "$ns"
	printf '%s\n' 'ipsec ike version 1 2' >"$d/conf"
	ip netns exec "$ns" "$RTXSH" -c "$d/conf" -k sim --socket "$d/sock" </dev/null \
		>"$d/out" 2>&1 &
	echo $! >"$d/pid"
	if wait_for 5 test -S "$d/sock" && wait_for 3 rtx_speaks_ike "$ns"; then echo 1; else echo 0; fi
	it_stop_pid "$d/pid"
	ip netns del "$ns"
}

rtx_need_ike() {
	wait_for 3 rtx_speaks_ike "$1" ||
		notrun "rtxsh opens no IKE socket (UDP 500): the engine is not wired into the program"
}

# rtx_log NAME: everything rtxsh logged so far (its --log-file).
rtx_log() { cat "$IT/$1/rtxsh.log"; }

# rtx_established NAME: `show ipsec sa` lists an IKE SA and both ESP SAs.
rtx_established() {
	local out
	out=$(rtx "$1" 'show ipsec sa' 2>/dev/null)
	echo "$out" | grep -Eq '^[0-9]+ +[0-9]+ +- +ike ' &&
		echo "$out" | grep -Eq 'esp +send ' && echo "$out" | grep -Eq 'esp +recv '
}

rtx_no_sa() {
	rtx "$1" 'show ipsec sa' 2>/dev/null | grep -q '^Total: isakmp:0 send:0 recv:0'
}
