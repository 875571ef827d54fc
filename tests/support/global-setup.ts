// Once per jest run (integration and browser projects): one Temporal dev server, one fresh MySQL database,
// one workflow bundle. Test files read them through tests/support/env.ts.
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import mysql from 'mysql2/promise';
import { registerSearchAttributes, startTemporalDevServer } from '../../scripts/temporal-dev-server';
import {
  ARTIFACTS_DIR,
  RUN_DIR_ENV,
  RUN_FILE,
  WORKFLOW_BUNDLE_FILE,
  runDirFor,
  type TestRunInfo,
} from './test-run';

const DEFAULT_MYSQL_SERVER = 'mysql://root@127.0.0.1:3306';
const TEST_RUN_KEY = Symbol.for('portail-citoyen.test-run');

type Cleanup = () => Promise<void>;

interface TestRunState {
  runDir: string;
  cleanups: Cleanup[];
  /** The variables as they were before the run: watch mode runs globalSetup again in this process. */
  envBefore: Record<string, string | undefined>;
}

const RUN_ENV_VARS = [RUN_DIR_ENV, 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL'];

/** Only globalTeardown reads this: globals set in globalSetup reach it, not the test files. */
export function takeTestRunState(): TestRunState | undefined {
  const holder = globalThis as { [TEST_RUN_KEY]?: TestRunState };
  const state = holder[TEST_RUN_KEY];
  delete holder[TEST_RUN_KEY];
  return state;
}

export default async function globalSetup(): Promise<void> {
  const runDir = runDirFor(process.pid);
  await removeRunDirsOfDeadProcesses();
  await mkdir(runDir, { recursive: true });
  const envBefore = Object.fromEntries(RUN_ENV_VARS.map((name) => [name, process.env[name]]));
  const state: TestRunState = { runDir, cleanups: [], envBefore };
  (globalThis as { [TEST_RUN_KEY]?: TestRunState })[TEST_RUN_KEY] = state;

  try {
    // Independent: start them together (the bundle alone takes ~1.5 s).
    const [temporal, database, bundle] = await Promise.allSettled([
      prepareTemporal(runDir),
      prepareDatabase(),
      bundleWorkflows(runDir),
    ]);
    for (const outcome of [temporal, database]) {
      if (outcome.status === 'fulfilled') state.cleanups.push(outcome.value.cleanup);
    }
    if (temporal.status === 'rejected') throw temporal.reason;
    if (database.status === 'rejected') throw database.reason;

    const info: TestRunInfo = {
      temporalAddress: temporal.value.address,
      temporalNamespace: temporal.value.namespace,
      databaseUrl: database.value.url,
      ...(bundle.status === 'fulfilled'
        ? bundle.value
        : { workflowBundleError: errorMessage(bundle.reason) }),
    };
    await writeFile(path.join(runDir, RUN_FILE), JSON.stringify(info, null, 2));

    // Set before jest spawns its workers, which inherit them; with --runInBand the tests see them directly.
    process.env[RUN_DIR_ENV] = runDir;
    process.env.TEMPORAL_ADDRESS = info.temporalAddress;
    process.env.TEMPORAL_NAMESPACE = info.temporalNamespace;
    process.env.DATABASE_URL = info.databaseUrl;
  } catch (error) {
    // globalTeardown does not run when globalSetup throws: leave nothing behind.
    const { default: globalTeardown } = await import('./global-teardown');
    await globalTeardown();
    throw error;
  }
}

interface PreparedTemporal {
  address: string;
  namespace: string;
  cleanup: Cleanup;
}

async function prepareTemporal(runDir: string): Promise<PreparedTemporal> {
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) {
    const connection = await Connection.connect({ address: existing });
    try {
      await registerSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
    return { address: existing, namespace, cleanup: async () => undefined };
  }

  // Kept after the run (until the next one) for post-mortems; the console stays for test output.
  const log = createWriteStream(path.join(runDir, 'temporal.log'));
  const server = await startTemporalDevServer({
    port: 0,
    // TEMPORAL_TEST_UI=1 keeps the Web UI, to watch the tests' workflows.
    headless: process.env.TEMPORAL_TEST_UI !== '1',
    namespace,
    log: (line) => log.write(`${line}\n`),
  }).catch((error: unknown) => {
    log.end();
    throw error;
  });
  const ui = server.uiUrl ? `, interface web ${server.uiUrl}` : '';
  console.log(`\nServeur Temporal de test prêt en ${server.startupMs} ms sur ${server.address}${ui}.`);
  return {
    address: server.address,
    namespace,
    cleanup: async () => {
      // Nothing to keep: the database is in memory, so no need to wait for a graceful shutdown.
      await server.stop(1_000);
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

/**
 * A fresh database for the run. DATABASE_URL chooses the server (and the database when its name says it is
 * one for tests); without it, a MySQL 8 container when Docker answers, else the local MariaDB, and a
 * database named after this run so that concurrent runs on one server don't wipe each other's.
 */
async function prepareDatabase(): Promise<{ url: string; cleanup: Cleanup }> {
  const explicit = process.env.DATABASE_URL;
  let serverUrl = explicit ?? DEFAULT_MYSQL_SERVER;
  const cleanups: Cleanup[] = [];
  if (!explicit && (await dockerAnswers())) {
    try {
      const { MySqlContainer } = await import('@testcontainers/mysql');
      const container = await new MySqlContainer('mysql:8.4').withRootPassword('portail').start();
      serverUrl = `mysql://root:portail@${container.getHost()}:${container.getPort()}`;
      cleanups.push(async () => void (await container.stop()));
    } catch (error) {
      // No container after all (image not pullable, engine busy…): the local server still does the job.
      // testcontainers is pinned to 11: version 12 needs Node 22.
      const reason = errorMessage(error);
      console.warn(`MySQL en conteneur indisponible (${reason}) : repli sur ${DEFAULT_MYSQL_SERVER}.`);
    }
  }

  const url = new URL(serverUrl);
  const named = decodeURIComponent(url.pathname.replace(/^\//, ''));
  // Never wipe a database whose name does not say it is for tests (a developer's DATABASE_URL, say).
  const database = /test/i.test(named) ? named : explicit ? 'portail_test' : `portail_test_${process.pid}`;
  if (!/^\w+$/.test(database)) throw new Error(`Nom de base de test invalide : ${database}`);

  url.pathname = '';
  const admin = await mysql.createConnection({ uri: url.toString() }).catch((error: unknown) => {
    throw new Error(
      `MySQL/MariaDB injoignable (${url.host}) : ${errorMessage(error)}. Démarrez-le (start-stop-daemon ` +
        '--start --oknodo --background --exec /usr/sbin/mariadbd) ou définissez DATABASE_URL.',
    );
  });
  try {
    await dropRunDatabases(admin, (pid) => !isAlive(pid));
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${database}`;

  const perRun = database === `portail_test_${process.pid}`;
  return {
    url: url.toString(),
    cleanup: async () => {
      if (perRun && cleanups.length === 0) {
        url.pathname = '';
        const connection = await mysql.createConnection({ uri: url.toString() });
        try {
          await dropRunDatabases(connection, (pid) => pid === process.pid);
        } finally {
          await connection.end();
        }
      }
      for (const cleanup of cleanups) await cleanup();
    },
  };
}

/**
 * Drops `portail_test_<pid>` and the databases that suites derive from it (`portail_test_<pid>_<suite>`)
 * for the runs `matches` picks.
 */
async function dropRunDatabases(admin: mysql.Connection, matches: (pid: number) => boolean): Promise<void> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>("SHOW DATABASES LIKE 'portail\\_test\\_%'");
  for (const row of rows) {
    const name = String(Object.values(row)[0]);
    const pid = Number(/^portail_test_(\d+)(?:_\w*)?$/.exec(name)?.[1]);
    if (pid && matches(pid)) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  }
}

async function bundleWorkflows(runDir: string): Promise<Pick<TestRunInfo, 'workflowBundlePath'>> {
  const workflowsDir = path.join(__dirname, '..', '..', 'workflows');
  if (!existsSync(path.join(workflowsDir, 'index.ts'))) return {};
  // The production bundle's own function (scripts/bundle-workflows.ts): same interceptors, quiet.
  const { bundlePortalWorkflows } = await import('../../scripts/bundle-workflows');
  const code = await bundlePortalWorkflows();
  const workflowBundlePath = path.join(runDir, WORKFLOW_BUNDLE_FILE);
  await writeFile(workflowBundlePath, code);
  return { workflowBundlePath };
}

function dockerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info'], { timeout: 3_000 }, (error) => resolve(!error));
  });
}

async function removeRunDirsOfDeadProcesses(): Promise<void> {
  const entries = await readdir(ARTIFACTS_DIR).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = Number(/^run-(\d+)$/.exec(entry)?.[1]);
    if (pid && !isAlive(pid)) await rm(path.join(ARTIFACTS_DIR, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
