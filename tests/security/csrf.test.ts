// CSRF on every form and every JSON write. The write routes are read from Express's own routers:
// each needs a row below (a new form fails the first test until it gets one). For each row, with
// the right session: no token, a wrong token and another session's token are refused with 403 and
// the French message, and the database is unchanged; with the session's token, the request goes
// through (whatever the route then answers, it is not the CSRF refusal). Every form of every page
// carries the hidden _csrf field first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Account, HouseholdMember } from '../../db/entities';
import { DemarcheService } from '../../api/services/demarches.service';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { createViews } from '../../api/views';
import { startHarness, type Harness } from '../support/harness';
import { agentLogin, signUp, STRONG_PASSWORD, visibleText, waitUntil } from '../support/journeys';
import { pageSamples } from '../support/page-samples';
import { Browser, CSRF_MESSAGE, databaseAtRest, databaseFingerprint, writeRoutes, type Answer } from './web-attacks';

type Who = 'visitor' | 'resident' | 'agent';
type Kind = 'form' | 'json' | 'multipart';

interface Row {
  who: Who;
  /** The path to send to, when the route's parameters need other values than PARAMS'. */
  url?: string;
  /** Multipart forms carry their token as the first field, read before any file is written. */
  kind?: Kind;
  /** The request logs out: tried last, in a session of its own. */
  endsSession?: boolean;
}

/** Machine routes without a session, hence without CSRF token, and why that is safe. */
const EXEMPT: Record<string, string> = {
  // The payment provider's callback: its body is never trusted, it only makes the portal re-read the
  // payment's state from the provider itself.
  'POST /api/v1/paiements/notification': 'callback du prestataire de paiement (relecture seule)',
  // The billing software's invoice import: the régie's API key is the only credential, a cookie gives nothing.
  'POST /api/v1/regies/:code/factures': 'import du logiciel de facturation (clé d’API de la régie)',
};

