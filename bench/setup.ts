// The whole portal in this process for the benchmark: a Temporal dev server (in memory, headless),
// a fresh `portail_benchmark` database (migrated, demo commune seeded), the worker and the api.
// Beside it, benchmark 1's baseline: a second instance of the same api on the same database whose
// Temporal client starts nothing — same HTTP stack, session, CSRF, draft, validation and INSERTs,
// so the ratio of the two isolates what the workflow start costs.
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../config';
import { openDatabase } from '../db/data-source';
import { seedDemo } from '../db/seed';
import type { Commune } from '../db/entities';
import { createApp, type PortalApp } from '../api/app';
import { mariadbPid, type Pids } from './cpu';
import { createMailTransport } from '../notify/mailer';
import { Outbox } from '../notify/outbox';
import { createSmsProvider } from '../notify/sms';
import { clientInterceptors } from '../observability/temporal';
import { createPortalWorker } from '../worker/worker';
import { Catalogues } from '../catalogue';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '../scripts/temporal-dev-server';

// Not `portail_bench`: that is a jest base (tests make `<base>_<file>` databases from it).
export const BENCH_DATABASE = process.env.BENCH_DATABASE ?? 'portail_benchmark';

export interface BenchPortal {
  baseUrl: string;
  /** The same api whose workflow starts do nothing (benchmark 1's baseline through HTTP). */
  baselineUrl: string;
  devServer: TemporalDevServer;
  temporal: Client;
  /** This process (api, worker, load generator), the Temporal dev server and MariaDB. */
  pids: Pids;
  config: Config;
  dataSource: DataSource;
  portal: PortalApp;
  catalogue: Catalogues;
  commune: Commune;
  databaseVersion: Array<{ version: string }>;
  /** Errors the api logged (500s), counted. */
  apiErrors: { count: number; first?: unknown };
  close(): Promise<void>;
}

/** DATABASE_URL's server and credentials, always on the benchmark's own database (dropped first). */
function benchDatabaseUrl(): string {
  const url = new URL(process.env.DATABASE_URL || `mysql://root@127.0.0.1:3306/${BENCH_DATABASE}`);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

async function dropBenchDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  url.pathname = '/';
  const conn = await mysql.createConnection({ uri: url.toString() });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${BENCH_DATABASE}\``);
  } finally {
    await conn.end();
  }
}

export async function startPortal(): Promise<BenchPortal> {
  // The SDK's worker logs (state changes) would drown the table: warnings and errors only.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const devServer: TemporalDevServer = await startTemporalDevServer({ port: 0, headless: true });
  const cleanups: Array<() => Promise<void>> = [() => devServer.stop()];
  const closeAll = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error('arrêt :', err));
  };
  try {
    const databaseUrl = benchDatabaseUrl();
    await dropBenchDatabase(databaseUrl);
    const port = await freePort();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: devServer.namespace,
      TEMPORAL_TASK_QUEUE: 'portail-bench',
      CAPTCHA_TEST_MODE: 'true',
      LOG_LEVEL: 'silent',
      DOCUMENTS_DIR: '.data/bench-documents',
    });
    const dataSource = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
    cleanups.push(() => dataSource.destroy());
    const { commune } = await seedDemo(dataSource);
    const databaseVersion = (await dataSource.query('SELECT VERSION() AS version')) as Array<{ version: string }>;

    const outbox = new Outbox(dataSource, createMailTransport(config), createSmsProvider(config));
    const catalogue = Catalogues.load();
    const workerConnection = await NativeConnection.connect({ address: devServer.address });
    cleanups.push(() => workerConnection.close());
    const worker: Worker = await createPortalWorker({ config, connection: workerConnection, dataSource, outbox, catalogue });
    const workerRun = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await workerRun;
    });

    const clientConnection = await Connection.connect({ address: devServer.address });
    cleanups.push(() => clientConnection.close());
    const temporal = new Client({ connection: clientConnection, namespace: devServer.namespace, interceptors: clientInterceptors() });
    const apiErrors: BenchPortal['apiErrors'] = { count: 0 };
    const portal = createApp({
      config, dataSource, temporal, outbox, catalogue,
      log: portalLog(apiErrors),
    });
    cleanups.push(() => portal.close());
    cleanups.push(await listen(portal.app, port));

    // The baseline: a client whose workflow.start only resolves (every other call would throw).
    const noTemporal = { connection: clientConnection, workflow: { start: () => Promise.resolve(undefined) } } as unknown as Client;
    const baselinePort = await freePort();
    const baseline = createApp({ config: { ...config, port: baselinePort }, dataSource, temporal: noTemporal, outbox, catalogue, log: portalLog(apiErrors) });
    cleanups.push(() => baseline.close());
    cleanups.push(await listen(baseline.app, baselinePort));

    return {
      baseUrl: config.publicUrl,
      baselineUrl: `http://127.0.0.1:${baselinePort}`,
      devServer,
      temporal,
      pids: { bench: process.pid, temporal: devServer.process.pid, mariadb: mariadbPid() },
      config,
      dataSource,
      portal,
      catalogue,
      commune,
      databaseVersion,
      apiErrors,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function portalLog(apiErrors: BenchPortal['apiErrors']) {
  return (err: unknown) => {
    apiErrors.count += 1;
    apiErrors.first ??= err;
  };
}

/** Serves `app` on 127.0.0.1:port; returns its close. */
async function listen(app: PortalApp['app'], port: number): Promise<() => Promise<void>> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  // The load generator's keep-alive sockets sit idle while another scenario runs: no hang-ups.
  server.keepAliveTimeout = 120_000;
  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
}
