// What the security suites share: a browser whose session cookie and raw requests an attacker can
// play with, the portal's write routes read from Express's own routers, a fingerprint of the
// database to prove that a refused request wrote nothing, and the portal built with a production
// configuration (HSTS, Secure cookies) on the suite's own database.
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { createApp } from '../../api/app';
import { SESSION_COOKIE } from '../../api/middleware/session';
import { freePort } from '../../scripts/temporal-dev-server';
import type { Harness } from '../support/harness';
import { sleep, waitUntil, type FormClient, type PageResponse } from '../support/journeys';

/** The answer to every refused form or call that did not come from the portal's own page. */
export const CSRF_MESSAGE = 'Le formulaire a expiré ou ne provient pas de ce site : rechargez la page et recommencez.';

export interface Answer extends PageResponse {
  headers: Headers;
}

export interface SendOptions {
  form?: Record<string, string>;
  json?: unknown;
  body?: FormData | string | Uint8Array;
  headers?: Record<string, string>;
}

/** A browser that keeps its cookies and reads the CSRF token of every page, and lets a test forge requests. */
export class Browser implements FormClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly baseUrl: string) {}

  /** The session id inside the signed cookie `s:<id>.<signature>`. */
  get sessionId(): string | undefined {
    const raw = this.cookies.get(SESSION_COOKIE);
    return raw ? /^s:([^.]+)\./.exec(decodeURIComponent(raw))?.[1] : undefined;
  }

  async send(method: string, path: string, opts: SendOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: FormData | string | Uint8Array | undefined = opts.body;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const payload = body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : body;
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      if (/expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? /"csrfToken":"([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text, location: res.headers.get('location'), headers: res.headers };
  }

  get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }

  /** A form as the portal's page sends it: its token first. */
  async post(path: string, fields: Record<string, string>): Promise<Answer> {
    if (!this.csrf) await this.get('/');
    return this.send('POST', path, { form: { _csrf: this.csrf, ...fields } });
  }

  /** A JSON API call with the session's token in its header. */
  api(method: string, path: string, json?: unknown): Promise<Answer> {
    return this.send(method, path, { json: json ?? {}, headers: { 'x-csrf-token': this.csrf } });
  }
}

export interface WriteRoute {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route the application serves, nested routers included: its method and full path. */
export function appRoutes(app: Express): WriteRoute[] {
  const found: WriteRoute[] = [];
  const walk = (stack: Layer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all') found.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path) });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, join(prefix, layer.rawPath ?? '/'));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}

/** Every route of the application that is not a read (POST, PUT, PATCH, DELETE), with its full path. */
export function writeRoutes(app: Express): WriteRoute[] {
  return appRoutes(app).filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
}

const join = (a: string, b: string): string => (a.replace(/\/$/, '') + (b === '/' ? '' : b)) || '/';

/** Tables whose rows change without any write of the user's: the session store, throttles, captchas. */
const VOLATILE_TABLES = ['sessions', 'rate_limit', 'captcha_challenge', 'migrations'];

/** A checksum of every table's content: equal before and after, nothing was written. */
export async function databaseFingerprint(dataSource: DataSource): Promise<Record<string, string>> {
  const tables = (await dataSource.query(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name',
  )) as Array<{ name: string }>;
  const names = tables.map((t) => t.name).filter((n) => !VOLATILE_TABLES.includes(n));
  const rows = (await dataSource.query(`CHECKSUM TABLE ${names.map((n) => `\`${n}\``).join(', ')}`)) as Array<{ Table: string; Checksum: string }>;
  return Object.fromEntries(rows.map((r) => [r.Table.split('.').pop() as string, String(r.Checksum)]));
}

/** Waits until the workflows started by a suite's setup have written all they will: two equal fingerprints. */
export async function databaseAtRest(dataSource: DataSource): Promise<void> {
  let last = '';
  await waitUntil('base de données au repos', async () => {
    const now = JSON.stringify(await databaseFingerprint(dataSource));
    const still = now === last;
    last = now;
    await sleep(300);
    return still;
  });
}

/**
 * The api with another NODE_ENV than the harness's 'test' on the harness's database and Temporal:
 * 'production' as deployed behind an HTTPS proxy, or 'development' as on a laptop.
 */
export async function startApiAs(h: Harness, nodeEnv: 'production' | 'development'): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: nodeEnv,
    PORT: String(port),
    PUBLIC_URL: `https://demarches-beaucouze.localhost:${port}`,
    SESSION_SECRET: 'production-secret-of-the-security-suite-0123456789',
    DATABASE_URL: h.config.databaseUrl,
    TEMPORAL_ADDRESS: h.config.temporal.address,
    TEMPORAL_NAMESPACE: h.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: h.config.temporal.taskQueue,
    SMTP_URL: h.config.mail.smtpUrl,
    LOG_LEVEL: 'silent',
  });
  const portal = createApp({ config, dataSource: h.dataSource, temporal: h.temporal, log: (err) => console.error('api error', err) });
  const server = await new Promise<Server>((resolve) => {
    const s = portal.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await portal.close();
    },
  };
}
