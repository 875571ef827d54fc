// argon2id for passwords and security answers. Parameters are OWASP's argon2id minimum
// (19 MiB, 2 passes, 1 lane): each hash costs tens of milliseconds here instead of the
// library default's ~0.25 s, which bounds login throughput without weakening below the floor.
import argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';

const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashSecret = (secret: string): Promise<string> => argon2.hash(secret.normalize('NFC'), ARGON2_OPTIONS);

export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, secret.normalize('NFC'));
  } catch {
    return false;
  }
}

// Verified against when the login names no account, so an unknown identifier costs the same time.
let decoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(secret: string): Promise<false> {
  decoyHash ??= hashSecret(randomBytes(16).toString('hex'));
  await verifySecret(await decoyHash, secret);
  return false;
}

/** Security answers are compared forgivingly: case, accents and spacing do not matter. */
export function normaliseAnswer(answer: string): string {
  return answer
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');
