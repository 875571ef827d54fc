// The worker process: runs every workflow and activity of the portal.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { openDatabase } from '../db/data-source';
import { createMailTransport } from '../notify/mailer';
import { Outbox } from '../notify/outbox';
import { createSmsProvider } from '../notify/sms';
import { Catalogues } from '../catalogue';
import { createPortalWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS est obligatoire pour lancer le worker seul.');
  const dataSource = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const outbox = new Outbox(dataSource, createMailTransport(config), createSmsProvider(config));
  const workflowBundle = config.temporal.workflowBundlePath
    ? { code: readFileSync(config.temporal.workflowBundlePath, 'utf8') }
    : undefined;
  const worker = await createPortalWorker({ config, connection, dataSource, outbox, catalogue: Catalogues.load(), workflowBundle });
  // SIGTERM/SIGINT make the SDK stop polling and drain in-flight tasks before run() resolves.
  await worker.run();
  await connection.close();
  await dataSource.destroy();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
