import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A commune is a tenant: its residents, agents and requests never mix with another's. */
@Entity('commune')
export class Commune {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Appears in the host name: demarches-<slug>.<domain>. */
  @Column({ type: 'varchar', length: 60, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  /** Holiday zone of the business-day calendar (see domain/business-days.ts). */
  @Column({ name: 'holiday_zone', type: 'varchar', length: 20 })
  holidayZone!: string;

  /** Where residents post paper documents («Mairie de …, adresse»), several lines. */
  @Column({ name: 'postal_address', type: 'text' })
  postalAddress!: string;

  /** Shared mailbox of the agents who validate accounts; told of new accounts and escalations. */
  @Column({ name: 'agents_email', type: 'varchar', length: 254 })
  agentsEmail!: string;

  /** Business days announced for a civil-status certificate; agents are reminded past them. */
  @Column({ name: 'civil_status_processing_days', type: 'tinyint', default: 5 })
  civilStatusProcessingDays!: number;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
