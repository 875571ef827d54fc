// The worker killed with SIGKILL in the middle of a démarche, then restarted: the request goes
// on to its decision and every mail goes out exactly once. The worker runs as its own process
// (worker/index.ts, with the run's prebuilt workflow bundle) so that it can really be killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Account, DemarcheRequest, Notification } from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { DemarcheService } from '../../api/services/demarches.service';
import { demarcheWorkflowId, recordPaperDocumentUpdate, validateRequestUpdate } from '../../workflows/demarche';
import { getWorkflowBundle } from '../support/env';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { signUp } from '../support/journeys';

let h: Harness;
let tmp: string;
let bundlePath: string;
beforeAll(async () => {
  h = await startHarness('demarche_kill');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'portail-kill-'));
  bundlePath = path.join(tmp, 'workflow-bundle.js');
  await writeFile(bundlePath, (await getWorkflowBundle()).code);
});
afterAll(async () => {
  await h?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Starts worker/index.ts as a process of its own and resolves once it polls its task queue. */
async function startWorkerProcess(): Promise<ChildProcess> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a child of its own, which a
  // SIGKILL to the CLI would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'worker', 'index.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: h.config.databaseUrl,
      TEMPORAL_ADDRESS: h.config.temporal.address,
      TEMPORAL_NAMESPACE: h.config.temporal.namespace,
      TEMPORAL_TASK_QUEUE: h.config.temporal.taskQueue,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      SMTP_URL: h.config.mail.smtpUrl,
      PUBLIC_URL: h.config.publicUrl,
      SMS_PROVIDER: 'dev',
      WORKER_HTTP_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not running after 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/"state":"RUNNING"|state: 'RUNNING'/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}):\n${output}`)));
  });
  return child;
}

test('SIGKILL in the middle, then a new worker: decided, each mail sent once', async () => {
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Kilian', nom: 'Reprise', email: 'kilian.reprise@example.fr' })).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'kilian.reprise@example.fr' });
  const school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  const required = school.documents.filter((d) => d.required);

  await h.stopWorker(); // from here on, only worker processes
  let first: ChildProcess | undefined = await startWorkerProcess();
  let second: ChildProcess | undefined;
  try {
    const request = await h.portal.services.demarches.submit(h.communes.beaucouze, account, {
      definition: school,
      answers: { niveau: 'CP' },
      memberId: null,
      documents: required.map((d) => ({ key: d.key, mode: 'paper' as const })),
      submissionKey: DemarcheService.newSubmissionKey(),
    });
    const handle = h.temporal.workflow.getHandle(demarcheWorkflowId('beaucouze', request.number));
    await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(request.number), 30_000);
    for (const doc of required) {
      await handle.executeUpdate(recordPaperDocumentUpdate, { args: [{ agentId: h.agents.beaucouze.id, documentKey: doc.key }] });
    }
    // The last document made the request «Complet»: its mail is being sent right now. Kill.
    first.kill('SIGKILL');
    await new Promise((resolve) => first?.once('exit', resolve));
    first = undefined;

    second = await startWorkerProcess();
    // The killed worker's activity is retried once its 30 s start-to-close timeout has run out.
    await h.smtp.waitFor((m) => m.to.includes(account.email) && /Complet/.test(m.subject) && m.subject.includes(request.number), 90_000);
    await handle.executeUpdate(validateRequestUpdate, { args: [{ agentId: h.agents.beaucouze.id }] });
    expect(await handle.result()).toBe('valide');
    await h.smtp.waitFor((m) => m.to.includes(account.email) && /Validé/.test(m.subject) && m.subject.includes(request.number), 30_000);

    expect((await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ id: request.id })).status).toBe('valide');
    const keys = (await h.dataSource.getRepository(Notification).find())
      .map((n) => n.idempotencyKey)
      .filter((k) => k.startsWith(`demarche:${request.id}:`));
    expect(keys).toEqual(expect.arrayContaining([`demarche:${request.id}:receipt`, `demarche:${request.id}:new-for-agents`]));
    const received = h.smtp.messages.filter((m) => m.subject.includes(request.number));
    // One SMTP message per outbox row: nothing lost, nothing twice.
    expect(received).toHaveLength(keys.length);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(received.length);
  } finally {
    first?.kill('SIGKILL');
    second?.kill('SIGTERM');
    if (second) await new Promise((resolve) => second?.once('exit', resolve));
    await h.startWorker();
  }
}, 180_000);
