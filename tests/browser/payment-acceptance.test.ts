/// <reference lib="dom" />
// Issue 5, acceptance 1, in Chromium with axe-core on every page visited: the billing software
// imports three invoices (two «Ville», one «CCAS») through its API; the resident adds both «Ville»
// invoices to the basket; adding the «CCAS» one shows the FAQ's exact message; a refused card
// reopens the basket; the sandbox's success card then moves both to the relevé and the receipt
// (with its PDF) arrives by mail.
import type { Browser, Page } from 'playwright-core';
import { Account, Invoice } from '../../db/entities';
import { DEMO_REGIES } from '../../db/seed';
import { checkA11y, launchBrowser } from '../support/browser';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { STRONG_PASSWORD, signUp } from '../support/journeys';

const FAQ_MESSAGE = "Impossible d'ajouter cet article, vous devez d'abord payer ceux en attente dans votre panier";

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness('payment_acceptance'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function visit(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  await checkA11y(page, label);
}

async function clickAndWait(page: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation(), click()]);
}

/** What the billing software sends: one régie, its API key. */
async function importInvoices(regie: 'ville' | 'ccas', invoices: object[]): Promise<void> {
  const key = DEMO_REGIES.find((r) => r.code === regie)?.apiKey as string;
  const res = await fetch(`${h.baseUrl}/api/v1/regies/${regie}/factures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ invoices }),
  });
  const body = (await res.json()) as { imported: number; rejected: unknown[] };
  expect(res.status).toBe(200);
  expect(body.rejected).toEqual([]);
}

test('two «Ville» invoices in the basket, the «CCAS» one refused with the FAQ’s message, refused then paid', async () => {
  const email = 'maelle.acceptance@example.fr';
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Maëlle', nom: 'Acceptance', email })).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  // The mairie validated the account (invoices are shown only then).
  await h.dataSource.getRepository(Account).update({ id: account.id }, { status: 'validated' });

  const today = new Date().toISOString().slice(0, 10);
  const line = (number: string, service: string, amountCents: number) => ({
    number, account: account.identifier, service, periodLabel: 'Novembre 2026', issuedOn: today, amountCents,
  });
  await importInvoices('ville', [line('V-2026-0101', 'Restauration scolaire', 4280), line('V-2026-0102', 'Accueil périscolaire', 1450)]);
  await importInvoices('ccas', [line('C-2026-0042', 'Aide aux vacances', 3000)]);

  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(h.baseUrl);
  await page.getByLabel('Identifiant', { exact: true }).fill(account.identifier);
  await page.getByLabel('Mot de passe', { exact: true }).fill(STRONG_PASSWORD);
  await clickAndWait(page, () => page.getByRole('button', { name: 'Connexion' }).click());
  await clickAndWait(page, () => page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mes comptes' }).click());
  await visit(page, 'mes comptes');

  await clickAndWait(page, () => page.getByRole('button', { name: 'Ajouter au panier : facture V-2026-0101' }).click());
  await visit(page, 'une facture au panier');
  await clickAndWait(page, () => page.getByRole('button', { name: 'Ajouter au panier : facture V-2026-0102' }).click());
  await clickAndWait(page, () => page.getByRole('button', { name: 'Ajouter au panier : facture C-2026-0042' }).click());
  await visit(page, 'message de la FAQ');
  expect(await page.getByRole('alert').textContent()).toContain(FAQ_MESSAGE);

  await clickAndWait(page, () => page.getByRole('link', { name: 'Accéder à votre panier' }).click());
  await visit(page, 'panier');
  expect(await page.locator('tfoot').textContent()).toContain('57,30');

  // A refused card: the basket comes back with both invoices.
  await clickAndWait(page, () => page.getByRole('button', { name: /^Payer/ }).click());
  await visit(page, 'page de carte (bac à sable)');
  await page.getByLabel('Numéro de carte').fill('4970 1000 0000 0009');
  await clickAndWait(page, () => page.getByRole('button', { name: /^Payer/ }).click());
  await visit(page, 'paiement refusé');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Paiement refusé');
  await clickAndWait(page, () => page.getByRole('link', { name: 'Accéder à votre panier' }).click());
  expect(await page.getByRole('row').filter({ hasText: 'V-2026-0101' }).count()).toBe(1);
  expect(await page.getByRole('row').filter({ hasText: 'V-2026-0102' }).count()).toBe(1);

  // The success card.
  await clickAndWait(page, () => page.getByRole('button', { name: /^Payer/ }).click());
  await page.getByLabel('Numéro de carte').fill('4970 1000 0000 0000');
  await clickAndWait(page, () => page.getByRole('button', { name: /^Payer/ }).click());
  await visit(page, 'paiement accepté');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Paiement accepté');

  await clickAndWait(page, () => page.getByRole('link', { name: 'Retour à mes comptes' }).click());
  await visit(page, 'relevé');
  const releve = page.getByRole('region', { name: 'Consulter votre relevé' }).or(page.locator('section[aria-labelledby="releve-titre"]'));
  const releveText = (await releve.first().textContent()) as string;
  expect(releveText).toContain('V-2026-0101');
  expect(releveText).toContain('V-2026-0102');
  const toPay = (await page.locator('section[aria-labelledby="a-payer-titre"]').textContent()) as string;
  expect(toPay).toContain('C-2026-0042');
  expect(toPay).not.toContain('V-2026-0101');

  const receipt = await h.smtp.waitFor((m) => m.to.includes(email) && /Paiement accepté/.test(m.subject), 20_000);
  expect(receipt.text).toContain('57,30');
  expect(receipt.raw).toMatch(/Content-Type: application\/pdf/i);
  const paid = await h.dataSource.getRepository(Invoice).findBy({ accountId: account.id, status: 'payee' });
  expect(paid.map((i) => i.number).sort()).toEqual(['V-2026-0101', 'V-2026-0102']);
  await context.close();
});
