# Sourced by kafka.sh: the broker's TLS material and SCRAM user, so that clients can be tested
# against the listeners Strimzi gives them in Kubernetes (SASL_SSL with SCRAM-SHA-512, and SSL
# with client certificates). Generated once into <state>/kafka/tls and <state>/kafka/scram,
# never committed. Uses the paths kafka.sh sets (KAFKA_DIR, CONF_DIR, LIB_DIR, ...).
# shellcheck shell=bash

KAFKA_SCRAM_USER=udaconnect
# Ten years: a local CA that expires in the middle of someone's work helps nobody.
TLS_DAYS=3650

set_security_paths() {
  TLS_DIR="$KAFKA_DIR/tls"
  SCRAM_DIR="$KAFKA_DIR/scram"
  SCRAM_PASSWORD_FILE="$SCRAM_DIR/$KAFKA_SCRAM_USER.password"
}

# Strimzi's names: the cluster CA as ca.crt, a KafkaUser's certificate as user.crt + user.key.
# broker.pem holds the broker's key and certificate chain (ssl.keystore.type=PEM).
ensure_tls_material() {
  command -v openssl >/dev/null || ensure_debian_packages openssl
  make_dir "$TLS_DIR"
  chmod 0700 -- "$TLS_DIR"
  if [[ ! -s "$TLS_DIR/ca.crt" || ! -s "$TLS_DIR/ca.key" ]]; then
    log "generating a local CA in $TLS_DIR"
    rm -f -- "$TLS_DIR"/*.crt "$TLS_DIR"/*.key "$TLS_DIR"/*.pem
    openssl_quiet req -x509 -newkey rsa:2048 -nodes -days "$TLS_DAYS" -subj "/CN=udaconnect local Kafka CA" \
      -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt"
  fi
  if [[ ! -s "$TLS_DIR/broker.pem" ]]; then
    log "generating the broker certificate (127.0.0.1, localhost)"
    issue_certificate broker "/CN=localhost" "subjectAltName=IP:127.0.0.1,DNS:localhost"
    cat "$TLS_DIR/broker.key" "$TLS_DIR/broker.crt" "$TLS_DIR/ca.crt" >"$TLS_DIR/broker.pem.tmp"
    mv -- "$TLS_DIR/broker.pem.tmp" "$TLS_DIR/broker.pem"
  fi
  if [[ ! -s "$TLS_DIR/user.crt" || ! -s "$TLS_DIR/user.key" ]]; then
    log "generating the client certificate for mTLS (CN=$KAFKA_SCRAM_USER)"
    issue_certificate user "/CN=$KAFKA_SCRAM_USER" "extendedKeyUsage=clientAuth"
  fi
}

# issue_certificate NAME SUBJECT EXTENSION: NAME.key (PKCS#8, unencrypted) + NAME.crt signed by the CA.
issue_certificate() {
  local name="$1" subject="$2" extension="$3"
  openssl_quiet req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$TLS_DIR/$name.key" -out "$TLS_DIR/$name.csr"
  openssl_quiet x509 -req -in "$TLS_DIR/$name.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
    -days "$TLS_DAYS" -extfile <(printf '%s\n' "$extension") -out "$TLS_DIR/$name.crt"
  rm -f -- "$TLS_DIR/$name.csr"
  chmod 0600 -- "$TLS_DIR/$name.key"
}

openssl_quiet() {
  openssl "$@" 2>"$TLS_DIR/openssl.err" || {
    show_log_tail 20 "$TLS_DIR/openssl.err"
    die "openssl $1 failed (see above). To start the TLS material afresh: rm -rf '$TLS_DIR', then start again."
  }
}

ensure_scram_password() {
  make_dir "$SCRAM_DIR"
  chmod 0700 -- "$SCRAM_DIR"
  [[ -s "$SCRAM_PASSWORD_FILE" ]] && return 0
  # Hex only: ConfigCommand's value syntax would choke on commas, brackets or '='.
  (umask 077 && openssl rand -hex 24 | tr -d '\n' >"$SCRAM_PASSWORD_FILE")
}

# The listeners beyond PLAINTEXT, appended to server.properties. No authorizer: ACLs are
# Strimzi's job in Kubernetes, and the PLAINTEXT listener the tests use stays open.
security_properties() {
  cat <<EOF
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,MTLS://127.0.0.1:$KAFKA_MTLS_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,MTLS://127.0.0.1:$KAFKA_MTLS_PORT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,MTLS:SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$TLS_DIR/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.crt
listener.name.mtls.ssl.client.auth=required
EOF
}

# Sets the SCRAM credential through the PLAINTEXT listener on every start: idempotent, and it
# also covers storage formatted before the SASL_SSL listener existed.
ensure_scram_user() {
  local config="$SCRAM_DIR/add-config.properties"
  # A file, not --add-config on the command line, so the password never shows in `ps`.
  (umask 077 && printf 'SCRAM-SHA-512=iterations=4096,password=%s\n' "$(<"$SCRAM_PASSWORD_FILE")" >"$config")
  if ! timeout 60 java "${QUICK_JVM_OPTS[@]}" -Dlog4j2.configurationFile="$CONF_DIR/log4j2-tools.xml" \
      -cp "$LIB_DIR/*" kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
      --alter --entity-type users --entity-name "$KAFKA_SCRAM_USER" --add-config-file "$config" \
      >/dev/null 2>"$LOGS_DIR/scram-user.err"; then
    rm -f -- "$config"
    show_log_tail 20 "$LOGS_DIR/scram-user.err"
    start_failed "the broker runs, but setting the SCRAM user '$KAFKA_SCRAM_USER' failed"
  fi
  rm -f -- "$config"
  log "SCRAM-SHA-512 user '$KAFKA_SCRAM_USER' set (password in $SCRAM_PASSWORD_FILE); SASL_SSL on 127.0.0.1:$KAFKA_SASL_SSL_PORT, mTLS on 127.0.0.1:$KAFKA_MTLS_PORT"
}
