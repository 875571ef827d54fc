/// <reference lib="dom" />
// A resident whose account awaits validation makes an inscription scolaire in Chromium, as a person
// would: «Services», each step (one mistake first), a PDF chosen in the file input, the others to be
// posted, the summary, «Envoyer», the confirmation, «Demandes». axe-core checks every page visited.
import type { Browser, Page } from 'playwright-core';
import { Account } from '../../db/entities';
import { checkA11y, launchBrowser } from '../support/browser';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { STRONG_PASSWORD, signUp } from '../support/journeys';

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness('browser_demarche'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const tabs = (page: Page) => page.getByRole('navigation', { name: 'Menu principal' });

async function visit(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  await checkA11y(page, label);
}

test('inscription scolaire from «Services» to «Demandes», every page accessible', async () => {
  const child = { membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Malo', membre_nom: 'Chrome', membre_date_naissance: '2019-02-03', membre_lien: 'Fils' };
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Lou', nom: 'Chrome', email: 'lou.chrome@example.fr' }, [child])).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'lou.chrome@example.fr' });

  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(h.baseUrl);
  await page.getByLabel('Identifiant', { exact: true }).fill(account.identifier);
  await page.getByLabel('Mot de passe', { exact: true }).fill(STRONG_PASSWORD);
  await page.getByRole('button', { name: 'Connexion' }).click();
  await visit(page, 'accueil');

  await tabs(page).getByRole('link', { name: 'Services' }).click();
  await visit(page, 'services');
  await page.getByRole('link', { name: 'Faire la demande : Inscription scolaire' }).click();
  await visit(page, 'étape 1');
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
  await visit(page, 'étape 1 avec erreurs');
  await expect(page.getByText("Choisissez l'enfant concerné par la démarche.").first()).toBeVisible();
  await page.getByLabel('Enfant concerné').selectOption({ label: 'Malo Chrome (enfant)' });
  await page.getByRole('radio').first().check();
  await page.locator('#niveau').selectOption('cp');
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
  await visit(page, 'étape 2');
  await page.locator('#ecole_souhaitee').selectOption('secteur');
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
  await visit(page, 'étape 3');
  await page.locator('#restauration_scolaire').check();
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();

  await visit(page, 'pièces');
  await page.locator('#mode_justificatif-domicile').check();
  await page.locator('#fichier_justificatif-domicile').setInputFiles({ name: 'facture.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.locator('#mode_livret-famille-paper').check();
  await page.locator('#mode_carnet-vaccination-paper').check();
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();

  await visit(page, 'récapitulatif');
  await expect(page.getByText('Fichier joint : facture.pdf')).toBeVisible();
  await page.getByRole('button', { name: 'Envoyer' }).click();
  await visit(page, 'confirmation');
  const number = (await page.locator('.notice--success strong').textContent()) as string;
  expect(number).toMatch(/^BEA-\d{4}-\d{6}$/);
  await expect(page.getByText('Pièces à envoyer par courrier')).toBeVisible();

  await tabs(page).getByRole('link', { name: 'Demandes' }).click();
  await visit(page, 'demandes');
  await expect(page.getByRole('row', { name: new RegExp(`${number}.*Malo Chrome`) })).toBeVisible();
  await page.getByRole('link', { name: number }).click();
  await visit(page, 'détail de la demande');
  await tabs(page).getByRole('link', { name: 'Accueil' }).click();
  await visit(page, 'accueil avec la demande');
  await expect(page.getByRole('row', { name: new RegExp(number) })).toBeVisible();
  await context.close();
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
