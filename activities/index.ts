import { createAccountActivities } from './accounts';
import { createCivilStatusActivities, type CivilStatusActivityDeps } from './civil-status';
import { createDemarcheActivities, type DemarcheActivityDeps } from './demarches';
import { createPaymentActivities, type PaymentActivityDeps } from './payments';

export type ActivityDeps = DemarcheActivityDeps & CivilStatusActivityDeps & PaymentActivityDeps;

/** Every activity of the portal, built from its dependencies (so tests can pass their own). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
    ...createDemarcheActivities(deps),
    ...createCivilStatusActivities(deps),
    ...createPaymentActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
