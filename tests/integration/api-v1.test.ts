// The JSON API over HTTP, against the whole portal (MariaDB, Temporal, SMTP): session and CSRF,
// sign-up in one request, the account locked until an agent's decision, members, contact
// details, password and question changes, the lost-password flow by mailed link, and the errors.
import { Account, HouseholdMember, PasswordReset } from '../../db/entities';
import { DEMO_AGENT, OTHER_AGENT, startHarness, WebClient, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('api_v1');
});
afterAll(async () => {
  await h?.close();
});

const PASSWORD = 'Tournesol-Bleu-42!';
const QUESTION = 'Quel est le nom de votre premier animal de compagnie ?';

interface ApiError {
  error: { code: string; message: string; fields: Record<string, string> };
}

/** A client with a session and its CSRF token, as any JSON client starts. */
async function apiClient(): Promise<WebClient> {
  const web = new WebClient(h.baseUrl);
  const session = await web.api<{ csrfToken: string; user: null }>('GET', '/api/v1/session');
  expect(session.status).toBe(200);
  expect(session.body.user).toBeNull();
  web.csrf = session.body.csrfToken;
  return web;
}

async function captcha(web: WebClient): Promise<{ id: string; answer: string }> {
  const r = await web.api<{ id: string; imageUrl: string; audioUrl: string; testAnswer: string }>('GET', '/api/v1/captcha');
  expect(r.status).toBe(200);
  expect(r.body.imageUrl).toBe(`/captcha/${r.body.id}.svg`);
  return { id: r.body.id, answer: r.body.testAnswer };
}

