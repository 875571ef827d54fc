// Civil-status certificates (actes de naissance, de mariage, de décès): what each form asks, who
// may obtain which copy, and the life of a request. Open to anyone without an account (FAQ: the
// event happened here, the requester may live far away), so these rules are the only gate.
//
// Who may obtain what (décret n° 2017-890, art. 30 et 31; service-public.fr F1427, F1428, F1431):
// - a full copy («copie intégrale») or an extract with filiation of a birth or marriage act: the
//   person (for a marriage, either spouse), their spouse, ascendants, descendants or legal
//   representative;
// - an extract without filiation: anyone;
// - a death act (full copy or plurilingual extract; there is no other extract of a death act): anyone;
// - acts of birth and marriage older than 75 years are open to anyone (code du patrimoine, L213-2).
// The plurilingual extract shows the parents, so it follows the rule of the extract with filiation.
//
// Pure: the forms are step definitions of domain/catalogue.ts, validated by the same code.
import { validateStepAnswers, type AnswerValue, type DemarcheDefinition, type FieldDefinition, type StepDefinition } from './catalogue';
import { formatIsoDay, parisIsoDay } from './dates';

export const ACT_KINDS = ['naissance', 'mariage', 'deces'] as const;
export type ActKind = (typeof ACT_KINDS)[number];

export const ACT_LABELS: Record<ActKind, string> = {
  naissance: 'Acte de naissance',
  mariage: 'Acte de mariage',
  deces: 'Acte de décès',
};

export const COPY_KINDS = ['copie_integrale', 'extrait_avec_filiation', 'extrait_sans_filiation', 'extrait_plurilingue'] as const;
export type CopyKind = (typeof COPY_KINDS)[number];

export const COPY_LABELS: Record<CopyKind, string> = {
  copie_integrale: 'Copie intégrale',
  extrait_avec_filiation: 'Extrait avec filiation',
  extrait_sans_filiation: 'Extrait sans filiation',
  extrait_plurilingue: 'Extrait plurilingue',
};

/** The copies each act is delivered as. */
export const COPIES_BY_ACT: Record<ActKind, readonly CopyKind[]> = {
  naissance: COPY_KINDS,
  mariage: COPY_KINDS,
  deces: ['copie_integrale', 'extrait_plurilingue'],
};

export const RELATIONS = ['titulaire', 'conjoint', 'ascendant', 'descendant', 'representant_legal', 'autre'] as const;
export type Relation = (typeof RELATIONS)[number];

/** «Vous êtes…», in the words of each act (a spouse is the holder of a marriage act). */
const RELATION_LABELS: Record<ActKind, Partial<Record<Relation, string>>> = {
  naissance: {
    titulaire: 'La personne concernée par l’acte (vous-même)',
    conjoint: 'Son époux ou son épouse',
    ascendant: 'Son père, sa mère ou un autre ascendant (grand-parent…)',
    descendant: 'Son enfant ou un autre descendant (petit-enfant…)',
    representant_legal: 'Son représentant légal (tuteur…)',
    autre: 'Une autre personne (frère, sœur, héritier, généalogiste…)',
  },
  mariage: {
    titulaire: 'L’un des époux (vous-même)',
    ascendant: 'Le père, la mère ou un autre ascendant de l’un des époux',
    descendant: 'L’enfant ou un autre descendant des époux',
    representant_legal: 'Le représentant légal de l’un des époux (tuteur…)',
    autre: 'Une autre personne (frère, sœur, héritier, généalogiste…)',
  },
  deces: {
    conjoint: 'Son époux ou son épouse',
    ascendant: 'Son père, sa mère ou un autre ascendant',
    descendant: 'Son enfant ou un autre descendant',
    representant_legal: 'Son représentant légal (tuteur…)',
    autre: 'Une autre personne (frère, sœur, héritier, notaire, généalogiste…)',
  },
};

export function relationsFor(act: ActKind): Relation[] {
  return RELATIONS.filter((r) => RELATION_LABELS[act][r] !== undefined);
}

export function relationLabel(act: ActKind, relation: Relation): string {
  return RELATION_LABELS[act][relation] ?? relation;
}

const FAMILY: readonly Relation[] = ['titulaire', 'conjoint', 'ascendant', 'descendant', 'representant_legal'];

/** Acts of birth and marriage this old are open to anyone (code du patrimoine, L213-2). */
export const OPEN_AFTER_YEARS = 75;

