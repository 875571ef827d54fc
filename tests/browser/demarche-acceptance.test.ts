/// <reference lib="dom" />
// Issue 3, acceptance 1, in Chromium with axe-core on every page visited: a resident whose account
// awaits validation submits an inscription scolaire for their child, two documents uploaded from a
// file on disk and one to be posted; the receipt mail gives the number and the mairie's address; the
// agent records the paper document, the request turns «Complet» by itself (mail), the agent validates
// (mail); «Accueil» and «Demandes» then show the request, «Validé».
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Account, DemarcheRequest } from '../../db/entities';
import { formatParisDate } from '../../domain/dates';
import { checkA11y, launchBrowser } from '../support/browser';
import { DEMO_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import { STRONG_PASSWORD, signUp } from '../support/journeys';

let h: Harness;
let browser: Browser;
let tmp: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'demarche-acceptance-'));
  // The uploads are stored under the temp folder too, removed with it.
  const env = { DOCUMENTS_DIR: path.join(tmp, 'stored') };
  [h, browser] = await Promise.all([startHarness('demarche_acceptance', env), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const tabs = (page: Page) => page.getByRole('navigation', { name: 'Menu principal' });

async function visit(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  await checkA11y(page, label);
}

/** Clicks and waits for the page it leads to before going on (Chromium 156 hangs on close otherwise). */
async function clickAndWait(page: Page, click: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation(), click()]);
}

