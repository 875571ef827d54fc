// Session fixation and session hygiene: a new session id at every login and after a password change
// or reset, a planted id never logged in, a logout that ends the session in the store, the cookie's
// flags (Secure in production), and residents and agents kept on their own side.
import { randomBytes } from 'node:crypto';
import { Account, PasswordReset } from '../../db/entities';
import { SESSION_COOKIE } from '../../api/middleware/session';
import { sha256Hex } from '../../api/services/secrets';
import { DEMO_AGENT, startHarness, type Harness } from '../support/harness';
import { agentLogin, signUp, STRONG_PASSWORD, waitUntil } from '../support/journeys';
import { Browser, startApiAs } from './web-attacks';

let h: Harness;
let alice: Account;
let password = STRONG_PASSWORD;
beforeAll(async () => {
  h = await startHarness('sec_sessions');
  expect((await signUp(new Browser(h.baseUrl), { prenom: 'Alice', nom: 'Session', email: 'alice.session@example.fr' })).status).toBe(303);
  alice = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'alice.session@example.fr' });
  // Only a validated account may change its password.
  const agent = await agentLogin(new Browser(h.baseUrl));
  expect((await agent.post(`/agent/comptes/${alice.id}/valider`, {})).status).toBe(303);
  await waitUntil('compte validé', async () => (await h.dataSource.getRepository(Account).findOneByOrFail({ id: alice.id })).status === 'validated');
});
afterAll(async () => {
  await h?.close();
});

const storedSession = async (id: string | undefined): Promise<boolean> =>
  ((await h.dataSource.query('SELECT session_id FROM sessions WHERE session_id = ?', [id ?? ''])) as unknown[]).length === 1;

/** A browser holding a copy of another's cookies, as an attacker who planted or stole them. */
function copyOf(browser: Browser): Browser {
  const copy = new Browser(browser.baseUrl);
  for (const [k, v] of browser.cookies) copy.cookies.set(k, v);
  copy.csrf = browser.csrf;
  return copy;
}

/** Is this browser logged in as the resident, the agent, or nobody? Read on the JSON API. */
async function whoIs(browser: Browser): Promise<string> {
  const r = await browser.send('GET', '/api/v1/session');
  const user = (JSON.parse(r.text) as { user: { kind?: string; type?: string } | null }).user;
  return user ? JSON.stringify(user).match(/agent|resident/)?.[0] ?? 'someone' : 'nobody';
}

/** The three ways in: [who, the login page to open, the login itself]. */
const LOGINS: Array<[string, string, (b: Browser) => Promise<number>]> = [
  ['resident (form)', '/', async (b) => (await b.post('/connexion', { identifiant: alice.identifier, mot_de_passe: password })).status],
  ['agent (form)', '/agent/connexion', async (b) => (await b.post('/agent/connexion', { identifiant: DEMO_AGENT.login, mot_de_passe: DEMO_AGENT.password })).status],
  ['resident (API login)', '/api/v1/session', async (b) => (await b.api('POST', '/api/v1/session', { identifiant: alice.identifier, mot_de_passe: password })).status],
  ['agent (API agentLogin)', '/api/v1/session', async (b) => (await b.api('POST', '/api/v1/agent/session', { identifiant: DEMO_AGENT.login, mot_de_passe: DEMO_AGENT.password })).status],
];

test.each(LOGINS)('%s: the login gives a new session id, and the planted one stays anonymous', async (_who, page, login) => {
  // The attacker opens the portal and plants the session cookie in the victim's browser.
  const attacker = new Browser(h.baseUrl);
  await attacker.get(page);
  await attacker.send('GET', '/api/v1/session');
  const planted = attacker.sessionId;
  expect(planted).toBeDefined();
  expect(await storedSession(planted)).toBe(true);
  const victim = copyOf(attacker);

  expect([200, 303]).toContain(await login(victim));
  expect(victim.sessionId).toBeDefined();
  expect(victim.sessionId).not.toBe(planted);
  expect(await storedSession(planted)).toBe(false);
  expect(await whoIs(victim)).not.toBe('nobody');
  expect(await whoIs(attacker)).toBe('nobody');
});

test('a resident’s password change gives a new session id; the old cookie and other devices are logged out', async () => {
  const web = new Browser(h.baseUrl);
  await web.get('/');
  expect((await web.post('/connexion', { identifiant: alice.identifier, mot_de_passe: password })).status).toBe(303);
  const otherDevice = new Browser(h.baseUrl);
  await otherDevice.get('/');
  expect((await otherDevice.post('/connexion', { identifiant: alice.identifier, mot_de_passe: password })).status).toBe(303);
  const stolen = copyOf(web);
  await web.get('/compte/mot-de-passe');

  const next = 'Nouveau-Tournesol-43!';
  const r = await web.post('/compte/mot-de-passe', { mot_de_passe_actuel: password, nouveau_mot_de_passe: next, nouveau_mot_de_passe_confirmation: next });
  expect(r.status).toBe(303);
  password = next;
  expect(web.sessionId).not.toBe(stolen.sessionId);
  expect((await web.get('/compte')).status).toBe(200);
  expect(await whoIs(stolen)).toBe('nobody');
  expect(await whoIs(otherDevice)).toBe('nobody');

  // The same through the JSON API (changePassword): the caller keeps going with its token.
  const api = new Browser(h.baseUrl);
  await api.get('/api/v1/session');
  expect((await api.api('POST', '/api/v1/session', { identifiant: alice.identifier, mot_de_passe: password })).status).toBe(200);
  const copied = copyOf(api);
  const again = 'Encore-Tournesol-44!';
  expect((await api.api('PUT', '/api/v1/me/password', { mot_de_passe_actuel: password, nouveau_mot_de_passe: again, nouveau_mot_de_passe_confirmation: again })).status).toBe(204);
  password = again;
  expect(api.sessionId).not.toBe(copied.sessionId);
  expect(await whoIs(api)).toBe('resident');
  expect((await api.api('PATCH', '/api/v1/me', {})).status).not.toBe(403);
  expect(await whoIs(copied)).toBe('nobody');
});

