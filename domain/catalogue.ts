// A commune's démarches are data, not code: each is a versioned definition (steps and their fields,
// contextual help, documents, delays) checked once when the catalogue is loaded, so a mistake in a
// commune's file stops the start with every problem listed rather than showing up in front of a
// resident. The same definitions then validate each step's answers on the server.
//
// Pure: reading the file is catalogue/load.ts's job. joi is used here only, for the definitions.
import Joi from 'joi';
import { formatIsoDay, parisIsoDay } from './dates';
import { toE164 } from './phone';

export const FIELD_TYPES = [
  'text',
  'textarea',
  'date',
  'select',
  'radio',
  'checkbox',
  'number',
  'email',
  'tel',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** What an upload may be; its real type is read from its content, not from its name. */
export const DOCUMENT_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentMimeType = (typeof DOCUMENT_MIME_TYPES)[number];

/** Which household member a démarche is for: a child, an adult, anyone, or nobody in particular. */
export const MEMBERS_CONCERNED = ['enfant', 'adulte', 'any', 'none'] as const;
export type MemberConcerned = (typeof MEMBERS_CONCERNED)[number];

/** Longest answer to a text field when its definition says nothing. */
export const DEFAULT_MAX_LENGTH = 500;
/** Dates outside these are typing mistakes (2062 for 2026), unless a field sets its own bounds. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2100-12-31';

export interface FieldOption {
  value: string;
  label: string;
}

export interface FieldDefinition {
  /** snake_case; the form's field name and the key of the stored answer. Unique in the démarche. */
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  help?: string;
  /** select and radio: the choices. checkbox: several boxes (answer = the ticked values); without
   * options a checkbox is a single box (answer = true/false), and `required` means it must be ticked. */
  options?: FieldOption[];
  /** text, textarea, email, tel: in characters; DEFAULT_MAX_LENGTH when absent. */
  maxLength?: number;
  /** number: bounds. date: 'AAAA-MM-JJ', or 'today', 'today+N', 'today-N' (days, on the Paris calendar). */
  min?: number | string;
  max?: number | string;
  /** number: whole numbers only (a number of people). */
  integer?: boolean;
  /** date: not before the date answered in this other field of the same step (an end after a start). */
  notBefore?: string;
  /** An optional field that becomes required when another field of the same step has this value. */
  requiredWhen?: { field: string; equals: string };
}

export interface StepDefinition {
  key: string;
  title: string;
  /** The contextual help shown beside the step (the FAQ's «aides contextuelles»). */
  help: string;
  fields: FieldDefinition[];
}

export interface DocumentDefinition {
  key: string;
  label: string;
  help: string;
  required: boolean;
  acceptedTypes: DocumentMimeType[];
  /** The resident may post it instead («je l'enverrai par courrier»). */
  paperAllowed: boolean;
  /** Overrides the portal's default upload limit for this document. */
  maxSizeMb?: number;
}

export interface DemarcheDefinition {
  /** kebab-case, stable: stored on each request and in the workflow's search attributes. */
  code: string;
  /** Raised when the form changes; each request keeps the version it was submitted with. */
  version: number;
  title: string;
  category: string;
  description: string;
  requiresAccount: boolean;
  memberConcerned: MemberConcerned;
  /** The processing delay announced to the resident, in business days of the commune. */
  processingDays: number;
  /** Days awaiting documents before the reminder. */
  reminderAfterDays: number;
  /** Days awaiting documents before the request is closed without action. */
  closeAfterDays: number;
  steps: StepDefinition[];
  documents: DocumentDefinition[];
}

// ---------------------------------------------------------------------------------------------------
// Loading: the definitions' shape (joi), then what joi cannot see (uniqueness, references, order).

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const DATE_BOUND = /^(?:today(?:[+-]\d{1,5})?|\d{4}-\d{2}-\d{2})$/;

