import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, loadConfig } from '../../config';

describe('configuration', () => {
  test('defaults give a working development setup', () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBe('mysql://root@127.0.0.1:3306/portail_citoyen');
    expect(config.temporal.address).toBeUndefined();
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config.captchaTestMode).toBe(false);
  });

  test('production refuses the captcha test mode and requires a session secret', () => {
    const secret = 'x'.repeat(40);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, CAPTCHA_TEST_MODE: 'true' })).toThrow(
      'CAPTCHA_TEST_MODE est interdit quand NODE_ENV=production.',
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret }).captchaTestMode).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', CAPTCHA_TEST_MODE: 'true' }).captchaTestMode).toBe(true);
  });

  test('bad values are all reported at once', () => {
    expect(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'postgres://x/y', SMS_PROVIDER: 'http' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*SMS_API_URL/,
    );
  });

  test('every variable of .env.example is one the config module knows, and the reverse', () => {
    const text = readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
    const documented = new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
