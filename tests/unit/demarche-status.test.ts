import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEMARCHE_EVENTS,
  DEMARCHE_STATUSES,
  EVENT_LABELS,
  FINAL_STATUSES,
  MAX_TEXT_LENGTH,
  STATUS_LABELS,
  TRANSITIONS,
  TransitionRefused,
  applyEvent,
  canApply,
  eventsAvailableTo,
  isDemarcheStatus,
  isFinal,
  type DemarcheEvent,
  type DemarcheStatus,
} from '../../domain/demarche-status';

// The whole matrix, written out by hand: a status reached, or the refusal met. Adding an event or a
// status to the table without a row here fails the first test.
type Outcome = DemarcheStatus | 'CLOSED' | 'REFUSED';
const C = 'CLOSED';
const R = 'REFUSED';
const [EC, EA, CO] = ['en_cours', 'en_attente_de_pieces', 'complet'] as const;
// Columns:                       en_cours  en_attente  complet  valide  refuse  classé  annulée
const EXPECTED: Record<DemarcheEvent, [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]> = {
  demander_pieces: /*       */ [EA, EA, EA, C, C, C, C],
  recevoir_piece_papier: /* */ [EC, EA, R, C, C, C, C],
  fournir_pieces: /*        */ [EC, EA, R, C, C, C, C],
  repondre: /*              */ [R, EC, R, C, C, C, C],
  completer: /*             */ [CO, CO, R, C, C, C, C],
  marquer_complet: /*       */ [CO, CO, R, C, C, C, C],
  valider: /*               */ [R, R, 'valide', C, C, C, C],
  refuser: /*               */ ['refuse', 'refuse', 'refuse', C, C, C, C],
  annuler: /*               */ ['annule', 'annule', 'annule', C, C, C, C],
  classer_sans_suite: /*    */ [R, 'classe_sans_suite', R, C, C, C, C],
  relancer: /*              */ [R, EA, R, C, C, C, C],
};
const STATUS_ORDER: DemarcheStatus[] = [
  'en_cours',
  'en_attente_de_pieces',
  'complet',
  'valide',
  'refuse',
  'classe_sans_suite',
  'annule',
];

const EXPECTED_ACTORS: Record<DemarcheEvent, 'agent' | 'resident' | 'system'> = {
  demander_pieces: 'agent',
  recevoir_piece_papier: 'agent',
  fournir_pieces: 'resident',
  repondre: 'resident',
  completer: 'system',
  marquer_complet: 'agent',
  valider: 'agent',
  refuser: 'agent',
  annuler: 'resident',
  classer_sans_suite: 'system',
  relancer: 'system',
};

// Whatever an event requires, given so that the matrix tests only the status guard.
const TEXT = { reason: 'Dossier incomplet depuis trois mois.', message: 'Merci de joindre un justificatif.' };

function refusalOf(fn: () => unknown): TransitionRefused {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TransitionRefused);
    return err as TransitionRefused;
  }
  throw new Error('expected a TransitionRefused, nothing was thrown');
}

describe('statuses', () => {
  it('lists the seven statuses of the design, in order', () => {
    expect([...DEMARCHE_STATUSES]).toEqual(STATUS_ORDER);
  });

  it('labels each status in French as the resident reads it', () => {
    expect(STATUS_LABELS).toEqual({
      en_cours: 'En cours',
      en_attente_de_pieces: 'En attente de pièces',
      complet: 'Complet',
      valide: 'Validé',
      refuse: 'Refusé',
      classe_sans_suite: 'Classé sans suite',
      annule: 'Annulée',
    });
  });

  it('knows which statuses are final', () => {
    expect([...FINAL_STATUSES].sort()).toEqual(['annule', 'classe_sans_suite', 'refuse', 'valide']);
    expect(STATUS_ORDER.filter(isFinal)).toEqual(['valide', 'refuse', 'classe_sans_suite', 'annule']);
  });

  it('recognises a status read from the database', () => {
    expect(isDemarcheStatus('complet')).toBe(true);
    expect(isDemarcheStatus('termine')).toBe(false);
    expect(isDemarcheStatus(undefined)).toBe(false);
  });
});

