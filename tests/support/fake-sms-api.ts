// A local stand-in for Brevo's transactional SMS endpoint (POST /v3/transactionalSMS/send), answering
// the way Brevo does: 401 { code: 'unauthorized' } for a bad api-key, 400 { code, message } for an
// invalid body, 201 { messageId } on success. It can be told to fail with a 5xx a few times.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  sender: string;
  recipient: string;
  content: string;
  type: string;
  unicodeEnabled: boolean;
  messageId: number;
}

export interface FakeSmsApi {
  /** Base URL to use as SMS_API_URL (the /v3/... path is added by the provider). */
  url: string;
  apiKey: string;
  /** SMS accepted (201), in order. */
  received: ReceivedSms[];
  /** Every request that reached the endpoint, accepted or not. */
  requestCount(): number;
  /** The next `times` valid requests get `status` (default 500) instead of being accepted. */
  failNext(times: number, status?: number): void;
  stop(): Promise<void>;
}

const PATH = '/v3/transactionalSMS/send';

function reply(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Returns the error Brevo would give for this body, or null when it is valid. */
function invalidBody(body: unknown): { code: string; message: string } | null {
  if (typeof body !== 'object' || body === null) return { code: 'bad_request', message: 'Invalid JSON body' };
  const b = body as Record<string, unknown>;
  for (const field of ['sender', 'recipient', 'content']) {
    if (typeof b[field] !== 'string' || (b[field] as string).length === 0) {
      return { code: 'missing_parameter', message: `${field} is missing` };
    }
  }
  const sender = b.sender as string;
  if (!/^[A-Za-z0-9 ]{1,11}$/.test(sender) && !/^\d{1,15}$/.test(sender)) {
    return { code: 'invalid_parameter', message: 'sender is invalid' };
  }
  if (!/^\+?[1-9]\d{7,14}$/.test(b.recipient as string)) {
    return { code: 'invalid_parameter', message: 'recipient is not a valid mobile number' };
  }
  if (b.type !== undefined && b.type !== 'transactional' && b.type !== 'marketing') {
    return { code: 'invalid_parameter', message: 'type is invalid' };
  }
  if (b.unicodeEnabled !== undefined && typeof b.unicodeEnabled !== 'boolean') {
    return { code: 'invalid_parameter', message: 'unicodeEnabled should be boolean' };
  }
  return null;
}

export async function startFakeSmsApi(options: { apiKey?: string } = {}): Promise<FakeSmsApi> {
  const apiKey = options.apiKey ?? 'xkeysib-test-key';
  const received: ReceivedSms[] = [];
  let requests = 0;
  let failures = { remaining: 0, status: 500 };
  let nextMessageId = 1_511_882_900_176_220;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== PATH) {
        reply(res, 404, { code: 'not_found', message: 'Not found' });
        return;
      }
      requests += 1;
      if (req.headers['api-key'] !== apiKey) {
        reply(res, 401, { code: 'unauthorized', message: 'Key not found' });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const error = invalidBody(body);
      if (error) {
        reply(res, 400, error);
        return;
      }
      if (failures.remaining > 0) {
        failures.remaining -= 1;
        reply(res, failures.status, { code: 'internal_error', message: 'Internal server error' });
        return;
      }
      const b = body as Record<string, unknown>;
      const messageId = nextMessageId++;
      received.push({
        sender: b.sender as string,
        recipient: b.recipient as string,
        content: b.content as string,
        type: (b.type as string | undefined) ?? 'transactional',
        unicodeEnabled: (b.unicodeEnabled as boolean | undefined) ?? false,
        messageId,
      });
      reply(res, 201, { messageId });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    received,
    requestCount: () => requests,
    failNext(times, status = 500) {
      failures = { remaining: times, status };
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
