// Every mail and SMS goes through the outbox table: the row is written before sending, keyed by an
// idempotency key chosen by the caller (e.g. `account:12:identifier`), and marked sent afterwards.
// A Temporal activity can therefore be retried any number of times: once a key is sent, it is never
// sent again. While one call sends, it holds the row lock, so a retry that overlaps a slow attempt
// waits for it and then finds the row sent, instead of sending a second copy.
import type { DataSource, EntityManager } from 'typeorm';
import { Notification, type NotificationChannel, type StoredAttachment } from '../db/entities/notification';
import { PermanentDeliveryError } from './errors';
import { messageIdFor, type MailAttachment, type MailTransport } from './mailer';
import { E164, INVALID_PHONE_MESSAGE, type SmsProvider } from './sms';
import { renderMail, renderSms } from './templates';
import { notificationsTotal } from '../observability/metrics';

export interface DeliveryInput {
  /** Unique per message, stable across retries: `account:12:identifier`. At most 191 characters. */
  key: string;
  communeId?: number | null;
  channel: NotificationChannel;
  /** Email address, or E.164 phone number for SMS. */
  to: string;
  /** templates/mail/<template>.hbs or templates/sms/<template>.txt.hbs */
  template: string;
  data: object;
  /**
   * The message carries a secret (a reset link): once a real transport has sent it, its body is
   * replaced in the table. Kept with the dev transports, whose only mailbox is this table.
   */
  secret?: boolean;
  /**
   * Files sent with a mail (a payment receipt). Stored with the row, so a retry sends the files
   * of the first attempt, like its text; removed with the body of a secret message.
   */
  attachments?: MailAttachment[];
}

export const REDACTED_BODY = '[Contenu retiré après envoi : il contenait un lien à usage unique.]';

export type DeliveryResult = 'sent' | 'already-sent';

const LAST_ERROR_MAX = 500;
/**
 * How long a message the transport took waits for the database to record it «sent», under the
 * activities' 30 s start-to-close timeout. Past it (or if the worker dies meanwhile) a retry may
 * send it again, under the same Message-ID.
 */
const RECORD_SENT_PATIENCE_MS = 20_000;
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
// A name a mail client shows and saves: no path, no control character.
const ATTACHMENT_NAME = /^[^\\/\p{Cc}]{1,150}$/u;
const CONTENT_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/i;

function checkInput(input: DeliveryInput): void {
  if (!input.key || input.key.length > 191) throw new Error(`Clé d'envoi invalide : « ${input.key} »`);
  if (input.channel === 'email' && !EMAIL.test(input.to)) {
    throw new PermanentDeliveryError('Adresse électronique du destinataire invalide');
  }
  if (input.channel === 'sms' && !E164.test(input.to)) {
    throw new PermanentDeliveryError(INVALID_PHONE_MESSAGE);
  }
  // The caller's mistakes, not the recipient's: plain errors.
  for (const file of input.attachments ?? []) {
    if (input.channel !== 'email') throw new Error(`Pièce jointe impossible par ${input.channel} : « ${input.key} »`);
    if (!ATTACHMENT_NAME.test(file.filename) || file.filename.trim() !== file.filename) {
      throw new Error(`Nom de pièce jointe invalide : « ${file.filename} »`);
    }
    if (!CONTENT_TYPE.test(file.contentType)) throw new Error(`Type de pièce jointe invalide : « ${file.contentType} »`);
    if (!Buffer.isBuffer(file.content)) throw new Error(`Pièce jointe « ${file.filename} » sans contenu`);
  }
}

function toStored(files: MailAttachment[] | undefined): StoredAttachment[] | null {
  if (!files?.length) return null;
  return files.map(({ filename, contentType, content }) => ({
    filename,
    contentType,
    contentBase64: content.toString('base64'),
  }));
}

function fromStored(files: StoredAttachment[] | null): MailAttachment[] | undefined {
  if (!files?.length) return undefined;
  return files.map(({ filename, contentType, contentBase64 }) => ({
    filename,
    contentType,
    content: Buffer.from(contentBase64, 'base64'),
  }));
}

/** What is stored about a failure: the error's own words, never the message it was sending. */
function describeError(err: unknown, row: Notification): string {
  let text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  for (const secret of [row.bodyText, row.bodyHtml, row.subject]) {
    if (secret && secret.length >= 8) text = text.split(secret).join('[message]');
  }
  return Array.from(text).slice(0, LAST_ERROR_MAX).join('');
}

export class Outbox {
  constructor(
    private readonly dataSource: DataSource,
    private readonly mail: MailTransport,
    private readonly sms: SmsProvider,
  ) {}

