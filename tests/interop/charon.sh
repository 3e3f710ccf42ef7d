# A private strongSwan charon per namespace: its own strongswan.conf,
# swanctl.conf, vici socket, log and /run. Sourced by lib.sh.
#
# charon's pid file path (/var/run/charon.pid) is compiled in, so each
# charon runs with a bind mount over /run; `ip netns exec` already gives it
# a mount namespace of its own, so the mount never reaches the host.

# charon_start NAME NS KERNEL [EXTRA]: KERNEL is libipsec (ESP in user space
# through a TUN device; what a host without kernel ESP can run) or netlink
# (the kernel's XFRM). EXTRA: raw lines for the charon { } section.
charon_start() {
	local name=$1 ns=$2 kernel=$3 extra=${4:-} d=$IT/$1 plugins
	plugins="random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints curve25519 aes sha1 sha2 hmac gcm kdf socket-default vici"
	# kernel-libipsec supplies the IPsec backend and must load before
	# kernel-netlink, which stays the network backend.
	case $kernel in
	libipsec) plugins="$plugins kernel-libipsec kernel-netlink" ;;
	netlink) plugins="$plugins kernel-netlink" ;;
	*) it_die "charon_start: unknown kernel $kernel" ;;
	esac
	mkdir -p "$d/run"
	rm -f "$d/charon.vici"
	cat >"$d/strongswan.conf" <<EOF
charon {
	load_modular = no
	load = $plugins
	install_routes = $([ "$kernel" = libipsec ] && echo yes || echo no)
	install_virtual_ip = no
	retransmit_tries = ${CHARON_TRIES:-3}
	retransmit_timeout = ${CHARON_RTO:-1.0}
	retransmit_base = 1.4
	half_open_timeout = 10
	filelog {
		it {
			path = $d/charon.log
			time_format = %H:%M:%S
			ike_name = yes
			append = yes
			flush_line = yes
			default = ${CHARON_LOGLEVEL:-1}
			ike = ${CHARON_IKE_LOGLEVEL:-2}
			cfg = 2
			knl = 1
			enc = 1
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
$extra
}
swanctl {
	load = pem pkcs1 pkcs8 x509 pubkey openssl random
}
EOF
	# A restarted charon (the liveness cell) keeps the connections written.
	[ -f "$d/swanctl.conf" ] || : >"$d/swanctl.conf"
	[ -f "$d/secrets.conf" ] || : >"$d/secrets.conf"
	STRONGSWAN_CONF=$d/strongswan.conf setsid ip netns exec "$ns" \
		sh -c 'mount --bind "$1/run" /run && exec "$2"' sh "$d" "$CHARON" \
		>"$d/charon.out" 2>&1 </dev/null &
	echo $! >"$d/pid"
	wait_for 10 test -S "$d/charon.vici" || {
		cat "$d/charon.out" "$d/charon.log" 2>/dev/null | tail -n 20
		fail "charon $name did not open its vici socket"
	}
}

# sw NAME SWANCTL-ARGS...: one swanctl command against charon NAME.
# swanctl reads certificates and keys from SWANCTL_DIR's x509/, x509ca/,
# private/ and x509crl/: the instance's own directory.
sw() {
	local d=$IT/$1
	shift
	SWANCTL_DIR=$d STRONGSWAN_CONF=$d/strongswan.conf swanctl "$@" --uri "unix://$d/charon.vici"
}

# charon_conn NAME CONN key=value...: adds connection CONN with one child
# "net". Keys (defaults in brackets):
#   local remote       IKE addresses (remote may be %any) [required]
#   lid rid            IKE identities, e.g. 10.250.0.2 or fqdn:b.example
#   psk                pre-shared key [interop-secret]
#   ike esp            swanctl proposals [aes256-sha256-modp2048, aes256-sha256]
#   lts rts            traffic selectors [dynamic]
#   encap              yes|no [yes with kernel-libipsec]
#   start              child start_action none|trap|start [none]
#   dpd dpd_action     dpd_delay [0s] and the child's dpd_action [clear]
#   ike_life child_life  rekey_time of the IKE and CHILD SA [4h, 1h]; a
#                      child_life in seconds (Ns) gets life_time N+30 s
#   close              child close_action [none]
#   auth               psk|pubkey [psk]; pubkey with:
#   cert key ca crl    own certificate and key, trusted CA, CRL (PEM files)
charon_conn() {
	local name=$1 conn=$2 d=$IT/$1 k v
	shift 2
	local local_addr="" remote_addr="" lid="" rid="%any" psk=interop-secret
	local ike=aes256-sha256-modp2048 esp=aes256-sha256 lts=dynamic rts=dynamic
	local encap=no start=none dpd=0s dpd_action=clear ike_life=4h child_life=1h close=none
	local auth=psk cert="" key="" ca="" crl="" certs_line=""
	grep -q kernel-libipsec "$d/strongswan.conf" && encap=yes
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		case $k in
		local) local_addr=$v ;; remote) remote_addr=$v ;;
		lid) lid=$v ;; rid) rid=$v ;; psk) psk=$v ;;
		ike) ike=$v ;; esp) esp=$v ;; lts) lts=$v ;; rts) rts=$v ;;
		encap) encap=$v ;; start) start=$v ;; dpd) dpd=$v ;;
		dpd_action) dpd_action=$v ;; ike_life) ike_life=$v ;;
		child_life) child_life=$v ;; close) close=$v ;;
		auth) auth=$v ;; cert) cert=$v ;; key) key=$v ;; ca) ca=$v ;; crl) crl=$v ;;
		*) it_die "charon_conn: unknown key $k" ;;
		esac
	done
	[ -n "$lid" ] || lid=$local_addr
	# A CHILD SA lives 10 % past its rekey by default: 1.2 s for the rekey
	# cells' 12 s, less than a rekey with PFS takes in an emulated guest
	# under load, so the old SA would expire before its successor is in.
	# Those get 30 s of hard life after the rekey point instead.
	local child_hard=""
	case $child_life in *[0-9]s) child_hard="life_time = $(( ${child_life%s} + 30 ))s" ;; esac
	if [ "$auth" = pubkey ]; then
		mkdir -p "$d/x509" "$d/x509ca" "$d/private" "$d/x509crl"
		[ -n "$cert" ] && { cp "$cert" "$d/x509/$conn.pem"; certs_line="certs = $conn.pem"; }
		[ -n "$key" ] && cp "$key" "$d/private/$conn.pem"
		[ -n "$ca" ] && cp "$ca" "$d/x509ca/$conn.pem"
		[ -n "$crl" ] && cp "$crl" "$d/x509crl/$conn.crl"
	fi
	cat >>"$d/swanctl.conf" <<EOF
