import { MigrationInterface, QueryRunner } from 'typeorm';

/** Communes, agents, household accounts and their members, the outbox, sessions and throttles. */
export class InitialAccountSchema1764300000000 implements MigrationInterface {
  name = 'InitialAccountSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE commune (
      id int NOT NULL AUTO_INCREMENT,
      slug varchar(60) NOT NULL,
      name varchar(120) NOT NULL,
      holiday_zone varchar(20) NOT NULL,
      postal_address text NOT NULL,
      agents_email varchar(254) NOT NULL,
      created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_commune_slug (slug),
      CONSTRAINT ck_commune_slug CHECK (slug REGEXP '^[a-z0-9-]+$')
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE agent (
      id int NOT NULL AUTO_INCREMENT,
      commune_id int NOT NULL,
      login varchar(100) NOT NULL,
      email varchar(254) NOT NULL,
      display_name varchar(120) NOT NULL,
      password_hash varchar(255) NOT NULL,
      role enum('agent','admin') NOT NULL DEFAULT 'agent',
      created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_agent_login (login),
      CONSTRAINT fk_agent_commune FOREIGN KEY (commune_id) REFERENCES commune (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE account (
      id int NOT NULL AUTO_INCREMENT,
      commune_id int NOT NULL,
      identifier varchar(110) COLLATE utf8mb4_bin NOT NULL,
      civility varchar(20) NOT NULL,
      first_name varchar(60) NOT NULL,
      last_name varchar(60) NOT NULL,
      birth_date date NOT NULL,
      email varchar(254) NOT NULL,
      phone varchar(20) NULL,
      address_line varchar(150) NOT NULL,
      postal_code varchar(5) NOT NULL,
      city varchar(80) NOT NULL,
      communication_channel enum('email','sms') NOT NULL DEFAULT 'email',
      password_hash varchar(255) NOT NULL,
      security_question varchar(150) NOT NULL,
      security_answer_hash varchar(255) NOT NULL,
      status enum('pending','validated','rejected') NOT NULL DEFAULT 'pending',
      rejection_reason varchar(500) NULL,
      validation_deadline datetime(3) NOT NULL,
      decided_at datetime(3) NULL,
      decided_by_agent_id int NULL,
      created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (id),
      UNIQUE KEY uq_account_identifier (commune_id, identifier),
      UNIQUE KEY uq_account_email (commune_id, email),
      KEY ix_account_status_deadline (commune_id, status, validation_deadline),
      CONSTRAINT fk_account_commune FOREIGN KEY (commune_id) REFERENCES commune (id),
      CONSTRAINT fk_account_decided_by FOREIGN KEY (decided_by_agent_id) REFERENCES agent (id),
      CONSTRAINT ck_account_rejection_reason CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
      CONSTRAINT ck_account_sms_needs_phone CHECK (communication_channel <> 'sms' OR phone IS NOT NULL)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE household_member (
      id int NOT NULL AUTO_INCREMENT,
      account_id int NOT NULL,
      kind enum('adulte','enfant') NOT NULL,
      civility varchar(20) NOT NULL,
      first_name varchar(60) NOT NULL,
      last_name varchar(60) NOT NULL,
      birth_date date NOT NULL,
      relationship varchar(40) NULL,
      created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY ix_member_account (account_id),
      CONSTRAINT fk_member_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE account_history (
      id int NOT NULL AUTO_INCREMENT,
      account_id int NOT NULL,
      from_status varchar(20) NULL,
      to_status varchar(20) NOT NULL,
      actor varchar(40) NOT NULL,
      reason varchar(500) NULL,
      at datetime(3) NOT NULL,
      PRIMARY KEY (id),
      KEY ix_account_history_account (account_id, at),
      CONSTRAINT fk_account_history_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE notification (
      id int NOT NULL AUTO_INCREMENT,
      idempotency_key varchar(191) NOT NULL,
      commune_id int NULL,
      channel enum('email','sms') NOT NULL,
      recipient varchar(254) NOT NULL,
      subject varchar(255) NULL,
      body_text mediumtext NOT NULL,
      body_html mediumtext NULL,
      status enum('pending','sent') NOT NULL DEFAULT 'pending',
      transport varchar(20) NULL,
      attempts int NOT NULL DEFAULT 0,
      last_error varchar(500) NULL,
      sent_at datetime(3) NULL,
      created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_notification_key (idempotency_key),
      KEY ix_notification_recipient (recipient, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE password_reset (
      id int NOT NULL AUTO_INCREMENT,
      account_id int NOT NULL,
      token_hash char(64) NOT NULL,
      expires_at datetime(3) NOT NULL,
      used_at datetime(3) NULL,
      created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_password_reset_token (token_hash),
      CONSTRAINT fk_password_reset_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE captcha_challenge (
      id char(36) NOT NULL,
      code varchar(12) NOT NULL,
      expires_at datetime(3) NOT NULL,
      used_at datetime(3) NULL,
      PRIMARY KEY (id),
      KEY ix_captcha_expires (expires_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Same shape as express-mysql-session's schema.sql: created here so no library writes DDL.
    await q.query(`CREATE TABLE sessions (
      session_id varchar(128) COLLATE utf8mb4_bin NOT NULL,
      expires int unsigned NOT NULL,
      data mediumtext COLLATE utf8mb4_bin,
      PRIMARY KEY (session_id),
      KEY ix_sessions_expires (expires)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    // Same shape as rate-limiter-flexible's RateLimiterMySQL table (login and answer throttles).
    await q.query(`CREATE TABLE rate_limit (
      \`key\` varchar(255) NOT NULL,
      points int NOT NULL DEFAULT 0,
      expire bigint unsigned NULL,
      PRIMARY KEY (\`key\`)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'rate_limit', 'sessions', 'captcha_challenge', 'password_reset', 'notification',
      'account_history', 'household_member', 'account', 'agent', 'commune',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
