// Issue 7's authorization matrix, against the whole portal (MariaDB, Temporal, SMTP): every
// operation of /api/openapi.json, every back-office page and the resident's private pages, called
// by six people — nobody, resident A, resident B (another household of Beaucouzé), agent X (a plain
// agent of Beaucouzé), agent Y (Saint-Clair's agent, on Saint-Clair's portal) and the admin of
// Beaucouzé — each against A's or Beaucouzé's objects. The expected answer of each cell is written
// below as a table; a refused write must leave its target as it was, and no answer to B, Y or
// nobody may show A's data. A new operation, back-office route or page without its row (or, for a
// public page, its reason) fails the suite. Beside the matrix: the régies' API keys, sessions
// replayed on the other commune's portal, and another commune's administrator on the régies.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import {
  Account, Agent, BasketItem, CivilStatusHistory, CivilStatusRequest, DemarcheDraft, DemarcheRequest, HouseholdMember,
  Invoice, Payment, Regie, RequestDocument, RequestHistory,
} from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { parisIsoDay } from '../../domain/dates';
import { hashSecret } from '../../api/services/secrets';
import { hashApiKey } from '../../api/services/invoice-import.service';
import { DemarcheService } from '../../api/services/demarches.service';
import { DEMO_REGIES } from '../../db/seed';
import { DEMO_AGENT, OTHER_AGENT, OTHER_COMMUNE, startHarness, WebClient, type Harness } from '../support/harness';
import { HttpWebClient, SECURITY_ANSWER, SECURITY_QUESTION, signUp, STRONG_PASSWORD } from '../support/journeys';
import { appRoutes } from './web-attacks';
import {
  ACTORS, ActorClient, agentSession, openSession, residentSession, type ActorName, type Answer, type Payload,
} from '../support/authorization-actors';

// ——— the cells ———

/** Goes through: 2xx or 3xx (not to a login page), or 409/422 for a business reason on a write. */
const ALLOW = 'allow';
/** Public by design: answered without asking who calls (never 401 or 403, never 5xx). */
const OPEN = 'open';
/** Allowed on the caller's own household or commune only: nothing of A's or X's shown or changed. */
const OWN = 'own only';
/** Not signed in as the kind of user the operation is for: 401 (a page: the login page). */
const LOGIN = 'login';
/** Another household's or commune's object: 404, as if it did not exist. */
const HIDDEN = 'hidden';
/** Signed in, but the commune's administrator only: 403. */
const ADMIN = 'admin only';
type Cell = typeof ALLOW | typeof OPEN | typeof OWN | typeof LOGIN | typeof HIDDEN | typeof ADMIN;
const REFUSALS: readonly Cell[] = [LOGIN, HIDDEN, ADMIN];

type Row = readonly [Cell, Cell, Cell, Cell, Cell, Cell];

// ——— the JSON API: one row per operationId of /api/openapi.json ———