function signUpBody(who: { prenom: string; nom: string; email: string }, extra: Record<string, unknown> = {}) {
  return {
    civilite: 'Madame', prenom: who.prenom, nom: who.nom, date_naissance: '1985-03-14',
    email: who.email, telephone: '', adresse: '3 rue de la Mairie', code_postal: '49070', ville: 'Beaucouzé',
    mode_communication: 'email',
    membres: [
      { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Zoé', membre_nom: who.nom, membre_date_naissance: '2016-09-01', membre_lien: 'Fille' },
    ],
    mot_de_passe: PASSWORD, mot_de_passe_confirmation: PASSWORD, question: QUESTION, reponse: 'Médor',
    ...extra,
  };
}

async function signUp(who: { prenom: string; nom: string; email: string }): Promise<Account> {
  const web = await apiClient();
  const c = await captcha(web);
  const r = await web.api('POST', '/api/v1/accounts', signUpBody(who, { captcha_id: c.id, cryptogramme: c.answer }));
  expect(r.status).toBe(201);
  return h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
}

async function login(identifiant: string, motDePasse = PASSWORD, path = '/api/v1/session'): Promise<WebClient> {
  const web = await apiClient();
  const r = await web.api<{ csrfToken: string; user: Record<string, unknown> }>('POST', path, { identifiant, mot_de_passe: motDePasse });
  expect(r.status).toBe(200);
  web.csrf = r.body.csrfToken;
  return web;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('session: CSRF token required on writes, JSON errors, no caching, description served', async () => {
  const anonymous = new WebClient(h.baseUrl);
  let r = await anonymous.api<ApiError>('POST', '/api/v1/session', { identifiant: 'x', mot_de_passe: 'y' });
  expect(r.status).toBe(403);
  expect(r.body.error.code).toBe('csrf');

  const res = await fetch(`${h.baseUrl}/api/v1/session`);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.getSetCookie().join()).toMatch(/portail\.sid=/);

  const web = await apiClient();
  r = await web.api<ApiError>('GET', '/api/v1/nimporte-quoi');
  expect(r.status).toBe(404);
  expect(r.body.error.code).toBe('not_found');
  r = await web.api<ApiError>('GET', '/api/v1/me');
  expect(r.status).toBe(401);
  expect(r.body.error).toEqual({ code: 'unauthenticated', message: expect.any(String), fields: {} });

  const spec = await web.api<{ openapi: string; paths: Record<string, unknown> }>('GET', '/api/v1/openapi.json');
  expect(spec.status).toBe(200);
  expect(spec.body.openapi).toBe('3.0.3');
  expect(Object.keys(spec.body.paths)).toContain('/me/members/{memberId}');
});

test('sign-up: every error at once, the cryptogramme kept for the corrected request, then 201 without the identifier', async () => {
  const web = await apiClient();
  const c = await captcha(web);
  const who = { prenom: 'Amélie', nom: 'Lire', email: 'amelie.api@example.fr' };
  let r = await web.api<ApiError>('POST', '/api/v1/accounts', signUpBody(who, {
    prenom: '', code_postal: '4907', mot_de_passe_confirmation: 'autre chose',
    membres: [
      { membre_type: 'adulte', membre_civilite: 'Monsieur', membre_prenom: 'Paul', membre_nom: 'Lire', membre_date_naissance: '1983-05-05' },
      { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Zoé<script>', membre_nom: 'Lire', membre_date_naissance: '2016-09-01' },
    ],
    captcha_id: c.id,
  }));
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.error.fields).sort()).toEqual(
    ['code_postal', 'cryptogramme', 'membres.1.membre_prenom', 'mot_de_passe_confirmation', 'prenom'].sort(),
  );
  expect(r.body.error.fields.prenom).toBe('Le prénom est obligatoire.');

  r = await web.api<ApiError>('POST', '/api/v1/accounts', signUpBody(who, { membres: 'Zoé', captcha_id: c.id, cryptogramme: c.answer }));
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.error.fields)).toEqual(['membres']);
  const thirteen = Array.from({ length: 13 }, (_, i) => ({
    membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: `Zoé${'e'.repeat(i)}`, membre_nom: 'Lire', membre_date_naissance: '2016-09-01',
  }));
  r = await web.api<ApiError>('POST', '/api/v1/accounts', signUpBody(who, { membres: thirteen, captcha_id: c.id, cryptogramme: c.answer }));
  expect(r.status).toBe(422);
  expect(r.body.error.fields.membres).toMatch(/au plus 12 membres/);

  // None of the refused requests used the cryptogramme: the corrected one passes with it.
  const created = await web.api<Record<string, unknown>>('POST', '/api/v1/accounts', signUpBody(who, { captcha_id: c.id, cryptogramme: c.answer }));
  expect(created.status).toBe(201);
  expect(created.body).toEqual({ status: 'pending', email: 'amelie.api@example.fr', validationDeadline: expect.any(String) });
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
  expect(new Date(created.body.validationDeadline as string).getTime()).toBe(account.validationDeadline.getTime());
  expect(await h.dataSource.getRepository(HouseholdMember).countBy({ accountId: account.id })).toBe(1);
  const mail = await h.smtp.waitFor((m) => m.to.includes(who.email), 20_000);
  expect(mail.text).toContain(account.identifier);

  // Same address again: 409 on the field; a spent cryptogramme: 422 on the field.
  const again = await captcha(web);
  r = await web.api<ApiError>('POST', '/api/v1/accounts', signUpBody(who, { captcha_id: again.id, cryptogramme: again.answer }));
  expect(r.status).toBe(409);
  expect(Object.keys(r.body.error.fields)).toEqual(['email']);
  r = await web.api<ApiError>('POST', '/api/v1/accounts', signUpBody({ ...who, email: 'autre.api@example.fr' }, {
    captcha_id: c.id, cryptogramme: c.answer,
  }));
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.error.fields)).toEqual(['cryptogramme']);
});

