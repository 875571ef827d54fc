import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CATALOGUE_DIR, catalogueFileOf, loadCatalogueFile } from '../../catalogue/load';
import {
  DEFAULT_MAX_LENGTH,
  dateBounds,
  parseCatalogue,
  requiredDocumentKeys,
  validateAnswers,
  validateStepAnswers,
  type DemarcheDefinition,
} from '../../domain/catalogue';

const shipped = (): DemarcheDefinition[] => loadCatalogueFile(catalogueFileOf('beaucouze'));
const byCode = (code: string): DemarcheDefinition => {
  const def = shipped().find((d) => d.code === code);
  if (!def) throw new Error(`missing ${code}`);
  return def;
};
// 1 May 2026, noon in Paris: «today» of every date bound below unless a test says otherwise.
const NOW = { now: new Date('2026-05-01T10:00:00Z') };

describe('the Beaucouzé catalogue', () => {
  it('parses, with the four démarches of the issue', () => {
    const codes = shipped().map((d) => d.code);
    const issueCodes = [
      'inscription-scolaire',
      'restauration-periscolaire',
      'reservation-salle',
      'occupation-domaine-public',
    ];
    expect(codes).toEqual(expect.arrayContaining(issueCodes));
    expect(CATALOGUE_DIR).toBe(path.resolve(__dirname, '../../catalogue'));
  });

  it('gives contextual help for every step and every field, and for every document', () => {
    for (const def of shipped()) {
      for (const step of def.steps) {
        expect(step.help.length).toBeGreaterThan(60);
        for (const field of step.fields) {
          expect({ field: `${def.code}.${field.name}`, helped: (field.help ?? '').length > 20 }).toEqual({
            field: `${def.code}.${field.name}`,
            helped: true,
          });
        }
      }
      for (const doc of def.documents) expect(doc.help.length).toBeGreaterThan(40);
    }
  });

  it('has a démarche with required documents, one accepting paper, and one refusing it', () => {
    const docs = shipped().flatMap((d) => d.documents);
    expect(docs.some((d) => d.required)).toBe(true);
    expect(docs.some((d) => d.paperAllowed)).toBe(true);
    expect(docs.some((d) => d.required && !d.paperAllowed)).toBe(true);
  });

  it('inscription scolaire: a child, three required documents that may be posted, delays 10/7/30', () => {
    const def = byCode('inscription-scolaire');
    expect(def).toMatchObject({
      memberConcerned: 'enfant',
      requiresAccount: true,
      processingDays: 10,
      reminderAfterDays: 7,
      closeAfterDays: 30,
    });
    expect(requiredDocumentKeys(def)).toEqual(
      ['justificatif-domicile', 'livret-famille', 'carnet-vaccination'],
    );
    for (const key of requiredDocumentKeys(def)) {
      const doc = def.documents.find((d) => d.key === key);
      expect(doc).toMatchObject(
        { paperAllowed: true, acceptedTypes: ['application/pdf', 'image/jpeg', 'image/png'] },
      );
    }
    const fields = def.steps.flatMap((s) => s.fields);
    expect(fields.find((f) => f.name === 'niveau')?.options?.map((o) => o.value)).toEqual([
      'tps', 'ps', 'ms', 'gs', 'cp', 'ce1', 'ce2', 'cm1', 'cm2',
    ]);
    expect(fields.find((f) => f.name === 'ecole_souhaitee')?.required).toBe(true);
    expect(fields.find((f) => f.name === 'motif_derogation')?.required).toBe(false);
  });

  it('restauration et périscolaire: a child, days as boxes, PAI and details, optional insurance', () => {
    const def = byCode('restauration-periscolaire');
    expect(def.memberConcerned).toBe('enfant');
    const fields = def.steps.flatMap((s) => s.fields);
    const days = fields.find((f) => f.name === 'jours_restauration');
    expect(days).toMatchObject({ type: 'checkbox' });
    expect(days?.options?.map((o) => o.value)).toEqual(['lundi', 'mardi', 'jeudi', 'vendredi']);
    expect(fields.find((f) => f.name === 'pai')?.options?.map((o) => o.value).sort()).toEqual(['non', 'oui']);
    expect(fields.find((f) => f.name === 'pai_details')?.requiredWhen).toEqual(
      { field: 'pai', equals: 'oui' },
    );
    expect(def.documents.find((d) => d.key === 'attestation-assurance')).toMatchObject({ required: false });
  });

  it('réservation de salle: no member, room, date, people up to a maximum, purpose; insurance online', () => {
    const def = byCode('reservation-salle');
    expect(def.memberConcerned).toBe('none');
    const fields = def.steps.flatMap((s) => s.fields);
    expect(fields.find((f) => f.name === 'salle')?.type).toBe('select');
    expect(fields.find((f) => f.name === 'date_location')?.type).toBe('date');
    expect(fields.find((f) => f.name === 'nombre_personnes')).toMatchObject(
      { type: 'number', max: 200, integer: true },
    );
    expect(fields.find((f) => f.name === 'objet')?.required).toBe(true);
    expect(def.documents).toEqual([
      expect.objectContaining({
        key: 'attestation-responsabilite-civile',
        required: true,
        paperAllowed: false,
      }),
    ]);
  });

  it('occupation du domaine public: four kinds, address, dates, surface; a plan, paper allowed', () => {
    const def = byCode('occupation-domaine-public');
    expect(def.memberConcerned).toBe('none');
    const fields = def.steps.flatMap((s) => s.fields);
    expect(fields.find((f) => f.name === 'type_occupation')?.options?.map((o) => o.value)).toEqual([
      'terrasse', 'echafaudage', 'benne', 'demenagement',
    ]);
    expect(fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['adresse_occupation', 'date_debut', 'date_fin', 'surface_m2']),
    );
    expect(fields.find((f) => f.name === 'date_fin')?.notBefore).toBe('date_debut');
    expect(def.documents.find((d) => d.key === 'plan-situation')).toMatchObject(
      { required: true, paperAllowed: true },
    );
  });

  // A complete, realistic answer to every shipped démarche goes through without a message: the
  // shipped definitions can be filled in at all.
  const complete: Record<string, Record<string, unknown>> = {
    'inscription-scolaire': {
      rentree: 'en-cours-d-annee',
      date_entree: '18/05/2026',
      niveau: 'ce1',
      ecole_actuelle: 'École Jean Moulin, Angers',
      ecole_souhaitee: 'bourg',
      motif_derogation: 'fratrie',
      restauration_scolaire: 'oui',
      observations: 'Garde alternée.',
    },
    'restauration-periscolaire': {
      ecole: 'bourg', jours_restauration: ['lundi', 'mardi', 'jeudi', 'vendredi'], date_debut: '2026-09-01',
      accueil_matin: 'lundi', accueil_soir: ['mardi', 'jeudi'], mercredi: 'journee', pai: 'oui',
      pai_details: 'Allergie à l’arachide : trousse d’urgence dans le cartable.',
      contact_urgence: 'Jeanne Lire, grand-mère',
      telephone_urgence: '02 41 00 00 00', reglement_accepte: 'on',
    },
    'reservation-salle': {
      salle: 'salle-polyvalente', date_location: '2026-06-20', creneau: 'soiree', nature: 'associatif',
      objet: 'Assemblée générale suivie d’un repas.', nombre_personnes: '60', association: 'Comité des fêtes',
      telephone_jour_j: '06 12 34 56 78',
    },
    'occupation-domaine-public': {
      type_occupation: 'demenagement', adresse_occupation: '12 rue de la Mairie', emplacement: 'chaussee',
      date_debut: '2026-06-01', date_fin: '2026-06-01', surface_m2: '15',
    },
  };
  it.each(Object.keys(complete))('%s accepts a complete answer, step by step and as a whole', (code) => {
    const def = byCode(code);
    for (const step of def.steps) {
      expect(validateStepAnswers(def, step.key, complete[code], NOW).errors).toEqual({});
    }
    const all = validateAnswers(def, complete[code], NOW);
    expect(all.errors).toEqual({});
    expect(Object.keys(all.values).sort()).toEqual(
      def.steps.flatMap((s) => s.fields.map((f) => f.name)).filter((n) => n in all.values).sort(),
    );
  });

  it.each(Object.keys(complete))('%s refuses an empty answer: a message per required field', (code) => {
    const def = byCode(code);
    const { errors } = validateAnswers(def, {}, NOW);
    const required = def.steps.flatMap((s) => s.fields).filter((f) => f.required);
    expect(Object.keys(errors).sort()).toEqual(required.map((f) => f.name).sort());
    for (const field of required) expect(errors[field.name]).toContain(`« ${field.label} »`);
  });
});

