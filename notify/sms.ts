// SMS providers. 'http' speaks Brevo's transactional SMS API: POST {apiUrl}/v3/transactionalSMS/send
// (the endpoint Brevo recommends since it deprecated /v3/transactionalSMS/sms), JSON body
// { sender, recipient, content, type, unicodeEnabled }, `api-key` header, 201 { messageId }.
// 'dev' sends nothing: the outbox row is the message, shown on the dev mailbox page.
import type { Config } from '../config';
import { PermanentDeliveryError, TemporaryDeliveryError } from './errors';

export interface OutgoingSms {
  /** E.164: +33612345678 */
  to: string;
  text: string;
}

export interface SmsProvider {
  readonly name: 'http-sms' | 'dev';
  send(msg: OutgoingSms): Promise<void>;
}

export const E164 = /^\+[1-9]\d{7,14}$/;

export const BREVO_SMS_PATH = '/v3/transactionalSMS/send';

const REQUEST_TIMEOUT_MS = 10_000;

// GSM 03.38 basic alphabet and extension table. Text outside it must be sent as Unicode (UCS-2),
// where a segment holds 70 characters instead of 160; Brevo sends it garbled unless told.
const GSM_7BIT =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿' +
  'abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f';
const GSM_CHARS = new Set(GSM_7BIT);

export function needsUnicode(text: string): boolean {
  for (const ch of text) if (!GSM_CHARS.has(ch)) return true;
  return false;
}

export const INVALID_PHONE_MESSAGE =
  'Numéro de téléphone invalide (format international attendu, ex. +33612345678)';

function checkRecipient(to: string): void {
  if (!E164.test(to)) throw new PermanentDeliveryError(INVALID_PHONE_MESSAGE);
}

/** Brevo answers errors as { code, message }. */
async function describeFailure(response: Response): Promise<string> {
  const body = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    const parts = [parsed.code, parsed.message].filter((part) => typeof part === 'string');
    return parts.join(' : ') || body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

export interface BrevoSmsOptions {
  apiUrl: string;
  apiKey: string;
  sender: string;
}

export function createBrevoSmsProvider(options: BrevoSmsOptions): SmsProvider {
  // Accept the API root with or without its /v3 suffix.
  const endpoint = `${options.apiUrl.replace(/\/+$/, '').replace(/\/v3$/, '')}${BREVO_SMS_PATH}`;
  return {
    name: 'http-sms',
    async send({ to, text }) {
      checkRecipient(to);
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'api-key': options.apiKey,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify({
            sender: options.sender,
            // Brevo's examples give the number with its country code and no '+'.
            recipient: to.slice(1),
            content: text,
            type: 'transactional',
            unicodeEnabled: needsUnicode(text),
          }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (err) {
        const reason = err instanceof Error && err.name === 'TimeoutError'
          ? `pas de réponse en ${REQUEST_TIMEOUT_MS / 1000} s`
          : String((err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
        throw new TemporaryDeliveryError(`API SMS injoignable : ${reason}`, { cause: err });
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const detail = `${response.status} ${await describeFailure(response)}`;
      // 408 and 429 say "later"; other 4xx (bad key, invalid number, no credits) will fail again.
      const { status } = response;
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        throw new PermanentDeliveryError(`L'API SMS a refusé le message : ${detail}`);
      }
      throw new TemporaryDeliveryError(`L'API SMS a échoué : ${detail}`);
    },
  };
}

export function createSmsProvider(config: Pick<Config, 'sms'>): SmsProvider {
  const { provider, apiUrl, apiKey, sender } = config.sms;
  if (provider === 'http') {
    if (!apiUrl || !apiKey) throw new Error('SMS_PROVIDER=http demande SMS_API_URL et SMS_API_KEY.');
    return createBrevoSmsProvider({ apiUrl, apiKey, sender });
  }
  return {
    name: 'dev',
    // Checked here too, so a bad number shows up in development rather than in production.
    send: async ({ to }) => checkRecipient(to),
  };
}
