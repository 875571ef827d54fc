import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A «cryptogramme» challenge: shown as a distorted image and read aloud; answerable once. */
@Entity('captcha_challenge')
export class CaptchaChallenge {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  /** The code itself is needed to render the image and the audio on request. */
  @Column({ type: 'varchar', length: 12 })
  code!: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt!: Date | null;
}
