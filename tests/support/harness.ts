// A whole portal for one test file: its own database (migrated, two communes seeded), a worker
// on its own task queue against the run's Temporal dev server, a real SMTP receiver, a fake SMS
// API, and the api listening on a free port. The worker can be stopped and started again.
import 'reflect-metadata';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../config';
import { openDatabase } from '../../db/data-source';
import { Agent, Commune } from '../../db/entities';
import { DEMO_AGENT, seedDemo } from '../../db/seed';
import { hashSecret } from '../../api/services/secrets';
import { createApp, type PortalApp } from '../../api/app';
import { createMailTransport } from '../../notify/mailer';
import { Outbox } from '../../notify/outbox';
import { createSmsProvider } from '../../notify/sms';
import { clientInterceptors } from '../../observability/temporal';
import type { Logger } from '../../observability/logger';
import { createPortalWorker } from '../../worker/worker';
import { Catalogues } from '../../catalogue';
import { freePort } from '../../scripts/temporal-dev-server';
import { getWorkflowBundle, testEnv } from './env';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver';
import { startFakeSmsApi, type FakeSmsApi } from './fake-sms-api';

export const OTHER_COMMUNE = { slug: 'saint-clair', name: 'Saint-Clair', holidayZone: 'FR-57', postalAddress: 'Mairie de Saint-Clair\n57000 Saint-Clair', agentsEmail: 'accueil@saint-clair.localhost' };
export const OTHER_AGENT = { login: 'agent.saint-clair', password: 'Saint-Clair-Agent-2026!', email: 'agent@saint-clair.localhost', displayName: 'Agent de Saint-Clair' };
export { DEMO_AGENT };

export interface Harness {
  baseUrl: string;
  config: Config;
  dataSource: DataSource;
  smtp: SmtpReceiver;
  sms: FakeSmsApi;
  temporal: Client;
  portal: PortalApp;
  catalogue: Catalogues;
  communes: { beaucouze: Commune; saintClair: Commune };
  agents: { beaucouze: Agent; saintClair: Agent };
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** One day of the démarches' delays, in ms. */
  demarcheDayMs?: number;
  /** The civil-status processing delay, in ms. */
  civilStatusDelayMs?: number;
  /** A payment's expiry and polling interval. */
  paymentTimings?: { expiresAfterMs: number; pollIntervalMs: number };
  /** How long an Update waits for the worker before the api answers 503. */
  updateWaitMs?: number;
  /**
   * The api's pino logger (tests that read its lines). Without it the api logs nothing (LOG_LEVEL
   * silent) and its unexpected errors go to the console; with it, they go to this logger as in production.
   */
  logger?: Logger;
  /** false: no worker in this process at start (the fault suite runs the worker as a process). */
  inProcessWorker?: boolean;
}

