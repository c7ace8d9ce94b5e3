import type { ConnectionOptions } from "node:tls";
import type { KafkaTls } from "./kafka-connection";

/**
 * Node's TLS options for the brokers: the given CAs (else the system's), the
 * client certificate for mTLS. The host name is verified against the broker's
 * certificate as Node does by default (Strimzi's carry the service names).
 */
export function tlsOptions(tls: KafkaTls): ConnectionOptions {
  return {
    ...(tls.ca === undefined ? {} : { ca: [tls.ca.pem] }),
    ...(tls.client === undefined ? {} : { cert: tls.client.certPem, key: tls.client.keyPem.reveal() }),
  };
}
