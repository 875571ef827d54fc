// Brute force on every door of the portal, counted in MySQL (rate_limit) so that every api replica
// sees the same counters: the residents' and agents' logins (forms and JSON API: 5 failures lock an
// identifier, 30 an address), the recovery's security answer (3 per account), its first step
// (5 unknown identifiers lock that identifier, 20 the address) and its mailed link (10 invalid
// tokens lock the address). The lock answers 429, Retry-After and a French message even to the
// right secret; once the lock window has passed (its rows aged in the table), the right secret works.
// (The answer step by form is in tests/integration/password-reset.test.ts.)
import { randomBytes } from 'node:crypto';
import { Account, Agent, PasswordReset } from '../../db/entities';
import { hashSecret, sha256Hex } from '../../api/services/secrets';
import { DEMO_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import {
  HttpWebClient, SECURITY_ANSWER, signUp, STRONG_PASSWORD, visibleText, type HttpPageResponse,
} from '../support/journeys';
import { Browser, type Answer } from './web-attacks';

let h: Harness;
let alice: Account;
let bruno: Account;
const SECOND_AGENT = { login: 'agent.second', password: 'Second-Agent-Beaucouze-1!' };
beforeAll(async () => {
  h = await startHarness('sec_brute_force');
  await h.dataSource.getRepository(Agent).insert({
    communeId: h.communes.beaucouze.id, login: SECOND_AGENT.login, email: 'second@beaucouze.localhost',
    displayName: 'Second agent', passwordHash: await hashSecret(SECOND_AGENT.password), role: 'agent',
  });
  for (const who of [
    { prenom: 'Alice', nom: 'Verrou', email: 'alice.verrou@example.fr' },
    { prenom: 'Bruno', nom: 'Voisin', email: 'bruno.voisin@example.fr' },
  ]) {
    expect((await signUp(new WebClient(h.baseUrl), who)).status).toBe(303);
  }
  alice = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'alice.verrou@example.fr' });
  bruno = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'bruno.voisin@example.fr' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.dataSource.query('DELETE FROM rate_limit');
});

async function login(identifiant: string, password: string): Promise<HttpPageResponse> {
  const web = new HttpWebClient(h.baseUrl);
  await web.get('/');
  return web.post('/connexion', { identifiant, mot_de_passe: password });
}

const LOCKED = /Trop de tentatives de connexion infructueuses : réessayez dans \d+ minutes?\./;

/**
 * The clock moves past the lock: every counter's expiry is put in the past, as `lockSeconds` later.
 * Before that, each lock row must indeed run for at most that long (and more than a minute).
 */
async function lockWindowPasses(lockSeconds: number): Promise<void> {
  const rows = (await h.dataSource.query('SELECT `key`, expire FROM rate_limit')) as Array<{ key: string; expire: string }>;
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const left = Number(row.expire) - Date.now();
    expect({ key: row.key, inWindow: left > 60_000 && left <= lockSeconds * 1000 }).toEqual({ key: row.key, inWindow: true });
  }
  await h.dataSource.query('UPDATE rate_limit SET expire = ?', [Date.now() - 1]);
}

test('the identifier and the email address share one counter: 3 + 2 failures lock the account', async () => {
  for (let i = 1; i <= 3; i++) expect((await login(alice.identifier, `Faux-${i}-Mot-De-Passe!`)).status).toBe(401);
  for (let i = 1; i <= 2; i++) expect((await login(alice.email.toUpperCase(), `Faux-${i}-Courriel!`)).status).toBe(401);
  const r = await login(alice.email, STRONG_PASSWORD);
  expect(r.status).toBe(429);
  expect(visibleText(r.text)).toMatch(LOCKED);
});

