// The fault suite's own world, apart from the shared test run's: a MariaDB server, a file-backed
// Temporal dev server, and the worker as a process, each of which the suite can stop and start
// again in place; the portal itself is the usual harness (api in-process, real SMTP receiver)
// pointed at them.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTemporalDevServer, freePort, type TemporalDevServer } from '../../../scripts/temporal-dev-server';
import { startHarness, type Harness, type HarnessOptions } from '../../support/harness';
import { startMariaDbInstance, type MariaDbInstance } from './mariadb-instance';
import { workerProcess, type WorkerProcess } from './worker-process';

export interface FaultWorld {
  h: Harness;
  /** Logs of the servers and the worker (kept when a test fails: see `keep`). */
  dir: string;
  worker: WorkerProcess;
  mariadb: MariaDbInstance;
  /** Stops the Temporal dev server (SIGTERM) and starts it again on the same port and file. */
  temporal: { stop(): Promise<void>; start(): Promise<void> };
  close(keep?: boolean): Promise<void>;
}

const DATABASE = 'portail_faults';

/** The production bundle's own script (quiet), in a process of its own while the servers start. */
function bundleWorkflows(file: string): Promise<void> {
  const script = path.join(__dirname, '..', '..', '..', 'scripts', 'bundle-workflows.ts');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, file], { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`Le code des workflows n'a pas pu être empaqueté : ${error.message}\n${stderr}`));
      else resolve();
    });
  });
}

export async function startFaultWorld(options: HarnessOptions): Promise<FaultWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portail-faults-'));
  const temporalPort = await freePort();
  const temporalOptions = {
    port: temporalPort,
    headless: true,
    dbFile: path.join(dir, 'temporal.db'),
    log: () => undefined,
  };
  let temporalServer: TemporalDevServer | undefined;
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  const [mariadb] = await Promise.all([
    startMariaDbInstance(dir),
    bundleWorkflows(bundlePath),
    startTemporalDevServer(temporalOptions).then((server) => (temporalServer = server)),
  ]);
  const temporal = {
    async stop() {
      await temporalServer?.stop();
      temporalServer = undefined;
    },
    async start() {
      temporalServer ??= await startTemporalDevServer(temporalOptions);
    },
  };

  // The harness reads its servers from these (tests/support/env.ts), as under jest's globalSetup.
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.DATABASE_URL = `${mariadb.serverUrl}/${process.env.FAULTS_DATABASE ?? DATABASE}`;
  // Only worker processes run the workflows: none in this process.
  const h = await startHarness('run', {}, { ...options, inProcessWorker: false });

  const worker = workerProcess({
    DATABASE_URL: h.config.databaseUrl,
    TEMPORAL_ADDRESS: h.config.temporal.address as string,
    TEMPORAL_NAMESPACE: h.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: h.config.temporal.taskQueue,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    SMTP_URL: h.config.mail.smtpUrl as string,
    PUBLIC_URL: h.config.publicUrl,
    SMS_PROVIDER: 'dev',
    LOG_LEVEL: 'info',
  }, path.join(dir, 'worker.log'));
  await worker.start();

  return {
    h,
    dir,
    worker,
    mariadb,
    temporal,
    async close(keep = false) {
      await worker.stop().catch(() => undefined);
      await h.close().catch(() => undefined);
      await temporal.stop().catch(() => undefined);
      await mariadb.stop().catch(() => undefined);
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
  };
}
