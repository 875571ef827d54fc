// What the logs may say: secrets and what residents send never, tokens of URLs never, and the
// request id on every line of a request.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger, redactSecrets, safeUrl, temporalLogger, type Logger } from '../../observability/logger';
import { httpLogger, httpMetrics, requestId } from '../../observability/http';
import { currentRequestId } from '../../observability/request-context';

function capturingLogger(level = 'trace'): { logger: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const written: string[] = [];
  const logger = createLogger({ level, service: 'test', destination: { write: (s: string) => void written.push(s) } });
  return {
    logger,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => written.join(''),
  };
}

const SECRETS = {
  password: 'Tournesol-Bleu-42!',
  mot_de_passe: 'Autre-Secret-2026!',
  resetToken: 'reset-0123456789abcdef',
  trackingToken: 'suivi-abcdef0123456789',
  _csrf: 'csrf-value-123456',
  securityAnswer: 'Médor',
  reponse: 'Rex-le-chien',
  cryptogramme: 'K7P2Q',
  captchaAnswer: 'AB12C',
  authorization: 'Bearer api-key-secret-value',
  cookie: 'portail.sid=s%3Asession-secret',
  apiKey: 'regie-key-000111222',
};

describe('log redaction', () => {
  test('a line with passwords, tokens, answers, authorization and cookies shows [Redacted] instead', () => {
    const { logger, lines, text } = capturingLogger();
    logger.info(
      {
        ...SECRETS,
        user: { identifier: 'amelie.lire', password: SECRETS.password, nested: { token: SECRETS.resetToken } },
        headers: { authorization: SECRETS.authorization, cookie: SECRETS.cookie, 'x-csrf-token': SECRETS._csrf, 'x-api-key': SECRETS.apiKey },
        body: { mot_de_passe: SECRETS.mot_de_passe, message: 'Mon dossier médical' },
        attachments: [{ filename: 'recu.pdf', content: Buffer.from('%PDF-1.4 secret') }],
        kept: 'visible',
      },
      'sign-up',
    );
    const [line] = lines();
    expect(line.password).toBe('[Redacted]');
    expect(line.authorization).toBe('[Redacted]');
    expect(line.cookie).toBe('[Redacted]');
    expect(line.securityAnswer).toBe('[Redacted]');
    expect((line.user as Record<string, unknown>).password).toBe('[Redacted]');
    expect((line.user as Record<string, unknown>).identifier).toBe('amelie.lire');
    expect(line.body).toBe('[Redacted]');
    expect(line.kept).toBe('visible');
    for (const secret of [...Object.values(SECRETS), 'Mon dossier médical', 'secret']) {
      expect(text()).not.toContain(secret);
    }
  });

  test("an error's own fields (SQL, its parameters) are redacted, its message kept", () => {
    const { logger, lines, text } = capturingLogger();
    const err = Object.assign(new Error('Duplicate entry'), {
      query: 'INSERT INTO account (password_hash) VALUES (?)',
      parameters: ['$argon2id$v=19$secret-hash'],
      sql: "INSERT INTO account (password_hash) VALUES ('$argon2id$v=19$secret-hash')",
    });
    logger.error({ err }, 'unexpected error');
    expect((lines()[0].err as Record<string, unknown>).message).toBe('Duplicate entry');
    expect(text()).not.toContain('secret-hash');
  });

  test("a child logger's bindings are redacted too", () => {
    const { logger, text } = capturingLogger();
    logger.child({ password: SECRETS.password, token: SECRETS.resetToken }).info('child');
    expect(text()).toContain('[Redacted]');
    expect(text()).not.toContain(SECRETS.password);
    expect(text()).not.toContain(SECRETS.resetToken);
  });

  test('URLs lose their query string and tokens; values under url-like keys are cleaned at any depth', () => {
    expect(safeUrl('/actes/suivi/8f1c2d3e4f5a6b7c8d9e0f?x=1')).toBe('/actes/suivi/:token');
    expect(safeUrl('/suivi/abc')).toBe('/suivi/:token');
    expect(safeUrl('/mot-de-passe-oublie/nouveau/XyZ_123-abc')).toBe('/mot-de-passe-oublie/nouveau/:token');
    expect(safeUrl('/api/v1/password-reset/tok123/confirm')).toBe('/api/v1/password-reset/:token/confirm');
    expect(safeUrl('/compte/creer/validation?email=amelie%40example.fr')).toBe('/compte/creer/validation');
    expect(safeUrl(`/quelque-part/${'a1B2'.repeat(10)}`)).toBe('/quelque-part/:token');
    expect(safeUrl('/demandes/BEA-2026-000123')).toBe('/demandes/BEA-2026-000123');
    expect(redactSecrets({ mail: { link: 'https://x.fr/mot-de-passe-oublie/nouveau/abcdef' } })).toEqual({
      mail: { link: 'https://x.fr/mot-de-passe-oublie/nouveau/:token' },
    });
  });

  test("Temporal's SDK logs come out as the same JSON, redacted, with their attributes", () => {
    const { logger, lines } = capturingLogger();
    const sdk = temporalLogger(logger);
    sdk.debug('Activity completed', { requestId: 'req-12345678', activityType: 'sendIdentifierMail', password: 'x', [Symbol('ts')]: 1n });
    sdk.log('WARN', 'Notification impossible', { error: new Error('refusé') });
    const [completed, warned] = lines();
    expect(completed).toMatchObject({ level: 'debug', msg: 'Activity completed', requestId: 'req-12345678', activityType: 'sendIdentifierMail', password: '[Redacted]' });
    expect(warned).toMatchObject({ level: 'warn', error: { message: 'refusé' } });
  });
});

