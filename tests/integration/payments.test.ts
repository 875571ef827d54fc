// «Mes comptes», the basket and card payments over HTTP, against MariaDB, the Temporal dev server,
// a real SMTP receiver, the sandbox provider (its card page) and a local fake PayFiP: the basket's
// rules (one régie, each invoice once, the FAQ's exact message), a paid basket (invoices paid,
// receipt with its PDF), a refused one (basket reopened), duplicate and out-of-order notifications,
// two tabs paying at once, PayFiP's P5 (pending) and P1 (expired), notifications for unknown or
// foreign payments, and households that never see each other's invoices.
import { Account, Basket, BasketItem, Invoice, Payment, Regie } from '../../db/entities';
import { startFakePayfip, type FakePayfip } from '../support/fake-payfip';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { HttpWebClient, residentClient, signUp, visibleText, waitUntil } from '../support/journeys';

const FAQ_MESSAGE = "Impossible d'ajouter cet article, vous devez d'abord payer ceux en attente dans votre panier";
const NUMCLI = '123456';
/** A payment left without answer is closed after 6 s here (20 minutes in production). */
const TIMINGS = { expiresAfterMs: 6_000, pollIntervalMs: 500 };

let h: Harness;
let payfip: FakePayfip;
let ville: Regie;
let ccas: Regie;

beforeAll(async () => {
  payfip = await startFakePayfip({ clients: [NUMCLI] });
  h = await startHarness('payments', { PAYFIP_WS_URL: payfip.wsUrl, PAYFIP_PAYMENT_URL: payfip.paymentPageUrl }, { paymentTimings: TIMINGS });
  ville = await h.dataSource.getRepository(Regie).findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ville' });
  ccas = await h.dataSource.getRepository(Regie).findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ccas' });
});
afterAll(async () => {
  await h?.close();
  await payfip?.stop();
});

let sequence = 0;
/** A household whose account the mairie has validated (invoices are shown only then). */
async function household(): Promise<{ account: Account; web: WebClient }> {
  sequence += 1;
  const email = `famille.${sequence}.${Date.now()}@example.fr`;
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Camille', nom: `Payeur${'x'.repeat(sequence)}`, email })).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  await h.dataSource.getRepository(Account).update({ id: account.id }, { status: 'validated' });
  const web = await residentClient(h.baseUrl, account.identifier);
  return { account: { ...account, status: 'validated' } as Account, web };
}

async function invoice(account: Account, regie: Regie, amountCents: number, service = 'Restauration scolaire'): Promise<Invoice> {
  sequence += 1;
  const repo = h.dataSource.getRepository(Invoice);
  const row = repo.create({
    communeId: account.communeId, regieId: regie.id, accountId: account.id, number: `F-${Date.now()}-${sequence}`,
    service, periodLabel: 'Octobre 2026', issuedOn: '2026-11-02', dueOn: '2026-12-15', amountCents,
    status: 'a_payer', paymentId: null, paidAt: null, importedAt: new Date(),
  });
  await repo.insert(row);
  return row;
}

const add = (web: WebClient, i: Invoice) => web.post('/panier/ajouter', { facture: String(i.id) });
const paymentOf = (account: Account) => h.dataSource.getRepository(Payment).find({ where: { accountId: account.id }, order: { id: 'ASC' } });

