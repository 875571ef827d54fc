// The JSON API of «Mes comptes» over HTTP (api/v1/payments.ts), against MariaDB, the Temporal dev
// server and the sandbox provider: the household's invoices of the last 3 months, its basket (one
// régie, each invoice once, the FAQ's exact message), the checkout whose redirectUrl leads to the
// sandbox's card page, the payment read back once paid, the provider's notification (no session,
// no CSRF, always 200, its body never trusted), accounts not yet validated, anonymous callers and
// households that never reach each other's invoices or payments. Every answer is checked against
// the schema GET /api/openapi.json gives.
import { expectSpec as expectServedSpec, type OpenApi } from '../support/openapi-schema';
import { parisIsoDay } from '../../domain/dates';
import { Account, Basket, BasketItem, Invoice, Payment, Regie } from '../../db/entities';
import { BASKET_LOCKED, statementStart } from '../../domain/basket';
import { NOT_VALIDATED } from '../../api/services/payments.service';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { signUp, STRONG_PASSWORD, waitUntil } from '../support/journeys';

const FAQ_MESSAGE = "Impossible d'ajouter cet article, vous devez d'abord payer ceux en attente dans votre panier";
const SUCCESS_CARD = '4970 1000 0000 0000';
/** Long enough for a payment left alone to stay «en_cours» through a test. */
const TIMINGS = { expiresAfterMs: 60_000, pollIntervalMs: 500 };

let h: Harness;
let ville: Regie;
let ccas: Regie;
/** The description served at GET /api/openapi.json: the answers are checked against it. */
let spec: OpenApi;

beforeAll(async () => {
  h = await startHarness('api_payments', {}, { paymentTimings: TIMINGS });
  ville = await h.dataSource.getRepository(Regie).findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ville' });
  ccas = await h.dataSource.getRepository(Regie).findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ccas' });
  const served = await new WebClient(h.baseUrl).api<OpenApi>('GET', '/api/openapi.json');
  expect(served.status).toBe(200);
  spec = served.body;
});
afterAll(async () => {
  await h?.close();
});
// Every sign-up comes from 127.0.0.1: each test starts with the address's counters at zero.
beforeEach(async () => {
  await h.dataSource.query('DELETE FROM rate_limit');
});

// ——— the served description ———

/** The answer has exactly the shape the served spec gives it. */
const expectSpec = (body: unknown, schemaName: string): void => expectServedSpec(spec, body, schemaName);

// ——— the API's answers ———

interface ApiError {
  error: { code: string; message: string; fields: Record<string, string> };
}

interface RegieView {
  code: string;
  name: string;
}

interface InvoiceView {
  id: number;
  number: string;
  regie: RegieView;
  amountCents: number;
  amountText: string;
  status: 'a_payer' | 'payee';
  paidAt: string | null;
  inBasket: boolean;
  inPayment: boolean;
}

interface StatementView {
  since: string;
  months: number;
  toPay: InvoiceView[];
  paid: InvoiceView[];
}

interface PaymentView {
  reference: string;
  status: string;
  statusLabel: string;
  amountCents: number;
  amountText: string;
  email: string;
  createdAt: string;
  decidedAt: string | null;
  redirectUrl: string | null;
}

interface BasketView {
  regie: RegieView | null;
  invoices: InvoiceView[];
  totalCents: number;
  totalText: string;
  payment: PaymentView | null;
}

interface CheckoutView {
  reference: string;
  status: string;
  redirectUrl: string;
}

/** An error answer: its status, its code, the shape every error has. */
function expectError(r: { status: number; body: unknown }, status: number, code: string): ApiError['error'] {
  expect({ status: r.status, code: (r.body as ApiError | null)?.error?.code }).toEqual({ status, code });
  expectSpec(r.body, 'Erreur');
  return (r.body as ApiError).error;
}

// ——— households and invoices ———

/** GET /session: the cookie and the CSRF token, as any JSON client starts. */
async function apiClient(): Promise<WebClient> {
  const web = new WebClient(h.baseUrl);
  const session = await web.api<{ csrfToken: string }>('GET', '/api/v1/session');
  expect(session.status).toBe(200);
  web.csrf = session.body.csrfToken;
  return web;
}