const ROWS: Record<string, Row> = {
  // ——— résidents, pages ———
  'POST /connexion': { who: 'visitor' },
  'POST /deconnexion': { who: 'resident', endsSession: true },
  'POST /compte/creer/:tab': { who: 'visitor' },
  'POST /mot-de-passe-oublie': { who: 'visitor' },
  'POST /mot-de-passe-oublie/question': { who: 'visitor' },
  'POST /mot-de-passe-oublie/nouveau/:token': { who: 'visitor' },
  'POST /compte/modifier': { who: 'resident' },
  'POST /compte/mot-de-passe': { who: 'resident' },
  'POST /compte/question-secrete': { who: 'resident' },
  'POST /compte/membres/ajouter': { who: 'resident' },
  'POST /compte/membres/:id/modifier': { who: 'resident' },
  'POST /compte/membres/:id/retirer': { who: 'resident' },
  'POST /services/:code/abandonner': { who: 'resident' },
  'POST /services/:code/etape/:step': { who: 'resident' },
  'POST /services/:code/pieces': { who: 'resident', kind: 'multipart' },
  'POST /services/:code/envoyer': { who: 'resident' },
  'POST /demandes/:number/annuler': { who: 'resident' },
  'POST /demandes/:number/repondre': { who: 'resident' },
  'POST /demandes/:number/pieces': { who: 'resident', kind: 'multipart' },
  'POST /actes/:acte': { who: 'visitor' },
  'POST /panier/ajouter': { who: 'resident' },
  'POST /panier/retirer': { who: 'resident' },
  'POST /panier/payer': { who: 'resident' },
  'POST /sandbox/paiement/:id': { who: 'resident' },
  // ——— back office ———
  'POST /agent/connexion': { who: 'visitor' },
  'POST /agent/deconnexion': { who: 'agent', endsSession: true },
  'POST /agent/comptes/:id/valider': { who: 'agent' },
  'POST /agent/comptes/:id/rejeter': { who: 'agent' },
  'POST /agent/demandes/:number/:action': { who: 'agent' },
  'POST /agent/actes/:number/delivrer': { who: 'agent' },
  'POST /agent/actes/:number/refuser': { who: 'agent' },
  'POST /agent/factures/import': { who: 'agent', kind: 'multipart' },
  'POST /agent/regies/:code': { who: 'agent', url: '/agent/regies/ville' },
  'POST /agent/regies/:code/cle': { who: 'agent', url: '/agent/regies/ville/cle' },
  // ——— JSON API (header X-CSRF-Token) ———
  'POST /api/v1/session': { who: 'visitor' },
  'DELETE /api/v1/session': { who: 'resident', endsSession: true },
  'POST /api/v1/accounts': { who: 'visitor' },
  'PATCH /api/v1/me': { who: 'resident' },
  'PUT /api/v1/me/password': { who: 'resident' },
  'PUT /api/v1/me/security-question': { who: 'resident' },
  'POST /api/v1/me/members': { who: 'resident' },
  'PUT /api/v1/me/members/:memberId': { who: 'resident' },
  'DELETE /api/v1/me/members/:memberId': { who: 'resident' },
  'POST /api/v1/password-reset': { who: 'visitor' },
  'POST /api/v1/password-reset/answer': { who: 'visitor' },
  'POST /api/v1/password-reset/:token': { who: 'visitor' },
  'POST /api/v1/agent/session': { who: 'visitor' },
  'POST /api/v1/agent/accounts/:accountId/validate': { who: 'agent' },
  'POST /api/v1/agent/accounts/:accountId/reject': { who: 'agent' },
  'PUT /api/v1/services/:code/draft': { who: 'resident' },
  'POST /api/v1/services/:code/draft/documents': { who: 'resident' },
  'POST /api/v1/services/:code/submit': { who: 'resident' },
  'POST /api/v1/requests/:number/cancel': { who: 'resident' },
  'POST /api/v1/requests/:number/answer': { who: 'resident' },
  'POST /api/v1/agent/requests/:number/record-paper-document': { who: 'agent' },
  'POST /api/v1/agent/requests/:number/request-documents': { who: 'agent' },
  'POST /api/v1/agent/requests/:number/mark-complete': { who: 'agent' },
  'POST /api/v1/agent/requests/:number/validate': { who: 'agent' },
  'POST /api/v1/agent/requests/:number/refuse': { who: 'agent' },
  'POST /api/v1/actes': { who: 'visitor' },
  'POST /api/v1/agent/actes/:number/issue': { who: 'agent' },
  'POST /api/v1/agent/actes/:number/refuse': { who: 'agent' },
  'POST /api/v1/panier/factures': { who: 'resident' },
  'DELETE /api/v1/panier/factures/:invoiceId': { who: 'resident' },
  'POST /api/v1/panier/paiement': { who: 'resident' },
};

/** Route parameters: a real démarche, act, request and pending account; ids nobody has for the rest. */
const PARAMS: Record<string, () => string> = {
  code: () => 'inscription-scolaire',
  step: () => 'identite',
  number: () => requestNumber,
  action: () => 'valider',
  tab: () => 'identite',
  token: () => 'a'.repeat(43),
  acte: () => 'naissance',
  id: () => String(pending.id),
  memberId: () => '999999',
  accountId: () => String(pending.id),
  invoiceId: () => '999999',
};
const urlOf = (key: string): string => ROWS[key].url ?? key.split(' ')[1].replace(/:([a-zA-Z]+)/g, (_m, p: string) => PARAMS[p]());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

let h: Harness;
let pending: Account;
/** The resident's «inscription scolaire», sent: the request routes act on it. */
let requestNumber: string;
const dir = mkdtempSync(path.join(tmpdir(), 'csrf-pieces-'));
const sessions = {} as Record<Who, Browser>;
/** Another browser's session: its token is valid, but not for the victim's session. */
let other: Browser;

async function login(who: Who): Promise<Browser> {
  const b = new Browser(h.baseUrl);
  if (who === 'agent') return agentLogin(b);
  await b.get('/');
  if (who === 'resident') {
    expect((await b.post('/connexion', { identifiant: resident.identifier, mot_de_passe: STRONG_PASSWORD })).status).toBe(303);
    await b.get('/accueil');
  }
  await b.get('/api/v1/session'); // a visitor's session is stored once it holds a token
  return b;
}
let resident: Account;