/** True when the copy shows the parents: only the family may obtain it (unless the act is old). */
export function isRestricted(act: ActKind, copy: CopyKind): boolean {
  return act !== 'deces' && copy !== 'extrait_sans_filiation';
}

/** `eventDay` AAAA-MM-JJ; `today` AAAA-MM-JJ on the Paris calendar. */
export function isOpenToAnyone(eventDay: string, today: string): boolean {
  const [y, m, d] = eventDay.split('-');
  return `${String(Number(y) + OPEN_AFTER_YEARS).padStart(4, '0')}-${m}-${d}` <= today;
}

export function isEntitled(act: ActKind, copy: CopyKind, relation: Relation, eventDay: string, today: string): boolean {
  if (!isRestricted(act, copy)) return true;
  if (isOpenToAnyone(eventDay, today)) return true;
  return FAMILY.includes(relation);
}

/** The copies for which the form asks the parents' names (the mairie checks them against the act). */
export function needsParents(act: ActKind, copy: CopyKind): boolean {
  return isRestricted(act, copy);
}

export const MAX_COPIES = 5;

// ---------------------------------------------------------------------------------------------------
// The forms: one per act, its steps shown as the fieldsets of one page.

/** How each act names the date of its event. */
export const EVENT_DATE_LABELS: Record<ActKind, string> = {
  naissance: 'Date de naissance',
  mariage: 'Date du mariage',
  deces: 'Date du décès',
};

const text = (name: string, label: string, required: boolean, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  name, label, type: 'text', required, maxLength: 100, ...extra,
});

export const DEFAULT_COUNTRY = 'France';

function formSteps(act: ActKind): StepDefinition[] {
  const person: FieldDefinition[] =
    act === 'mariage'
      ? [
          text('nom', 'Nom de naissance du premier époux', true),
          text('prenoms', 'Prénoms du premier époux', true, { help: 'Tous les prénoms, dans l’ordre de l’acte.' }),
          text('conjoint_nom', 'Nom de naissance du second époux', true),
          text('conjoint_prenoms', 'Prénoms du second époux', true),
        ]
      : [
          text('nom', 'Nom de naissance', true, { help: 'Le nom inscrit sur l’acte, avant tout mariage.' }),
          text('prenoms', 'Prénoms', true, { help: 'Tous les prénoms, dans l’ordre de l’acte.' }),
        ];
  return [
    {
      key: 'acte',
      title: 'L’acte demandé',
      help: 'La copie intégrale reproduit tout l’acte et ses mentions. L’extrait avec filiation indique les parents ; l’extrait sans filiation ne les indique pas. L’extrait plurilingue sert à l’étranger, sans traduction.',
      fields: [
        {
          name: 'type_copie',
          label: 'Type de document',
          type: 'radio',
          required: true,
          options: COPIES_BY_ACT[act].map((c) => ({ value: c, label: COPY_LABELS[c] })),
        },
        {
          name: 'nombre_exemplaires',
          label: 'Nombre d’exemplaires',
          type: 'number',
          required: true,
          integer: true,
          min: 1,
          max: MAX_COPIES,
          help: `De 1 à ${MAX_COPIES}.`,
        },
      ],
    },
    {
      key: 'personne',
      title: act === 'mariage' ? 'Les époux' : 'La personne concernée par l’acte',
      help: 'Indiquez les informations telles qu’elles figurent sur l’acte.',
      fields: [
        ...person,
        {
          name: 'date_evenement',
          label: EVENT_DATE_LABELS[act],
          type: 'date',
          required: true,
          min: '1900-01-01',
          max: 'today',
          help: 'Au format JJ/MM/AAAA.',
        },
      ],
    },
    {
      key: 'filiation',
      title: act === 'mariage' ? 'Les parents du premier époux' : 'Ses parents',
      help: 'Obligatoires pour une copie intégrale, un extrait avec filiation ou un extrait plurilingue : au moins un parent.',
      fields: [
        text('parent1_nom', 'Nom du premier parent', false),
        text('parent1_prenoms', 'Prénoms du premier parent', false),
        text('parent2_nom', 'Nom du second parent', false),
        text('parent2_prenoms', 'Prénoms du second parent', false),
      ],
    },
    {
      key: 'demandeur',
      title: 'Vous, le demandeur',
      help: 'Le suivi de la demande vous est envoyé par courriel.',
      fields: [
        {
          name: 'lien',
          label: 'Vous êtes',
          type: 'radio',
          required: true,
          options: relationsFor(act).map((r) => ({ value: r, label: relationLabel(act, r) })),
        },
        text('demandeur_nom', 'Votre nom', true),
        text('demandeur_prenom', 'Votre prénom', true),
        { name: 'email', label: 'Adresse électronique', type: 'email', required: true, maxLength: 254, help: 'Pour le numéro et le lien de suivi de la demande.' },
        { name: 'telephone', label: 'Téléphone', type: 'tel', required: false, help: 'Si la mairie doit vous joindre.' },
      ],
    },
    {
      key: 'adresse',
      title: 'Adresse d’envoi',
      help: 'L’acte est envoyé par courrier, en France ou à l’étranger.',
      fields: [
        text('adresse', 'Numéro et voie', true, { maxLength: 200 }),
        text('complement', 'Complément d’adresse', false, { maxLength: 200, help: 'Bâtiment, appartement, boîte postale…' }),
        text('code_postal', 'Code postal', false, { maxLength: 20, help: 'Obligatoire en France (5 chiffres).' }),
        text('ville', 'Ville', true),
        text('pays', 'Pays', true, { help: 'France par défaut.' }),
      ],
    },
  ];
}

