import { InitialAccountSchema1764300000000 } from './1764300000000-initial-account-schema';
import { DemarcheRequests1764400000000 } from './1764400000000-demarche-requests';
import { DemarcheDrafts1764500000000 } from './1764500000000-demarche-drafts';
import { CivilStatusRequests1764600000000 } from './1764600000000-civil-status-requests';
import { InvoicesPayments1764700000000 } from './1764700000000-invoices-payments';
import { SandboxPayments1764800000000 } from './1764800000000-sandbox-payments';
import { NotificationAttachments1764900000000 } from './1764900000000-notification-attachments';

// Listed explicitly (not globbed) so the same list works from ts sources and the built dist/.
export const MIGRATIONS = [InitialAccountSchema1764300000000, DemarcheRequests1764400000000, DemarcheDrafts1764500000000,
  CivilStatusRequests1764600000000, InvoicesPayments1764700000000,
  SandboxPayments1764800000000, NotificationAttachments1764900000000];
