// The agents' decisions on a new account, through the back office and the workflow's Updates:
// a rejection needs its motif and tells the resident why; another commune's agent sees nothing;
// past the deadline the agents get an escalation then reminders, which stop at the decision.
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Account, AccountHistory, Notification } from '../../db/entities';
import {
  accountValidationStateQuery,
  accountValidationWorkflowId,
  type AccountValidationInput,
} from '../../workflows/account-validation';
import { OTHER_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import type { ReceivedMail } from '../support/smtp-receiver';
import {
  agentClient,
  agentLogin,
  HttpWebClient,
  residentClient,
  signUp,
  sleep,
  visibleText,
  type NewResident,
} from '../support/journeys';

const AGENTS_MAILBOX = 'accueil@beaucouze.localhost';
const MAIL_WAIT_MS = 20_000;

let h: Harness;
let agent: WebClient;
beforeAll(async () => {
  h = await startHarness('decisions');
  agent = await agentClient(h.baseUrl);
});
afterAll(async () => {
  await h?.close();
});

/** Signs up through the forms and waits until the workflow has sent the identifier mail. */
async function createAccount(who: NewResident): Promise<Account> {
  const r = await signUp(new WebClient(h.baseUrl), who);
  expect(r.status).toBe(303);
  await h.smtp.waitFor((m) => m.to.includes(who.email), MAIL_WAIT_MS);
  return h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
}

const handleOf = (account: Account) =>
  h.temporal.workflow.getHandle(accountValidationWorkflowId('beaucouze', account.id));

const historyOf = (account: Account) =>
  h.dataSource.getRepository(AccountHistory).find({ where: { accountId: account.id }, order: { id: 'ASC' } });

const reload = (account: Account) => h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id });

/** A mail to the agents' mailbox about this account, whose subject matches. */
const toAgents = (subject: RegExp, account: Account) => (m: ReceivedMail): boolean =>
  m.to.includes(AGENTS_MAILBOX) && subject.test(m.subject) && m.text.includes(account.identifier);

test('a rejection needs a motif; with one the resident is told why and can change nothing', async () => {
  const account = await createAccount({ prenom: 'Rémi', nom: 'Refus', email: 'remi.refus@example.fr' });
  const handle = handleOf(account);

  for (const motif of ['', '   ']) {
    const r = await agent.post(`/agent/comptes/${account.id}/rejeter`, { motif });
    expect(r.status).toBe(422);
    expect(r.text).toContain('Le motif du rejet est obligatoire.');
  }
  const missingField = await agent.post(`/agent/comptes/${account.id}/rejeter`, {});
  expect(missingField.status).toBe(422);
  expect(missingField.text).toContain('Le motif du rejet est obligatoire.');
  // Nothing changed: still pending, only the creation in the history, the workflow still waiting.
  expect((await reload(account)).status).toBe('pending');
  expect(await historyOf(account)).toHaveLength(1);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(await handle.query(accountValidationStateQuery)).toMatchObject({ status: 'pending' });

  const motif = 'Justificatif de domicile <b>illisible</b>';
  const r = await agent.post(`/agent/comptes/${account.id}/rejeter`, { motif });
  expect(r.status).toBe(303);
  expect(r.location).toBe('/agent');

  const mail = await h.smtp.waitFor(
    (m) => m.to.includes('remi.refus@example.fr') && /pas pu être validé/.test(m.subject),
    MAIL_WAIT_MS,
  );
  expect(mail.html).toContain('Justificatif de domicile &lt;b&gt;illisible&lt;/b&gt;');
  expect(mail.html).not.toContain('<b>illisible');
  expect(mail.text).toContain(motif); // plain text: shown as typed
  expect(mail.text).toContain('Place Jacques Prévert'); // where to reach the mairie

  const rejected = await reload(account);
  expect(rejected.status).toBe('rejected');
  expect(rejected.rejectionReason).toBe(motif);
  expect((await historyOf(account)).map((x) => [x.fromStatus, x.toStatus, x.actor, x.reason])).toEqual([
    [null, 'pending', 'resident', null],
    ['pending', 'rejected', `agent:${h.agents.beaucouze.id}`, motif],
  ]);
  expect(await handle.result()).toEqual({
    status: 'rejected', agentId: h.agents.beaucouze.id, reason: motif,
  });

  // The resident can still log in and read why, but changes nothing.
  const resident = await residentClient(h.baseUrl, rejected.identifier);
  const home = await resident.get('/accueil');
  expect(home.status).toBe(200);
  expect(home.text).toContain('Justificatif de domicile &lt;b&gt;illisible&lt;/b&gt;');
  let change = await resident.post('/compte/modifier', {
    email: 'remi.refus@example.fr', telephone: '', adresse: '4 rue Neuve', code_postal: '49070',
    ville: 'Beaucouzé', mode_communication: 'email',
  });
  expect(change.status).toBe(403);
  expect(visibleText(change.text))
    .toContain('Votre compte a été refusé par la mairie : il ne peut pas être modifié.');
  change = await resident.post('/compte/membres/ajouter', {
    membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Léo', membre_nom: 'Refus',
    membre_date_naissance: '2019-02-02',
  });
  expect(change.status).toBe(403);
  const after = await reload(account);
  expect(after.addressLine).toBe('3 rue de la Mairie');
  expect(after.version).toBe(rejected.version);
});

