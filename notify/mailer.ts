// Mail transports. With SMTP_URL set, mails go out through nodemailer; without it ('dev'), sending
// is a no-op because the outbox row already holds the whole mail and the dev mailbox page reads it.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import { PermanentDeliveryError, TemporaryDeliveryError } from './errors';

/** A file sent with a mail (a payment receipt). */
export interface MailAttachment {
  /** As the resident's mail client shows it: `recu-BEA0000123.pdf`. */
  filename: string;
  /** `application/pdf` */
  contentType: string;
  content: Buffer;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Full Message-ID header, `<…@…>`; see messageIdFor. */
  messageId?: string;
  attachments?: MailAttachment[];
}

export interface MailTransport {
  readonly name: 'smtp' | 'dev';
  /** The From header (MAIL_FROM); its domain also names the Message-IDs. */
  readonly from: string;
  send(msg: OutgoingMail): Promise<void>;
}

/**
 * Same outbox key, same Message-ID: if a retry resends a mail the server had in fact accepted,
 * a receiving server or client that dedupes on Message-ID shows it once.
 */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'portail-citoyen.localhost';
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 40);
  return `<notification.${digest}@${domain}>`;
}

/** Errors nodemailer attaches to a failed send. */
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
}

function classify(err: unknown): Error {
  const smtp = err as SmtpError;
  const what = `${smtp.code ? `${smtp.code} ` : ''}${smtp.message ?? String(err)}`;
  // A 5xx answer to the envelope or the message (unknown mailbox, rejected content) will not change on
  // retry. Connection, timeout and authentication failures may be fixed by ops: those stay retryable.
  if ((smtp.code === 'EENVELOPE' || smtp.code === 'EMESSAGE') && (smtp.responseCode ?? 0) >= 500) {
    return new PermanentDeliveryError(`Le serveur SMTP a refusé le courriel : ${what}`, { cause: err });
  }
  return new TemporaryDeliveryError(`Envoi SMTP impossible : ${what}`, { cause: err });
}

export function createMailTransport(config: Pick<Config, 'mail'>): MailTransport {
  const { smtpUrl, from } = config.mail;
  if (!smtpUrl) {
    return { name: 'dev', from, send: async () => undefined };
  }
  const transporter = nodemailer.createTransport(
    // nodemailer's defaults wait minutes on a silent server; activities time out after 30 s.
    { url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 },
    { from },
  );
  return {
    name: 'smtp',
    from,
    async send(msg) {
      try {
        await transporter.sendMail({
          to: msg.to,
          subject: msg.subject,
          html: msg.html,
          text: msg.text,
          messageId: msg.messageId,
          attachments: msg.attachments?.map(({ filename, contentType, content }) => ({
            filename,
            contentType,
            content,
          })),
        });
      } catch (err) {
        throw classify(err);
      }
    },
  };
}