test('resident and agent: locked until validated, agent decisions, members, contact, password and question', async () => {
  const account = await signUp({ prenom: 'Bérénice', nom: 'Api', email: 'berenice.api@example.fr' });
  const anonymous = await apiClient();
  let r = await anonymous.api<ApiError>('POST', '/api/v1/session', { identifiant: account.identifier, mot_de_passe: 'mauvais' });
  expect(r.status).toBe(401);

  const before = await apiClient();
  const oldToken = before.csrf;
  const opened = await before.api<{ csrfToken: string; user: Record<string, unknown> }>('POST', '/api/v1/session', {
    identifiant: 'BÉRÉNICE.API', mot_de_passe: PASSWORD,
  });
  expect(opened.status).toBe(200);
  expect(opened.body.user).toEqual({ kind: 'resident', identifier: 'bérénice.api', prenom: 'Bérénice', nom: 'Api', statut: 'pending' });
  expect(opened.body.csrfToken).not.toBe(oldToken);
  // The session was renewed: the token read before the login is worthless.
  r = await before.api<ApiError>('PATCH', '/api/v1/me', {});
  expect(r.status).toBe(403);
  expect(r.body.error.code).toBe('csrf');
  const resident = before;
  resident.csrf = opened.body.csrfToken;

  const me = await resident.api<Record<string, unknown>>('GET', '/api/v1/me');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ identifier: 'bérénice.api', statut: 'pending', email: 'berenice.api@example.fr', securityQuestion: QUESTION });
  expect(JSON.stringify(me.body)).not.toMatch(/argon2|hash/i);

  const contact = { email: 'berenice.nouvelle@example.fr', telephone: '06 12 34 56 78', adresse: '5 place Jacques Prévert', code_postal: '49070', ville: 'Beaucouzé', mode_communication: 'sms' };
  r = await resident.api<ApiError>('PATCH', '/api/v1/me', contact);
  expect(r.status).toBe(403);
  expect(r.body.error.code).toBe('account_not_validated');
  r = await resident.api<ApiError>('POST', '/api/v1/me/members', { membre_type: 'adulte', membre_civilite: 'Monsieur', membre_prenom: 'Paul', membre_nom: 'Api', membre_date_naissance: '1983-05-05' });
  expect(r.status).toBe(403);

  // Agents: the resident is no agent; another commune's agent cannot log in here.
  r = await resident.api<ApiError>('GET', '/api/v1/agent/accounts');
  expect(r.status).toBe(401);
  const stranger = await apiClient();
  r = await stranger.api<ApiError>('POST', '/api/v1/agent/session', { identifiant: OTHER_AGENT.login, mot_de_passe: OTHER_AGENT.password });
  expect(r.status).toBe(401);

  const agent = await login(DEMO_AGENT.login, DEMO_AGENT.password, '/api/v1/agent/session');
  const session = await agent.api<{ user: Record<string, unknown> }>('GET', '/api/v1/session');
  expect(session.body.user).toMatchObject({ kind: 'agent', login: DEMO_AGENT.login });
  const pending = await agent.api<Array<Record<string, unknown>>>('GET', '/api/v1/agent/accounts');
  expect(pending.status).toBe(200);
  expect(pending.body.find((p) => p.id === account.id)).toEqual({
    id: account.id, identifier: 'bérénice.api', prenom: 'Bérénice', nom: 'Api', email: 'berenice.api@example.fr',
    createdAt: expect.any(String), validationDeadline: expect.any(String), overdue: false,
  });
  r = await agent.api<ApiError>('POST', '/api/v1/agent/accounts/12abc/validate');
  expect(r.status).toBe(404);
  r = await agent.api<ApiError>('POST', '/api/v1/agent/accounts/999999/validate');
  expect(r.status).toBe(404);
  r = await agent.api<ApiError>('POST', `/api/v1/agent/accounts/${account.id}/reject`, { motif: '' });
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.error.fields)).toEqual(['motif']);
  r = await agent.api<ApiError>('POST', `/api/v1/agent/accounts/${account.id}/validate`);
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ status: 'validated' });
  r = await agent.api<ApiError>('POST', `/api/v1/agent/accounts/${account.id}/reject`, { motif: 'Doublon' });
  expect(r.status).toBe(409);

  const validated = await eventually(() => resident.api<{ statut: string }>('GET', '/api/v1/me'), (x) => x.body.statut === 'validated');
  expect(validated.body.statut).toBe('validated');

  // Members: adults first; ids are digits only; another household's member is not found.
  const child = await resident.api<{ id: number }>('POST', '/api/v1/me/members', { membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Léo', membre_nom: 'Api', membre_date_naissance: '2019-02-02' });
  expect(child.status).toBe(201);
  const adult = await resident.api<{ id: number }>('POST', '/api/v1/me/members', { membre_type: 'adulte', membre_civilite: 'Monsieur', membre_prenom: 'Paul', membre_nom: 'Api', membre_date_naissance: '1983-05-05', membre_lien: 'Conjoint' });
  expect(adult.status).toBe(201);
  expect(adult.body).toMatchObject({ membre_type: 'adulte', membre_prenom: 'Paul', membre_lien: 'Conjoint' });
  const list = await resident.api<Array<{ id: number; membre_prenom: string }>>('GET', '/api/v1/me/members');
  expect(list.body.map((m) => m.membre_prenom)).toEqual(['Paul', 'Zoé', 'Léo']);
  r = await resident.api<ApiError>('PUT', `/api/v1/me/members/${adult.body.id}abc`, {});
  expect(r.status).toBe(404);
  r = await resident.api<ApiError>('PUT', `/api/v1/me/members/${adult.body.id}`, { membre_type: 'adulte' });
  expect(r.status).toBe(422);
  expect(r.body.error.fields).toHaveProperty('membre_prenom');
  r = await resident.api<ApiError>('PUT', `/api/v1/me/members/${adult.body.id}`, {
    membre_type: 'adulte', membre_civilite: 'Monsieur', membre_prenom: 'Paul-Henri', membre_nom: 'Api', membre_date_naissance: '1983-05-05',
  });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ id: adult.body.id, membre_prenom: 'Paul-Henri', membre_lien: null });
  const otherAccount = await signUp({ prenom: 'Cyril', nom: 'Voisin', email: 'cyril.voisin@example.fr' });
  const foreign = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ accountId: otherAccount.id });
  r = await resident.api<ApiError>('DELETE', `/api/v1/me/members/${foreign.id}`);
  expect(r.status).toBe(404);
  r = await resident.api<ApiError>('DELETE', `/api/v1/me/members/${child.body.id}`);
  expect(r.status).toBe(204);
  r = await resident.api<ApiError>('DELETE', `/api/v1/me/members/${child.body.id}`);
  expect(r.status).toBe(404);

  // Contact details: SMS needs a phone; the saved values come back normalised.
  r = await resident.api<ApiError>('PATCH', '/api/v1/me', { ...contact, telephone: '' });
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.error.fields)).toEqual(['telephone']);
  const patched = await resident.api<Record<string, unknown>>('PATCH', '/api/v1/me', contact);
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ email: 'berenice.nouvelle@example.fr', telephone: '+33612345678', mode_communication: 'sms' });

  // Password and question, each behind the current password.
  const NEW_PASSWORD = 'Girouette-Verte-77?';
  r = await resident.api<ApiError>('PUT', '/api/v1/me/password', { mot_de_passe_actuel: 'faux', nouveau_mot_de_passe: NEW_PASSWORD, nouveau_mot_de_passe_confirmation: NEW_PASSWORD });
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.error.fields)).toEqual(['mot_de_passe_actuel']);
  r = await resident.api('PUT', '/api/v1/me/password', { mot_de_passe_actuel: PASSWORD, nouveau_mot_de_passe: NEW_PASSWORD, nouveau_mot_de_passe_confirmation: NEW_PASSWORD });
  expect(r.status).toBe(204);
  r = await resident.api('PUT', '/api/v1/me/security-question', { mot_de_passe_actuel: NEW_PASSWORD, question: 'Quel est le titre de votre livre préféré ?', reponse: 'Les Misérables' });
  expect(r.status).toBe(204);
  expect((await resident.api<{ securityQuestion: string }>('GET', '/api/v1/me')).body.securityQuestion).toBe('Quel est le titre de votre livre préféré ?');

  r = await resident.api('DELETE', '/api/v1/session');
  expect(r.status).toBe(204);
  r = await resident.api<ApiError>('GET', '/api/v1/me');
  expect(r.status).toBe(401);
  await login('berenice.nouvelle@example.fr', NEW_PASSWORD);

  // A rejection, with its reason, reaches the resident's view.
  r = await agent.api('POST', `/api/v1/agent/accounts/${otherAccount.id}/reject`, { motif: 'Adresse hors de la commune' });
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ status: 'rejected' });
  const cyril = await login(otherAccount.identifier);
  const rejected = await eventually(() => cyril.api<Record<string, unknown>>('GET', '/api/v1/me'), (x) => x.body.statut === 'rejected');
  expect(rejected.body).toMatchObject({ statut: 'rejected', rejectionReason: 'Adresse hors de la commune' });
});