// joi's codes in French; each message follows the path of what it is about.
const JOI_MESSAGES: Record<string, string> = {
  'any.required': 'est obligatoire',
  'any.unknown': "n'est pas permis ici",
  'any.only': 'doit valoir : {#valids}',
  'object.base': 'doit être un objet',
  'object.unknown': "n'est pas une propriété connue",
  'array.base': 'doit être une liste',
  'array.min': 'doit contenir au moins {#limit} élément(s)',
  'array.max': 'ne doit pas contenir plus de {#limit} éléments',
  'array.unique': 'est en double',
  'string.base': 'doit être un texte',
  'string.empty': 'ne doit pas être vide',
  'string.min': 'doit contenir au moins {#limit} caractères',
  'string.max': 'ne doit pas dépasser {#limit} caractères',
  'string.trim': "ne doit pas commencer ni finir par des espaces",
  'string.pattern.name': 'doit être {#name}',
  'string.pattern.base': "n'est pas au bon format",
  'number.base': 'doit être un nombre',
  'number.integer': 'doit être un nombre entier',
  'number.min': 'doit être supérieur ou égal à {#limit}',
  'number.max': 'doit être inférieur ou égal à {#limit}',
  'number.positive': 'doit être positif',
  'boolean.base': 'doit valoir true ou false',
};

const text = (max: number) => Joi.string().trim().min(1).max(max);
const kebab = Joi.string()
  .max(60)
  .pattern(KEBAB, 'en minuscules, chiffres et tirets (ex. « plan-situation »)');
const snake = Joi.string()
  .max(60)
  .pattern(SNAKE, 'en minuscules, chiffres et soulignés (ex. « date_fin »)');
const OPTION_VALUE = /^[a-z0-9][a-z0-9_-]*$/;

const optionSchema = Joi.object({
  value: Joi.string().max(60).pattern(OPTION_VALUE, 'en minuscules, chiffres, tirets, soulignés').required(),
  label: text(200).required(),
});

const whenType = (types: FieldType[], then: Joi.Schema, otherwise: Joi.Schema) =>
  Joi.when('type', { is: Joi.valid(...types).required(), then, otherwise });
/** Refused on the other known types; on an unknown type, the type's own error is enough. */
const onlyForTypes = (types: string) =>
  Joi.when('type', {
    is: Joi.valid(...FIELD_TYPES).required(),
    then: Joi.forbidden().messages({ 'any.unknown': `n'a de sens que pour un champ de type ${types}` }),
  });

const DATE_BOUND_TEXT = 'doit être une date AAAA-MM-JJ ou today, today+N, today-N';
const dateBound = Joi.string()
  .pattern(DATE_BOUND)
  .messages({ 'string.base': DATE_BOUND_TEXT, 'string.pattern.base': DATE_BOUND_TEXT });
const bound = whenType(
  ['number'],
  Joi.number(),
  whenType(['date'], dateBound, onlyForTypes('number ou date')),
);

const fieldSchema = Joi.object({
  name: snake.required(),
  label: text(200).required(),
  type: Joi.string().valid(...FIELD_TYPES).required(),
  required: Joi.boolean().required(),
  help: text(2000),
  options: whenType(
    ['select', 'radio'],
    Joi.array()
      .items(optionSchema)
      .min(2)
      .required()
      .messages({ 'any.required': 'est obligatoire pour une liste de choix' }),
    whenType(['checkbox'], Joi.array().items(optionSchema).min(1), onlyForTypes('select, radio ou checkbox')),
  ),
  maxLength: whenType(
    ['text', 'textarea', 'email', 'tel'],
    Joi.number().integer().min(1).max(10_000),
    onlyForTypes('text, textarea, email ou tel'),
  ),
  min: bound,
  max: bound,
  integer: whenType(['number'], Joi.boolean(), onlyForTypes('number')),
  notBefore: whenType(['date'], snake, onlyForTypes('date')),
  requiredWhen: Joi.object({
    field: snake.required(),
    equals: Joi.string().min(1).required(),
  }).when('required', {
    is: true,
    then: Joi.forbidden().messages({ 'any.unknown': "n'a pas de sens pour un champ déjà obligatoire" }),
  }),
});

const stepSchema = Joi.object({
  key: kebab.required(),
  title: text(200).required(),
  help: text(4000).required(),
  fields: Joi.array().items(fieldSchema).min(1).required(),
});

const documentSchema = Joi.object({
  key: kebab.required(),
  label: text(200).required(),
  help: text(2000).required(),
  required: Joi.boolean().required(),
  acceptedTypes: Joi.array()
    .items(Joi.string().valid(...DOCUMENT_MIME_TYPES))
    .min(1)
    .unique()
    .required(),
  paperAllowed: Joi.boolean().required(),
  maxSizeMb: Joi.number().positive().max(100),
});

const days = (max: number) => Joi.number().integer().min(1).max(max).required();

