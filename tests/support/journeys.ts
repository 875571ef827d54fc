// Steps that several integration tests take through the portal's forms: signing up tab by tab,
// logging in as a resident or an agent, counting the rows an action may have written.
import http from 'node:http';
import type { DataSource } from 'typeorm';
import { DEMO_AGENT, WebClient } from './harness';
import { exchange } from './cookie-http';

export const STRONG_PASSWORD = 'Tournesol-Bleu-42!';
export const SECURITY_QUESTION = 'Quel est le nom de votre premier animal de compagnie ?';
export const SECURITY_ANSWER = 'Médor';

export interface PageResponse {
  status: number;
  text: string;
  location: string | null;
}

export interface HttpPageResponse extends PageResponse {
  headers: http.IncomingHttpHeaders;
}

/** What the journeys need of a client: WebClient, or HttpWebClient (another commune's portal, headers). */
export interface FormClient {
  readonly baseUrl: string;
  csrf: string;
  get(path: string): Promise<PageResponse>;
  post(path: string, fields: Record<string, string>): Promise<PageResponse>;
}

export interface NewResident {
  prenom: string;
  nom: string;
  email: string;
  telephone?: string;
  mode?: 'email' | 'sms';
  adresse?: string;
}

/** Fills the four tabs (each must answer 303) and returns the captcha's challenge of the last one. */
export async function fillSignUpTabs(
  web: FormClient,
  who: NewResident,
  members: Array<Record<string, string>> = [],
): Promise<{ captchaId: string; answer: string }> {
  let r = await web.post('/compte/creer/identite', {
    civilite: 'Madame', prenom: who.prenom, nom: who.nom, date_naissance: '1985-03-14', action: 'suivant',
  });
  expect(r.status).toBe(303);
  r = await web.post('/compte/creer/coordonnees', {
    email: who.email, telephone: who.telephone ?? '', adresse: who.adresse ?? '3 rue de la Mairie',
    code_postal: '49070', ville: 'Beaucouzé', mode_communication: who.mode ?? 'email', action: 'suivant',
  });
  expect(r.status).toBe(303);
  for (const m of members) {
    r = await web.post('/compte/creer/foyer', { ...m, action: 'ajouter_membre' });
    expect(r.status).toBe(303);
  }
  r = await web.post('/compte/creer/foyer', { action: 'suivant' });
  expect(r.status).toBe(303);
  r = await web.post('/compte/creer/securite', {
    mot_de_passe: STRONG_PASSWORD, mot_de_passe_confirmation: STRONG_PASSWORD,
    question: SECURITY_QUESTION, reponse: SECURITY_ANSWER, action: 'suivant',
  });
  expect(r.status).toBe(303);
  return openCaptcha(web);
}

/** Opens the «Validation» tab and reads its cryptogramme's answer (test mode only). */
export async function openCaptcha(web: FormClient): Promise<{ captchaId: string; answer: string }> {
  const page = await web.get('/compte/creer/validation');
  expect(page.status).toBe(200);
  const captchaId = /name="captcha_id" value="([^"]+)"/.exec(page.text)?.[1] as string;
  const image = await fetch(`${web.baseUrl}/captcha/${captchaId}.svg`);
  const answer = image.headers.get('x-captcha-test-answer') as string;
  expect(answer).toMatch(/^\w{5}$/);
  return { captchaId, answer };
}

/** «Créer un compte» from the first tab to «Envoyer»; returns the last answer (303 when created). */
export async function signUp(
  web: FormClient,
  who: NewResident,
  members: Array<Record<string, string>> = [],
): Promise<PageResponse> {
  const { captchaId, answer } = await fillSignUpTabs(web, who, members);
  return web.post('/compte/creer/validation', {
    captcha_id: captchaId, cryptogramme: answer, action: 'envoyer',
  });
}

/** A resident logged in on the portal (the login must succeed). */
export async function residentClient(
  baseUrl: string,
  login: string,
  password = STRONG_PASSWORD,
): Promise<WebClient> {
  const resident = new WebClient(baseUrl);
  await resident.get('/');
  const r = await resident.post('/connexion', { identifiant: login, mot_de_passe: password });
  expect(r.status).toBe(303);
  await resident.get('/accueil'); // the login gave a new session: its CSRF token is on the next page
  return resident;
}

/** An agent logged in on the back office of the portal `client` talks to (the login must succeed). */
export async function agentLogin<C extends FormClient>(
  client: C,
  login = DEMO_AGENT.login,
  password = DEMO_AGENT.password,
): Promise<C> {
  await client.get('/agent/connexion');
  const r = await client.post('/agent/connexion', { identifiant: login, mot_de_passe: password });
  expect(r.status).toBe(303);
  await client.get('/agent'); // the login gave a new session: its CSRF token is on the next page
  return client;
}

export const agentClient = (baseUrl: string, login?: string, password?: string): Promise<WebClient> =>
  agentLogin(new WebClient(baseUrl), login, password);

export const ACCOUNT_TABLES = ['account', 'household_member', 'account_history', 'notification'] as const;

/** Row counts of the tables an account action writes, to prove that a refused one wrote nothing. */
export async function countRows(
  dataSource: DataSource,
  tables: readonly string[] = ACCOUNT_TABLES,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = (await dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`)) as Array<{ n: string }>;
    counts[table] = Number(row.n);
  }
  return counts;
}

/** The text of a page as a reader sees it: tags removed, entities decoded, spaces collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;|&#xa0;/g, ' ')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` every 100 ms until it gives a truthy value, which is returned. */
export async function waitUntil<T>(
  what: string,
  read: () => T | Promise<T>,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`${what} : toujours pas au bout de ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Like WebClient, over node:http: it sends the Host header as given (Node's fetch replaces it by
 * the URL's), which another commune's portal needs (`demarches-<slug>.<PORTAL_DOMAIN>`), and it
 * returns the response headers (Retry-After).
 */
export class HttpWebClient implements FormClient {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(
    readonly baseUrl: string,
    private readonly host?: string,
  ) {}

  get(path: string): Promise<HttpPageResponse> {
    return this.request('GET', path);
  }

  async post(path: string, fields: Record<string, string>): Promise<HttpPageResponse> {
    if (!this.csrf) await this.get('/');
    return this.request('POST', path, new URLSearchParams({ _csrf: this.csrf, ...fields }).toString());
  }

  private async request(method: string, path: string, body?: string): Promise<HttpPageResponse> {
    const headers: Record<string, string> = {};
    if (this.host) headers.host = this.host;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const { status, text, headers: answered } = await exchange(new URL(path, this.baseUrl), this.cookies, { method, headers, body });
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { status, text, location: answered.location ?? null, headers: answered };
  }
}