export async function startHarness(name: string, env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const { temporalAddress, temporalNamespace, databaseUrl } = testEnv();
  const dbUrl = new URL(databaseUrl);
  dbUrl.pathname = `/${dbUrl.pathname.slice(1)}_${name.replace(/[^a-z0-9_]/gi, '_')}`.slice(0, 64);
  const [smtp, sms, port] = await Promise.all([startSmtpReceiver(), startFakeSmsApi(), freePort()]);

  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: dbUrl.toString(),
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: temporalNamespace,
    TEMPORAL_TASK_QUEUE: `test-${name}-${randomBytes(4).toString('hex')}`,
    SMTP_URL: smtp.url,
    SMS_PROVIDER: 'http',
    SMS_API_URL: sms.url,
    SMS_API_KEY: sms.apiKey,
    CAPTCHA_TEST_MODE: 'true',
    LOG_LEVEL: 'silent',
    ...env,
  });

  const dataSource = await openDatabase(config.databaseUrl, { poolSize: 5 });
  await dataSource.query('SET FOREIGN_KEY_CHECKS = 0');
  for (const table of ['sandbox_payment', 'basket_item', 'basket', 'payment_invoice', 'invoice', 'payment', 'regie', 'civil_status_history', 'civil_status_request', 'demarche_draft', 'request_document', 'request_history', 'demarche_request', 'request_counter', 'household_member', 'account_history', 'password_reset', 'notification', 'account', 'agent', 'commune', 'sessions', 'rate_limit', 'captcha_challenge']) {
    await dataSource.query(`DELETE FROM ${table}`);
  }
  await dataSource.query('SET FOREIGN_KEY_CHECKS = 1');
  // Workflow ids carry the account id and every suite shares one Temporal server: each suite's
  // ids start in a block of its own so that two suites never reuse a running workflow's id.
  const idBlock = 1 + 1000 * (1 + Math.floor(Math.random() * 2_000_000));
  await dataSource.query(`ALTER TABLE account AUTO_INCREMENT = ${idBlock}`);
  const demo = await seedDemo(dataSource);
  await dataSource.getRepository(Commune).insert(OTHER_COMMUNE);
  const saintClair = await dataSource.getRepository(Commune).findOneByOrFail({ slug: OTHER_COMMUNE.slug });
  await dataSource.getRepository(Agent).insert({
    communeId: saintClair.id,
    login: OTHER_AGENT.login,
    email: OTHER_AGENT.email,
    displayName: OTHER_AGENT.displayName,
    passwordHash: await hashSecret(OTHER_AGENT.password),
    role: 'agent',
  });
  const saintClairAgent = await dataSource.getRepository(Agent).findOneByOrFail({ login: OTHER_AGENT.login });
  // Démarche workflow ids carry the request number (BEA-2026-000001): as for account ids, each
  // suite's numbers start in a block of their own, so two suites never start the same workflow id.
  const numberBlock = 1000 * (1 + Math.floor(Math.random() * 900));
  for (const communeId of [demo.commune.id, saintClair.id]) {
    for (const year of [new Date().getFullYear() - 1, new Date().getFullYear(), new Date().getFullYear() + 1]) {
      await dataSource.query('INSERT INTO request_counter (commune_id, year, last_sequence) VALUES (?, ?, ?)', [communeId, year, numberBlock]);
    }
  }

  const outbox = new Outbox(dataSource, createMailTransport(config), createSmsProvider(config));
  const clientConnection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection: clientConnection, namespace: temporalNamespace, interceptors: clientInterceptors() });
  const catalogue = Catalogues.load();
  const portal = createApp({
    config, dataSource, temporal, outbox, catalogue, demarcheDayMs: options.demarcheDayMs, civilStatusDelayMs: options.civilStatusDelayMs, paymentTimings: options.paymentTimings, updateWaitMs: options.updateWaitMs,
    ...(options.logger ? { logger: options.logger } : { log: (err: unknown) => console.error('api error', err) }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = portal.app.listen(port, '127.0.0.1', () => resolve(s));
  });

  let worker: { worker: Worker; run: Promise<void>; connection: NativeConnection } | undefined;

  async function startWorker(): Promise<void> {
    if (worker) return;
    const workflowBundle = await getWorkflowBundle();
    const connection = await NativeConnection.connect({ address: temporalAddress });
    const w = await createPortalWorker({ config, connection, dataSource, outbox, catalogue, workflowBundle });
    worker = { worker: w, run: w.run(), connection };
  }
  async function stopWorker(): Promise<void> {
    if (!worker) return;
    const current = worker;
    worker = undefined;
    current.worker.shutdown();
    await current.run;
    await current.connection.close();
  }
  if (options.inProcessWorker !== false) await startWorker();

  return {
    baseUrl: config.publicUrl,
    config,
    dataSource,
    smtp,
    sms,
    temporal,
    portal,
    catalogue,
    communes: { beaucouze: demo.commune, saintClair },
    agents: { beaucouze: demo.agent, saintClair: saintClairAgent },
    startWorker,
    stopWorker,
    async close() {
      await stopWorker();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await portal.close();
      await clientConnection.close();
      await dataSource.destroy();
      await smtp.stop();
      await sms.stop();
    },
  };
}

/** A browser-like HTTP client: keeps the session cookie and reads the CSRF token from pages. */
export class WebClient {
  private cookies = new Map<string, string>();
  csrf = '';

  // No Host override here: Node's fetch always sends the URL's host. To reach another commune's
  // portal, use HttpWebClient (tests/support/journeys.ts), which speaks node:http.
  constructor(readonly baseUrl: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return h;
  }

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }

  async get(path: string): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(this.baseUrl + path, { headers: this.headers(), redirect: 'manual' });
    this.remember(res);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { status: res.status, text, location: res.headers.get('location') };
  }

  /** Posts a form (with the CSRF token unless given); does not follow the redirect. */
  async post(path: string, fields: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
    if (!this.csrf) await this.get('/');
    const body = new URLSearchParams({ _csrf: this.csrf, ...fields });
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body,
      redirect: 'manual',
    });
    this.remember(res);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { status: res.status, text, location: res.headers.get('location') };
  }

  /**
   * Posts a multipart form as a browser does: the CSRF token first (the form's first hidden field),
   * then the fields, then the files. Does not follow the redirect.
   */
  async postMultipart(
    path: string,
    fields: Record<string, string>,
    files: Array<{ field: string; name: string; content: Buffer | string; type?: string }>,
  ): Promise<{ status: number; text: string; location: string | null }> {
    if (!this.csrf) await this.get('/');
    const form = new FormData();
    form.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) {
      const bytes = typeof f.content === 'string' ? Buffer.from(f.content) : f.content;
      form.append(f.field, new Blob([new Uint8Array(bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
    }
    const res = await fetch(this.baseUrl + path, { method: 'POST', headers: this.headers(), body: form, redirect: 'manual' });
    this.remember(res);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { status: res.status, text, location: res.headers.get('location') };
  }

  /** JSON API call with the session's CSRF header. */
  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: this.headers({ 'content-type': 'application/json', 'x-csrf-token': this.csrf }),
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    this.remember(res);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
}