const definitionSchema = Joi.object({
  code: kebab.required(),
  version: Joi.number().integer().min(1).required(),
  title: text(200).required(),
  category: text(100).required(),
  description: text(2000).required(),
  requiresAccount: Joi.boolean().required(),
  memberConcerned: Joi.string().valid(...MEMBERS_CONCERNED).required(),
  processingDays: days(365),
  reminderAfterDays: days(365),
  closeAfterDays: days(730),
  steps: Joi.array().items(stepSchema).min(1).required(),
  documents: Joi.array().items(documentSchema).required(),
});

const catalogueSchema = Joi.array().items(definitionSchema).min(1).required();

type Path = (string | number)[];
interface Problem {
  path: Path;
  message: string;
}

// The cross-checks run on the raw JSON, whatever joi found, so that every problem is listed at once:
// they look only at what has the expected shape.
type Raw = Record<string, unknown>;
const isObject = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
/** The objects of a list, with their index in it. */
function objects(x: unknown): [Raw, number][] {
  if (!Array.isArray(x)) return [];
  return x.flatMap((item: unknown, i) => (isObject(item) ? [[item, i] as [Raw, number]] : []));
}

/** Reports the second and later holders of the same `key` value among `items`. */
function duplicates(
  items: [Raw, number][],
  key: string,
  pathOf: (index: number) => Path,
  firstPlace: (index: number) => string,
): Problem[] {
  const seen = new Map<unknown, number>();
  const problems: Problem[] = [];
  for (const [item, i] of items) {
    const value = item[key];
    if (typeof value !== 'string') continue;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else {
      const message = `« ${value} » est déjà pris par ${firstPlace(first)}`;
      problems.push({ path: [...pathOf(i), key], message });
    }
  }
  return problems;
}

function isCalendarDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = new Date(Date.UTC(y, mo, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo && date.getUTCDate() === d;
}

/** A field's references and bounds; `byName` holds the fields of its step. */
function fieldProblems(field: Raw, at: (...rest: Path) => Path, byName: Map<unknown, Raw>): Problem[] {
  const options = objects(field.options);
  const problems = duplicates(options, 'value', (o) => at('options', o), (o) => `options[${o}]`);
  const { min, max } = field;
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    problems.push({ path: at('max'), message: `doit être supérieur ou égal à min (${min})` });
  }
  for (const [key, value] of [['min', min], ['max', max]] as const) {
    if (typeof value === 'string' && !value.startsWith('today') && !isCalendarDay(value)) {
      problems.push({ path: at(key), message: `« ${value} » n'est pas une date du calendrier` });
    }
  }
  const [minDay, maxDay] = [min, max].map((b) => (typeof b === 'string' && isCalendarDay(b) ? b : undefined));
  if (minDay && maxDay && minDay > maxDay) {
    problems.push({ path: at('max'), message: `doit être postérieur ou égal à min (${min})` });
  }
  if (typeof field.notBefore === 'string') {
    const start = byName.get(field.notBefore);
    if (!start || start === field || start.type !== 'date') {
      problems.push({ path: at('notBefore'), message: 'doit nommer un autre champ date de la même étape' });
    }
  }
  const when = field.requiredWhen;
  if (isObject(when) && typeof when.field === 'string') {
    const other = byName.get(when.field);
    if (!other || other === field) {
      const message = 'doit nommer un autre champ de la même étape';
      problems.push({ path: at('requiredWhen', 'field'), message });
    } else if (other.options && !objects(other.options).some(([o]) => o.value === when.equals)) {
      const message = `« ${String(when.equals)} » n'est pas une valeur du champ « ${when.field} »`;
      problems.push({ path: at('requiredWhen', 'equals'), message });
    }
  }
  return problems;
}

