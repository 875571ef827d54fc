// A real SMTP server for tests (smtp-server), so mails cross an actual SMTP conversation. mailparser
// is not installed: the small MIME reader below decodes what nodemailer writes (headers with
// RFC 2047 encoded words, multipart bodies, quoted-printable and base64 parts).
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  envelopeFrom: string;
  envelopeTo: string[];
  /** Decoded header values, keys lower-cased; the last occurrence wins. */
  headers: Record<string, string>;
  from: string;
  to: string;
  subject: string;
  messageId: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  url: string;
  messages: ReceivedMail[];
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  stop(): Promise<void>;
  /** Closes the listener: connections are refused until up(). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
}

export async function startSmtpReceiver(port = 0): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push({
          ...parseMail(raw),
          envelopeFrom,
          envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
        });
        waiters.forEach((wake) => wake());
        callback();
      });
    },
  });

  const listen = (wanted: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(wanted, '127.0.0.1', () => {
        server.server.off('error', reject);
        const address = server.server.address();
        resolve(typeof address === 'object' && address ? address.port : wanted);
      });
    });
  const close = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

  const actualPort = await listen(port);
  let listening = true;

  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    messages,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`Aucun courriel attendu reçu en ${timeoutMs} ms (${messages.length} reçus)`));
        }, timeoutMs);
        waiters.add(wake);
        check();
      });
    },
    async stop() {
      if (listening) await close();
      listening = false;
    },
    async down() {
      if (listening) await close();
      listening = false;
    },
    async up() {
      // smtp-server answers 421 «shutting down» to every command while this marker of its last
      // close() is set, even once listening again.
      server._closeTimeout = false;
      if (!listening) await listen(actualPort);
      listening = true;
    },
  };
}

// --- minimal MIME reading -------------------------------------------------------------------------

interface Part {
  headers: Record<string, string>;
  body: string;
}

function splitHeaders(raw: string): Part {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers: Record<string, string> = {};
  // Folded lines start with white space and continue the previous header.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeQuotedPrintable(text: string, forHeader: boolean): Buffer {
  const source = forHeader ? text.replace(/_/g, ' ') : text.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < source.length; i += 1) {
    const hex = source.slice(i + 1, i + 3);
    if (source[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(source[i], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeBytes(bytes: Buffer, charset: string): string {
  return new TextDecoder(charset || 'utf-8').decode(bytes);
}

/** RFC 2047: =?UTF-8?Q?…?= and =?UTF-8?B?…?=; white space between two encoded words is dropped. */
function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, charset: string, encoding: string, text: string) =>
      decodeBytes(
        encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text, true),
        charset,
      ));
}

function parameter(headerValue: string, name: string): string {
  const match = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(headerValue);
  return match ? (match[1] ?? match[2] ?? '') : '';
}

function decodeBody(part: Part): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const charset = parameter(part.headers['content-type'] ?? '', 'charset');
  if (encoding === 'base64') {
    return decodeBytes(Buffer.from(part.body.replace(/\s+/g, ''), 'base64'), charset);
  }
  if (encoding === 'quoted-printable') return decodeBytes(decodeQuotedPrintable(part.body, false), charset);
  return part.body;
}

/** Leaf parts of a (possibly nested) multipart body. */
function leaves(part: Part): Part[] {
  const type = part.headers['content-type'] ?? 'text/plain';
  if (!/^multipart\//i.test(type)) return [part];
  const boundary = parameter(type, 'boundary');
  const sections = part.body.split(`--${boundary}`);
  // sections[0] is the preamble; the section after the closing `--boundary--` starts with '--'.
  return sections
    .slice(1)
    .filter((section) => !section.startsWith('--'))
    .flatMap((section) => leaves(splitHeaders(section.replace(/^\n/, ''))));
}

export function parseMail(raw: string): Omit<ReceivedMail, 'envelopeFrom' | 'envelopeTo' | 'raw'> {
  const top = splitHeaders(raw);
  const headers = Object.fromEntries(
    Object.entries(top.headers).map(([key, value]) => [key, decodeHeader(value)]),
  );
  let text = '';
  let html = '';
  for (const part of leaves(top)) {
    const type = (part.headers['content-type'] ?? 'text/plain').toLowerCase();
    // The boundary line's own line break belongs to the delimiter, not to the content.
    const content = decodeBody(part).replace(/\n$/, '');
    if (type.startsWith('text/html')) html = content;
    else if (type.startsWith('text/plain')) text = content;
  }
  return {
    headers,
    from: headers.from ?? '',
    to: headers.to ?? '',
    subject: headers.subject ?? '',
    messageId: headers['message-id'] ?? '',
    text,
    html,
  };
}