let sequence = 0;
/** A household signed up on the portal, validated by the mairie unless told otherwise, logged in through the API. */
async function household(validated = true): Promise<{ account: Account; api: WebClient }> {
  sequence += 1;
  const email = `api.famille.${sequence}.${Date.now()}@example.fr`;
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Camille', nom: `Payeur${'x'.repeat(sequence)}`, email })).status).toBe(303);
  const accounts = h.dataSource.getRepository(Account);
  const account = await accounts.findOneByOrFail({ email });
  if (validated) await accounts.update({ id: account.id }, { status: 'validated' });
  const api = await apiClient();
  const login = await api.api<{ csrfToken: string }>('POST', '/api/v1/session', { identifiant: account.identifier, mot_de_passe: STRONG_PASSWORD });
  expect(login.status).toBe(200);
  api.csrf = login.body.csrfToken;
  return { account: await accounts.findOneByOrFail({ id: account.id }), api };
}

/** AAAA-MM-JJ, `days` before today in Paris. */
const daysAgo = (days: number): string => parisIsoDay(new Date(Date.now() - days * 86_400_000));

async function invoice(
  account: Account,
  regie: Regie,
  amountCents: number,
  extra: Partial<Pick<Invoice, 'issuedOn' | 'status' | 'paidAt' | 'paymentId' | 'service'>> = {},
): Promise<Invoice> {
  sequence += 1;
  const repo = h.dataSource.getRepository(Invoice);
  const row = repo.create({
    communeId: account.communeId, regieId: regie.id, accountId: account.id, number: `API-${Date.now()}-${sequence}`,
    service: 'Restauration scolaire', periodLabel: 'Octobre 2026', issuedOn: daysAgo(10), dueOn: null, amountCents,
    status: 'a_payer', paymentId: null, paidAt: null, importedAt: new Date(), ...extra,
  });
  await repo.insert(row);
  return row;
}

/** A payment the household made earlier (a paid invoice always has one). */
async function paidPayment(account: Account, amountCents: number, at: Date): Promise<Payment> {
  sequence += 1;
  const repo = h.dataSource.getRepository(Payment);
  const row = repo.create({
    communeId: account.communeId, accountId: account.id, regieId: ville.id, reference: `BEAPOLD${String(sequence).padStart(7, '0')}`,
    provider: 'sandbox', providerRef: null, redirectUrl: null, amountCents, status: 'payee', email: account.email,
    resultCode: '00000', authorisation: null, createdAt: at, decidedAt: at,
  });
  await repo.insert(row);
  return row;
}

const add = (api: WebClient, i: Invoice | number | string) =>
  api.api<BasketView & ApiError>('POST', '/api/v1/panier/factures', { facture: typeof i === 'object' ? i.id : i });
const remove = (api: WebClient, id: number | string) => api.api<BasketView & ApiError>('DELETE', `/api/v1/panier/factures/${id}`);
const basketOf = (api: WebClient) => api.api<BasketView>('GET', '/api/v1/panier');
const checkout = (api: WebClient) => api.api<CheckoutView & ApiError>('POST', '/api/v1/panier/paiement');
const paymentRead = (api: WebClient, reference: string) => api.api<PaymentView & ApiError>('GET', `/api/v1/paiements/${reference}`);
const itemsOf = (account: Account) => h.dataSource.getRepository(BasketItem).countBy({ accountId: account.id });

/** The provider's server callback, as PayFiP sends it: a form, without cookie or CSRF token. */
const notify = (fields: Record<string, string>) =>
  fetch(`${h.baseUrl}/api/v1/paiements/notification`, { method: 'POST', body: new URLSearchParams(fields) });

// ——— the tests ———

test('the served description has the operations of «Mes comptes», the notification without session nor CSRF', () => {
  const ids = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
  expect(ids).toEqual(
    expect.arrayContaining(['listInvoices', 'getBasket', 'addToBasket', 'removeFromBasket', 'checkoutBasket', 'getPayment', 'paymentNotification']),
  );
  expect(spec.paths['/paiements/notification'].post).toMatchObject({ operationId: 'paymentNotification', security: [] });
  expect(spec.paths['/panier/factures/{invoiceId}'].delete.operationId).toBe('removeFromBasket');
});

test('anonymous callers get 401 on every operation of «Mes comptes»', async () => {
  const anonymous = await apiClient();
  for (const [method, path] of [
    ['GET', '/api/v1/comptes/factures'],
    ['GET', '/api/v1/panier'],
    ['POST', '/api/v1/panier/factures'],
    ['DELETE', '/api/v1/panier/factures/1'],
    ['POST', '/api/v1/panier/paiement'],
    ['GET', '/api/v1/paiements/BEAPABCDEFGHJK'],
  ]) {
    const r = await anonymous.api(method, path, method === 'POST' ? { facture: 1 } : undefined);
    expect({ method, path, ...expectError(r, 401, 'unauthenticated') }).toMatchObject({ method, path, fields: {} });
  }
});

