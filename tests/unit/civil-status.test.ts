import {
  ACT_KINDS,
  COPIES_BY_ACT,
  COPY_KINDS,
  DEFAULT_COUNTRY,
  MAX_COPIES,
  OPEN_AFTER_YEARS,
  RELATIONS,
  addressLines,
  checkCivilStatusRequest,
  civilStatusForm,
  describeAct,
  isActKind,
  isEntitled,
  isFrance,
  isOpenToAnyone,
  isRestricted,
  needsParents,
  relationLabel,
  relationsFor,
  type ActKind,
  type CivilStatusCheck,
  type CivilStatusDetails,
  type CopyKind,
  type Relation,
} from '../../domain/civil-status';

// 28 November 2026, 11:00 in Paris (CET, UTC+1): «today» of every test below unless it says otherwise.
const NOW = new Date('2026-11-28T10:00:00Z');
// 28 November 2026, 23:30 UTC: already 29 November (00:30) on the Paris calendar.
const LATE_NOW = new Date('2026-11-28T23:30:00Z');
const TODAY = '2026-11-28';
// An act ten years old: far from the 75 years after which anyone may obtain it.
const RECENT = '2016-11-28';
// An act older than 75 years: open to anyone.
const OLD = '1950-06-01';

// ---------------------------------------------------------------------------------------------------
// The entitlement rule

// The expected answer of each row, written by hand from the décret n° 2017-890 (art. 30 et 31), NOT
// computed by the rule under test. A = allowed, D = denied, for an act ten years old.
type Verdict = 'A' | 'D';
// Columns:                              titulaire conjoint ascendant descendant repr.légal autre
const RECENT_ACT: Record<ActKind, Partial<Record<CopyKind, [Verdict, Verdict, Verdict, Verdict, Verdict, Verdict]>>> = {
  naissance: {
    copie_integrale: /*        */ ['A', 'A', 'A', 'A', 'A', 'D'],
    extrait_avec_filiation: /* */ ['A', 'A', 'A', 'A', 'A', 'D'],
    extrait_sans_filiation: /* */ ['A', 'A', 'A', 'A', 'A', 'A'],
    extrait_plurilingue: /*    */ ['A', 'A', 'A', 'A', 'A', 'D'],
  },
  mariage: {
    copie_integrale: /*        */ ['A', 'A', 'A', 'A', 'A', 'D'],
    extrait_avec_filiation: /* */ ['A', 'A', 'A', 'A', 'A', 'D'],
    extrait_sans_filiation: /* */ ['A', 'A', 'A', 'A', 'A', 'A'],
    extrait_plurilingue: /*    */ ['A', 'A', 'A', 'A', 'A', 'D'],
  },
  deces: {
    copie_integrale: /*        */ ['A', 'A', 'A', 'A', 'A', 'A'],
    extrait_plurilingue: /*    */ ['A', 'A', 'A', 'A', 'A', 'A'],
  },
};
const RELATION_ORDER: Relation[] = ['titulaire', 'conjoint', 'ascendant', 'descendant', 'representant_legal', 'autre'];

type Row = [ActKind, CopyKind, Relation, Verdict];
const ROWS: Row[] = (Object.keys(RECENT_ACT) as ActKind[]).flatMap((act) =>
  (Object.keys(RECENT_ACT[act]) as CopyKind[]).flatMap((copy) =>
    RELATION_ORDER.map((relation, i): Row => [act, copy, relation, (RECENT_ACT[act][copy] ?? [])[i]]),
  ),
);

