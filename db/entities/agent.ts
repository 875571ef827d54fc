import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AgentRole = 'agent' | 'admin';

/** A town employee working in the back office of exactly one commune. */
@Entity('agent')
@Index('uq_agent_login', ['login'], { unique: true })
export class Agent {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commune_id', type: 'int' })
  communeId!: number;

  @Column({ type: 'varchar', length: 100 })
  login!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 120 })
  displayName!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'enum', enum: ['agent', 'admin'], default: 'agent' })
  role!: AgentRole;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
