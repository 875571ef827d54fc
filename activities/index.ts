import { createAccountActivities, type AccountActivityDeps } from './accounts';

export type ActivityDeps = AccountActivityDeps;

/** Every activity of the portal, built from its dependencies (so tests can pass their own). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
