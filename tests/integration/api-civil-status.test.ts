// The civil-status JSON API over HTTP (api/v1/civil-status.ts), against MariaDB, the Temporal dev
// server and a real SMTP receiver: the anonymous submission (session, CSRF, captcha), its receipt
// and tracking link, the replayed submission key, the refusals of the form (422, nothing stored),
// the address throttle, the agents' queue and decisions (one at a time), who may call the agents'
// routes, tokens and numbers that stay in their commune, and the logged-in resident whose request
// carries their account. Every answer is checked against the schema GET /api/v1/openapi.json gives.
import { expectSpec as expectServedSpec, type OpenApi } from '../support/openapi-schema';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Account, CivilStatusHistory, CivilStatusRequest } from '../../db/entities';
import { REFUSAL_REASONS } from '../../domain/civil-status-status';
import { OTHER_AGENT, OTHER_COMMUNE, startHarness, WebClient, type Harness } from '../support/harness';
import { agentLogin, residentClient, signUp, type FormClient, type PageResponse } from '../support/journeys';
import { exchange, type RawAnswer } from '../support/cookie-http';

const MAIL_WAIT_MS = 20_000;
/**
 * One hour of processing delay: no request is overdue, and no reminder is sent, unless a test moves
 * its due date into the past.
 */
const DELAY_MS = 3_600_000;
const SAINT_CLAIR_HOST = `demarches-${OTHER_COMMUNE.slug}.localhost`;

let h: Harness;
/** Beaucouzé's agent, logged in through the back office's form, calling the JSON API. */
let agent: WebClient;
/** The description served at GET /api/v1/openapi.json: the answers are checked against it. */
let spec: OpenApi;

beforeAll(async () => {
  h = await startHarness('api_civil_status', {}, { civilStatusDelayMs: DELAY_MS });
  agent = await withApiSession(await agentLogin(new WebClient(h.baseUrl)));
  const served = await new WebClient(h.baseUrl).api<OpenApi>('GET', '/api/v1/openapi.json');
  expect(served.status).toBe(200);
  spec = served.body;
});
afterAll(async () => {
  await h?.close();
});
// Every request comes from 127.0.0.1: each test starts with the address's counter at zero.
beforeEach(async () => {
  await h.dataSource.query('DELETE FROM rate_limit');
});

/** The answer has exactly the shape the served spec gives it. */
const expectSpec = (body: unknown, schemaName: string): void => expectServedSpec(spec, body, schemaName);

interface ApiError {
  error: { code: string; message: string; fields: Record<string, string> };
}

interface ApiResponse<T> {
  status: number;
  body: T;
}

/** What the tests need of a JSON client: WebClient, or HostClient (another commune's host). */
interface ApiCaller {
  csrf: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
}

interface Submitted {
  number: string;
  status: string;
  statusLabel: string;
  trackingUrl: string;
}

interface Tracking {
  number: string;
  act: string;
  actLabel: string;
  copy: string;
  copyLabel: string;
  copies: number;
  status: string;
  statusLabel: string;
  submittedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
  history: Array<{ date: string; event: string; label: string; status: string; statusLabel: string }>;
}

interface AgentView {
  number: string;
  act: string;
  status: string;
  overdue: boolean;
  withAccount: boolean;
  description: string;
  requester: Record<string, unknown>;
  postalAddress: string[];
}

interface Queue {
  total: number;
  page: number;
  pageCount: number;
  requests: AgentView[];
}

interface Decision {
  number: string;
  status: string;
  statusLabel: string;
  decidedAt: string | null;
  decisionReason: string | null;
}

/**
 * A client over node:http that sends the Host header as given (Node's fetch replaces it), to reach
 * another commune's portal: forms (for agentLogin) and JSON calls, which also give the headers.
 */
class HostClient implements FormClient {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(
    readonly baseUrl: string,
    private readonly host?: string,
  ) {}

  async get(path: string): Promise<PageResponse> {
    const r = await this.send('GET', path);
    this.readCsrf(r.text);
    return { status: r.status, text: r.text, location: r.headers.location ?? null };
  }

