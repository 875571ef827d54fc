// The back office's «Demandes» in Chromium, axe-core on each page: the queue, a request in full,
// a refusal without motif (the error beside the field), the paper documents recorded, validation.
import type { Browser, Page } from 'playwright-core';
import { Account } from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { DemarcheService } from '../../api/services/demarches.service';
import { checkA11y, launchBrowser } from '../support/browser';
import { DEMO_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import { signUp } from '../support/journeys';

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness('browser_back_office'), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function visit(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  await checkA11y(page, label);
}

test('queue and request page accessible; refusal without motif, paper documents recorded, validated', async () => {
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Inès', nom: 'Bureau', email: 'ines.bureau@example.fr' })).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'ines.bureau@example.fr' });
  const school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  const required = school.documents.filter((d) => d.required);
  const request = await h.portal.services.demarches.submit(h.communes.beaucouze, account, {
    definition: school,
    answers: { niveau: 'CE1' },
    memberId: null,
    documents: required.map((d) => ({ key: d.key, mode: 'paper' as const })),
    submissionKey: DemarcheService.newSubmissionKey(),
  });
  await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(request.number), 20_000);

  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}/agent/connexion`);
  await page.getByLabel('Identifiant').fill(DEMO_AGENT.login);
  await page.getByLabel('Mot de passe').fill(DEMO_AGENT.password);
  await page.getByRole('button', { name: 'Connexion' }).click();
  await page.waitForLoadState('domcontentloaded');

  await page.getByRole('link', { name: 'Demandes', exact: true }).click();
  await visit(page, 'file des demandes');
  await page.getByLabel('Statut').selectOption('en_cours');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await visit(page, 'file des demandes filtrée');
  await page.getByRole('link', { name: request.number }).click();
  await visit(page, 'demande');

  await page.getByRole('button', { name: 'Refuser' }).click();
  await visit(page, 'demande, refus sans motif');
  expect(await page.locator('#motif-error').textContent()).toContain('Le motif du refus est obligatoire.');

  for (let left = required.length; left > 0; left--) {
    const buttons = page.getByRole('button', { name: /^Pièce papier reçue/ });
    expect(await buttons.count()).toBe(left);
    await Promise.all([page.waitForNavigation(), buttons.first().click()]);
  }
  await visit(page, 'demande complète');
  expect(await page.locator('.details .badge').first().textContent()).toBe('Complet');
  await page.getByRole('button', { name: 'Valider', exact: true }).click();
  await visit(page, 'demande validée');
  expect(await page.getByRole('status').textContent()).toContain('La demande est validée');
  await context.close();
});