describe('the transition table', () => {
  it('has exactly the events of the expected matrix', () => {
    expect([...DEMARCHE_EVENTS].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(TRANSITIONS).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(EVENT_LABELS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED_ACTORS))('%s is fired by the %s', (event, actor) => {
    expect(TRANSITIONS[event as DemarcheEvent].actor).toBe(actor);
  });

  it('requires a reason to refuse and a message to ask for documents or to answer, nothing else', () => {
    const requiring = Object.fromEntries(
      DEMARCHE_EVENTS.filter((e) => TRANSITIONS[e].requires).map((e) => [e, TRANSITIONS[e].requires]),
    );
    expect(requiring).toEqual({ demander_pieces: 'message', repondre: 'message', refuser: 'reason' });
  });

  const cells = DEMARCHE_EVENTS.flatMap((event) =>
    STATUS_ORDER.map((status, i) => [event, status, EXPECTED[event][i]] as const),
  );
  it('covers every (status, event) pair', () => {
    expect(cells).toHaveLength(DEMARCHE_EVENTS.length * DEMARCHE_STATUSES.length);
  });

  it.each(cells)('%s from %s → %s', (event, status, outcome) => {
    if (outcome === C || outcome === R) {
      expect(canApply(status, event)).toBe(false);
      const refused = refusalOf(() => applyEvent(status, event, TEXT));
      expect(refused.kind).toBe(outcome === C ? 'closed' : 'wrong_status');
      expect(refused.event).toBe(event);
      expect(refused.status).toBe(status);
      expect(refused.name).toBe('TransitionRefused');
      expect(refused.message).toMatch(/^[A-ZÀ-Ý].*[.!]$/);
    } else {
      expect(canApply(status, event)).toBe(true);
      expect(applyEvent(status, event, TEXT)).toBe(outcome);
    }
  });
});

describe('refusal messages, in French', () => {
  it('tells that a closed request accepts nothing', () => {
    for (const status of FINAL_STATUSES) {
      for (const event of DEMARCHE_EVENTS.filter((e) => e !== 'annuler')) {
        expect(refusalOf(() => applyEvent(status, event, TEXT)).message).toBe(
          "Cette demande est déjà close : aucune action n'est possible.",
        );
      }
      expect(refusalOf(() => applyEvent(status, 'annuler')).message).toBe(
        'Cette demande est déjà close : elle ne peut plus être annulée.',
      );
    }
  });

  it.each<[DemarcheEvent, DemarcheStatus, string]>([
    ['valider', EC, "Cette demande ne peut pas être validée tant qu'elle n'est pas complète."],
    ['valider', EA, "Cette demande ne peut pas être validée tant qu'elle n'est pas complète."],
    ['recevoir_piece_papier', CO, "Cette demande est déjà complète : il n'y a plus de pièce à enregistrer."],
    ['fournir_pieces', CO, "Votre demande est déjà complète : aucune pièce supplémentaire n'est attendue."],
    ['repondre', 'en_cours', "La mairie n'attend pas de réponse de votre part sur cette demande."],
    ['repondre', 'complet', "La mairie n'attend pas de réponse de votre part sur cette demande."],
    ['marquer_complet', 'complet', 'Cette demande est déjà complète.'],
    ['completer', 'complet', 'Cette demande est déjà complète.'],
    ['classer_sans_suite', EC, 'Seule une demande en attente de pièces peut être classée sans suite.'],
    ['relancer', 'complet', 'Seule une demande en attente de pièces donne lieu à une relance.'],
  ])('%s on a request «%s»: %s', (event, status, message) => {
    expect(refusalOf(() => applyEvent(status, event, TEXT)).message).toBe(message);
  });

  it('refuses an event name it does not know, as a refusal rather than a crash', () => {
    const refused = refusalOf(() => applyEvent('en_cours', 'accepter' as DemarcheEvent));
    expect(refused.kind).toBe('unknown_event');
    expect(refused.message).toBe('Action inconnue : « accepter ».');
    expect(refusalOf(() => applyEvent('en_cours', 'toString' as DemarcheEvent)).kind).toBe('unknown_event');
    expect(canApply('en_cours', 'accepter' as DemarcheEvent)).toBe(false);
  });

  it('does not take an unknown status for an open one', () => {
    expect(() => applyEvent('brouillon' as DemarcheStatus, 'valider')).toThrow('Statut de demande inconnu');
  });
});

describe('required texts', () => {
  it.each([
    ['refuser', 'complet', 'reason', 'Le motif du refus est obligatoire.'],
    [
      'demander_pieces',
      'en_cours',
      'message',
      'Le message indiquant au demandeur les pièces ou informations attendues est obligatoire.',
    ],
    ['repondre', 'en_attente_de_pieces', 'message', 'Votre réponse est obligatoire.'],
  ] as const)('%s on «%s» without its %s is refused', (event, status, field, message) => {
    for (const input of [undefined, {}, { [field]: '' }, { [field]: '   \n\t ' }, { [field]: '\u00a0' }]) {
      const refused = refusalOf(() => applyEvent(status, event, input));
      expect(refused.kind).toBe('text_missing');
      expect(refused.message).toBe(message);
    }
    // The other text does not stand in for the one required.
    const other = field === 'reason' ? { message: 'un message' } : { reason: 'un motif' };
    expect(refusalOf(() => applyEvent(status, event, other)).kind).toBe('text_missing');
    expect(applyEvent(status, event, { [field]: '  Motif valable  ' })).toBe(TRANSITIONS[event].to);
  });

  it(`accepts a text up to ${MAX_TEXT_LENGTH} characters, trimmed, and refuses a longer one`, () => {
    const exact = 'é'.repeat(MAX_TEXT_LENGTH);
    expect(applyEvent('complet', 'refuser', { reason: `  ${exact}  ` })).toBe('refuse');
    const refused = refusalOf(() => applyEvent('complet', 'refuser', { reason: `${exact}x` }));
    expect(refused.kind).toBe('text_too_long');
    expect(refused.message).toBe('Le motif du refus ne doit pas dépasser 1000 caractères.');
  });

  it('takes a text that is not a string, or no input at all, for a missing text', () => {
    for (const input of [null, { reason: 42 }, { reason: ['motif'] }, { reason: null }]) {
      const refused = refusalOf(() => applyEvent('complet', 'refuser', input as unknown as { reason?: string }));
      expect(refused.kind).toBe('text_missing');
    }
  });

  it('checks the status before the text: a closed request says so even without a reason', () => {
    expect(refusalOf(() => applyEvent('valide', 'refuser', {})).kind).toBe('closed');
  });

  it('ignores texts an event does not need', () => {
    expect(applyEvent('complet', 'valider')).toBe('valide');
    expect(applyEvent('complet', 'valider', { reason: '' })).toBe('valide');
    expect(applyEvent('en_cours', 'recevoir_piece_papier', { message: 'justificatif-domicile' })).toBe(
      'en_cours',
    );
  });
});

describe('eventsAvailableTo', () => {
  it.each<['agent' | 'resident' | 'system', DemarcheStatus, DemarcheEvent[]]>([
    ['agent', 'en_cours', ['demander_pieces', 'recevoir_piece_papier', 'marquer_complet', 'refuser']],
    ['agent', EA, ['demander_pieces', 'recevoir_piece_papier', 'marquer_complet', 'refuser']],
    ['agent', 'complet', ['demander_pieces', 'valider', 'refuser']],
    ['resident', 'en_cours', ['fournir_pieces', 'annuler']],
    ['resident', 'en_attente_de_pieces', ['fournir_pieces', 'repondre', 'annuler']],
    ['resident', 'complet', ['annuler']],
    ['system', 'en_cours', ['completer']],
    ['system', 'en_attente_de_pieces', ['completer', 'classer_sans_suite', 'relancer']],
    ['system', 'complet', []],
  ])('%s on «%s»: %j', (actor, status, events) => {
    expect(eventsAvailableTo(actor, status)).toEqual(events);
  });

  it('offers nothing to anyone on a closed request', () => {
    for (const status of FINAL_STATUSES) {
      for (const actor of ['agent', 'resident', 'system'] as const) {
        expect(eventsAvailableTo(actor, status)).toEqual([]);
      }
    }
  });
});

describe('workflow-safe modules', () => {
  it.each(['demarche-status.ts', 'request-number.ts'])(
    'domain/%s imports nothing, so Temporal workflow code can use it',
    (file) => {
      const source = readFileSync(path.join(__dirname, '../../domain', file), 'utf8');
      expect(source).not.toMatch(/^\s*import\s|\brequire\s*\(|\bimport\s*\(/m);
    },
  );
});
