import { MigrationInterface, QueryRunner } from 'typeorm';

/** Démarche requests, their history, their documents and the per-commune, per-year counter of numbers. */
export class DemarcheRequests1764400000000 implements MigrationInterface {
  name = 'DemarcheRequests1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE request_counter (
      commune_id int NOT NULL,
      year smallint NOT NULL,
      last_sequence int NOT NULL,
      PRIMARY KEY (commune_id, year),
      CONSTRAINT fk_request_counter_commune FOREIGN KEY (commune_id) REFERENCES commune (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE demarche_request (
      id int NOT NULL AUTO_INCREMENT,
      commune_id int NOT NULL,
      account_id int NOT NULL,
      member_id int NULL,
      demarche_code varchar(60) NOT NULL,
      demarche_version int NOT NULL,
      number varchar(20) NOT NULL,
      status varchar(30) NOT NULL,
      answers json NOT NULL,
      submission_key varchar(64) NOT NULL,
      submitted_at datetime(3) NOT NULL,
      decided_at datetime(3) NULL,
      decision_reason varchar(1000) NULL,
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (id),
      UNIQUE KEY uq_request_number (commune_id, number),
      UNIQUE KEY uq_request_submission (account_id, submission_key),
      KEY ix_request_account (account_id, submitted_at),
      KEY ix_request_queue (commune_id, status, submitted_at),
      CONSTRAINT fk_request_commune FOREIGN KEY (commune_id) REFERENCES commune (id),
      CONSTRAINT fk_request_account FOREIGN KEY (account_id) REFERENCES account (id),
      CONSTRAINT fk_request_member FOREIGN KEY (member_id) REFERENCES household_member (id) ON DELETE SET NULL,
      CONSTRAINT ck_request_status CHECK (status IN
        ('en_cours','en_attente_de_pieces','complet','valide','refuse','classe_sans_suite','annule')),
      CONSTRAINT ck_request_refusal_reason CHECK (status <> 'refuse' OR decision_reason IS NOT NULL)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE request_history (
      id int NOT NULL AUTO_INCREMENT,
      request_id int NOT NULL,
      event_key varchar(80) NOT NULL,
      event varchar(30) NOT NULL,
      from_status varchar(30) NULL,
      to_status varchar(30) NOT NULL,
      actor varchar(40) NOT NULL,
      reason varchar(1000) NULL,
      at datetime(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_request_history_event (request_id, event_key),
      KEY ix_request_history_request (request_id, at),
      CONSTRAINT fk_request_history_request FOREIGN KEY (request_id) REFERENCES demarche_request (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE request_document (
      id int NOT NULL AUTO_INCREMENT,
      request_id int NOT NULL,
      document_key varchar(60) NOT NULL,
      mode varchar(10) NOT NULL,
      state varchar(10) NOT NULL,
      file_name varchar(255) NULL,
      mime_type varchar(50) NULL,
      size_bytes int NULL,
      sha256 char(64) NULL,
      storage_path varchar(255) NULL,
      received_at datetime(3) NULL,
      received_by varchar(40) NULL,
      PRIMARY KEY (id),
      KEY ix_request_document_request (request_id, document_key),
      CONSTRAINT fk_request_document_request FOREIGN KEY (request_id) REFERENCES demarche_request (id) ON DELETE CASCADE,
      CONSTRAINT ck_request_document_mode CHECK (mode IN ('upload','paper')),
      CONSTRAINT ck_request_document_state CHECK (state IN ('expected','received')),
      CONSTRAINT ck_request_document_upload CHECK (mode <> 'upload' OR (sha256 IS NOT NULL AND storage_path IS NOT NULL))
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['request_document', 'request_history', 'demarche_request', 'request_counter']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