/** «Payer», then the sandbox's card page with a test card; returns the return page's text. */
async function payWithSandbox(web: WebClient, card: string, action = 'payer'): Promise<{ text: string; reference: string }> {
  await web.get('/panier');
  const pay = await web.post('/panier/payer', {});
  expect(pay.status).toBe(303);
  const cardPage = new URL(pay.location as string);
  expect(cardPage.pathname).toMatch(/^\/sandbox\/paiement\//);
  await web.get(cardPage.pathname);
  const settled = await web.post(cardPage.pathname, { numero_carte: card, action });
  expect(settled.status).toBe(303);
  const back = new URL(settled.location as string);
  const reference = back.pathname.split('/').pop() as string;
  const page = await web.get(back.pathname);
  expect(page.status).toBe(200);
  return { text: visibleText(page.text), reference };
}

describe('the basket', () => {
  it('takes each invoice once and one régie only, with the FAQ’s exact message', async () => {
    const { account, web } = await household();
    const [a, b, social] = [await invoice(account, ville, 4280), await invoice(account, ville, 1450, 'Accueil périscolaire'), await invoice(account, ccas, 3000, 'Aide sociale')];
    await web.get('/comptes');
    expect((await add(web, a)).status).toBe(303);
    const twice = await add(web, a);
    expect(twice.status).toBe(409);
    expect(visibleText(twice.text)).toContain(FAQ_MESSAGE);
    expect(twice.text).toContain('href="/panier"'); // «Accéder à votre panier»
    expect((await add(web, b)).status).toBe(303);
    const other = await add(web, social);
    expect(other.status).toBe(409);
    expect(visibleText(other.text)).toContain(FAQ_MESSAGE);
    expect(await h.dataSource.getRepository(BasketItem).countBy({ accountId: account.id })).toBe(2);
    const basket = await web.get('/panier');
    expect(visibleText(basket.text)).toContain('57,30 €');
    // Emptied, the basket takes the other régie.
    expect((await web.post('/panier/retirer', { facture: String(a.id) })).status).toBe(303);
    expect((await web.post('/panier/retirer', { facture: String(b.id) })).status).toBe(303);
    expect((await add(web, social)).status).toBe(303);
  });

  it('an account not yet validated sees the FAQ’s explanation, no invoice', async () => {
    const email = `attente.${Date.now()}@example.fr`;
    expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Léon', nom: 'Attente', email })).status).toBe(303);
    const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
    const pending = await invoice(account, ville, 1000);
    const web = await residentClient(h.baseUrl, account.identifier);
    const page = await web.get('/comptes');
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain('Pour visualiser des factures vous devez réunir 2 conditions');
    expect(page.text).not.toContain(pending.number);
    expect((await add(web, pending)).status).toBe(403);
  });

  it('a household never sees nor takes another household’s invoices', async () => {
    const a = await household();
    const b = await household();
    const theirs = await invoice(a.account, ville, 2500);
    expect((await a.web.get('/comptes')).text).toContain(theirs.number);
    expect((await b.web.get('/comptes')).text).not.toContain(theirs.number);
    expect((await add(b.web, theirs)).status).toBe(404);
    expect(await h.dataSource.getRepository(BasketItem).countBy({ invoiceId: theirs.id })).toBe(0);
  });
});

describe('paying with the sandbox', () => {
  it('the success card pays the invoices, empties the basket and mails the receipt with its PDF', async () => {
    const { account, web } = await household();
    const [a, b] = [await invoice(account, ville, 4280), await invoice(account, ville, 1450)];
    await web.get('/comptes');
    await add(web, a);
    await add(web, b);
    const { text, reference } = await payWithSandbox(web, '4970 1000 0000 0000');
    expect(text).toContain('Paiement accepté');
    const invoices = await h.dataSource.getRepository(Invoice).findBy({ accountId: account.id });
    expect(invoices.map((i) => i.status)).toEqual(['payee', 'payee']);
    expect(await h.dataSource.getRepository(BasketItem).countBy({ accountId: account.id })).toBe(0);
    const [payment] = await paymentOf(account);
    expect(payment).toMatchObject({ reference, status: 'payee', amountCents: 5730 });
    const receipt = await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(reference), 20_000);
    expect(receipt.text).toContain('57,30');
    expect(receipt.raw).toMatch(/Content-Type: application\/pdf/i);
    // The relevé lists them, paid.
    const comptes = visibleText((await web.get('/comptes')).text);
    expect(comptes).toContain('Consulter votre relevé');
    expect(comptes).toContain(a.number);

    // Late and repeated notifications, in any order, change nothing: one payment, one receipt.
    for (let i = 0; i < 3; i++) {
      await fetch(`${h.baseUrl}/api/v1/paiements/notification`, { method: 'POST', body: new URLSearchParams({ idOp: payment.providerRef as string }) });
      await web.get(`/paiement/retour/${reference}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await paymentOf(account)).toHaveLength(1);
    expect(h.smtp.messages.filter((m) => m.subject.includes(reference))).toHaveLength(1);
    expect((await h.dataSource.getRepository(Invoice).findBy({ accountId: account.id })).every((i) => i.paymentId === payment.id)).toBe(true);
  });

  it('a refused card reopens the basket (same invoices, payable again); abandoning too', async () => {
    const { account, web } = await household();
    const a = await invoice(account, ville, 990);
    await web.get('/comptes');
    await add(web, a);
    const refused = await payWithSandbox(web, '4970 1000 0000 0009');
    expect(refused.text).toContain('Paiement refusé');
    expect(await h.dataSource.getRepository(BasketItem).countBy({ accountId: account.id })).toBe(1);
    expect(await h.dataSource.getRepository(Basket).findOneByOrFail({ accountId: account.id })).toMatchObject({ paymentId: null });
    expect(await h.dataSource.getRepository(Invoice).findOneByOrFail({ id: a.id })).toMatchObject({ status: 'a_payer', paymentId: null });

    const abandoned = await payWithSandbox(web, '', 'abandonner');
    expect(abandoned.text).toContain('Paiement abandonné');
    const paid = await payWithSandbox(web, '4970100000000000');
    expect(paid.text).toContain('Paiement accepté');
    expect((await paymentOf(account)).map((p) => p.status)).toEqual(['refusee', 'abandonnee', 'payee']);
  });

  it('two tabs paying the same basket at once: exactly one payment starts', async () => {
    const { account, web } = await household();
    const a = await invoice(account, ville, 2000);
    await web.get('/comptes');
    await add(web, a);
    await web.get('/panier');
    const [one, two] = await Promise.all([web.post('/panier/payer', {}), web.post('/panier/payer', {})]);
    expect([one.status, two.status].sort()).toEqual([303, 409]);
    const refusedTab = one.status === 409 ? one : two;
    expect(visibleText(refusedTab.text)).toMatch(/Un paiement est déjà en cours/);
    expect(await paymentOf(account)).toHaveLength(1);
    // While it is under way, the basket is closed.
    const removing = await web.post('/panier/retirer', { facture: String(a.id) });
    expect(removing.status).toBe(409);
  });

  it('a notification for an unknown payment, or from another commune’s portal, changes nothing', async () => {
    const { account, web } = await household();
    const a = await invoice(account, ville, 1200);
    await web.get('/comptes');
    await add(web, a);
    await web.get('/panier');
    await web.post('/panier/payer', {});
    const [payment] = await paymentOf(account);
    await waitUntil('the payment created at the sandbox', async () => (await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).providerRef);
    const unknown = await fetch(`${h.baseUrl}/api/v1/paiements/notification`, { method: 'POST', body: new URLSearchParams({ idOp: 'inconnu-0000' }) });
    expect(unknown.status).toBe(200);
    const ref = (await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).providerRef as string;
    const elsewhere = new HttpWebClient(h.baseUrl, 'demarches-saint-clair.localhost');
    await elsewhere.get('/');
    const foreign = await elsewhere.post('/api/v1/paiements/notification', { idOp: ref });
    expect(foreign.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).toMatchObject({ status: 'en_cours' });
    // Another household's return page is a 404.
    const other = await household();
    expect((await other.web.get(`/paiement/retour/${payment.reference}`)).status).toBe(404);
  });
});

describe('paying with PayFiP (a local fake answering as the real one)', () => {
  beforeAll(async () => {
    await h.dataSource.getRepository(Regie).update({ id: ccas.id }, { provider: 'payfip', payfipNumcli: NUMCLI, payfipMode: 'T' });
  });

  async function checkout(): Promise<{ account: Account; web: WebClient; payment: Payment; idOp: string }> {
    const { account, web } = await household();
    const a = await invoice(account, ccas, 3500, 'Aide sociale');
    await web.get('/comptes');
    await add(web, a);
    await web.get('/panier');
    const pay = await web.post('/panier/payer', {});
    expect(pay.status).toBe(303);
    expect(pay.location).toContain(payfip.paymentPageUrl);
    const idOp = new URL(pay.location as string).searchParams.get('idop') as string;
    const [payment] = await paymentOf(account);
    expect(payment.providerRef).toBe(idOp);
    return { account, web, payment, idOp };
  }

  it('P (paid) through the callback, then the browser return', async () => {
    const { account, web, payment, idOp } = await checkout();
    await payfip.settle(idOp, 'P');
    await waitUntil('the payment settled', async () => (await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).status === 'payee');
    expect(visibleText((await web.get(`/paiement/retour/${payment.reference}`)).text)).toContain('Paiement accepté');
    expect((await h.dataSource.getRepository(Invoice).findBy({ accountId: account.id })).map((i) => i.status)).toEqual(['payee']);
    // The callback's body is never trusted: the status was read with recupererDetailPaiementSecurise.
    expect(payfip.calls.some((c) => c.operation === 'recupererDetailPaiementSecurise' && c.fields.idOp === idOp)).toBe(true);
  });

  it('P5 within 20 minutes stays pending; P1 expires the payment and reopens the basket', async () => {
    const { account, web, payment, idOp } = await checkout();
    payfip.forceError(idOp, 'P5');
    await fetch(`${h.baseUrl}/api/v1/paiements/notification`, { method: 'POST', body: new URLSearchParams({ idOp }) });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).toMatchObject({ status: 'en_cours', resultCode: 'P5' });
    expect(visibleText((await web.get(`/paiement/retour/${payment.reference}`)).text)).toContain('en cours de vérification');

    payfip.forceError(idOp, 'P1');
    await fetch(`${h.baseUrl}/api/v1/paiements/notification`, { method: 'POST', body: new URLSearchParams({ idOp }) });
    await waitUntil('the payment expired', async () => (await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).status === 'expiree');
    expect(await h.dataSource.getRepository(Basket).findOneByOrFail({ accountId: account.id })).toMatchObject({ paymentId: null });
    expect(await h.dataSource.getRepository(BasketItem).countBy({ accountId: account.id })).toBe(1);
    expect(await h.dataSource.getRepository(Invoice).findOneByOrFail({ accountId: account.id })).toMatchObject({ status: 'a_payer', paymentId: null });
  });

  it('a basket under 1 € is refused before leaving the portal (PayFiP’s minimum)', async () => {
    const { account, web } = await household();
    const small = await invoice(account, ccas, 80, 'Aide sociale');
    await web.get('/comptes');
    await add(web, small);
    await web.get('/panier');
    const pay = await web.post('/panier/payer', {});
    expect(pay.status).toBe(409);
    expect(visibleText(pay.text)).toContain('au moins 1,00 €');
    expect(await paymentOf(account)).toHaveLength(0);
  });

  it('no answer at all: polled, then expired at the end of the delay, basket reopened', async () => {
    const { account, payment } = await checkout();
    await waitUntil('the payment expired', async () => (await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).status === 'expiree', 20_000);
    expect(payfip.calls.filter((c) => c.operation === 'recupererDetailPaiementSecurise' && c.fields.idOp === payment.providerRef).length).toBeGreaterThan(2);
    expect(await h.dataSource.getRepository(Basket).findOneByOrFail({ accountId: account.id })).toMatchObject({ paymentId: null });
  });
});
