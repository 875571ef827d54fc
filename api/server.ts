// The api process: portal pages, back office and JSON API.
import 'reflect-metadata';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../config';
import { openDatabase } from '../db/data-source';
import { createMailTransport } from '../notify/mailer';
import { Outbox } from '../notify/outbox';
import { createSmsProvider } from '../notify/sms';
import { createLogger, type Logger } from '../observability/logger';
import { collectProcessMetrics } from '../observability/metrics';
import { clientInterceptors } from '../observability/temporal';
import { createApp } from './app';
import type { DataSource } from 'typeorm';

export interface StartApiOptions {
  /** Defaults to a pino logger at config.logLevel on stdout. */
  logger?: Logger;
}

export async function startApi(
  config: Config,
  dataSource: DataSource,
  temporalAddress: string,
  options: StartApiOptions = {},
): Promise<{ server: Server; close(): Promise<void> }> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, service: 'api' });
  const connection = await Connection.connect({ address: temporalAddress });
  // The interceptors put the request id of the HTTP request in the headers of each workflow call.
  const temporal = new Client({ connection, namespace: config.temporal.namespace, interceptors: clientInterceptors() });
  const outbox = new Outbox(dataSource, createMailTransport(config), createSmsProvider(config));
  const portal = createApp({ config, dataSource, temporal, outbox, logger });
  const server = await new Promise<Server>((resolve) => {
    const s = portal.app.listen(config.port, () => resolve(s));
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    close() {
      closing ??= (async () => {
        // /readyz answers 503 from now on, on the connections still open.
        portal.health.startDraining();
        logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown: no new connections, finishing in-flight requests');
        await drain(server, config.shutdownTimeoutMs, logger);
        logger.info('shutdown: requests finished, closing sessions, pools and the Temporal connection');
        await portal.close();
        await connection.close();
      })();
      return closing;
    },
  };
}

/**
 * Stops accepting connections and waits for the requests under way; keep-alive connections are
 * closed as soon as they are idle. Past the timeout, the remaining connections are cut.
 */
async function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A connection that finishes its request becomes idle: close it then, rather than wait for its keep-alive timeout.
  const idle = setInterval(() => server.closeIdleConnections(), 250);
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    if ((await Promise.race([closed, forced])) === 'timeout') {
      logger.warn({ timeoutMs }, 'shutdown: requests still running after the timeout, closing their connections');
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(idle);
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, service: 'api' });
  if (!config.temporal.address) throw new Error("TEMPORAL_ADDRESS est obligatoire pour lancer l'api seule.");
  collectProcessMetrics();
  const dataSource = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  const api = await startApi(config, dataSource, config.temporal.address, { logger });
  logger.info({ port: config.port }, `Portail citoyen : http://localhost:${config.port}`);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutdown requested');
    try {
      await api.close();
      await dataSource.destroy();
      logger.info('shutdown complete');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  // Not `once`: a second signal while draining must not kill the process with default handling.
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // The logger may not exist yet (invalid configuration): one JSON line all the same.
    createLogger({ level: 'info', service: 'api' }).fatal({ err }, 'api failed to start');
    process.exit(1);
  });
}