test('an account not yet validated: 403 «account_not_validated» with the FAQ’s explanation, no invoice', async () => {
  const { account, api } = await household(false);
  expect(account.status).toBe('pending');
  const pending = await invoice(account, ville, 1000);
  const listed = await api.api('GET', '/api/v1/comptes/factures');
  const error = expectError(listed, 403, 'account_not_validated');
  expect(error.message).toBe(NOT_VALIDATED);
  expect(error.message).toContain('2 jours ouvrés');
  expect(JSON.stringify(listed.body)).not.toContain(pending.number);
  expect(expectError(await basketOf(api), 403, 'account_not_validated').message).toBe(NOT_VALIDATED);
  expectError(await add(api, pending), 403, 'account_not_validated');
  expectError(await remove(api, pending.id), 403, 'account_not_validated');
  expectError(await checkout(api), 403, 'account_not_validated');
  expect(await itemsOf(account)).toBe(0);
});

test('writes need the CSRF token of the session', async () => {
  const { account, api } = await household();
  const a = await invoice(account, ville, 1000);
  const token = api.csrf;
  api.csrf = '';
  expectError(await add(api, a), 403, 'csrf');
  expectError(await checkout(api), 403, 'csrf');
  api.csrf = token;
  expect(await itemsOf(account)).toBe(0);
});

test('listInvoices: «Factures à payer» and «Consulter votre relevé» of the last 3 months, amounts in cents and in words', async () => {
  const { account, api } = await household();
  const toPay = await invoice(account, ville, 4280, { issuedOn: daysAgo(5) });
  const social = await invoice(account, ccas, 123456, { issuedOn: daysAgo(20), service: 'Aide sociale' });
  const paidAt = new Date(Date.now() - 30 * 86_400_000);
  const earlier = await paidPayment(account, 1450, paidAt);
  const paid = await invoice(account, ville, 1450, { issuedOn: daysAgo(40), status: 'payee', paidAt, paymentId: earlier.id });
  const old = await invoice(account, ville, 990, { issuedOn: daysAgo(120) });

  const r = await api.api<StatementView>('GET', '/api/v1/comptes/factures');
  expect(r.status).toBe(200);
  expectSpec(r.body, 'Factures');
  expect(r.body).toMatchObject({ since: statementStart(daysAgo(0)), months: 3 });
  expect(r.body.toPay.map((i) => i.number)).toEqual([toPay.number, social.number]);
  expect(r.body.paid.map((i) => i.number)).toEqual([paid.number]);
  expect(JSON.stringify(r.body)).not.toContain(old.number);
  expect(r.body.toPay[0]).toMatchObject({
    id: toPay.id, amountCents: 4280, amountText: '42,80\u00a0€', status: 'a_payer', regie: { code: 'ville', name: ville.name },
    paidAt: null, inBasket: false, inPayment: false,
  });
  expect(r.body.toPay[1]).toMatchObject({ amountCents: 123456, amountText: '1\u00a0234,56\u00a0€', regie: { code: 'ccas', name: ccas.name } });
  expect(r.body.paid[0]).toMatchObject({ status: 'payee', paidAt: expect.any(String) });

  expect((await add(api, toPay)).status).toBe(200);
  const again = await api.api<StatementView>('GET', '/api/v1/comptes/factures');
  expect(again.body.toPay.find((i) => i.id === toPay.id)?.inBasket).toBe(true);
});

