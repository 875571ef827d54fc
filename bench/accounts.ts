// Benchmark 2: 10,000 account validations open at once. The accounts are inserted in bulk (one
// argon2 hash reused), their workflows started through the product's Processes as sign-up does,
// on a task queue of their own served by a worker in its own process (`tsx worker/index.ts`, the
// production entry point, with a prebuilt workflow bundle), so that its RSS is the worker's alone.
// Once every workflow waits for its decision, an agent validates 200 of them through
// AgentService.validateAccount (what «Valider» in the back office calls): each is timed.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Account, Agent } from '../db/entities';
import { DEMO_AGENT } from '../db/seed';
import { Processes } from '../api/services/processes';
import { hashSecret } from '../api/services/secrets';
import { bundlePortalWorkflows } from '../scripts/bundle-workflows';
import type { BenchPortal } from './setup';
import { loadCount, summarise, type Measure } from './stats';
import { CpuMeter } from './cpu';

export const ACCOUNT_TARGETS = { rssMiB: 1024, validateP95Ms: 300 };
const TASK_QUEUE = 'portail-bench-comptes';
const INSERT_BATCH = 500;
const START_CONCURRENCY = 32;

interface WorkerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** VmRSS and VmHWM (peak) of a process, in MiB, from /proc. */
async function memoryOf(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

async function startWorkerProcess(portal: BenchPortal): Promise<WorkerProcess> {
  const bundlePath = path.join(os.tmpdir(), `portail-bench-workflows-${process.pid}.js`);
  await writeFile(bundlePath, await bundlePortalWorkflows());
  const nodeOptions = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', path.join(__dirname, '..', 'worker', 'index.ts')], {
    cwd: path.join(__dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: portal.config.databaseUrl,
      DATABASE_POOL_SIZE: String(portal.config.databasePoolSize),
      TEMPORAL_ADDRESS: portal.devServer.address,
      TEMPORAL_NAMESPACE: portal.devServer.namespace,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      WORKER_HTTP_PORT: '0',
      PUBLIC_URL: portal.baseUrl,
      LOG_LEVEL: 'warn',
      SMTP_URL: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The bench stopped by a signal or an error must not leave the worker behind.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      process.off('exit', orphanGuard);
    },
  };
}

async function insertPendingAccounts(portal: BenchPortal, count: number): Promise<Account[]> {
  const hash = await hashSecret('Banc-Validation-2026!');
  // Far ahead: no escalation timer fires during the run.
  const deadline = new Date(Date.now() + 30 * 86_400_000);
  const repo = portal.dataSource.getRepository(Account);
  const rows: Account[] = [];
  for (let i = 0; i < count; i += INSERT_BATCH) {
    const batch = Array.from({ length: Math.min(INSERT_BATCH, count - i) }, (_, j) =>
      repo.create({
        communeId: portal.commune.id,
        identifier: `banc.compte${i + j + 1}`,
        civility: 'Mme',
        firstName: 'Attente',
        lastName: `Validation${i + j + 1}`,
        birthDate: '1985-06-15',
        email: `banc.compte${i + j + 1}@bench.localhost`,
        phone: null,
        addressLine: '2 place de la Mairie',
        postalCode: '49070',
        city: 'Beaucouzé',
        communicationChannel: 'email',
        passwordHash: hash,
        securityQuestion: 'Nom de votre banc ?',
        securityAnswerHash: hash,
        status: 'pending',
        rejectionReason: null,
        validationDeadline: deadline,
      }),
    );
    await repo.insert(batch);
    rows.push(...batch);
  }
  return rows;
}

async function waitForIdleWorkflows(portal: BenchPortal, count: number, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const [{ n }] = (await portal.dataSource.query(
      "SELECT COUNT(*) AS n FROM notification WHERE idempotency_key LIKE 'account:%:new-for-agents' AND recipient = ?",
      [portal.commune.agentsEmail],
    )) as Array<{ n: string | number }>;
    if (Number(n) >= count) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${n}/${count} workflows de validation prêts après ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function benchOpenAccounts(portal: BenchPortal, open: number, validations: number, agents: number): Promise<Measure[]> {
  console.log(`Benchmark 2 : ${open} validations de compte ouvertes, worker dans son propre processus…`);
  const worker = await startWorkerProcess(portal);
  const pid = worker.child.pid as number;
  try {
    const accounts = await insertPendingAccounts(portal, open);
    const processes = new Processes({ client: portal.temporal, taskQueue: TASK_QUEUE, accountReminderIntervalMs: 24 * 3600_000 });
    const idleMemory = await memoryOf(pid);
    const pids = { ...portal.pids, worker: pid };
    const settleMeter = new CpuMeter(pids);
    const t0 = performance.now();
    const started = await loadCount(accounts.length, START_CONCURRENCY, async (i) => {
      const a = accounts[i];
      await processes.startAccountValidation({ accountId: a.id, communeSlug: portal.commune.slug, deadline: a.validationDeadline.toISOString() });
    });
    const startMs = performance.now() - t0;
    const settleMs = await waitForIdleWorkflows(portal, open, 15 * 60_000);
    const settleCpu = settleMeter.perOperation(open);
    console.log(`  ${open} workflows démarrés en ${(startMs / 1000).toFixed(1)} s, tous en attente de décision ${(settleMs / 1000).toFixed(1)} s plus tard ; CPU par workflow : ${JSON.stringify(settleCpu)}`);
    const openMemory = await memoryOf(pid);
    const validateMeter = new CpuMeter(pids);

    const agent = await portal.dataSource.getRepository(Agent).findOneByOrFail({ login: DEMO_AGENT.login });
    // Spread over the whole population: most are no longer in the worker's cache.
    const step = Math.max(1, Math.floor(open / validations));
    const run = await loadCount(Math.min(validations, open), agents, async (i) => {
      await portal.portal.services.agents.validateAccount(agent, portal.commune, accounts[i * step].id);
    });
    const validateCpu = validateMeter.perOperation(Math.min(validations, open));
    const afterMemory = await memoryOf(pid);
    const startErrors = started.samples.reduce((n, s) => n + s.errors, 0);
    const validate = summarise(
      `2. Validation d’un compte par un agent (Update), ${open} ouvertes`,
      agents,
      run,
      `p95 ≤ ${ACCOUNT_TARGETS.validateP95Ms} ms`,
      (m) => m.p95 <= ACCOUNT_TARGETS.validateP95Ms,
    );
    validate.extra = { startMs, settleMs, startErrors, startsPerSec: (open * 1000) / startMs, cpuPerOpenedWorkflow: settleCpu, cpuPerValidation: validateCpu };
    const rss: Measure = {
      scenario: `2. RSS du worker (processus à part), ${open} validations ouvertes`,
      clients: 0,
      count: open,
      errors: startErrors,
      reqPerSec: NaN,
      p50: NaN,
      p95: NaN,
      p99: NaN,
      target: `RSS ≤ ${ACCOUNT_TARGETS.rssMiB} Mio`,
      met: Math.max(openMemory.rssMiB, afterMemory.rssMiB) <= ACCOUNT_TARGETS.rssMiB,
      extra: { idleRssMiB: idleMemory.rssMiB, openRssMiB: openMemory.rssMiB, afterValidationsRssMiB: afterMemory.rssMiB, peakRssMiB: afterMemory.peakMiB },
    };
    return [rss, validate];
  } finally {
    await worker.stop();
  }
}