test('a password reset from the mailed link gives the browser a new session id', async () => {
  for (const [path, submit] of [
    ['/mot-de-passe-oublie/nouveau/', (b: Browser, p: string, body: Record<string, string>) => b.post(p, body)],
    ['/api/v1/password-reset/', (b: Browser, p: string, body: Record<string, string>) => b.api('POST', p, body)],
  ] as const) {
    // The link's token as the passwordReset workflow would have mailed it.
    const token = randomBytes(32).toString('base64url');
    await h.dataSource.getRepository(PasswordReset).insert({ accountId: alice.id, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + 600_000), usedAt: null });
    const web = new Browser(h.baseUrl);
    await web.get(path.startsWith('/api') ? '/api/v1/session' : `${path}${token}`);
    const before = web.sessionId;
    expect(before).toBeDefined();
    const next = `Reinit-${path.length}-Tournesol!`;
    const r = await submit(web, `${path}${token}`, { nouveau_mot_de_passe: next, nouveau_mot_de_passe_confirmation: next });
    expect({ path, status: r.status }).toEqual({ path, status: path.startsWith('/api') ? 204 : 303 });
    password = next;
    expect(web.sessionId).toBeDefined();
    expect(web.sessionId).not.toBe(before);
    expect(await storedSession(before)).toBe(false);
  }
});

/** [who, how to log in, the logout request]. */
const LOGOUTS: Array<[string, (b: Browser) => Promise<unknown>, (b: Browser) => Promise<unknown>]> = [
  ['resident (form)', (b) => b.get('/').then(() => b.post('/connexion', { identifiant: alice.identifier, mot_de_passe: password })), (b) => b.post('/deconnexion', {})],
  ['agent (form)', (b) => b.get('/agent/connexion').then(() => b.post('/agent/connexion', { identifiant: DEMO_AGENT.login, mot_de_passe: DEMO_AGENT.password })), (b) => b.post('/agent/deconnexion', {})],
  ['resident (API logout)', (b) => b.get('/api/v1/session').then(() => b.api('POST', '/api/v1/session', { identifiant: alice.identifier, mot_de_passe: password })), (b) => b.api('DELETE', '/api/v1/session')],
];

test.each(LOGOUTS)('%s: logging out deletes the session in the store; the old cookie is worth nothing', async (_who, login, logout) => {
  const web = new Browser(h.baseUrl);
  await login(web);
  expect(await whoIs(web)).not.toBe('nobody');
  const kept = copyOf(web);
  expect(await storedSession(kept.sessionId)).toBe(true);
  await logout(web);
  expect(await storedSession(kept.sessionId)).toBe(false);
  expect(await whoIs(kept)).toBe('nobody');
  expect((await kept.get('/accueil')).location).toBe('/');
  expect((await kept.get('/agent')).location).toBe('/agent/connexion');
});

/** The session cookie's attributes, by name. */
function cookieFlags(setCookie: string[]): Map<string, string> {
  const cookie = setCookie.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  expect(cookie).toBeDefined();
  return new Map((cookie as string).split(';').slice(1).map((a) => a.trim().split('=')).map(([k, v]) => [k.toLowerCase(), v ?? '']));
}

test('the session cookie is HttpOnly and SameSite=Lax everywhere, Secure in production', async () => {
  const test = cookieFlags((await new Browser(h.baseUrl).get('/api/v1/session')).headers.getSetCookie());
  expect(test.has('httponly')).toBe(true);
  expect(test.get('samesite')?.toLowerCase()).toBe('lax');
  expect(test.has('secure')).toBe(false);

  const production = await startApiAs(h, 'production');
  try {
    const r = await new Browser(production.baseUrl).send('GET', '/api/v1/session', { headers: { 'x-forwarded-proto': 'https' } });
    const prod = cookieFlags(r.headers.getSetCookie());
    expect(prod.has('httponly')).toBe(true);
    expect(prod.get('samesite')?.toLowerCase()).toBe('lax');
    expect(prod.has('secure')).toBe(true);
  } finally {
    await production.close();
  }
});

test('a resident’s session does not open the back office, nor an agent’s the resident’s pages', async () => {
  const resident = new Browser(h.baseUrl);
  await resident.get('/');
  expect((await resident.post('/connexion', { identifiant: alice.identifier, mot_de_passe: password })).status).toBe(303);
  await resident.get('/accueil');
  expect((await resident.get('/agent')).location).toBe('/agent/connexion');
  expect((await resident.get('/agent/demandes')).location).toBe('/agent/connexion');
  expect((await resident.post(`/agent/comptes/${alice.id}/valider`, {})).status).toBe(401);
  expect((await resident.send('GET', '/api/v1/agent/accounts')).status).toBe(401);

  const agent = new Browser(h.baseUrl);
  await agent.get('/agent/connexion');
  expect((await agent.post('/agent/connexion', { identifiant: DEMO_AGENT.login, mot_de_passe: DEMO_AGENT.password })).status).toBe(303);
  await agent.get('/agent');
  expect((await agent.get('/accueil')).location).toBe('/');
  expect((await agent.get('/compte')).status).not.toBe(200);
  expect((await agent.post('/compte/modifier', { email: 'pirate@example.fr' })).status).not.toBe(303);
  expect((await agent.send('GET', '/api/v1/me')).status).toBe(401);
});