describe('the entitlement rule', () => {
  it('has one row per act, per copy that act is delivered as, per relation', () => {
    expect(RELATION_ORDER).toEqual([...RELATIONS]);
    for (const act of ACT_KINDS) expect(Object.keys(RECENT_ACT[act])).toEqual([...COPIES_BY_ACT[act]]);
    expect(ROWS).toHaveLength(4 * 6 + 4 * 6 + 2 * 6);
  });

  it.each(ROWS)('%s, %s, %s : %s pour un acte de dix ans', (act, copy, relation, verdict) => {
    expect(isEntitled(act, copy, relation, RECENT, TODAY)).toBe(verdict === 'A');
  });

  it.each(ROWS)('%s, %s, %s : toujours accordé pour un acte de plus de 75 ans', (act, copy, relation) => {
    expect(isEntitled(act, copy, relation, OLD, TODAY)).toBe(true);
  });

  it.each<[ActKind, CopyKind, boolean]>([
    ['naissance', 'copie_integrale', true],
    ['naissance', 'extrait_avec_filiation', true],
    ['naissance', 'extrait_sans_filiation', false],
    ['naissance', 'extrait_plurilingue', true],
    ['mariage', 'copie_integrale', true],
    ['mariage', 'extrait_avec_filiation', true],
    ['mariage', 'extrait_sans_filiation', false],
    ['mariage', 'extrait_plurilingue', true],
    ['deces', 'copie_integrale', false],
    ['deces', 'extrait_plurilingue', false],
  ])('%s, %s : réservé à la famille et parents demandés = %s', (act, copy, restricted) => {
    expect(isRestricted(act, copy)).toBe(restricted);
    expect(needsParents(act, copy)).toBe(restricted);
  });
});

describe('the 75-year boundary', () => {
  it('is 75 years', () => {
    expect(OPEN_AFTER_YEARS).toBe(75);
  });

  it.each([
    ['1951-11-28', '2026-11-27', false],
    ['1951-11-28', '2026-11-28', true],
    ['1951-11-28', '2026-11-29', true],
    ['1951-11-29', '2026-11-28', false],
    ['1951-12-31', '2026-12-30', false],
    ['1951-12-31', '2026-12-31', true],
    ['1952-01-01', '2026-12-31', false],
    ['1900-01-01', '2026-11-28', true],
    ['2016-11-28', '2026-11-28', false],
    // Born a 29 February: the 75th anniversary falls in a common year, the act opens on 1 March.
    ['1948-02-29', '2023-02-28', false],
    ['1948-02-29', '2023-03-01', true],
  ])('an act of %s on %s: open to anyone = %s', (eventDay, today, open) => {
    expect(isOpenToAnyone(eventDay, today)).toBe(open);
  });

  it.each([
    ['2026-11-27', false],
    ['2026-11-28', true],
    ['2026-11-29', true],
  ])('«autre» asking the copie intégrale of a birth of 1951-11-28 on %s: entitled = %s', (today, entitled) => {
    expect(isEntitled('naissance', 'copie_integrale', 'autre', '1951-11-28', today)).toBe(entitled);
    // The family is entitled whatever the date.
    expect(isEntitled('naissance', 'copie_integrale', 'descendant', '1951-11-28', today)).toBe(true);
  });
});

