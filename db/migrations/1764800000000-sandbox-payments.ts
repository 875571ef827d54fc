import { MigrationInterface, QueryRunner } from 'typeorm';

/** The sandbox payment provider's own table (development and tests: the stand-in for PayFiP's side). */
export class SandboxPayments1764800000000 implements MigrationInterface {
  name = 'SandboxPayments1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sandbox_payment (
      id char(36) NOT NULL,
      reference varchar(30) NOT NULL,
      amount_cents int NOT NULL,
      label varchar(100) NOT NULL,
      status varchar(10) NOT NULL,
      return_url varchar(500) NOT NULL,
      notify_url varchar(500) NOT NULL,
      created_at datetime(3) NOT NULL,
      decided_at datetime(3) NULL,
      PRIMARY KEY (id),
      KEY ix_sandbox_payment_reference (reference),
      CONSTRAINT ck_sandbox_payment_amount CHECK (amount_cents > 0),
      CONSTRAINT ck_sandbox_payment_status CHECK (status IN ('pending','paid','refused','abandoned')),
      CONSTRAINT ck_sandbox_payment_decided CHECK (status = 'pending' OR decided_at IS NOT NULL)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sandbox_payment');
  }
}
