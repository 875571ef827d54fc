// `npm run build`'s last step: bundles the workflows ahead of time, so the production worker loads
// the file (WORKFLOW_BUNDLE_PATH) instead of running webpack at every start.
//   node dist/scripts/bundle-workflows.js dist/workflow-bundle.js
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
// The one list the worker registers too: given a prebuilt bundle, the SDK ignores the worker's
// `interceptors.workflowModules`, so the bundle must carry them (request id in workflow logs).
import { WORKFLOW_INTERCEPTOR_MODULES } from '../worker/worker';

// webpack's progress is noise in a build log; its warnings and errors are not.
const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** The workflows' code as the worker loads it, with the interceptors: the build, the tests and the bench use it. */
export async function bundlePortalWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    logger: quietLogger,
  });
  return code;
}

async function main(): Promise<void> {
  const output = process.argv[2];
  if (!output) throw new Error('Usage : node dist/scripts/bundle-workflows.js <fichier du bundle>');
  const code = await bundlePortalWorkflows();
  mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
  writeFileSync(output, code);
  const interceptorModules = WORKFLOW_INTERCEPTOR_MODULES;
  const interceptors = interceptorModules.length ? `, ${interceptorModules.length} interceptor module(s)` : '';
  console.log(`Workflow bundle: ${output} (${Math.round(code.length / 1024)} kB${interceptors})`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
