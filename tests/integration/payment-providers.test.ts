// The payment providers against real things: the PayFiP client over HTTP against a local fake
// answering as PayFiP does, and the sandbox with MariaDB, its card page served by Express with
// sessions and CSRF as the portal serves it, and its callback reaching an HTTP endpoint.
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { createDataSource } from '../../db/data-source';
import { ENTITIES } from '../../db/entities';
import { SandboxPayment } from '../../db/entities/sandbox-payment';
import { MIGRATIONS } from '../../db/migrations';
import { SandboxPayments1764800000000 } from '../../db/migrations/1764800000000-sandbox-payments';
import { createSessionMiddleware } from '../../api/middleware/session';
import { verifyCsrf } from '../../api/middleware/csrf';
import { errorHandler } from '../../api/middleware/errors';
import { createPageRenderer } from '../../api/pages';
import { createViews } from '../../api/views';
import { sandboxRoutes } from '../../api/sandbox/routes';
import { createPaymentProviders } from '../../payments';
import { PayfipProvider } from '../../payments/payfip';
import { PAYMENT_EXPIRY_MS, PermanentProviderError, type CreatePaymentInput } from '../../payments/provider';
import { SandboxProvider } from '../../payments/sandbox';
import { startFakePayfip, type FakePayfip } from '../support/fake-payfip';
import { testEnv } from '../support/env';
import { WebClient } from '../support/harness';

/** The portal's side of the callback: records every POST it receives. */
interface CallbackEndpoint {
  url: string;
  received: Array<{ path: string; contentType: string | undefined; body: string }>;
  stop(): Promise<void>;
}

