// What each sign-up tab and each account form accepts. Field names are the forms' names, and
// the JSON API uses the same ones, so a message always lands next to its field.
import Joi from 'joi';
import { frenchMessages } from './french-joi';
import { toE164 } from '../../domain/phone';

export const CIVILITES = ['Madame', 'Monsieur'] as const;

export const SECURITY_QUESTIONS = [
  'Quel est le nom de votre premier animal de compagnie ?',
  'Quelle est la ville de naissance de votre mère ?',
  'Quel est le prénom de votre meilleur ami d’enfance ?',
  'Quel était le nom de votre école primaire ?',
  'Quel est le titre de votre livre préféré ?',
  'Quel est le nom de jeune fille de votre grand-mère maternelle ?',
] as const;

// Letters of any script, with single spaces, apostrophes or hyphens between them: what
// French civil-status names contain, and nothing a page or a mail could interpret.
const NAME_PATTERN = /^[\p{L}\p{M}]+(?:(?: |'|’|-|' |’ )[\p{L}\p{M}]+)*$/u;

const name = (label: string) =>
  Joi.string()
    .trim()
    .normalize('NFC')
    .max(60)
    .pattern(NAME_PATTERN)
    .required()
    .messages({
      ...frenchMessages(label),
      'string.pattern.base': `${label} ne peut contenir que des lettres, des espaces, des apostrophes et des tirets.`,
    });

/** Accepts 'AAAA-MM-JJ' (date fields) or 'JJ/MM/AAAA' (typed by hand); gives 'AAAA-MM-JJ'. */
const calendarDate = (label: string, rule: 'birth' | 'member-birth') =>
  Joi.string()
    .trim()
    .required()
    .custom((raw: string, helpers) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(raw);
      if (!m) return helpers.error('date.format');
      const [y, mo, d] = raw.includes('/') ? [m[3], m[2], m[1]] : [m[1], m[2], m[3]];
      const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
      if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
        return helpers.error('date.format');
      }
      const today = new Date();
      if (date.getTime() > today.getTime()) return helpers.error('date.future');
      if (Number(y) < 1900) return helpers.error('date.tooOld');
      if (rule === 'birth') {
        const adultSince = new Date(Date.UTC(today.getUTCFullYear() - 18, today.getUTCMonth(), today.getUTCDate()));
        if (date.getTime() > adultSince.getTime()) return helpers.error('date.minor');
      }
      return `${y}-${mo}-${d}`;
    })
    .messages({
      ...frenchMessages(label),
      'date.format': `${label} doit être une date valide au format JJ/MM/AAAA.`,
      'date.future': `${label} ne peut pas être dans le futur.`,
      'date.tooOld': `${label} doit être postérieure à 1900.`,
      'date.minor': 'Le titulaire du compte doit être majeur (18 ans ou plus).',
    });


const phone = Joi.string()
  .trim()
  .allow('')
  .max(25)
  .custom((raw: string, helpers) => {
    if (raw === '') return null;
    return toE164(raw) ?? helpers.error('phone.format');
  })
  .messages({
    ...frenchMessages('Le numéro de téléphone'),
    'phone.format': 'Le numéro de téléphone doit être un numéro valide, par exemple 06 12 34 56 78.',
  });

export const identitySchema = Joi.object({
  civilite: Joi.string().valid(...CIVILITES).required().messages(frenchMessages('La civilité')),
  prenom: name('Le prénom'),
  nom: name('Le nom'),
  date_naissance: calendarDate('La date de naissance', 'birth'),
});

export const contactSchema = Joi.object({
  email: Joi.string().trim().lowercase().max(254).email({ tlds: false }).required().messages(frenchMessages("L'adresse électronique")),
  telephone: phone,
  adresse: Joi.string().trim().max(150).required().messages(frenchMessages("L'adresse")),
  code_postal: Joi.string()
    .trim()
    .pattern(/^\d{5}$/)
    .required()
    .messages({ ...frenchMessages('Le code postal'), 'string.pattern.base': 'Le code postal doit comporter 5 chiffres.' }),
  ville: Joi.string().trim().max(80).required().messages(frenchMessages('La ville')),
  mode_communication: Joi.string().valid('email', 'sms').default('email').messages(frenchMessages('Le mode de communication')),
});

export const memberSchema = Joi.object({
  membre_type: Joi.string().valid('adulte', 'enfant').required().messages(frenchMessages('Le type de membre')),
  membre_civilite: Joi.string().valid(...CIVILITES).required().messages(frenchMessages('La civilité du membre')),
  membre_prenom: name('Le prénom du membre'),
  membre_nom: name('Le nom du membre'),
  membre_date_naissance: calendarDate('La date de naissance du membre', 'member-birth'),
  membre_lien: Joi.string().trim().allow('').max(40).pattern(NAME_PATTERN).messages({
    ...frenchMessages('Le lien avec vous'),
    'string.pattern.base': 'Le lien avec vous ne peut contenir que des lettres, des espaces et des tirets.',
  }),
});

export const securitySchema = Joi.object({
  mot_de_passe: Joi.string().max(128).required().messages(frenchMessages('Le mot de passe')),
  mot_de_passe_confirmation: Joi.string().required().messages(frenchMessages('La confirmation du mot de passe')),
  question: Joi.string().valid(...SECURITY_QUESTIONS).required().messages(frenchMessages('La question secrète')),
  reponse: Joi.string().trim().min(2).max(100).required().messages(frenchMessages('La réponse')),
});

export const loginSchema = Joi.object({
  identifiant: Joi.string().trim().max(254).required().messages(frenchMessages("L'identifiant")),
  mot_de_passe: Joi.string().max(256).required().messages(frenchMessages('Le mot de passe')),
});

export const passwordChangeSchema = Joi.object({
  mot_de_passe_actuel: Joi.string().max(256).required().messages(frenchMessages('Le mot de passe actuel')),
  nouveau_mot_de_passe: Joi.string().max(128).required().messages(frenchMessages('Le nouveau mot de passe')),
  nouveau_mot_de_passe_confirmation: Joi.string().required().messages(frenchMessages('La confirmation du mot de passe')),
});

export const securityQuestionChangeSchema = Joi.object({
  mot_de_passe_actuel: Joi.string().max(256).required().messages(frenchMessages('Le mot de passe actuel')),
  question: securitySchema.extract('question'),
  reponse: securitySchema.extract('reponse'),
});

export const rejectionSchema = Joi.object({
  motif: Joi.string().trim().max(500).required().messages(frenchMessages('Le motif du rejet')),
});
