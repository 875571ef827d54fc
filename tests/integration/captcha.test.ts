import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../db/data-source';
import { CaptchaChallenge } from '../../db/entities/captcha';
import { CaptchaService } from '../../api/captcha/captcha.service';
import { captchaRoutes, TEST_ANSWER_HEADER } from '../../api/captcha/captcha.routes';
import { parseWav } from '../../api/captcha/audio';

// A database of its own (per file and per process): other test files and other runs keep theirs.
const serverUrl = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';
const server = new URL(serverUrl.replace(/^mariadb:/, 'mysql:'));
const DATABASE = `portail_captcha_test_${process.pid}`;

let dataSource: DataSource;
/** The services' clock: each test moves it as it needs. */
let clock: Date;
const now = () => clock;

async function dropDatabase(): Promise<void> {
  const admin = new URL(server);
  admin.pathname = '/';
  const connection = await mysql.createConnection({ uri: admin.toString() });
  await connection.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``).finally(() => connection.end());
}

beforeAll(async () => {
  await dropDatabase();
  const url = new URL(server);
  url.pathname = `/${DATABASE}`;
  dataSource = await openDatabase(url.toString(), { poolSize: 5 });
});

afterAll(async () => {
  await dataSource?.destroy();
  await dropDatabase();
});

beforeEach(() => {
  clock = new Date('2026-03-02T09:00:00.000Z');
});

const minutes = (n: number) => new Date(clock.getTime() + n * 60_000);