// ---------------------------------------------------------------------------------------------------

// Broken definitions are written as plain JSON would be: any shape at all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

/** A copy of the shipped catalogue, changed by `mutate`; returns what parseCatalogue said. */
function problemsAfter(mutate: (defs: Loose[]) => void): string {
  const defs = JSON.parse(JSON.stringify(shipped())) as Loose[];
  mutate(defs);
  try {
    parseCatalogue(defs);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the broken catalogue was accepted');
}

describe('parseCatalogue refuses a broken definition, naming the place', () => {
  it.each<[string, (defs: Loose[]) => void, string, string]>([
    [
      'a duplicate code',
      (d) => (d[1].code = 'inscription-scolaire'),
      '[1] « inscription-scolaire » › code',
      '« inscription-scolaire » est déjà pris par la démarche [0].',
    ],
    [
      'a select without options',
      (d) => delete d[2].steps[0].fields[0].options,
      '[2] « reservation-salle » › steps[0].fields[0].options',
      'est obligatoire pour une liste de choix.',
    ],
    [
      'a radio with a single option',
      (d) => d[2].steps[0].fields[2].options.splice(1),
      '[2] « reservation-salle » › steps[0].fields[2].options',
      'doit contenir au moins 2 élément(s).',
    ],
    [
      'closeAfterDays equal to reminderAfterDays',
      (d) => (d[3].closeAfterDays = d[3].reminderAfterDays),
      '[3] « occupation-domaine-public » › closeAfterDays',
      'doit être supérieur à reminderAfterDays (7)',
    ],
    [
      'closeAfterDays below reminderAfterDays',
      (d) => (d[0].closeAfterDays = 3),
      '[0] « inscription-scolaire » › closeAfterDays',
      'doit être supérieur à reminderAfterDays (7)',
    ],
    [
      'an unknown mime type',
      (d) => d[0].documents[0].acceptedTypes.push('image/gif'),
      '[0] « inscription-scolaire » › documents[0].acceptedTypes[3]',
      'doit valoir : application/pdf, image/jpeg, image/png.',
    ],
    [
      'an executable allowed',
      (d) => (d[2].documents[0].acceptedTypes = ['application/x-msdownload']),
      '[2] « reservation-salle » › documents[0].acceptedTypes[0]',
      'doit valoir : application/pdf, image/jpeg, image/png.',
    ],
    [
      'no accepted type at all',
      (d) => (d[2].documents[0].acceptedTypes = []),
      '[2] « reservation-salle » › documents[0].acceptedTypes',
      'doit contenir au moins 1 élément(s).',
    ],
    [
      'an unknown field type',
      (d) => (d[1].steps[0].fields[2].type = 'datetime'),
      '[1] « restauration-periscolaire » › steps[0].fields[2].type',
      'doit valoir : text, textarea, date, select, radio, checkbox, number, email, tel.',
    ],
    [
      'a duplicate step key',
      (d) => (d[0].steps[2].key = 'scolarite'),
      '[0] « inscription-scolaire » › steps[2].key',
      '« scolarite » est déjà pris par l\'étape steps[0].',
    ],
    [
      'a field name used in two steps',
      (d) => (d[3].steps[1].fields[2].name = 'adresse_occupation'),
      '[3] « occupation-domaine-public » › steps[1].fields[2].name',
      '« adresse_occupation » est déjà pris par le champ steps[0].fields[1].',
    ],
    [
      'a duplicate document key',
      (d) => (d[0].documents[2].key = 'livret-famille'),
      '[0] « inscription-scolaire » › documents[2].key',
      '« livret-famille » est déjà pris par documents[1].',
    ],
    [
      'a duplicate option value',
      (d) => (d[0].steps[0].fields[2].options[1].value = 'tps'),
      '[0] « inscription-scolaire » › steps[0].fields[2].options[1].value',
      '« tps » est déjà pris par options[0].',
    ],
    [
      'a code that is not kebab-case',
      (d) => (d[2].code = 'Reservation_Salle'),
      '[2] « Reservation_Salle » › code',
      'doit être en minuscules, chiffres et tirets (ex. « plan-situation »).',
    ],
    [
      'a field name that is not snake_case',
      (d) => (d[2].steps[0].fields[1].name = 'dateLocation'),
      '[2] « reservation-salle » › steps[0].fields[1].name',
      'doit être en minuscules, chiffres et soulignés',
    ],
    [
      'version 0',
      (d) => (d[1].version = 0),
      '[1] « restauration-periscolaire » › version',
      'doit être supérieur ou égal à 1.',
    ],
    [
      'a version as text',
      (d) => (d[1].version = '2'),
      '[1] « restauration-periscolaire » › version',
      'doit être un nombre.',
    ],
    [
      'a step without help',
      (d) => delete d[3].steps[0].help,
      '[3] « occupation-domaine-public » › steps[0].help',
      'est obligatoire.',
    ],
    [
      'an empty title',
      (d) => (d[3].title = ''),
      '[3] « occupation-domaine-public » › title',
      'ne doit pas être vide.',
    ],
    [
      'options on a text field',
      (d) => (d[0].steps[0].fields[3].options = [{ value: 'a', label: 'A' }]),
      '[0] « inscription-scolaire » › steps[0].fields[3].options',
      'n\'a de sens que pour un champ de type select, radio ou checkbox.',
    ],
    [
      'a maximum length on a date',
      (d) => (d[0].steps[0].fields[1].maxLength = 10),
      '[0] « inscription-scolaire » › steps[0].fields[1].maxLength',
      'n\'a de sens que pour un champ de type text, textarea, email ou tel.',
    ],
    [
      'a minimum on a select',
      (d) => (d[0].steps[0].fields[2].min = 1),
      '[0] « inscription-scolaire » › steps[0].fields[2].min',
      'n\'a de sens que pour un champ de type number ou date.',
    ],
    [
      'a number bound on a date',
      (d) => (d[3].steps[1].fields[0].min = 15),
      '[3] « occupation-domaine-public » › steps[1].fields[0].min',
      'doit être une date AAAA-MM-JJ ou today, today+N, today-N.',
    ],
    [
      'a date bound that is not on the calendar',
      (d) => (d[3].steps[1].fields[0].max = '2026-02-30'),
      '[3] « occupation-domaine-public » › steps[1].fields[0].max',
      '« 2026-02-30 » n\'est pas une date du calendrier.',
    ],
    [
      'a number maximum below its minimum',
      (d) => (d[2].steps[1].fields[2].max = 0),
      '[2] « reservation-salle » › steps[1].fields[2].max',
      'doit être supérieur ou égal à min (1).',
    ],
    [
      'requiredWhen naming a field of another step',
      (d) => (d[0].steps[1].fields[2].requiredWhen = { field: 'niveau', equals: 'cp' }),
      '[0] « inscription-scolaire » › steps[1].fields[2].requiredWhen.field',
      'doit nommer un autre champ de la même étape.',
    ],
    [
      'requiredWhen with a value the other field does not offer',
      (d) => (d[1].steps[2].fields[1].requiredWhen.equals = 'si'),
      '[1] « restauration-periscolaire » › steps[2].fields[1].requiredWhen.equals',
      '« si » n\'est pas une valeur du champ « pai ».',
    ],
    [
      'requiredWhen on a field already required',
      (d) => (d[1].steps[2].fields[1].required = true),
      '[1] « restauration-periscolaire » › steps[2].fields[1].requiredWhen',
      'n\'a pas de sens pour un champ déjà obligatoire.',
    ],
    [
      'notBefore naming a field that is not a date',
      (d) => (d[3].steps[1].fields[1].notBefore = 'surface_m2'),
      '[3] « occupation-domaine-public » › steps[1].fields[1].notBefore',
      'doit nommer un autre champ date de la même étape.',
    ],
    [
      'an unknown property',
      (d) => (d[2].delai = 3),
      '[2] « reservation-salle » › delai',
      'n\'est pas une propriété connue.',
    ],
    [
      'an unknown household member',
      (d) => (d[0].memberConcerned = 'parent'),
      '[0] « inscription-scolaire » › memberConcerned',
      'doit valoir : enfant, adulte, any, none.',
    ],
    [
      'a paper flag as text',
      (d) => (d[0].documents[0].paperAllowed = 'oui'),
      '[0] « inscription-scolaire » › documents[0].paperAllowed',
      'doit valoir true ou false.',
    ],
    [
      'a text with spaces around it',
      (d) => (d[0].title = ' Inscription scolaire'),
      '[0] « inscription-scolaire » › title',
      'ne doit pas commencer ni finir par des espaces.',
    ],
  ])('%s', (_what, mutate, place, message) => {
    const said = problemsAfter(mutate);
    expect(said).toMatch(/^Le catalogue des démarches contient 1 erreur\(s\) :\n/);
    expect(said).toContain(`- ${place} : ${message}`);
  });

  it('lists every problem at once, grouped by démarche', () => {
    const message = problemsAfter((d) => {
      d[3].closeAfterDays = 1;
      d[0].documents[0].acceptedTypes = ['text/html'];
      d[1].code = 'inscription-scolaire';
      d[2].steps[0].fields[0].type = 'couleur';
    });
    const lines = message.split('\n').slice(1);
    expect(message).toMatch(/^Le catalogue des démarches contient 4 erreur\(s\) :/);
    expect(lines.map((l) => l.slice(0, 5))).toEqual(['- [0]', '- [1]', '- [2]', '- [3]']);
  });

  it.each([
    [{}, '- catalogue : doit être une liste.'],
    [null, '- catalogue : doit être une liste.'],
    [[], '- catalogue : doit contenir au moins 1 élément(s).'],
    [['inscription-scolaire'], '- [0] : doit être un objet.'],
  ])('refuses %j', (json, line) => {
    expect(() => parseCatalogue(json)).toThrow(line);
  });

  it('returns the definitions, frozen, when all is well', () => {
    const defs = JSON.parse(JSON.stringify(shipped())) as DemarcheDefinition[];
    const parsed = parseCatalogue(defs);
    expect(parsed).toEqual(defs);
    expect(Object.isFrozen(parsed[0].steps[0].fields[0])).toBe(true);
    expect(() => {
      (parsed[0] as { title: string }).title = 'Autre';
    }).toThrow(TypeError);
  });
});

describe('loadCatalogueFile', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'catalogue-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file that is not JSON', () => {
    const file = path.join(dir, 'cassee.json');
    writeFileSync(file, '[{ "code": ');
    expect(() => loadCatalogueFile(file)).toThrow(`Impossible de lire le catalogue des démarches ${file}`);
  });

  it('names the file whose definitions are wrong', () => {
    const file = path.join(dir, 'saint-clair.json');
    writeFileSync(file, JSON.stringify([{ ...shipped()[0], version: 0 }]));
    expect(() => loadCatalogueFile(file)).toThrow(
      /^saint-clair\.json : Le catalogue des démarches contient 1 erreur/,
    );
  });

  it('names a missing file', () => {
    expect(() => loadCatalogueFile(path.join(dir, 'absente.json'))).toThrow(
      'Impossible de lire le catalogue',
    );
  });

  it('finds a commune\'s file by its slug only', () => {
    expect(catalogueFileOf('beaucouze')).toBe(path.join(CATALOGUE_DIR, 'beaucouze.json'));
    for (const slug of ['../config', 'beaucouze/../../x', '', 'Beaucouze']) {
      expect(() => catalogueFileOf(slug)).toThrow('Identifiant de commune invalide');
    }
  });
});