/** One form per act, as a catalogue definition, so the démarches' field validation applies. */
export function civilStatusForm(act: ActKind): DemarcheDefinition {
  return {
    code: `acte-${act === 'deces' ? 'deces' : act}`,
    version: 1,
    title: `Demande d’${ACT_LABELS[act].charAt(0).toLowerCase()}${ACT_LABELS[act].slice(1)}`,
    category: 'État civil',
    description: '',
    requiresAccount: false,
    memberConcerned: 'none',
    processingDays: 0,
    reminderAfterDays: 0,
    closeAfterDays: 0,
    steps: formSteps(act),
    documents: [],
  };
}

export function isActKind(value: unknown): value is ActKind {
  return typeof value === 'string' && (ACT_KINDS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------------
// Checking a request.

export interface PostalAddress {
  line1: string;
  line2: string | null;
  postalCode: string | null;
  city: string;
  country: string;
}

export interface CivilStatusDetails {
  act: ActKind;
  copy: CopyKind;
  copies: number;
  lastName: string;
  firstNames: string;
  /** Marriage only: the second spouse. */
  spouseLastName: string | null;
  spouseFirstNames: string | null;
  /** AAAA-MM-JJ */
  eventDate: string;
  parents: Array<{ lastName: string; firstNames: string }>;
  relation: Relation;
  requester: { lastName: string; firstName: string; email: string; phone: string | null };
  address: PostalAddress;
}

export type CivilStatusCheck =
  | { ok: true; details: CivilStatusDetails; values: Record<string, AnswerValue> }
  | { ok: false; errors: Record<string, string>; values: Record<string, AnswerValue> };

/** «France», «france», «FRANCE », «République française»: France, whose postcodes have 5 digits. */
export function isFrance(country: string): boolean {
  const plain = country.normalize('NFD').replace(/\p{M}+/gu, '').trim().toLowerCase();
  return ['france', 'fr', 'republique francaise', 'france metropolitaine'].includes(plain);
}

/** Validates a whole form (every step), then the rules across fields. Errors are French, by field. */
export function checkCivilStatusRequest(act: ActKind, answers: Record<string, unknown>, now: Date = new Date()): CivilStatusCheck {
  const form = civilStatusForm(act);
  const values: Record<string, AnswerValue> = {};
  const errors: Record<string, string> = {};
  for (const step of form.steps) {
    const result = validateStepAnswers(form, step.key, answers, { now });
    Object.assign(values, result.values);
    Object.assign(errors, result.errors);
  }
  const str = (name: string): string | null => (typeof values[name] === 'string' ? (values[name] as string) : null);
  const copy = str('type_copie') as CopyKind | null;
  const relation = str('lien') as Relation | null;
  const eventDate = str('date_evenement');
  const today = parisIsoDay(now);

  if (copy && needsParents(act, copy)) {
    const parents = [1, 2].filter((n) => str(`parent${n}_nom`) || str(`parent${n}_prenoms`));
    if (parents.length === 0) {
      const why = `Indiquez le nom et les prénoms d’au moins un parent : ils sont nécessaires pour ${COPY_ARTICLES[copy]}.`;
      errors.parent1_nom ??= why;
      errors.parent1_prenoms ??= 'Indiquez les prénoms du premier parent.';
    }
    for (const n of parents) {
      if (!str(`parent${n}_nom`)) errors[`parent${n}_nom`] ??= `Indiquez le nom du ${n === 1 ? 'premier' : 'second'} parent.`;
      if (!str(`parent${n}_prenoms`)) errors[`parent${n}_prenoms`] ??= `Indiquez les prénoms du ${n === 1 ? 'premier' : 'second'} parent.`;
    }
  }
  if (copy && relation && eventDate && !isEntitled(act, copy, relation, eventDate, today)) {
    errors.lien ??=
      `Vous ne pouvez pas obtenir ${COPY_ARTICLES[copy]} de cet acte : seuls la personne concernée, son époux ou son épouse, ` +
      'ses ascendants, ses descendants ou son représentant légal le peuvent. Vous pouvez demander un extrait sans filiation.';
  }
  const country = str('pays') ?? DEFAULT_COUNTRY;
  const postalCode = str('code_postal');
  if (isFrance(country)) {
    if (!postalCode) errors.code_postal ??= 'Le code postal est obligatoire pour une adresse en France.';
    else if (!/^\d{5}$/.test(postalCode.replace(/\s/g, ''))) errors.code_postal ??= 'Un code postal français compte 5 chiffres, par exemple 49070.';
  }
  if (Object.keys(errors).length > 0 || !copy || !relation || !eventDate) {
    // In the order of the page, so the error summary reads top to bottom.
    const order = form.steps.flatMap((step) => step.fields.map((f) => f.name));
    const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
    const sorted = Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
    return { ok: false, errors: sorted, values };
  }

  const parents = [1, 2]
    .filter((n) => str(`parent${n}_nom`))
    .map((n) => ({ lastName: str(`parent${n}_nom`) as string, firstNames: str(`parent${n}_prenoms`) as string }));
  return {
    ok: true,
    values,
    details: {
      act,
      copy,
      copies: values.nombre_exemplaires as number,
      lastName: str('nom') as string,
      firstNames: str('prenoms') as string,
      spouseLastName: act === 'mariage' ? str('conjoint_nom') : null,
      spouseFirstNames: act === 'mariage' ? str('conjoint_prenoms') : null,
      eventDate,
      parents,
      relation,
      requester: {
        lastName: str('demandeur_nom') as string,
        firstName: str('demandeur_prenom') as string,
        email: (str('email') as string).toLowerCase(),
        phone: str('telephone'),
      },
      address: {
        line1: str('adresse') as string,
        line2: str('complement'),
        postalCode: postalCode && isFrance(country) ? postalCode.replace(/\s/g, '') : postalCode,
        city: str('ville') as string,
        country: isFrance(country) ? DEFAULT_COUNTRY : country,
      },
    },
  };
}

const COPY_ARTICLES: Record<CopyKind, string> = {
  copie_integrale: 'une copie intégrale',
  extrait_avec_filiation: 'un extrait avec filiation',
  extrait_sans_filiation: 'un extrait sans filiation',
  extrait_plurilingue: 'un extrait plurilingue',
};

/** The address as lines for an envelope (and the agent's screen). */
export function addressLines(a: PostalAddress): string[] {
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.country.toUpperCase()].filter(
    (l): l is string => Boolean(l),
  );
}

/** «Jean Dupont, né(e) le …»: how the act is named in mails and the back office. */
export function describeAct(d: Pick<CivilStatusDetails, 'act' | 'copy' | 'copies' | 'lastName' | 'firstNames' | 'spouseLastName' | 'spouseFirstNames' | 'eventDate'>): string {
  const who = d.act === 'mariage'
    ? `${d.firstNames} ${d.lastName} et ${d.spouseFirstNames ?? ''} ${d.spouseLastName ?? ''}`.replace(/\s+/g, ' ').trim()
    : `${d.firstNames} ${d.lastName}`;
  const copies = d.copies > 1 ? ` (${d.copies} exemplaires)` : '';
  return `${COPY_LABELS[d.copy]} — ${ACT_LABELS[d.act].toLowerCase()} de ${who}, ${EVENT_DATE_LABELS[d.act].toLowerCase()} : ${formatIsoDay(d.eventDate)}${copies}`;
}
