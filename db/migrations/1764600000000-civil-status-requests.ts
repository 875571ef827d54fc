import { MigrationInterface, QueryRunner } from 'typeorm';

/** Civil-status certificate requests (no account needed), their history, and each commune's delay for them. */
export class CivilStatusRequests1764600000000 implements MigrationInterface {
  name = 'CivilStatusRequests1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // Each commune announces its own delay for certificates; agents are reminded past it.
    await q.query('ALTER TABLE commune ADD COLUMN civil_status_processing_days tinyint NOT NULL DEFAULT 5');
    await q.query(`CREATE TABLE civil_status_request (
      id int NOT NULL AUTO_INCREMENT,
      commune_id int NOT NULL,
      account_id int NULL,
      number varchar(20) NOT NULL,
      act_kind varchar(20) NOT NULL,
      copy_kind varchar(30) NOT NULL,
      copies tinyint NOT NULL,
      status varchar(20) NOT NULL,
      details json NOT NULL,
      requester_email varchar(254) NOT NULL,
      tracking_salt char(32) NOT NULL,
      tracking_token_hash char(64) NOT NULL,
      submission_key varchar(64) NOT NULL,
      submitted_at datetime(3) NOT NULL,
      due_at datetime(3) NOT NULL,
      decided_at datetime(3) NULL,
      decision_reason varchar(1000) NULL,
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (id),
      UNIQUE KEY uq_civil_status_number (commune_id, number),
      UNIQUE KEY uq_civil_status_submission (commune_id, submission_key),
      UNIQUE KEY uq_civil_status_tracking (tracking_token_hash),
      KEY ix_civil_status_queue (commune_id, status, submitted_at),
      KEY ix_civil_status_account (account_id, submitted_at),
      CONSTRAINT fk_civil_status_commune FOREIGN KEY (commune_id) REFERENCES commune (id),
      CONSTRAINT fk_civil_status_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE SET NULL,
      CONSTRAINT ck_civil_status_act CHECK (act_kind IN ('naissance','mariage','deces')),
      CONSTRAINT ck_civil_status_copy CHECK (copy_kind IN
        ('copie_integrale','extrait_avec_filiation','extrait_sans_filiation','extrait_plurilingue')),
      CONSTRAINT ck_civil_status_copies CHECK (copies BETWEEN 1 AND 5),
      CONSTRAINT ck_civil_status_status CHECK (status IN ('recue','envoyee','refusee')),
      CONSTRAINT ck_civil_status_refusal_reason CHECK (status <> 'refusee' OR decision_reason IS NOT NULL)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE civil_status_history (
      id int NOT NULL AUTO_INCREMENT,
      request_id int NOT NULL,
      event_key varchar(80) NOT NULL,
      event varchar(30) NOT NULL,
      from_status varchar(20) NULL,
      to_status varchar(20) NOT NULL,
      actor varchar(40) NOT NULL,
      reason varchar(1000) NULL,
      at datetime(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_civil_status_history_event (request_id, event_key),
      KEY ix_civil_status_history_request (request_id, at),
      CONSTRAINT fk_civil_status_history_request FOREIGN KEY (request_id) REFERENCES civil_status_request (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE civil_status_history');
    await q.query('DROP TABLE civil_status_request');
    await q.query('ALTER TABLE commune DROP COLUMN civil_status_processing_days');
  }
}
