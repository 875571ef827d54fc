// The account, end to end over HTTP forms: MariaDB, the Temporal dev server, a real SMTP
// receiver. Sign-up tab by tab, identifier mail, login, lock before validation, agent
// decision through the workflow's Updates, resident told, members once validated.
import { Account, AccountHistory, HouseholdMember } from '../../db/entities';
import { accountValidationWorkflowId } from '../../workflows/account-validation';
import { OTHER_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient as agentOf, signUp, STRONG_PASSWORD } from '../support/journeys';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('journey');
});
afterAll(async () => {
  await h?.close();
});

const agentClient = (login?: string, password?: string): Promise<WebClient> => agentOf(h.baseUrl, login, password);

test('sign-up, identifier mail, login, locked until validated, agent validates, member added', async () => {
  const web = new WebClient(h.baseUrl);
  const done = await signUp(web, { prenom: 'Amélie', nom: 'Lire', email: 'amelie.lire@example.fr' }, [
    { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Zoé', membre_nom: 'Lire', membre_date_naissance: '2016-09-01', membre_lien: 'Fille' },
  ]);
  expect(done.status).toBe(303);
  expect(done.location).toMatch(/^\/compte\/cree/);

  const mail = await h.smtp.waitFor((m) => m.to.includes('amelie.lire@example.fr'), 20_000);
  expect(mail.text).toContain('amélie.lire');
  expect(mail.text).toMatch(/accents/i);
  await h.smtp.waitFor((m) => m.to.includes('accueil@beaucouze.localhost') && /amélie\.lire/.test(m.text), 20_000);

  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'amelie.lire@example.fr' });
  expect(account.identifier).toBe('amélie.lire');
  expect(account.status).toBe('pending');
  expect(account.passwordHash).toMatch(/^\$argon2id\$/);

  // Login by identifier in another case and in NFD form.
  const resident = new WebClient(h.baseUrl);
  await resident.get('/');
  let r = await resident.post('/connexion', { identifiant: 'AME\u0301LIE.LIRE', mot_de_passe: STRONG_PASSWORD });
  expect(r.status).toBe(303);
  expect(r.location).toBe('/accueil');
  const home = await resident.get('/accueil');
  expect(home.text).toMatch(/en attente de validation/i);

  // Before validation: no change to the account (FAQ).
  r = await resident.post('/compte/membres/ajouter', {
    membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Léo', membre_nom: 'Lire', membre_date_naissance: '2019-02-02',
  });
  expect(r.status).toBe(403);
  expect(r.text).toMatch(/en attente de validation/);
  expect(await h.dataSource.getRepository(HouseholdMember).countBy({ accountId: account.id })).toBe(1);

  // The workflow carries its search attributes.
  const handle = h.temporal.workflow.getHandle(accountValidationWorkflowId('beaucouze', account.id));
  const described = await handle.describe();
  expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
    expect.arrayContaining([['Commune', 'beaucouze'], ['ProcessKind', 'validation-compte'], ['ProcessStatus', 'en-attente']]),
  );

  // An agent of another commune cannot see nor decide it.
  const stranger = await agentClient(OTHER_AGENT.login, OTHER_AGENT.password).catch(() => null);
  expect(stranger).toBeNull(); // Saint-Clair's agent cannot log in on Beaucouzé's portal

  // The demo agent sees it in the pending list, with its deadline, and validates it.
  const agent = await agentClient();
  const list = await agent.get('/agent');
  expect(list.text).toContain('amélie.lire');
  r = await agent.post(`/agent/comptes/${account.id}/valider`, {});
  expect(r.status).toBe(303);
  // A second decision is refused by the Update's validator, nothing changes.
  r = await agent.post(`/agent/comptes/${account.id}/rejeter`, { motif: 'Doublon' });
  expect(r.status).toBe(409);
  expect(r.text).toMatch(/déjà été validé ou rejeté/);

  const validated = await h.smtp.waitFor((m) => m.to.includes('amelie.lire@example.fr') && /validé/i.test(m.subject), 20_000);
  expect(validated.text).toContain('Beaucouzé');
  expect(await handle.result()).toMatchObject({ status: 'validated' });
  const history = await h.dataSource.getRepository(AccountHistory).find({ where: { accountId: account.id }, order: { id: 'ASC' } });
  expect(history.map((x) => [x.toStatus, x.actor])).toEqual([['pending', 'resident'], ['validated', `agent:${h.agents.beaucouze.id}`]]);

  // Now the resident can add a child; adults are listed before children.
  r = await resident.post('/compte/membres/ajouter', {
    membre_type: 'adulte', membre_civilite: 'Monsieur', membre_prenom: 'Paul', membre_nom: 'Lire', membre_date_naissance: '1983-05-05', membre_lien: 'Conjoint',
  });
  expect(r.status).toBe(303);
  const compte = await resident.get('/compte');
  expect(compte.text.indexOf('Paul')).toBeGreaterThan(-1);
  expect(compte.text.indexOf('Paul')).toBeLessThan(compte.text.indexOf('Zoé'));
  // Exactly one identifier mail, one validation mail.
  expect(h.smtp.messages.filter((m) => m.to.includes('amelie.lire@example.fr'))).toHaveLength(2);
});
