#!/bin/bash
# Makes tcp-misc-loopback.pcap: Debian 12's servers and clients on loopback
# (apt-get install mariadb-server mariadb-client mosquitto mosquitto-clients
# dovecot-imapd dovecot-pop3d dante-server curl tcpdump), run as root from
# this folder:
#   3306  MariaDB 10.11: alice logs in, creates a database and a table, inserts
#         two rows, selects; then a query of a table that does not exist; then
#         a login with a wrong password
#   1883  Mosquitto: "watcher" subscribes to plant/+/temp (QoS 1); "sensor1"
#         publishes 21.5 to plant/a/temp (QoS 1), which the broker forwards
#   110   Dovecot POP3: curl logs in as alice (AUTH PLAIN) and retrieves message 1
#   143   Dovecot IMAP: curl logs in as alice and fetches message 1
#   1080  Dante SOCKS 5: curl GETs /index.txt from 127.0.0.1:8080 (a Python
#         web server) by address, then from localhost:8080 by name, then asks
#         for 127.0.0.1:9 (refused)
# tcp-misc-capture.test.ts checks the logs and events against that.
set -eu
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 1; rm -rf "$dir"' EXIT
chmod 755 "$dir"

# MariaDB, a user with a password.
mariadb-install-db --user=root --datadir="$dir/db" --auth-root-authentication-method=socket >/dev/null 2>&1
mariadbd --user=root --datadir="$dir/db" --socket="$dir/db.sock" --port=3306 --bind-address=127.0.0.1 --pid-file="$dir/db.pid" --log-error="$dir/db.err" >/dev/null 2>&1 &
for _ in $(seq 50); do [ -S "$dir/db.sock" ] && break; sleep 0.2; done
mariadb --socket="$dir/db.sock" -uroot -e "CREATE USER 'alice'@'127.0.0.1' IDENTIFIED BY 'secret'; GRANT ALL ON *.* TO 'alice'@'127.0.0.1';"

# Mosquitto.
printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' > "$dir/mosquitto.conf"
mosquitto -c "$dir/mosquitto.conf" >/dev/null 2>&1 &

# Dovecot: alice (password secret) with one message.
mkdir -p "$dir/mail/.maildir/new" "$dir/mail/.maildir/cur" "$dir/mail/.maildir/tmp" "$dir/run"
printf 'From: bob@example.com\r\nTo: alice@example.com\r\nSubject: hello\r\n\r\nHi Alice.\r\n' > "$dir/mail/.maildir/new/1.msg"
chown -R 65534:65534 "$dir/mail"
echo "alice:{PLAIN}secret:65534:65534::$dir/mail" > "$dir/passwd"
cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/run
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = $dir/passwd
}
userdb {
  driver = passwd-file
  args = $dir/passwd
}
mail_location = maildir:~/.maildir
log_path = $dir/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
CONF
dovecot -F -c "$dir/dovecot.conf" >/dev/null 2>&1 &

# Dante and a web server behind it.
cat > "$dir/danted.conf" <<CONF
logoutput: $dir/danted.log
internal: 127.0.0.1 port = 1080
external: 127.0.0.1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
CONF
mkdir -p "$dir/www" && echo "hello over socks" > "$dir/www/index.txt"
(cd "$dir/www" && exec python3 -m http.server 8080 --bind 127.0.0.1 >/dev/null 2>&1) &
danted -f "$dir/danted.conf" -p "$dir/danted.pid" >/dev/null 2>&1 &
sleep 2

tcpdump -i lo -U -s 0 -w tcp-misc-loopback.pcap 'tcp and (port 3306 or port 1883 or port 110 or port 143 or port 1080)' >/dev/null 2>&1 & dump=$!
sleep 1
mariadb -h 127.0.0.1 -P 3306 -ualice -psecret --skip-ssl -e "SELECT 1; CREATE DATABASE shop; USE shop; CREATE TABLE items (id INT, name VARCHAR(20)); INSERT INTO items VALUES (1,'pen'),(2,'ink'); SELECT * FROM items;" >/dev/null
mariadb -h 127.0.0.1 -P 3306 -ualice -psecret --skip-ssl shop -e "SELECT name FROM items WHERE id = 2; SELECT * FROM missing;" >/dev/null 2>&1 || true
mariadb -h 127.0.0.1 -P 3306 -ualice -pwrong --skip-ssl -e "SELECT 1" >/dev/null 2>&1 || true
mosquitto_sub -h 127.0.0.1 -p 1883 -i watcher -t 'plant/+/temp' -q 1 -C 1 -W 10 >/dev/null & sub=$!
sleep 0.5
mosquitto_pub -h 127.0.0.1 -p 1883 -i sensor1 -t plant/a/temp -m '21.5' -q 1
wait $sub || true
curl -s --max-time 5 -u alice:secret pop3://127.0.0.1/1 >/dev/null
curl -s --max-time 5 -u alice:secret 'imap://127.0.0.1/INBOX;UID=1' >/dev/null
curl -s --max-time 5 --socks5 127.0.0.1:1080 http://127.0.0.1:8080/index.txt >/dev/null
curl -s --max-time 5 --socks5-hostname 127.0.0.1:1080 http://localhost:8080/index.txt >/dev/null
curl -s --max-time 5 --socks5 127.0.0.1:1080 http://127.0.0.1:9/ >/dev/null || true
sleep 1
kill $dump; wait $dump 2>/dev/null || true
