// The life of a submitted démarche, in one table. Events are verbs, as in Démarches Simplifiées'
// dossier.rb; each has a guard (the statuses it may start from) and, for agents' decisions, the
// text it needs. Automatic events (`completer`, `classer_sans_suite`, `relancer`) are separate from
// the agent's own (`marquer_complet`), so the history shows who decided.
//
// Pure TypeScript, no import at all: the Temporal workflow applies this table in its Update
// validators (refusal shown at once in the back office) and the API uses it to offer the buttons.

export const DEMARCHE_STATUSES = [
  'en_cours',
  'en_attente_de_pieces',
  'complet',
  'valide',
  'refuse',
  'classe_sans_suite',
  'annule',
] as const;

export type DemarcheStatus = (typeof DEMARCHE_STATUSES)[number];

/** What the resident and the agent read («en cours, complet, validé…» in the FAQ). */
export const STATUS_LABELS: Readonly<Record<DemarcheStatus, string>> = {
  en_cours: 'En cours',
  en_attente_de_pieces: 'En attente de pièces',
  complet: 'Complet',
  valide: 'Validé',
  refuse: 'Refusé',
  classe_sans_suite: 'Classé sans suite',
  annule: 'Annulée',
};

/** A decision was taken or the request was dropped: nothing can happen to it any more. */
export const FINAL_STATUSES: readonly DemarcheStatus[] = ['valide', 'refuse', 'classe_sans_suite', 'annule'];

export function isDemarcheStatus(x: unknown): x is DemarcheStatus {
  return typeof x === 'string' && (DEMARCHE_STATUSES as readonly string[]).includes(x);
}