test('5 wrong passwords lock the identifier: the 6th attempt gets 429, even the right one', async () => {
  for (let i = 1; i <= 5; i++) {
    const r = await login(alice.identifier, `Mauvais-Mot-De-Passe-${i}!`);
    expect(r.status).toBe(401);
    expect(visibleText(r.text)).toContain('Identifiant ou mot de passe incorrect.');
  }
  let r = await login(alice.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(429);
  expect(visibleText(r.text)).toMatch(LOCKED);
  expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  // The identifier written in capitals is the same key.
  r = await login(alice.identifier.toUpperCase(), STRONG_PASSWORD);
  expect(r.status).toBe(429);

  // Another identifier from the same address still logs in.
  r = await login(bruno.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(303);
  expect(r.location).toBe('/accueil');

  // Once the lock window has passed, the right password works again.
  await lockWindowPasses(900);
  r = await login(alice.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(303);
});

test('30 failures from one address, over unknown identifiers, lock the address', async () => {
  for (let i = 1; i <= 30; i++) {
    const r = await login(`inconnu.${i}`, 'Pas-Le-Bon-Mot-De-Passe-1!');
    expect(r.status).toBe(401);
  }
  // A real account and its right password, from the same address: refused until the lock ends.
  const r = await login(bruno.identifier, STRONG_PASSWORD);
  expect(r.status).toBe(429);
  expect(visibleText(r.text)).toMatch(LOCKED);
  expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
});

const ANSWER_LOCKED = /Trop de réponses incorrectes : réessayez dans \d+ minutes?\./;
const START_LOCKED = /Trop de demandes pour des identifiants inconnus : réessayez dans \d+ minutes?\./;
const LINK_LOCKED = /Trop de liens de réinitialisation invalides : réessayez dans \d+ minutes?\./;

/** A locked door's answer: 429, Retry-After, and the French message (page or JSON). */
function expectLocked(what: string, r: Answer, message: RegExp): void {
  expect({ what, status: r.status }).toEqual({ what, status: 429 });
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(60);
  const json = r.headers.get('content-type')?.includes('json');
  expect(json ? (JSON.parse(r.text) as { error: { message: string } }).error.message : visibleText(r.text)).toMatch(message);
}

interface Door {
  /** Failures allowed before the lock, and how long it lasts. */
  attempts: number;
  lockSeconds: number;
  locked: RegExp;
  /** One try for the attacked identity, from a fresh browser; `secret` is right or wrong. */
  attempt(secret: string): Promise<Answer>;
  wrong: number;
  right: { secret: string; status: number };
  /** Another identity from the same address still gets in: the lock is the identifier's. */
  other(): Promise<number>;
  otherStatus: number;
}

const freshBrowser = async (page: string): Promise<Browser> => {
  const b = new Browser(h.baseUrl);
  await b.get(page);
  return b;
};
const formLogin = (page: string, action: string, identifiant: string) => async (secret: string) =>
  (await freshBrowser(page)).post(action, { identifiant, mot_de_passe: secret });
const apiLogin = (path: string, identifiant: string) => async (secret: string) =>
  (await freshBrowser('/api/v1/session')).api('POST', path, { identifiant, mot_de_passe: secret });
/** The API's recovery: the identifier, then the answer to the question in the same session. */
const apiAnswer = (identifiant: () => string) => async (reponse: string) => {
  const b = await freshBrowser('/api/v1/session');
  expect((await b.api('POST', '/api/v1/password-reset', { identifiant: identifiant() })).status).toBe(200);
  return b.api('POST', '/api/v1/password-reset/answer', { reponse });
};

const DOORS: Record<string, Door> = {
  'agent login (form)': {
    attempts: 5, lockSeconds: 900, locked: LOCKED, wrong: 401,
    attempt: formLogin('/agent/connexion', '/agent/connexion', DEMO_AGENT.login),
    right: { secret: DEMO_AGENT.password, status: 303 },
    other: async () => (await formLogin('/agent/connexion', '/agent/connexion', SECOND_AGENT.login)(SECOND_AGENT.password)).status,
    otherStatus: 303,
  },
  'resident login (API login)': {
    attempts: 5, lockSeconds: 900, locked: LOCKED, wrong: 401,
    attempt: (secret) => apiLogin('/api/v1/session', alice.identifier)(secret),
    right: { secret: STRONG_PASSWORD, status: 200 },
    other: async () => (await apiLogin('/api/v1/session', bruno.identifier)(STRONG_PASSWORD)).status,
    otherStatus: 200,
  },
  'agent login (API agentLogin)': {
    attempts: 5, lockSeconds: 900, locked: LOCKED, wrong: 401,
    attempt: apiLogin('/api/v1/agent/session', DEMO_AGENT.login),
    right: { secret: DEMO_AGENT.password, status: 200 },
    other: async () => (await apiLogin('/api/v1/agent/session', SECOND_AGENT.login)(SECOND_AGENT.password)).status,
    otherStatus: 200,
  },
  'security answer (API answerSecurityQuestion)': {
    attempts: 3, lockSeconds: 1800, locked: ANSWER_LOCKED, wrong: 422,
    attempt: apiAnswer(() => alice.identifier),
    right: { secret: SECURITY_ANSWER, status: 202 },
    other: async () => (await apiAnswer(() => bruno.identifier)(SECURITY_ANSWER)).status,
    otherStatus: 202,
  },
};

test.each(Object.keys(DOORS))('%s: the identifier is locked after its failures, even for the right secret, until the window passes', async (name) => {
  const door = DOORS[name];
  for (let i = 1; i <= door.attempts; i++) {
    const r = await door.attempt(`Mauvais-Secret-${i}!`);
    expect({ try: i, status: r.status }).toEqual({ try: i, status: door.wrong });
  }
  expectLocked(`${name}, right secret`, await door.attempt(door.right.secret), door.locked);
  expect(await door.other()).toBe(door.otherStatus);
  await lockWindowPasses(door.lockSeconds);
  expect((await door.attempt(door.right.secret)).status).toBe(door.right.status);
});

test('30 failures from one address, half by the agents’ form and half by the JSON API, lock the address for every login', async () => {
  for (let i = 1; i <= 30; i++) {
    const r = i % 2 ? await formLogin('/agent/connexion', '/agent/connexion', `agent.inconnu.${i}`)('Pas-Le-Bon-1!') : await apiLogin('/api/v1/session', `inconnu.${i}`)('Pas-Le-Bon-1!');
    expect({ try: i, status: r.status }).toEqual({ try: i, status: 401 });
  }
  expectLocked('agent form', await formLogin('/agent/connexion', '/agent/connexion', DEMO_AGENT.login)(DEMO_AGENT.password), LOCKED);
  expectLocked('API login', await apiLogin('/api/v1/session', bruno.identifier)(STRONG_PASSWORD), LOCKED);
  expectLocked('API agentLogin', await apiLogin('/api/v1/agent/session', SECOND_AGENT.login)(SECOND_AGENT.password), LOCKED);
  await lockWindowPasses(900);
  expect((await apiLogin('/api/v1/agent/session', DEMO_AGENT.login)(DEMO_AGENT.password)).status).toBe(200);
});

describe('«Mot de passe oublié ?», its first step: no fishing for accounts', () => {
  const start = async (identifiant: string, api = false): Promise<Answer> =>
    api
      ? (await freshBrowser('/api/v1/session')).api('POST', '/api/v1/password-reset', { identifiant })
      : (await freshBrowser('/mot-de-passe-oublie')).post('/mot-de-passe-oublie', { identifiant });

  test('5 tries of one unknown identifier lock it (form and API count together); a real one still starts', async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await start(i % 2 ? 'Personne.Inconnue' : 'personne.inconnue', i % 2 === 0);
      expect({ try: i, status: r.status }).toEqual({ try: i, status: 422 });
    }
    expectLocked('form', await start('personne.inconnue'), START_LOCKED);
    expectLocked('API', await start('personne.inconnue', true), START_LOCKED);
    expect((await start(alice.identifier)).status).toBe(303);
    await lockWindowPasses(1800);
    expect((await start('personne.inconnue')).status).toBe(422);
  });

  test('20 unknown identifiers from one address lock it: even a real identifier waits', async () => {
    for (let i = 1; i <= 20; i++) {
      expect({ try: i, status: (await start(`inconnu.${i}`, i > 10)).status }).toEqual({ try: i, status: 422 });
    }
    expectLocked('form', await start(alice.identifier), START_LOCKED);
    expectLocked('API', await start(bruno.email, true), START_LOCKED);
    await lockWindowPasses(1800);
    expect((await start(alice.identifier)).status).toBe(303);
  });
});

test('guessing the mailed link’s token: 10 invalid tokens lock the address, even for the valid link, page and API', async () => {
  // A valid link, as the passwordReset workflow would have mailed it.
  const token = randomBytes(32).toString('base64url');
  await h.dataSource.getRepository(PasswordReset).insert({ accountId: bruno.id, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + 1800_000), usedAt: null });
  const guess = () => randomBytes(32).toString('base64url');
  for (let i = 1; i <= 10; i++) {
    const r = i % 2 ? await new Browser(h.baseUrl).get(`/mot-de-passe-oublie/nouveau/${guess()}`) : await (await freshBrowser('/api/v1/session')).api('POST', `/api/v1/password-reset/${guess()}`, {});
    expect({ try: i, status: r.status }).toEqual({ try: i, status: 410 });
  }
  expectLocked('link page', await new Browser(h.baseUrl).get(`/mot-de-passe-oublie/nouveau/${token}`), LINK_LOCKED);
  const newPassword = { nouveau_mot_de_passe: 'Lien-Devine-Pas-42!', nouveau_mot_de_passe_confirmation: 'Lien-Devine-Pas-42!' };
  expectLocked('link form', await (await freshBrowser('/')).post(`/mot-de-passe-oublie/nouveau/${token}`, newPassword), LINK_LOCKED);
  expectLocked('API resetPassword', await (await freshBrowser('/api/v1/session')).api('POST', `/api/v1/password-reset/${token}`, newPassword), LINK_LOCKED);
  expect((await h.dataSource.getRepository(PasswordReset).findOneByOrFail({ tokenHash: sha256Hex(token) })).usedAt).toBeNull();
  await lockWindowPasses(1800);
  expect((await new Browser(h.baseUrl).get(`/mot-de-passe-oublie/nouveau/${token}`)).status).toBe(200);
});

test('20 wrong security answers from one address, over 7 accounts, lock the address: even a right answer waits', async () => {
  const accounts = [alice, bruno];
  for (let i = 1; i <= 5; i++) {
    const email = `reponse.${i}@example.fr`;
    expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Réponse', nom: `Numéro${'x'.repeat(i)}`, email })).status).toBe(303);
    accounts.push(await h.dataSource.getRepository(Account).findOneByOrFail({ email }));
  }
  await h.dataSource.query('DELETE FROM rate_limit'); // the sign-ups' own counters
  // 3 wrong answers per account (its own lock), until the address has 20.
  for (let i = 0; i < 20; i++) {
    const r = await apiAnswer(() => accounts[Math.floor(i / 3)].identifier)(`Pas-Medor-${i}`);
    expect({ try: i + 1, status: r.status }).toEqual({ try: i + 1, status: 422 });
  }
  const last = accounts[6];
  expectLocked('right answer of an account with 2 failures only', await apiAnswer(() => last.identifier)(SECURITY_ANSWER), ANSWER_LOCKED);
  await lockWindowPasses(1800);
  expect((await apiAnswer(() => last.identifier)(SECURITY_ANSWER)).status).toBe(202);
});