// ---------------------------------------------------------------------------------------------------

// One field of each kind, checked through parseCatalogue like any commune's file.
const [FORM] = parseCatalogue([
  {
    code: 'formulaire-essai',
    version: 1,
    title: 'Formulaire d’essai',
    category: 'Essais',
    description: 'Un champ de chaque type.',
    requiresAccount: true,
    memberConcerned: 'any',
    processingDays: 5,
    reminderAfterDays: 2,
    closeAfterDays: 4,
    steps: [
      {
        key: 'tout',
        title: 'Tous les champs',
        help: 'Aide de l’étape.',
        fields: [
          { name: 'nom', label: 'Nom', type: 'text', required: true },
          { name: 'code_court', label: 'Code', type: 'text', required: false, maxLength: 5 },
          { name: 'commentaire', label: 'Commentaire', type: 'textarea', required: false },
          { name: 'naissance', label: 'Date de naissance', type: 'date', required: false },
          { name: 'debut', label: 'Début', type: 'date', required: false, min: 'today', max: 'today+30' },
          { name: 'fin', label: 'Fin', type: 'date', required: false, notBefore: 'debut' },
          {
            name: 'passe',
            label: 'Jour passé',
            type: 'date',
            required: false,
            min: '2020-01-01',
            max: 'today-1',
          },
          {
            name: 'salle',
            label: 'Salle',
            type: 'select',
            required: true,
            options: [
              { value: 'a', label: 'Salle A' },
              { value: 'b', label: 'Salle B' },
            ],
          },
          {
            name: 'choix',
            label: 'Allergie',
            type: 'radio',
            required: false,
            options: [
              { value: 'oui', label: 'Oui' },
              { value: 'non', label: 'Non' },
            ],
          },
          {
            name: 'precisions',
            label: 'Précisions',
            type: 'textarea',
            required: false,
            requiredWhen: { field: 'choix', equals: 'oui' },
          },
          {
            name: 'jours',
            label: 'Jours',
            type: 'checkbox',
            required: false,
            options: [
              { value: 'lundi', label: 'Lundi' },
              { value: 'mardi', label: 'Mardi' },
              { value: 'jeudi', label: 'Jeudi' },
            ],
          },
          {
            name: 'jours_obligatoires',
            label: 'Jours de présence',
            type: 'checkbox',
            required: false,
            options: [
              { value: 'lundi', label: 'Lundi' },
              { value: 'mardi', label: 'Mardi' },
            ],
          },
          { name: 'accord', label: 'J’accepte le règlement', type: 'checkbox', required: false },
          {
            name: 'personnes',
            label: 'Nombre de personnes',
            type: 'number',
            required: false,
            integer: true,
            min: 1,
            max: 80,
          },
          { name: 'surface', label: 'Surface', type: 'number', required: false, min: 0.5, max: 1500.5 },
          { name: 'courriel', label: 'Courriel', type: 'email', required: false },
          { name: 'telephone', label: 'Téléphone', type: 'tel', required: false },
        ],
      },
      {
        key: 'fin',
        title: 'Engagement',
        help: 'Aide de la dernière étape.',
        fields: [{ name: 'reglement', label: 'J’ai lu le règlement', type: 'checkbox', required: true }],
      },
    ],
    documents: [],
  },
]);

