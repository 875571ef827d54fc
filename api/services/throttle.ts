// Brute-force protection kept in MySQL, so every api replica sees the same counters.
import type { Pool } from 'mysql2';
import { RateLimiterMySQL, RateLimiterRes } from 'rate-limiter-flexible';
import { ThrottledError } from '../errors';

/** «<why> : réessayez dans N minute(s).», the message every lock shows. */
export const retryLater =
  (why: string) =>
  (minutes: number): string =>
    `${why} : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`;

/** Shared by residents' and agents' logins. */
export const LOGIN_LOCK_MESSAGE = retryLater('Trop de tentatives de connexion infructueuses');

export interface ThrottleRule {
  /** Failures allowed within the window before the key is locked. */
  attempts: number;
  windowSeconds: number;
  lockSeconds: number;
}

/**
 * Keys starting with `ip:` follow the address rule (looser: a town hall or a family shares one
 * address); every other key (an identifier, an account) follows the main rule.
 */
export class Throttle {
  private readonly byKey: RateLimiterMySQL;
  private readonly byAddress: RateLimiterMySQL;

  constructor(pool: Pool, databaseName: string, keyPrefix: string, rule: ThrottleRule, addressRule: ThrottleRule) {
    const limiter = (prefix: string, r: ThrottleRule) =>
      new RateLimiterMySQL({
        storeClient: pool,
        storeType: 'pool',
        dbName: databaseName,
        tableName: 'rate_limit',
        tableCreated: true, // created by the migration
        keyPrefix: prefix,
        points: r.attempts,
        duration: r.windowSeconds,
        blockDuration: r.lockSeconds,
      });
    this.byKey = limiter(keyPrefix, rule);
    this.byAddress = limiter(`${keyPrefix}-ip`, addressRule);
  }

  private limiter(key: string): RateLimiterMySQL {
    return key.startsWith('ip:') ? this.byAddress : this.byKey;
  }

  /** Throws ThrottledError when any of the keys is locked. */
  async assertAllowed(keys: string[], message: (minutes: number) => string): Promise<void> {
    for (const key of keys) {
      const state = await this.limiter(key).get(key);
      if (state && state.remainingPoints <= 0 && state.msBeforeNext > 0) {
        throw throttled(state, message);
      }
    }
  }

  /** Counts one failure for every key; throws when this failure locks one of them. */
  async recordFailure(keys: string[], message: (minutes: number) => string): Promise<void> {
    let locked: RateLimiterRes | undefined;
    for (const key of keys) {
      try {
        await this.limiter(key).consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) locked = err;
        else throw err;
      }
    }
    if (locked) throw throttled(locked, message);
  }

  async reset(key: string): Promise<void> {
    await this.limiter(key).delete(key);
  }
}

function throttled(state: RateLimiterRes, message: (minutes: number) => string): ThrottledError {
  const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new ThrottledError(message(Math.ceil(seconds / 60)), seconds);
}
