// «Mot de passe oublié ?» over the forms: identifier → security question → answer → a mailed,
// single-use, 30-minute link → new password. Never a password by mail; answers throttled.
import { Account, Notification, PasswordReset } from '../../db/entities';
import type { ReceivedMail } from '../support/smtp-receiver';
import { startHarness, WebClient, type Harness } from '../support/harness';
import {
  HttpWebClient,
  SECURITY_QUESTION,
  signUp,
  waitUntil,
  STRONG_PASSWORD,
  visibleText,
  type NewResident,
} from '../support/journeys';

const NEW_PASSWORD = 'Colibri-Rouge-2027?';
const MAIL_WAIT_MS = 20_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness('reset');
});
afterAll(async () => {
  await h?.close();
});

async function createAccount(who: NewResident): Promise<Account> {
  const r = await signUp(new WebClient(h.baseUrl), who);
  expect(r.status).toBe(303);
  return h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
}

const isResetMail = (email: string) => (m: ReceivedMail): boolean =>
  m.to.includes(email) && /^Réinitialisation de votre mot de passe/.test(m.subject);
const resetMails = (email: string): ReceivedMail[] => h.smtp.messages.filter(isResetMail(email));

/** The link of a reset mail: its token, and its path on this portal. */
function linkIn(mail: ReceivedMail): { token: string; path: string } {
  const found = /https?:\/\/\S+\/mot-de-passe-oublie\/nouveau\/([A-Za-z0-9_-]+)/.exec(mail.text);
  expect(found).not.toBeNull();
  const url = new URL((found as RegExpExecArray)[0]);
  expect(url.origin).toBe(h.baseUrl);
  return { token: (found as RegExpExecArray)[1], path: url.pathname };
}

/** Identifier then the right answer; returns the path of the link in the mail that follows. */
async function requestLink(web: WebClient, account: Account): Promise<string> {
  const before = resetMails(account.email).length;
  let r = await web.post('/mot-de-passe-oublie', { identifiant: account.identifier });
  expect(r.status).toBe(303);
  r = await web.post('/mot-de-passe-oublie/question', { reponse: 'medor' });
  expect(r.status).toBe(303);
  expect(r.location).toBe('/mot-de-passe-oublie/envoye');
  await h.smtp.waitFor(() => resetMails(account.email).length > before, MAIL_WAIT_MS);
  const mail = resetMails(account.email)[before];
  return linkIn(mail).path;
}

const newPassword = (password: string, confirmation = password) => ({
  nouveau_mot_de_passe: password, nouveau_mot_de_passe_confirmation: confirmation,
});

async function login(identifier: string, password: string): Promise<number> {
  const web = new WebClient(h.baseUrl);
  await web.get('/');
  return (await web.post('/connexion', { identifiant: identifier, mot_de_passe: password })).status;
}

