import session from 'express-session';
import MySQLStoreFactory from 'express-mysql-session';
import type { RequestHandler } from 'express';
import type { Config } from '../../config';
import type { SignupDraft } from '../services/accounts.service';

declare module 'express-session' {
  interface SessionData {
    communeId: number;
    residentId: number;
    agentId: number;
    csrfToken: string;
    signup: SignupDraft;
    /** «Mot de passe oublié ?» between the identifier step and the answer step. */
    reset: { accountId: number; question: string };
    flash: { kind: 'success' | 'error' | 'info'; message: string };
    /** The civil-status request just sent from this browser: its confirmation page. */
    civilStatusSent: { number: string; email: string; trackingPath: string };
  }
}

export const SESSION_COOKIE = 'portail.sid';
const SESSION_HOURS = 8;

/** Sessions live in MySQL (table created by the migration), so any api replica can serve a user. */
export function createSessionMiddleware(config: Config): { middleware: RequestHandler; close(): Promise<void> } {
  const MySQLStore = MySQLStoreFactory(session as never);
  const url = new URL(config.databaseUrl.replace(/^mariadb:/, 'mysql:'));
  const store = new MySQLStore({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    createDatabaseTable: false,
    clearExpired: true,
    checkExpirationInterval: 15 * 60_000,
    expiration: SESSION_HOURS * 3600_000,
    connectionLimit: 5,
  } as never);
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.nodeEnv === 'production',
      maxAge: SESSION_HOURS * 3600_000,
    },
  });
  return { middleware, close: () => (store as unknown as { close(): Promise<void> }).close() };
}

/** Logs a resident out everywhere: every stored session that carries the account's id. */
export async function deleteResidentSessions(db: { query(sql: string, params: unknown[]): Promise<unknown> }, accountId: number): Promise<void> {
  await db.query('DELETE FROM sessions WHERE data LIKE ? OR data LIKE ?', [`%"residentId":${accountId},%`, `%"residentId":${accountId}}%`]);
}