const base = { nom: 'Lire', salle: 'a' };
/** The message for `field` (undefined: accepted) and the stored value, after answering `value`. */
function answer(field: string, value: unknown, extra: Record<string, unknown> = {}, now = NOW.now) {
  const answers = { ...base, ...extra, [field]: value };
  const { values, errors } = validateStepAnswers(FORM, 'tout', answers, { now });
  const others = Object.keys(errors).filter((k) => k !== field);
  return { value: values[field], error: errors[field], others };
}

describe('validateStepAnswers', () => {
  it('accepts the minimal answer and drops names the step does not have', () => {
    const answers = { ...base, pirate: '<script>', reglement: 'on' };
    const { values, errors } = validateStepAnswers(FORM, 'tout', answers, NOW);
    expect(errors).toEqual({});
    expect(values).toEqual({ nom: 'Lire', salle: 'a', jours: [], jours_obligatoires: [], accord: false });
  });

  it('says which required field is missing, in French', () => {
    const { errors } = validateStepAnswers(FORM, 'tout', {}, NOW);
    expect(errors).toEqual(
      { nom: 'Le champ « Nom » est obligatoire.', salle: 'Le champ « Salle » est obligatoire.' },
    );
    for (const blank of ['', '   ', null, undefined, '\u00a0']) {
      expect(answer('nom', blank).error).toBe('Le champ « Nom » est obligatoire.');
    }
  });

  it('refuses an unknown step', () => {
    expect(() => validateStepAnswers(FORM, 'paiement', {})).toThrow(
      "La démarche « formulaire-essai » n'a pas d'étape « paiement ».",
    );
  });

  describe('text and textarea', () => {
    it('trims, normalises to NFC, and takes a number typed as such', () => {
      expect(answer('nom', '  Ame\u0301lie  ').value).toBe('Amélie');
      expect(answer('nom', 42).value).toBe('42');
    });

    it(`allows ${DEFAULT_MAX_LENGTH} characters by default, or the field's own limit`, () => {
      expect(answer('nom', 'é'.repeat(DEFAULT_MAX_LENGTH)).error).toBeUndefined();
      expect(answer('nom', 'é'.repeat(DEFAULT_MAX_LENGTH + 1)).error).toBe(
        'Le champ « Nom » ne doit pas dépasser 500 caractères.',
      );
      expect(answer('code_court', 'abcde').value).toBe('abcde');
      expect(answer('code_court', 'abcdef').error).toBe(
        'Le champ « Code » ne doit pas dépasser 5 caractères.',
      );
      expect(answer('commentaire', 'x'.repeat(501)).error).toBe(
        'Le champ « Commentaire » ne doit pas dépasser 500 caractères.',
      );
    });

    it('keeps line breaks in a textarea only, as \\n', () => {
      expect(answer('commentaire', 'ligne 1\r\nligne 2\rligne 3\n\tfin').value).toBe(
        'ligne 1\nligne 2\nligne 3\n\tfin',
      );
      expect(answer('nom', 'Lire\nDupont').error).toBe(
        'Le champ « Nom » contient des caractères non autorisés.',
      );
    });

    it('refuses control characters and what is not text', () => {
      expect(answer('commentaire', 'bonjour\u0000').error).toBe(
        'Le champ « Commentaire » contient des caractères non autorisés.',
      );
      expect(answer('nom', 'a\u001bb').error).toBe('Le champ « Nom » contient des caractères non autorisés.');
      expect(answer('nom', { $gt: '' }).error).toBe('Le champ « Nom » doit être un texte.');
      expect(answer('nom', ['Lire', 'Dupont']).error).toBe('Le champ « Nom » doit être un texte.');
    });
  });

  describe('date', () => {
    it.each([
      ['2026-05-12', '2026-05-12'],
      ['12/05/2026', '2026-05-12'],
      ['1/5/2026', '2026-05-01'],
      [' 29/02/2024 ', '2024-02-29'],
    ])('reads «%s» as %s', (typed, day) => {
      expect(answer('naissance', typed).value).toBe(day);
    });

    const notDates = ['31/02/2026', '2026-13-01', '29/02/2026', '2026-5-1', 'demain', '12.05.2026'];
    notDates.push('12/05/26');
    notDates.push(20260512 as unknown as string, true as unknown as string);
    it.each(notDates)(
      'refuses %p',
      (typed) => {
        expect(answer('naissance', typed).error).toBe(
          'Le champ « Date de naissance » doit être une date valide au format JJ/MM/AAAA.',
        );
      },
    );

    it('refuses implausible dates when the field sets no bounds', () => {
      expect(answer('naissance', '31/12/1899').error).toBe(
        'Le champ « Date de naissance » doit être une date à partir du 01/01/1900.',
      );
      expect(answer('naissance', '01/01/2101').error).toBe(
        'Le champ « Date de naissance » doit être une date au plus tard le 31/12/2100.',
      );
      expect(answer('naissance', '01/01/1900').error).toBeUndefined();
    });

    it('counts «today» on the Paris calendar', () => {
      // 31 December 23:30 UTC is already 1 January in Paris.
      const newYearsEve = new Date('2026-12-31T23:30:00Z');
      expect(answer('debut', '2026-12-31', {}, newYearsEve).error).toBe(
        'Le champ « Début » doit être une date à partir du 01/01/2027.',
      );
      expect(answer('debut', '2027-01-01', {}, newYearsEve).value).toBe('2027-01-01');
      expect(answer('debut', '2027-01-31', {}, newYearsEve).value).toBe('2027-01-31');
      expect(answer('debut', '2027-02-01', {}, newYearsEve).error).toBe(
        'Le champ « Début » doit être une date au plus tard le 31/01/2027.',
      );
      expect(answer('passe', '2027-01-01', {}, newYearsEve).error).toBe(
        'Le champ « Jour passé » doit être une date au plus tard le 31/12/2026.',
      );
      expect(answer('passe', '2019-12-31', {}, newYearsEve).error).toBe(
        'Le champ « Jour passé » doit être une date à partir du 01/01/2020.',
      );
    });

    it('gives the form the bounds it checks', () => {
      const field = (name: string) => FORM.steps[0].fields.find((f) => f.name === name)!;
      expect(dateBounds(field('debut'), NOW.now)).toEqual({ min: '2026-05-01', max: '2026-05-31' });
      expect(dateBounds(field('passe'), NOW.now)).toEqual({ min: '2020-01-01', max: '2026-04-30' });
      expect(dateBounds(field('naissance'), NOW.now)).toEqual({ min: '1900-01-01', max: '2100-12-31' });
    });

    it('refuses an end before its start, once both are dates', () => {
      expect(answer('fin', '2026-05-09', { debut: '2026-05-10' })).toEqual({
        value: undefined,
        error: 'Le champ « Fin » ne peut pas être antérieur au champ « Début ».',
        others: [],
      });
      expect(answer('fin', '2026-05-10', { debut: '10/05/2026' }).error).toBeUndefined();
      expect(answer('fin', '2026-05-09', { debut: 'bientôt' }).error).toBeUndefined();
      expect(answer('fin', '2026-05-09').error).toBeUndefined();
    });
  });

  describe('select and radio', () => {
    it('accepts an offered value only', () => {
      expect(answer('salle', 'b').value).toBe('b');
      expect(answer('choix', 'non').value).toBe('non');
      for (const bad of ['c', 'Salle A', 'A', ['a'], 1, '__proto__']) {
        expect(answer('salle', bad).error).toBe(
          'La valeur choisie pour le champ « Salle » ne fait pas partie des choix proposés.',
        );
      }
    });

    it('makes a field required when another has a given value', () => {
      expect(answer('choix', 'oui').others).toEqual(['precisions']);
      expect(validateStepAnswers(FORM, 'tout', { ...base, choix: 'oui' }, NOW).errors.precisions).toBe(
        'Le champ « Précisions » est obligatoire.',
      );
      expect(answer('choix', 'oui', { precisions: 'Arachide' }).others).toEqual([]);
      expect(answer('choix', 'non').others).toEqual([]);
    });
  });

  describe('checkbox', () => {
    it('stores the ticked boxes in the options order, each once, from a string or a list', () => {
      expect(answer('jours', 'mardi').value).toEqual(['mardi']);
      expect(answer('jours', ['jeudi', 'lundi', 'jeudi']).value).toEqual(['lundi', 'jeudi']);
      expect(answer('jours', []).value).toEqual([]);
    });

    it('refuses a box that is not offered', () => {
      for (const bad of [['lundi', 'dimanche'], 'mercredi', [1], { lundi: true }]) {
        expect(answer('jours', bad).error).toBe(
          'Une valeur cochée pour le champ « Jours » ne fait pas partie des choix proposés.',
        );
      }
    });

    it('asks for at least one box when the group is required', () => {
      const group = FORM.steps[0].fields.find((f) => f.name === 'jours_obligatoires');
      const required = { ...FORM, steps: [{ ...FORM.steps[0], fields: [{ ...group!, required: true }] }] };
      for (const none of [undefined, [], '']) {
        expect(validateStepAnswers(required, 'tout', { jours_obligatoires: none }).errors).toEqual({
          jours_obligatoires: 'Cochez au moins une case pour le champ « Jours de présence ».',
        });
      }
      expect(validateStepAnswers(required, 'tout', { jours_obligatoires: 'lundi' }).values).toEqual(
        { jours_obligatoires: ['lundi'] },
      );
    });

    it('reads a single box as true or false', () => {
      for (const ticked of ['on', 'true', '1', 'oui', true, ' ON ']) {
        expect(answer('accord', ticked).value).toBe(true);
      }
      for (const unticked of [undefined, '', 'false', '0', 'off', false, null]) {
        expect(answer('accord', unticked).value).toBe(false);
      }
      expect(answer('accord', 'peut-être').error).toBe(
        'Le champ « J’accepte le règlement » n\'est pas valide.',
      );
    });

    it('requires a required single box to be ticked', () => {
      expect(validateStepAnswers(FORM, 'fin', {}).errors).toEqual(
        { reglement: 'Vous devez cocher la case « J’ai lu le règlement ».' },
      );
      expect(validateStepAnswers(FORM, 'fin', { reglement: 'false' }).errors.reglement).toBeDefined();
      expect(validateStepAnswers(FORM, 'fin', { reglement: 'on' })).toEqual(
        { values: { reglement: true }, errors: {} },
      );
    });
  });

  describe('number', () => {
    it.each([
      ['12', 12],
      [' 12 ', 12],
      [12, 12],
      ['80', 80],
    ])('reads %p as %p', (typed, n) => {
      expect(answer('personnes', typed).value).toBe(n);
    });

    it('reads French decimals and thousands', () => {
      expect(answer('surface', '7,5').value).toBe(7.5);
      expect(answer('surface', '12.5').value).toBe(12.5);
      expect(answer('surface', '1 200').value).toBe(1200);
      expect(answer('surface', '1\u202f200,5').value).toBe(1200.5);
    });

    const notNumbers = ['abc', '1e3', '12,5,1', '0x10', 'Infinity', '--1', true, Number.NaN, Infinity];
    it.each(notNumbers)('refuses %p', (typed) => {
      expect(answer('surface', typed).error).toBe('Le champ « Surface » doit être un nombre.');
    });

    it('keeps to whole numbers and bounds where asked', () => {
      expect(answer('personnes', '2,5').error).toBe(
        'Le champ « Nombre de personnes » doit être un nombre entier.',
      );
      expect(answer('personnes', '0').error).toBe(
        'Le champ « Nombre de personnes » doit être supérieur ou égal à 1.',
      );
      expect(answer('personnes', '81').error).toBe(
        'Le champ « Nombre de personnes » doit être inférieur ou égal à 80.',
      );
      expect(answer('personnes', '-3').error).toBe(
        'Le champ « Nombre de personnes » doit être supérieur ou égal à 1.',
      );
      expect(answer('surface', '0,4').error).toBe('Le champ « Surface » doit être supérieur ou égal à 0,5.');
      expect(answer('surface', '1500,6').error).toBe(
        'Le champ « Surface » doit être inférieur ou égal à 1500,5.',
      );
    });
  });

  describe('email and phone', () => {
    it('accepts an email address, lower-cased', () => {
      expect(answer('courriel', ' Amelie.Lire@Exemple.FR ').value).toBe('amelie.lire@exemple.fr');
    });

    const notAddresses = ['amelie', 'amelie@', '@exemple.fr', 'amelie lire@exemple.fr', 'amelie@exemple'];
    notAddresses.push('a@b@c.fr');
    it.each(notAddresses)('refuses the address %p', (typed) => {
      expect(answer('courriel', typed).error).toBe(
        'Le champ « Courriel » doit être une adresse électronique valide, par exemple nom@exemple.fr.',
      );
    });

    it.each([
      ['06 12 34 56 78', '+33612345678'],
      ['06.12.34.56.78', '+33612345678'],
      ['+33 6 12 34 56 78', '+33612345678'],
      ['0033612345678', '+33612345678'],
      ['02 41 00 00 00', '+33241000000'],
      ['+49 30 1234567', '+49301234567'],
    ])('stores the phone %p as %p', (typed, e164) => {
      expect(answer('telephone', typed).value).toBe(e164);
    });

    const notPhones = ['12345', '06 12 34 56', '00 12 34 56 78', 'zéro six', '+33 0 12 34 56 78'];
    it.each(notPhones)('refuses the phone %p', (typed) => {
      expect(answer('telephone', typed).error).toBe(
        'Le champ « Téléphone » doit être un numéro de téléphone valide, par exemple 06 12 34 56 78.',
      );
    });
  });

  it('gives at most one message per field and no value for a field in error', () => {
    const { values, errors } = validateStepAnswers(
      FORM,
      'tout',
      { nom: '', salle: 'z', personnes: '0', courriel: 'x', debut: '2020-01-01', jours: 'dimanche' },
      NOW,
    );
    expect(Object.keys(errors).sort()).toEqual(['courriel', 'debut', 'jours', 'nom', 'personnes', 'salle']);
    for (const name of Object.keys(errors)) expect(values).not.toHaveProperty(name);
  });
});

describe('validateAnswers', () => {
  it('checks every step, as on submission', () => {
    expect(validateAnswers(FORM, { ...base }, NOW).errors).toEqual({
      reglement: 'Vous devez cocher la case « J’ai lu le règlement ».',
    });
    expect(validateAnswers(FORM, { ...base, reglement: 'on' }, NOW)).toEqual({
      values: { nom: 'Lire', salle: 'a', jours: [], jours_obligatoires: [], accord: false, reglement: true },
      errors: {},
    });
  });
});