  async post(path: string, fields: Record<string, string>): Promise<PageResponse> {
    if (!this.csrf) await this.get('/');
    const body = new URLSearchParams({ _csrf: this.csrf, ...fields }).toString();
    const r = await this.send('POST', path, body, 'application/x-www-form-urlencoded');
    this.readCsrf(r.text);
    return { status: r.status, text: r.text, location: r.headers.location ?? null };
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T> & { headers: http.IncomingHttpHeaders }> {
    const r = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json', { 'x-csrf-token': this.csrf });
    return { status: r.status, body: (r.text ? JSON.parse(r.text) : null) as T, headers: r.headers };
  }

  private readCsrf(text: string): void {
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
  }

  private send(
    method: string,
    path: string,
    body?: string,
    contentType?: string,
    extra: Record<string, string> = {},
  ): Promise<RawAnswer> {
    const headers: Record<string, string> = { ...extra };
    if (this.host) headers.host = this.host;
    if (contentType) headers['content-type'] = contentType;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return exchange(new URL(path, this.baseUrl), this.cookies, { method, headers, body });
  }
}

/** GET /session: the cookie and the CSRF token, as any JSON client starts (or after a form login). */
async function withApiSession<C extends ApiCaller>(web: C): Promise<C> {
  const session = await web.api<{ csrfToken: string; user: unknown }>('GET', '/api/v1/session');
  expect(session.status).toBe(200);
  expect(session.body.csrfToken).toEqual(expect.any(String));
  web.csrf = session.body.csrfToken;
  return web;
}

const anonymous = (): Promise<WebClient> => withApiSession(new WebClient(h.baseUrl));

async function captcha(web: ApiCaller): Promise<{ id: string; answer: string }> {
  const r = await web.api<{ id: string; imageUrl: string; testAnswer: string }>('GET', '/api/v1/captcha');
  expect(r.status).toBe(200);
  expect(r.body.testAnswer).toMatch(/^\w{5}$/);
  return { id: r.body.id, answer: r.body.testAnswer };
}

let emailSequence = 0;
/** An extract with filiation of a birth act, asked by the person's mother living in Belgium. */
function birthAnswers(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  emailSequence += 1;
  return {
    type_copie: 'extrait_avec_filiation',
    nombre_exemplaires: 2,
    nom: 'Martin',
    prenoms: 'Léa Jeanne',
    date_evenement: '1990-03-03',
    parent1_nom: 'Martin',
    parent1_prenoms: 'Claire',
    lien: 'ascendant',
    demandeur_nom: 'Dubreuil',
    demandeur_prenom: 'Claire',
    email: `claire.dubreuil.${emailSequence}@example.be`,
    telephone: '',
    adresse: '12 rue Haute',
    complement: '',
    code_postal: '1000',
    ville: 'Bruxelles',
    pays: 'Belgique',
    ...overrides,
  };
}

/** A full copy of a recent death act: anyone may ask for it. */
const deathAnswers = (overrides: Record<string, unknown> = {}) =>
  birthAnswers({ type_copie: 'copie_integrale', lien: 'autre', date_evenement: '2024-01-10', nombre_exemplaires: 1, ...overrides });

interface Envelope {
  act: string;
  answers: Record<string, unknown>;
  captchaId: string;
  captchaAnswer: string;
  submissionKey: string;
}

/** A complete body with a fresh captcha and a new submission key. */
async function envelope(web: ApiCaller, act: string, answers: Record<string, unknown>): Promise<Envelope> {
  const c = await captcha(web);
  return { act, answers, captchaId: c.id, captchaAnswer: c.answer, submissionKey: randomUUID() };
}

async function submitOk(web: ApiCaller, act: string, answers: Record<string, unknown>): Promise<Submitted & { token: string; email: string }> {
  const r = await web.api<Submitted>('POST', '/api/v1/actes', await envelope(web, act, answers));
  expect(r.status).toBe(201);
  return { ...r.body, token: r.body.trackingUrl.slice('/suivi/'.length), email: answers.email as string };
}

const requests = () => h.dataSource.getRepository(CivilStatusRequest);
const rowOf = (number: string) => requests().findOneByOrFail({ number });
const countRows = async (): Promise<{ requests: number; history: number }> => ({
  requests: await requests().count(),
  history: await h.dataSource.getRepository(CivilStatusHistory).count(),
});
const trackingPathIn = (text: string): string => /\/suivi\/[A-Za-z0-9_-]{43}/.exec(text)?.[0] as string;
const queue = async (web: ApiCaller, query = ''): Promise<Queue> => {
  const r = await web.api<Queue>('GET', `/api/v1/agent/actes${query}`);
  expect(r.status).toBe(200);
  return r.body;
};
const numbersIn = (q: Queue): string[] => q.requests.map((r) => r.number);

describe('the description', () => {
  it('serves the five civil-status operations at their paths, with the answers the tests below meet', () => {
    const operations = {
      submitCivilStatusRequest: ['post', '/actes', ['201', '403', '422', '429']],
      trackCivilStatusRequest: ['get', '/actes/suivi/{token}', ['200', '404']],
      listCivilStatusRequests: ['get', '/agent/actes', ['200', '401']],
      issueCivilStatusCertificate: ['post', '/agent/actes/{number}/issue', ['200', '401', '403', '404', '409']],
      refuseCivilStatusRequest: ['post', '/agent/actes/{number}/refuse', ['200', '401', '403', '404', '409', '422']],
    } as const;
    for (const [operationId, [method, path, codes]] of Object.entries(operations)) {
      const operation = spec.paths[path]?.[method];
      expect(operation?.operationId).toBe(operationId);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining([...codes]));
    }
  });
});