test('the basket: one régie, each invoice once, with the FAQ’s exact message; removing; bad ids', async () => {
  const { account, api } = await household();
  const a = await invoice(account, ville, 4280);
  const b = await invoice(account, ville, 1450, { service: 'Accueil périscolaire' });
  const social = await invoice(account, ccas, 3000, { service: 'Aide sociale' });

  const empty = await basketOf(api);
  expect(empty.status).toBe(200);
  expectSpec(empty.body, 'Panier');
  expect(empty.body).toEqual({ regie: null, invoices: [], totalCents: 0, totalText: '0,00\u00a0€', payment: null });

  const first = await add(api, a);
  expect(first.status).toBe(200);
  expectSpec(first.body, 'Panier');
  expect(first.body).toMatchObject({ regie: { code: 'ville' }, totalCents: 4280, payment: null });

  const twice = await add(api, a);
  expect(expectError(twice, 409, 'conflict')).toEqual({ code: 'conflict', message: FAQ_MESSAGE, fields: {} });
  expect((await add(api, String(b.id))).status).toBe(200); // the id as a string is read too
  const otherRegie = await add(api, social);
  expect(expectError(otherRegie, 409, 'conflict').message).toBe(FAQ_MESSAGE);
  expect(await itemsOf(account)).toBe(2);

  const full = await basketOf(api);
  expectSpec(full.body, 'Panier');
  expect(full.body).toMatchObject({ regie: { code: 'ville', name: ville.name }, totalCents: 5730, totalText: '57,30\u00a0€', payment: null });
  expect(full.body.invoices.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
  expect(full.body.invoices.every((i) => i.inBasket)).toBe(true);

  // Bad requests: a body without a usable id is 422; an id that is none, or not in the basket, 404.
  for (const bad of ['', 'abc', '1.5', -3, 0]) expect(Object.keys(expectError(await add(api, bad), 422, 'validation').fields)).toEqual(['facture']);
  expectError(await api.api('POST', '/api/v1/panier/factures', {}), 422, 'validation');
  expectError(await add(api, 999_999_999), 404, 'not_found');
  expectError(await remove(api, 'abc'), 404, 'not_found');
  expectError(await remove(api, social.id), 404, 'not_found');

  // Emptied, the basket takes the other régie.
  const removed = await remove(api, a.id);
  expect(removed.status).toBe(200);
  expectSpec(removed.body, 'Panier');
  expect(removed.body).toMatchObject({ totalCents: 1450, regie: { code: 'ville' } });
  expect((await remove(api, b.id)).body).toMatchObject({ regie: null, invoices: [], totalCents: 0 });
  expect((await add(api, social)).body).toMatchObject({ regie: { code: 'ccas' }, totalCents: 3000 });
});

test('checkout with the sandbox: redirectUrl → card page → success card → the payment reads «payee»', async () => {
  const { account, api } = await household();
  const a = await invoice(account, ville, 4280);
  const b = await invoice(account, ville, 1450);
  const later = await invoice(account, ville, 700);
  await add(api, a);
  await add(api, b);

  const started = await checkout(api);
  expect(started.status).toBe(201);
  expectSpec(started.body, 'PaiementLance');
  expect(started.body).toEqual({ reference: expect.stringMatching(/^BEAP[A-Z0-9]{10}$/), status: 'en_cours', redirectUrl: expect.any(String) });
  const { reference, redirectUrl } = started.body;
  const cardPage = new URL(redirectUrl);
  expect(cardPage.pathname).toMatch(/^\/sandbox\/paiement\//);

  // While the payment is under way: the basket shows it and is closed.
  const closed = await basketOf(api);
  expectSpec(closed.body, 'Panier');
  expect(closed.body.payment).toMatchObject({ reference, status: 'en_cours', amountCents: 5730, amountText: '57,30\u00a0€', redirectUrl, decidedAt: null });
  expect(expectError(await add(api, later), 409, 'conflict').message).toBe(BASKET_LOCKED);
  expect(expectError(await remove(api, a.id), 409, 'conflict').message).toBe(BASKET_LOCKED);
  expectError(await checkout(api), 409, 'conflict');
  const underWay = await paymentRead(api, reference);
  expect(underWay.status).toBe(200);
  expectSpec(underWay.body, 'Paiement');
  expect(underWay.body).toMatchObject({ reference, status: 'en_cours', statusLabel: 'Paiement en cours', email: account.email, redirectUrl });
  const listed = await api.api<StatementView>('GET', '/api/v1/comptes/factures');
  expect(listed.body.toPay.filter((i) => i.inPayment).map((i) => i.id).sort()).toEqual([a.id, b.id].sort());

  // The payer follows redirectUrl: the sandbox's card page, in the same browser session.
  const page = await api.get(cardPage.pathname);
  expect(page.status).toBe(200);
  expect(page.text).toContain(reference);
  const settled = await api.post(cardPage.pathname, { numero_carte: SUCCESS_CARD, action: 'payer' });
  expect(settled.status).toBe(303);
  expect(new URL(settled.location as string).pathname).toBe(`/paiement/retour/${reference}`);

  const paid = await waitUntil('the payment read as paid', async () => {
    const r = await paymentRead(api, reference);
    return r.body.status === 'payee' ? r : null;
  });
  expectSpec(paid.body, 'Paiement');
  expect(paid.body).toMatchObject({
    reference, status: 'payee', statusLabel: 'Paiement accepté', amountCents: 5730, amountText: '57,30\u00a0€',
    decidedAt: expect.any(String), redirectUrl: null,
  });
  // Any casing of the reference reads the same payment.
  expect((await paymentRead(api, reference.toLowerCase())).body.reference).toBe(reference);

  const after = await api.api<StatementView>('GET', '/api/v1/comptes/factures');
  expectSpec(after.body, 'Factures');
  expect(after.body.paid.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
  expect(after.body.paid.every((i) => i.status === 'payee' && i.paidAt !== null && !i.inBasket)).toBe(true);
  expect(after.body.toPay.map((i) => i.id)).toEqual([later.id]);
  const emptied = await basketOf(api);
  expect(emptied.body).toEqual({ regie: null, invoices: [], totalCents: 0, totalText: '0,00\u00a0€', payment: null });
  // The basket is open again.
  expect((await add(api, later)).status).toBe(200);
});

test('another household gets 404 on adding or removing an invoice not its own, and on reading a payment not its own', async () => {
  const owner = await household();
  const other = await household();
  const theirs = await invoice(owner.account, ville, 2500);
  const mine = await invoice(other.account, ville, 800);

  const taken = await add(other.api, theirs);
  expect(expectError(taken, 404, 'not_found').message).not.toContain(theirs.number);
  expect(await h.dataSource.getRepository(BasketItem).countBy({ invoiceId: theirs.id })).toBe(0);
  expect(JSON.stringify((await other.api.api('GET', '/api/v1/comptes/factures')).body)).not.toContain(theirs.number);

  expect((await add(owner.api, theirs)).status).toBe(200);
  expect((await add(other.api, mine)).status).toBe(200);
  expectError(await remove(other.api, theirs.id), 404, 'not_found');
  expect(await itemsOf(owner.account)).toBe(1);
  expect(await itemsOf(other.account)).toBe(1);

  const started = await checkout(owner.api);
  expect(started.status).toBe(201);
  const foreign = await paymentRead(other.api, started.body.reference);
  expectError(foreign, 404, 'not_found');
  expect(JSON.stringify(foreign.body)).not.toContain(started.body.reference);
  expectError(await paymentRead(other.api, 'BEAPINCONNU234'), 404, 'not_found');
  expect((await paymentRead(owner.api, started.body.reference)).status).toBe(200);
});

test('the notification: no session nor CSRF, always 200 «OK»; an unknown idOp or a forged result changes nothing', async () => {
  const { account, api } = await household();
  const a = await invoice(account, ville, 1200);
  await add(api, a);
  const started = await checkout(api);
  expect(started.status).toBe(201);
  const payment = await h.dataSource.getRepository(Payment).findOneByOrFail({ reference: started.body.reference });
  expect(payment.providerRef).toEqual(expect.any(String));
  const before = {
    payment: await h.dataSource.getRepository(Payment).count(),
    basket: await h.dataSource.getRepository(Basket).findOneByOrFail({ accountId: account.id }),
  };

  const bodies: Array<Record<string, string>> = [{ idOp: 'inconnu-0000' }, { idOp: 'inconnu-0000', resultrans: 'P', montant: '1' }, {}, { idOp: 'x'.repeat(200) }];
  for (const fields of bodies) {
    const r = await notify(fields);
    expect({ fields, status: r.status, text: await r.text() }).toEqual({ fields, status: 200, text: 'OK' });
  }
  // The real idOp with a forged «paid» result: the truth is read from the provider, where the card page is still open.
  const forged = await notify({ idOp: payment.providerRef as string, resultrans: 'P', montant: '1200' });
  expect([forged.status, await forged.text()]).toEqual([200, 'OK']);

  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await h.dataSource.getRepository(Payment).count()).toBe(before.payment);
  expect(await h.dataSource.getRepository(Basket).findOneByOrFail({ accountId: account.id })).toEqual(before.basket);
  expect(await h.dataSource.getRepository(Invoice).findOneByOrFail({ id: a.id })).toMatchObject({ status: 'a_payer', paymentId: payment.id });
  const read = await paymentRead(api, payment.reference);
  expectSpec(read.body, 'Paiement');
  expect(read.body).toMatchObject({ status: 'en_cours', decidedAt: null });
});
