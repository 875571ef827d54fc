// The api process: portal pages, back office and JSON API.
import 'reflect-metadata';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../config';
import { openDatabase } from '../db/data-source';
import { createMailTransport } from '../notify/mailer';
import { Outbox } from '../notify/outbox';
import { createSmsProvider } from '../notify/sms';
import { createApp } from './app';
import type { DataSource } from 'typeorm';

export async function startApi(config: Config, dataSource: DataSource, temporalAddress: string): Promise<{ server: Server; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const outbox = new Outbox(dataSource, createMailTransport(config), createSmsProvider(config));
  const portal = createApp({ config, dataSource, temporal, outbox });
  const server = await new Promise<Server>((resolve) => {
    const s = portal.app.listen(config.port, () => resolve(s));
  });
  return {
    server,
    async close() {
      // Stop accepting, let in-flight requests finish, then release the pools.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await portal.close();
      await connection.close();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.temporal.address) throw new Error("TEMPORAL_ADDRESS est obligatoire pour lancer l'api seule.");
  const dataSource = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  const api = await startApi(config, dataSource, config.temporal.address);
  console.log(`Portail citoyen : http://localhost:${config.port}`);
  const stop = async () => {
    await api.close();
    await dataSource.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
