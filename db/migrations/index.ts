import { InitialAccountSchema1764300000000 } from './1764300000000-initial-account-schema';
import { DemarcheRequests1764400000000 } from './1764400000000-demarche-requests';
import { DemarcheDrafts1764500000000 } from './1764500000000-demarche-drafts';
import { CivilStatusRequests1764600000000 } from './1764600000000-civil-status-requests';

// Listed explicitly (not globbed) so the same list works from ts sources and the built dist/.
export const MIGRATIONS = [InitialAccountSchema1764300000000, DemarcheRequests1764400000000, DemarcheDrafts1764500000000,
  CivilStatusRequests1764600000000];
