// What globalSetup hands to the test files: a small JSON file in a folder of its own per run, so that two
// runs in the same work tree (two engineers, or a watch mode) never read each other's servers.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ARTIFACTS_DIR = path.join(__dirname, '..', '.artifacts');
export const RUN_DIR_ENV = 'PORTAIL_TEST_RUN_DIR';
export const RUN_FILE = 'test-env.json';
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

export interface TestRunInfo {
  temporalAddress: string;
  temporalNamespace: string;
  databaseUrl: string;
  /** Set when workflows/index.ts exists and bundled; `workflowBundleError` says why not otherwise. */
  workflowBundlePath?: string;
  workflowBundleError?: string;
}

export function runDirFor(pid: number): string {
  return path.join(ARTIFACTS_DIR, `run-${pid}`);
}

/**
 * The run folder: named by environment (inherited by jest workers), or found by pid: globalSetup runs in
 * the jest parent, which is this process with --runInBand and the parent of every worker otherwise.
 */
export function currentRunDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env[RUN_DIR_ENV]) return env[RUN_DIR_ENV];
  const candidates = [runDirFor(process.pid), runDirFor(process.ppid)];
  return candidates.find((dir) => existsSync(path.join(dir, RUN_FILE)));
}
