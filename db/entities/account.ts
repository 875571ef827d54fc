import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

export type AccountStatus = 'pending' | 'validated' | 'rejected';
export type CommunicationChannel = 'email' | 'sms';

/** One account per household; its holder is the adult who signed up. */
@Entity('account')
@Index('uq_account_identifier', ['communeId', 'identifier'], { unique: true })
@Index('uq_account_email', ['communeId', 'email'], { unique: true })
@Index('ix_account_status_deadline', ['communeId', 'status', 'validationDeadline'])
export class Account {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commune_id', type: 'int' })
  communeId!: number;

  /** prénom.nom, NFC, lower case, accents kept (utf8mb4_bin so that «amélie» ≠ «amelie»). */
  @Column({ type: 'varchar', length: 110, collation: 'utf8mb4_bin' })
  identifier!: string;

  @Column({ type: 'varchar', length: 20 })
  civility!: string;

  @Column({ name: 'first_name', type: 'varchar', length: 60 })
  firstName!: string;

  @Column({ name: 'last_name', type: 'varchar', length: 60 })
  lastName!: string;

  @Column({ name: 'birth_date', type: 'date' })
  birthDate!: string;

  /** Stored lower-cased: the login accepts the email address in any case. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** E.164 (+33612345678), or null. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @Column({ name: 'address_line', type: 'varchar', length: 150 })
  addressLine!: string;

  @Column({ name: 'postal_code', type: 'varchar', length: 5 })
  postalCode!: string;

  @Column({ type: 'varchar', length: 80 })
  city!: string;

  @Column({ name: 'communication_channel', type: 'enum', enum: ['email', 'sms'], default: 'email' })
  communicationChannel!: CommunicationChannel;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'security_question', type: 'varchar', length: 150 })
  securityQuestion!: string;

  /** argon2id of the normalised answer: the answer is a second secret. */
  @Column({ name: 'security_answer_hash', type: 'varchar', length: 255 })
  securityAnswerHash!: string;

  @Column({ type: 'enum', enum: ['pending', 'validated', 'rejected'], default: 'pending' })
  status!: AccountStatus;

  @Column({ name: 'rejection_reason', type: 'varchar', length: 500, nullable: true })
  rejectionReason!: string | null;

  /** 2 business days of the commune's calendar after sign-up. */
  @Column({ name: 'validation_deadline', type: 'datetime', precision: 3 })
  validationDeadline!: Date;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by_agent_id', type: 'int', nullable: true })
  decidedByAgentId!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @VersionColumn()
  version!: number;
}
