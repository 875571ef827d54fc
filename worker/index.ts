// The worker process: runs every workflow and activity of the portal, and answers /healthz,
// /readyz and /metrics on WORKER_HTTP_PORT.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { loadConfig } from '../config';
import { openDatabase } from '../db/data-source';
import { createMailTransport } from '../notify/mailer';
import { Outbox } from '../notify/outbox';
import { createSmsProvider } from '../notify/sms';
import { Catalogues } from '../catalogue';
import { databaseCheck, Health, opsHandlers, startOpsServer, temporalCheck, type ReadinessCheck } from '../observability/health';
import { createLogger, type Logger } from '../observability/logger';
import { collectProcessMetrics, registry } from '../observability/metrics';
import { installTemporalRuntime, sdkMetricsText } from '../observability/temporal';
import { registerSearchAttributes } from '../scripts/temporal-dev-server';
import { createPortalWorker } from './worker';

/**
 * The portal's search attributes on the cluster (a real one has none at first): listed first,
 * only the missing ones added, «already exists» from a replica starting at the same time ignored.
 */
async function registerPortalSearchAttributes(address: string, namespace: string, logger: Logger): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const added = await registerSearchAttributes(connection, namespace);
    if (added.length) logger.info({ namespace, added }, 'search attributes registered');
    else logger.debug({ namespace }, 'search attributes already registered');
  } finally {
    await connection.close();
  }
}

function workerCheck(worker: Worker): ReadinessCheck {
  return {
    name: 'worker',
    run: async () => {
      const state = worker.getState();
      if (state !== 'RUNNING') throw new Error(`worker ${state}`);
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, service: 'worker' });
  const address = config.temporal.address;
  if (!address) throw new Error('TEMPORAL_ADDRESS est obligatoire pour lancer le worker seul.');
  collectProcessMetrics();
  // Before any connection: the Runtime carries the SDK's logger and metrics exporter for the process.
  const runtime = await installTemporalRuntime(logger, config.worker.sdkMetricsPort);
  await registerPortalSearchAttributes(address, config.temporal.namespace, logger);

  const dataSource = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  const connection = await NativeConnection.connect({ address });
  const outbox = new Outbox(dataSource, createMailTransport(config), createSmsProvider(config));
  const workflowBundle = config.temporal.workflowBundlePath
    ? { code: readFileSync(config.temporal.workflowBundlePath, 'utf8') }
    : undefined;
  const worker = await createPortalWorker({
    config, connection, dataSource, outbox, catalogue: Catalogues.load(), workflowBundle,
    options: {
      // Activities under way get this long to finish after SIGTERM; past it they are cancelled.
      shutdownGraceTime: config.shutdownTimeoutMs,
      shutdownForceTime: config.shutdownTimeoutMs + 10_000,
    },
  });

  const health = new Health([databaseCheck(dataSource), temporalCheck(connection), workerCheck(worker)]);
  const metricsText = async () => `${await registry.metrics()}\n${await sdkMetricsText(runtime.sdkMetricsUrl)}`;
  const server = await startOpsServer({ port: config.worker.httpPort, handlers: opsHandlers(health, metricsText, logger) });
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      namespace: config.temporal.namespace,
      // The bound port: WORKER_HTTP_PORT=0 (tests) picks a free one.
      httpPort: (server.address() as AddressInfo).port,
      prebuiltBundle: Boolean(workflowBundle),
    },
    'worker started',
  );

  // The Temporal Runtime stops the worker on these signals itself: it stops polling and drains the
  // tasks under way, then run() resolves. Here /readyz turns 503 and the step is logged.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (health.isDraining) return;
      health.startDraining();
      logger.info({ signal, graceMs: config.shutdownTimeoutMs }, 'shutdown requested: draining workflow and activity tasks');
    });
  }

  let exitCode = 0;
  try {
    await worker.run();
    logger.info('shutdown: tasks drained');
  } catch (err) {
    logger.error({ err }, 'worker stopped on an error');
    exitCode = 1;
  }
  logger.info('shutdown: closing the Temporal connection, the database pool and the HTTP server');
  await connection.close();
  await dataSource.destroy();
  await closeServer(server);
  logger.info({ exitCode }, 'shutdown complete');
  process.exit(exitCode);
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A scraper's keep-alive connection would hold the server open: nothing is left to answer.
  server.closeAllConnections();
  return closed;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // The configuration may be invalid: one JSON line all the same.
    createLogger({ level: 'info', service: 'worker' }).fatal({ err }, 'worker failed to start');
    process.exit(1);
  });
}
