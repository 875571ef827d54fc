import { MigrationInterface, QueryRunner } from 'typeorm';

/** Régies, invoices, baskets and payments (integer cents everywhere). */
export class InvoicesPayments1764700000000 implements MigrationInterface {
  name = 'InvoicesPayments1764700000000';

  async up(q: QueryRunner): Promise<void> {
    const table = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
    await q.query(`CREATE TABLE regie (
      id int NOT NULL AUTO_INCREMENT,
      commune_id int NOT NULL,
      code varchar(20) NOT NULL,
      name varchar(80) NOT NULL,
      services json NOT NULL,
      provider varchar(10) NOT NULL,
      payfip_numcli varchar(10) NULL,
      payfip_mode char(1) NULL,
      api_key_hash char(64) NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_regie_code (commune_id, code),
      UNIQUE KEY uq_regie_api_key (api_key_hash),
      CONSTRAINT fk_regie_commune FOREIGN KEY (commune_id) REFERENCES commune (id),
      CONSTRAINT ck_regie_provider CHECK (provider IN ('sandbox','payfip')),
      CONSTRAINT ck_regie_payfip CHECK (provider <> 'payfip' OR (payfip_numcli IS NOT NULL AND payfip_mode IN ('T','X','W')))
    ) ${table}`);
    await q.query(`CREATE TABLE payment (
      id int NOT NULL AUTO_INCREMENT,
      commune_id int NOT NULL,
      account_id int NOT NULL,
      regie_id int NOT NULL,
      reference varchar(30) NOT NULL,
      provider varchar(10) NOT NULL,
      provider_ref varchar(64) NULL,
      redirect_url varchar(500) NULL,
      amount_cents int NOT NULL,
      status varchar(12) NOT NULL,
      email varchar(254) NOT NULL,
      result_code varchar(10) NULL,
      authorisation varchar(30) NULL,
      created_at datetime(3) NOT NULL,
      decided_at datetime(3) NULL,
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (id),
      UNIQUE KEY uq_payment_reference (reference),
      UNIQUE KEY uq_payment_provider_ref (provider, provider_ref),
      KEY ix_payment_account (account_id, created_at),
      CONSTRAINT fk_payment_commune FOREIGN KEY (commune_id) REFERENCES commune (id),
      CONSTRAINT fk_payment_account FOREIGN KEY (account_id) REFERENCES account (id),
      CONSTRAINT fk_payment_regie FOREIGN KEY (regie_id) REFERENCES regie (id),
      CONSTRAINT ck_payment_amount CHECK (amount_cents > 0),
      CONSTRAINT ck_payment_status CHECK (status IN ('en_cours','payee','refusee','abandonnee','expiree'))
    ) ${table}`);
    await q.query(`CREATE TABLE invoice (
      id int NOT NULL AUTO_INCREMENT,
      commune_id int NOT NULL,
      regie_id int NOT NULL,
      account_id int NOT NULL,
      number varchar(40) NOT NULL,
      service varchar(100) NOT NULL,
      period_label varchar(100) NOT NULL,
      issued_on date NOT NULL,
      due_on date NULL,
      amount_cents int NOT NULL,
      status varchar(10) NOT NULL,
      payment_id int NULL,
      paid_at datetime(3) NULL,
      imported_at datetime(3) NOT NULL,
      PRIMARY KEY (id),
      UNIQUE KEY uq_invoice_number (regie_id, number),
      KEY ix_invoice_account (account_id, status, issued_on),
      KEY ix_invoice_payment (payment_id),
      CONSTRAINT fk_invoice_commune FOREIGN KEY (commune_id) REFERENCES commune (id),
      CONSTRAINT fk_invoice_regie FOREIGN KEY (regie_id) REFERENCES regie (id),
      CONSTRAINT fk_invoice_account FOREIGN KEY (account_id) REFERENCES account (id),
      CONSTRAINT fk_invoice_payment FOREIGN KEY (payment_id) REFERENCES payment (id),
      CONSTRAINT ck_invoice_amount CHECK (amount_cents > 0),
      CONSTRAINT ck_invoice_status CHECK (status IN ('a_payer','payee')),
      CONSTRAINT ck_invoice_paid CHECK (status <> 'payee' OR (paid_at IS NOT NULL AND payment_id IS NOT NULL))
    ) ${table}`);
    await q.query(`CREATE TABLE payment_invoice (
      payment_id int NOT NULL,
      invoice_id int NOT NULL,
      amount_cents int NOT NULL,
      PRIMARY KEY (payment_id, invoice_id),
      KEY ix_payment_invoice_invoice (invoice_id),
      CONSTRAINT fk_payment_invoice_payment FOREIGN KEY (payment_id) REFERENCES payment (id) ON DELETE CASCADE,
      CONSTRAINT fk_payment_invoice_invoice FOREIGN KEY (invoice_id) REFERENCES invoice (id)
    ) ${table}`);
    await q.query(`CREATE TABLE basket (
      account_id int NOT NULL,
      regie_id int NULL,
      payment_id int NULL,
      PRIMARY KEY (account_id),
      CONSTRAINT fk_basket_account FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE,
      CONSTRAINT fk_basket_regie FOREIGN KEY (regie_id) REFERENCES regie (id),
      CONSTRAINT fk_basket_payment FOREIGN KEY (payment_id) REFERENCES payment (id)
    ) ${table}`);
    await q.query(`CREATE TABLE basket_item (
      account_id int NOT NULL,
      invoice_id int NOT NULL,
      added_at datetime(3) NOT NULL,
      PRIMARY KEY (account_id, invoice_id),
      UNIQUE KEY uq_basket_item_invoice (invoice_id),
      CONSTRAINT fk_basket_item_basket FOREIGN KEY (account_id) REFERENCES basket (account_id) ON DELETE CASCADE,
      CONSTRAINT fk_basket_item_invoice FOREIGN KEY (invoice_id) REFERENCES invoice (id) ON DELETE CASCADE
    ) ${table}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['basket_item', 'basket', 'payment_invoice', 'invoice', 'payment', 'regie']) await q.query(`DROP TABLE ${t}`);
  }
}