const OPERATIONS: Record<string, Row> = {
  //                               anonymous residentA residentB agentX  agentY  admin
  getOpenApiDocument:             [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  getSession:                     [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  // Everyone posts A's credentials: they open Beaucouzé's portal, not Saint-Clair's.
  login:                          [OPEN,   OPEN,   OPEN,   OPEN,   LOGIN,  OPEN],
  logout:                         [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  getCaptcha:                     [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  createAccount:                  [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  getMe:                          [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  updateMe:                       [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  changePassword:                 [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  changeSecurityQuestion:         [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  listMembers:                    [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  addMember:                      [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  updateMember:                   [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  removeMember:                   [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  // «Mot de passe oublié ?»: the security answer and the mailed token are the credentials.
  startPasswordReset:             [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  answerSecurityQuestion:         [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  resetPassword:                  [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  // Everyone posts agent X's credentials: they open Beaucouzé's back office, not Saint-Clair's.
  agentLogin:                     [OPEN,   OPEN,   OPEN,   OPEN,   LOGIN,  OPEN],
  listPendingAccounts:            [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  validateAccount:                [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  rejectAccount:                  [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  listServices:                   [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  getService:                     [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  saveDraft:                      [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  uploadDocument:                 [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  submitRequest:                  [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  listRequests:                   [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  getRequest:                     [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  cancelRequest:                  [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  answerRequest:                  [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  listRequestsForAgent:           [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  recordPaperDocument:            [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  requestDocuments:               [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  markRequestComplete:            [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  validateRequest:                [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  refuseRequest:                  [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  // Certificates need no account; the tracking link's token is its own credential.
  submitCivilStatusRequest:       [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  trackCivilStatusRequest:        [OPEN,   OPEN,   OPEN,   OPEN,   HIDDEN, OPEN],
  listCivilStatusRequests:        [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  issueCivilStatusCertificate:    [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  refuseCivilStatusRequest:       [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  listInvoices:                   [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  getBasket:                      [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  addToBasket:                    [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  removeFromBasket:               [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  checkoutBasket:                 [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  getPayment:                     [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  // The providers' callback: no session by design, and an unknown payment changes nothing.
  paymentNotification:            [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  // A machine route: a régie's API key is its only credential, no session opens it (keys: below).
  importInvoices:                 [LOGIN,  LOGIN,  LOGIN,  LOGIN,  LOGIN,  LOGIN],
};

// ——— the back office: one row per route of the /agent router (read from Express at run time) ———

const BACK_OFFICE: Record<string, Row> = {
  //                                              anonymous residentA residentB agentX  agentY  admin
  'GET /agent/connexion':                        [OPEN,   OPEN,   OPEN,   OPEN,   OPEN,   OPEN],
  // Everyone posts agent X's credentials, as for agentLogin.
  'POST /agent/connexion':                       [OPEN,   OPEN,   OPEN,   OPEN,   LOGIN,  OPEN],
  'POST /agent/deconnexion':                     [LOGIN,  LOGIN,  LOGIN,  ALLOW,  ALLOW,  ALLOW],
  'GET /agent':                                  [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  'GET /agent/comptes/:id':                      [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'POST /agent/comptes/:id/valider':             [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'POST /agent/comptes/:id/rejeter':             [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'GET /agent/demandes':                         [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  'GET /agent/demandes/:number':                 [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'GET /agent/demandes/:number/documents/:documentId': [LOGIN, LOGIN, LOGIN, ALLOW, HIDDEN, ALLOW],
  'POST /agent/demandes/:number/:action':        [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'GET /agent/actes':                            [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  'GET /agent/actes/:number':                    [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'POST /agent/actes/:number/delivrer':          [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'POST /agent/actes/:number/refuser':           [LOGIN,  LOGIN,  LOGIN,  ALLOW,  HIDDEN, ALLOW],
  'GET /agent/factures':                         [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  // Agent Y imports into Saint-Clair: A's line is refused there, Beaucouzé's invoices untouched.
  'POST /agent/factures/import':                 [LOGIN,  LOGIN,  LOGIN,  ALLOW,  OWN,    ALLOW],
  'GET /agent/regies/:code':                     [LOGIN,  LOGIN,  LOGIN,  ADMIN,  ADMIN,  ALLOW],
  'POST /agent/regies/:code':                    [LOGIN,  LOGIN,  LOGIN,  ADMIN,  ADMIN,  ALLOW],
  'POST /agent/regies/:code/cle':                [LOGIN,  LOGIN,  LOGIN,  ADMIN,  ADMIN,  ALLOW],
};

// ——— the resident's private pages and their forms (agents are no residents: the login page) ———

const RESIDENT_PAGES: Record<string, Row> = {
  //                                              anonymous residentA residentB agentX  agentY  admin
  'GET /accueil':                                [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /compte':                                 [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /compte/modifier':                        [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /compte/modifier':                       [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /compte/mot-de-passe':                    [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /compte/mot-de-passe':                   [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /compte/question-secrete':                [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /compte/question-secrete':               [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /compte/membres/ajouter':                 [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /compte/membres/ajouter':                [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /compte/membres/:id/modifier':            [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'POST /compte/membres/:id/modifier':           [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'GET /compte/membres/:id/retirer':             [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'POST /compte/membres/:id/retirer':            [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'GET /services':                               [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /services/:code':                         [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /services/:code/etape/:step':             [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /services/:code/etape/:step':            [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /services/:code/pieces':                  [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /services/:code/pieces':                 [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /services/:code/recapitulatif':           [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /services/:code/envoyer':                [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /services/:code/abandonner':             [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /demandes':                               [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /demandes/:number':                       [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'GET /demandes/:number/confirmation':          [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'POST /demandes/:number/repondre':             [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'POST /demandes/:number/pieces':               [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'POST /demandes/:number/annuler':              [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'GET /comptes':                                [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /panier':                                 [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'POST /panier/ajouter':                        [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'POST /panier/retirer':                        [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  'POST /panier/payer':                          [LOGIN,  ALLOW,  OWN,    LOGIN,  LOGIN,  LOGIN],
  'GET /paiement/retour/:reference':             [LOGIN,  ALLOW,  HIDDEN, LOGIN,  LOGIN,  LOGIN],
  // The tracking link's token is its own credential (the page shows no personal data).
  'GET /suivi/:token':                           [OPEN,   OPEN,   OPEN,   OPEN,   HIDDEN, OPEN],
};

// ——— the rest of what the app serves: open to everyone, each for a reason ———

const PUBLIC_PAGES: Record<string, string> = {
  'GET /healthz': 'liveness probe, no data',
  'GET /readyz': 'readiness probe, no data',
  'GET /metrics': 'Prometheus counters by route, no personal data (issue 6)',
  'GET /api/openapi.json': 'the API’s description',
  'GET /captcha/:id.svg': 'the cryptogramme of a sign-up or certificate form',
  'GET /captcha/:id.wav': 'the cryptogramme read aloud',
  'GET /sandbox/paiement/:id': 'the sandbox provider’s card page (tests only): its random id is the payment page’s own secret',
  'POST /sandbox/paiement/:id': 'the sandbox provider’s card form (tests only)',
  'GET /': 'the home page with the login box',
  'GET /connexion': 'the login box',
  'POST /connexion': 'logging in',
  'POST /deconnexion': 'logging out ends the caller’s own session only',
  'GET /compte/creer': 'sign-up',
  'GET /compte/creer/:tab': 'sign-up, tab by tab (the draft lives in the caller’s own session)',
  'POST /compte/creer/:tab': 'sign-up, tab by tab',
  'GET /compte/cree': 'sign-up sent',
  'GET /mot-de-passe-oublie': '«Mot de passe oublié ?»: the identifier',
  'POST /mot-de-passe-oublie': '«Mot de passe oublié ?»: the identifier',
  'GET /mot-de-passe-oublie/question': 'the security question (the caller’s own session)',
  'POST /mot-de-passe-oublie/question': 'the security answer is the credential',
  'GET /mot-de-passe-oublie/envoye': 'the link was mailed',
  'GET /mot-de-passe-oublie/nouveau/:token': 'the mailed token is the credential',
  'POST /mot-de-passe-oublie/nouveau/:token': 'the mailed token is the credential',
  'GET /mot-de-passe-oublie/termine': 'password changed',
  'GET /actes': 'certificates need no account',
  'GET /actes/demande-envoyee': 'the caller’s own submission (from its session)',
  'GET /actes/:acte': 'certificates need no account',
  'POST /actes/:acte': 'certificates need no account (captcha, throttled)',
};

// ——— the people and A's (and Beaucouzé's) objects ———

const SAINT_CLAIR_HOST = `demarches-${OTHER_COMMUNE.slug}.localhost`;
const AGENT_X = { login: 'agent.guichet', password: 'Beaucouze-Agent-2026!' };
const SAINT_CLAIR_KEY = 'saint-clair-regie-ville-cle-matrice';
/** The billing software's key of a demo régie (the admin's «nouvelle clé» cell, later, replaces «ville»'s). */
const demoKey = (code: string): string => DEMO_REGIES.find((r) => r.code === code)?.apiKey as string;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const CSV_HEADER = 'numero;regie;compte;service;periode;date_emission;echeance;montant';
const child = (prenom: string) => ({
  membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: prenom, membre_nom: 'Matrice',
  membre_date_naissance: '2019-05-02', membre_lien: 'Fils',
});

interface Fixtures {
  a: Account;
  b: Account;
  /** A's children: Léo (the démarches'), Zoé (the API's member rows), Jules (the pages'). */
  members: { leo: HouseholdMember; zoe: HouseholdMember; jules: HouseholdMember };
  /** Accounts waiting for Beaucouzé's decision. */
  pending: { validateApi: Account; rejectApi: Account; validatePage: Account; rejectPage: Account };
  /** A's démarches, one per family of actions so that each starts from «déposée». */
  demarches: { read: DemarcheRequest; cancel: DemarcheRequest; agentApi: DemarcheRequest; agentPage: DemarcheRequest; residentPage: DemarcheRequest };
  /** The document A uploaded with `demarches.read`. */
  documentId: number;
  /** A's certificate requests, with their tracking tokens. */
  actes: { issueApi: Acte; refuseApi: Acte; issuePage: Acte; refusePage: Acte };
  invoices: { add: Invoice; page: Invoice; basket: Invoice };
  /** A payment A made earlier. */
  payment: Payment;
  regies: { ville: Regie; ccas: Regie; saintClair: Regie };
}
interface Acte {
  number: string;
  token: string;
}

let h: Harness;
let f: Fixtures;
const clients = {} as Record<ActorName, ActorClient>;
/** What no answer to B, Y or nobody may contain: A's and Beaucouzé's pending people's data. */
let markers: string[] = [];

const repo = <T extends ObjectLiteral>(entity: EntityTarget<T>) => h.dataSource.getRepository(entity);

async function freshClient(actor: ActorName): Promise<ActorClient> {
  switch (actor) {
    case 'anonymous': return openSession(new ActorClient(h.baseUrl));
    case 'residentA': return residentSession(new ActorClient(h.baseUrl), f.a.identifier, STRONG_PASSWORD);
    case 'residentB': return residentSession(new ActorClient(h.baseUrl), f.b.identifier, STRONG_PASSWORD);
    case 'agentX': return agentSession(new ActorClient(h.baseUrl), AGENT_X.login, AGENT_X.password);
    case 'agentY': return agentSession(new ActorClient(h.baseUrl, SAINT_CLAIR_HOST), OTHER_AGENT.login, OTHER_AGENT.password);
    case 'admin': return agentSession(new ActorClient(h.baseUrl), DEMO_AGENT.login, DEMO_AGENT.password);
  }
}

let sequence = 0;
async function household(prenom: string, nom: string, members: Array<Record<string, string>> = []): Promise<Account> {
  sequence += 1;
  const email = `${prenom}.${nom}.${sequence}@example.fr`.toLowerCase();
  expect((await signUp(new WebClient(h.baseUrl), { prenom, nom, email }, members)).status).toBe(303);
  return repo(Account).findOneByOrFail({ email });
}

/** An inscription scolaire for Léo, the proof of address uploaded, the other two to be posted. */
async function schoolRequest(a: Account, leo: HouseholdMember): Promise<DemarcheRequest> {
  const school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  const dir = path.join(h.config.documents.dir, 'matrice');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.pdf`);
  writeFileSync(file, PDF);
  return h.portal.services.demarches.submit(h.communes.beaucouze, a, {
    definition: school,
    answers: { niveau: 'CP', restauration_scolaire: true },
    memberId: leo.id,
    documents: [
      {
        key: 'justificatif-domicile', mode: 'upload', fileName: 'justificatif.pdf', mimeType: 'application/pdf',
        sizeBytes: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'), storagePath: path.relative(h.config.documents.dir, file),
      },
      { key: 'livret-famille', mode: 'paper' },
      { key: 'carnet-vaccination', mode: 'paper' },
    ],
    submissionKey: DemarcheService.newSubmissionKey(),
  });
}

/** A birth certificate asked by `client` (a fresh captcha each time), for `email`. */
async function acteBody(client: ActorClient, email: string): Promise<Record<string, unknown>> {
  const captcha = ActorClient.json<{ id: string; testAnswer: string }>(await client.send('GET', '/api/v1/captcha'));
  return {
    act: 'naissance',
    answers: {
      type_copie: 'extrait_avec_filiation', nombre_exemplaires: 1, nom: 'Matrice', prenoms: 'Alice', date_evenement: '1990-03-03',
      parent1_nom: 'Matrice', parent1_prenoms: 'Claire', lien: 'titulaire', demandeur_nom: 'Matrice', demandeur_prenom: 'Alice',
      email, telephone: '', adresse: '3 rue de la Mairie', complement: '', code_postal: '49070', ville: 'Beaucouzé', pays: 'France',
    },
    captchaId: captcha?.id,
    captchaAnswer: captcha?.testAnswer,
    submissionKey: randomUUID(),
  };
}

async function acteOf(client: ActorClient, email: string): Promise<Acte> {
  const r = await client.send('POST', '/api/v1/actes', { json: await acteBody(client, email) });
  expect({ status: r.status, text: r.status === 201 ? '' : r.text }).toEqual({ status: 201, text: '' });
  const body = ActorClient.json<{ number: string; trackingUrl: string }>(r);
  return { number: body?.number as string, token: body?.trackingUrl.slice('/suivi/'.length) as string };
}

async function invoiceOf(a: Account, regie: Regie, label: string): Promise<Invoice> {
  const row = repo(Invoice).create({
    communeId: a.communeId, regieId: regie.id, accountId: a.id, number: `MTX-${label}-${Date.now()}`,
    service: 'Restauration scolaire', periodLabel: 'Octobre 2026', issuedOn: parisIsoDay(new Date(Date.now() - 10 * 86_400_000)),
    dueOn: null, amountCents: 2500, status: 'a_payer', paymentId: null, paidAt: null, importedAt: new Date(),
  });
  await repo(Invoice).insert(row);
  return row;
}

beforeAll(async () => {
  h = await startHarness('authz_matrix');
  const beaucouze = h.communes.beaucouze;
  await repo(Agent).insert({
    communeId: beaucouze.id, login: AGENT_X.login, email: 'guichet@beaucouze.localhost', displayName: 'Agent du guichet de Beaucouzé',
    passwordHash: await hashSecret(AGENT_X.password), role: 'agent',
  });
  await repo(Regie).insert({
    communeId: h.communes.saintClair.id, code: 'ville', name: 'Ville de Saint-Clair', services: ['Scolaire'], provider: 'sandbox',
    payfipNumcli: null, payfipMode: null, apiKeyHash: hashApiKey(SAINT_CLAIR_KEY),
  });

  const a = await household('Alice', 'Matrice', [child('Léo'), child('Zoé'), child('Jules')]);
  const b = await household('Bruno', 'Voisinage');
  const pending = {
    validateApi: await household('Pia', 'Attente'),
    rejectApi: await household('Remi', 'Attente'),
    validatePage: await household('Vera', 'Attente'),
    rejectPage: await household('Rita', 'Attente'),
  };
  // A and B are validated by the mairie, as an agent does it.
  clients.admin = await freshClient('admin');
  for (const account of [a, b]) {
    expect((await clients.admin.send('POST', `/api/v1/agent/accounts/${account.id}/validate`)).status).toBe(200);
  }
  const memberOf = (prenom: string) => repo(HouseholdMember).findOneByOrFail({ accountId: a.id, firstName: prenom });
  const members = { leo: await memberOf('Léo'), zoe: await memberOf('Zoé'), jules: await memberOf('Jules') };
  const fixtures: Partial<Fixtures> = {
    a: await repo(Account).findOneByOrFail({ id: a.id }),
    b: await repo(Account).findOneByOrFail({ id: b.id }),
    members,
    pending,
  };
  f = fixtures as Fixtures;
  for (const actor of ACTORS) clients[actor] ??= await freshClient(actor);

  const demarches = {
    read: await schoolRequest(f.a, members.leo),
    cancel: await schoolRequest(f.a, members.leo),
    agentApi: await schoolRequest(f.a, members.leo),
    agentPage: await schoolRequest(f.a, members.leo),
    residentPage: await schoolRequest(f.a, members.leo),
  };
  const uploaded = await repo(RequestDocument).findOneByOrFail({ requestId: demarches.read.id, mode: 'upload' });
  const actes = {
    issueApi: await acteOf(clients.residentA, f.a.email),
    refuseApi: await acteOf(clients.residentA, f.a.email),
    issuePage: await acteOf(clients.residentA, f.a.email),
    refusePage: await acteOf(clients.residentA, f.a.email),
  };
  const regies = {
    ville: await repo(Regie).findOneByOrFail({ communeId: beaucouze.id, code: 'ville' }),
    ccas: await repo(Regie).findOneByOrFail({ communeId: beaucouze.id, code: 'ccas' }),
    saintClair: await repo(Regie).findOneByOrFail({ communeId: h.communes.saintClair.id, code: 'ville' }),
  };
  const invoices = {
    add: await invoiceOf(f.a, regies.ville, 'AJOUT'),
    page: await invoiceOf(f.a, regies.ville, 'PAGE'),
    basket: await invoiceOf(f.a, regies.ville, 'PANIER'),
  };
  expect((await clients.residentA.send('POST', '/api/v1/panier/factures', { json: { facture: invoices.basket.id } })).status).toBe(200);
  const payment = repo(Payment).create({
    communeId: beaucouze.id, accountId: f.a.id, regieId: regies.ville.id, reference: `BEAPMTX${String(Date.now() % 10_000_000).padStart(7, '0')}`,
    provider: 'sandbox', providerRef: null, redirectUrl: null, amountCents: 4200, status: 'payee', email: f.a.email,
    resultCode: '00000', authorisation: null, createdAt: new Date(), decidedAt: new Date(),
  });
  await repo(Payment).insert(payment);
  Object.assign(fixtures, { demarches, documentId: uploaded.id, actes, invoices, payment, regies });

  markers = [
    f.a.email, f.a.identifier, ...Object.values(pending).map((p) => p.email),
    ...Object.values(demarches).map((d) => d.number), ...Object.values(actes).map((x) => x.number),
    ...Object.values(invoices).map((i) => i.number), payment.reference,
  ];
});
afterAll(async () => {
  await h?.close();
});
// Every caller comes from 127.0.0.1: each cell starts with the address's login, sign-up,
// security-answer and certificate counters at zero, so that a 429 never hides the answer.
beforeEach(async () => {
  await h.dataSource.query('DELETE FROM rate_limit');
});

// ——— what each cell sends ———

interface Call {
  method: string;
  path: string;
  payload?: Payload;
  headers?: Record<string, string>;
  /** The operation ends or replaces the session: a new one of the same person is used. */
  fresh?: boolean;
  /** What a refused write must leave as it was (also checked on OPEN cells that must change nothing). */
  unchanged?: () => Promise<unknown>;
  /** Why A's data may be in the answer to someone else. */
  shows?: string;
  /** Logging out: going through ends on the login page. */
  endsOnLoginPage?: boolean;
}

type CallOf = (ctx: { actor: ActorName; client: ActorClient; method: string; path: string }) => Partial<Call> | Promise<Partial<Call>>;

/** The path of a route with its parameters filled: `/requests/{number}` or `/demandes/:number`. */
function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}|:(\w+)/g, (_m, a?: string, b?: string) => {
    const name = (a ?? b) as string;
    if (params[name] === undefined) throw new Error(`paramètre ${name} manquant pour ${template}`);
    return encodeURIComponent(String(params[name]));
  });
}

const own = (actor: ActorName): Account => (actor === 'residentB' ? f.b : f.a);
const contactOf = (a: Account) => ({
  email: a.email, telephone: a.phone ?? '', adresse: a.addressLine, code_postal: a.postalCode, ville: a.city, mode_communication: a.communicationChannel,
});
const memberBody = { ...child('Zoé'), membre_lien: 'Fille', membre_civilite: 'Madame' };

// States read before and after a refused write.
const accountState = (id: number) => async () => repo(Account).findOneByOrFail({ id });
const memberState = (id: number) => async () => repo(HouseholdMember).findBy({ id });
const membersOfA = () => repo(HouseholdMember).countBy({ accountId: f.a.id });
const draftsOfA = () => repo(DemarcheDraft).findBy({ accountId: f.a.id });
const demarcheState = (r: DemarcheRequest) => async () => ({
  status: (await repo(DemarcheRequest).findOneByOrFail({ id: r.id })).status,
  history: await repo(RequestHistory).countBy({ requestId: r.id }),
  documents: (await repo(RequestDocument).findBy({ requestId: r.id })).map((d) => `${d.documentKey}:${d.state}`).sort(),
});
const acteState = (x: Acte) => async () => {
  const row = await repo(CivilStatusRequest).findOneByOrFail({ number: x.number });
  return { status: row.status, history: await repo(CivilStatusHistory).countBy({ requestId: row.id }) };
};
const basketState = () => repo(BasketItem).find({ order: { accountId: 'ASC', invoiceId: 'ASC' } });
// What a payment is: the workflow of one under way may still fill in the provider's details.
const paymentsState = async () =>
  (await repo(Payment).find({ order: { id: 'ASC' } })).map((p) => ({ id: p.id, account: p.accountId, status: p.status, cents: p.amountCents }));
const invoicesState = () => repo(Invoice).countBy({ communeId: h.communes.beaucouze.id });
const regieState = () => repo(Regie).findOneByOrFail({ id: f.regies.ville.id });

const API_CALLS: Record<string, CallOf> = {
  getOpenApiDocument: () => ({}),
  getSession: () => ({}),
  login: () => ({ fresh: true, payload: { json: { identifiant: f.a.identifier, mot_de_passe: STRONG_PASSWORD } }, shows: 'the answer describes the account whose password was given' }),
  logout: () => ({ fresh: true }),
  getCaptcha: () => ({}),
  createAccount: async ({ actor, client }) => {
    const captcha = ActorClient.json<{ id: string; testAnswer: string }>(await client.send('GET', '/api/v1/captcha'));
    return {
      payload: {
        json: {
          civilite: 'Madame', prenom: 'Nouvelle', nom: 'Habitante', date_naissance: '1985-03-14',
          email: `nouvelle.${actor}.${Date.now()}@example.fr`, telephone: '', adresse: '3 rue de la Mairie', code_postal: '49070', ville: 'Beaucouzé',
          mode_communication: 'email', mot_de_passe: STRONG_PASSWORD, mot_de_passe_confirmation: STRONG_PASSWORD,
          question: SECURITY_QUESTION, reponse: SECURITY_ANSWER, captcha_id: captcha?.id, cryptogramme: captcha?.testAnswer,
        },
      },
    };
  },
  getMe: () => ({}),
  updateMe: ({ actor }) => ({ payload: { json: contactOf(own(actor)) }, unchanged: accountState(f.a.id) }),
  // The same password again: 422 after the current one is checked, nothing changes for anyone.
  changePassword: () => ({
    payload: { json: { mot_de_passe_actuel: STRONG_PASSWORD, nouveau_mot_de_passe: STRONG_PASSWORD, nouveau_mot_de_passe_confirmation: STRONG_PASSWORD } },
    unchanged: accountState(f.a.id),
  }),
  changeSecurityQuestion: () => ({
    payload: { json: { mot_de_passe_actuel: STRONG_PASSWORD, question: SECURITY_QUESTION, reponse: SECURITY_ANSWER } },
    unchanged: accountState(f.a.id),
  }),
  listMembers: () => ({}),
  addMember: () => ({ payload: { json: child('Noé') }, unchanged: membersOfA }),
  updateMember: ({ path: p }) => ({ path: fill(p, { memberId: f.members.zoe.id }), payload: { json: memberBody }, unchanged: memberState(f.members.zoe.id) }),
  removeMember: ({ path: p }) => ({ path: fill(p, { memberId: f.members.zoe.id }), unchanged: memberState(f.members.zoe.id) }),
  startPasswordReset: () => ({ fresh: true, payload: { json: { identifiant: f.a.identifier } } }),
  // Without a started reset in this session: 409, and no answer is counted.
  answerSecurityQuestion: () => ({ fresh: true, payload: { json: { reponse: SECURITY_ANSWER } }, unchanged: accountState(f.a.id) }),
  resetPassword: ({ path: p }) => ({
    path: fill(p, { token: 'x'.repeat(43) }),
    payload: { json: { mot_de_passe: 'Nouveau-Tournesol-43!', mot_de_passe_confirmation: 'Nouveau-Tournesol-43!' } },
    unchanged: accountState(f.a.id),
  }),
  agentLogin: () => ({ fresh: true, payload: { json: { identifiant: AGENT_X.login, mot_de_passe: AGENT_X.password } } }),
  listPendingAccounts: () => ({}),
  validateAccount: ({ path: p }) => ({ path: fill(p, { accountId: f.pending.validateApi.id }), unchanged: accountState(f.pending.validateApi.id) }),
  rejectAccount: ({ path: p }) => ({
    path: fill(p, { accountId: f.pending.rejectApi.id }),
    payload: { json: { motif: 'Le justificatif de domicile est illisible.' } },
    unchanged: accountState(f.pending.rejectApi.id),
  }),
  listServices: () => ({}),
  getService: ({ path: p }) => ({ path: fill(p, { code: 'inscription-scolaire' }) }),
  saveDraft: ({ path: p, actor }) => ({
    path: fill(p, { code: 'inscription-scolaire' }),
    payload: { json: { etape: 'scolarite', membre: actor === 'residentB' ? 'titulaire' : f.members.leo.id, reponses: { rentree: 'septembre', niveau: 'cp' } } },
    unchanged: draftsOfA,
  }),
  uploadDocument: ({ path: p }) => ({
    path: fill(p, { code: 'inscription-scolaire' }),
    payload: { multipart: { files: [{ field: 'fichier_justificatif-domicile', name: 'facture.pdf', content: PDF, type: 'application/pdf' }] } },
    unchanged: draftsOfA,
  }),
  // A key that is not the draft's: 404 or 409 for A, for a business reason.
  submitRequest: ({ path: p }) => ({
    path: fill(p, { code: 'inscription-scolaire' }),
    payload: { json: { cle: randomUUID() } },
    unchanged: () => repo(DemarcheRequest).countBy({ accountId: f.a.id }),
  }),
  listRequests: () => ({}),
  getRequest: ({ path: p }) => ({ path: fill(p, { number: f.demarches.read.number }) }),
  cancelRequest: ({ path: p }) => ({ path: fill(p, { number: f.demarches.cancel.number }), unchanged: demarcheState(f.demarches.cancel) }),
  answerRequest: ({ path: p }) => ({
    path: fill(p, { number: f.demarches.read.number }), payload: { json: { message: 'Voici ma réponse.' } }, unchanged: demarcheState(f.demarches.read),
  }),
  listRequestsForAgent: () => ({}),
  recordPaperDocument: ({ path: p }) => agentAction(p, { piece: 'livret-famille' }),
  requestDocuments: ({ path: p }) => agentAction(p, { message: 'Merci d’envoyer le carnet de vaccination.' }),
  markRequestComplete: ({ path: p }) => agentAction(p),
  validateRequest: ({ path: p }) => agentAction(p),
  refuseRequest: ({ path: p }) => agentAction(p, { motif: 'L’enfant n’habite pas la commune.' }),
  submitCivilStatusRequest: async ({ actor, client }) => ({
    payload: { json: await acteBody(client, `acte.${actor}.${Date.now()}@example.fr`) },
  }),
  trackCivilStatusRequest: ({ path: p }) => ({ path: fill(p, { token: f.actes.issueApi.token }), shows: 'the tracking link is its own credential' }),
  listCivilStatusRequests: () => ({}),
  issueCivilStatusCertificate: ({ path: p }) => ({ path: fill(p, { number: f.actes.issueApi.number }), unchanged: acteState(f.actes.issueApi) }),
  refuseCivilStatusRequest: ({ path: p }) => ({
    path: fill(p, { number: f.actes.refuseApi.number }),
    payload: { json: { reasonCode: 'informations_insuffisantes' } },
    unchanged: acteState(f.actes.refuseApi),
  }),
  listInvoices: () => ({}),
  getBasket: () => ({}),
  addToBasket: () => ({ payload: { json: { facture: f.invoices.add.id } }, unchanged: basketState }),
  removeFromBasket: ({ path: p }) => ({ path: fill(p, { invoiceId: f.invoices.add.id }), unchanged: basketState }),
  checkoutBasket: () => ({ unchanged: paymentsState }),
  getPayment: ({ path: p }) => ({ path: fill(p, { reference: f.payment.reference }) }),
  paymentNotification: () => ({ payload: { form: { idOp: `inconnu-${randomUUID()}` } }, unchanged: paymentsState }),
  importInvoices: ({ path: p }) => ({
    path: fill(p, { code: 'ville' }),
    payload: { json: importBody('SESSION') },
    unchanged: invoicesState,
  }),
};

function agentAction(template: string, body: Record<string, unknown> = {}): Partial<Call> {
  return { path: fill(template, { number: f.demarches.agentApi.number }), payload: { json: body }, unchanged: demarcheState(f.demarches.agentApi) };
}

function importBody(label: string) {
  return {
    invoices: [{
      number: `MTX-IMPORT-${label}-${Date.now()}`, account: f.a.identifier, service: 'Restauration scolaire', periodLabel: 'Novembre 2026',
      issuedOn: parisIsoDay(new Date()), dueOn: null, amountCents: 1250,
    }],
  };
}

const BACK_OFFICE_CALLS: Record<string, CallOf> = {
  'GET /agent/connexion': () => ({}),
  'POST /agent/connexion': () => ({ fresh: true, payload: { form: { identifiant: AGENT_X.login, mot_de_passe: AGENT_X.password } } }),
  'POST /agent/deconnexion': () => ({ fresh: true, payload: { form: {} }, endsOnLoginPage: true }),
  'GET /agent': () => ({}),
  'GET /agent/comptes/:id': ({ path: p }) => ({ path: fill(p, { id: f.pending.validatePage.id }) }),
  'POST /agent/comptes/:id/valider': ({ path: p }) => ({
    path: fill(p, { id: f.pending.validatePage.id }), payload: { form: {} }, unchanged: accountState(f.pending.validatePage.id),
  }),
  'POST /agent/comptes/:id/rejeter': ({ path: p }) => ({
    path: fill(p, { id: f.pending.rejectPage.id }), payload: { form: { motif: 'Pièce d’identité illisible.' } }, unchanged: accountState(f.pending.rejectPage.id),
  }),
  'GET /agent/demandes': () => ({}),
  'GET /agent/demandes/:number': ({ path: p }) => ({ path: fill(p, { number: f.demarches.read.number }) }),
  'GET /agent/demandes/:number/documents/:documentId': ({ path: p }) => ({ path: fill(p, { number: f.demarches.read.number, documentId: f.documentId }) }),
  'POST /agent/demandes/:number/:action': ({ path: p }) => ({
    path: fill(p, { number: f.demarches.agentPage.number, action: 'piece-recue' }),
    payload: { form: { piece: 'livret-famille' } },
    unchanged: demarcheState(f.demarches.agentPage),
  }),
  'GET /agent/actes': () => ({}),
  'GET /agent/actes/:number': ({ path: p }) => ({ path: fill(p, { number: f.actes.issuePage.number }) }),
  'POST /agent/actes/:number/delivrer': ({ path: p }) => ({
    path: fill(p, { number: f.actes.issuePage.number }), payload: { form: {} }, unchanged: acteState(f.actes.issuePage),
  }),
  'POST /agent/actes/:number/refuser': ({ path: p }) => ({
    path: fill(p, { number: f.actes.refusePage.number }), payload: { form: { motif_code: 'non_enregistre', motif: '' } }, unchanged: acteState(f.actes.refusePage),
  }),
  'GET /agent/factures': () => ({}),
  'POST /agent/factures/import': () => ({
    payload: {
      multipart: {
        files: [{
          field: 'fichier', name: 'factures.csv', type: 'text/csv',
          content: Buffer.from(`${CSV_HEADER}\nMTX-CSV-${Date.now()};ville;${f.a.identifier};Restauration scolaire;Novembre 2026;01/11/2026;;12,50\n`),
        }],
      },
    },
    unchanged: invoicesState,
    shows: 'the import report repeats the lines the agent sent',
  }),
  'GET /agent/regies/:code': ({ path: p }) => ({ path: fill(p, { code: 'ville' }) }),
  'POST /agent/regies/:code': ({ path: p }) => ({ path: fill(p, { code: 'ville' }), payload: { form: { prestataire: 'sandbox', numcli: '', mode: '' } }, unchanged: regieState }),
  'POST /agent/regies/:code/cle': ({ path: p }) => ({ path: fill(p, { code: 'ville' }), payload: { form: {} }, unchanged: regieState }),
};

const RESIDENT_PAGE_CALLS: Record<string, CallOf> = {
  'GET /accueil': () => ({}),
  'GET /compte': () => ({}),
  'GET /compte/modifier': () => ({}),
  'POST /compte/modifier': ({ actor }) => ({ payload: { form: contactOf(own(actor)) }, unchanged: accountState(f.a.id) }),
  'GET /compte/mot-de-passe': () => ({}),
  // The same password again: 422 after the current one is checked.
  'POST /compte/mot-de-passe': () => ({
    payload: { form: { mot_de_passe_actuel: STRONG_PASSWORD, nouveau_mot_de_passe: STRONG_PASSWORD, nouveau_mot_de_passe_confirmation: STRONG_PASSWORD } },
    unchanged: accountState(f.a.id),
  }),
  'GET /compte/question-secrete': () => ({}),
  'POST /compte/question-secrete': () => ({
    payload: { form: { mot_de_passe_actuel: STRONG_PASSWORD, question: SECURITY_QUESTION, reponse: SECURITY_ANSWER } },
    unchanged: accountState(f.a.id),
  }),
  'GET /compte/membres/ajouter': () => ({}),
  'POST /compte/membres/ajouter': () => ({ payload: { form: child('Noa') }, unchanged: membersOfA }),
  'GET /compte/membres/:id/modifier': ({ path: p }) => ({ path: fill(p, { id: f.members.jules.id }) }),
  'POST /compte/membres/:id/modifier': ({ path: p }) => ({
    path: fill(p, { id: f.members.jules.id }), payload: { form: child('Jules') }, unchanged: memberState(f.members.jules.id),
  }),
  'GET /compte/membres/:id/retirer': ({ path: p }) => ({ path: fill(p, { id: f.members.jules.id }) }),
  'POST /compte/membres/:id/retirer': ({ path: p }) => ({ path: fill(p, { id: f.members.jules.id }), payload: { form: {} }, unchanged: memberState(f.members.jules.id) }),
  'GET /services': () => ({}),
  'GET /services/:code': ({ path: p }) => ({ path: fill(p, { code: 'inscription-scolaire' }) }),
  'GET /services/:code/etape/:step': ({ path: p }) => ({ path: fill(p, { code: 'inscription-scolaire', step: 'scolarite' }) }),
  'POST /services/:code/etape/:step': ({ path: p, actor }) => ({
    path: fill(p, { code: 'inscription-scolaire', step: 'scolarite' }),
    payload: { form: { membre: actor === 'residentB' ? 'titulaire' : String(f.members.leo.id), rentree: 'septembre', niveau: 'cp', action: 'suivant' } },
    unchanged: draftsOfA,
  }),
  'GET /services/:code/pieces': ({ path: p }) => ({ path: fill(p, { code: 'inscription-scolaire' }) }),
  'POST /services/:code/pieces': ({ path: p }) => ({
    path: fill(p, { code: 'inscription-scolaire' }),
    payload: { multipart: { files: [{ field: 'fichier_justificatif-domicile', name: 'facture.pdf', content: PDF, type: 'application/pdf' }] } },
    unchanged: draftsOfA,
  }),
  'GET /services/:code/recapitulatif': ({ path: p }) => ({ path: fill(p, { code: 'inscription-scolaire' }) }),
  // The draft is not complete: 422 for A, nothing sent.
  'POST /services/:code/envoyer': ({ path: p }) => ({
    path: fill(p, { code: 'inscription-scolaire' }), payload: { form: {} }, unchanged: () => repo(DemarcheRequest).countBy({ accountId: f.a.id }),
  }),
  'POST /services/:code/abandonner': ({ path: p }) => ({ path: fill(p, { code: 'inscription-scolaire' }), payload: { form: {} }, unchanged: draftsOfA }),
  'GET /demandes': () => ({}),
  'GET /demandes/:number': ({ path: p }) => ({ path: fill(p, { number: f.demarches.read.number }) }),
  'GET /demandes/:number/confirmation': ({ path: p }) => ({ path: fill(p, { number: f.demarches.read.number }) }),
  'POST /demandes/:number/repondre': ({ path: p }) => ({
    path: fill(p, { number: f.demarches.residentPage.number }), payload: { form: { message: 'Voici ma réponse.' } }, unchanged: demarcheState(f.demarches.residentPage),
  }),
  'POST /demandes/:number/pieces': ({ path: p }) => ({
    path: fill(p, { number: f.demarches.residentPage.number }),
    payload: { multipart: { files: [{ field: 'fichier_livret-famille', name: 'livret.pdf', content: PDF, type: 'application/pdf' }] } },
    unchanged: demarcheState(f.demarches.residentPage),
  }),
  'POST /demandes/:number/annuler': ({ path: p }) => ({
    path: fill(p, { number: f.demarches.residentPage.number }), payload: { form: {} }, unchanged: demarcheState(f.demarches.residentPage),
  }),
  'GET /comptes': () => ({}),
  'GET /panier': () => ({}),
  'POST /panier/ajouter': () => ({ payload: { form: { facture: String(f.invoices.page.id) } }, unchanged: basketState }),
  'POST /panier/retirer': () => ({ payload: { form: { facture: String(f.invoices.basket.id) } }, unchanged: basketState }),
  'POST /panier/payer': () => ({ payload: { form: {} }, unchanged: paymentsState }),
  'GET /paiement/retour/:reference': ({ path: p }) => ({ path: fill(p, { reference: f.payment.reference }) }),
  'GET /suivi/:token': ({ path: p }) => ({ path: fill(p, { token: f.actes.issueApi.token }), shows: 'the tracking link is its own credential' }),
};

// ——— judging an answer ———

const LOGIN_PAGES = ['/', '/connexion', '/agent/connexion'];
const isLoginRedirect = (a: Answer) => a.status >= 300 && a.status < 400 && LOGIN_PAGES.includes(new URL(a.location ?? '', 'http://x').pathname);

/** Null when the answer is the cell's, else what is wrong with it. */
function verdict(cell: Cell, call: Call, answer: Answer, api: boolean): string | null {
  const { method } = call;
  const s = answer.status;
  if (s >= 500) return `${s}: an error where an answer was expected`;
  const write = method !== 'GET';
  switch (cell) {
    case ALLOW:
    case OWN:
      if (isLoginRedirect(answer) && !call.endsOnLoginPage) return `${s} to the login page (${answer.location}) instead of going through`;
      if (s < 400) return null;
      return write && (s === 409 || s === 422) ? null : `${s} instead of going through`;
    case OPEN:
      return s === 401 || s === 403 ? `${s}: a public operation asked who calls` : null;
    case LOGIN:
      if (api) return s === 401 ? null : `${s} instead of 401`;
      if (write) return s === 401 || isLoginRedirect(answer) ? null : `${s} instead of 401 or the login page`;
      return isLoginRedirect(answer) ? null : `${s} instead of a redirect to the login page`;
    case HIDDEN:
      return s === 404 ? null : `${s} instead of 404 for someone else’s object`;
    case ADMIN:
      return s === 403 ? null : `${s} instead of 403 (administrator only)`;
  }
}

/**
 * The cells of a table in the order they run: refusals first, then the others' own or public
 * calls, while the target is still intact; the owner's allowed calls, which change it, last.
 */
function cases(table: Record<string, Row>): Array<[string, ActorName, Cell]> {
  const rank = (c: Cell) => (REFUSALS.includes(c) ? 0 : c === ALLOW ? 2 : 1);
  return Object.entries(table).flatMap(([key, row]) =>
    ACTORS.map((actor, i) => [key, actor, row[i]] as [string, ActorName, Cell])
      .map((entry, i) => ({ entry, order: rank(entry[2]) * ACTORS.length + i }))
      .sort((x, y) => x.order - y.order)
      .map(({ entry }) => entry));
}

async function play(cell: Cell, actor: ActorName, base: { method: string; path: string }, callOf: CallOf, api: boolean): Promise<void> {
  const client = clients[actor];
  const call: Call = { ...base, ...(await callOf({ actor, client, ...base })) };
  // A parameter left unfilled would be a 404 for everyone, and the cell would prove nothing.
  if (/\{\w+\}|\/:\w+/.test(call.path)) throw new Error(`${call.path} : un paramètre n’est pas rempli`);
  const caller = call.fresh ? await freshClient(actor) : client;
  const checkUnchanged = call.unchanged && cell !== ALLOW;
  const before = checkUnchanged ? JSON.stringify(await call.unchanged?.()) : undefined;
  const answer = await caller.send(call.method, call.path, call.payload, call.headers);
  const where = `${actor} ${call.method} ${call.path}`;
  const problem = verdict(cell, call, answer, api);
  expect({ where, problem, answer: problem ? answer.text.slice(0, 300) : '' }).toEqual({ where, problem: null, answer: '' });
  if (checkUnchanged) expect({ where, after: JSON.stringify(await call.unchanged?.()) }).toEqual({ where, after: before });
  // Whatever someone else is allowed to see, none of it is A's (or Beaucouzé's pending people's).
  if (['anonymous', 'residentB', 'agentY'].includes(actor) && answer.status < 300 && !call.shows) {
    expect({ where, shown: markers.filter((m) => answer.text.includes(m)) }).toEqual({ where, shown: [] });
  }
}

// ——— the tests ———

describe('the JSON API', () => {
  let operations: Map<string, { method: string; path: string }>;
  beforeAll(async () => {
    const served = await new ActorClient(h.baseUrl).send('GET', '/api/openapi.json');
    const spec = ActorClient.json<{ paths: Record<string, Record<string, { operationId?: string }>> }>(served);
    operations = new Map();
    for (const [p, item] of Object.entries(spec?.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        if (op.operationId) operations.set(op.operationId, { method: method.toUpperCase(), path: `/api/v1${p}` });
      }
    }
  });

  test('every operation of /api/openapi.json has its row and its call, and every row is an operation', () => {
    const served = [...operations.keys()].sort();
    expect({ rows: Object.keys(OPERATIONS).sort(), calls: Object.keys(API_CALLS).sort() }).toEqual({ rows: served, calls: served });
  });

  test.each(cases(OPERATIONS))('%s — %s: %s', async (operationId, actor, cell) => {
    const operation = operations.get(operationId);
    if (!operation) throw new Error(`${operationId} n’est plus dans /api/openapi.json`);
    await play(cell, actor, operation, API_CALLS[operationId], true);
  });

  test.each([
    ['the key of Beaucouzé’s «ville» régie', 200, 'ville', demoKey('ville')],
    ['the key of Beaucouzé’s «ccas» régie, on «ville»', 403, 'ville', demoKey('ccas')],
    ['the key of Saint-Clair’s «ville» régie, on Beaucouzé’s', 403, 'ville', SAINT_CLAIR_KEY],
    ['a key nobody was given', 401, 'ville', 'cle-inconnue-de-la-matrice'],
    ['no key at all', 401, 'ville', ''],
  ] as const)('importInvoices with %s → %d', async (_what, status, code, key) => {
    const before = await invoicesState();
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    const answer = await new ActorClient(h.baseUrl).send('POST', `/api/v1/regies/${code}/factures`, { json: importBody(String(status)) }, headers);
    expect({ status: answer.status, body: answer.status === status ? '' : answer.text }).toEqual({ status, body: '' });
    expect(await invoicesState()).toBe(before + (status === 200 ? 1 : 0));
  });
});

describe('the back office', () => {
  test('every route of the /agent router has its row and its call, and every row is a route', () => {
    const routes = servedRoutes().filter((r) => /^\w+ \/agent(\/|$)/.test(r)).sort();
    expect({ rows: Object.keys(BACK_OFFICE).sort(), calls: Object.keys(BACK_OFFICE_CALLS).sort() }).toEqual({ rows: routes, calls: routes });
  });

  test.each(cases(BACK_OFFICE))('%s — %s: %s', async (route, actor, cell) => {
    const [method, routePath] = route.split(' ');
    await play(cell, actor, { method, path: routePath }, BACK_OFFICE_CALLS[route], false);
  });
});

describe('the resident’s pages', () => {
  test('every other route of the app is a private page with its row, or public with its reason', () => {
    const routes = servedRoutes().filter((r) => !/^\w+ \/(agent|api\/v1)(\/|$)/.test(r)).sort();
    const rows = [...Object.keys(RESIDENT_PAGES), ...Object.keys(PUBLIC_PAGES)].sort();
    expect({ rows, calls: Object.keys(RESIDENT_PAGE_CALLS).sort() }).toEqual({ rows: routes, calls: Object.keys(RESIDENT_PAGES).sort() });
  });

  test.each(cases(RESIDENT_PAGES))('%s — %s: %s', async (route, actor, cell) => {
    const [method, routePath] = route.split(' ');
    await play(cell, actor, { method, path: routePath }, RESIDENT_PAGE_CALLS[route], false);
  });
});

describe('a session belongs to the portal that opened it', () => {
  // The same cookie sent to the other commune's Host: the session reads as nobody's there.
  test.each([
    ['agent Y’s session, on Beaucouzé’s portal', 'agentY', undefined, 'GET', '/api/v1/agent/accounts'],
    ['agent Y’s session, on Beaucouzé’s back office', 'agentY', undefined, 'GET', '/agent/demandes'],
    ['the admin’s session, on Saint-Clair’s portal', 'admin', SAINT_CLAIR_HOST, 'GET', '/api/v1/agent/requests'],
    ['agent X’s session, on Saint-Clair’s back office', 'agentX', SAINT_CLAIR_HOST, 'GET', '/agent'],
    ['resident A’s session, on Saint-Clair’s portal', 'residentA', SAINT_CLAIR_HOST, 'GET', '/api/v1/me'],
    ['resident A’s session, on Saint-Clair’s pages', 'residentA', SAINT_CLAIR_HOST, 'GET', '/accueil'],
  ] as const)('%s', async (_what, actor, host, method, target) => {
    // A session of its own: the other portal logs the replayed session out (api/middleware/auth.ts).
    const answer = await (await freshClient(actor)).onHost(host).send(method, target);
    const problem = verdict(LOGIN, { method, path: target }, answer, target.startsWith('/api/'));
    expect({ status: answer.status, problem }).toEqual({ status: answer.status, problem: null });
  });
});

describe('a resident of Saint-Clair, on Saint-Clair’s portal, with the numbers of A’s objects', () => {
  let resident: ActorClient;
  beforeAll(async () => {
    const email = 'sacha.clairon@example.fr';
    expect((await signUp(new HttpWebClient(h.baseUrl, SAINT_CLAIR_HOST), { prenom: 'Sacha', nom: 'Clairon', email })).status).toBe(303);
    const account = await repo(Account).findOneByOrFail({ email });
    expect((await clients.agentY.send('POST', `/api/v1/agent/accounts/${account.id}/validate`)).status).toBe(200);
    resident = await residentSession(new ActorClient(h.baseUrl, SAINT_CLAIR_HOST), account.identifier, STRONG_PASSWORD);
  });

  // Built when the test runs: A's objects exist only after beforeAll.
  const foreign: Array<[string, () => { method: string; path: string; payload?: Payload }]> = [
    ['her démarche (API)', () => ({ method: 'GET', path: `/api/v1/requests/${f.demarches.read.number}` })],
    ['an answer on her démarche', () => ({ method: 'POST', path: `/api/v1/requests/${f.demarches.read.number}/answer`, payload: { json: { message: 'Bonjour' } } })],
    ['her child (API)', () => ({ method: 'PUT', path: `/api/v1/me/members/${f.members.leo.id}`, payload: { json: child('Léo') } })],
    ['her invoice into the basket', () => ({ method: 'POST', path: '/api/v1/panier/factures', payload: { json: { facture: f.invoices.page.id } } })],
    ['her payment (API)', () => ({ method: 'GET', path: `/api/v1/paiements/${f.payment.reference}` })],
    ['her démarche’s page', () => ({ method: 'GET', path: `/demandes/${f.demarches.read.number}` })],
    ['her child’s page', () => ({ method: 'GET', path: `/compte/membres/${f.members.leo.id}/modifier` })],
    ['her payment’s page', () => ({ method: 'GET', path: `/paiement/retour/${f.payment.reference}` })],
  ];
  test.each(foreign)('%s: 404, nothing changed', async (_what, request) => {
    const { method, path: target, payload } = request();
    const state = async () => JSON.stringify([await basketState(), await demarcheState(f.demarches.read)(), await memberState(f.members.leo.id)()]);
    const before = await state();
    const answer = await resident.send(method, target, payload);
    expect({ target, status: answer.status }).toEqual({ target, status: 404 });
    expect(await state()).toBe(before);
  });
});

describe('the régies are their own commune’s, even for an administrator', () => {
  const SAINT_CLAIR_ADMIN = { login: 'admin.saint-clair', password: 'Saint-Clair-Admin-2026!' };
  let admin: ActorClient;
  beforeAll(async () => {
    await repo(Agent).insert({
      communeId: h.communes.saintClair.id, login: SAINT_CLAIR_ADMIN.login, email: 'admin@saint-clair.localhost',
      displayName: 'Administrateur de Saint-Clair', passwordHash: await hashSecret(SAINT_CLAIR_ADMIN.password), role: 'admin',
    });
    admin = await agentSession(new ActorClient(h.baseUrl, SAINT_CLAIR_HOST), SAINT_CLAIR_ADMIN.login, SAINT_CLAIR_ADMIN.password);
  });

  test('Saint-Clair’s admin finds no «ccas» (Beaucouzé’s only) and changes only Saint-Clair’s «ville»', async () => {
    expect((await admin.send('GET', '/agent/regies/ccas')).status).toBe(404);
    expect((await admin.send('POST', '/agent/regies/ccas/cle', { form: {} })).status).toBe(404);
    const beaucouze = JSON.stringify(await repo(Regie).findBy({ communeId: h.communes.beaucouze.id }));
    const page = await admin.send('GET', '/agent/regies/ville');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ville de Saint-Clair');
    expect((await admin.send('POST', '/agent/regies/ville/cle', { form: {} })).status).toBe(200);
    expect(await repo(Regie).findOneByOrFail({ id: f.regies.saintClair.id })).not.toEqual(f.regies.saintClair);
    expect(JSON.stringify(await repo(Regie).findBy({ communeId: h.communes.beaucouze.id }))).toBe(beaucouze);
  });
});

/** `METHOD /path` of every route the app serves, nested routers included. */
function servedRoutes(): string[] {
  return [...new Set(appRoutes(h.portal.app).map((r) => `${r.method} ${r.path}`))];
}
