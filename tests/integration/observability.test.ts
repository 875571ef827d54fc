// Health, readiness and metrics of a whole portal (MariaDB, Temporal dev server, the worker), and
// the request id of a sign-up followed from the HTTP request into the workflow's activity logs.
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { Account } from '../../db/entities';
import { createMailTransport } from '../../notify/mailer';
import { Outbox } from '../../notify/outbox';
import { createSmsProvider } from '../../notify/sms';
import { createLogger, temporalLogger } from '../../observability/logger';
import { clientInterceptors } from '../../observability/temporal';
import { freePort } from '../../scripts/temporal-dev-server';
import { createPortalWorker } from '../../worker/worker';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, SECURITY_ANSWER, signUp, STRONG_PASSWORD, waitUntil, type FormClient, type PageResponse } from '../support/journeys';

// Every log line of this file, the SDK's (workflows, activities) included: installed before any
// connection, as the worker process does.
const logLines: string[] = [];
const logger = createLogger({ level: 'debug', service: 'test', destination: { write: (s: string) => void logLines.push(s) } });
const logged = (): Array<Record<string, unknown>> => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
Runtime.install({ logger: temporalLogger(logger) });

let h: Harness;
beforeAll(async () => {
  h = await startHarness('observability');
});
afterAll(async () => {
  await h?.close();
});

const metrics = async (): Promise<string> => {
  const res = await fetch(`${h.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};

test('/healthz and /readyz answer without a session or a commune; /readyz says which check fails', async () => {
  const alive = await fetch(`${h.baseUrl}/healthz`);
  expect(alive.status).toBe(200);
  expect(await alive.json()).toEqual({ status: 'ok' });
  expect(alive.headers.get('set-cookie')).toBeNull();

  const ready = await fetch(`${h.baseUrl}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });

  // MySQL unreachable for the next query: 503, and the failed check is named.
  const query = jest.spyOn(h.dataSource, 'query').mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:3306'));
  try {
    const down = await fetch(`${h.baseUrl}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', failed: ['database'], checks: { database: /ECONNREFUSED/, temporal: 'ok' } });
  } finally {
    query.mockRestore();
  }
  expect((await fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
});

test('/metrics: HTTP latency by route pattern, workflows started and ended by kind, mails sent', async () => {
  await fetch(`${h.baseUrl}/actes/suivi/not-a-real-token-0123456789`);
  const web = new WebClient(h.baseUrl);
  const done = await signUp(web, { prenom: 'Mesure', nom: 'Compteur', email: 'mesure.compteur@example.fr' });
  expect(done.status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'mesure.compteur@example.fr' });
  await h.smtp.waitFor((m) => m.to.includes('mesure.compteur@example.fr'), 20_000);

  let text = await metrics();
  expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} \d+$/m);
  expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/compte\/creer\/:tab",status_code="303"\} \d+$/m);
  expect(text).not.toContain('not-a-real-token');
  expect(text).toMatch(/^portail_workflows_started_total\{kind="validation-compte"\} 1$/m);
  // Counted once the outbox row is marked sent, a moment after the SMTP server has the mail.
  await waitUntil('mail counted', async () => /^portail_notifications_total\{channel="email",result="sent"\} [1-9]\d*$/m.test(await metrics()));

  // The agent validates: the workflow ends and says so through its sink.
  const agent = await agentClient(h.baseUrl);
  expect((await agent.post(`/agent/comptes/${account.id}/valider`, {})).status).toBe(303);
  text = await waitUntil('workflow end counted', async () => {
    const t = await metrics();
    return /^portail_workflows_ended_total\{kind="validation-compte",outcome="validated"\} 1$/m.test(t) ? t : undefined;
  }, 20_000);
  expect(text).toContain('portail_workflows_ended_total');
});

/** A form client that sends one X-Request-Id with every request, as a load balancer would. */
class TracedClient implements FormClient {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly baseUrl: string, private readonly requestId: string) {}

  get(path: string): Promise<PageResponse> {
    return this.request(path, { method: 'GET' });
  }

  async post(path: string, fields: Record<string, string>): Promise<PageResponse> {
    if (!this.csrf) await this.get('/');
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  private async request(path: string, init: { method: string; body?: URLSearchParams; headers?: Record<string, string> }): Promise<PageResponse> {
    const headers: Record<string, string> = { ...init.headers, 'x-request-id': this.requestId };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.baseUrl + path, { ...init, headers, redirect: 'manual' });
    expect(res.headers.get('x-request-id')).toBe(this.requestId);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      this.cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { status: res.status, text, location: res.headers.get('location') };
  }
}

test("a sign-up's request id reaches the workflow's activities and their log lines", async () => {
  // The api's client with the interceptors (as api/server.ts builds it), and a worker that bundles
  // the workflows with their interceptors (the harness's shared bundle is built without them).
  await h.stopWorker();
  const clientConnection = await Connection.connect({ address: h.config.temporal.address as string });
  const temporal = new Client({ connection: clientConnection, namespace: h.config.temporal.namespace, interceptors: clientInterceptors() });
  const outbox = new Outbox(h.dataSource, createMailTransport(h.config), createSmsProvider(h.config));
  const workerConnection = await NativeConnection.connect({ address: h.config.temporal.address as string });
  let worker: Worker | undefined;
  let run: Promise<void> | undefined;
  let server: Server | undefined;
  const portal = createApp({ config: h.config, dataSource: h.dataSource, temporal, outbox, catalogue: h.catalogue, logger });
  try {
    worker = await createPortalWorker({ config: h.config, connection: workerConnection, dataSource: h.dataSource, outbox, catalogue: h.catalogue });
    run = worker.run();
    const port = await freePort();
    server = await new Promise<Server>((resolve) => {
      const s = portal.app.listen(port, '127.0.0.1', () => resolve(s));
    });

    const requestId = 'lb-signup-7f3a9c21';
    const done = await signUp(new TracedClient(`http://127.0.0.1:${port}`, requestId), {
      prenom: 'Trace', nom: 'Suivie', email: 'trace.suivie@example.fr',
    });
    expect(done.status).toBe(303);
    await h.smtp.waitFor((m) => m.to.includes('trace.suivie@example.fr'), 30_000);

    // The api's line for the request that started the workflow…
    expect(logged()).toContainEqual(expect.objectContaining({
      msg: 'request completed', requestId, route: '/compte/creer/:tab', req: expect.objectContaining({ method: 'POST', url: '/compte/creer/validation' }),
    }));
    // …and the worker's lines for the activities it scheduled, with the same id.
    const activityLines = await waitUntil('activity lines with the request id', () => {
      const lines = logged().filter((l) => l.requestId === requestId && l.activityType === 'sendIdentifierMail');
      return lines.length ? lines : undefined;
    }, 10_000);
    expect(activityLines[0]).toMatchObject({ sdkComponent: 'worker', workflowType: 'accountValidation' });
    // Nothing the resident typed as a secret is in any line, the api's or the worker's.
    for (const secret of [STRONG_PASSWORD, SECURITY_ANSWER]) expect(logLines.join('')).not.toContain(secret);
  } finally {
    worker?.shutdown();
    await run;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await portal.close();
    await workerConnection.close();
    await clientConnection.close();
  }
}, 120_000);
