// Security headers on every kind of answer (pages, JSON, static files, error pages), HSTS only in
// production, and no inline script, event handler or style attribute that the CSP would block.
import { startHarness, type Harness } from '../support/harness';
import { agentLogin, signUp } from '../support/journeys';
import { createViews } from '../../api/views';
import { pageSamples } from '../support/page-samples';
import { Account } from '../../db/entities';
import { Browser, startApiAs, type Answer } from './web-attacks';

let h: Harness;
let resident: Browser;
let agent: Browser;
beforeAll(async () => {
  h = await startHarness('sec_headers');
  expect((await signUp(new Browser(h.baseUrl), { prenom: 'Hélène', nom: 'Entete', email: 'helene.entete@example.fr' })).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'helene.entete@example.fr' });
  resident = new Browser(h.baseUrl);
  await resident.get('/');
  expect((await resident.post('/connexion', { identifiant: account.identifier, mot_de_passe: 'Tournesol-Bleu-42!' })).status).toBe(303);
  agent = await agentLogin(new Browser(h.baseUrl));
});
afterAll(async () => {
  await h?.close();
});

/** What every answer must carry, whatever its kind. */
function expectSecurityHeaders(what: string, r: Answer): void {
  const csp = r.headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  expect({ what, scriptSrc: directives.get('script-src') }).toEqual({ what, scriptSrc: ["'self'"] });
  expect({ what, frameAncestors: directives.get('frame-ancestors') }).toEqual({ what, frameAncestors: ["'none'"] });
  expect({ what, unsafe: csp.match(/'unsafe-[a-z-]+'/g) }).toEqual({ what, unsafe: null });
  expect({ what, nosniff: r.headers.get('x-content-type-options') }).toEqual({ what, nosniff: 'nosniff' });
  expect({ what, referrer: r.headers.get('referrer-policy') }).toEqual({ what, referrer: expect.stringMatching(/^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/) });
  expect({ what, poweredBy: r.headers.get('x-powered-by') }).toEqual({ what, poweredBy: null });
}

/** One answer of each kind: [what, who asks, method, path, expected status]. */
const ANSWERS: Array<[string, () => Browser, string, string, number]> = [
  ['home page', () => new Browser(h.baseUrl), 'GET', '/', 200],
  ["resident's «Accueil»", () => resident, 'GET', '/accueil', 200],
  ["agent's back office", () => agent, 'GET', '/agent', 200],
  ['stylesheet', () => new Browser(h.baseUrl), 'GET', '/static/styles.css', 200],
  ['JSON session', () => new Browser(h.baseUrl), 'GET', '/api/v1/session', 200],
  ['OpenAPI document', () => new Browser(h.baseUrl), 'GET', '/api/openapi.json', 200],
  ['JSON 401', () => new Browser(h.baseUrl), 'GET', '/api/v1/me', 401],
  ['page 404', () => new Browser(h.baseUrl), 'GET', '/page-qui-n-existe-pas', 404],
  ['static 404', () => new Browser(h.baseUrl), 'GET', '/static/absent.js', 404],
  ['JSON 401 of a résident route', () => new Browser(h.baseUrl), 'GET', '/api/v1/requests/BEA-2026-999999', 401],
  ['JSON 404', () => new Browser(h.baseUrl), 'GET', '/api/v1/inconnu', 404],
  ['form 403 (no CSRF token)', () => new Browser(h.baseUrl), 'POST', '/connexion', 403],
  ['agent page for a resident (redirect)', () => resident, 'GET', '/agent', 303],
];

test.each(ANSWERS)('%s carries the security headers', async (_what, who, method, path, status) => {
  const r = await who().send(method, path);
  expect(r.status).toBe(status);
  expectSecurityHeaders(`${method} ${path}`, r);
  expect(r.headers.get('strict-transport-security')).toBeNull();
});

test('a JSON body that cannot be read is a 400 in French with the same headers', async () => {
  const web = new Browser(h.baseUrl);
  await web.get('/api/v1/session');
  const r = await web.send('POST', '/api/v1/session', { body: '{"identifiant":', headers: { 'content-type': 'application/json', 'x-csrf-token': web.csrf } });
  expect(r.status).toBe(400);
  expect((JSON.parse(r.text) as { error: { message: string } }).error.message).toMatch(/[éèàê]/);
  expectSecurityHeaders('bad JSON', r);
});

test('HSTS in production only: present on pages, static files and errors; absent in development', async () => {
  const production = await startApiAs(h, 'production');
  const development = await startApiAs(h, 'development');
  try {
    for (const path of ['/', '/static/styles.css', '/page-qui-n-existe-pas', '/api/v1/session']) {
      const prod = await new Browser(production.baseUrl).send('GET', path, { headers: { 'x-forwarded-proto': 'https' } });
      expect({ path, hsts: prod.headers.get('strict-transport-security') }).toEqual({ path, hsts: expect.stringMatching(/max-age=(\d{8,}).*includeSubDomains/) });
      expectSecurityHeaders(`production ${path}`, prod);
      const dev = await new Browser(development.baseUrl).send('GET', path);
      expect({ path, hsts: dev.headers.get('strict-transport-security') }).toEqual({ path, hsts: null });
      expectSecurityHeaders(`development ${path}`, dev);
    }
  } finally {
    await production.close();
    await development.close();
  }
});

/** What the CSP (script-src 'self', style-src 'self') would block in a page: each is a defect. */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>/gi)) if (!/\bsrc\s*=/i.test(m[1])) found.push(m[0]);
  for (const m of html.matchAll(/<[a-z][^>]*?\s(on[a-z]+|style)\s*=[^>]*>/gi)) found.push(m[0]);
  for (const m of html.matchAll(/<style\b[^>]*>/gi)) found.push(m[0]);
  for (const m of html.matchAll(/\b(href|src|action)\s*=\s*["']?\s*javascript:/gi)) found.push(m[0]);
  return found;
}

test('no page sample carries inline script, event handler or style', () => {
  const views = createViews({ cache: true });
  const samples = pageSamples();
  expect(samples.length).toBeGreaterThan(50);
  const defects = samples.map((s) => [s.name, inlineCode(views.render(s.page, s.context))] as const).filter(([, found]) => found.length);
  expect(defects).toEqual([]);
});

test('nor do the real pages visited as a resident, an agent and a visitor', async () => {
  const visits: Array<[Browser, string]> = [
    [new Browser(h.baseUrl), '/'], [new Browser(h.baseUrl), '/compte/creer/identite'], [new Browser(h.baseUrl), '/mot-de-passe-oublie'],
    [resident, '/accueil'], [resident, '/compte'], [resident, '/demandes'], [resident, '/comptes'],
    [agent, '/agent'], [agent, '/agent/demandes'], [agent, '/agent/actes'], [agent, '/agent/factures'],
  ];
  for (const [who, path] of visits) {
    const r = await who.get(path);
    expect({ path, status: r.status }).toEqual({ path, status: 200 });
    expect({ path, found: inlineCode(r.text) }).toEqual({ path, found: [] });
  }
});
