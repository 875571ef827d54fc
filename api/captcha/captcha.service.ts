// The «cryptogramme» asked at the end of sign-up and on anonymous forms: one code, shown as a
// distorted image and read aloud (RGAA 1.5), answerable once.
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { CaptchaChallenge } from '../../db/entities/captcha';
import { generateCaptchaCode, normaliseCaptchaAnswer } from './alphabet';
import { renderCaptchaWav } from './audio';
import { renderCaptchaSvg } from './image';

export interface CaptchaServiceOptions {
  /** Exposes the answer so automated tests can pass the check; refused in production by config.ts. */
  testMode: boolean;
  ttlMinutes?: number;
  now?: () => Date;
}

export interface CreatedCaptcha {
  id: string;
  imageUrl: string;
  audioUrl: string;
  /** Only in test mode. */
  testAnswer?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class CaptchaService {
  readonly testMode: boolean;
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    options: CaptchaServiceOptions,
  ) {
    this.testMode = options.testMode;
    this.ttlMs = (options.ttlMinutes ?? 15) * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  async create(): Promise<CreatedCaptcha> {
    const challenge = this.repository.create({
      id: randomUUID(),
      code: generateCaptchaCode(),
      expiresAt: new Date(this.now().getTime() + this.ttlMs),
      usedAt: null,
    });
    await this.repository.insert(challenge);
    return {
      id: challenge.id,
      imageUrl: `/captcha/${challenge.id}.svg`,
      audioUrl: `/captcha/${challenge.id}.wav`,
      ...(this.testMode ? { testAnswer: challenge.code } : {}),
    };
  }

  /** Null when the challenge is unknown, expired or already answered. */
  async image(id: string): Promise<string | null> {
    const challenge = await this.findOpen(id);
    return challenge ? renderCaptchaSvg(challenge.code) : null;
  }

  /** Null when the challenge is unknown, expired or already answered. */
  async audio(id: string): Promise<Buffer | null> {
    const challenge = await this.findOpen(id);
    // Seeded by the challenge (code included, so the noise cannot be rebuilt from the public id):
    // every request for it gets the same bytes, which media range requests need.
    return challenge ? renderCaptchaWav(challenge.code, { seed: `${challenge.id}:${challenge.code}` }) : null;
  }

  /**
   * One answer per challenge, right or wrong: the conditional UPDATE lets exactly one request
   * claim it, so neither a replay nor a guess on the same image gets a second try.
   */
  async verify(id: string, answer: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const now = this.now();
    const claimed = await this.repository
      .createQueryBuilder()
      .update()
      .set({ usedAt: now })
      .where('id = :id AND used_at IS NULL AND expires_at > :now', { id, now })
      .execute();
    if (claimed.affected !== 1) return false;
    const challenge = await this.repository.findOneBy({ id });
    return challenge !== null && normaliseCaptchaAnswer(answer) === challenge.code;
  }

  /** For automated tests only: the expected answer of an open challenge. */
  async testAnswerFor(id: string): Promise<string | null> {
    if (!this.testMode) {
      throw new Error('Le mode test du cryptogramme est désactivé : la réponse n’est pas exposée.');
    }
    const challenge = await this.findOpen(id);
    return challenge?.code ?? null;
  }

  /** Deletes expired challenges; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.repository.delete({ expiresAt: LessThanOrEqual(this.now()) });
    return result.affected ?? 0;
  }

  private get repository() {
    return this.dataSource.getRepository(CaptchaChallenge);
  }

  private async findOpen(id: string): Promise<CaptchaChallenge | null> {
    if (!UUID.test(id)) return null;
    return this.repository.findOneBy({ id, usedAt: IsNull(), expiresAt: MoreThan(this.now()) });
  }
}
