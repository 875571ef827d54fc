// A minimal HTTP client for the benchmark: keeps the session cookie and the CSRF token of the
// JSON API (GET/POST /api/v1/session), on a keep-alive agent so that connection setup is not measured.
import http from 'node:http';
import { exchange } from '../tests/support/cookie-http';

export interface HttpAnswer {
  status: number;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

export function closeHttpAgent(): void {
  agent.destroy();
}

export class BenchClient {
  csrf = '';

  constructor(
    readonly baseUrl: string,
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** The same session (cookies, CSRF token) on another server of the same database. */
  at(baseUrl: string): BenchClient {
    const other = new BenchClient(baseUrl, this.cookies);
    other.csrf = this.csrf;
    return other;
  }

  async request(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json, text/html' };
    if (this.csrf) headers['x-csrf-token'] = this.csrf;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const { status, text } = await exchange(url, this.cookies, { method, headers, body: payload, agent });
    return { status, text };
  }

  /** JSON call; throws unless the status is one of `expected`. */
  async json<T>(method: string, path: string, body?: unknown, expected: number[] = [200, 201]): Promise<T> {
    const res = await this.request(method, path, body);
    if (!expected.includes(res.status)) {
      throw new Error(`${method} ${path} → ${res.status} : ${res.text.slice(0, 300)}`);
    }
    return (res.text ? JSON.parse(res.text) : null) as T;
  }

  /** Opens a session and logs the resident in through the JSON API. */
  async login(identifier: string, password: string): Promise<void> {
    const s = await this.json<{ csrfToken: string }>('GET', '/api/v1/session');
    this.csrf = s.csrfToken;
    const logged = await this.json<{ csrfToken: string }>('POST', '/api/v1/session', { identifiant: identifier, mot_de_passe: password });
    this.csrf = logged.csrfToken;
  }
}
