import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A régie: one budget and one merchant account of the commune (PayFiP gives one `numcli` per
 * régie). A basket holds the invoices of one régie only.
 */
@Entity('regie')
@Index('uq_regie_code', ['communeId', 'code'], { unique: true })
export class Regie {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commune_id', type: 'int' })
  communeId!: number;

  /** 'ville', 'ccas': what the billing software writes in its exports. */
  @Column({ type: 'varchar', length: 20 })
  code!: string;

  /** «Ville», «CCAS». */
  @Column({ type: 'varchar', length: 80 })
  name!: string;

  /** The services billed through it (scolaire, périscolaire, petite enfance; social). */
  @Column({ type: 'json' })
  services!: string[];

  @Column({ type: 'varchar', length: 10 })
  provider!: 'sandbox' | 'payfip';

  /** PayFiP's client number of the régie (6 digits). */
  @Column({ name: 'payfip_numcli', type: 'varchar', length: 10, nullable: true })
  payfipNumcli!: string | null;

  /** PayFiP «saisie»: T test, X activation, W production. */
  @Column({ name: 'payfip_mode', type: 'char', length: 1, nullable: true })
  payfipMode!: 'T' | 'X' | 'W' | null;

  /** SHA-256 of the billing software's API key for this régie; null: no machine import. */
  @Column({ name: 'api_key_hash', type: 'char', length: 64, nullable: true })
  apiKeyHash!: string | null;
}