/** The checks that span several places of one definition. */
function definitionProblems(def: Raw, d: number): Problem[] {
  const problems: Problem[] = [];
  const { reminderAfterDays: reminder, closeAfterDays: close } = def;
  if (typeof reminder === 'number' && typeof close === 'number' && close <= reminder) {
    problems.push({
      path: [d, 'closeAfterDays'],
      message: `doit être supérieur à reminderAfterDays (${reminder}) : la relance précède le classement`,
    });
  }
  const steps = objects(def.steps);
  problems.push(...duplicates(steps, 'key', (s) => [d, 'steps', s], (s) => `l'étape steps[${s}]`));

  // Field names are the keys of the stored answers: unique across the steps, not only within one.
  const firstByName = new Map<unknown, string>();
  for (const [step, s] of steps) {
    const fields = objects(step.fields);
    const byName = new Map(fields.map(([field]) => [field.name, field]));
    for (const [field, f] of fields) {
      const at = (...rest: Path): Path => [d, 'steps', s, 'fields', f, ...rest];
      const first = firstByName.get(field.name);
      if (typeof field.name === 'string' && first) {
        problems.push({ path: at('name'), message: `« ${field.name} » est déjà pris par le champ ${first}` });
      } else if (typeof field.name === 'string') firstByName.set(field.name, `steps[${s}].fields[${f}]`);
      problems.push(...fieldProblems(field, at, byName));
    }
  }
  const documents = objects(def.documents);
  problems.push(...duplicates(documents, 'key', (k) => [d, 'documents', k], (k) => `documents[${k}]`));
  return problems;
}

function describePath(json: unknown, path: Path): string {
  if (path.length === 0) return 'catalogue';
  const [first, ...rest] = path;
  const def = Array.isArray(json) && typeof first === 'number' ? json[first] : undefined;
  const code = isObject(def) && typeof def.code === 'string' ? ` « ${def.code} »` : '';
  const inside = rest.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return `[${String(first)}]${code}${inside ? ` › ${inside}` : ''}`;
}

/**
 * The definitions of a commune's catalogue, checked. Throws one Error listing every problem, each
 * with its place (`[1] « reservation-salle » › steps[0].fields[2].options : est obligatoire…`).
 */
export function parseCatalogue(json: unknown): DemarcheDefinition[] {
  const { error } = catalogueSchema.validate(json, {
    abortEarly: false,
    convert: false,
    messages: JOI_MESSAGES,
    errors: { wrap: { label: false, array: false, string: false } },
  });
  const problems: Problem[] = (error?.details ?? []).map((detail) => ({
    path: detail.path,
    message: detail.type in JOI_MESSAGES ? detail.message : `n'est pas valide (${detail.type})`,
  }));
  const definitions = objects(json);
  problems.push(...duplicates(definitions, 'code', (d) => [d], (d) => `la démarche [${d}]`));
  for (const [def, d] of definitions) problems.push(...definitionProblems(def, d));

  if (problems.length > 0) {
    // Grouped by démarche, in the file's order (sort is stable).
    const rank = (p: Problem) => (typeof p.path[0] === 'number' ? p.path[0] : -1);
    problems.sort((a, b) => rank(a) - rank(b));
    const lines = problems.map((p) => `- ${describePath(json, p.path)} : ${p.message}.`);
    const heading = `Le catalogue des démarches contient ${problems.length} erreur(s) :`;
    throw new Error([heading, ...lines].join('\n'));
  }
  return deepFreeze(json as DemarcheDefinition[]);
}

/** The definitions are shared by every request of the commune: nobody may change them in passing. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The keys of the documents without which the request cannot be «Complet». */
export function requiredDocumentKeys(def: DemarcheDefinition): string[] {
  return def.documents.filter((doc) => doc.required).map((doc) => doc.key);
}

// ---------------------------------------------------------------------------------------------------
// Answers: one step at a time, on the server, whatever the browser checked.

export type AnswerValue = string | number | boolean | string[];

export interface StepValidation {
  /** The answers converted to their stored form (dates AAAA-MM-JJ, numbers, E.164 phones…); empty
   * optional answers are left out, and so are names the step does not have. */
  values: Record<string, AnswerValue>;
  /** One French message per field in error, by field name. */
  errors: Record<string, string>;
}

export interface AnswerOptions {
  /** The moment «today» refers to in date bounds; now by default. */
  now?: Date;
}