async function startCallbackEndpoint(): Promise<CallbackEndpoint> {
  const received: CallbackEndpoint['received'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let callbacks: CallbackEndpoint;
let sequence = 0;

function paymentInput(change: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  sequence += 1;
  const reference = `BEA${String(Date.now() % 1_000_000).padStart(6, '0')}${String(sequence).padStart(3, '0')}`;
  return {
    reference,
    amountCents: 4250,
    email: 'camille.martin@example.fr',
    label: `Factures Ville ${reference} — périscolaire & cantine`,
    returnUrl: `https://demarches-beaucouze.example.fr/paiement/retour?ref=${reference}`,
    notifyUrl: `${callbacks.url}/paiement/notification`,
    regie: { payfipNumcli: '012345', payfipMode: 'T' },
    createdAt: new Date(),
    ...change,
  };
}

const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('La promesse aurait dû être rejetée.');
}

beforeAll(async () => {
  callbacks = await startCallbackEndpoint();
});

afterAll(async () => {
  await callbacks?.stop();
});

describe('PayFiP client against the fake PayFiP', () => {
  let payfip: FakePayfip;
  let provider: PayfipProvider;

  beforeAll(async () => {
    payfip = await startFakePayfip({ clients: ['012345'] });
    provider = new PayfipProvider({ wsUrl: payfip.wsUrl, paymentPageUrl: payfip.paymentPageUrl, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await payfip?.stop();
  });

  it('creates a payment: the idOp, the payment page, PayFiP’s fields as sent', async () => {
    const input = paymentInput();
    const created = await provider.create(input);
    expect(created.redirectUrl).toBe(payfip.paymentPageUrl + created.providerRef);
    expect(payfip.calls.at(-1)).toEqual({
      operation: 'creerPaiementSecurise',
      outcome: 'ok',
      fields: {
        exer: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric' }).format(input.createdAt),
        mel: 'camille.martin@example.fr',
        montant: '4250',
        numcli: '012345',
        objet: `Factures Ville ${input.reference} periscolaire cantine`,
        refdet: input.reference,
        saisie: 'T',
        urlnotif: input.notifyUrl,
        urlredirect: input.returnUrl,
      },
    });
    const page = await fetch(created.redirectUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/42,50 €[\s\S]*Payer[\s\S]*Refuser[\s\S]*Abandonner/);
  });

  it('the payer pays on the page: PayFiP notifies with the idOp only, the browser goes back, the status is paid', async () => {
    const input = paymentInput();
    const { providerRef, redirectUrl } = await provider.create(input);
    expect(await provider.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 1))).toEqual({ kind: 'pending', code: 'P5' });

    const before = callbacks.received.length;
    const answer = await fetch(new URL(redirectUrl).origin + '/tpa/paiementws.web', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ idop: providerRef, resultrans: 'P' }).toString(),
      redirect: 'manual',
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(input.returnUrl);
    expect(callbacks.received.slice(before)).toEqual([
      { path: '/paiement/notification', contentType: 'application/x-www-form-urlencoded', body: `idOp=${providerRef}` },
    ]);

    const status = await provider.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 2));
    expect(status).toMatchObject({ kind: 'paid', code: 'P', authorisation: payfip.payments.get(providerRef)?.numauto });
    const paidAt = status.kind === 'paid' ? status.paidAt : undefined;
    // heurtrans has the minute only.
    expect(Math.abs((paidAt?.getTime() ?? 0) - Date.now())).toBeLessThan(2 * 60_000);
  });

  it.each([
    ['R', { kind: 'refused', code: 'R' }],
    ['A', { kind: 'abandoned', code: 'A' }],
  ] as const)('settled %s reads as %o', async (resultrans, expected) => {
    const input = paymentInput();
    const { providerRef } = await provider.create(input);
    expect(await payfip.settle(providerRef, resultrans)).toEqual({ redirectUrl: input.returnUrl });
    expect(payfip.notifications.at(-1)).toEqual({ idOp: providerRef, url: input.notifyUrl, status: 200 });
    expect(await provider.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 3))).toEqual(expected);
  });

  it('P5 is pending within 20 minutes and expired after; P1 is expired', async () => {
    const input = paymentInput();
    const { providerRef } = await provider.create(input);
    payfip.forceError(providerRef, 'P5');
    expect(await provider.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 19))).toEqual({ kind: 'pending', code: 'P5' });
    expect(await provider.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 20))).toEqual({ kind: 'expired', code: 'P5' });
    payfip.forceError(providerRef, 'P1');
    expect(await provider.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 1))).toEqual({ kind: 'expired', code: 'P1' });
    expect(payfip.calls.slice(-3).map((c) => c.outcome)).toEqual(['P5', 'P5', 'P1']);
    // An idOp PayFiP never gave is P1 as well.
    expect(await provider.status('00000000-0000-0000-0000-000000000000', input.createdAt, input.createdAt)).toEqual({ kind: 'expired', code: 'P1' });
  });

  it('a request PayFiP refuses for good is a PermanentProviderError with PayFiP’s code', async () => {
    const unknownClient = await rejection(provider.create(paymentInput({ regie: { payfipNumcli: '999999', payfipMode: 'W' } })));
    expect(unknownClient).toBeInstanceOf(PermanentProviderError);
    expect(unknownClient).toMatchObject({ code: 'T2' });
    // PayFiP takes 1 € at least.
    expect(await rejection(provider.create(paymentInput({ amountCents: 50 })))).toMatchObject({ name: 'PermanentProviderError', code: 'M3' });
  });

  it('a service that is down is a retryable error, for creation and status alike', async () => {
    const input = paymentInput();
    const { providerRef } = await provider.create(input);
    payfip.down();
    try {
      for (const call of [provider.create(paymentInput()), provider.status(providerRef, input.createdAt, input.createdAt)]) {
        const error = await rejection(call);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(PermanentProviderError);
        expect((error as Error).message).toMatch(/PayFiP injoignable/);
      }
      expect(payfip.calls.slice(-2).map((c) => c.outcome)).toEqual(['down', 'down']);
    } finally {
      payfip.up();
    }
    expect(await provider.status(providerRef, input.createdAt, input.createdAt)).toEqual({ kind: 'pending', code: 'P5' });
  });

  it('createPaymentProviders: a PayFiP régie pays with its own numcli and mode', async () => {
    const providers = createPaymentProviders({
      dataSource: undefined as unknown as DataSource,
      publicUrl: 'http://127.0.0.1',
      sandboxEnabled: false,
      payfip: { wsUrl: payfip.wsUrl, paymentPageUrl: payfip.paymentPageUrl },
    });
    const ccas = providers.forRegie({ provider: 'payfip', payfipNumcli: '012345', payfipMode: 'X' });
    expect(ccas.name).toBe('payfip');
    await ccas.create(paymentInput({ regie: { payfipNumcli: null, payfipMode: null } }));
    expect(payfip.calls.at(-1)?.fields).toMatchObject({ numcli: '012345', saisie: 'X' });
    expect(() => providers.forRegie({ provider: 'sandbox', payfipNumcli: null, payfipMode: null })).toThrow(PermanentProviderError);
  });
});

