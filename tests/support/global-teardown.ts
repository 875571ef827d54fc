// Stops what globalSetup started, in reverse order, even if one step fails.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { takeTestRunState } from './global-setup';
import { RUN_FILE } from './test-run';

export default async function globalTeardown(): Promise<void> {
  const state = takeTestRunState();
  if (!state) return;
  const failures: unknown[] = [];
  for (const cleanup of [...state.cleanups].reverse()) {
    await cleanup().catch((error: unknown) => failures.push(error));
  }
  for (const [name, value] of Object.entries(state.envBefore ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  // The folder's logs stay until the next run; the address file goes, as nothing answers there any more.
  await rm(path.join(state.runDir, RUN_FILE), { force: true });
  if (failures.length > 0) {
    throw new AggregateError(failures, `Nettoyage incomplet après les tests (${failures.length} erreur(s))`);
  }
}
