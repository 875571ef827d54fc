/// <reference lib="dom" />
// Issue 4, acceptance 1, in Chromium with axe-core on every page visited: someone without an
// account asks for an extract with filiation of their daughter's birth act, to be posted abroad;
// the mail gives the number and the tracking link; the agent issues it from the back office; the
// tracking page and the mail then say it was posted.
import type { Browser, Page } from 'playwright-core';
import { CivilStatusRequest } from '../../db/entities';
import { checkA11y, launchBrowser } from '../support/browser';
import { DEMO_AGENT, startHarness, type Harness } from '../support/harness';

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness('civil_status_acceptance'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function visit(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  await checkA11y(page, label);
}

/** Clicks and waits for the page it leads to before going on. */
async function clickAndWait(page: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation(), click()]);
}

test('anonymous extract with filiation: number and tracking link by mail, issued by the agent, posted', async () => {
  const email = 'sofia.acceptance@example.it';
  const visitor = await browser.newContext({ locale: 'fr-FR' });
  const page = await visitor.newPage();
  await page.goto(h.baseUrl);
  await visit(page, 'accueil');
  await clickAndWait(page, () => page.getByRole('link', { name: "Demander un acte d'état civil" }).click());
  await visit(page, 'choix de l’acte');
  await clickAndWait(page, () => page.getByRole('link', { name: 'Faire la demande : Acte de naissance' }).click());
  await visit(page, 'formulaire');

  // The form, by its labels, as a person fills it in; the first try forgets the parents.
  await page.getByLabel('Extrait avec filiation').check();
  await page.getByLabel('Nombre d’exemplaires').fill('1');
  await page.getByLabel('Nom de naissance', { exact: true }).fill('Rossi');
  await page.getByLabel('Prénoms', { exact: true }).fill('Giulia Anna');
  // A native date field: Chromium takes the ISO form and shows it as 15/04/1998.
  await page.getByLabel('Date de naissance').fill('1998-04-15');
  await page.getByLabel('Son père, sa mère ou un autre ascendant (grand-parent…)').check();
  await page.getByLabel('Votre nom').fill('Rossi');
  await page.getByLabel('Votre prénom').fill('Sofia');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Numéro et voie').fill('Via Roma 10');
  await page.getByLabel('Code postal').fill('00184');
  await page.getByLabel('Ville').fill('Roma');
  await page.getByLabel('Pays').fill('Italie');
  const answer = async () => {
    const id = await page.locator('input[name="captcha_id"]').inputValue();
    const image = await fetch(`${h.baseUrl}/captcha/${id}.svg`);
    return image.headers.get('x-captcha-test-answer') as string;
  };
  await page.getByLabel('Recopiez le cryptogramme').fill(await answer());
  await clickAndWait(page, () => page.getByRole('button', { name: 'Envoyer la demande' }).click());
  await visit(page, 'formulaire avec erreurs');
  const summary = page.getByRole('alert');
  expect(await summary.textContent()).toMatch(/au moins un parent/);
  expect(await summary.locator('li').count()).toBe(2);
  // What was typed is still there; the parents are added, with the new cryptogramme.
  expect(await page.getByLabel('Adresse électronique').inputValue()).toBe(email);
  await page.getByLabel('Nom du premier parent').fill('Rossi');
  await page.getByLabel('Prénoms du premier parent').fill('Sofia');
  await page.getByLabel('Recopiez le cryptogramme').fill(await answer());
  await clickAndWait(page, () => page.getByRole('button', { name: 'Envoyer la demande' }).click());
  await visit(page, 'demande envoyée');
  const number = ((await page.locator('.notice--success strong').textContent()) as string).trim();
  expect(number).toMatch(/^BEA-\d{4}-\d{6}$/);

  const receipt = await h.smtp.waitFor((m) => m.to.includes(email) && m.subject.includes(number), 20_000);
  const trackingUrl = /https?:\/\/[^\s]+\/suivi\/[A-Za-z0-9_-]{43}/.exec(receipt.text)?.[0] as string;
  expect(trackingUrl).toBeTruthy();
  expect(receipt.text).toContain(number);
  expect(receipt.text).toMatch(/Extrait avec filiation/);
  expect(receipt.text).toContain('ITALIE');

  // The tracking link, opened later from the mail, in a fresh browser (no session at all).
  const later = await browser.newContext({ locale: 'fr-FR' });
  const tracking = await later.newPage();
  await tracking.goto(trackingUrl);
  await visit(tracking, 'suivi, reçue');
  expect(await tracking.getByRole('heading', { level: 1 }).textContent()).toContain(number);
  expect(await tracking.getByRole('status').textContent()).toContain('Reçue, en cours de traitement');

  // The agent, in a context of their own.
  const back = await browser.newContext({ locale: 'fr-FR' });
  const agent = await back.newPage();
  await agent.goto(`${h.baseUrl}/agent/connexion`);
  await visit(agent, 'connexion agent');
  await agent.getByLabel('Identifiant').fill(DEMO_AGENT.login);
  await agent.getByLabel('Mot de passe').fill(DEMO_AGENT.password);
  await clickAndWait(agent, () => agent.getByRole('button', { name: 'Connexion' }).click());
  await clickAndWait(agent, () => agent.getByRole('link', { name: "Actes d'état civil" }).click());
  await visit(agent, 'file des actes');
  await clickAndWait(agent, () => agent.getByRole('link', { name: number }).click());
  await visit(agent, 'demande d’acte');
  expect(await agent.locator('body').textContent()).toContain('Via Roma 10');
  await clickAndWait(agent, () => agent.getByRole('button', { name: "Délivrer et envoyer l'acte" }).click());
  await visit(agent, 'acte délivré');
  expect(await agent.getByRole('status').first().textContent()).toMatch(/délivré et envoyé/);
  await back.close();

  const posted = await h.smtp.waitFor(
    (m) => m.to.includes(email) && m.subject.includes(number) && m.messageId !== receipt.messageId, 20_000);
  expect(posted.text).toMatch(/délivré et envoyé par courrier/);
  const request = await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ number });
  expect(request.status).toBe('envoyee');

  await tracking.reload();
  await visit(tracking, 'suivi, envoyé');
  expect(await tracking.getByRole('status').textContent()).toContain('Acte délivré et envoyé par courrier');
  expect(await tracking.getByRole('table').textContent()).toContain('Acte délivré et envoyé par courrier');
  await later.close();
  await visitor.close();
});