describe('Sandbox provider and its card page', () => {
  let dataSource: DataSource;
  let server: http.Server;
  let closeSessions: () => Promise<void>;
  let baseUrl: string;
  let sandbox: SandboxProvider;
  let serverUrl: URL;

  const row = (id: string) => dataSource.getRepository(SandboxPayment).findOneByOrFail({ id });

  async function dropDatabase(): Promise<void> {
    const admin = new URL(serverUrl);
    const name = admin.pathname.slice(1);
    admin.pathname = '/';
    const connection = await mysql.createConnection({ uri: admin.toString() });
    try {
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await connection.end();
    }
  }

  beforeAll(async () => {
    serverUrl = new URL(testEnv().databaseUrl);
    serverUrl.pathname = `/${serverUrl.pathname.slice(1)}_payment_providers`.slice(0, 64);
    await dropDatabase();
    const admin = new URL(serverUrl);
    admin.pathname = '/';
    const connection = await mysql.createConnection({ uri: admin.toString() });
    await connection.query(`CREATE DATABASE \`${serverUrl.pathname.slice(1)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await connection.end();

    // The sandbox's entity and migration join the lists once the lead registers them.
    const base = createDataSource(serverUrl.toString(), { poolSize: 4 });
    dataSource = new DataSource({
      ...base.options,
      entities: [...new Set([...ENTITIES, SandboxPayment])],
      migrations: [...new Set([...MIGRATIONS, SandboxPayments1764800000000])],
    } as typeof base.options);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });

    const port = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), PUBLIC_URL: baseUrl, DATABASE_URL: serverUrl.toString() });
    const sessions = createSessionMiddleware(config);
    closeSessions = sessions.close;
    const pages = createPageRenderer(createViews(), false);
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(sessions.middleware);
    app.use(verifyCsrf);
    app.use(sandboxRoutes({ pages, dataSource, log: () => undefined }));
    app.use(errorHandler(pages, (err) => console.error(err)));
    server = await new Promise<http.Server>((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    sandbox = new SandboxProvider({ dataSource, publicUrl: baseUrl });
  });

  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await closeSessions?.();
    await dataSource?.destroy();
    if (serverUrl) await dropDatabase();
  });

  async function openCardPage(input = paymentInput()) {
    const { providerRef, redirectUrl } = await sandbox.create(input);
    const client = new WebClient(baseUrl);
    const page = await client.get(new URL(redirectUrl).pathname);
    return { input, providerRef, redirectUrl, client, page };
  }

  it('creates a pending payment whose card page shows the amount, the reference and the test cards', async () => {
    const { input, providerRef, redirectUrl, page } = await openCardPage();
    expect(redirectUrl).toBe(`${baseUrl}/sandbox/paiement/${providerRef}`);
    expect(await row(providerRef)).toMatchObject({
      reference: input.reference,
      amountCents: 4250,
      status: 'pending',
      returnUrl: input.returnUrl,
      notifyUrl: input.notifyUrl,
      decidedAt: null,
    });
    expect(await sandbox.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 1))).toEqual({ kind: 'pending', code: 'P5' });

    expect(page.status).toBe(200);
    expect(page.text).toContain('42,50\u00a0€');
    expect(page.text).toContain(input.reference);
    expect(page.text).toMatch(/<label class="field__label" for="numero_carte">Numéro de carte<\/label>/);
    expect(page.text).toContain('4970 1000 0000 0000');
    expect(page.text).toContain('4970 1000 0000 0009');
    expect(page.text).toContain('Abandonner le paiement');
    expect(page.text).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/);
    expect(page.text).not.toMatch(/<script|style=/);
  });

  it.each([
    ['the accepted test card', { action: 'payer', numero_carte: '4970 1000 0000 0000' }, { kind: 'paid', code: 'P' }],
    ['the refused test card', { action: 'payer', numero_carte: '4970100000000009' }, { kind: 'refused', code: 'R' }],
    ['«Abandonner le paiement»', { action: 'abandonner' }, { kind: 'abandoned', code: 'A' }],
  ])('%s: the payment is settled once, the portal is called back, the browser goes back', async (_what, form, expected) => {
    const { input, providerRef, redirectUrl, client } = await openCardPage();
    const path = new URL(redirectUrl).pathname;
    const before = callbacks.received.length;

    const answer = await client.post(path, form);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(input.returnUrl);
    expect(callbacks.received.slice(before)).toEqual([
      { path: '/paiement/notification', contentType: 'application/x-www-form-urlencoded', body: `idOp=${providerRef}` },
    ]);
    const status = await sandbox.status(providerRef, input.createdAt, minutesAfter(input.createdAt, 1));
    expect(status).toMatchObject(expected);
    const settled = await row(providerRef);
    expect(settled.decidedAt).toBeInstanceOf(Date);
    if (status.kind === 'paid') expect(status.paidAt).toEqual(settled.decidedAt);

    // A second submission (back button, double click) changes nothing and calls no one.
    const again = await client.post(path, { action: 'payer', numero_carte: '4970 1000 0000 0009' });
    expect(again.status).toBe(303);
    expect(again.location).toBe(input.returnUrl);
    expect(await row(providerRef)).toEqual(settled);
    expect(callbacks.received.length).toBe(before + 1);
    const closed = await client.get(path);
    expect(closed.status).toBe(200);
    expect(closed.text).not.toContain('name="numero_carte"');
    expect(closed.text).toContain('Retourner sur le portail');
  });

  it('an unknown card number is sent back to the form, not settled', async () => {
    const { providerRef, redirectUrl, client } = await openCardPage();
    const before = callbacks.received.length;
    const answer = await client.post(new URL(redirectUrl).pathname, { action: 'payer', numero_carte: '4111 1111 1111 1111' });
    expect(answer.status).toBe(422);
    expect(answer.text).toContain('Numéro de carte inconnu');
    expect(answer.text).toContain('aria-invalid="true"');
    expect(answer.text).not.toContain('4111 1111 1111 1111');
    expect((await row(providerRef)).status).toBe('pending');
    expect(callbacks.received.length).toBe(before);
  });

  it('a submission without the CSRF token is refused', async () => {
    const { providerRef, redirectUrl, client } = await openCardPage();
    client.csrf = 'jeton-invalide-jeton-invalide-jeton-invalide';
    const answer = await client.post(new URL(redirectUrl).pathname, { action: 'abandonner' });
    expect(answer.status).toBe(403);
    expect((await row(providerRef)).status).toBe('pending');
  });

  it('an unanswered payment expires after 20 minutes and can no longer be paid', async () => {
    const createdAt = new Date(Date.now() - PAYMENT_EXPIRY_MS - 60_000);
    const { input, providerRef, redirectUrl, client, page } = await openCardPage(paymentInput({ createdAt }));
    expect(await sandbox.status(providerRef, createdAt, new Date())).toEqual({ kind: 'expired', code: 'P5' });
    expect(page.text).toContain('Ce paiement a expiré');
    expect(page.text).not.toContain('name="numero_carte"');
    // A form kept open in another tab: the session's token comes from a page still open.
    const { redirectUrl: openOne } = await sandbox.create(paymentInput());
    await client.get(new URL(openOne).pathname);
    const before = callbacks.received.length;
    const answer = await client.post(new URL(redirectUrl).pathname, { action: 'payer', numero_carte: '4970 1000 0000 0000' });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(input.returnUrl);
    expect((await row(providerRef)).status).toBe('pending');
    expect(callbacks.received.length).toBe(before);
  });

  it('an id it does not know: 404 for the page, expired (P1) for the status', async () => {
    const client = new WebClient(baseUrl);
    expect((await client.get('/sandbox/paiement/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.get('/sandbox/paiement/pas-un-identifiant')).status).toBe(404);
    expect(await sandbox.status('00000000-0000-4000-8000-000000000000', new Date(), new Date())).toEqual({ kind: 'expired', code: 'P1' });
  });

  it('refuses for good what PayFiP would refuse', async () => {
    await expect(sandbox.create(paymentInput({ reference: 'BEA-1' }))).rejects.toBeInstanceOf(PermanentProviderError);
    await expect(sandbox.create(paymentInput({ amountCents: 0 }))).rejects.toBeInstanceOf(PermanentProviderError);
  });

  it('createPaymentProviders gives the sandbox to a sandbox régie when it is enabled', () => {
    const providers = createPaymentProviders({ dataSource, publicUrl: baseUrl, sandboxEnabled: true });
    expect(providers.forRegie({ provider: 'sandbox', payfipNumcli: null, payfipMode: null }).name).toBe('sandbox');
  });
});
