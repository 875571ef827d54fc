// One HTTP exchange over node:http with a cookie jar: the jar's cookies go out, the answer's
// Set-Cookie come back into it, the body is read as text. For the clients that fetch cannot
// serve (a Host header for another commune's portal, raw bodies) and the bench's keep-alive client.
import http from 'node:http';

export interface RawAnswer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

export interface Exchange {
  method: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  agent?: http.Agent;
}

export function exchange(url: URL, cookies: Map<string, string>, { method, headers = {}, body, agent }: Exchange): Promise<RawAnswer> {
  const sent = { ...headers };
  if (cookies.size) sent.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: sent, agent }, (res) => {
      for (const c of res.headers['set-cookie'] ?? []) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