test('lost password: identifier, question, mailed single-use link, new password', async () => {
  const account = await signUp({ prenom: 'Denise', nom: 'Oubli', email: 'denise.oubli@example.fr' });
  const web = await apiClient();
  let r = await web.api<ApiError>('POST', '/api/v1/password-reset/answer', { reponse: 'Médor' });
  expect(r.status).toBe(409);
  expect(r.body.error.message).toBe('Commencez par indiquer votre identifiant.');

  r = await web.api<ApiError>('POST', '/api/v1/password-reset', { identifiant: 'personne.inconnue' });
  expect(r.status).toBe(422);
  const start = await web.api<{ question: string }>('POST', '/api/v1/password-reset', { identifiant: 'Denise.Oubli' });
  expect(start.status).toBe(200);
  expect(start.body).toEqual({ question: QUESTION });
  r = await web.api<ApiError>('POST', '/api/v1/password-reset/answer', { reponse: 'Rex' });
  expect(r.status).toBe(422);
  expect(Object.keys(r.body.error.fields)).toEqual(['reponse']);
  const answered = await web.api<{ message: string }>('POST', '/api/v1/password-reset/answer', { reponse: 'MEDOR' });
  expect(answered.status).toBe(202);
  expect(answered.body.message).toBe('Un courriel contenant un lien de réinitialisation vous a été envoyé.');
  // The step is spent: answering again needs the identifier again.
  r = await web.api<ApiError>('POST', '/api/v1/password-reset/answer', { reponse: 'Médor' });
  expect(r.status).toBe(409);

  const mail = await h.smtp.waitFor((m) => m.to.includes('denise.oubli@example.fr') && /Réinitialisation/.test(m.subject), 20_000);
  const token = /\/mot-de-passe-oublie\/nouveau\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] as string;
  expect(token).toBeTruthy();
  expect(await h.dataSource.getRepository(PasswordReset).countBy({ accountId: account.id })).toBe(1);

  const NEW_PASSWORD = 'Horloge-Rouge-19%';
  r = await web.api<ApiError>('POST', `/api/v1/password-reset/${token}`, { nouveau_mot_de_passe: NEW_PASSWORD, nouveau_mot_de_passe_confirmation: 'autre' });
  expect(r.status).toBe(422);
  r = await web.api('POST', `/api/v1/password-reset/${token}`, { nouveau_mot_de_passe: NEW_PASSWORD, nouveau_mot_de_passe_confirmation: NEW_PASSWORD });
  expect(r.status).toBe(204);
  r = await web.api<ApiError>('POST', `/api/v1/password-reset/${token}`, { nouveau_mot_de_passe: NEW_PASSWORD, nouveau_mot_de_passe_confirmation: NEW_PASSWORD });
  expect(r.status).toBe(410);
  expect(r.body.error.code).toBe('reset_link_invalid');
  await login('denise.oubli', NEW_PASSWORD);
});
