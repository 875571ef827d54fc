import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationChannel = 'email' | 'sms';
export type NotificationStatus = 'pending' | 'sent';

/** A file sent with a mail, as stored in the outbox row (JSON has no bytes: base64). */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/**
 * Outbox of every mail and SMS. The unique key (e.g. `account:12:identifier`) makes activity
 * retries idempotent: a message already marked sent is never sent again. With no SMTP server
 * configured, rows are kept with transport 'dev' and read on the dev mailbox page.
 */
@Entity('notification')
@Index('uq_notification_key', ['idempotencyKey'], { unique: true })
@Index('ix_notification_recipient', ['recipient', 'createdAt'])
export class Notification {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 191 })
  idempotencyKey!: string;

  @Column({ name: 'commune_id', type: 'int', nullable: true })
  communeId!: number | null;

  @Column({ type: 'enum', enum: ['email', 'sms'] })
  channel!: NotificationChannel;

  /** Email address or E.164 phone number. */
  @Column({ type: 'varchar', length: 254 })
  recipient!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  subject!: string | null;

  @Column({ name: 'body_text', type: 'mediumtext' })
  bodyText!: string;

  @Column({ name: 'body_html', type: 'mediumtext', nullable: true })
  bodyHtml!: string | null;

  /** Files sent with the mail (a payment receipt); removed with the body of a secret message. */
  @Column({ type: 'json', nullable: true })
  attachments!: StoredAttachment[] | null;

  @Column({ type: 'enum', enum: ['pending', 'sent'], default: 'pending' })
  status!: NotificationStatus;

  /** 'smtp', 'http-sms' or 'dev'. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  transport!: string | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