describe('HTTP request logs and request id', () => {
  async function serve(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  test('the line of a request carries its id and route pattern, never the token, body or query string', async () => {
    const { logger, lines, text } = capturingLogger('info');
    const app = express();
    app.use(requestId(), httpMetrics(), httpLogger(logger));
    app.use(express.urlencoded({ extended: false }));
    let seen: string | undefined;
    app.post('/mot-de-passe-oublie/nouveau/:token', (_req, res) => {
      seen = currentRequestId();
      res.status(303).end();
    });
    const server = await serve(app);
    try {
      const res = await fetch(`${server.url}/mot-de-passe-oublie/nouveau/tok-SECRET-42?email=amelie%40example.fr`, {
        method: 'POST',
        headers: { 'x-request-id': 'lb-request-00042', 'content-type': 'application/x-www-form-urlencoded', cookie: 'portail.sid=s%3Asecret-session' },
        body: new URLSearchParams({ mot_de_passe: SECRETS.password, _csrf: SECRETS._csrf }),
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('x-request-id')).toBe('lb-request-00042');
      expect(seen).toBe('lb-request-00042');
    } finally {
      await server.close();
    }
    const line = lines().find((l) => l.msg === 'request completed') as Record<string, unknown>;
    expect(line).toMatchObject({
      requestId: 'lb-request-00042',
      route: '/mot-de-passe-oublie/nouveau/:token',
      req: { method: 'POST', url: '/mot-de-passe-oublie/nouveau/:token' },
      res: { statusCode: 303 },
    });
    for (const secret of ['tok-SECRET-42', 'amelie', 'secret-session', SECRETS.password, SECRETS._csrf]) {
      expect(text()).not.toContain(secret);
    }
  });

  test('an unusable incoming id is replaced by a new one', async () => {
    const { logger } = capturingLogger('silent');
    const app = express();
    app.use(requestId(), httpLogger(logger));
    app.get('/', (_req, res) => void res.send('ok'));
    const server = await serve(app);
    try {
      const res = await fetch(server.url, { headers: { 'x-request-id': 'bad id\twith "quotes"' } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const fresh = await fetch(server.url);
      expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await server.close();
    }
  });
});