describe('an anonymous requester (submitCivilStatusRequest, trackCivilStatusRequest)', () => {
  it('submits after GET /session and GET /captcha, gets the tracking link by mail, and follows it without personal data', async () => {
    const web = await anonymous();
    const answers = birthAnswers();
    const body = await envelope(web, 'naissance', answers);
    const created = await web.api<Submitted>('POST', '/api/v1/actes', body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      number: expect.stringMatching(/^[A-Z]{3}-\d{4}-\d{6}$/),
      status: 'recue',
      statusLabel: 'Reçue, en cours de traitement',
      trackingUrl: expect.stringMatching(/^\/suivi\/[A-Za-z0-9_-]{43}$/),
    });
    expectSpec(created.body, 'DemandeActeEnvoyee');
    const { number, trackingUrl } = created.body;
    const row = await rowOf(number);
    expect(row).toMatchObject({
      accountId: null, actKind: 'naissance', copyKind: 'extrait_avec_filiation', copies: 2, status: 'recue',
      requesterEmail: answers.email, submissionKey: body.submissionKey, communeId: h.communes.beaucouze.id,
    });
    // Only the token's hash is stored.
    const token = trackingUrl.slice('/suivi/'.length);
    expect(JSON.stringify(row)).not.toContain(token);

    // The receipt carries the same tracking link as the answer.
    const receipt = await h.smtp.waitFor((m) => m.to.includes(answers.email as string) && m.subject.includes(number), MAIL_WAIT_MS);
    expect(trackingPathIn(receipt.text)).toBe(trackingUrl);
    expect(receipt.html).toContain(`${h.baseUrl}${trackingUrl}`);

    // The link may be forwarded: read without any session, it shows the request, not who asked.
    const tracked = await new WebClient(h.baseUrl).api<Tracking>('GET', `/api/v1/actes/suivi/${token}`);
    expect(tracked.status).toBe(200);
    expect(tracked.body).toEqual({
      number,
      act: 'naissance',
      actLabel: 'Acte de naissance',
      copy: 'extrait_avec_filiation',
      copyLabel: expect.any(String),
      copies: 2,
      status: 'recue',
      statusLabel: 'Reçue, en cours de traitement',
      submittedAt: row.submittedAt.toISOString(),
      decidedAt: null,
      decisionReason: null,
      history: [{ date: row.submittedAt.toISOString(), event: 'deposer', label: 'Demande déposée', status: 'recue', statusLabel: 'Reçue, en cours de traitement' }],
    });
    expectSpec(tracked.body, 'SuiviActe');
    const json = JSON.stringify(tracked.body);
    for (const personal of [answers.email as string, 'Dubreuil', 'Claire', 'rue Haute', 'Bruxelles', 'Belgique', 'BELGIQUE', 'Martin', 'Léa', 'demandeur']) {
      expect(json).not.toContain(personal);
    }
  });

  it('the same submissionKey replayed gives the same request; with another email, 409 and no new row', async () => {
    const web = await anonymous();
    const body = await envelope(web, 'naissance', birthAnswers());
    const first = await web.api<Submitted>('POST', '/api/v1/actes', body);
    expect(first.status).toBe(201);
    const before = await countRows();

    // A double click or a network retry: the same body (its captcha already spent) finds the request.
    const replayed = await web.api<Submitted>('POST', '/api/v1/actes', body);
    expect(replayed.status).toBe(201);
    expect(replayed.body).toEqual(first.body);
    // The same email typed in capitals is the same requester.
    const shouted = await web.api<Submitted>('POST', '/api/v1/actes', {
      ...body, answers: { ...body.answers, email: ` ${(body.answers.email as string).toUpperCase()} ` },
    });
    expect(shouted.status).toBe(201);
    expect(shouted.body).toEqual(first.body);
    expect(await countRows()).toEqual(before);

    // The same key for another person's request: never their tracking link.
    const c = await captcha(web);
    const otherEmail = `quelquun.dautre.${randomUUID().slice(0, 8)}@example.fr`;
    const stolen = await web.api<ApiError & Partial<Submitted>>('POST', '/api/v1/actes', {
      ...body, answers: { ...body.answers, email: otherEmail }, captchaId: c.id, captchaAnswer: c.answer,
    });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.code).toBe('conflict');
    expect(stolen.body.error.message).toMatch(/déjà servi à une autre demande/);
    expect(JSON.stringify(stolen.body)).not.toContain(first.body.trackingUrl);
    expect(JSON.stringify(stolen.body)).not.toContain(first.body.number);
    expect(await countRows()).toEqual(before);
    expect(await requests().countBy({ requesterEmail: otherEmail })).toBe(0);
  });

  it('refuses with 422 and French messages in error.fields, storing nothing', async () => {
    const web = await anonymous();
    const before = await countRows();
    // Form errors are found before the captcha is read: the same challenge serves every attempt.
    const c = await captcha(web);
    const refused = async (act: string, answers: Record<string, unknown>, field: string, message: RegExp, challenge = c) => {
      const r = await web.api<ApiError>('POST', '/api/v1/actes', {
        act, answers, captchaId: challenge.id, captchaAnswer: challenge.answer, submissionKey: randomUUID(),
      });
      expect(r.status).toBe(422);
      expectSpec(r.body, 'Erreur');
      expect(r.body.error.code).toBe('validation');
      expect(r.body.error.fields[field]).toMatch(message);
      expect(await countRows()).toEqual(before);
      return r.body.error.fields;
    };

    const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await refused('naissance', birthAnswers({ date_evenement: inTwoDays }), 'date_evenement', /^Le champ « Date de naissance » doit être une date au plus tard le \d{2}\/\d{2}\/\d{4}\.$/);
    const parents = await refused('naissance', birthAnswers({ parent1_nom: '', parent1_prenoms: '' }), 'parent1_nom', /au moins un parent.*un extrait avec filiation/);
    expect(parents.parent1_prenoms).toBe('Indiquez les prénoms du premier parent.');
    await refused('naissance', birthAnswers({ lien: 'autre' }), 'lien', /^Vous ne pouvez pas obtenir un extrait avec filiation de cet acte/);
    const act = await refused('passeport', birthAnswers(), 'act', /^Choisissez l’acte demandé : « naissance », « mariage » ou « deces »\.$/);
    expect(Object.keys(act)).toEqual(['act']);
    // Every error of the envelope and of the form at once.
    const all = await web.api<ApiError>('POST', '/api/v1/actes', { act: 'naissance', answers: birthAnswers({ lien: 'autre' }), captchaAnswer: ' ', submissionKey: 'x' });
    expect(all.status).toBe(422);
    expect(Object.keys(all.body.error.fields).sort()).toEqual(['captchaAnswer', 'captchaId', 'lien', 'submissionKey']);
    expect(all.body.error.fields.captchaAnswer).toBe('Le cryptogramme est obligatoire.');

    const wrong = await refused('naissance', birthAnswers(), 'captchaAnswer', /^Le cryptogramme saisi est incorrect ou a expiré/, { id: c.id, answer: `${c.answer}X` });
    expect(Object.keys(wrong)).toEqual(['captchaAnswer']);
    // One answer per challenge: the right answer now comes too late.
    await refused('naissance', birthAnswers(), 'captchaAnswer', /^Le cryptogramme saisi est incorrect ou a expiré/);
    expect(await countRows()).toEqual(before);
  });

  it('a submission without its CSRF token is refused with 403', async () => {
    const before = await countRows();
    const web = await anonymous();
    const body = await envelope(web, 'naissance', birthAnswers());
    const token = web.csrf;
    web.csrf = '';
    let r = await web.api<ApiError>('POST', '/api/v1/actes', body);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('csrf');
    web.csrf = token.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'));
    r = await web.api<ApiError>('POST', '/api/v1/actes', body);
    expect(r.status).toBe(403);
    // Without any session either.
    r = await new WebClient(h.baseUrl).api<ApiError>('POST', '/api/v1/actes', body);
    expect(r.status).toBe(403);
    expect(await countRows()).toEqual(before);
  });
});

