// The servers of this test run, for integration and browser tests (started by tests/support/global-setup.ts).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { currentRunDir, RUN_FILE, type TestRunInfo } from './test-run';

export interface TestEnv {
  /** host:port of the run's Temporal frontend. */
  temporalAddress: string;
  temporalNamespace: string;
  /** mysql://… of a database created empty for this run. */
  databaseUrl: string;
}

export function testEnv(): TestEnv {
  const info = runInfo();
  const temporalAddress = process.env.TEMPORAL_ADDRESS ?? info?.temporalAddress;
  const databaseUrl = process.env.DATABASE_URL ?? info?.databaseUrl;
  if (!temporalAddress || !databaseUrl) {
    throw new Error(
      "Environnement de test absent : tests/support/global-setup.ts n'a pas tourné. Lancez les tests " +
        'avec `npx jest --selectProjects integration` (ou browser), pas seulement le projet unit.',
    );
  }
  const temporalNamespace = process.env.TEMPORAL_NAMESPACE ?? info?.temporalNamespace ?? 'default';
  return { temporalAddress, temporalNamespace, databaseUrl };
}

let bundle: Promise<{ code: string }> | undefined;

/**
 * The workflow code bundled once for the run, for `Worker.create({ workflowBundle })`: bundling takes
 * about 1.5 s, too long to repeat in every test file. Bundles here when no run folder has one.
 */
export function getWorkflowBundle(): Promise<{ code: string }> {
  bundle ??= loadWorkflowBundle();
  return bundle;
}

async function loadWorkflowBundle(): Promise<{ code: string }> {
  const info = runInfo();
  if (info?.workflowBundlePath) return { code: await readFile(info.workflowBundlePath, 'utf8') };
  if (info?.workflowBundleError) {
    throw new Error(`Le code des workflows n'a pas pu être empaqueté : ${info.workflowBundleError}`);
  }
  const { bundlePortalWorkflows } = await import('../../scripts/bundle-workflows');
  return { code: await bundlePortalWorkflows() };
}

function runInfo(): TestRunInfo | undefined {
  const dir = currentRunDir();
  if (!dir) return undefined;
  try {
    return JSON.parse(readFileSync(path.join(dir, RUN_FILE), 'utf8')) as TestRunInfo;
  } catch {
    return undefined;
  }
}
