import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../activities';
import { createPaymentProviders } from '../payments';
import type { Config } from '../config';
import type { Outbox } from '../notify/outbox';
import type { CatalogueLookup } from '../activities/demarches';
import { processEndSinks, requestIdActivityInterceptor, WORKFLOW_INTERCEPTOR_MODULE } from '../observability/temporal';

/**
 * The workflow interceptor modules (request id into activities and workflow logs). The SDK only
 * uses them when it bundles the workflows itself: a bundle built ahead of time must be built
 * with them (`bundleWorkflowCode({ workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES })`).
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [WORKFLOW_INTERCEPTOR_MODULE];

/** Open workflows kept in the worker's memory between their tasks (npm run bench, benchmark 2). */
export const MAX_CACHED_WORKFLOWS = 1000;

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
    // portail_workflows_ended_total: each workflow reports its end through this sink.
    sinks: processEndSinks,
    // The sticky cache holds each open workflow's state (about 0.25 MiB of RSS apiece); the SDK's
    // default grows with the heap limit (2,310 on a 4 GiB heap), so the worker's memory depended on
    // the host. A workflow out of the cache is replayed from its short history at its next task.
    maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
    ...deps.options,
    interceptors: {
      ...deps.options?.interceptors,
      activity: [requestIdActivityInterceptor, ...(deps.options?.interceptors?.activity ?? [])],
      // A bundle built ahead of time carries them (the SDK would ignore these and warn).
      ...(deps.workflowBundle ? {} : { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...(deps.options?.interceptors?.workflowModules ?? [])] }),
    },
  });
}