beforeAll(async () => {
  h = await startHarness('sec_csrf', { DOCUMENTS_DIR: dir });
  const kid = { membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Léo', membre_nom: 'Jeton', membre_date_naissance: '2019-05-02', membre_lien: 'Fils' };
  expect((await signUp(new Browser(h.baseUrl), { prenom: 'Chloé', nom: 'Jeton', email: 'chloe.jeton@example.fr' }, [kid])).status).toBe(303);
  expect((await signUp(new Browser(h.baseUrl), { prenom: 'Paul', nom: 'Attente', email: 'paul.attente@example.fr' })).status).toBe(303);
  resident = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'chloe.jeton@example.fr' });
  pending = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'paul.attente@example.fr' });
  const agent = await login('agent');
  expect((await agent.post(`/agent/comptes/${resident.id}/valider`, {})).status).toBe(303);
  await waitUntil('compte validé', async () => (await h.dataSource.getRepository(Account).findOneByOrFail({ id: resident.id })).status === 'validated');
  const school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  const child = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ accountId: resident.id, firstName: 'Léo' });
  requestNumber = (await h.portal.services.demarches.submit(h.communes.beaucouze, resident, {
    definition: school,
    answers: { niveau: 'CP', restauration_scolaire: 'non' },
    memberId: child.id,
    documents: school.documents.filter((d) => d.required).map((d) => ({ key: d.key, mode: 'paper' as const })),
    submissionKey: DemarcheService.newSubmissionKey(),
  })).number;
  for (const who of ['visitor', 'resident', 'agent'] as const) sessions[who] = await login(who);
  other = await login('visitor');
  // The sign-ups', the validation's and the request's workflows have written all they will.
  await databaseAtRest(h.dataSource);
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every write route of the portal has its row (or is an exempt machine route), and no row is stale', () => {
  const routes = writeRoutes(h.portal.app).map((r) => `${r.method} ${r.path}`);
  expect(routes.length).toBeGreaterThan(60);
  expect([...routes].sort()).toEqual([...Object.keys(ROWS), ...Object.keys(EXEMPT)].sort());
});

/** One request of a row, carrying `token` the way its kind does (none when null). */
function send(browser: Browser, key: string, token: string | null): Promise<Answer> {
  const [method] = key.split(' ');
  const url = urlOf(key);
  const kind: Kind = ROWS[key].kind ?? (url.startsWith('/api/') ? 'json' : 'form');
  if (kind === 'json') return browser.send(method, url, { json: {}, headers: token === null ? {} : { 'x-csrf-token': token } });
  if (kind === 'form') return browser.send(method, url, { form: token === null ? {} : { _csrf: token } });
  const form = new FormData();
  if (token !== null) form.append('_csrf', token);
  const field = url.startsWith('/agent/') ? 'fichier' : 'fichier_livret-famille';
  form.append(field, new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'livret.png');
  return browser.send(method, url, { body: form });
}

/** The CSRF refusal: 403 and the French message, as a page or as JSON. */
function isCsrfRefusal(r: Answer): boolean {
  const json = r.headers.get('content-type')?.includes('json');
  const message = json ? (JSON.parse(r.text) as { error?: { message?: string } }).error?.message : visibleText(r.text);
  return r.status === 403 && (message ?? '').includes(CSRF_MESSAGE);
}

const ordered = Object.keys(ROWS).sort((a, b) => Number(ROWS[a].endsSession ?? false) - Number(ROWS[b].endsSession ?? false));

