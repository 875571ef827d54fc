// Issue 6, acceptance: the portal as it runs in production — `npm run build`, then the compiled
// api (dist/api/server.js) and worker (dist/worker/index.js, on the prebuilt workflow bundle) as
// two processes of their own against the test run's Temporal dev server, MariaDB and a real SMTP
// receiver. Both answer /readyz; /metrics counts the sign-up's workflow; both exit cleanly on
// SIGTERM with that workflow in flight, which completes after a restart. Then every line both
// processes logged during a full account journey (sign-up, lost password, reset link) is scanned:
// the password, the security answer and the reset token never appear.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import mysql from 'mysql2/promise';
import { accountValidationWorkflowId } from '../../workflows/account-validation';
import { freePort } from '../../scripts/temporal-dev-server';
import { testEnv } from '../support/env';
import { DEMO_AGENT, WebClient } from '../support/harness';
import { SECURITY_ANSWER, STRONG_PASSWORD, agentLogin, signUp } from '../support/journeys';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

let smtp: SmtpReceiver;
let env: Record<string, string>;
let apiUrl: string;
let workerUrl: string;
const logs: string[] = [];
const processes = new Set<ChildProcess>();

/** Starts a compiled entry point; resolves once its /readyz answers 200. */
async function start(entry: string, readyUrl: string, extra: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  processes.add(child);
  child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.once('exit', () => processes.delete(child));
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited (${child.exitCode}):\n${logs.slice(-20).join('')}`);
    const ok = await fetch(readyUrl).then((r) => r.status === 200, () => false);
    if (ok) return child;
    if (Date.now() > end) throw new Error(`${entry} not ready after 60 s:\n${logs.slice(-20).join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM; resolves with the exit code (fails the test past 40 s). */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no exit 40 s after SIGTERM')), 40_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

let api: ChildProcess;
let worker: ChildProcess;

beforeAll(async () => {
  // The build the Docker images run (tsc to dist/, then the workflow bundle).
  await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 });
  expect(existsSync(path.join(ROOT, 'dist', 'workflow-bundle.js'))).toBe(true);

  const { temporalAddress, temporalNamespace, databaseUrl } = testEnv();
  const db = new URL(databaseUrl);
  db.pathname = `${db.pathname}_prod_processes`;
  const root = await mysql.createConnection({ uri: new URL('/', databaseUrl).toString().replace(/\/$/, '') });
  await root.query(`DROP DATABASE IF EXISTS \`${db.pathname.slice(1)}\``);
  await root.end();
  smtp = await startSmtpReceiver();
  const [apiPort, workerPort] = await Promise.all([freePort(), freePort()]);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  workerUrl = `http://127.0.0.1:${workerPort}`;
  env = {
    NODE_ENV: 'test',
    PORT: String(apiPort),
    PUBLIC_URL: apiUrl,
    DATABASE_URL: db.toString(),
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: temporalNamespace,
    TEMPORAL_TASK_QUEUE: `prod-processes-${Date.now()}`,
    WORKFLOW_BUNDLE_PATH: path.join(ROOT, 'dist', 'workflow-bundle.js'),
    WORKER_HTTP_PORT: String(workerPort),
    SMTP_URL: smtp.url,
    SMS_PROVIDER: 'dev',
    CAPTCHA_TEST_MODE: 'true',
    // The most talkative level: whatever is logged at all must be free of secrets.
    LOG_LEVEL: 'trace',
    SESSION_SECRET: 'secret-de-session-du-test-des-processus-0123456789',
  };
  await run(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'migrate.js'), '--demo'], { cwd: ROOT, env: { ...process.env, ...env } });
  // Workflow ids carry account ids; the dev server is shared by the whole run.
  const conn = await mysql.createConnection({ uri: db.toString() });
  await conn.query(`ALTER TABLE account AUTO_INCREMENT = ${1 + 1000 * (1 + Math.floor(Math.random() * 2_000_000))}`);
  await conn.end();
  [api, worker] = await Promise.all([start('api/server.js', `${apiUrl}/readyz`), start('worker/index.js', `${workerUrl}/readyz`)]);
}, 240_000);

afterAll(async () => {
  for (const child of processes) child.kill('SIGKILL');
  await smtp?.stop();
});

