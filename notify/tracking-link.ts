// The secret link that lets a civil-status requester (no account) follow their request. The token
// is HMAC(secret, salt): the request row keeps the salt and the token's SHA-256 (to find it), so
// every mail can repeat the link while the table alone cannot rebuild it. Changing SESSION_SECRET
// therefore invalidates the links already sent.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export function newTrackingSalt(): string {
  return randomBytes(16).toString('hex');
}

/** 43 characters of base64url: 256 bits, not guessable. */
export function trackingToken(secret: string, salt: string): string {
  return createHmac('sha256', secret).update(`suivi-acte:${salt}`).digest('base64url');
}

export function trackingTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const TRACKING_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function trackingPath(token: string): string {
  return `/suivi/${token}`;
}