test("an agent of another commune gets 404 on a Beaucouzé account and changes nothing", async () => {
  const account = await createAccount({ prenom: 'Sacha', nom: 'Voisin', email: 'sacha.voisin@example.fr' });
  const stranger = await agentLogin(
    new HttpWebClient(h.baseUrl, 'demarches-saint-clair.localhost'), OTHER_AGENT.login, OTHER_AGENT.password,
  );
  // Logged in on Saint-Clair's back office, which does not list Beaucouzé's accounts.
  const list = await stranger.get('/agent');
  expect(list.status).toBe(200);
  expect(list.text).toContain('Saint-Clair');
  expect(list.text).not.toContain(account.identifier);

  const page = await stranger.get(`/agent/comptes/${account.id}`);
  expect(page.status).toBe(404);
  expect(visibleText(page.text)).toContain("Ce compte n'existe pas dans votre commune.");
  expect(page.text).not.toContain('sacha.voisin@example.fr');
  let r = await stranger.post(`/agent/comptes/${account.id}/valider`, {});
  expect(r.status).toBe(404);
  r = await stranger.post(`/agent/comptes/${account.id}/rejeter`, { motif: 'Hors commune' });
  expect(r.status).toBe(404);

  expect((await reload(account)).status).toBe('pending');
  expect(await historyOf(account)).toHaveLength(1);
  expect(await handleOf(account).query(accountValidationStateQuery)).toMatchObject({ status: 'pending' });
});

test('past the deadline: escalation, then reminders until the agent decides, then none', async () => {
  const account = await createAccount({ prenom: 'Élise', nom: 'Retard', email: 'elise.retard@example.fr' });
  await h.smtp.waitFor(toAgents(/Nouveau compte/, account), MAIL_WAIT_MS);

  // The same workflow, run again with a deadline 1 s away and reminders every 1.5 s.
  const workflowId = accountValidationWorkflowId('beaucouze', account.id);
  await h.temporal.workflow.getHandle(workflowId).terminate('test : échéance raccourcie');
  const input: AccountValidationInput = {
    accountId: account.id,
    communeSlug: 'beaucouze',
    deadline: new Date(Date.now() + 1_000).toISOString(),
    reminderIntervalMs: 1_500,
  };
  const handle = await h.temporal.workflow.start('accountValidation', {
    taskQueue: h.config.temporal.taskQueue,
    workflowId,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });

  const escalations = () => h.smtp.messages.filter(toAgents(/en retard de validation/, account));
  const first = await h.smtp.waitFor(toAgents(/^Compte citoyen en retard/, account), MAIL_WAIT_MS);
  expect(first.subject).toBe('Compte citoyen en retard de validation : Élise Retard');
  expect(first.text).toContain(`/agent/comptes/${account.id}`);
  await h.smtp.waitFor(toAgents(/^Relance n° 1 – /, account), MAIL_WAIT_MS);
  expect(await handle.query(accountValidationStateQuery))
    .toEqual({ status: 'pending', overdue: true, remindersSent: 1 });

  const r = await agent.post(`/agent/comptes/${account.id}/valider`, {});
  expect(r.status).toBe(303);
  const sentAtDecision = escalations().length;
  expect(sentAtDecision).toBe(2);
  await sleep(3_000); // two reminder intervals
  expect(escalations()).toHaveLength(sentAtDecision);

  expect(await handle.result()).toEqual({ status: 'validated', agentId: h.agents.beaucouze.id });
  expect(await handle.query(accountValidationStateQuery))
    .toEqual({ status: 'validated', overdue: true, remindersSent: 1 });
  const prefix = `account:${account.id}:`;
  const keys = (await h.dataSource.getRepository(Notification).find())
    .map((n) => n.idempotencyKey)
    .filter((k) => k.startsWith(prefix));
  expect(keys.map((k) => k.slice(prefix.length)).sort())
    .toEqual(['decision', 'escalation:0', 'escalation:1', 'identifier', 'new-for-agents']);
  // The second run did not send the sign-up mails again; the resident is told of the validation.
  await h.smtp.waitFor((m) => m.to.includes(account.email) && /validé/.test(m.subject), MAIL_WAIT_MS);
  expect(h.smtp.messages.filter((m) => m.to.includes(account.email))).toHaveLength(2);
  expect(h.smtp.messages.filter(toAgents(/Nouveau compte/, account))).toHaveLength(1);
});

test('the back office marks «En retard» the accounts past their deadline, and only those', async () => {
  const late = await createAccount({ prenom: 'Odile', nom: 'Tardive', email: 'odile.tardive@example.fr' });
  const onTime = await createAccount({ prenom: 'Paul', nom: 'Ponctuel', email: 'paul.ponctuel@example.fr' });
  const anHourAgo = new Date(Date.now() - 3600_000);
  await h.dataSource.query('UPDATE account SET validation_deadline = ? WHERE id = ?', [anHourAgo, late.id]);

  const list = await agent.get('/agent');
  expect(list.status).toBe(200);
  const rowOf = (identifier: string): string =>
    list.text.split('<tr').find((row) => row.includes(`<td>${identifier}</td>`)) ?? '';
  expect(rowOf(late.identifier)).toContain('En retard');
  expect(rowOf(onTime.identifier)).not.toBe('');
  expect(rowOf(onTime.identifier)).not.toContain('En retard');
  // The most urgent first.
  expect(list.text.indexOf(late.identifier)).toBeLessThan(list.text.indexOf(onTime.identifier));

  const page = await agent.get(`/agent/comptes/${late.id}`);
  expect(page.text).toContain('En retard');
});