$conn {
	version = 2
	local_addrs = $local_addr
	remote_addrs = $remote_addr
	proposals = $ike
	rekey_time = $ike_life
	reauth_time = 0
	rand_time = 0
	over_time = 10s
	mobike = no
	encap = $encap
	dpd_delay = $dpd
	local {
		auth = $auth
		id = $lid
		$certs_line
	}
	remote {
		auth = $auth
		id = $rid
	}
	children {
		net {
			mode = tunnel
			local_ts = $lts
			remote_ts = $rts
			esp_proposals = $esp
			rekey_time = $child_life
			$child_hard
			rand_time = 0
			dpd_action = $dpd_action
			start_action = $start
			close_action = $close
		}
	}
}
EOF
	[ "$auth" = psk ] || return 0
	cat >>"$d/secrets.conf" <<EOF
ike-$conn {
	id-a = $lid
	id-b = $rid
	secret = "$psk"
}
EOF
}

# charon_load NAME: (re)loads every connection and secret written so far.
charon_load() {
	local d=$IT/$1
	{
		echo "connections {"; cat "$d/swanctl.conf"; echo "}"
		echo "secrets {"; cat "$d/secrets.conf"; echo "}"
	} >"$d/loaded.conf"
	sw "$1" --load-all --file "$d/loaded.conf" >"$d/load.out" 2>&1 ||
		{ cat "$d/load.out"; fail "swanctl --load-all for $1 failed"; }
}

# charon_initiate NAME CONN [TIMEOUT]: blocking; the status is swanctl's.
charon_initiate() {
	sw "$1" --initiate --ike "$2" --child net --timeout "${3:-15}"
}

charon_stop() { it_stop_pid "$IT/$1/pid"; }

# charon_sas NAME: `swanctl --list-sas` in raw form, one SA per block.
charon_sas() { sw "$1" --list-sas; }

# charon_established NAME: at least one IKE SA ESTABLISHED with an
# INSTALLED CHILD SA.
charon_established() {
	local out
	out=$(sw "$1" --list-sas 2>/dev/null)
	echo "$out" | grep -q 'ESTABLISHED' && echo "$out" | grep -q 'INSTALLED'
}

charon_no_sa() { ! sw "$1" --list-sas 2>/dev/null | grep -q 'ESTABLISHED\|CONNECTING'; }