export function isFinal(status: DemarcheStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export type DemarcheActor = 'agent' | 'resident' | 'system';

export interface Transition {
  /** The guard: the statuses this event may be applied in. */
  from: readonly DemarcheStatus[];
  /** 'same': the event is recorded in the history but leaves the status as it is. */
  to: DemarcheStatus | 'same';
  /** Who fires it; 'system' is the workflow itself (timers, every document present). */
  actor: DemarcheActor;
  /** The text without which the event is refused: a refusal's reason, a message to the resident. */
  requires?: 'reason' | 'message';
}

const OPEN: readonly DemarcheStatus[] = ['en_cours', 'en_attente_de_pieces', 'complet'];
const AWAITING_DECISION_OR_DOCUMENTS: readonly DemarcheStatus[] = ['en_cours', 'en_attente_de_pieces'];

const TABLE = {
  /** The agent asks for documents or information; the resident is told what, by this message. */
  demander_pieces: { from: OPEN, to: 'en_attente_de_pieces', actor: 'agent', requires: 'message' },
  /** A paper document reached the mairie; whether the request is now complete is `completer`'s job. */
  recevoir_piece_papier: { from: AWAITING_DECISION_OR_DOCUMENTS, to: 'same', actor: 'agent' },
  /** The resident uploads documents; as above, completeness is decided separately. */
  fournir_pieces: { from: AWAITING_DECISION_OR_DOCUMENTS, to: 'same', actor: 'resident' },
  /** The resident answers a request for information: back in the agents' queue. */
  repondre: { from: ['en_attente_de_pieces'], to: 'en_cours', actor: 'resident', requires: 'message' },
  /** Every required document is present. */
  completer: { from: AWAITING_DECISION_OR_DOCUMENTS, to: 'complet', actor: 'system' },
  /** The agent judges the request complete (e.g. a document accepted in another form). */
  marquer_complet: { from: AWAITING_DECISION_OR_DOCUMENTS, to: 'complet', actor: 'agent' },
  valider: { from: ['complet'], to: 'valide', actor: 'agent' },
  refuser: { from: OPEN, to: 'refuse', actor: 'agent', requires: 'reason' },
  /** Before a decision only (FAQ): once validated or refused, the resident cannot withdraw. */
  annuler: { from: OPEN, to: 'annule', actor: 'resident' },
  /** Nothing came after the reminder period. */
  classer_sans_suite: { from: ['en_attente_de_pieces'], to: 'classe_sans_suite', actor: 'system' },
  /** The reminder sent while documents are awaited; recorded so the history shows it went out. */
  relancer: { from: ['en_attente_de_pieces'], to: 'same', actor: 'system' },
} satisfies Record<string, Transition>;

export type DemarcheEvent = keyof typeof TABLE;

/** The one transition table. Every per-event table below is a Record, so a new event must be given all. */
export const TRANSITIONS: Readonly<Record<DemarcheEvent, Transition>> = TABLE;

/** Every event, in the table's order (the order of the back office buttons). */
export const DEMARCHE_EVENTS = Object.keys(TRANSITIONS) as DemarcheEvent[];

/** How each event reads in a request's history and on the back office buttons. */
export const EVENT_LABELS: Readonly<Record<DemarcheEvent, string>> = {
  demander_pieces: 'Demander des pièces ou des informations',
  recevoir_piece_papier: 'Enregistrer une pièce reçue par courrier',
  fournir_pieces: 'Pièces fournies par le demandeur',
  repondre: 'Réponse du demandeur',
  completer: 'Dossier complet : toutes les pièces obligatoires sont présentes',
  marquer_complet: 'Marquer le dossier comme complet',
  valider: 'Valider la demande',
  refuser: 'Refuser la demande',
  annuler: 'Annuler la demande',
  classer_sans_suite: 'Classement sans suite',
  relancer: 'Relance du demandeur',
};

/** The history column and the mail both hold the text: 1 000 characters, like request_history.reason. */
export const MAX_TEXT_LENGTH = 1000;

export type RefusalKind = 'closed' | 'wrong_status' | 'text_missing' | 'text_too_long' | 'unknown_event';

/**
 * An event the table does not allow now. Its message is meant for the person who tried: the back
 * office or the portal shows it as is. `name` survives Temporal's failure conversion (it becomes the
 * ApplicationFailure's type), so the API can tell this refusal from a crash.
 */
export class TransitionRefused extends Error {
  constructor(
    message: string,
    readonly kind: RefusalKind,
    readonly event: string,
    readonly status: string,
  ) {
    super(message);
    this.name = 'TransitionRefused';
  }
}

const CLOSED = "Cette demande est déjà close : aucune action n'est possible.";

/**
 * One message per refusal an agent or a resident can meet. Events whose guard covers every open
 * status have no `wrongStatus`: on an open request they are refused only for a missing text.
 */
const REFUSALS: Readonly<Record<DemarcheEvent, { wrongStatus?: string; closed?: string; text?: string }>> = {
  demander_pieces: { text: 'Le message indiquant au demandeur les pièces ou informations attendues' },
  recevoir_piece_papier: {
    wrongStatus: "Cette demande est déjà complète : il n'y a plus de pièce à enregistrer.",
  },
  fournir_pieces: {
    wrongStatus: "Votre demande est déjà complète : aucune pièce supplémentaire n'est attendue.",
  },
  repondre: {
    wrongStatus: "La mairie n'attend pas de réponse de votre part sur cette demande.",
    text: 'Votre réponse',
  },
  completer: { wrongStatus: 'Cette demande est déjà complète.' },
  marquer_complet: { wrongStatus: 'Cette demande est déjà complète.' },
  valider: { wrongStatus: "Cette demande ne peut pas être validée tant qu'elle n'est pas complète." },
  refuser: { text: 'Le motif du refus' },
  annuler: {
    closed: 'Cette demande est déjà close : elle ne peut plus être annulée.',
  },
  classer_sans_suite: {
    wrongStatus: "Seule une demande en attente de pièces peut être classée sans suite.",
  },
  relancer: { wrongStatus: "Seule une demande en attente de pièces donne lieu à une relance." },
};

function transitionOf(event: DemarcheEvent): Transition | undefined {
  // Events may arrive as JSON from the API: an unknown name is refused, not a crash on `undefined`.
  return Object.prototype.hasOwnProperty.call(TRANSITIONS, event) ? TRANSITIONS[event] : undefined;
}

function refusal(status: DemarcheStatus, event: DemarcheEvent): TransitionRefused | null {
  const transition = transitionOf(event);
  if (!transition) {
    return new TransitionRefused(`Action inconnue : « ${String(event)} ».`, 'unknown_event', event, status);
  }
  if (!isDemarcheStatus(status)) {
    throw new Error(`Statut de demande inconnu : « ${String(status)} ».`);
  }
  if (isFinal(status)) {
    return new TransitionRefused(REFUSALS[event].closed ?? CLOSED, 'closed', event, status);
  }
  if (!transition.from.includes(status)) {
    const fallback = `Action impossible sur une demande « ${STATUS_LABELS[status]} ».`;
    const message = REFUSALS[event].wrongStatus ?? fallback;
    return new TransitionRefused(message, 'wrong_status', event, status);
  }
  return null;
}

/** Whether the table allows `event` now, leaving aside the text it may require. */
export function canApply(status: DemarcheStatus, event: DemarcheEvent): boolean {
  return refusal(status, event) === null;
}

/**
 * The status after `event`, or a TransitionRefused saying why not. Status is checked before the
 * text: an agent who typed a reason on a closed request needs to hear that it is closed.
 */
export function applyEvent(
  status: DemarcheStatus,
  event: DemarcheEvent,
  input: { reason?: string; message?: string } = {},
): DemarcheStatus {
  const refused = refusal(status, event);
  if (refused) throw refused;
  const transition = TRANSITIONS[event];
  if (transition.requires) {
    const label = REFUSALS[event].text ?? (transition.requires === 'reason' ? 'Le motif' : 'Le message');
    // Update arguments come as JSON: anything but a string counts as no text at all.
    const given: unknown = input?.[transition.requires];
    const text = typeof given === 'string' ? given.trim() : '';
    if (text === '') throw new TransitionRefused(`${label} est obligatoire.`, 'text_missing', event, status);
    if ([...text].length > MAX_TEXT_LENGTH) {
      throw new TransitionRefused(
        `${label} ne doit pas dépasser ${MAX_TEXT_LENGTH} caractères.`,
        'text_too_long',
        event,
        status,
      );
    }
  }
  return transition.to === 'same' ? status : transition.to;
}

/** The events `actor` may fire on a request in `status`: the buttons the back office shows. */
export function eventsAvailableTo(actor: DemarcheActor, status: DemarcheStatus): DemarcheEvent[] {
  return DEMARCHE_EVENTS.filter((event) => TRANSITIONS[event].actor === actor && canApply(status, event));
}
