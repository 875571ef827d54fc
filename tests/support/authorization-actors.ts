// The six callers of the authorization matrix (tests/security/authorization-matrix.test.ts), each
// a cookie jar with its session's CSRF token, over node:http so that a commune's own portal is
// reached by its Host header (`demarches-<slug>.localhost`, api/middleware/commune.ts).
import http from 'node:http';
import { exchange } from './cookie-http';

export const ACTORS = ['anonymous', 'residentA', 'residentB', 'agentX', 'agentY', 'admin'] as const;
export type ActorName = (typeof ACTORS)[number];

/** What a request sends: nothing, JSON, a form (CSRF field first), a multipart form, or raw bytes. */
export type Payload =
  | { json: unknown }
  | { form: Record<string, string> }
  | { multipart: { fields?: Record<string, string>; files: Array<{ field: string; name: string; content: Buffer; type: string }> } }
  | { raw: string | Buffer; type: string };

export interface Answer {
  status: number;
  text: string;
  location: string | null;
  headers: http.IncomingHttpHeaders;
}

export class ActorClient {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(
    readonly baseUrl: string,
    /** Another commune's portal: `demarches-<slug>.localhost`; none for the default commune. */
    readonly host?: string,
  ) {}

  /** The same cookies and token sent to another portal (another commune's Host, or the default one). */
  onHost(host?: string): ActorClient {
    const copy = new ActorClient(this.baseUrl, host);
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    copy.csrf = this.csrf;
    return copy;
  }

  /** One request with the session's cookie and CSRF token (header, and first field of a form). */
  async send(method: string, path: string, payload?: Payload, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.host) headers.host = this.host;
    if (this.csrf) headers['x-csrf-token'] = this.csrf;
    let body: Buffer | undefined;
    if (payload && 'json' in payload) {
      body = Buffer.from(JSON.stringify(payload.json));
      headers['content-type'] = 'application/json';
    } else if (payload && 'form' in payload) {
      body = Buffer.from(new URLSearchParams({ _csrf: this.csrf, ...payload.form }).toString());
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (payload && 'multipart' in payload) {
      const form = new FormData();
      // A page's form carries its token as its first field; the API reads the header only.
      if (!path.startsWith('/api/')) form.append('_csrf', this.csrf);
      for (const [k, v] of Object.entries(payload.multipart.fields ?? {})) form.append(k, v);
      for (const f of payload.multipart.files) form.append(f.field, new Blob([new Uint8Array(f.content)], { type: f.type }), f.name);
      const encoded = new Response(form);
      body = Buffer.from(await encoded.arrayBuffer());
      headers['content-type'] = encoded.headers.get('content-type') as string;
    } else if (payload) {
      body = Buffer.isBuffer(payload.raw) ? payload.raw : Buffer.from(payload.raw);
      headers['content-type'] = payload.type;
    }
    if (body) headers['content-length'] = String(body.length);
    const { status, text, headers: answered } = await exchange(new URL(path, this.baseUrl), this.cookies, { method, headers, body });
    const answer: Answer = { status, text, location: answered.location ?? null, headers: answered };
    // A page's form or a JSON login carries the session's token: the next request sends it.
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.text)?.[1] ?? jsonToken(answer);
    if (token) this.csrf = token;
    return answer;
  }

  /** JSON of an answer (null when the body is not JSON). */
  static json<T>(answer: Answer): T | null {
    try {
      return JSON.parse(answer.text) as T;
    } catch {
      return null;
    }
  }
}

function jsonToken(answer: Answer): string | undefined {
  if (!/^application\/json/.test(String(answer.headers['content-type'] ?? ''))) return undefined;
  const token = ActorClient.json<{ csrfToken?: unknown }>(answer)?.csrfToken;
  return typeof token === 'string' ? token : undefined;
}

/** A session as a JSON client opens one: GET /api/v1/session gives the cookie and the CSRF token. */
export async function openSession(client: ActorClient): Promise<ActorClient> {
  const r = await client.send('GET', '/api/v1/session');
  if (r.status !== 200 || !client.csrf) throw new Error(`GET /api/v1/session : ${r.status}`);
  return client;
}

/** A resident logged in through the API (the login must succeed). */
export async function residentSession(client: ActorClient, identifier: string, password: string): Promise<ActorClient> {
  await openSession(client);
  const r = await client.send('POST', '/api/v1/session', { json: { identifiant: identifier, mot_de_passe: password } });
  if (r.status !== 200) throw new Error(`connexion de ${identifier} : ${r.status} ${r.text}`);
  return client;
}

/** An agent logged in through the API on the portal `client` talks to (the login must succeed). */
export async function agentSession(client: ActorClient, login: string, password: string): Promise<ActorClient> {
  await openSession(client);
  const r = await client.send('POST', '/api/v1/agent/session', { json: { identifiant: login, mot_de_passe: password } });
  if (r.status !== 200) throw new Error(`connexion de l’agent ${login} : ${r.status} ${r.text}`);
  return client;
}