  async deliver(input: DeliveryInput): Promise<DeliveryResult> {
    checkInput(input);
    // A retry after success needs no rendering (its data may no longer render the same, or at all).
    if (await this.isSent(input.key)) return 'already-sent';
    const rendered = input.channel === 'email'
      ? renderMail(input.template, input.data)
      : { subject: null, html: null, text: renderSms(input.template, input.data) };

    const attachments = toStored(input.attachments);

    // ON DUPLICATE KEY rather than INSERT IGNORE: IGNORE would also swallow real errors (a value too
    // long would be silently truncated). The first rendering, files included, is the one kept and sent.
    await this.dataSource.query(
      `INSERT INTO notification
         (idempotency_key, commune_id, channel, recipient, subject, body_text, body_html, attachments)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id`,
      [
        input.key, input.communeId ?? null, input.channel, input.to,
        rendered.subject, rendered.text, rendered.html, attachments && JSON.stringify(attachments),
      ],
    );

    let failure: unknown;
    // Set once the transport took the message: from then on, only its «sent» remains to be written.
    let sent: { id: number; transport: string; redact: boolean } | undefined;
    let result: DeliveryResult | undefined;
    try {
      result = await this.dataSource.transaction(async (em) => {
        const row = await em.getRepository(Notification).findOne({
          where: { idempotencyKey: input.key },
          lock: { mode: 'pessimistic_write' },
        });
        if (!row) throw new Error(`Notification « ${input.key} » introuvable après insertion`);
        if (row.status === 'sent') return 'already-sent' as const;

        await em.query('UPDATE notification SET attempts = attempts + 1 WHERE id = ?', [row.id]);
        let transport: string;
        try {
          transport = await this.send(row, input.key);
        } catch (err) {
          // Committed with the attempt count, then rethrown so the caller (an activity) retries.
          await em.query('UPDATE notification SET last_error = ? WHERE id = ?', [
            describeError(err, row),
            row.id,
          ]);
          failure = err;
          return undefined;
        }
        sent = { id: row.id, transport, redact: input.secret === true && transport !== 'dev' };
        await this.markSent(em, row.id, transport, sent.redact);
        return 'sent' as const;
      });
    } catch (err) {
      if (!sent) throw err;
      // The transport took the message but the database went away before «sent» was committed
      // (found by the fault suite: MariaDB stopped during a send). Failing now would make the
      // activity's retry send it a second time: write «sent» as soon as the database is back.
      await this.recordSentOnceBack(sent.id, sent.transport, sent.redact, err);
      result = 'sent';
    }
    // portail_notifications_total: what the transport took or refused (a replay's «already-sent» is neither).
    if (result === 'sent') notificationsTotal.inc({ channel: input.channel, result: 'sent' });
    if (result === undefined) {
      notificationsTotal.inc({ channel: input.channel, result: 'failed' });
      throw failure;
    }
    return result;
  }

  /** True once the message with this key went out (so a retry can skip re-creating its content). */
  async isSent(key: string): Promise<boolean> {
    const rows: Array<{ status: string }> = await this.dataSource.query(
      'SELECT status FROM notification WHERE idempotency_key = ?',
      [key],
    );
    return rows[0]?.status === 'sent';
  }

  /** The dev mailbox page: newest first, optionally for one recipient. */
  async listDevMailbox(limit = 50, recipient?: string): Promise<Notification[]> {
    return this.dataSource.getRepository(Notification).find({
      where: recipient ? { recipient } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      take: Math.min(Math.max(Math.trunc(limit), 1), 500),
    });
  }

  private async send(row: Notification, key: string): Promise<string> {
    if (row.channel === 'email') {
      await this.mail.send({
        to: row.recipient,
        subject: row.subject ?? '',
        html: row.bodyHtml ?? '',
        text: row.bodyText,
        messageId: messageIdFor(key, this.mail.from),
        attachments: fromStored(row.attachments),
      });
      return this.mail.name;
    }
    await this.sms.send({ to: row.recipient, text: row.bodyText });
    return this.sms.name;
  }

  /** markSent outside the lost transaction, tried again until the database answers (or patience runs out). */
  private async recordSentOnceBack(id: number, transport: string, redact: boolean, firstError: unknown): Promise<void> {
    const deadline = Date.now() + RECORD_SENT_PATIENCE_MS;
    let wait = 250;
    for (let error = firstError; ; ) {
      if (Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 2_000);
      try {
        await this.markSent(this.dataSource.manager, id, transport, redact);
        return;
      } catch (err) {
        error = err;
      }
    }
  }

  private async markSent(em: EntityManager, id: number, transport: string, redact: boolean): Promise<void> {
    // last_error is kept: with attempts, it tells why a mail came late.
    await em.query(
      `UPDATE notification SET status = 'sent', transport = ?, sent_at = ?
         ${redact ? ', body_text = ?, body_html = NULL, attachments = NULL' : ''}
       WHERE id = ? AND status = 'pending'`,
      redact ? [transport, new Date(), REDACTED_BODY, id] : [transport, new Date(), id],
    );
  }
}