describe("Beaucouzé's agent (listCivilStatusRequests, issueCivilStatusCertificate, refuseCivilStatusRequest)", () => {
  it('lists with filters, issues and refuses (mailed), never twice, never without a listed reason or its own words', async () => {
    const web = await anonymous();
    const birthA = birthAnswers();
    const a = await submitOk(web, 'naissance', birthA);
    const b = await submitOk(web, 'deces', deathAnswers());
    const c = await submitOk(web, 'naissance', birthAnswers({ nom: 'Bernard', prenoms: 'Hugo', parent1_nom: 'Bernard' }));
    // A past its processing delay.
    await requests().update({ number: a.number }, { dueAt: new Date(Date.now() - 60_000) });
    const receiptA = await h.smtp.waitFor((m) => m.to.includes(a.email) && m.subject.includes(a.number), MAIL_WAIT_MS);
    const receiptC = await h.smtp.waitFor((m) => m.to.includes(c.email) && m.subject.includes(c.number), MAIL_WAIT_MS);

    const all = await queue(agent);
    expectSpec(all, 'FileActes');
    expect(numbersIn(all)).toEqual(expect.arrayContaining([a.number, b.number, c.number]));
    expect(all).toMatchObject({ page: 1, pageCount: 1, total: all.requests.length });
    // The most recent first.
    expect(numbersIn(all).indexOf(c.number)).toBeLessThan(numbersIn(all).indexOf(a.number));
    expect(all.requests.find((r) => r.number === a.number)).toMatchObject({
      act: 'naissance', status: 'recue', overdue: true, withAccount: false,
      description: expect.stringMatching(/^Extrait avec filiation — acte de naissance de Léa Jeanne Martin, .*: 03\/03\/1990 \(2 exemplaires\)$/),
      requester: { lastName: 'Dubreuil', firstName: 'Claire', email: a.email, phone: null, relation: 'ascendant', relationLabel: expect.any(String) },
      postalAddress: ['Claire Dubreuil', '12 rue Haute', '1000 Bruxelles', 'BELGIQUE'],
    });
    expect(all.requests.find((r) => r.number === b.number)).toMatchObject({ act: 'deces', overdue: false });

    const deaths = await queue(agent, '?act=deces');
    expect(numbersIn(deaths)).toContain(b.number);
    expect(numbersIn(deaths)).not.toContain(a.number);
    expect(deaths.requests.every((r) => r.act === 'deces')).toBe(true);
    const received = await queue(agent, '?status=recue');
    expect(numbersIn(received)).toEqual(expect.arrayContaining([a.number, b.number, c.number]));
    expect(received.requests.every((r) => r.status === 'recue')).toBe(true);
    const late = await queue(agent, '?overdue=true');
    expect(numbersIn(late)).toContain(a.number);
    expect(numbersIn(late)).not.toContain(b.number);
    expect(numbersIn(late)).not.toContain(c.number);
    expect(late.requests.every((r) => r.overdue)).toBe(true);
    const lateBirths = await queue(agent, '?act=naissance&status=recue&overdue=true');
    expect(numbersIn(lateBirths)).toContain(a.number);
    expect(numbersIn(lateBirths)).not.toContain(c.number);

    // Issue: sent, mailed, out of the overdue list.
    const issued = await agent.api<Decision>('POST', `/api/v1/agent/actes/${a.number}/issue`);
    expect(issued.status).toBe(200);
    expectSpec(issued.body, 'DecisionActe');
    expect(issued.body).toEqual({
      number: a.number, status: 'envoyee', statusLabel: 'Acte délivré et envoyé par courrier', decidedAt: expect.any(String), decisionReason: null,
    });
    expect((await rowOf(a.number)).status).toBe('envoyee');
    const issuedMail = await h.smtp.waitFor(
      (m) => m.to.includes(a.email) && m.subject.includes(a.number) && m !== receiptA,
      MAIL_WAIT_MS,
    );
    expect(issuedMail.text).toMatch(/a été délivré et envoyé par courrier/);
    expect(trackingPathIn(issuedMail.text)).toBe(a.trackingUrl);
    expect(numbersIn(await queue(agent, '?overdue=true'))).not.toContain(a.number);
    expect(numbersIn(await queue(agent, '?status=envoyee'))).toContain(a.number);
    const trackedA = await new WebClient(h.baseUrl).api<Tracking>('GET', `/api/v1/actes/suivi/${a.token}`);
    expect(trackedA.body).toMatchObject({ status: 'envoyee', decidedAt: issued.body.decidedAt, decisionReason: null });
    expect(trackedA.body.history.map((e) => e.event)).toEqual(['deposer', 'delivrer']);

    // Refuse: a reason is required, from the list or in the agent's own words.
    for (const wrong of [{ reasonCode: 'autre' }, { reasonCode: 'autre', reason: '   ' }]) {
      const r = await agent.api<ApiError>('POST', `/api/v1/agent/actes/${c.number}/refuse`, wrong);
      expect(r.status).toBe(422);
      expect(Object.keys(r.body.error.fields)).toEqual(['reason']);
      expect(r.body.error.fields.reason).toBe('Indiquez le motif du refus : il est envoyé au demandeur.');
    }
    for (const reasonCode of ['constructor', 'toString', '', 'NON_HABILITE']) {
      const r = await agent.api<ApiError>('POST', `/api/v1/agent/actes/${c.number}/refuse`, { reasonCode, reason: 'Précision' });
      expect(r.status).toBe(422);
      expect(Object.keys(r.body.error.fields)).toEqual(['reasonCode']);
      expect(r.body.error.fields.reasonCode).toMatch(/^Choisissez un motif de refus : « non_enregistre »/);
    }
    expect((await rowOf(c.number)).status).toBe('recue');

    const refused = await agent.api<Decision>('POST', `/api/v1/agent/actes/${c.number}/refuse`, { reasonCode: 'non_habilite' });
    expect(refused.status).toBe(200);
    expectSpec(refused.body, 'DecisionActe');
    expect(refused.body).toEqual({
      number: c.number, status: 'refusee', statusLabel: 'Refusée', decidedAt: expect.any(String), decisionReason: REFUSAL_REASONS.non_habilite,
    });
    expect(await rowOf(c.number)).toMatchObject({ status: 'refusee', decisionReason: REFUSAL_REASONS.non_habilite });
    const refusedMail = await h.smtp.waitFor(
      (m) => m.to.includes(c.email) && m.subject.includes(c.number) && m !== receiptC,
      MAIL_WAIT_MS,
    );
    expect(refusedMail.text).toContain(REFUSAL_REASONS.non_habilite);
    const trackedC = await new WebClient(h.baseUrl).api<Tracking>('GET', `/api/v1/actes/suivi/${c.token}`);
    expectSpec(trackedC.body, 'SuiviActe');
    expect(trackedC.body).toMatchObject({ status: 'refusee', statusLabel: 'Refusée', decisionReason: REFUSAL_REASONS.non_habilite });
    expect(trackedC.body.history.map((e) => e.event)).toEqual(['deposer', 'refuser']);

    // A decided request takes no other decision.
    for (const [number, path, body] of [
      [a.number, 'issue', undefined],
      [a.number, 'refuse', { reasonCode: 'non_habilite' }],
      [c.number, 'issue', undefined],
      [c.number, 'refuse', { reasonCode: 'autre', reason: 'Encore' }],
    ] as const) {
      const r = await agent.api<ApiError>('POST', `/api/v1/agent/actes/${number}/${path}`, body);
      expect(r.status).toBe(409);
      expectSpec(r.body, 'Erreur');
      expect(r.body.error.code).toBe('conflict');
      expect(r.body.error.message).toMatch(/déjà traitée/);
    }
    expect((await rowOf(a.number)).status).toBe('envoyee');
    expect(await rowOf(c.number)).toMatchObject({ status: 'refusee', decisionReason: REFUSAL_REASONS.non_habilite });
    expect((await rowOf(b.number)).status).toBe('recue');

    // The agents' reminders (rows written as remindAgentsOfCivilStatusRequest does) stay internal.
    const rowB = await rowOf(b.number);
    await h.dataSource.getRepository(CivilStatusHistory).insert({
      requestId: rowB.id, eventKey: 'relance:0', event: 'relancer_agents', fromStatus: 'recue', toStatus: 'recue', actor: 'system', reason: null, at: new Date(),
    });
    const trackedB = await new WebClient(h.baseUrl).api<Tracking>('GET', `/api/v1/actes/suivi/${b.token}`);
    expect(trackedB.body.history.map((e) => e.event)).toEqual(['deposer']);
    expect(JSON.stringify(trackedB.body)).not.toMatch(/relanc|system|agent/);

    // An unknown number.
    const unknown = await agent.api<ApiError>('POST', '/api/v1/agent/actes/BEA-1999-999999/issue');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

describe("Beaucouzé's agent: the refusal's words, and two decisions at once", () => {
  it('a listed reason with a precision, the length limit, a reason that is not text', async () => {
    const web = await anonymous();
    const r1 = await submitOk(web, 'naissance', birthAnswers());
    const r2 = await submitOk(web, 'deces', deathAnswers());

    let r = await agent.api<ApiError>('POST', `/api/v1/agent/actes/${r1.number}/refuse`, { reasonCode: 'non_habilite', reason: 42 });
    expect(r.status).toBe(422);
    expect(r.body.error.fields).toEqual({ reason: 'Le motif doit être un texte.' });
    r = await agent.api<ApiError>('POST', `/api/v1/agent/actes/${r1.number}/refuse`, { reasonCode: 'autre', reason: 'x'.repeat(1001) });
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.error.fields)).toEqual(['reason']);
    // A precision that fits alone, but not after the listed reason.
    r = await agent.api<ApiError>('POST', `/api/v1/agent/actes/${r1.number}/refuse`, { reasonCode: 'non_habilite', reason: 'x'.repeat(990) });
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.error.fields)).toEqual(['reason']);
    expect((await rowOf(r1.number)).status).toBe('recue');

    const precision = 'Seule la personne concernée peut demander cette copie.';
    const refused = await agent.api<Decision>('POST', `/api/v1/agent/actes/${r1.number}/refuse`, { reasonCode: ' non_habilite ', reason: `  ${precision}  ` });
    expect(refused.status).toBe(200);
    expect(refused.body.decisionReason).toBe(`${REFUSAL_REASONS.non_habilite}\n${precision}`);
    const tracked = await new WebClient(h.baseUrl).api<Tracking>('GET', `/api/v1/actes/suivi/${r1.token}`);
    expect(tracked.body.decisionReason).toBe(`${REFUSAL_REASONS.non_habilite}\n${precision}`);

    const own = await agent.api<Decision>('POST', `/api/v1/agent/actes/${r2.number.toLowerCase()}/refuse`, { reasonCode: 'autre', reason: '  Acte transcrit à Nantes.  ' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ number: r2.number, status: 'refusee', decisionReason: 'Acte transcrit à Nantes.' });
    const mail = await h.smtp.waitFor((m) => m.to.includes(r2.email) && m.text.includes('Acte transcrit à Nantes.'), MAIL_WAIT_MS);
    expect(mail.subject).toContain(r2.number);
  });

  it('an issue and a refusal sent together: one wins, the other is a 409, and the row agrees with the winner', async () => {
    const x = await submitOk(await anonymous(), 'naissance', birthAnswers());
    const [issue, refuse] = await Promise.all([
      agent.api<Decision & ApiError>('POST', `/api/v1/agent/actes/${x.number}/issue`),
      agent.api<Decision & ApiError>('POST', `/api/v1/agent/actes/${x.number}/refuse`, { reasonCode: 'non_enregistre' }),
    ]);
    expect([issue.status, refuse.status].sort()).toEqual([200, 409]);
    const winner = issue.status === 200 ? issue.body : refuse.body;
    expect(winner.status).toBe(issue.status === 200 ? 'envoyee' : 'refusee');
    const row = await rowOf(x.number);
    expect(row.status).toBe(winner.status);
    const decisions = await h.dataSource.getRepository(CivilStatusHistory).findBy({ requestId: row.id });
    expect(decisions.map((e) => e.event).filter((e) => e !== 'deposer')).toHaveLength(1);
  });
});