test('not yet validated resident: inscription scolaire, paper document received, «Complet», «Validé»', async () => {
  const email = 'nael.acceptance@example.fr';
  const child = {
    membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Jade', membre_nom: 'Acceptance',
    membre_date_naissance: '2020-05-17', membre_lien: 'Fille',
  };
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Naël', nom: 'Acceptance', email }, [child])).status)
    .toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  expect(account.status).not.toBe('validated');

  // Two small valid PDFs on disk, chosen in the file inputs as a person would.
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const facture = path.join(tmp, 'facture-edf.pdf');
  const carnet = path.join(tmp, 'carnet-vaccination.pdf');
  fs.writeFileSync(facture, pdf);
  fs.writeFileSync(carnet, pdf);

  const resident = await browser.newContext({ locale: 'fr-FR' });
  const page = await resident.newPage();
  await page.goto(h.baseUrl);
  await visit(page, 'connexion');
  await page.getByLabel('Identifiant', { exact: true }).fill(account.identifier);
  await page.getByLabel('Mot de passe', { exact: true }).fill(STRONG_PASSWORD);
  await clickAndWait(page, () => page.getByRole('button', { name: 'Connexion' }).click());
  await visit(page, 'accueil');

  await clickAndWait(page, () => tabs(page).getByRole('link', { name: 'Services' }).click());
  await visit(page, 'services');
  await clickAndWait(page, () => page.getByRole('link', { name: 'Faire la demande : Inscription scolaire' }).click());
  await visit(page, 'étape 1');
  await page.getByLabel('Enfant concerné').selectOption({ label: 'Jade Acceptance (enfant)' });
  await page.getByRole('radio').first().check();
  await page.locator('#niveau').selectOption('cp');
  await clickAndWait(page, () => page.getByRole('button', { name: 'Enregistrer et continuer' }).click());
  await visit(page, 'étape 2');
  await page.locator('#ecole_souhaitee').selectOption('secteur');
  await clickAndWait(page, () => page.getByRole('button', { name: 'Enregistrer et continuer' }).click());
  await visit(page, 'étape 3');
  await page.locator('#restauration_scolaire').check();
  await clickAndWait(page, () => page.getByRole('button', { name: 'Enregistrer et continuer' }).click());

  // The three required documents: two joined, the livret de famille sent by post.
  await visit(page, 'pièces');
  await page.locator('#mode_justificatif-domicile').check();
  await page.locator('#fichier_justificatif-domicile').setInputFiles(facture);
  await page.locator('#mode_carnet-vaccination').check();
  await page.locator('#fichier_carnet-vaccination').setInputFiles(carnet);
  await page.locator('#mode_livret-famille-paper').check();
  await clickAndWait(page, () => page.getByRole('button', { name: 'Enregistrer et continuer' }).click());

  await visit(page, 'récapitulatif');
  await expect(page.getByText('Fichier joint : facture-edf.pdf')).toBeVisible();
  await expect(page.getByText('Fichier joint : carnet-vaccination.pdf')).toBeVisible();
  await clickAndWait(page, () => page.getByRole('button', { name: 'Envoyer' }).click());
  await visit(page, 'confirmation');
  const number = ((await page.locator('.notice--success strong').textContent()) as string).trim();
  expect(number).toMatch(/^BEA-\d{4}-\d{6}$/);
  await expect(page.getByText('Pièces à envoyer par courrier')).toBeVisible();

  const receipt = await h.smtp.waitFor((m) => m.to.includes(email) && m.subject.includes(number), 20_000);
  expect(receipt.text).toContain(`N° de demande : ${number}`);
  expect(receipt.text).toContain('Pièces justificatives à envoyer par courrier');
  expect(receipt.text).toMatch(/Livret de famille/i);
  expect(receipt.text).toContain('Place Jacques Prévert');
  expect(receipt.text).toContain('49070 Beaucouzé');
  expect(receipt.text).toContain(`le n° de votre demande ${number}`);
  const request = await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ number });
  expect(request.status).toBe('en_cours');

  // The agent, in a context of their own.
  const back = await browser.newContext({ locale: 'fr-FR' });
  const agent = await back.newPage();
  await agent.goto(`${h.baseUrl}/agent/connexion`);
  await visit(agent, 'connexion agent');
  await agent.getByLabel('Identifiant').fill(DEMO_AGENT.login);
  await agent.getByLabel('Mot de passe').fill(DEMO_AGENT.password);
  await clickAndWait(agent, () => agent.getByRole('button', { name: 'Connexion' }).click());
  await visit(agent, 'accueil agent');
  await clickAndWait(agent, () => agent.getByRole('link', { name: 'Demandes', exact: true }).click());
  expect(new URL(agent.url()).pathname).toBe('/agent/demandes');
  await visit(agent, 'file des demandes');
  await clickAndWait(agent, () => agent.getByRole('link', { name: number }).click());
  await visit(agent, 'demande');

  const paper = agent.getByRole('button', { name: /^Pièce papier reçue/ });
  expect(await paper.count()).toBe(1);
  await clickAndWait(agent, () => paper.click());
  await visit(agent, 'demande complète');
  expect(await agent.locator('.details .badge').first().textContent()).toBe('Complet');
  const complete = await h.smtp.waitFor(
    (m) => m.to.includes(email) && m.subject.includes(number) && m.subject.includes('Complet'), 20_000);
  expect(complete.text).toContain('est complet');

  await clickAndWait(agent, () => agent.getByRole('button', { name: 'Valider', exact: true }).click());
  await visit(agent, 'demande validée');
  expect(await agent.getByRole('status').textContent()).toContain('La demande est validée');
  await h.smtp.waitFor(
    (m) => m.to.includes(email) && m.subject.includes(number) && m.subject.includes('Validé'), 20_000);
  await back.close();

  // Back to the resident: «Accueil» and «Demandes» show the request, validated.
  const date = formatParisDate(request.submittedAt);
  await clickAndWait(page, () => tabs(page).getByRole('link', { name: 'Accueil' }).click());
  await visit(page, 'accueil avec la demande validée');
  const home = page.getByRole('row', { name: new RegExp(number) });
  await expect(home).toBeVisible();
  expect(await home.textContent()).toContain('Validé');
  expect(await home.textContent()).toContain('Inscription scolaire');
  await clickAndWait(page, () => tabs(page).getByRole('link', { name: 'Demandes' }).click());
  await visit(page, 'demandes avec la demande validée');
  const row = page.getByRole('row', { name: new RegExp(number) });
  await expect(row).toBeVisible();
  const text = (await row.textContent()) as string;
  expect(text).toContain(date);
  expect(text).toContain('Jade Acceptance');
  expect(text).toContain('Validé');
  await resident.close();
});

// playwright-core has no test runner: `expect(locator).toBeVisible()` waits for the element.
function expect<T>(actual: T) {
  const jestExpect = (global as unknown as { expect: jest.Expect }).expect;
  const locator = actual as unknown as { waitFor?: (o: object) => Promise<void> };
  return Object.assign(jestExpect(actual), {
    toBeVisible: async () => {
      await locator.waitFor?.({ state: 'visible', timeout: 5000 });
    },
  });
}
