import { MigrationInterface, QueryRunner } from 'typeorm';

/** Drafts of démarches: one per account and démarche, saved at every step of the form. */
export class DemarcheDrafts1764500000000 implements MigrationInterface {
  name = 'DemarcheDrafts1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE demarche_draft (
      id int NOT NULL AUTO_INCREMENT,
      account_id int NOT NULL,
      demarche_code varchar(60) NOT NULL,
      demarche_version int NOT NULL,
      member_id int NULL,
      answers json NOT NULL,
      documents json NOT NULL,
      submission_key varchar(64) NOT NULL,
      updated_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_draft_account_demarche (account_id, demarche_code),
      CONSTRAINT fk_draft_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE,
      CONSTRAINT fk_draft_member FOREIGN KEY (member_id) REFERENCES household_member (id) ON DELETE SET NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE demarche_draft');
  }
}