test('lost password: question, answer, mailed link, new password, the link works once', async () => {
  const account = await createAccount({ prenom: 'Irène', nom: 'Oubli', email: 'irene.oubli@example.fr' });
  const web = new WebClient(h.baseUrl);
  // Someone logged in with the old password (another browser): logged out by the reset.
  const oldSession = new WebClient(h.baseUrl);
  await oldSession.get('/');
  expect((await oldSession.post('/connexion', { identifiant: account.identifier, mot_de_passe: STRONG_PASSWORD })).status).toBe(303);
  expect((await oldSession.get('/accueil')).status).toBe(200);

  expect((await web.get('/mot-de-passe-oublie')).status).toBe(200);
  let r = await web.post('/mot-de-passe-oublie', { identifiant: 'personne.inconnue' });
  expect(r.status).toBe(422);
  expect(visibleText(r.text)).toContain('Aucun compte ne correspond à cet identifiant.');
  r = await web.post('/mot-de-passe-oublie', { identifiant: 'IRÈNE.OUBLI' });
  expect(r.status).toBe(303);
  expect(r.location).toBe('/mot-de-passe-oublie/question');
  const question = await web.get('/mot-de-passe-oublie/question');
  expect(question.status).toBe(200);
  expect(visibleText(question.text)).toContain(SECURITY_QUESTION);

  r = await web.post('/mot-de-passe-oublie/question', { reponse: 'Félix' });
  expect(r.status).toBe(422);
  expect(visibleText(r.text)).toContain('La réponse ne correspond pas à celle que vous avez enregistrée.');
  // The answer is compared without case nor accents («Médor» was registered).
  r = await web.post('/mot-de-passe-oublie/question', { reponse: '  MEDOR ' });
  expect(r.status).toBe(303);
  expect(r.location).toBe('/mot-de-passe-oublie/envoye');

  const mail = await h.smtp.waitFor(isResetMail(account.email), MAIL_WAIT_MS);
  const { token, path } = linkIn(mail);
  expect(mail.html).toContain(`/mot-de-passe-oublie/nouveau/${token}`);
  expect(mail.text).toContain('30 minutes');
  // Never a password in the mail; and once sent, the outbox keeps no readable copy of the link.
  for (const body of [mail.text, mail.html, mail.raw]) expect(body).not.toContain(STRONG_PASSWORD);
  // The mail leaves before its row is marked sent, in the same transaction: wait for the commit.
  const stored = await waitUntil('courriel marqué envoyé', () => h.dataSource.getRepository(Notification)
    .findOneBy({ recipient: account.email, subject: mail.subject, status: 'sent' }));
  expect(stored.bodyText).not.toContain(token);
  expect(stored.bodyHtml ?? '').not.toContain(token);

  const form = await web.get(path);
  expect(form.status).toBe(200);
  expect(form.text).toContain('name="nouveau_mot_de_passe"');

  r = await web.post(path, newPassword('soleil123'));
  expect(r.status).toBe(422);
  expect(visibleText(r.text)).toMatch(/Le mot de passe est trop faible|au moins 12 caractères/);
  r = await web.post(path, newPassword(NEW_PASSWORD, 'Colibri-Rouge-2027!'));
  expect(r.status).toBe(422);
  expect(visibleText(r.text)).toContain('Les deux mots de passe saisis ne sont pas identiques.');
  r = await web.post(path, newPassword(NEW_PASSWORD));
  expect(r.status).toBe(303);
  expect(r.location).toBe('/mot-de-passe-oublie/termine');

  expect(await login(account.identifier, STRONG_PASSWORD)).toBe(401);
  expect(await login(account.identifier, NEW_PASSWORD)).toBe(303);
  expect((await oldSession.get('/accueil')).location).toBe('/');
  // The holder is told of the change, without the password.
  const notice = await h.smtp.waitFor((m) => m.to.includes(account.email) && /mot de passe a été modifié/i.test(m.subject), MAIL_WAIT_MS);
  expect(notice.text).toContain('Mot de passe oublié');
  expect(notice.text).not.toContain(NEW_PASSWORD);
  for (const body of [mail.text, mail.html]) expect(body).not.toContain(NEW_PASSWORD);

  // The same link a second time: used.
  const again = await web.get(path);
  expect(again.status).toBe(410);
  expect(visibleText(again.text)).toContain("Ce lien n'est plus valable");
  r = await web.post(path, newPassword('Autre-Mot-De-Passe-99!'));
  expect(r.status).toBe(410);
  expect(await login(account.identifier, NEW_PASSWORD)).toBe(303);
  expect(resetMails(account.email)).toHaveLength(1);
});

test('an expired link is refused (410) and changes nothing', async () => {
  const account = await createAccount({ prenom: 'Jules', nom: 'Tardif', email: 'jules.tardif@example.fr' });
  const web = new WebClient(h.baseUrl);
  const path = await requestLink(web, account);
  const before = await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id });

  const aMinuteAgo = new Date(Date.now() - 60_000);
  await h.dataSource.query('UPDATE password_reset SET expires_at = ? WHERE account_id = ?', [
    aMinuteAgo, account.id,
  ]);
  const page = await web.get(path);
  expect(page.status).toBe(410);
  expect(visibleText(page.text)).toContain("Ce lien n'est plus valable");
  const r = await web.post(path, newPassword(NEW_PASSWORD));
  expect(r.status).toBe(410);

  const after = await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id });
  expect(after.passwordHash).toBe(before.passwordHash);
  const link = await h.dataSource.getRepository(PasswordReset).findOneByOrFail({ accountId: account.id });
  expect(link.usedAt).toBeNull();
  expect(await login(account.identifier, STRONG_PASSWORD)).toBe(303);
});

test('3 wrong answers lock the reset: the 4th gets 429 and Retry-After, even when right', async () => {
  const account = await createAccount({ prenom: 'Hugo', nom: 'Bloqué', email: 'hugo.bloque@example.fr' });
  const web = new HttpWebClient(h.baseUrl);
  let r = await web.post('/mot-de-passe-oublie', { identifiant: account.identifier });
  expect(r.status).toBe(303);
  for (const wrong of ['Félix', 'Rex', 'Minou']) {
    r = await web.post('/mot-de-passe-oublie/question', { reponse: wrong });
    expect(r.status).toBe(422);
  }
  r = await web.post('/mot-de-passe-oublie/question', { reponse: 'Médor' });
  expect(r.status).toBe(429);
  expect(visibleText(r.text)).toMatch(/Trop de réponses incorrectes : réessayez dans \d+ minutes?\./);
  const retryAfter = Number(r.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(1800);

  // Starting again from the identifier does not lift the lock; no link was ever made.
  r = await web.post('/mot-de-passe-oublie', { identifiant: account.identifier });
  expect(r.status).toBe(303);
  r = await web.post('/mot-de-passe-oublie/question', { reponse: 'Médor' });
  expect(r.status).toBe(429);
  expect(await h.dataSource.getRepository(PasswordReset).countBy({ accountId: account.id })).toBe(0);
  expect(resetMails(account.email)).toHaveLength(0);
});