describe('CaptchaService', () => {
  const service = () => new CaptchaService(dataSource, { testMode: true, now });

  it('creates a challenge with its image and audio addresses, stored for 15 minutes', async () => {
    const created = await service().create();
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.imageUrl).toBe(`/captcha/${created.id}.svg`);
    expect(created.audioUrl).toBe(`/captcha/${created.id}.wav`);
    expect(created.testAnswer).toMatch(/^[23456789AFHJLMPRUY]{5}$/);
    const stored = await dataSource.getRepository(CaptchaChallenge).findOneByOrFail({ id: created.id });
    expect(stored).toMatchObject({ code: created.testAnswer, usedAt: null });
    expect(stored.expiresAt.getTime()).toBe(minutes(15).getTime());
  });

  it('accepts the right answer once, in any case and with spaces; a replay is refused', async () => {
    const captcha = service();
    const { id, testAnswer } = await captcha.create();
    const typed = ` ${testAnswer!.slice(0, 2).toLowerCase()} ${testAnswer!.slice(2)} `;
    expect(await captcha.verify(id, typed)).toBe(true);
    expect(await captcha.verify(id, testAnswer!)).toBe(false);
    expect(await captcha.image(id)).toBeNull();
    expect(await captcha.audio(id)).toBeNull();
  });

  it('consumes the challenge on a wrong answer: no second guess on the same image', async () => {
    const captcha = service();
    const { id, testAnswer } = await captcha.create();
    const wrong = testAnswer!.slice(0, 4) + (testAnswer!.endsWith('A') ? 'F' : 'A');
    expect(await captcha.verify(id, wrong)).toBe(false);
    expect(await captcha.verify(id, testAnswer!)).toBe(false);
    expect((await dataSource.getRepository(CaptchaChallenge).findOneByOrFail({ id })).usedAt).toEqual(clock);
  });

  it('refuses an answer once the challenge has expired, and serves nothing for it', async () => {
    const captcha = service();
    const early = await captcha.create();
    const late = await captcha.create();
    clock = minutes(14);
    expect(await captcha.verify(early.id, early.testAnswer!)).toBe(true);
    clock = minutes(1);
    expect(await captcha.image(late.id)).toBeNull();
    expect(await captcha.audio(late.id)).toBeNull();
    expect(await captcha.verify(late.id, late.testAnswer!)).toBe(false);
  });

  it('honours a shorter lifetime', async () => {
    const captcha = new CaptchaService(dataSource, { testMode: true, now, ttlMinutes: 2 });
    const { id, testAnswer } = await captcha.create();
    clock = minutes(2);
    expect(await captcha.verify(id, testAnswer!)).toBe(false);
  });

  it('refuses unknown and malformed ids', async () => {
    const captcha = service();
    expect(await captcha.verify(randomUUID(), 'A2FH9')).toBe(false);
    expect(await captcha.verify("' OR 1=1 --", 'A2FH9')).toBe(false);
    expect(await captcha.image(randomUUID())).toBeNull();
    expect(await captcha.audio('nope')).toBeNull();
  });

  it('lets exactly one of several simultaneous answers through', async () => {
    const captcha = service();
    const { id, testAnswer } = await captcha.create();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => captcha.verify(id, testAnswer!)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('renders the image and audio of an open challenge, the audio identical on each request', async () => {
    const captcha = service();
    const { id } = await captcha.create();
    const svg = await captcha.image(id);
    expect(svg).toMatch(/^<svg [^>]*width="200" height="70"/);
    const wav = await captcha.audio(id);
    expect(parseWav(wav!).samples.length / 16000).toBeGreaterThan(8);
    expect((await captcha.audio(id))!.equals(wav!)).toBe(true);
  });

  it('hides the answer outside test mode', async () => {
    const captcha = new CaptchaService(dataSource, { testMode: false, now });
    const created = await captcha.create();
    expect(created).not.toHaveProperty('testAnswer');
    await expect(captcha.testAnswerFor(created.id)).rejects.toThrow('mode test');
    expect(await service().testAnswerFor(created.id)).toMatch(/^[23456789AFHJLMPRUY]{5}$/);
  });

  it('purges expired challenges only', async () => {
    const captcha = service();
    const repository = dataSource.getRepository(CaptchaChallenge);
    clock = new Date('2030-01-01T00:00:00.000Z');
    const kept = await captcha.create();
    clock = minutes(15);
    const before = await repository.count();
    const purged = await captcha.purgeExpired();
    expect(purged).toBeGreaterThan(0);
    expect(await repository.count()).toBe(before - purged);
    expect(await repository.existsBy({ id: kept.id })).toBe(false);
    clock = new Date('2030-01-01T00:00:00.000Z');
    const fresh = await captcha.create();
    expect(await captcha.purgeExpired()).toBe(0);
    expect(await repository.existsBy({ id: fresh.id })).toBe(true);
  });
});

describe('captchaRoutes', () => {
  let http: Server;
  let base: string;
  const testService = () => new CaptchaService(dataSource, { testMode: true, now });
  const plainService = () => new CaptchaService(dataSource, { testMode: false, now });

  beforeAll(async () => {
    // One app per mode, mounted under a prefix, on one ephemeral port.
    const app = express();
    app.use('/test', captchaRoutes(testService()));
    app.use('/plain', captchaRoutes(plainService()));
    http = app.listen(0);
    await new Promise<void>((resolve) => http.once('listening', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
  });

  it('serves the image, uncached, with the answer header in test mode only', async () => {
    const { imageUrl, testAnswer } = await testService().create();
    const response = await fetch(`${base}/test${imageUrl}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get(TEST_ANSWER_HEADER)).toBe(testAnswer);
    expect(await response.text()).toMatch(/^<svg /);

    const plain = await plainService().create();
    const hidden = await fetch(`${base}/plain${plain.imageUrl}`);
    expect(hidden.status).toBe(200);
    expect(hidden.headers.has(TEST_ANSWER_HEADER)).toBe(false);
  });

  it('serves the audio whole or by byte range, the same bytes each time', async () => {
    const { audioUrl } = await plainService().create();
    const whole = await fetch(`${base}/plain${audioUrl}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');

    const part = await fetch(`${base}/plain${audioUrl}`, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const beyond = await fetch(`${base}/plain${audioUrl}`, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
  });

  it('answers 404 in French for unknown, used or malformed challenges', async () => {
    const captcha = plainService();
    const { id, imageUrl, audioUrl } = await captcha.create();
    await captcha.verify(id, 'wrong');
    for (const path of [imageUrl, audioUrl, `/captcha/${randomUUID()}.svg`, '/captcha/abc.wav']) {
      const response = await fetch(`${base}/plain${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(await response.text()).toContain('Rechargez la page');
    }
  });
});
