/**
 * One line out of @platformatic/kafka's nested errors ("metadata failed 4 times" →
 * "Cannot connect to any broker" → "Connection to … failed" → "SASL authentication
 * failed"): the messages down the chain, each once, so the reason is not lost.
 */
export function describeKafkaError(error: unknown): string {
  const messages: string[] = [];
  let authentication = false;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    const message = current.message.replace(/\.$/, "");
    if (!messages.includes(message)) messages.push(message);
    // Below the authentication error is only the protocol's wording of the same refusal.
    authentication = (current as { code?: unknown }).code === "PLT_KFK_AUTHENTICATION";
    if (authentication) break;
    const nested = (current as { errors?: unknown }).errors;
    current = current.cause ?? (Array.isArray(nested) ? nested.at(-1) : undefined);
  }
  const text = messages.length > 0 ? messages.join(": ") : String(error);
  return authentication ? `${text} (the broker refused the credentials: check KAFKA_SASL_USERNAME and the password)` : text;
}
