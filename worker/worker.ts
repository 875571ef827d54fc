import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../activities';
import { createPaymentProviders } from '../payments';
import type { Config } from '../config';
import type { Outbox } from '../notify/outbox';
import type { CatalogueLookup } from '../activities/demarches';

export interface PortalWorkerDeps {
  config: Config;
  connection: NativeConnection;
  dataSource: DataSource;
  outbox: Outbox;
  catalogue: CatalogueLookup;
  /** A bundle built ahead of time (production, tests); otherwise the workflows are bundled at start. */
  workflowBundle?: { code: string };
  options?: Partial<WorkerOptions>;
}

export async function createPortalWorker(deps: PortalWorkerDeps): Promise<Worker> {
  const { config } = deps;
  return Worker.create({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      dataSource: deps.dataSource,
      outbox: deps.outbox,
      publicUrl: config.publicUrl,
      linkSecret: config.sessionSecret,
      providers: createPaymentProviders({
        dataSource: deps.dataSource,
        publicUrl: config.publicUrl,
        sandboxEnabled: config.payments.sandbox,
        payfip: config.payments.payfip,
      }),
      catalogue: deps.catalogue,
    }),
    ...(deps.workflowBundle
      ? { workflowBundle: deps.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    ...deps.options,
  });
}