describe('COPIES_BY_ACT and relationsFor', () => {
  it('delivers births and marriages in all four copies', () => {
    const all: CopyKind[] = ['copie_integrale', 'extrait_avec_filiation', 'extrait_sans_filiation', 'extrait_plurilingue'];
    expect([...COPY_KINDS]).toEqual(all);
    expect([...COPIES_BY_ACT.naissance]).toEqual(all);
    expect([...COPIES_BY_ACT.mariage]).toEqual(all);
  });

  it('delivers a death act only as a copie intégrale or an extrait plurilingue', () => {
    expect([...COPIES_BY_ACT.deces]).toEqual(['copie_integrale', 'extrait_plurilingue']);
  });

  it('offers every relation for a birth', () => {
    expect(relationsFor('naissance')).toEqual(['titulaire', 'conjoint', 'ascendant', 'descendant', 'representant_legal', 'autre']);
  });

  it('offers no «conjoint» for a marriage: a spouse is its holder', () => {
    expect(relationsFor('mariage')).toEqual(['titulaire', 'ascendant', 'descendant', 'representant_legal', 'autre']);
    expect(relationLabel('mariage', 'titulaire')).toBe('L’un des époux (vous-même)');
  });

  it('offers no «titulaire» for a death', () => {
    expect(relationsFor('deces')).toEqual(['conjoint', 'ascendant', 'descendant', 'representant_legal', 'autre']);
  });

  it('names a relation in the words of each act, and falls back on the code for one not offered', () => {
    expect(relationLabel('naissance', 'titulaire')).toBe('La personne concernée par l’acte (vous-même)');
    expect(relationLabel('deces', 'conjoint')).toBe('Son époux ou son épouse');
    expect(relationLabel('deces', 'titulaire')).toBe('titulaire');
    expect(relationLabel('mariage', 'conjoint')).toBe('conjoint');
  });

  it.each([...ACT_KINDS])('the %s form offers exactly these copies and relations', (act) => {
    const form = civilStatusForm(act);
    const field = (name: string) => form.steps.flatMap((s) => s.fields).find((f) => f.name === name);
    expect(field('type_copie')?.options?.map((o) => o.value)).toEqual([...COPIES_BY_ACT[act]]);
    expect(field('lien')?.options?.map((o) => o.value)).toEqual(relationsFor(act));
    expect(field('nombre_exemplaires')?.max).toBe(MAX_COPIES);
    expect(form.requiresAccount).toBe(false);
  });

  it('recognises the act kinds', () => {
    expect(ACT_KINDS.every(isActKind)).toBe(true);
    expect(isActKind('divorce')).toBe(false);
    expect(isActKind('Naissance')).toBe(false);
    expect(isActKind(undefined)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// Checking a request

const REQUESTER = {
  demandeur_nom: 'Dupont',
  demandeur_prenom: 'Jean',
  email: 'jean.dupont@exemple.fr',
  adresse: '12 rue des Lilas',
  code_postal: '49070',
  ville: 'Beaucouzé',
  pays: 'France',
};
const PARENTS = { parent1_nom: 'Dupont', parent1_prenoms: 'Michel André', parent2_nom: 'Martin', parent2_prenoms: 'Anne' };
const NO_PARENTS = { parent1_nom: '', parent1_prenoms: '', parent2_nom: '', parent2_prenoms: '' };

/** A valid answer for each act, as the form posts it (strings). */
const VALID: Record<ActKind, Record<string, unknown>> = {
  naissance: {
    type_copie: 'copie_integrale',
    nombre_exemplaires: '2',
    nom: 'Dupont',
    prenoms: 'Jean Pierre',
    date_evenement: '14/07/1980',
    ...PARENTS,
    lien: 'titulaire',
    ...REQUESTER,
    email: 'Jean.Dupont@Exemple.FR',
    telephone: '06 12 34 56 78',
    complement: 'Bâtiment B',
  },
  mariage: {
    type_copie: 'extrait_avec_filiation',
    nombre_exemplaires: '1',
    nom: 'Dupont',
    prenoms: 'Jean',
    conjoint_nom: 'Curie',
    conjoint_prenoms: 'Marie',
    date_evenement: '2005-06-20',
    parent1_nom: 'Dupont',
    parent1_prenoms: 'Michel',
    lien: 'titulaire',
    ...REQUESTER,
  },
  deces: {
    type_copie: 'copie_integrale',
    nombre_exemplaires: '3',
    nom: 'Durand',
    prenoms: 'Paul',
    date_evenement: '02/03/2024',
    lien: 'autre',
    ...REQUESTER,
    demandeur_nom: 'Lambert',
    demandeur_prenom: 'Claire',
    email: 'claire.lambert@notaires.be',
    adresse: 'Rue de la Loi 16',
    code_postal: '',
    ville: 'Bruxelles',
    pays: 'Belgique',
  },
};

const check = (act: ActKind, changes: Record<string, unknown> = {}, now: Date = NOW): CivilStatusCheck =>
  checkCivilStatusRequest(act, { ...VALID[act], ...changes }, now);

function detailsOf(result: CivilStatusCheck): CivilStatusDetails {
  if (!result.ok) throw new Error(`expected a valid request, got ${JSON.stringify(result.errors)}`);
  return result.details;
}

function errorsOf(result: CivilStatusCheck): Record<string, string> {
  if (result.ok) throw new Error('expected a refused request, it was accepted');
  return result.errors;
}

describe('checkCivilStatusRequest: a valid request', () => {
  it('accepts a birth certificate request and returns its details', () => {
    const result = check('naissance');
    expect(detailsOf(result)).toEqual({
      act: 'naissance',
      copy: 'copie_integrale',
      copies: 2,
      lastName: 'Dupont',
      firstNames: 'Jean Pierre',
      spouseLastName: null,
      spouseFirstNames: null,
      eventDate: '1980-07-14',
      parents: [
        { lastName: 'Dupont', firstNames: 'Michel André' },
        { lastName: 'Martin', firstNames: 'Anne' },
      ],
      relation: 'titulaire',
      requester: { lastName: 'Dupont', firstName: 'Jean', email: 'jean.dupont@exemple.fr', phone: '+33612345678' },
      address: { line1: '12 rue des Lilas', line2: 'Bâtiment B', postalCode: '49070', city: 'Beaucouzé', country: 'France' },
    });
    expect(result.values).toMatchObject({ nombre_exemplaires: 2, date_evenement: '1980-07-14' });
  });

  it('accepts a marriage certificate request, with both spouses', () => {
    expect(detailsOf(check('mariage'))).toEqual({
      act: 'mariage',
      copy: 'extrait_avec_filiation',
      copies: 1,
      lastName: 'Dupont',
      firstNames: 'Jean',
      spouseLastName: 'Curie',
      spouseFirstNames: 'Marie',
      eventDate: '2005-06-20',
      parents: [{ lastName: 'Dupont', firstNames: 'Michel' }],
      relation: 'titulaire',
      requester: { lastName: 'Dupont', firstName: 'Jean', email: 'jean.dupont@exemple.fr', phone: null },
      address: { line1: '12 rue des Lilas', line2: null, postalCode: '49070', city: 'Beaucouzé', country: 'France' },
    });
  });

  it('accepts a death certificate request from anyone, posted abroad without a postcode', () => {
    expect(detailsOf(check('deces'))).toEqual({
      act: 'deces',
      copy: 'copie_integrale',
      copies: 3,
      lastName: 'Durand',
      firstNames: 'Paul',
      spouseLastName: null,
      spouseFirstNames: null,
      eventDate: '2024-03-02',
      parents: [],
      relation: 'autre',
      requester: { lastName: 'Lambert', firstName: 'Claire', email: 'claire.lambert@notaires.be', phone: null },
      address: { line1: 'Rue de la Loi 16', line2: null, postalCode: null, city: 'Bruxelles', country: 'Belgique' },
    });
  });

  it('ignores the second spouse for an act other than a marriage', () => {
    const d = detailsOf(check('naissance', { conjoint_nom: 'Curie', conjoint_prenoms: 'Marie' }));
    expect([d.spouseLastName, d.spouseFirstNames]).toEqual([null, null]);
  });
});

describe('checkCivilStatusRequest: the date of the event', () => {
  it.each<[ActKind, string]>([
    ['naissance', 'Date de naissance'],
    ['mariage', 'Date du mariage'],
    ['deces', 'Date du décès'],
  ])('refuses a %s in the future, naming the field «%s»', (act, label) => {
    const errors = errorsOf(check(act, { date_evenement: '29/11/2026' }));
    expect(errors).toEqual({ date_evenement: `Le champ « ${label} » doit être une date au plus tard le 28/11/2026.` });
  });

  it('accepts today, on the Paris calendar', () => {
    expect(detailsOf(check('deces', { date_evenement: '28/11/2026' })).eventDate).toBe('2026-11-28');
  });

  it('accepts the 29th at 23:30 UTC on the 28th: it is already the 29th in Paris', () => {
    expect(detailsOf(check('deces', { date_evenement: '2026-11-29' }, LATE_NOW)).eventDate).toBe('2026-11-29');
    expect(errorsOf(check('deces', { date_evenement: '2026-11-30' }, LATE_NOW))).toEqual({
      date_evenement: 'Le champ « Date du décès » doit être une date au plus tard le 29/11/2026.',
    });
  });

  it('refuses a date before 1900, and accepts 1 January 1900', () => {
    expect(errorsOf(check('naissance', { date_evenement: '31/12/1899' }))).toEqual({
      date_evenement: 'Le champ « Date de naissance » doit être une date à partir du 01/01/1900.',
    });
    expect(detailsOf(check('naissance', { date_evenement: '01/01/1900' })).eventDate).toBe('1900-01-01');
  });

  it.each(['31/02/1980', '1980-13-01', 'hier', ''])('refuses «%s»', (date) => {
    expect(errorsOf(check('naissance', { date_evenement: date }))).toEqual({ date_evenement: expect.any(String) });
  });
});

describe('checkCivilStatusRequest: the parents', () => {
  const why = (article: string) => `Indiquez le nom et les prénoms d’au moins un parent : ils sont nécessaires pour ${article}.`;

  it.each<[ActKind, CopyKind, string]>([
    ['naissance', 'copie_integrale', 'une copie intégrale'],
    ['naissance', 'extrait_avec_filiation', 'un extrait avec filiation'],
    ['naissance', 'extrait_plurilingue', 'un extrait plurilingue'],
    ['mariage', 'copie_integrale', 'une copie intégrale'],
    ['mariage', 'extrait_avec_filiation', 'un extrait avec filiation'],
    ['mariage', 'extrait_plurilingue', 'un extrait plurilingue'],
  ])('are required for the %s, %s', (act, copy, article) => {
    expect(errorsOf(check(act, { type_copie: copy, ...NO_PARENTS }))).toEqual({
      parent1_nom: why(article),
      parent1_prenoms: 'Indiquez les prénoms du premier parent.',
    });
  });

  it.each<[ActKind, CopyKind]>([
    ['naissance', 'extrait_sans_filiation'],
    ['mariage', 'extrait_sans_filiation'],
    ['deces', 'copie_integrale'],
    ['deces', 'extrait_plurilingue'],
  ])('are not required for the %s, %s', (act, copy) => {
    const d = detailsOf(check(act, { type_copie: copy, ...NO_PARENTS }));
    expect(d.copy).toBe(copy);
    expect(d.parents).toEqual([]);
  });

  it('are also required when the keys are missing altogether', () => {
    const { parent1_nom: _n, parent1_prenoms: _p, ...rest } = VALID.mariage;
    expect(Object.keys(errorsOf(checkCivilStatusRequest('mariage', rest, NOW)))).toEqual(['parent1_nom', 'parent1_prenoms']);
  });

  it('refuses a parent with a name but no first names', () => {
    expect(errorsOf(check('naissance', { ...NO_PARENTS, parent1_nom: 'Dupont' }))).toEqual({
      parent1_prenoms: 'Indiquez les prénoms du premier parent.',
    });
  });

  it('refuses a parent with first names but no name', () => {
    expect(errorsOf(check('naissance', { ...NO_PARENTS, parent1_nom: 'Dupont', parent1_prenoms: 'Michel', parent2_prenoms: 'Anne' }))).toEqual({
      parent2_nom: 'Indiquez le nom du second parent.',
    });
  });

  it('refuses a second parent with a name but no first names, even when the first is complete', () => {
    expect(errorsOf(check('naissance', { parent2_prenoms: '  ' }))).toEqual({
      parent2_prenoms: 'Indiquez les prénoms du second parent.',
    });
  });

  it('accepts the second parent alone', () => {
    const d = detailsOf(check('naissance', { ...NO_PARENTS, parent2_nom: 'Martin', parent2_prenoms: 'Anne' }));
    expect(d.parents).toEqual([{ lastName: 'Martin', firstNames: 'Anne' }]);
  });
});

describe('checkCivilStatusRequest: who may ask', () => {
  const notEntitled = (article: string) =>
    `Vous ne pouvez pas obtenir ${article} de cet acte : seuls la personne concernée, son époux ou son épouse, ` +
    'ses ascendants, ses descendants ou son représentant légal le peuvent. Vous pouvez demander un extrait sans filiation.';

  it('refuses «autre» the copie intégrale of a birth ten years ago, on the field «lien»', () => {
    expect(errorsOf(check('naissance', { lien: 'autre', date_evenement: RECENT }))).toEqual({
      lien: notEntitled('une copie intégrale'),
    });
  });

  it('refuses «autre» the extrait plurilingue of a marriage', () => {
    expect(errorsOf(check('mariage', { lien: 'autre', type_copie: 'extrait_plurilingue' }))).toEqual({
      lien: notEntitled('un extrait plurilingue'),
    });
  });

  it('gives «autre» an extrait sans filiation of the same birth', () => {
    const d = detailsOf(check('naissance', { lien: 'autre', date_evenement: RECENT, type_copie: 'extrait_sans_filiation' }));
    expect([d.relation, d.copy]).toEqual(['autre', 'extrait_sans_filiation']);
  });

  it('gives «autre» the copie intégrale of a birth older than 75 years', () => {
    const d = detailsOf(check('naissance', { lien: 'autre', date_evenement: OLD }));
    expect([d.relation, d.eventDate]).toEqual(['autre', OLD]);
  });

  it('opens a birth of 29/11/1951 at midnight in Paris on 29/11/2026, not at midnight UTC', () => {
    const ask = { lien: 'autre', date_evenement: '29/11/1951' };
    expect(errorsOf(check('naissance', ask, new Date('2026-11-28T22:59:59Z')))).toEqual({ lien: notEntitled('une copie intégrale') });
    expect(detailsOf(check('naissance', ask, new Date('2026-11-28T23:00:00Z'))).relation).toBe('autre');
    expect(detailsOf(check('naissance', ask, LATE_NOW)).relation).toBe('autre');
  });

  it('opens a birth of 15/06/1951 at midnight summer time in Paris on 15/06/2026', () => {
    const ask = { lien: 'autre', date_evenement: '15/06/1951' };
    expect(errorsOf(check('naissance', ask, new Date('2026-06-14T21:59:59Z')))).toEqual({ lien: notEntitled('une copie intégrale') });
    expect(detailsOf(check('naissance', ask, new Date('2026-06-14T22:00:00Z'))).relation).toBe('autre');
  });

  it.each<[ActKind, string]>([
    ['deces', 'titulaire'],
    ['mariage', 'conjoint'],
    ['naissance', 'voisin'],
  ])('refuses for a %s the relation «%s», which is not offered', (act, lien) => {
    expect(errorsOf(check(act, { lien }))).toEqual({
      lien: 'La valeur choisie pour le champ « Vous êtes » ne fait pas partie des choix proposés.',
    });
  });
});

describe('checkCivilStatusRequest: the copy and the number of copies', () => {
  it('refuses an extrait avec filiation of a death act', () => {
    expect(errorsOf(check('deces', { type_copie: 'extrait_avec_filiation' }))).toEqual({
      type_copie: 'La valeur choisie pour le champ « Type de document » ne fait pas partie des choix proposés.',
    });
  });

  it('refuses an extrait sans filiation of a death act', () => {
    expect(Object.keys(errorsOf(check('deces', { type_copie: 'extrait_sans_filiation' })))).toEqual(['type_copie']);
  });

  it('requires the type of copy', () => {
    expect(errorsOf(check('naissance', { type_copie: '' }))).toEqual({ type_copie: 'Le champ « Type de document » est obligatoire.' });
  });

  it.each<[unknown, string]>([
    ['0', 'doit être supérieur ou égal à 1.'],
    [0, 'doit être supérieur ou égal à 1.'],
    ['6', 'doit être inférieur ou égal à 5.'],
    ['2.5', 'doit être un nombre entier.'],
    ['2,5', 'doit être un nombre entier.'],
    [2.5, 'doit être un nombre entier.'],
    ['deux', 'doit être un nombre.'],
    ['-1', 'doit être supérieur ou égal à 1.'],
    ['', 'est obligatoire.'],
  ])('refuses %p copies', (copies, message) => {
    expect(errorsOf(check('naissance', { nombre_exemplaires: copies }))).toEqual({
      nombre_exemplaires: `Le champ « Nombre d’exemplaires » ${message}`,
    });
  });

  it.each([
    ['1', 1],
    ['5', 5],
    [' 3 ', 3],
    [4, 4],
  ])('accepts %p copies', (copies, expected) => {
    expect(detailsOf(check('naissance', { nombre_exemplaires: copies })).copies).toBe(expected);
  });
});

describe('checkCivilStatusRequest: the requester', () => {
  it('requires an email', () => {
    expect(errorsOf(check('naissance', { email: '' }))).toEqual({ email: 'Le champ « Adresse électronique » est obligatoire.' });
    const { email: _e, ...rest } = VALID.naissance;
    expect(errorsOf(checkCivilStatusRequest('naissance', rest, NOW))).toEqual({
      email: 'Le champ « Adresse électronique » est obligatoire.',
    });
  });

  it.each(['jean.dupont', 'jean.dupont@', '@exemple.fr', 'jean dupont@exemple.fr'])('refuses the email «%s»', (email) => {
    expect(errorsOf(check('naissance', { email }))).toEqual({
      email: 'Le champ « Adresse électronique » doit être une adresse électronique valide, par exemple nom@exemple.fr.',
    });
  });

  it('lower-cases the email', () => {
    expect(detailsOf(check('mariage', { email: '  Marie.CURIE@Exemple.FR ' })).requester.email).toBe('marie.curie@exemple.fr');
  });

  it('refuses an invalid phone number, and keeps none when left blank', () => {
    expect(Object.keys(errorsOf(check('naissance', { telephone: '12' })))).toEqual(['telephone']);
    expect(detailsOf(check('naissance', { telephone: '' })).requester.phone).toBeNull();
  });

  it('requires the requester’s name and first name', () => {
    expect(errorsOf(check('deces', { demandeur_nom: ' ', demandeur_prenom: '' }))).toEqual({
      demandeur_nom: 'Le champ « Votre nom » est obligatoire.',
      demandeur_prenom: 'Le champ « Votre prénom » est obligatoire.',
    });
  });
});

describe('checkCivilStatusRequest: the postal address', () => {
  it('requires a postcode for an address in France', () => {
    expect(errorsOf(check('naissance', { code_postal: '' }))).toEqual({
      code_postal: 'Le code postal est obligatoire pour une adresse en France.',
    });
  });

  it.each(['4907', '490700', 'ABCDE', '49-070'])('refuses the French postcode «%s»', (code_postal) => {
    expect(errorsOf(check('naissance', { code_postal }))).toEqual({
      code_postal: 'Un code postal français compte 5 chiffres, par exemple 49070.',
    });
  });

  it('accepts «49 070» and stores it as 49070', () => {
    expect(detailsOf(check('naissance', { code_postal: '49 070' })).address.postalCode).toBe('49070');
  });

  it('accepts a foreign address without a postcode', () => {
    const d = detailsOf(check('naissance', { pays: 'Belgique', code_postal: '', ville: 'Bruxelles' }));
    expect(d.address).toMatchObject({ postalCode: null, city: 'Bruxelles', country: 'Belgique' });
  });

  it('keeps a foreign postcode as typed', () => {
    const d = detailsOf(check('naissance', { pays: 'Royaume-Uni', code_postal: 'SW1A 1AA', ville: 'London' }));
    expect(d.address).toMatchObject({ postalCode: 'SW1A 1AA', country: 'Royaume-Uni' });
  });

  it.each(['france', 'FRANCE ', 'République française', 'fr'])('writes the country «%s» as «France»', (pays) => {
    expect(detailsOf(check('naissance', { pays })).address.country).toBe(DEFAULT_COUNTRY);
    expect(DEFAULT_COUNTRY).toBe('France');
  });

  it('requires a postcode for «france» in lower case too', () => {
    expect(Object.keys(errorsOf(check('naissance', { pays: 'france', code_postal: '' })))).toEqual(['code_postal']);
  });

  it('requires the street, the city and the country (a blank country counts as France: postcode required)', () => {
    expect(errorsOf(check('deces', { adresse: '', ville: '', pays: '' }))).toEqual({
      adresse: 'Le champ « Numéro et voie » est obligatoire.',
      ville: 'Le champ « Ville » est obligatoire.',
      pays: 'Le champ « Pays » est obligatoire.',
      code_postal: 'Le code postal est obligatoire pour une adresse en France.',
    });
  });
});

describe('checkCivilStatusRequest: every error at once', () => {
  it('reports each field in error once, and returns the values it could read', () => {
    const result = check('naissance', { nombre_exemplaires: '6', email: 'x', code_postal: '4907', ...NO_PARENTS });
    expect(Object.keys(errorsOf(result)).sort()).toEqual(['code_postal', 'email', 'nombre_exemplaires', 'parent1_nom', 'parent1_prenoms']);
    expect(result.values).toMatchObject({ type_copie: 'copie_integrale', nom: 'Dupont', date_evenement: '1980-07-14' });
  });

  it('refuses an empty answer without throwing', () => {
    const errors = errorsOf(checkCivilStatusRequest('mariage', {}, NOW));
    expect(Object.keys(errors)).toEqual(
      expect.arrayContaining(['type_copie', 'nombre_exemplaires', 'nom', 'prenoms', 'conjoint_nom', 'conjoint_prenoms', 'date_evenement', 'lien', 'email']),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Helpers

describe('isFrance', () => {
  it.each(['France', 'france', 'FRANCE ', ' France', 'République française', 'REPUBLIQUE FRANCAISE', 'fr', 'FR', 'France métropolitaine'])(
    '«%s» is France',
    (country) => {
      expect(isFrance(country)).toBe(true);
    },
  );

  it.each(['Belgique', 'Francia', 'Frances', 'Suisse', ''])('«%s» is not France', (country) => {
    expect(isFrance(country)).toBe(false);
  });
});

describe('addressLines', () => {
  it('writes a French address for an envelope', () => {
    expect(addressLines({ line1: '12 rue des Lilas', line2: 'Bâtiment B', postalCode: '49070', city: 'Beaucouzé', country: 'France' })).toEqual([
      '12 rue des Lilas',
      'Bâtiment B',
      '49070 Beaucouzé',
      'FRANCE',
    ]);
  });

  it('leaves out the missing complement and postcode', () => {
    expect(addressLines({ line1: 'Rue de la Loi 16', line2: null, postalCode: null, city: 'Bruxelles', country: 'Belgique' })).toEqual([
      'Rue de la Loi 16',
      'Bruxelles',
      'BELGIQUE',
    ]);
  });

  it('writes the lines of a checked request', () => {
    expect(addressLines(detailsOf(check('naissance', { code_postal: '49 070', pays: 'france', complement: '' })).address)).toEqual([
      '12 rue des Lilas',
      '49070 Beaucouzé',
      'FRANCE',
    ]);
  });
});

describe('describeAct', () => {
  it('names a birth certificate, with the number of copies', () => {
    expect(describeAct(detailsOf(check('naissance')))).toBe(
      'Copie intégrale — acte de naissance de Jean Pierre Dupont, date de naissance : 14/07/1980 (2 exemplaires)',
    );
  });

  it('names a marriage certificate by both spouses, without a count for one copy', () => {
    expect(describeAct(detailsOf(check('mariage')))).toBe(
      'Extrait avec filiation — acte de mariage de Jean Dupont et Marie Curie, date du mariage : 20/06/2005',
    );
  });

  it('names a death certificate', () => {
    expect(describeAct(detailsOf(check('deces', { type_copie: 'extrait_plurilingue' })))).toBe(
      'Extrait plurilingue — acte de décès de Paul Durand, date du décès : 02/03/2024 (3 exemplaires)',
    );
  });
});
