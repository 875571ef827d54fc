// Sign-up when parts are missing: no worker (the mail goes out once it is back), no SMTP server
// (the outbox records the failure, the activity retries, one mail in the end); and the SMS
// channel through the (fake) SMS API.
import { Account, Notification } from '../../db/entities';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, signUp, sleep, waitUntil, type NewResident } from '../support/journeys';

const MAIL_WAIT_MS = 30_000;
const AGENTS_MAILBOX = 'accueil@beaucouze.localhost';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('resilience');
});
afterAll(async () => {
  await h?.close();
});

async function signUpThroughForms(who: NewResident): Promise<Account> {
  const r = await signUp(new WebClient(h.baseUrl), who);
  expect(r.status).toBe(303);
  expect(r.location).toMatch(/^\/compte\/cree/);
  return h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
}

const mailsTo = (email: string) => h.smtp.messages.filter((m) => m.to.includes(email));
const agentsMailAbout = (account: Account) =>
  h.smtp.waitFor((m) => m.to.includes(AGENTS_MAILBOX) && m.text.includes(account.identifier), MAIL_WAIT_MS);
const identifierRow = (account: Account, status: 'pending' | 'sent' = 'sent') => h.dataSource
  .getRepository(Notification)
  .findOneBy({ idempotencyKey: `account:${account.id}:identifier`, status });

test('with the worker stopped, sign-up succeeds; the identifier mail goes out once it is back', async () => {
  await h.stopWorker();
  let account: Account;
  try {
    account = await signUpThroughForms({
      prenom: 'Wanda', nom: 'Attente', email: 'wanda.attente@example.fr',
    });
    await sleep(2_000);
    expect(mailsTo('wanda.attente@example.fr')).toHaveLength(0);
    expect(await h.dataSource.getRepository(Notification).countBy({ recipient: account.email })).toBe(0);
  } finally {
    await h.startWorker();
  }
  const mail = await h.smtp.waitFor((m) => m.to.includes('wanda.attente@example.fr'), MAIL_WAIT_MS);
  expect(mail.text).toContain(account.identifier);
  await agentsMailAbout(account);
  await sleep(1_000);
  expect(mailsTo('wanda.attente@example.fr')).toHaveLength(1);
  expect(await waitUntil('courriel marqué envoyé', () => identifierRow(account))).toMatchObject({ attempts: 1 });
});

test('with the SMTP server down, the failure is recorded and retried; one mail once it is up', async () => {
  await h.smtp.down();
  let account: Account;
  try {
    account = await signUpThroughForms({
      prenom: 'Sylvain', nom: 'Panne', email: 'sylvain.panne@example.fr',
    });
    await sleep(5_000);
    expect(mailsTo('sylvain.panne@example.fr')).toHaveLength(0);
    const row = await identifierRow(account, 'pending');
    expect(row).toMatchObject({ channel: 'email', recipient: 'sylvain.panne@example.fr' });
    expect(row?.attempts).toBeGreaterThanOrEqual(1);
    expect(row?.lastError).toEqual(expect.any(String));
    expect(row?.lastError).not.toContain(account.identifier); // the error's words, not the mail's
    expect(row?.sentAt).toBeNull();
  } finally {
    await h.smtp.up();
  }
  const mail = await h.smtp.waitFor((m) => m.to.includes('sylvain.panne@example.fr'), MAIL_WAIT_MS);
  expect(mail.text).toContain(account.identifier);
  await agentsMailAbout(account);
  await sleep(1_000);
  expect(mailsTo('sylvain.panne@example.fr')).toHaveLength(1);
  const sent = await waitUntil('courriel marqué envoyé', () => identifierRow(account));
  expect(sent.attempts).toBeGreaterThanOrEqual(2);
});

test('a resident who chose SMS gets the validation by SMS, in French, on +33612345678', async () => {
  const account = await signUpThroughForms({
    prenom: 'Sophie', nom: 'Texto', email: 'sophie.texto@example.fr',
    telephone: '06 12 34 56 78', mode: 'sms',
  });
  expect(account.phone).toBe('+33612345678');
  expect(account.communicationChannel).toBe('sms');
  await agentsMailAbout(account);
  const before = h.sms.received.length;

  const agent = await agentClient(h.baseUrl);
  expect((await agent.post(`/agent/comptes/${account.id}/valider`, {})).status).toBe(303);

  const sms = await waitUntil('SMS de validation', () => h.sms.received[before]);
  // Brevo takes the international number without its «+».
  expect(sms.recipient).toBe('33612345678');
  expect(sms.sender).toBe('MAIRIE');
  expect(sms.type).toBe('transactional');
  expect(sms.content).toMatch(/^Beaucouzé : votre compte citoyen est validé\./);
  expect(sms.content).toContain(h.baseUrl);
  // Sent before its row is marked sent, in the same transaction: wait for the commit.
  const row = await waitUntil('SMS marqué envoyé', () => h.dataSource.getRepository(Notification)
    .findOneBy({ idempotencyKey: `account:${account.id}:decision`, status: 'sent' }));
  expect(row).toMatchObject({
    channel: 'sms', recipient: '+33612345678', status: 'sent', transport: 'http-sms',
  });

  await sleep(1_000);
  expect(h.sms.received).toHaveLength(before + 1);
  // The identifier still comes by mail (it is needed to log in); the decision does not.
  expect(mailsTo('sophie.texto@example.fr')).toHaveLength(1);
});
