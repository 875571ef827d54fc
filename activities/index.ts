import { createAccountActivities } from './accounts';
import { createCivilStatusActivities, type CivilStatusActivityDeps } from './civil-status';
import { createDemarcheActivities, type DemarcheActivityDeps } from './demarches';

export type ActivityDeps = DemarcheActivityDeps & CivilStatusActivityDeps;

/** Every activity of the portal, built from its dependencies (so tests can pass their own). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
    ...createDemarcheActivities(deps),
    ...createCivilStatusActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
