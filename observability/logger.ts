// The one logger of both processes: pino, one JSON object a line on stdout. Secrets never reach
// it: keys that name a password, token, answer, cookie or key, and keys that hold what a resident
// wrote or sent (bodies, form fields, documents), are replaced by «[Redacted]» at any depth; URLs
// lose their query string and the token of the token-bearing routes (/suivi/:token…).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export type { Logger };

export const CENSOR = '[Redacted]';

/**
 * Key names (compared in lower case, without '-' and '_') whose value is a secret: passwords and
 * their hashes, reset and tracking tokens, CSRF tokens, session cookies, API keys, Authorization,
 * security and captcha answers.
 */
const SECRET_KEY = /pass(word|wd|phrase)|motdepasse|token|csrf|secret|cookie|authori[sz]ation|apikey|answer|reponse|captcha|cryptogramme|hash|signature|^sid$|sessionid|^(otp|pin)$/;

/** Key names whose value is what a resident wrote or sent, or SQL with its values. */
const CONTENT_KEYS = new Set([
  'body', 'rawbody', 'bodytext', 'bodyhtml', 'html', 'text', 'form', 'fields', 'content', 'contentbase64',
  'attachments', 'file', 'files', 'document', 'documents', 'buffer', 'data', 'parameters', 'sql', 'query',
]);

/** Key names whose string value is a URL or a path: kept, without their query string and tokens. */
const URL_KEY = /url|path|referr?er|location|href|link/;

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEY.test(k) || CONTENT_KEYS.has(k);
}

/**
 * The paths that carry a secret in the URL itself, and the route pattern logged instead: the
 * certificate tracking link and the password reset link (pages and JSON API).
 */
const TOKEN_ROUTES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/suivi\/[^/]+/g, '/suivi/:token'],
  [/\/mot-de-passe-oublie\/nouveau\/[^/]+/g, '/mot-de-passe-oublie/nouveau/:token'],
  [/\/password-reset\/[^/]+/g, '/password-reset/:token'],
];
/** Any other long random-looking segment is a token too, whatever route it comes from. */
const TOKEN_SEGMENT = /\/[A-Za-z0-9_-]{32,}(?=\/|$)/g;

/** A URL or path as it may be logged: no query string, no fragment, tokens replaced by `:token`. */
export function safeUrl(url: string): string {
  let path = url.split(/[?#]/, 1)[0];
  for (const [pattern, route] of TOKEN_ROUTES) path = path.replace(pattern, route);
  return path.replace(TOKEN_SEGMENT, '/:token');
}

/**
 * MariaDB quotes the value it refuses in its messages («Duplicate entry '3-nom@exemple.fr' for key
 * 'uq_account_email'», «Incorrect date value: '…' for column …»), and errors carry their message
 * into the logs, the api's and the worker's (an activity's failure): the value is masked, the key
 * or column named is kept.
 */
const QUOTED_SQL_VALUE = /\b(entry|value:?)\s+'(?:[^'\\]|\\.|'')*'/gi;

export function maskQuotedValues(text: string): string {
  return text.replace(QUOTED_SQL_VALUE, `$1 '${CENSOR}'`);
}

/** A copy of `value` with every secret or content key censored, at any depth. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskQuotedValues(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return redactSecrets(pino.stdSerializers.err(value), depth + 1, seen);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} octets]`;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactEntry(key, item, depth + 1, seen);
  return out;
}

function redactEntry(key: string, value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (isSensitiveKey(key)) return CENSOR;
  if (typeof value === 'string' && URL_KEY.test(key.toLowerCase())) return safeUrl(value);
  return redactSecrets(value, depth, seen);
}

/** Keys that have a serializer of their own below: the formatter leaves them to it. */
const SERIALIZED_KEYS = new Set(['req', 'res', 'err']);

function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) out[key] = SERIALIZED_KEYS.has(key) ? value : redactEntry(key, value);
  return out;
}

type HttpRequest = IncomingMessage & { originalUrl?: string };

/** The request as logged: no headers but the user agent, no body, the URL made safe. */
export function serializeRequest(req: HttpRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: safeUrl(req.originalUrl ?? req.url ?? ''),
    remoteAddress: req.socket?.remoteAddress,
    userAgent: req.headers?.['user-agent'],
  };
}

/** The response as logged: its status only (its headers carry the session cookie). */
export function serializeResponse(res: ServerResponse): Record<string, unknown> {
  return { statusCode: res.statusCode };
}

export function serializeError(err: unknown): unknown {
  return redactSecrets(err instanceof Error ? pino.stdSerializers.err(err) : err);
}

/**
 * Second line of defence, by path (pino's own redaction): headers and the usual places of
 * secrets, for objects that reach pino without the formatter (bindings of child loggers).
 */
const REDACT_NAMES = ['password', 'newPassword', 'currentPassword', 'token', 'resetToken', 'trackingToken', '_csrf', 'csrfToken', 'answer', 'securityAnswer', 'captchaAnswer', 'apiKey', 'authorization', 'cookie'];
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  'req.query',
  ...REDACT_NAMES.flatMap((name) => [name, `*.${name}`]),
];

export interface LoggerOptions {
  level: string;
  /** `api` or `worker`: which process wrote the line. */
  service?: string;
  /** Tests write to a buffer; the processes to stdout. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      // The host name tells replicas apart (a container's id).
      base: { service: options.service, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactLogObject(bindings),
        log: (object) => redactLogObject(object),
      },
      serializers: { err: serializeError, req: serializeRequest, res: serializeResponse },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
    },
    // Synchronous writes to stdout: the last lines before an exit are never lost.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Temporal's SDK logs (worker, workflows, activities) through our logger: the same JSON lines. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
  };
  const log = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    // Symbol keys (the SDK's own timestamp) are not fields of a log line.
    logger[levels[level]]({ ...meta }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