function dayPlus(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function resolveBound(bound: string | number | undefined, today: string): string | undefined {
  if (typeof bound !== 'string') return undefined;
  if (!bound.startsWith('today')) return bound;
  return dayPlus(today, Number(bound.slice('today'.length) || 0));
}

/**
 * The first and last day a date field accepts on `now`'s Paris calendar, as AAAA-MM-JJ: what the
 * server checks, and what the form gives its `<input type="date">` as min and max.
 */
export function dateBounds(field: FieldDefinition, now: Date = new Date()): { min: string; max: string } {
  const today = parisIsoDay(now);
  return {
    min: resolveBound(field.min, today) ?? EARLIEST_DATE,
    max: resolveBound(field.max, today) ?? LATEST_DATE,
  };
}

const BOX_TICKED = new Set(['true', 'on', '1', 'oui', 'yes']);
const BOX_UNTICKED = new Set(['', 'false', 'off', '0', 'non', 'no']);
/** C0 controls and DEL, which no keyboard types; a textarea keeps its line breaks and tabs. */
function hasControlCharacter(s: string, multiline: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (multiline && (c === 0x09 || c === 0x0a)) continue;
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
const emailSchema = Joi.string().email({ tlds: false });

type Check = { value?: AnswerValue; error?: string };

const isBlank = (raw: unknown) =>
  raw === undefined ||
  raw === null ||
  (typeof raw === 'string' && raw.trim() === '') ||
  (Array.isArray(raw) && raw.length === 0);

function checkText(field: FieldDefinition, raw: unknown, name: string): Check {
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    return { error: `Le champ ${name} doit être un texte.` };
  }
  let value = String(raw).normalize('NFC').trim();
  if (field.type === 'textarea') value = value.replace(/\r\n?/g, '\n');
  if (hasControlCharacter(value, field.type === 'textarea')) {
    return { error: `Le champ ${name} contient des caractères non autorisés.` };
  }
  const max = field.maxLength ?? DEFAULT_MAX_LENGTH;
  if ([...value].length > max) return { error: `Le champ ${name} ne doit pas dépasser ${max} caractères.` };
  if (field.type === 'email') {
    value = value.toLowerCase();
    if (emailSchema.validate(value).error) {
      const example = 'par exemple nom@exemple.fr';
      return { error: `Le champ ${name} doit être une adresse électronique valide, ${example}.` };
    }
  }
  if (field.type === 'tel') {
    const e164 = toE164(value);
    if (!e164) {
      const example = 'par exemple 06 12 34 56 78';
      return { error: `Le champ ${name} doit être un numéro de téléphone valide, ${example}.` };
    }
    value = e164;
  }
  return { value };
}

function checkDate(field: FieldDefinition, raw: unknown, name: string, now: Date): Check {
  const invalid = { error: `Le champ ${name} doit être une date valide au format JJ/MM/AAAA.` };
  if (typeof raw !== 'string') return invalid;
  const typed = raw.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(typed);
  const pad = (n: string) => n.padStart(2, '0');
  const day = iso ? typed : french ? `${french[3]}-${pad(french[2])}-${pad(french[1])}` : null;
  if (!day || !isCalendarDay(day)) return invalid;
  const { min, max } = dateBounds(field, now);
  if (day < min) return { error: `Le champ ${name} doit être une date à partir du ${formatIsoDay(min)}.` };
  if (day > max) {
    return { error: `Le champ ${name} doit être une date au plus tard le ${formatIsoDay(max)}.` };
  }
  return { value: day };
}

function checkNumber(field: FieldDefinition, raw: unknown, name: string): Check {
  // Typed in French, «12,5» is twelve and a half; spaces group thousands («1 200»).
  const typed = typeof raw === 'string' ? raw.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.') : raw;
  const decimal = typeof typed === 'string' && /^-?\d+(?:\.\d+)?$/.test(typed);
  const value = typeof typed === 'number' ? typed : decimal ? Number(typed) : NaN;
  if (!Number.isFinite(value)) return { error: `Le champ ${name} doit être un nombre.` };
  if (field.integer && !Number.isInteger(value)) {
    return { error: `Le champ ${name} doit être un nombre entier.` };
  }
  const french = (n: number) => String(n).replace('.', ',');
  if (typeof field.min === 'number' && value < field.min) {
    return { error: `Le champ ${name} doit être supérieur ou égal à ${french(field.min)}.` };
  }
  if (typeof field.max === 'number' && value > field.max) {
    return { error: `Le champ ${name} doit être inférieur ou égal à ${french(field.max)}.` };
  }
  return { value };
}

function checkChoice(field: FieldDefinition, raw: unknown, name: string): Check {
  const options = field.options ?? [];
  if (typeof raw !== 'string' || !options.some((o) => o.value === raw.trim())) {
    return { error: `La valeur choisie pour le champ ${name} ne fait pas partie des choix proposés.` };
  }
  return { value: raw.trim() };
}

function checkBoxes(field: FieldDefinition, raw: unknown, name: string): Check {
  if (!field.options) {
    const typed = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
    if (typed === true || (typeof typed === 'string' && BOX_TICKED.has(typed))) return { value: true };
    const unticked = typed === false || typed === undefined || typed === null;
    if (unticked || (typeof typed === 'string' && BOX_UNTICKED.has(typed))) {
      return field.required ? { error: `Vous devez cocher la case ${name}.` } : { value: false };
    }
    return { error: `Le champ ${name} n'est pas valide.` };
  }
  // A form sends one string when one box is ticked, an array when several are.
  const ticked = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (!ticked.every((v) => typeof v === 'string' && field.options?.some((o) => o.value === v))) {
    return { error: `Une valeur cochée pour le champ ${name} ne fait pas partie des choix proposés.` };
  }
  if (field.required && ticked.length === 0) {
    return { error: `Cochez au moins une case pour le champ ${name}.` };
  }
  // In the options' order, each once: the stored answer does not depend on how the browser sent it.
  return { value: field.options.filter((o) => ticked.includes(o.value)).map((o) => o.value) };
}

function isRequired(field: FieldDefinition, answers: Record<string, unknown>): boolean {
  if (field.required) return true;
  if (!field.requiredWhen) return false;
  const other = answers[field.requiredWhen.field];
  const equals = field.requiredWhen.equals;
  return Array.isArray(other) ? other.includes(equals) : typeof other === 'string' && other.trim() === equals;
}

/**
 * Checks one step's answers against its fields. Every field gets at most one message, in French,
 * naming the field as the form labels it.
 */
export function validateStepAnswers(
  def: DemarcheDefinition,
  stepKey: string,
  answers: Record<string, unknown>,
  options: AnswerOptions = {},
): StepValidation {
  const step = def.steps.find((s) => s.key === stepKey);
  if (!step) throw new Error(`La démarche « ${def.code} » n'a pas d'étape « ${stepKey} ».`);
  const now = options.now ?? new Date();
  const values: Record<string, AnswerValue> = {};
  const errors: Record<string, string> = {};
  const input = isObject(answers) ? answers : {};

  for (const field of step.fields) {
    const raw = Object.prototype.hasOwnProperty.call(input, field.name) ? input[field.name] : undefined;
    const name = `« ${field.label} »`;
    const boolBox = field.type === 'checkbox' && !field.options;
    if (!boolBox && isBlank(raw)) {
      if (isRequired(field, input)) {
        errors[field.name] =
          field.type === 'checkbox'
            ? `Cochez au moins une case pour le champ ${name}.`
            : `Le champ ${name} est obligatoire.`;
      } else if (field.type === 'checkbox') values[field.name] = [];
      continue;
    }
    let check: Check;
    switch (field.type) {
      case 'text':
      case 'textarea':
      case 'email':
      case 'tel':
        check = checkText(field, raw, name);
        break;
      case 'date':
        check = checkDate(field, raw, name, now);
        break;
      case 'number':
        check = checkNumber(field, raw, name);
        break;
      case 'select':
      case 'radio':
        check = checkChoice(field, raw, name);
        break;
      case 'checkbox':
        check = checkBoxes(field, raw, name);
        break;
    }
    if (check.error !== undefined) errors[field.name] = check.error;
    else if (check.value !== undefined && check.value !== '') values[field.name] = check.value;
    else if (isRequired(field, input)) errors[field.name] = `Le champ ${name} est obligatoire.`;
  }

  // An end date before its start: said on the end, once both are valid dates.
  for (const field of step.fields) {
    const start = field.notBefore;
    const [end, begin] = [values[field.name], start === undefined ? undefined : values[start]];
    if (typeof end !== 'string' || typeof begin !== 'string') continue;
    if (end < begin) {
      const startLabel = step.fields.find((f) => f.name === start)?.label ?? start;
      const name = `« ${field.label} »`;
      errors[field.name] = `Le champ ${name} ne peut pas être antérieur au champ « ${startLabel} ».`;
      delete values[field.name];
    }
  }
  return { values, errors };
}

/** Every step's answers, as on submission: the draft is re-checked in full, never trusted. */
export function validateAnswers(
  def: DemarcheDefinition,
  answers: Record<string, unknown>,
  options: AnswerOptions = {},
): StepValidation {
  const all: StepValidation = { values: {}, errors: {} };
  for (const step of def.steps) {
    const { values, errors } = validateStepAnswers(def, step.key, answers, options);
    Object.assign(all.values, values);
    Object.assign(all.errors, errors);
  }
  return all;
}
