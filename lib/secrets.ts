/**
 * The reporter's secrets: the browser key (`helpdesk_reporter` cookie) and the private link tokens. Both are
 * 256 random-looking bits in base64url; the store keeps only their SHA-256 hashes.
 */

/** Length of a secret in base64url: 32 bytes without padding. */
const SECRET_LENGTH = 43;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A new random secret: 32 bytes from the system's cryptographic generator, base64url. */
export function newSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Tells whether a value has the shape of a secret (43 base64url characters); nothing longer is looked at. */
export function isSecretShape(value: string): boolean {
  return value.length === SECRET_LENGTH && SECRET_PATTERN.test(value);
}

/** The SHA-256 of a secret in hex: what the store keeps instead of the secret. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The private link token of a ticket filed with a reporter key: an HMAC of the ticket id under the key, so
 * the filer's browser can show the same link again later while the store keeps only its hash, and nobody
 * without the key can work it out.
 */
export async function linkTokenFor(reporterKey: string, ticketId: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(reporterKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`private-link:${ticketId}`));
  return base64url(new Uint8Array(mac));
}