describe('the address throttle', () => {
  it('answers 429 with Retry-After after 10 submissions from one address, accepted or not', async () => {
    const web = await withApiSession(new HostClient(h.baseUrl));
    const before = await countRows();
    const c = await captcha(web);
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const statuses: number[] = [];
    let last: (ApiResponse<ApiError> & { headers: http.IncomingHttpHeaders }) | undefined;
    for (let i = 0; i < 11; i++) {
      last = await web.api<ApiError>('POST', '/api/v1/actes', {
        act: 'naissance', answers: birthAnswers({ date_evenement: inTwoDays }), captchaId: c.id, captchaAnswer: c.answer, submissionKey: randomUUID(),
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(10).fill(422), 429]);
    expect(last?.body.error.code).toBe('throttled');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(await countRows()).toEqual(before);
  });
});

describe('who may call the agents’ routes, and what stays in its commune', () => {
  it('an anonymous client and a logged-in resident get 401 (403 without a CSRF token) on list, issue and refuse', async () => {
    const web = await anonymous();
    const x = await submitOk(web, 'naissance', birthAnswers());
    const calls = [
      ['GET', '/api/v1/agent/actes', undefined],
      ['POST', `/api/v1/agent/actes/${x.number}/issue`, undefined],
      ['POST', `/api/v1/agent/actes/${x.number}/refuse`, { reasonCode: 'non_habilite' }],
    ] as const;

    for (const [method, path, body] of calls) {
      const r = await web.api<ApiError>(method, path, body);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
    }
    const noToken = new WebClient(h.baseUrl);
    expect((await noToken.api<ApiError>('GET', '/api/v1/agent/actes')).status).toBe(401);
    for (const [method, path, body] of calls.slice(1)) {
      const r = await noToken.api<ApiError>(method, path, body);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('csrf');
    }

    const who = { prenom: 'Nadia', nom: 'Guichet', email: 'nadia.guichet.api@example.fr' };
    expect((await signUp(new WebClient(h.baseUrl), who)).status).toBe(303);
    const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
    const resident = await withApiSession(await residentClient(h.baseUrl, account.identifier));
    for (const [method, path, body] of calls) {
      const r = await resident.api<ApiError>(method, path, body);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
    }
    expect((await rowOf(x.number)).status).toBe('recue');
  });

  it("Saint-Clair's agent, on Saint-Clair's host, neither sees nor decides Beaucouzé's requests; tokens open nothing elsewhere", async () => {
    // Submitted over node:http to read the Location header (no Host given: Beaucouzé, the default).
    const web = await withApiSession(new HostClient(h.baseUrl));
    const body = await envelope(web, 'naissance', birthAnswers());
    const created = await web.api<Submitted>('POST', '/api/v1/actes', body);
    expect(created.status).toBe(201);
    const x = created.body;
    const token = x.trackingUrl.slice('/suivi/'.length);
    expect(created.headers.location).toBe(`/api/v1/actes/suivi/${token}`);
    expect((await web.api<Tracking>('GET', created.headers.location as string)).body.number).toBe(x.number);

    const sc = await withApiSession(await agentLogin(new HostClient(h.baseUrl, SAINT_CLAIR_HOST), OTHER_AGENT.login, OTHER_AGENT.password));
    const scSession = await sc.api<{ user: Record<string, unknown> }>('GET', '/api/v1/session');
    expect(scSession.body.user).toMatchObject({ kind: 'agent', login: OTHER_AGENT.login });
    expect(numbersIn(await queue(sc))).not.toContain(x.number);
    expect(numbersIn(await queue(sc, '?status=recue&act=naissance'))).not.toContain(x.number);
    for (const [path, payload] of [['issue', undefined], ['refuse', { reasonCode: 'non_habilite' }]] as const) {
      const r = await sc.api<ApiError>('POST', `/api/v1/agent/actes/${x.number}/${path}`, payload);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect(await rowOf(x.number)).toMatchObject({ status: 'recue', decidedAt: null });

    // Saint-Clair's own request: its agent sees it, Beaucouzé's does not and cannot decide it.
    const scAnonymous = await withApiSession(new HostClient(h.baseUrl, SAINT_CLAIR_HOST));
    const y = await submitOk(scAnonymous, 'deces', deathAnswers());
    expect((await rowOf(y.number)).communeId).toBe(h.communes.saintClair.id);
    expect(numbersIn(await queue(sc))).toContain(y.number);
    expect(numbersIn(await queue(agent))).not.toContain(y.number);
    expect((await agent.api<ApiError>('POST', `/api/v1/agent/actes/${y.number}/issue`)).status).toBe(404);
    expect((await rowOf(y.number)).status).toBe('recue');

    // A token opens its request on its own commune's host only.
    const elsewhere = await scAnonymous.api<ApiError>('GET', `/api/v1/actes/suivi/${token}`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('not_found');
    expect(JSON.stringify(elsewhere.body)).not.toContain(x.number);
    expect((await new WebClient(h.baseUrl).api<ApiError>('GET', `/api/v1/actes/suivi/${y.token}`)).status).toBe(404);
    expect((await scAnonymous.api<Tracking>('GET', `/api/v1/actes/suivi/${y.token}`)).status).toBe(200);

    // Garbage, a changed token, a cut one, the request's number: 404, nothing revealed.
    const changed = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const garbage of ['nimporte-quoi', 'A'.repeat(43), changed, token.slice(0, 20), `${token}A`, x.number, encodeURIComponent("' OR 1=1 --")]) {
      const r = await new WebClient(h.baseUrl).api<ApiError>('GET', `/api/v1/actes/suivi/${garbage}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect(JSON.stringify(r.body)).not.toContain(x.number);
    }
  });
});

describe('a logged-in resident', () => {
  it('submits through the API: the request carries their account', async () => {
    const who = { prenom: 'Inès', nom: 'Archive', email: 'ines.archive.api@example.fr' };
    expect((await signUp(new WebClient(h.baseUrl), who)).status).toBe(303);
    const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: who.email });
    const ines = await withApiSession(await residentClient(h.baseUrl, account.identifier));
    const session = await ines.api<{ user: Record<string, unknown> }>('GET', '/api/v1/session');
    expect(session.body.user).toMatchObject({ kind: 'resident', identifier: account.identifier });

    const submitted = await submitOk(ines, 'naissance', birthAnswers({
      lien: 'titulaire', nom: 'Archive', prenoms: 'Inès', demandeur_nom: 'Archive', demandeur_prenom: 'Inès', email: who.email,
      pays: 'France', code_postal: account.postalCode, ville: account.city, adresse: account.addressLine,
    }));
    const row = await rowOf(submitted.number);
    expect(row).toMatchObject({ accountId: account.id, communeId: h.communes.beaucouze.id, status: 'recue' });
    const [deposit] = await h.dataSource.getRepository(CivilStatusHistory).findBy({ requestId: row.id, event: 'deposer' });
    expect(deposit.actor).toBe(`resident:${account.id}`);
    expect((await queue(agent)).requests.find((r) => r.number === submitted.number)).toMatchObject({ withAccount: true });

    // An anonymous one stays without an account.
    const anon = await submitOk(await anonymous(), 'deces', deathAnswers());
    expect((await rowOf(anon.number)).accountId).toBeNull();
    expect((await queue(agent)).requests.find((r) => r.number === anon.number)).toMatchObject({ withAccount: false });
  });
});