test('readyz, metrics with the workflow started, SIGTERM with a workflow in flight, done after a restart; no secret in the logs', async () => {
  const email = 'prod.processus@example.fr';
  const web = new WebClient(apiUrl);
  expect((await signUp(web, { prenom: 'Prune', nom: 'Processus', email })).status).toBe(303);
  await smtp.waitFor((m) => m.to.includes(email), 20_000); // the identifier mail: the worker ran it

  const apiMetrics = await (await fetch(`${apiUrl}/metrics`)).text();
  expect(apiMetrics).toMatch(/portail_workflows_started_total\{kind="validation-compte"\} 1/);
  expect(apiMetrics).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/compte\/creer\/:tab"/);
  const workerMetrics = await (await fetch(`${workerUrl}/metrics`)).text();
  expect(workerMetrics).toMatch(/portail_notifications_total\{channel="email",result="sent"\} [1-9]/);
  expect(workerMetrics).toMatch(/^temporal_/m);

  // The account validation waits for an agent: both processes stop with it in flight.
  const [apiExit, workerExit] = await Promise.all([stop(api), stop(worker)]);
  expect(apiExit).toBe(0);
  expect(workerExit).toBe(0);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const conn = await mysql.createConnection({ uri: env.DATABASE_URL });
  const [rows] = await conn.query('SELECT id, identifier FROM account WHERE email = ?', [email]);
  await conn.end();
  const { id, identifier } = (rows as Array<{ id: number; identifier: string }>)[0];
  const handle = temporal.workflow.getHandle(accountValidationWorkflowId('beaucouze', id));
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // Restarted, the agent validates: the same workflow completes.
  [api, worker] = await Promise.all([start('api/server.js', `${apiUrl}/readyz`), start('worker/index.js', `${workerUrl}/readyz`)]);
  const agent = await agentLogin(new WebClient(apiUrl), DEMO_AGENT.login, DEMO_AGENT.password);
  expect((await agent.post(`/agent/comptes/${id}/valider`, {})).status).toBe(303);
  expect(await handle.result()).toMatchObject({ status: 'validated' });
  await smtp.waitFor((m) => m.to.includes(email) && /validé/i.test(m.subject), 20_000);

  // Lost password: identifier, answer, mailed link, new password.
  const reset = new WebClient(apiUrl);
  await reset.get('/mot-de-passe-oublie');
  expect((await reset.post('/mot-de-passe-oublie', { identifiant: identifier })).status).toBe(303);
  expect((await reset.post('/mot-de-passe-oublie/question', { reponse: SECURITY_ANSWER })).status).toBe(303);
  const resetMail = await smtp.waitFor((m) => m.to.includes(email) && /^Réinitialisation/.test(m.subject), 20_000);
  const link = /https?:\/\/\S+\/mot-de-passe-oublie\/nouveau\/([A-Za-z0-9_-]+)/.exec(resetMail.text) as RegExpExecArray;
  const token = link[1];
  await reset.get(new URL(link[0]).pathname);
  const newPassword = 'Lavande-Verte-57?';
  expect((await reset.post(new URL(link[0]).pathname, { nouveau_mot_de_passe: newPassword, nouveau_mot_de_passe_confirmation: newPassword })).status).toBe(303);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await connection.close();

  // What both processes logged, JSON lines: no secret of the journey, in any form.
  const all = logs.join('');
  const lines = all.split('\n').filter((l) => l.trim().startsWith('{'));
  expect(lines.length).toBeGreaterThan(20);
  for (const secret of [STRONG_PASSWORD, newPassword, SECURITY_ANSWER, SECURITY_ANSWER.normalize('NFD'), token, encodeURIComponent(STRONG_PASSWORD)]) {
    expect(all.includes(secret)).toBe(false);
  }
  expect(all.toLowerCase()).not.toContain(SECURITY_ANSWER.toLowerCase());
  // The request id is carried from the api into the worker's workflow and activity logs.
  const ids = new Set(lines.map((l) => /"requestId":"([^"]+)"/.exec(l)?.[1]).filter(Boolean));
  expect([...ids].some((rid) => lines.some((l) => l.includes(`"requestId":"${rid}"`) && /"(activityType|activityId|workflowType)"/.test(l)))).toBe(true);
}, 180_000);
