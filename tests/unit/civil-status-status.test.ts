import {
  CIVIL_STATUS_LABELS,
  CIVIL_STATUS_STATUSES,
  CivilStatusRefused,
  REFUSAL_REASONS,
  checkDecision,
  isCivilStatusStatus,
  type CivilStatusStatus,
} from '../../domain/civil-status-status';

const REASON = 'L’acte n’a pas été retrouvé dans nos registres.';

function refusalOf(fn: () => unknown): CivilStatusRefused {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CivilStatusRefused);
    return err as CivilStatusRefused;
  }
  throw new Error('expected a CivilStatusRefused, nothing was thrown');
}

describe('statuses', () => {
  it('lists the three statuses, in order', () => {
    expect([...CIVIL_STATUS_STATUSES]).toEqual(['recue', 'envoyee', 'refusee']);
  });

  it('labels every status in French, and nothing else', () => {
    expect(Object.keys(CIVIL_STATUS_LABELS).sort()).toEqual([...CIVIL_STATUS_STATUSES].sort());
    expect(CIVIL_STATUS_LABELS).toEqual({
      recue: 'Reçue, en cours de traitement',
      envoyee: 'Acte délivré et envoyé par courrier',
      refusee: 'Refusée',
    });
  });

  it.each([...CIVIL_STATUS_STATUSES])('recognises «%s»', (status) => {
    expect(isCivilStatusStatus(status)).toBe(true);
  });

  it.each(['Recue', 'reçue', 'delivree', '', null, undefined, 1])('rejects %p', (value) => {
    expect(isCivilStatusStatus(value)).toBe(false);
  });
});

describe('checkDecision', () => {
  // Every status × decision, written out: the reason returned, or the refusal met.
  type Outcome = { returns: string | null } | { refused: string };
  const ALREADY_SENT = { refused: 'Cette demande est déjà traitée (acte délivré et envoyé par courrier).' };
  const ALREADY_REFUSED = { refused: 'Cette demande est déjà traitée (refusée).' };
  const MATRIX: Array<[CivilStatusStatus, 'delivrer' | 'refuser', Outcome]> = [
    ['recue', 'delivrer', { returns: null }],
    ['recue', 'refuser', { returns: REASON }],
    ['envoyee', 'delivrer', ALREADY_SENT],
    ['envoyee', 'refuser', ALREADY_SENT],
    ['refusee', 'delivrer', ALREADY_REFUSED],
    ['refusee', 'refuser', ALREADY_REFUSED],
  ];

  it('covers every status and decision', () => {
    expect(MATRIX.map(([s, d]) => `${s}/${d}`).sort()).toEqual(
      CIVIL_STATUS_STATUSES.flatMap((s) => [`${s}/delivrer`, `${s}/refuser`]).sort(),
    );
  });

  it.each(MATRIX)('%s, %s → %j', (status, decision, outcome) => {
    const run = () => checkDecision(status, decision, REASON);
    if ('returns' in outcome) expect(run()).toBe(outcome.returns);
    else expect(refusalOf(run).message).toBe(outcome.refused);
  });

  it.each<CivilStatusStatus>(['envoyee', 'refusee'])('refuses a decision on a «%s» request even without a reason', (status) => {
    expect(refusalOf(() => checkDecision(status, 'refuser')).message).toMatch(/^Cette demande est déjà traitée/);
    expect(refusalOf(() => checkDecision(status, 'delivrer')).message).toMatch(/^Cette demande est déjà traitée/);
  });

  it('issues without a reason, and ignores one given', () => {
    expect(checkDecision('recue', 'delivrer')).toBeNull();
    expect(checkDecision('recue', 'delivrer', '')).toBeNull();
    expect(checkDecision('recue', 'delivrer', REASON)).toBeNull();
  });

  it.each<[string, string | undefined]>([
    ['no reason', undefined],
    ['an empty reason', ''],
    ['a blank reason', '  \n\t '],
  ])('refuses a refusal with %s', (_what, reason) => {
    expect(refusalOf(() => checkDecision('recue', 'refuser', reason)).message).toBe(
      'Indiquez le motif du refus : il est envoyé au demandeur.',
    );
  });

  it('refuses a reason of 1001 characters', () => {
    expect(refusalOf(() => checkDecision('recue', 'refuser', 'a'.repeat(1001))).message).toBe(
      'Le motif du refus ne doit pas dépasser 1000 caractères.',
    );
  });

  it('accepts a reason of 1000 characters, counted once trimmed', () => {
    const reason = 'é'.repeat(1000);
    expect(checkDecision('recue', 'refuser', reason)).toBe(reason);
    expect(checkDecision('recue', 'refuser', `   ${reason}\n`)).toBe(reason);
  });

  it('trims the reason', () => {
    expect(checkDecision('recue', 'refuser', `  \n${REASON}  \t`)).toBe(REASON);
  });

  it('accepts each reason an agent picks', () => {
    for (const text of Object.values(REFUSAL_REASONS)) expect(checkDecision('recue', 'refuser', text)).toBe(text);
  });

  it('is an Error named CivilStatusRefused', () => {
    const err = refusalOf(() => checkDecision('envoyee', 'delivrer'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CivilStatusRefused');
  });
});

describe('REFUSAL_REASONS', () => {
  it('has the three reasons; «autre» is typed by the agent', () => {
    expect(Object.keys(REFUSAL_REASONS)).toEqual(['non_enregistre', 'non_habilite', 'informations_insuffisantes']);
    expect(REFUSAL_REASONS).not.toHaveProperty('autre');
  });

  it.each(Object.entries(REFUSAL_REASONS))('«%s» is a French sentence', (_code, text) => {
    expect(text).toMatch(/^[A-ZÀÂÉÈÊÎÔÙÛÇ][^]*\.$/u);
    expect(text.length).toBeGreaterThan(30);
    expect(text).not.toMatch(/'/); // the typographic apostrophe, as everywhere in the portal
    expect(text).not.toMatch(/\s{2}|^\s|\s$/);
  });
});
