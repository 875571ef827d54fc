import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type MemberKind = 'adulte' | 'enfant';

/** A person of the household other than the account holder. */
@Entity('household_member')
@Index('ix_member_account', ['accountId'])
export class HouseholdMember {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId!: number;

  @Column({ type: 'enum', enum: ['adulte', 'enfant'] })
  kind!: MemberKind;

  @Column({ type: 'varchar', length: 20 })
  civility!: string;

  @Column({ name: 'first_name', type: 'varchar', length: 60 })
  firstName!: string;

  @Column({ name: 'last_name', type: 'varchar', length: 60 })
  lastName!: string;

  @Column({ name: 'birth_date', type: 'date' })
  birthDate!: string;

  /** e.g. «Conjoint», «Fils», «Fille»: free text shown in the household list. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  relationship!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
