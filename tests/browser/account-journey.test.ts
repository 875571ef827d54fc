/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// A new resident's first visit, as a person would do it in Chromium: sign-up tab by tab with
// the keyboard-reachable forms, the identifier read from the mail, login, the agent validates
// at /agent, the resident adds a child. axe-core checks every page visited.
import type { Browser, Page } from 'playwright-core';
import { checkA11y, launchBrowser } from '../support/browser';
import { DEMO_AGENT, startHarness, type Harness } from '../support/harness';

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness('browser_journey'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const PASSWORD = 'Cerisier-En-Fleur-7!';
const visited: string[] = [];

async function visit(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  visited.push(`${label} ${new URL(page.url()).pathname}`);
  await checkA11y(page, label);
}

test('sign-up → identifier mail → login → agent validates → child added, every page accessible', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();

  await page.goto(h.baseUrl);
  await visit(page, 'accueil public');
  // Keyboard: the first Tab reaches the skip link.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Aller au contenu');

  await page.getByRole('link', { name: 'Je souhaite créer mon compte' }).click();
  await visit(page, 'onglet identité');
  // A mistake first: the tab is refused with a French message next to the field.
  await page.getByRole('button', { name: 'Suivant' }).click();
  await visit(page, 'onglet identité avec erreurs');
  await expect(page.getByText('Le prénom est obligatoire.').first()).toBeVisible();

  await page.getByLabel('Madame').check();
  await page.getByLabel('Prénom', { exact: true }).fill('Élise');
  await page.getByLabel('Nom', { exact: true }).fill("D'Aubigné");
  await page.getByLabel('Date de naissance').fill('1990-06-21');
  await page.getByRole('button', { name: 'Suivant' }).click();

  await visit(page, 'onglet coordonnées');
  await page.getByLabel('Adresse électronique').fill('elise.daubigne@example.fr');
  await page.getByLabel('Adresse', { exact: true }).fill('12 rue des Lilas');
  await page.getByLabel('Code postal').fill('49070');
  await page.getByLabel('Ville').fill('Beaucouzé');
  await page.getByRole('button', { name: 'Suivant' }).click();

  await visit(page, 'onglet foyer');
  await page.getByRole('button', { name: 'Suivant' }).click();

  await visit(page, 'onglet sécurité');
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel(/Confirm/).fill(PASSWORD);
  await page.getByLabel(/Question/).selectOption({ index: 1 });
  await page.getByLabel(/Réponse/).fill('Rex');
  await page.getByRole('button', { name: 'Suivant' }).click();

  await visit(page, 'onglet validation');
  // The captcha has an audio version of the same code (RGAA 1.5).
  const audioSrc = await page.locator('audio').getAttribute('src');
  const audio = await page.request.get(h.baseUrl + audioSrc);
  expect(audio.headers()['content-type']).toContain('audio/wav');
  const imageSrc = await page.locator('img[src^="/captcha/"]').getAttribute('src');
  const answer = (await page.request.get(h.baseUrl + imageSrc)).headers()['x-captcha-test-answer'];
  await page.getByLabel('Recopiez le cryptogramme').fill(answer);
  await page.getByRole('button', { name: 'Envoyer' }).click();

  await visit(page, 'compte créé');
  await expect(page.getByText('elise.daubigne@example.fr').first()).toBeVisible();

  // The identifier arrives by mail.
  const mail = await h.smtp.waitFor((m) => m.to.includes('elise.daubigne@example.fr'), 30_000);
  const identifier = /élise\.d-aubigné\d*/.exec(mail.text)?.[0];
  expect(identifier).toBe('élise.d-aubigné');

  await page.goto(h.baseUrl);
  await page.getByLabel('Identifiant').fill(identifier as string);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Connexion' }).click();
  await visit(page, 'accueil connecté (en attente)');
  await expect(page.getByText(/en attente de validation/).first()).toBeVisible();

  // The agent validates, from another browser context.
  const agentContext = await browser.newContext({ locale: 'fr-FR' });
  const agent = await agentContext.newPage();
  await agent.goto(`${h.baseUrl}/agent`);
  await visit(agent, 'connexion agent');
  await agent.getByLabel('Identifiant').fill(DEMO_AGENT.login);
  await agent.getByLabel('Mot de passe').fill(DEMO_AGENT.password);
  await agent.getByRole('button', { name: 'Connexion' }).click();
  await visit(agent, 'comptes à valider');
  await agent.getByRole('link', { name: /Aubigné/ }).first().click();
  await visit(agent, 'fiche du compte (agent)');
  await agent.getByRole('button', { name: 'Valider le compte' }).click();
  await visit(agent, 'comptes à valider après décision');
  await h.smtp.waitFor((m) => m.to.includes('elise.daubigne@example.fr') && /validé/i.test(m.subject), 30_000);

  // Validated: the resident can now add a child.
  await page.goto(`${h.baseUrl}/compte`);
  await visit(page, 'mon compte');
  await page.getByRole('link', { name: 'Ajouter un membre' }).click();
  await visit(page, 'ajouter un membre');
  await page.getByLabel('Enfant').check();
  await page.getByLabel('Madame').check();
  await page.getByLabel('Prénom').fill('Lou');
  await page.getByLabel('Nom', { exact: true }).fill("D'Aubigné");
  await page.getByLabel('Date de naissance').fill('2018-04-02');
  await page.getByRole('button', { name: 'Sauver' }).click();
  await visit(page, 'mon compte avec un enfant');
  await expect(page.getByText('Lou').first()).toBeVisible();

  await agentContext.close();
  await context.close();
  expect(visited.length).toBeGreaterThanOrEqual(14);
});

// playwright-core has no test runner: a small `expect(locator).toBeVisible()` for jest.
function expect<T>(actual: T) {
  const jestExpect = (global as unknown as { expect: jest.Expect }).expect;
  const locator = actual as unknown as { isVisible?: () => Promise<boolean> };
  return Object.assign(jestExpect(actual), {
    toBeVisible: async () => jestExpect(await locator.isVisible?.()).toBe(true),
  });
}
