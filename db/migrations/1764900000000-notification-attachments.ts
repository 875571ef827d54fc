import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox mails may carry files (the payment receipt PDF), stored with the row so a retry resends the same ones. */
export class NotificationAttachments1764900000000 implements MigrationInterface {
  name = 'NotificationAttachments1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notification ADD COLUMN attachments json NULL AFTER body_html');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notification DROP COLUMN attachments');
  }
}
