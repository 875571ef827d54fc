// The life of a civil-status request: received, then issued and posted, or refused with a reason.
// Pure, without imports: the workflow applies the same rule as the back office.

export const CIVIL_STATUS_STATUSES = ['recue', 'envoyee', 'refusee'] as const;
export type CivilStatusStatus = (typeof CIVIL_STATUS_STATUSES)[number];

export const CIVIL_STATUS_LABELS: Record<CivilStatusStatus, string> = {
  recue: 'Reçue, en cours de traitement',
  envoyee: 'Acte délivré et envoyé par courrier',
  refusee: 'Refusée',
};

export function isCivilStatusStatus(value: unknown): value is CivilStatusStatus {
  return typeof value === 'string' && (CIVIL_STATUS_STATUSES as readonly string[]).includes(value);
}

/** The reasons an agent refuses for; «autre» needs its own words. */
export const REFUSAL_REASONS = {
  non_enregistre: 'L’événement n’est pas enregistré dans les registres de cette commune.',
  non_habilite: 'Vous n’avez pas qualité pour obtenir ce type de copie de cet acte.',
  informations_insuffisantes: 'Les informations fournies ne permettent pas de retrouver l’acte.',
} as const;
export type RefusalReasonCode = keyof typeof REFUSAL_REASONS | 'autre';

/** The longest refusal reason (the column holds 1000 characters). */
export const REFUSAL_MAX_LENGTH = 1000;

export class CivilStatusRefused extends Error {
  override name = 'CivilStatusRefused';
}

/** The one decision rule: a received request is issued, or refused with a reason. Returns the reason. */
export function checkDecision(status: CivilStatusStatus, decision: 'delivrer' | 'refuser', reason?: string): string | null {
  if (status !== 'recue') {
    throw new CivilStatusRefused(`Cette demande est déjà traitée (${CIVIL_STATUS_LABELS[status].toLowerCase()}).`);
  }
  if (decision === 'delivrer') return null;
  const trimmed = (reason ?? '').trim();
  if (!trimmed) throw new CivilStatusRefused('Indiquez le motif du refus : il est envoyé au demandeur.');
  if (trimmed.length > REFUSAL_MAX_LENGTH) {
    throw new CivilStatusRefused(`Le motif du refus ne doit pas dépasser ${REFUSAL_MAX_LENGTH} caractères.`);
  }
  return trimmed;
}