test.each(ordered)('%s: no token, a wrong token or another session’s token → 403, nothing written', async (key) => {
  const victim = sessions[ROWS[key].who];
  expect(victim.csrf).toMatch(/^[\w-]{43}$/);
  expect(other.csrf).not.toBe(victim.csrf);
  for (const [attempt, token] of [['no token', null], ['wrong token', 'x'.repeat(43)], ['another session’s token', other.csrf]] as const) {
    const before = await databaseFingerprint(h.dataSource);
    const r = await send(victim, key, token);
    expect({ attempt, status: r.status, refused: isCsrfRefusal(r) }).toEqual({ attempt, status: 403, refused: true });
    expect({ attempt, tables: await databaseFingerprint(h.dataSource) }).toEqual({ attempt, tables: before });
  }
});

test('the exempt machine routes give no power to a session cookie', async () => {
  // The import answers to its API key only: an agent's session (even with its token) is refused.
  const agent = sessions.agent;
  const r = await agent.send('POST', '/api/v1/regies/ville/factures', { json: { factures: [] }, headers: { 'x-csrf-token': agent.csrf } });
  expect(r.status).toBe(401);
  // The provider's callback needs no token and changes nothing by itself for an unknown payment.
  const before = await databaseFingerprint(h.dataSource);
  const n = await new Browser(h.baseUrl).send('POST', '/api/v1/paiements/notification', { form: { idop: 'inconnu' } });
  expect(n.status).toBeLessThan(500);
  expect(await databaseFingerprint(h.dataSource)).toEqual(before);
});

test.each(ordered)('%s: with the session’s token, the request goes through', async (key) => {
  const { who, endsSession } = ROWS[key];
  const browser = endsSession ? await login(who) : sessions[who];
  const r = await send(browser, key, browser.csrf);
  expect({ key, forbidden: r.status === 403, csrf: isCsrfRefusal(r), serverError: r.status >= 500 }).toEqual({ key, forbidden: false, csrf: false, serverError: false });
});

/** Every `<form method="post">` of a page: its action and whether its first field is the hidden token. */
function postForms(html: string): Array<{ action: string; tokenFirst: boolean }> {
  return [...html.matchAll(/<form\b[^>]*\bmethod="post"[^>]*>([\s\S]*?)<\/form>/gi)].map((m) => {
    const action = /\baction="([^"]*)"/.exec(m[0])?.[1] ?? '';
    const firstField = /<(input|select|textarea|button)\b[^>]*>/i.exec(m[1])?.[0] ?? '';
    return { action, tokenFirst: /type="hidden"/.test(firstField) && /name="_csrf"/.test(firstField) && /value="[^"]+"/.test(firstField) };
  });
}

test('every post form of every page carries the token as its first field, and posts to a route with a row', async () => {
  const views = createViews({ cache: true });
  const patterns = Object.keys(ROWS).filter((k) => k.startsWith('POST ')).map((k) => new RegExp(`^${k.slice(5).replace(/:[a-zA-Z]+/g, '[^/]+')}$`));
  const html: Array<[string, string]> = pageSamples().map((s) => [s.name, views.render(s.page, s.context)]);
  for (const [who, path] of [['visitor', '/'], ['visitor', '/compte/creer/identite'], ['visitor', '/mot-de-passe-oublie'], ['visitor', '/actes/naissance'], ['resident', '/compte'], ['resident', '/compte/modifier'], ['resident', '/compte/membres/ajouter'], ['resident', '/services/inscription-scolaire'], ['agent', '/agent'], ['agent', '/agent/factures'], ['agent', '/agent/regies']] as const) {
    const r = await sessions[who].get(path);
    if (r.status === 303 && r.location) html.push([`${path} → ${r.location}`, (await sessions[who].get(r.location)).text]);
    else html.push([path, r.text]);
  }
  let forms = 0;
  for (const [page, text] of html) {
    for (const form of postForms(text)) {
      forms += 1;
      const path = new URL(form.action, 'http://portail').pathname;
      expect({ page, action: form.action, tokenFirst: form.tokenFirst }).toEqual({ page, action: form.action, tokenFirst: true });
      expect({ page, action: path, routed: patterns.some((p) => p.test(path)) }).toEqual({ page, action: path, routed: true });
    }
  }
  expect(forms).toBeGreaterThan(50);
});
