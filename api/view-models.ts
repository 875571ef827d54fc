// What the resident's «Compte» page and the agent's account page both show, built once.
import type { Account, HouseholdMember } from '../db/entities';
import { formatIsoDay, formatParisDateTime } from '../domain/dates';

export const STATUS_LABELS: Record<string, string> = {
  pending: 'En attente de validation',
  validated: 'Validé',
  rejected: 'Refusé',
};

export function accountDetailsView(a: Account) {
  return {
    id: a.id,
    civilite: a.civility,
    prenom: a.firstName,
    nom: a.lastName,
    identifier: a.identifier,
    dateNaissanceText: formatIsoDay(a.birthDate),
    email: a.email,
    telephone: a.phone,
    adresse: a.addressLine,
    codePostal: a.postalCode,
    ville: a.city,
    modeCommunicationLabel: a.communicationChannel === 'sms' ? 'Par SMS' : 'Par courriel',
    status: a.status,
    statusLabel: STATUS_LABELS[a.status],
    rejectionReason: a.rejectionReason,
    createdText: formatParisDateTime(a.createdAt),
    deadlineText: formatParisDateTime(a.validationDeadline),
    securityQuestion: a.securityQuestion,
  };
}

function memberDetailsView(m: HouseholdMember) {
  return {
    id: m.id,
    civilite: m.civility,
    prenom: m.firstName,
    nom: m.lastName,
    dateNaissanceText: formatIsoDay(m.birthDate),
    lien: m.relationship,
  };
}

/** The household as the FAQ shows it: adults first, then children. */
export function householdView<T extends object>(
  members: HouseholdMember[],
  extra: (m: HouseholdMember) => T = () => ({}) as T,
) {
  const view = (m: HouseholdMember) => ({ ...memberDetailsView(m), ...extra(m) });
  return {
    adults: members.filter((m) => m.kind === 'adulte').map(view),
    children: members.filter((m) => m.kind === 'enfant').map(view),
  };
}
