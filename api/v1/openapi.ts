// OpenAPI 3.0.3 description of /api/v1, in French like the portal. Enumerations and limits come
// from the validation schemas and the services, so the description cannot drift from the rules;
// tests/unit/openapi.test.ts checks it against the router and the Joi schemas.
import { SESSION_COOKIE } from '../middleware/session';
import { UPDATE_UNCONFIRMED } from '../errors';
import { MAX_MEMBERS } from '../services/accounts.service';
import { CIVILITES, SECURITY_QUESTIONS } from '../validation/account';
import { MEMBERS_CONCERNED } from '../../domain/catalogue';
import { DEMARCHE_EVENTS, DEMARCHE_STATUSES, MAX_TEXT_LENGTH } from '../../domain/demarche-status';
import { DEFAULT_MAX_LENGTH, type FieldDefinition } from '../../domain/catalogue';
import { ACT_KINDS, COPY_KINDS, MAX_COPIES, civilStatusForm, type ActKind } from '../../domain/civil-status';
import { CIVIL_STATUS_STATUSES, REFUSAL_REASONS } from '../../domain/civil-status-status';
import { TRACKING_TOKEN } from '../../notify/tracking-link';
import { CIVIL_STATUS_EVENT_LABELS, MAX_REFUSAL_LENGTH, REFUSAL_CODES } from './civil-status';
import { SUBMISSION_KEY as CIVIL_STATUS_SUBMISSION_KEY } from '../services/civil-status.service';
import {
  EXPECTED_HEADER,
  MAX_AMOUNT_CENTS,
  MAX_IMPORT_BYTES,
  MAX_INVOICE_LINES,
  MAX_NUMBER_LENGTH,
  MAX_TEXT_LENGTH as MAX_INVOICE_TEXT_LENGTH,
} from '../../domain/invoice-import';
import { API_KEY_HEADER } from './invoices';
import { BASKET_LOCKED, BASKET_REFUSED, PAYMENT_LABELS, PAYMENT_STATUSES, STATEMENT_MONTHS } from '../../domain/basket';
import { NOT_VALIDATED } from '../services/payments.service';

type Schema = Record<string, unknown>;

const schemaRef = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string): Schema => ({ $ref: `#/components/responses/${name}` });
const jsonContent = (schema: Schema): Schema => ({ 'application/json': { schema } });
const ok = (description: string, schema: Schema): Schema => ({ description, content: jsonContent(schema) });
const noContent = (description: string): Schema => ({ description });

const string = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const object = (required: string[], properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  ...(required.length ? { required } : {}),
  properties,
  ...extra,
});

/** Names and civil-status words: letters, single spaces, apostrophes, hyphens (see api/validation/account.ts). */
const NAME_DESCRIPTION = 'lettres, espaces, apostrophes et tirets uniquement, 60 caractères au plus';
const DATE_DESCRIPTION = 'format AAAA-MM-JJ (JJ/MM/AAAA est aussi accepté), renvoyée au format AAAA-MM-JJ';

// Who may call what. The CSRF secret lives in the session, so both go together on every write.
const SESSION = [{ cookieSession: [] }];
const SESSION_AND_CSRF = [{ cookieSession: [], jetonCsrf: [] }];
/** The billing software: the régie's API key, in either header; no session, no CSRF token. */
const REGIE_API_KEY = [{ cleApiRegie: [] }, { bearerRegie: [] }];
const PUBLIC: Schema[] = [];

interface OperationSpec {
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  security: Schema[];
  requestBody?: { schema: string; description: string };
  parameters?: string[];
  responses: Record<string, Schema>;
}

function operation(spec: OperationSpec): Schema {
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description,
    security: spec.security,
    ...(spec.parameters ? { parameters: spec.parameters.map((p) => ({ $ref: `#/components/parameters/${p}` })) } : {}),
    ...(spec.requestBody
      ? {
          requestBody: {
            required: true,
            description: spec.requestBody.description,
            content: jsonContent(schemaRef(spec.requestBody.schema)),
          },
        }
      : {}),
    responses: { ...spec.responses, 500: responseRef('ErreurInterne') },
  };
}

/**
 * The answers of the three civil-status forms (domain/civil-status.ts), one property per field
 * name: a field asked for some acts only, or with other choices, says so.
 */
function civilStatusAnswersSchema(): Schema {
  const byName = new Map<string, { field: FieldDefinition; acts: ActKind[]; requiredIn: ActKind[]; options: Map<ActKind, string[]> }>();
  for (const act of ACT_KINDS) {
    for (const step of civilStatusForm(act).steps) {
      for (const field of step.fields) {
        const entry = byName.get(field.name) ?? { field, acts: [], requiredIn: [], options: new Map<ActKind, string[]>() };
        entry.acts.push(act);
        if (field.required) entry.requiredIn.push(act);
        if (field.options) entry.options.set(act, field.options.map((o) => o.value));
        byName.set(field.name, entry);
      }
    }
  }
  const quoted = (values: string[]) => values.map((v) => `« ${v} »`).join(', ');
  const properties: Record<string, Schema> = {};
  for (const [name, { field, acts, requiredIn, options }] of byName) {
    const notes: string[] = [];
    if (acts.length < ACT_KINDS.length) notes.push(`Acte ${acts.join(' ou ')} uniquement.`);
    if (requiredIn.length === acts.length) notes.push('Obligatoire.');
    else if (requiredIn.length > 0) notes.push(`Obligatoire pour l’acte ${requiredIn.join(' ou ')}.`);
    else if (!/obligatoire/i.test(field.help ?? '')) notes.push('Facultatif.');
    const choices = [...new Set([...options.values()].flat())];
    const sameEverywhere = [...options.values()].every((values) => values.join() === choices.join());
    if (choices.length && !sameEverywhere) {
      notes.push(`Choix selon l’acte : ${[...options].map(([act, values]) => `${act} : ${quoted(values)}`).join(' ; ')}.`);
    }
    // A date's help is about the portal's date field; the API's formats are said below.
    const description = [`${field.label}.`, field.type === 'date' ? undefined : field.help, ...notes].filter(Boolean).join(' ');
    if (field.type === 'number') {
      properties[name] = {
        type: 'integer', description,
        ...(typeof field.min === 'number' ? { minimum: field.min } : {}),
        ...(typeof field.max === 'number' ? { maximum: field.max } : {}),
      };
    } else if (field.type === 'date') {
      properties[name] = string(`${description} Format AAAA-MM-JJ ou JJ/MM/AAAA, ni dans le futur ni avant ${field.min ?? '1900-01-01'}.`, {
        example: '1990-02-01',
      });
    } else {
      properties[name] = string(description, {
        ...(choices.length ? { enum: choices } : {}),
        ...(field.type === 'email' ? { format: 'email' } : {}),
        ...(['text', 'textarea', 'email'].includes(field.type) ? { maxLength: field.maxLength ?? DEFAULT_MAX_LENGTH } : {}),
      });
    }
  }
  return object([], properties, {
    description:
      'Les réponses du formulaire de l’acte, indexées par nom de champ (les mêmes que sur le portail). Les noms et ' +
      'prénoms d’au moins un parent sont obligatoires pour une copie intégrale, un extrait avec filiation ou un extrait ' +
      'plurilingue d’un acte de naissance ou de mariage ; ces copies sont réservées à la personne, son époux ou son ' +
      'épouse, ses ascendants, ses descendants ou son représentant légal, sauf pour un acte de plus de 75 ans (champ ' +
      '« lien »). Le code postal est obligatoire pour une adresse en France (5 chiffres). Les champs inconnus sont ignorés.',
    additionalProperties: true,
  });
}

const schemas: Record<string, Schema> = {
  Erreur: object(['error'], {
    error: object(['code', 'message', 'fields'], {
      code: string('Code stable, à utiliser par les programmes.', {
        enum: [
          'validation', 'unauthenticated', 'forbidden', 'account_not_validated', 'csrf', 'not_found', 'conflict',
          'reset_link_invalid', 'throttled', 'too_large', 'bad_json', 'bad_request', 'internal',
          'unsupported_media_type', 'too_many_fields', 'too_many_files', 'storage',
        ],
      }),
      message: string('Message en français, à afficher à l’usager.'),
      fields: {
        type: 'object',
        description:
          'Un message par champ à corriger, indexé par le nom du champ tel qu’envoyé (« prenom », « membres.0.membre_nom »). ' +
          'La clé « _ » porte une erreur qui ne concerne aucun champ en particulier. Objet vide si aucun champ n’est en cause.',
        additionalProperties: { type: 'string' },
      },
    }),
  }, {
    description: 'Corps de toute réponse d’erreur de l’API.',
    example: {
      error: {
        code: 'validation',
        message: 'Certaines informations sont à corriger.',
        fields: { code_postal: 'Le code postal doit comporter 5 chiffres.' },
      },
    },
  }),

  Identite: object(['civilite', 'prenom', 'nom', 'date_naissance'], {
    civilite: string('Civilité du titulaire.', { enum: [...CIVILITES] }),
    prenom: string(`Prénom du titulaire (${NAME_DESCRIPTION}).`, { maxLength: 60 }),
    nom: string(`Nom du titulaire (${NAME_DESCRIPTION}).`, { maxLength: 60 }),
    date_naissance: string(`Date de naissance du titulaire, qui doit être majeur ; ${DATE_DESCRIPTION}.`, { example: '1985-04-12' }),
  }, { description: 'Onglet « Identité » de l’inscription.' }),

  Coordonnees: object(['email', 'adresse', 'code_postal', 'ville'], {
    email: string('Adresse électronique, unique dans la commune ; enregistrée en minuscules.', { format: 'email', maxLength: 254 }),
    telephone: string(
      'Numéro de téléphone (06 12 34 56 78, +33 6 12 34 56 78…), enregistré au format E.164. ' +
        'Obligatoire si le mode de communication est « sms » ; chaîne vide ou absent sinon.',
      { maxLength: 25, nullable: true },
    ),
    adresse: string('Numéro et voie.', { maxLength: 150 }),
    code_postal: string('Code postal à 5 chiffres.', { pattern: '^\\d{5}$' }),
    ville: string('Commune de résidence.', { maxLength: 80 }),
    mode_communication: string('Comment la mairie vous informe : par courriel ou par SMS.', {
      enum: ['email', 'sms'],
      default: 'email',
    }),
  }, { description: 'Onglet « Coordonnées » de l’inscription, et modification des coordonnées.' }),

  MembreSaisie: object(['membre_type', 'membre_civilite', 'membre_prenom', 'membre_nom', 'membre_date_naissance'], {
    membre_type: string('Adulte ou enfant : les adultes sont listés en premier.', { enum: ['adulte', 'enfant'] }),
    membre_civilite: string('Civilité du membre.', { enum: [...CIVILITES] }),
    membre_prenom: string(`Prénom du membre (${NAME_DESCRIPTION}).`, { maxLength: 60 }),
    membre_nom: string(`Nom du membre (${NAME_DESCRIPTION}).`, { maxLength: 60 }),
    membre_date_naissance: string(`Date de naissance du membre ; ${DATE_DESCRIPTION}.`, { example: '2015-09-01' }),
    membre_lien: string('Lien avec le titulaire (« Conjoint », « Fille »…), facultatif.', { maxLength: 40 }),
  }, { description: 'Un membre du foyer autre que le titulaire, tel que saisi.' }),

  Membre: object(
    ['id', 'membre_type', 'membre_civilite', 'membre_prenom', 'membre_nom', 'membre_date_naissance', 'membre_lien'],
    {
      id: { type: 'integer', description: 'Identifiant du membre dans le foyer.' },
      membre_type: string('Adulte ou enfant.', { enum: ['adulte', 'enfant'] }),
      membre_civilite: string('Civilité du membre.', { enum: [...CIVILITES] }),
      membre_prenom: string('Prénom du membre.'),
      membre_nom: string('Nom du membre.'),
      membre_date_naissance: string('Date de naissance, format AAAA-MM-JJ.', { format: 'date' }),
      membre_lien: string('Lien avec le titulaire, ou null.', { nullable: true }),
    },
    { description: 'Un membre du foyer enregistré.' },
  ),

  Securite: object(['mot_de_passe', 'mot_de_passe_confirmation', 'question', 'reponse'], {
    mot_de_passe: string(
      'Mot de passe conforme à la recommandation de la CNIL (délibération 2022-100) ; il ne doit pas reprendre le nom, ' +
        'le prénom ni l’adresse électronique.',
      { format: 'password', maxLength: 128 },
    ),
    mot_de_passe_confirmation: string('Le même mot de passe, une seconde fois.', { format: 'password' }),
    question: string('Question secrète, posée en cas de mot de passe oublié.', { enum: [...SECURITY_QUESTIONS] }),
    reponse: string('Réponse à la question secrète (la casse et les accents ne comptent pas).', { minLength: 2, maxLength: 100 }),
  }, { description: 'Onglet « Sécurité » de l’inscription.' }),

  Inscription: {
    description:
      'Tous les onglets de l’inscription en une requête : identité, coordonnées, foyer, sécurité et cryptogramme. ' +
      'Toutes les erreurs de saisie sont renvoyées ensemble (422).',
    allOf: [
      schemaRef('Identite'),
      schemaRef('Coordonnees'),
      schemaRef('Securite'),
      object(['captcha_id', 'cryptogramme'], {
        membres: {
          type: 'array',
          description: `Les autres membres du foyer (${MAX_MEMBERS} au plus). Les erreurs sont indexées « membres.<rang>.<champ> ».`,
          maxItems: MAX_MEMBERS,
          items: schemaRef('MembreSaisie'),
        },
        captcha_id: string('Identifiant du cryptogramme obtenu par GET /captcha.', { format: 'uuid' }),
        cryptogramme: string('Les caractères du cryptogramme, lus sur l’image ou écoutés. Une seule réponse par cryptogramme.'),
      }),
    ],
  },

  InscriptionEnregistree: object(['status', 'email', 'validationDeadline'], {
    status: string('Le compte attend la validation des services de la mairie.', { enum: ['pending'] }),
    email: string('Adresse à laquelle l’identifiant de connexion a été envoyé.', { format: 'email' }),
    validationDeadline: string('Date limite de validation : 2 jours ouvrés après l’inscription.', { format: 'date-time' }),
  }, { description: 'L’identifiant n’est pas renvoyé ici : il est envoyé par courriel au titulaire.' }),

  Compte: object(
    [
      'identifier', 'civilite', 'prenom', 'nom', 'date_naissance', 'email', 'telephone', 'adresse', 'code_postal', 'ville',
      'mode_communication', 'statut', 'validationDeadline', 'rejectionReason', 'securityQuestion',
    ],
    {
      identifier: string('Identifiant de connexion, de la forme prénom.nom (accents conservés).', { example: 'amélie.lire' }),
      civilite: string('Civilité du titulaire.', { enum: [...CIVILITES] }),
      prenom: string('Prénom du titulaire.'),
      nom: string('Nom du titulaire.'),
      date_naissance: string('Date de naissance, format AAAA-MM-JJ.', { format: 'date' }),
      email: string('Adresse électronique.', { format: 'email' }),
      telephone: string('Téléphone au format E.164, ou null.', { nullable: true, example: '+33612345678' }),
      adresse: string('Numéro et voie.'),
      code_postal: string('Code postal.'),
      ville: string('Commune de résidence.'),
      mode_communication: string('Canal d’information choisi.', { enum: ['email', 'sms'] }),
      statut: string('En attente de validation, validé ou refusé. Seul un compte validé peut être modifié.', {
        enum: ['pending', 'validated', 'rejected'],
      }),
      validationDeadline: string('Date limite de validation par la mairie.', { format: 'date-time' }),
      rejectionReason: string('Motif du refus, ou null.', { nullable: true }),
      securityQuestion: string('Question secrète choisie (la réponse n’est jamais renvoyée).'),
    },
    { description: 'Le compte foyer, vu par son titulaire. Aucun mot de passe, réponse ni empreinte n’est renvoyé.' },
  ),

  UtilisateurResident: object(['kind', 'identifier', 'prenom', 'nom', 'statut'], {
    kind: string('Usager connecté.', { enum: ['resident'] }),
    identifier: string('Identifiant de connexion.'),
    prenom: string('Prénom.'),
    nom: string('Nom.'),
    statut: string('Statut du compte.', { enum: ['pending', 'validated', 'rejected'] }),
  }),

  UtilisateurAgent: object(['kind', 'login', 'nom', 'role'], {
    kind: string('Agent de la mairie connecté.', { enum: ['agent'] }),
    login: string('Identifiant de l’agent.'),
    nom: string('Nom affiché de l’agent.'),
    role: string('Rôle de l’agent.', { enum: ['agent', 'admin'] }),
  }),

  Utilisateur: {
    description: 'La personne connectée : un usager ou un agent.',
    oneOf: [schemaRef('UtilisateurResident'), schemaRef('UtilisateurAgent')],
    discriminator: {
      propertyName: 'kind',
      mapping: { resident: '#/components/schemas/UtilisateurResident', agent: '#/components/schemas/UtilisateurAgent' },
    },
  },

  EtatSession: object(['csrfToken', 'user'], {
    csrfToken: string('Jeton à renvoyer dans l’en-tête X-CSRF-Token de chaque requête qui modifie quelque chose.'),
    user: {
      description: 'La personne connectée, ou null.',
      nullable: true,
      allOf: [schemaRef('Utilisateur')],
    },
  }),

  SessionOuverte: object(['user', 'csrfToken'], {
    user: schemaRef('Utilisateur'),
    csrfToken: string('Nouveau jeton CSRF : la session est renouvelée à la connexion, l’ancien jeton ne vaut plus.'),
  }),

  Identifiants: object(['identifiant', 'mot_de_passe'], {
    identifiant: string('Identifiant (prénom.nom) ou adresse électronique, sans tenir compte de la casse.', { maxLength: 254 }),
    mot_de_passe: string('Mot de passe.', { format: 'password', maxLength: 256 }),
  }),

  Cryptogramme: object(['id', 'imageUrl', 'audioUrl'], {
    id: string('Identifiant du cryptogramme, à renvoyer dans captcha_id (inscription) ou captchaId (POST /actes).', { format: 'uuid' }),
    imageUrl: string('Image SVG des caractères à recopier.', { example: '/captcha/0b6f…svg' }),
    audioUrl: string('Version audio des mêmes caractères (RGAA, critère 1.5), au format WAV.'),
    testAnswer: string('La réponse, uniquement quand le mode test du cryptogramme est actif (jamais en production).'),
  }, { description: 'Un cryptogramme valable 15 minutes, pour une seule réponse.' }),

  ChangementMotDePasse: object(['mot_de_passe_actuel', 'nouveau_mot_de_passe', 'nouveau_mot_de_passe_confirmation'], {
    mot_de_passe_actuel: string('Mot de passe actuel ; les erreurs comptent comme des connexions manquées.', {
      format: 'password',
      maxLength: 256,
    }),
    nouveau_mot_de_passe: string('Nouveau mot de passe, différent de l’actuel et conforme à la politique.', {
      format: 'password',
      maxLength: 128,
    }),
    nouveau_mot_de_passe_confirmation: string('Le nouveau mot de passe, une seconde fois.', { format: 'password' }),
  }),

  ChangementQuestionSecrete: object(['mot_de_passe_actuel', 'question', 'reponse'], {
    mot_de_passe_actuel: string('Mot de passe actuel.', { format: 'password', maxLength: 256 }),
    question: string('Nouvelle question secrète.', { enum: [...SECURITY_QUESTIONS] }),
    reponse: string('Réponse à la nouvelle question.', { minLength: 2, maxLength: 100 }),
  }),

  DemandeReinitialisation: object(['identifiant'], {
    identifiant: string('Identifiant (prénom.nom) ou adresse électronique du compte.', { maxLength: 254 }),
  }),

  QuestionSecrete: object(['question'], {
    question: string('La question secrète du compte, à laquelle répondre ensuite.'),
  }),

  ReponseSecrete: object(['reponse'], {
    reponse: string('Réponse à la question secrète.', { maxLength: 100 }),
  }),

  Message: object(['message'], { message: string('Message en français, à afficher à l’usager.') }),

  NouveauMotDePasse: object(['nouveau_mot_de_passe', 'nouveau_mot_de_passe_confirmation'], {
    nouveau_mot_de_passe: string('Nouveau mot de passe, conforme à la politique.', { format: 'password', maxLength: 128 }),
    nouveau_mot_de_passe_confirmation: string('Le même mot de passe, une seconde fois.', { format: 'password' }),
  }),

  CompteAValider: object(['id', 'identifier', 'prenom', 'nom', 'email', 'createdAt', 'validationDeadline', 'overdue'], {
    id: { type: 'integer', description: 'Identifiant du compte.' },
    identifier: string('Identifiant de connexion du titulaire.'),
    prenom: string('Prénom du titulaire.'),
    nom: string('Nom du titulaire.'),
    email: string('Adresse électronique du titulaire.', { format: 'email' }),
    createdAt: string('Date d’inscription.', { format: 'date-time' }),
    validationDeadline: string('Date limite de validation (2 jours ouvrés).', { format: 'date-time' }),
    overdue: { type: 'boolean', description: 'Vrai si la date limite est dépassée.' },
  }, { description: 'Un compte en attente de validation, dans la liste des agents.' }),

  Rejet: object(['motif'], {
    motif: string('Motif du refus, communiqué à l’usager.', { maxLength: 500 }),
  }),

  Decision: object(['status'], {
    status: string('Nouveau statut du compte.', { enum: ['validated', 'rejected'] }),
  }),

  // ——— démarches ———

  Service: object(
    ['code', 'version', 'titre', 'categorie', 'description', 'compteRequis', 'membreConcerne', 'delaiTraitementJours'],
    {
      code: string('Code stable de la démarche.', { example: 'inscription-scolaire' }),
      version: { type: 'integer', description: 'Version de la définition ; chaque demande garde la sienne.' },
      titre: string('Titre de la démarche.'),
      categorie: string('Catégorie (« Enfance », « Vie associative »…).'),
      description: string('Présentation de la démarche.'),
      compteRequis: { type: 'boolean', description: 'Vrai si un compte foyer est nécessaire.' },
      membreConcerne: string('Le membre du foyer concerné : un enfant, un adulte, n’importe lequel, ou aucun.', {
        enum: [...MEMBERS_CONCERNED],
      }),
      delaiTraitementJours: { type: 'integer', description: 'Délai de traitement annoncé, en jours ouvrés de la commune.' },
    },
    { description: 'Une démarche du catalogue de la commune (onglet « Services »).' },
  ),

  ServiceDetail: {
    description: 'Une démarche avec ses étapes, ses champs, ses aides et ses pièces justificatives.',
    allOf: [
      schemaRef('Service'),
      object(['etapes', 'pieces'], {
        etapes: {
          type: 'array',
          description: 'Les étapes du formulaire, dans l’ordre : clé, titre, aide contextuelle et champs.',
          items: { type: 'object', additionalProperties: true },
        },
        pieces: {
          type: 'array',
          description: 'Les pièces justificatives : clé, libellé, aide, obligatoire, types acceptés, envoi papier possible.',
          items: { type: 'object', additionalProperties: true },
        },
      }),
    ],
  },

  DemandeResume: object(
    ['numero', 'demarche', 'titre', 'statut', 'statutLibelle', 'deposeeLe', 'echeance', 'enRetard', 'membre'],
    {
      numero: string('Numéro de la demande, unique par commune et par année.', { example: 'BEA-2026-000123' }),
      demarche: string('Code de la démarche.'),
      titre: string('Titre de la démarche.'),
      statut: string('Statut de la demande.', { enum: [...DEMARCHE_STATUSES] }),
      statutLibelle: string('Statut, tel que l’usager le lit (« En cours », « Complet »…).'),
      deposeeLe: string('Date du dépôt.', { format: 'date-time' }),
      echeance: string('Fin du délai de traitement (jours ouvrés de la commune), ou null.', { format: 'date-time', nullable: true }),
      enRetard: { type: 'boolean', description: 'Vrai si le délai est dépassé sans décision.' },
      membre: {
        type: 'object',
        nullable: true,
        description: 'Le membre du foyer concerné, ou null.',
        required: ['id', 'prenom', 'nom'],
        properties: { id: { type: 'integer' }, prenom: { type: 'string' }, nom: { type: 'string' } },
      },
    },
    { description: 'Une demande, dans une liste.' },
  ),

  Demande: {
    description: 'Une demande en entier : réponses, pièces, historique et actions possibles pour le lecteur.',
    allOf: [
      schemaRef('DemandeResume'),
      object(['motifDecision', 'reponses', 'pieces', 'historique', 'actionsPossibles'], {
        motifDecision: string('Motif du refus, ou null.', { nullable: true }),
        reponses: {
          type: 'array',
          description: 'Les réponses du formulaire, avec le libellé de chaque champ.',
          items: object(['champ', 'libelle', 'valeur'], {
            champ: string('Nom du champ.'),
            libelle: string('Libellé du champ.'),
            valeur: string('Réponse, telle qu’affichée.'),
          }),
        },
        pieces: {
          type: 'array',
          description: 'Les pièces : déposées en ligne, ou envoyées par courrier (attendues ou reçues).',
          items: object(['id', 'cle', 'libelle', 'mode', 'etat', 'nomFichier', 'recueLe'], {
            id: { type: 'integer', description: 'Identifiant de la pièce.' },
            cle: string('Clé de la pièce dans la démarche.'),
            libelle: string('Libellé de la pièce.'),
            mode: string('En ligne ou par courrier.', { enum: ['upload', 'paper'] }),
            etat: string('Attendue ou reçue.', { enum: ['expected', 'received'] }),
            nomFichier: string('Nom du fichier déposé, ou null.', { nullable: true }),
            recueLe: string('Date de réception, ou null.', { format: 'date-time', nullable: true }),
          }),
        },
        historique: {
          type: 'array',
          description: 'Chaque événement : qui, quand, pourquoi.',
          items: object(['date', 'evenement', 'libelle', 'statut', 'par', 'motif'], {
            date: string('Date de l’événement.', { format: 'date-time' }),
            evenement: string('Code de l’événement.', { enum: [...DEMARCHE_EVENTS] }),
            libelle: string('Libellé de l’événement.'),
            statut: string('Statut après l’événement.', { enum: [...DEMARCHE_STATUSES] }),
            par: string('« resident », « system », « agent » (vu par l’usager) ou « agent:<id> » (vu par les agents).'),
            motif: string('Motif ou message, ou null.', { nullable: true }),
          }),
        },
        actionsPossibles: {
          type: 'array',
          description: 'Les actions que la table des transitions permet maintenant au lecteur.',
          items: string('Code de l’événement.', { enum: [...DEMARCHE_EVENTS] }),
        },
      }),
    ],
  },

  FileDemandes: object(['total', 'page', 'pageCount', 'demandes'], {
    total: { type: 'integer', description: 'Nombre de demandes correspondant aux filtres.' },
    page: { type: 'integer', description: 'Page renvoyée (50 demandes par page).' },
    pageCount: { type: 'integer', description: 'Nombre de pages.' },
    demandes: { type: 'array', items: schemaRef('DemandeResume') },
  }, { description: 'La file des demandes de la commune, les plus récentes d’abord.' }),

  EtatDemande: object(['statut', 'statutLibelle', 'piecesRecues'], {
    statut: string('Statut après l’action.', { enum: [...DEMARCHE_STATUSES] }),
    statutLibelle: string('Statut, tel que l’usager le lit.'),
    piecesRecues: { type: 'array', description: 'Clés des pièces reçues.', items: { type: 'string' } },
  }),

  PieceRecue: object(['piece'], {
    piece: string('Clé de la pièce reçue par courrier (voir les pièces de la démarche).'),
  }),

  DemandePieces: object(['message'], {
    message: string('Les pièces ou informations attendues, envoyées au demandeur.', { maxLength: MAX_TEXT_LENGTH }),
  }),

  RefusDemande: object(['motif'], {
    motif: string('Motif du refus, communiqué au demandeur.', { maxLength: MAX_TEXT_LENGTH }),
  }),

  ReponseDemande: object(['message'], {
    message: string('Réponse de l’usager à la demande d’informations.', { maxLength: MAX_TEXT_LENGTH }),
  }),

  EtapeBrouillon: object(['etape', 'reponses'], {
    etape: string('Clé de l’étape (voir les étapes de la démarche).'),
    reponses: {
      type: 'object',
      description: 'Les réponses de l’étape, indexées par nom de champ ; les champs de l’étape absents sont vidés.',
      additionalProperties: true,
    },
    membre: {
      description: `Avec la première étape, la personne concernée : l’identifiant d’un membre du foyer, ou « titulaire » ` +
        '(démarche pour un adulte ou pour tous). Ignoré aux autres étapes.',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    },
  }),

  PieceBrouillon: object(['cle', 'libelle', 'mode', 'nomFichier', 'tailleOctets'], {
    cle: string('Clé de la pièce.'),
    libelle: string('Libellé de la pièce.'),
    mode: string('« upload » : fichier joint ; « paper » : envoyée par courrier.', { enum: ['upload', 'paper'] }),
    nomFichier: string('Nom du fichier joint, ou null.', { nullable: true }),
    tailleOctets: { type: 'integer', nullable: true, description: 'Taille du fichier joint, ou null.' },
  }),

  Brouillon: object(['demarche', 'cle', 'membre', 'reponses', 'pieces'], {
    demarche: string('Code de la démarche.'),
    cle: string('Clé d’envoi du brouillon, à renvoyer à POST /services/{code}/submit.'),
    membre: { type: 'integer', nullable: true, description: 'Membre du foyer concerné, ou null (le titulaire).' },
    reponses: { type: 'object', description: 'Les réponses enregistrées, indexées par nom de champ.', additionalProperties: true },
    pieces: { type: 'array', items: schemaRef('PieceBrouillon') },
  }, { description: 'Le brouillon d’une démarche, enregistré à chaque étape.' }),

  PieceParCourrier: object(['piece', 'mode'], {
    piece: string('Clé de la pièce que l’usager enverra par courrier.'),
    mode: string('Toujours « courrier ».', { enum: ['courrier'] }),
  }),

  PiecesJointes: {
    type: 'object',
    description:
      'Un champ fichier par pièce, nommé « fichier_<clé de la pièce> » (un fichier par pièce). PDF, JPEG ou PNG selon ' +
      'la pièce, type lu dans le contenu ; 10 Mo par fichier par défaut.',
    additionalProperties: { type: 'string', format: 'binary' },
  },

  EnvoiDemande: object(['cle'], {
    cle: string('Clé d’envoi du brouillon (champ « cle » du brouillon). La même clé renvoyée donne la même demande.'),
  }),

  // ——— actes d'état civil ———

  ReponsesActe: civilStatusAnswersSchema(),

  DemandeActe: object(['act', 'answers', 'captchaId', 'captchaAnswer', 'submissionKey'], {
    act: string('L’acte demandé.', { enum: [...ACT_KINDS] }),
    answers: schemaRef('ReponsesActe'),
    captchaId: string('Identifiant du cryptogramme obtenu par GET /captcha.', { format: 'uuid' }),
    captchaAnswer: string(
      'Les caractères du cryptogramme, lus sur l’image ou écoutés. Une seule réponse par cryptogramme : après une ' +
        'erreur (champ « captchaAnswer » dans la réponse 422), demandez-en un nouveau.',
    ),
    submissionKey: string(
      'Clé d’envoi choisie par le client, une par demande (un UUID v4, par exemple) : renvoyée à l’identique (réseau ' +
        'coupé, double clic), elle donne la même demande au lieu d’une seconde.',
      { pattern: CIVIL_STATUS_SUBMISSION_KEY.source, example: '3f0c8a52-5b0e-4c1e-9f3a-2d6f1b7c9e41' },
    ),
  }, { description: 'Une demande d’acte d’état civil : l’acte, les réponses du formulaire, le cryptogramme et la clé d’envoi.' }),

  DemandeActeEnvoyee: object(['number', 'status', 'statusLabel', 'trackingUrl'], {
    number: string('Numéro de la demande, à rappeler sur tout courrier.', { example: 'BEA-2026-000123' }),
    status: string('Statut de la demande.', { enum: [...CIVIL_STATUS_STATUSES] }),
    statusLabel: string('Statut, tel que le demandeur le lit.'),
    trackingUrl: string(
      'Page de suivi du portail (/suivi/<jeton>), aussi envoyée par courriel au demandeur. Le même jeton se lit dans ' +
        'l’API par GET /actes/suivi/{token}. Quiconque a ce lien suit la demande : à ne pas publier.',
      { example: '/suivi/q3Vb0mO2t3sX1yJc9Kf8lZr4a7Wn6Hd5eGpQiTuYxE0' },
    ),
  }, { description: 'La demande enregistrée. Un accusé de réception part par courriel avec le lien de suivi.' }),

  SuiviActe: object(
    ['number', 'act', 'actLabel', 'copy', 'copyLabel', 'copies', 'status', 'statusLabel', 'submittedAt', 'decidedAt', 'decisionReason', 'history'],
    {
      number: string('Numéro de la demande.', { example: 'BEA-2026-000123' }),
      act: string('L’acte demandé.', { enum: [...ACT_KINDS] }),
      actLabel: string('L’acte, en toutes lettres (« Acte de naissance »).'),
      copy: string('Le type de document.', { enum: [...COPY_KINDS] }),
      copyLabel: string('Le type de document, en toutes lettres (« Extrait avec filiation »).'),
      copies: { type: 'integer', minimum: 1, maximum: MAX_COPIES, description: 'Nombre d’exemplaires.' },
      status: string('Statut de la demande.', { enum: [...CIVIL_STATUS_STATUSES] }),
      statusLabel: string('Statut, tel que le demandeur le lit.'),
      submittedAt: string('Date du dépôt.', { format: 'date-time' }),
      decidedAt: string('Date de la décision (acte délivré ou demande refusée), ou null.', { format: 'date-time', nullable: true }),
      decisionReason: string('Motif du refus quand la demande est refusée, null sinon.', { nullable: true }),
      history: {
        type: 'array',
        description: 'Les événements de la demande, du plus ancien au plus récent (sans les rappels internes aux agents).',
        items: object(['date', 'event', 'label', 'status', 'statusLabel'], {
          date: string('Date de l’événement.', { format: 'date-time' }),
          event: string('Code de l’événement.', { enum: Object.keys(CIVIL_STATUS_EVENT_LABELS) }),
          label: string('L’événement, en toutes lettres.'),
          status: string('Statut après l’événement.', { enum: [...CIVIL_STATUS_STATUSES] }),
          statusLabel: string('Statut après l’événement, en toutes lettres.'),
        }),
      },
    },
    {
      description:
        'Le suivi d’une demande d’acte par son lien. Le lien peut avoir été transmis : ni le nom, ni l’adresse ' +
        'électronique, ni le téléphone, ni l’adresse du demandeur, ni les noms inscrits sur l’acte n’y figurent.',
    },
  ),

  DemandeActeAgent: object(
    [
      'number', 'act', 'actLabel', 'copy', 'copyLabel', 'copies', 'description', 'status', 'statusLabel', 'submittedAt',
      'dueAt', 'overdue', 'decidedAt', 'decisionReason', 'withAccount', 'requester', 'postalAddress',
    ],
    {
      number: string('Numéro de la demande.', { example: 'BEA-2026-000123' }),
      act: string('L’acte demandé.', { enum: [...ACT_KINDS] }),
      actLabel: string('L’acte, en toutes lettres.'),
      copy: string('Le type de document.', { enum: [...COPY_KINDS] }),
      copyLabel: string('Le type de document, en toutes lettres.'),
      copies: { type: 'integer', minimum: 1, maximum: MAX_COPIES, description: 'Nombre d’exemplaires.' },
      description: string('L’acte recherché : type de document, personne(s) concernée(s) et date de l’événement.'),
      status: string('Statut de la demande.', { enum: [...CIVIL_STATUS_STATUSES] }),
      statusLabel: string('Statut, en toutes lettres.'),
      submittedAt: string('Date du dépôt.', { format: 'date-time' }),
      dueAt: string('Fin du délai de traitement de la commune (jours ouvrés).', { format: 'date-time' }),
      overdue: { type: 'boolean', description: 'Vrai si la demande est encore « reçue » après la fin du délai.' },
      decidedAt: string('Date de la décision, ou null.', { format: 'date-time', nullable: true }),
      decisionReason: string('Motif du refus, ou null.', { nullable: true }),
      withAccount: { type: 'boolean', description: 'Vrai si un usager connecté l’a déposée (elle figure dans ses « Demandes »).' },
      requester: object(['lastName', 'firstName', 'email', 'phone', 'relation', 'relationLabel'], {
        lastName: string('Nom du demandeur.'),
        firstName: string('Prénom du demandeur.'),
        email: string('Adresse électronique du demandeur.', { format: 'email' }),
        phone: string('Téléphone au format E.164, ou null.', { nullable: true }),
        relation: string('Lien du demandeur avec l’acte (champ « lien »).'),
        relationLabel: string('Ce lien, en toutes lettres.'),
      }),
      postalAddress: {
        type: 'array',
        description: 'Les lignes de l’enveloppe : nom du demandeur, adresse, code postal et ville, pays.',
        items: { type: 'string' },
      },
    },
    { description: 'Une demande d’acte dans la file des agents.' },
  ),

  FileActes: object(['total', 'page', 'pageCount', 'requests'], {
    total: { type: 'integer', description: 'Nombre de demandes correspondant aux filtres.' },
    page: { type: 'integer', description: 'Page renvoyée (50 demandes par page).' },
    pageCount: { type: 'integer', description: 'Nombre de pages.' },
    requests: { type: 'array', items: schemaRef('DemandeActeAgent') },
  }, { description: 'Les demandes d’actes de la commune, les plus récentes d’abord.' }),

  RefusActe: object(['reasonCode'], {
    reasonCode: string(
      `Motif du refus : ${Object.entries(REFUSAL_REASONS).map(([code, text]) => `« ${code} » (${text})`).join(', ')}, ` +
        'ou « autre » avec le motif rédigé dans « reason ».',
      { enum: [...REFUSAL_CODES] },
    ),
    reason: string(
      'Obligatoire avec « autre » : le motif, envoyé au demandeur. Avec un motif de la liste, une précision facultative ' +
        `ajoutée à la suite. ${MAX_REFUSAL_LENGTH} caractères au plus en tout.`,
      { maxLength: MAX_REFUSAL_LENGTH },
    ),
  }),

  DecisionActe: object(['number', 'status', 'statusLabel', 'decidedAt', 'decisionReason'], {
    number: string('Numéro de la demande.'),
    status: string('Statut après la décision.', { enum: [...CIVIL_STATUS_STATUSES] }),
    statusLabel: string('Statut, en toutes lettres.'),
    decidedAt: string('Date de la décision.', { format: 'date-time', nullable: true }),
    decisionReason: string('Motif du refus envoyé au demandeur, ou null.', { nullable: true }),
  }, { description: 'La demande après la décision ; le demandeur en est informé par courriel.' }),

  DemandeEnvoyee: object(['number', 'status', 'url'], {
    number: string('Numéro de la demande, à rappeler sur tout courrier (BEA-2026-000123).'),
    status: string('Statut de la demande.', { enum: [...DEMARCHE_STATUSES] }),
    url: string('Adresse de la demande dans l’API (GET).'),
  }),

  // ——— factures ———
  FactureImportee: object(['number', 'account', 'service', 'periodLabel', 'issuedOn', 'amountCents'], {
    number: string(
      `Numéro de la facture dans le logiciel de facturation, unique dans la régie (la casse ne compte pas) : lettres, ` +
        `chiffres, « - », « _ », « . » et « / ».`,
      { maxLength: MAX_NUMBER_LENGTH, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$', example: '2026-10-000123' },
    ),
    account: string(
      'Le compte foyer : son identifiant (prénom.nom, sans tenir compte de la casse) ou l’adresse électronique du titulaire.',
      { maxLength: 254, example: 'amélie.lire' },
    ),
    service: string('Le service facturé.', { maxLength: MAX_INVOICE_TEXT_LENGTH, example: 'Restauration scolaire' }),
    periodLabel: string('La période facturée.', { maxLength: MAX_INVOICE_TEXT_LENGTH, example: 'Octobre 2026' }),
    issuedOn: string('Date d’émission, AAAA-MM-JJ (JJ/MM/AAAA est aussi accepté).', { example: '2026-11-03' }),
    dueOn: string('Date limite de paiement, AAAA-MM-JJ ou JJ/MM/AAAA, pas avant la date d’émission ; facultative.', {
      nullable: true,
      example: '2026-11-30',
    }),
    amountCents: {
      type: 'integer',
      description: 'Montant en centimes, plus grand que zéro : un avoir ne se paie pas en ligne.',
      minimum: 1,
      maximum: MAX_AMOUNT_CENTS,
      example: 4250,
    },
  }, { description: 'Une facture, telle que le logiciel de facturation l’envoie. Les champs inconnus sont ignorés.' }),

  ImportFactures: object(['invoices'], {
    invoices: {
      type: 'array',
      description: `Les factures de la régie, ${MAX_INVOICE_LINES} au plus par envoi.`,
      maxItems: MAX_INVOICE_LINES,
      items: schemaRef('FactureImportee'),
    },
  }),

  LigneRefusee: object(['line', 'message'], {
    line: {
      type: 'integer',
      description: 'Rang de la facture dans la liste (à partir de 1) en JSON ; numéro de ligne du fichier en CSV (l’en-tête est la ligne 1).',
    },
    number: string('Numéro de la facture, quand la ligne en a un.'),
    message: string('Motif du refus, en français (« Compte inconnu : … », « Montant négatif ou nul : … »).'),
  }),

  RapportImport: object(['imported', 'unchanged', 'rejected'], {
    imported: { type: 'integer', description: 'Factures nouvelles, enregistrées « à payer ».' },
    unchanged: { type: 'integer', description: 'Factures déjà importées avec le même contenu : rien n’a changé.' },
    rejected: { type: 'array', description: 'Les lignes refusées, dans l’ordre ; les autres sont importées.', items: schemaRef('LigneRefusee') },
  }, {
    description: 'Le rapport de l’import : chaque facture est importée, déjà là, ou refusée avec son motif.',
    example: {
      imported: 2,
      unchanged: 0,
      rejected: [{ line: 3, number: 'F-0003', message: 'Compte inconnu : jean.inconnu' }],
    },
  }),

  // ——— «Mes comptes»: factures du foyer, panier, paiement ———
  Regie: object(['code', 'name'], {
    code: string('Code de la régie (« ville », « ccas »…).'),
    name: string('Nom de la régie (« Ville », « CCAS ») : un budget et un compte de paiement.'),
  }, { description: 'La régie d’une facture. Un panier ne contient que des factures d’une même régie.' }),

  Facture: object(
    ['id', 'number', 'regie', 'service', 'periodLabel', 'issuedOn', 'dueOn', 'amountCents', 'amountText', 'status', 'paidAt', 'inBasket', 'inPayment'],
    {
      id: { type: 'integer', description: 'Identifiant de la facture, à envoyer pour l’ajouter au panier ou l’en retirer.' },
      number: string('Numéro de la facture dans le logiciel de facturation.', { example: '2026-10-000123' }),
      regie: schemaRef('Regie'),
      service: string('Le service facturé.', { example: 'Restauration scolaire' }),
      periodLabel: string('La période facturée.', { example: 'Octobre 2026' }),
      issuedOn: string('Date d’émission, AAAA-MM-JJ.', { format: 'date', example: '2026-11-02' }),
      dueOn: string('Date limite de paiement, AAAA-MM-JJ, ou null.', { format: 'date', nullable: true, example: '2026-11-30' }),
      amountCents: { type: 'integer', description: 'Montant en centimes.', minimum: 1, example: 4280 },
      amountText: string('Montant à afficher, en français (espace insécable avant « € »).', { example: '42,80\u00a0€' }),
      status: string('« a_payer » (Factures à payer) ou « payee » (Consulter votre relevé).', { enum: ['a_payer', 'payee'] }),
      paidAt: string('Date du paiement, ou null.', { format: 'date-time', nullable: true }),
      inBasket: { type: 'boolean', description: 'La facture est dans le panier du foyer.' },
      inPayment: {
        type: 'boolean',
        description: 'Un paiement en cours tient la facture : elle ne peut pas aller dans un panier avant sa fin (20 minutes au plus).',
      },
    },
  ),

  Factures: object(['since', 'months', 'toPay', 'paid'], {
    since: string('Premier jour des factures montrées, AAAA-MM-JJ.', { format: 'date' }),
    months: { type: 'integer', description: 'Nombre de mois montrés.', enum: [STATEMENT_MONTHS] },
    toPay: { type: 'array', description: '« Factures à payer », les plus récentes d’abord.', items: schemaRef('Facture') },
    paid: { type: 'array', description: '« Consulter votre relevé » : les factures payées, les plus récentes d’abord.', items: schemaRef('Facture') },
  }, { description: `Les factures du foyer émises durant les ${STATEMENT_MONTHS} derniers mois, en deux rubriques.` }),

  AjoutPanier: object(['facture'], {
    facture: { type: 'integer', description: 'Identifiant de la facture (« id » de GET /comptes/factures).', minimum: 1, example: 42 },
  }),

  Paiement: object(
    ['reference', 'status', 'statusLabel', 'amountCents', 'amountText', 'email', 'createdAt', 'decidedAt', 'redirectUrl'],
    {
      reference: string('Référence du paiement, transmise au prestataire et rappelée sur le reçu.', { example: 'BEAP7K2M9QX4ZT' }),
      status: string(
        'Statut : « en_cours » tant que le prestataire n’a pas répondu, puis « payee », « refusee », « abandonnee » ou ' +
          '« expiree » (sans réponse au bout de 20 minutes). Refusé, abandonné ou expiré : le panier est rouvert avec les mêmes factures.',
        { enum: [...PAYMENT_STATUSES] },
      ),
      statusLabel: string(`Statut en toutes lettres (« ${PAYMENT_LABELS.payee} »…).`),
      amountCents: { type: 'integer', description: 'Montant payé ou à payer, en centimes.', minimum: 1 },
      amountText: string('Montant à afficher, en français.', { example: '57,30\u00a0€' }),
      email: string('Adresse électronique où le reçu est envoyé une fois le paiement accepté.'),
      createdAt: string('Début du paiement.', { format: 'date-time' }),
      decidedAt: string('Réponse du prestataire, ou null tant qu’il n’a pas répondu.', { format: 'date-time', nullable: true }),
      redirectUrl: string(
        'Page de paiement par carte du prestataire, tant que le paiement est « en_cours » (l’usager peut y revenir) ; null ensuite.',
        { nullable: true },
      ),
    },
  ),

  Panier: object(['regie', 'invoices', 'totalCents', 'totalText', 'payment'], {
    regie: { description: 'La régie des factures du panier ; null quand il est vide.', nullable: true, allOf: [schemaRef('Regie')] },
    invoices: { type: 'array', description: 'Les factures du panier, toutes de la même régie.', items: schemaRef('Facture') },
    totalCents: { type: 'integer', description: 'Total du panier, en centimes.', minimum: 0 },
    totalText: string('Total à afficher, en français.', { example: '57,30\u00a0€' }),
    payment: {
      description: 'Le paiement en cours, pendant lequel le panier ne peut être ni modifié ni payé à nouveau ; null sinon.',
      nullable: true,
      allOf: [schemaRef('Paiement')],
    },
  }),

  PaiementLance: object(['reference', 'status', 'redirectUrl'], {
    reference: string('Référence du paiement : suivez-le par GET /paiements/{reference}.', { example: 'BEAP7K2M9QX4ZT' }),
    status: string('Statut du paiement : « en_cours ».', { enum: [...PAYMENT_STATUSES] }),
    redirectUrl: string('Page de paiement par carte du prestataire (PayFiP) : le client y envoie l’usager.'),
  }),

  NotificationPaiement: object(['idOp'], {
    idOp: string('Identifiant de l’opération chez le prestataire (PayFiP « idOp »). Seule donnée lue du corps.', { maxLength: 64 }),
  }, {
    description: 'Le corps de la notification du prestataire. Tout autre champ (résultat, montant…) est ignoré.',
    additionalProperties: true,
  }),
};

const errorExample = (code: string, message: string, fields: Record<string, string> = {}) => ({
  error: { code, message, fields },
});

const errorResponse = (description: string, example: Schema, headers?: Schema): Schema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: schemaRef('Erreur'), example } },
});

const responses: Record<string, Schema> = {
  NonAuthentifie: errorResponse(
    'Non connecté, session expirée, ou identifiant et mot de passe incorrects.',
    errorExample('unauthenticated', 'Vous devez vous connecter pour accéder à cette page.'),
  ),
  Interdit: errorResponse(
    'Jeton CSRF absent ou faux (code « csrf »), ou compte pas encore validé ou refusé (code « account_not_validated ») : ' +
      'un compte ne peut être modifié qu’une fois validé par la mairie.',
    errorExample(
      'account_not_validated',
      'Votre compte est en attente de validation par les services de la mairie : ' +
        'vous pourrez le modifier une fois qu’il sera validé.',
    ),
  ),
  CsrfInvalide: errorResponse(
    'Jeton CSRF absent ou faux : obtenez-en un par GET /session et renvoyez-le dans l’en-tête X-CSRF-Token.',
    errorExample('csrf', 'Le formulaire a expiré ou ne provient pas de ce site : rechargez la page et recommencez.'),
  ),
  Introuvable: errorResponse('La ressource n’existe pas, ou n’appartient pas à ce foyer ou à cette commune.',
    errorExample('not_found', 'Ce membre n’existe pas dans votre foyer.')),
  Conflit: errorResponse(
    'L’opération entre en conflit avec l’état actuel (adresse déjà utilisée, compte modifié entre-temps, décision déjà prise…).',
    errorExample('conflict', 'Un compte existe déjà avec cette adresse électronique.', {
      email: 'Un compte existe déjà avec cette adresse électronique : connectez-vous, ou utilisez « Mot de passe oublié ? ».',
    }),
  ),
  LienInvalide: errorResponse(
    'Le lien de réinitialisation a déjà servi ou a expiré (30 minutes).',
    errorExample(
      'reset_link_invalid',
      'Ce lien n’est plus valable : il a déjà servi ou a expiré. Recommencez la démarche « Mot de passe oublié ? ».',
    ),
  ),
  Invalide: errorResponse(
    'Données à corriger : un message par champ dans « fields ».',
    errorExample('validation', 'Certaines informations sont à corriger.', { prenom: 'Le prénom est obligatoire.' }),
  ),
  TropVolumineux: errorResponse(
    'Fichier trop lourd, ou trop de fichiers ou de champs dans le formulaire.',
    errorExample('too_large', '« Justificatif de domicile » : Le fichier dépasse 10 Mo.', {
      'fichier_justificatif-domicile': 'Le fichier dépasse 10 Mo.',
    }),
  ),
  TypeNonAccepte: errorResponse(
    'Le corps n’est ni du JSON ni un formulaire multipart/form-data.',
    errorExample('unsupported_media_type', 'Le formulaire doit être envoyé en multipart/form-data.'),
  ),
  Indisponible: errorResponse(
    'Le worker n’a pas répondu à temps (aucun worker en marche) : l’action n’est pas confirmée ; elle peut encore ' +
      'être prise en compte. Relire l’objet avant de recommencer.',
    errorExample('unavailable', UPDATE_UNCONFIRMED),
  ),
  TropDeTentatives: errorResponse(
    'Trop de tentatives infructueuses : réessayez après le délai indiqué par l’en-tête Retry-After.',
    errorExample('throttled', 'Trop de tentatives de connexion infructueuses : réessayez dans 15 minutes.'),
    { 'Retry-After': { description: 'Nombre de secondes à attendre.', schema: { type: 'integer' } } },
  ),
  TropDeDemandes: errorResponse(
    'Trop de demandes d’actes envoyées depuis cette connexion ou pour cette adresse électronique (les envois sont ' +
      'comptés, réussis ou non) : réessayez après le délai indiqué par l’en-tête Retry-After.',
    errorExample(
      'throttled',
      'Trop de demandes d’actes envoyées depuis votre connexion ou pour cette adresse électronique : réessayez dans 10 minutes.',
    ),
    { 'Retry-After': { description: 'Nombre de secondes à attendre.', schema: { type: 'integer' } } },
  ),
  CleApiInvalide: errorResponse(
    `Clé d’API absente ou inconnue (en-tête Authorization: Bearer <clé> ou ${API_KEY_HEADER}).`,
    errorExample(
      'unauthenticated',
      `Clé d’API absente ou inconnue : envoyez la clé de la régie dans l’en-tête Authorization: Bearer <clé> ou ${API_KEY_HEADER}.`,
    ),
  ),
  CleApiAutreRegie: errorResponse(
    'La clé d’API est celle d’une autre régie, ou d’une autre commune.',
    errorExample('forbidden', 'Cette clé d’API n’est pas celle de la régie « ccas » de cette commune.'),
  ),
  TypeFacturesNonAccepte: errorResponse(
    'Le corps n’est ni du JSON ni du CSV, ou le CSV n’est pas en UTF-8.',
    errorExample('unsupported_media_type', 'Envoyez les factures en JSON (application/json) ou en CSV (text/csv).'),
  ),
  FacturesNonVisibles: errorResponse(
    'Compte pas encore validé (ou refusé) par la mairie (code « account_not_validated ») : les factures ne sont visibles ' +
      'qu’une fois le compte validé, 2 jours ouvrés après sa création (FAQ « Pourquoi n’ai-je aucune facture dans mon compte ? »).',
    errorExample('account_not_validated', NOT_VALIDATED),
  ),
  InterditFactures: errorResponse(
    'Jeton CSRF absent ou faux (code « csrf »), ou compte pas encore validé ou refusé par la mairie ' +
      '(code « account_not_validated ») : les factures ne sont visibles et payables qu’une fois le compte validé.',
    errorExample('account_not_validated', NOT_VALIDATED),
  ),
  ConflitPanier: errorResponse(
    'La facture ne peut pas aller dans le panier : elle y est déjà, ou le panier contient des factures d’une autre régie ' +
      '(un panier ne contient qu’une régie : un budget, un compte de paiement), avec le message exact de la FAQ ; ou elle ' +
      'est déjà payée, ou un paiement en cours la tient, ou le panier est en cours de paiement.',
    errorExample('conflict', BASKET_REFUSED),
  ),
  PanierFerme: errorResponse(
    'Un paiement est en cours pour le panier : il ne peut pas être modifié avant sa fin (20 minutes au plus).',
    errorExample('conflict', BASKET_LOCKED),
  ),
  ConflitPaiement: errorResponse(
    'Le panier ne peut pas être payé : il est vide, un paiement est déjà en cours (un autre onglet, par exemple), une de ses ' +
      'factures est déjà payée, ou le prestataire de paiement a refusé de créer le paiement (le panier est alors rouvert).',
    errorExample('conflict', 'Un paiement est déjà en cours pour votre panier : terminez-le ou attendez sa fin (20 minutes au plus).'),
  ),
  ErreurInterne: errorResponse(
    'Erreur inattendue : réessayez dans quelques instants.',
    errorExample('internal', 'Une erreur inattendue est survenue. Réessayez dans quelques instants.'),
  ),
};

const idParameter = (name: string, description: string): Schema => ({
  name,
  in: 'path',
  required: true,
  description: `${description} Chiffres uniquement ; tout autre identifiant donne 404.`,
  schema: { type: 'string', pattern: '^\\d+$' },
});

const parameters: Record<string, Schema> = {
  memberId: idParameter('memberId', 'Identifiant du membre du foyer.'),
  accountId: idParameter('accountId', 'Identifiant du compte.'),
  token: {
    name: 'token',
    in: 'path',
    required: true,
    description: 'Jeton du lien de réinitialisation reçu par courriel (à usage unique, valable 30 minutes).',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{20,100}$' },
  },
  number: {
    name: 'number',
    in: 'path',
    required: true,
    description: 'Numéro de la demande (BEA-2026-000123). Une demande d’une autre commune ou d’un autre foyer donne 404.',
    schema: { type: 'string', pattern: '^[A-Za-z]{3}-\\d{4}-\\d{6}$' },
  },
  code: {
    name: 'code',
    in: 'path',
    required: true,
    description: 'Code de la démarche.',
    schema: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
  },
  demarcheFilter: {
    name: 'demarche', in: 'query', required: false, description: 'Seulement les demandes de cette démarche (code).',
    schema: { type: 'string' },
  },
  statusFilter: {
    name: 'status', in: 'query', required: false, description: 'Seulement les demandes de ce statut.',
    schema: { type: 'string', enum: [...DEMARCHE_STATUSES] },
  },
  overdueFilter: {
    name: 'overdue', in: 'query', required: false,
    description: 'true : seulement les demandes non closes dont le délai de traitement (jours ouvrés) est dépassé.',
    schema: { type: 'boolean' },
  },
  trackingToken: {
    name: 'token',
    in: 'path',
    required: true,
    description: 'Jeton du lien de suivi (/suivi/<jeton>) reçu à l’envoi et par courriel. Un jeton inconnu, ou d’une autre commune, donne 404.',
    schema: { type: 'string', pattern: TRACKING_TOKEN.source },
  },
  actFilter: {
    name: 'act', in: 'query', required: false, description: 'Seulement les demandes de cet acte.',
    schema: { type: 'string', enum: [...ACT_KINDS] },
  },
  civilStatusFilter: {
    name: 'status', in: 'query', required: false, description: 'Seulement les demandes d’actes de ce statut.',
    schema: { type: 'string', enum: [...CIVIL_STATUS_STATUSES] },
  },
  pageParam: {
    name: 'page', in: 'query', required: false, description: 'Page (50 demandes par page), à partir de 1.',
    schema: { type: 'integer', minimum: 1, default: 1 },
  },
  invoiceId: idParameter('invoiceId', 'Identifiant de la facture (« id » de GET /comptes/factures).'),
  paymentReference: {
    name: 'reference',
    in: 'path',
    required: true,
    description: 'Référence du paiement (BEAP7K2M9QX4ZT), sans tenir compte de la casse. Le paiement d’un autre foyer donne 404.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9]{6,30}$' },
  },
  regieCode: {
    name: 'code',
    in: 'path',
    required: true,
    description: 'Code de la régie (« ville », « ccas »…) : celle de la clé d’API, sinon 403.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,20}$' },
  },
};

const paths: Record<string, Record<string, Schema>> = {
  '/openapi.json': {
    get: operation({
      operationId: 'getOpenApiDocument',
      tag: 'Documentation',
      summary: 'Description OpenAPI de l’API',
      description: 'Ce document, au format OpenAPI 3.0.3.',
      security: PUBLIC,
      responses: { 200: ok('La description de l’API.', { type: 'object' }) },
    }),
  },
  '/session': {
    get: operation({
      operationId: 'getSession',
      tag: 'Session',
      summary: 'État de la session et jeton CSRF',
      description:
        'Ouvre la session si besoin et renvoie le jeton CSRF à joindre (en-tête X-CSRF-Token) à toute requête POST, PUT, ' +
        'PATCH ou DELETE, ainsi que la personne connectée. À appeler avant toute autre opération d’écriture.',
      security: PUBLIC,
      responses: { 200: ok('La session.', schemaRef('EtatSession')) },
    }),
    post: operation({
      operationId: 'login',
      tag: 'Session',
      summary: 'Connexion d’un usager',
      description:
        'Connecte le titulaire d’un compte foyer par son identifiant (ou son adresse électronique) et son mot de passe. ' +
        'La session est renouvelée : utilisez le nouveau jeton CSRF renvoyé. Cinq échecs en 15 minutes bloquent ' +
        'l’identifiant pendant 15 minutes.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'Identifiants', description: 'Identifiant et mot de passe.' },
      responses: {
        200: ok('Connecté.', schemaRef('SessionOuverte')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeTentatives'),
      },
    }),
    delete: operation({
      operationId: 'logout',
      tag: 'Session',
      summary: 'Déconnexion',
      description: 'Ferme la session (usager ou agent). Un nouveau jeton CSRF s’obtient ensuite par GET /session.',
      security: SESSION_AND_CSRF,
      responses: { 204: noContent('Déconnecté.'), 403: responseRef('CsrfInvalide') },
    }),
  },
  '/captcha': {
    get: operation({
      operationId: 'getCaptcha',
      tag: 'Inscription',
      summary: 'Nouveau cryptogramme',
      description:
        'Crée un cryptogramme, à afficher (imageUrl) ou à écouter (audioUrl), valable 15 minutes et pour une seule réponse. ' +
        'Chaque appel en crée un nouveau. Sert à l’inscription (captcha_id, cryptogramme) et aux demandes d’actes ' +
        '(captchaId, captchaAnswer de POST /actes).',
      security: PUBLIC,
      responses: { 200: ok('Le cryptogramme.', schemaRef('Cryptogramme')) },
    }),
  },
  '/accounts': {
    post: operation({
      operationId: 'createAccount',
      tag: 'Inscription',
      summary: 'Créer un compte foyer',
      description:
        'Crée le compte foyer en une requête. Toutes les erreurs de saisie sont renvoyées ensemble ; celles des membres sont ' +
        'indexées « membres.<rang>.<champ> ». Le cryptogramme n’est consommé que si le reste est valide. L’identifiant de ' +
        'connexion est envoyé par courriel ; le compte est ensuite validé par les services de la mairie sous 2 jours ouvrés.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'Inscription', description: 'Toutes les informations de l’inscription.' },
      responses: {
        201: ok('Compte créé, en attente de validation.', schemaRef('InscriptionEnregistree')),
        403: responseRef('CsrfInvalide'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
      },
    }),
  },
  '/me': {
    get: operation({
      operationId: 'getMe',
      tag: 'Compte',
      summary: 'Mon compte',
      description: 'Le compte foyer de l’usager connecté, avec son statut de validation.',
      security: SESSION,
      responses: { 200: ok('Le compte.', schemaRef('Compte')), 401: responseRef('NonAuthentifie') },
    }),
    patch: operation({
      operationId: 'updateMe',
      tag: 'Compte',
      summary: 'Modifier mes coordonnées',
      description:
        'Remplace toutes les coordonnées (adresse électronique, téléphone, adresse, mode de communication). ' +
        'Possible uniquement une fois le compte validé par la mairie.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'Coordonnees', description: 'Toutes les coordonnées, y compris celles qui ne changent pas.' },
      responses: {
        200: ok('Le compte modifié.', schemaRef('Compte')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('Interdit'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
      },
    }),
  },
  '/me/password': {
    put: operation({
      operationId: 'changePassword',
      tag: 'Compte',
      summary: 'Changer mon mot de passe',
      description: 'Change le mot de passe, sur présentation du mot de passe actuel. Compte validé uniquement.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'ChangementMotDePasse', description: 'Mot de passe actuel et nouveau mot de passe.' },
      responses: {
        204: noContent('Mot de passe changé.'),
        401: responseRef('NonAuthentifie'),
        403: responseRef('Interdit'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeTentatives'),
      },
    }),
  },
  '/me/security-question': {
    put: operation({
      operationId: 'changeSecurityQuestion',
      tag: 'Compte',
      summary: 'Changer ma question secrète',
      description: 'Change la question secrète et sa réponse, sur présentation du mot de passe actuel. Compte validé uniquement.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'ChangementQuestionSecrete', description: 'Mot de passe actuel, question et réponse.' },
      responses: {
        204: noContent('Question secrète changée.'),
        401: responseRef('NonAuthentifie'),
        403: responseRef('Interdit'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeTentatives'),
      },
    }),
  },
  '/me/members': {
    get: operation({
      operationId: 'listMembers',
      tag: 'Foyer',
      summary: 'Membres de mon foyer',
      description: 'Les membres du foyer autres que le titulaire : les adultes d’abord, puis les enfants, par date de naissance.',
      security: SESSION,
      responses: {
        200: ok('Les membres du foyer.', { type: 'array', items: schemaRef('Membre') }),
        401: responseRef('NonAuthentifie'),
      },
    }),
    post: operation({
      operationId: 'addMember',
      tag: 'Foyer',
      summary: 'Ajouter un membre au foyer',
      description: `Ajoute un membre (${MAX_MEMBERS} au plus en plus du titulaire). Compte validé uniquement.`,
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'MembreSaisie', description: 'Le nouveau membre.' },
      responses: {
        201: ok('Membre ajouté.', schemaRef('Membre')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('Interdit'),
        422: responseRef('Invalide'),
      },
    }),
  },
  '/me/members/{memberId}': {
    put: operation({
      operationId: 'updateMember',
      tag: 'Foyer',
      summary: 'Modifier un membre du foyer',
      description: 'Remplace toutes les informations d’un membre du foyer. Compte validé uniquement.',
      security: SESSION_AND_CSRF,
      parameters: ['memberId'],
      requestBody: { schema: 'MembreSaisie', description: 'Toutes les informations du membre.' },
      responses: {
        200: ok('Membre modifié.', schemaRef('Membre')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('Interdit'),
        404: responseRef('Introuvable'),
        422: responseRef('Invalide'),
      },
    }),
    delete: operation({
      operationId: 'removeMember',
      tag: 'Foyer',
      summary: 'Retirer un membre du foyer',
      description: 'Retire un membre du foyer. Compte validé uniquement.',
      security: SESSION_AND_CSRF,
      parameters: ['memberId'],
      responses: {
        204: noContent('Membre retiré.'),
        401: responseRef('NonAuthentifie'),
        403: responseRef('Interdit'),
        404: responseRef('Introuvable'),
      },
    }),
  },
  '/password-reset': {
    post: operation({
      operationId: 'startPasswordReset',
      tag: 'Mot de passe oublié',
      summary: 'Mot de passe oublié : indiquer son identifiant',
      description:
        'Première étape : l’identifiant (ou l’adresse électronique) désigne le compte, dont la question secrète est renvoyée. ' +
        'La session retient le compte pour l’étape suivante. Cinq identifiants inconnus bloquent cet identifiant, ' +
        'vingt bloquent l’adresse, pendant 30 minutes.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'DemandeReinitialisation', description: 'Identifiant ou adresse électronique.' },
      responses: {
        200: ok('La question secrète du compte.', schemaRef('QuestionSecrete')),
        403: responseRef('CsrfInvalide'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeTentatives'),
      },
    }),
  },
  '/password-reset/answer': {
    post: operation({
      operationId: 'answerSecurityQuestion',
      tag: 'Mot de passe oublié',
      summary: 'Mot de passe oublié : répondre à la question secrète',
      description:
        'Deuxième étape : une bonne réponse envoie par courriel un lien de réinitialisation à usage unique, valable ' +
        '30 minutes (jamais un mot de passe). Trois mauvaises réponses bloquent la démarche pendant 30 minutes. ' +
        'Répond 409 si la première étape n’a pas eu lieu dans cette session.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'ReponseSecrete', description: 'La réponse à la question secrète.' },
      responses: {
        202: ok('Le courriel est en cours d’envoi.', schemaRef('Message')),
        403: responseRef('CsrfInvalide'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeTentatives'),
      },
    }),
  },
  '/password-reset/{token}': {
    post: operation({
      operationId: 'resetPassword',
      tag: 'Mot de passe oublié',
      summary: 'Mot de passe oublié : choisir un nouveau mot de passe',
      description:
        'Dernière étape, depuis le lien reçu par courriel. Le lien ne sert qu’une fois. ' +
        'Dix liens invalides depuis une adresse la bloquent pendant 30 minutes.',
      security: SESSION_AND_CSRF,
      parameters: ['token'],
      requestBody: { schema: 'NouveauMotDePasse', description: 'Le nouveau mot de passe.' },
      responses: {
        204: noContent('Mot de passe changé : connectez-vous avec le nouveau mot de passe.'),
        403: responseRef('CsrfInvalide'),
        410: responseRef('LienInvalide'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeTentatives'),
      },
    }),
  },
  '/agent/session': {
    post: operation({
      operationId: 'agentLogin',
      tag: 'Agents',
      summary: 'Connexion d’un agent',
      description:
        'Connecte un agent de la mairie, sur le portail de sa commune uniquement. La session est renouvelée : utilisez le ' +
        'nouveau jeton CSRF renvoyé. La déconnexion se fait par DELETE /session.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'Identifiants', description: 'Identifiant et mot de passe de l’agent.' },
      responses: {
        200: ok('Connecté.', schemaRef('SessionOuverte')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeTentatives'),
      },
    }),
  },
  '/agent/accounts': {
    get: operation({
      operationId: 'listPendingAccounts',
      tag: 'Agents',
      summary: 'Comptes à valider',
      description: 'Les comptes de la commune en attente de validation, les plus urgents d’abord.',
      security: SESSION,
      responses: {
        200: ok('Les comptes en attente.', { type: 'array', items: schemaRef('CompteAValider') }),
        401: responseRef('NonAuthentifie'),
      },
    }),
  },
  '/agent/accounts/{accountId}/validate': {
    post: operation({
      operationId: 'validateAccount',
      tag: 'Agents',
      summary: 'Valider un compte',
      description: 'Valide un compte en attente ; l’usager en est informé par le canal qu’il a choisi.',
      security: SESSION_AND_CSRF,
      parameters: ['accountId'],
      responses: {
        200: ok('Compte validé.', schemaRef('Decision')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/agent/accounts/{accountId}/reject': {
    post: operation({
      operationId: 'rejectAccount',
      tag: 'Agents',
      summary: 'Refuser un compte',
      description: 'Refuse un compte en attente, avec un motif communiqué à l’usager.',
      security: SESSION_AND_CSRF,
      parameters: ['accountId'],
      requestBody: { schema: 'Rejet', description: 'Le motif du refus.' },
      responses: {
        200: ok('Compte refusé.', schemaRef('Decision')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  // ——— démarches ———
  '/services': {
    get: operation({
      operationId: 'listServices',
      tag: 'Démarches',
      summary: 'Catalogue des démarches',
      description: 'Les démarches en ligne de la commune (onglet « Services »).',
      security: PUBLIC,
      responses: { 200: ok('Les démarches.', { type: 'array', items: schemaRef('Service') }) },
    }),
  },
  '/services/{code}': {
    get: operation({
      operationId: 'getService',
      tag: 'Démarches',
      summary: 'Une démarche du catalogue',
      description: 'Une démarche avec ses étapes, ses champs, ses aides contextuelles et ses pièces justificatives.',
      security: PUBLIC,
      parameters: ['code'],
      responses: { 200: ok('La démarche.', schemaRef('ServiceDetail')), 404: responseRef('Introuvable') },
    }),
  },
  '/services/{code}/draft': {
    put: operation({
      operationId: 'saveDraft',
      tag: 'Démarches',
      summary: 'Enregistrer une étape du brouillon',
      description:
        'Vérifie les réponses d’une étape (messages en français par champ) puis les enregistre dans le brouillon de la ' +
        'démarche, créé au premier appel : l’usager peut revenir plus tard. Un compte pas encore validé le peut aussi.',
      security: SESSION_AND_CSRF,
      parameters: ['code'],
      requestBody: { schema: 'EtapeBrouillon', description: 'L’étape et ses réponses.' },
      responses: {
        200: ok('Le brouillon enregistré.', schemaRef('Brouillon')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        422: responseRef('Invalide'),
      },
    }),
  },
  '/services/{code}/draft/documents': {
    post: {
      ...operation({
        operationId: 'uploadDocument',
        tag: 'Démarches',
        summary: 'Joindre une pièce au brouillon',
        description:
          'En multipart/form-data : un ou plusieurs fichiers, chacun dans le champ « fichier_<clé> », qui remplacent ceux ' +
          'déjà joints pour ces pièces. En JSON { piece, mode: « courrier » } : la pièce sera envoyée par la poste (si la ' +
          'démarche le permet). Un fichier refusé (type, taille, vide, nom avec un chemin) n’est pas gardé.',
        security: SESSION_AND_CSRF,
        parameters: ['code'],
        responses: {
          200: ok('Les pièces du brouillon.', { type: 'array', items: schemaRef('PieceBrouillon') }),
          401: responseRef('NonAuthentifie'),
          403: responseRef('CsrfInvalide'),
          404: responseRef('Introuvable'),
          409: responseRef('Conflit'),
          413: responseRef('TropVolumineux'),
          415: responseRef('TypeNonAccepte'),
          422: responseRef('Invalide'),
        },
      }),
      requestBody: {
        required: true,
        description: 'Les fichiers, ou la pièce envoyée par courrier.',
        content: {
          ...jsonContent(schemaRef('PieceParCourrier')),
          'multipart/form-data': { schema: schemaRef('PiecesJointes') },
        },
      },
    },
  },
  '/services/{code}/submit': {
    post: operation({
      operationId: 'submitRequest',
      tag: 'Démarches',
      summary: 'Envoyer la demande',
      description:
        'Vérifie tout le brouillon puis crée la demande (numéro BEA-AAAA-NNNNNN) ; un accusé de réception est envoyé. ' +
        'Idempotent : la même clé renvoyée donne la même demande, avec 200 au lieu de 201.',
      security: SESSION_AND_CSRF,
      parameters: ['code'],
      requestBody: { schema: 'EnvoiDemande', description: 'La clé d’envoi du brouillon.' },
      responses: {
        200: ok('Demande déjà envoyée avec cette clé.', schemaRef('DemandeEnvoyee')),
        201: ok('Demande envoyée.', schemaRef('DemandeEnvoyee')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
      },
    }),
  },
  '/requests': {
    get: operation({
      operationId: 'listRequests',
      tag: 'Demandes',
      summary: 'Mes demandes',
      description: 'Les demandes du foyer, les plus récentes d’abord, avec leur statut et le membre concerné.',
      security: SESSION,
      responses: {
        200: ok('Les demandes du foyer.', { type: 'array', items: schemaRef('DemandeResume') }),
        401: responseRef('NonAuthentifie'),
      },
    }),
  },
  '/requests/{number}': {
    get: operation({
      operationId: 'getRequest',
      tag: 'Demandes',
      summary: 'Une de mes demandes',
      description: 'Une demande du foyer : réponses, pièces, historique et messages. La demande d’un autre foyer donne 404.',
      security: SESSION,
      parameters: ['number'],
      responses: { 200: ok('La demande.', schemaRef('Demande')), 401: responseRef('NonAuthentifie'), 404: responseRef('Introuvable') },
    }),
  },
  '/requests/{number}/cancel': {
    post: operation({
      operationId: 'cancelRequest',
      tag: 'Demandes',
      summary: 'Annuler une demande',
      description: 'Annule une demande du foyer, avant toute décision ; après, la réponse est 409 avec le motif.',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      responses: {
        200: ok('Demande annulée.', schemaRef('EtatDemande')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/requests/{number}/answer': {
    post: operation({
      operationId: 'answerRequest',
      tag: 'Demandes',
      summary: 'Répondre à une demande d’informations',
      description: 'Répond à la mairie quand elle attend des pièces ou des informations ; la demande revient « En cours ».',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      requestBody: { schema: 'ReponseDemande', description: 'La réponse.' },
      responses: {
        200: ok('Réponse enregistrée.', schemaRef('EtatDemande')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/agent/requests': {
    get: operation({
      operationId: 'listRequestsForAgent',
      tag: 'Agents',
      summary: 'File des demandes',
      description: 'Les demandes de la commune de l’agent, les plus récentes d’abord, 50 par page, filtrées par démarche, statut ou retard.',
      security: SESSION,
      parameters: ['demarcheFilter', 'statusFilter', 'overdueFilter', 'pageParam'],
      responses: { 200: ok('Les demandes.', schemaRef('FileDemandes')), 401: responseRef('NonAuthentifie') },
    }),
  },
  '/agent/requests/{number}/record-paper-document': {
    post: operation({
      operationId: 'recordPaperDocument',
      tag: 'Agents',
      summary: 'Enregistrer une pièce reçue par courrier',
      description: 'Enregistre une pièce papier arrivée en mairie. Quand toutes les pièces obligatoires sont là, la demande devient « Complet » d’elle-même et le demandeur en est informé.',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      requestBody: { schema: 'PieceRecue', description: 'La pièce reçue.' },
      responses: {
        200: ok('Nouvel état de la demande.', schemaRef('EtatDemande')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/agent/requests/{number}/request-documents': {
    post: operation({
      operationId: 'requestDocuments',
      tag: 'Agents',
      summary: 'Demander des pièces ou informations',
      description: 'Passe la demande « En attente de pièces » ; le message est envoyé au demandeur. Relance puis classement sans suite si rien ne vient.',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      requestBody: { schema: 'DemandePieces', description: 'Le message au demandeur.' },
      responses: {
        200: ok('Nouvel état de la demande.', schemaRef('EtatDemande')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/agent/requests/{number}/mark-complete': {
    post: operation({
      operationId: 'markRequestComplete',
      tag: 'Agents',
      summary: 'Marquer une demande complète',
      description: 'L’agent juge le dossier complet (une pièce fournie sous une autre forme, par exemple).',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      responses: {
        200: ok('Nouvel état de la demande.', schemaRef('EtatDemande')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/agent/requests/{number}/validate': {
    post: operation({
      operationId: 'validateRequest',
      tag: 'Agents',
      summary: 'Valider une demande',
      description: 'Valide une demande « Complet » ; avant, la réponse est 409 avec le motif. Le demandeur en est informé.',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      responses: {
        200: ok('Nouvel état de la demande.', schemaRef('EtatDemande')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/agent/requests/{number}/refuse': {
    post: operation({
      operationId: 'refuseRequest',
      tag: 'Agents',
      summary: 'Refuser une demande',
      description: 'Refuse une demande non close, avec un motif obligatoire communiqué au demandeur.',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      requestBody: { schema: 'RefusDemande', description: 'Le motif du refus.' },
      responses: {
        200: ok('Nouvel état de la demande.', schemaRef('EtatDemande')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  // ——— actes d'état civil ———
  '/actes': {
    post: operation({
      operationId: 'submitCivilStatusRequest',
      tag: 'État civil',
      summary: 'Demander un acte d’état civil',
      description:
        'Demande d’acte de naissance, de mariage ou de décès, sans compte. Un client anonyme appelle d’abord GET /session ' +
        '(cookie de session et jeton CSRF, à renvoyer dans l’en-tête X-CSRF-Token) puis GET /captcha (cryptogramme). ' +
        'Toutes les erreurs de saisie sont renvoyées ensemble (422), indexées par nom de champ : « act », « answers », ' +
        '« captchaId », « captchaAnswer », « submissionKey », et les champs du formulaire sous leur propre nom (« nom », ' +
        '« lien »…). Un cryptogramme faux ou expiré donne 422 sur « captchaAnswer » : demandez-en un nouveau. La même ' +
        '« submissionKey » renvoyée donne la même demande. Si un usager est connecté, la demande est rattachée à son ' +
        'compte et figure dans ses « Demandes ». Le numéro et le lien de suivi sont aussi envoyés par courriel au demandeur.',
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'DemandeActe', description: 'L’acte, les réponses, le cryptogramme et la clé d’envoi.' },
      responses: {
        201: {
          ...ok('Demande enregistrée (ou déjà enregistrée avec cette clé d’envoi).', schemaRef('DemandeActeEnvoyee')),
          headers: {
            Location: { description: 'Le suivi de la demande dans l’API : /api/v1/actes/suivi/<jeton>.', schema: { type: 'string' } },
          },
        },
        403: responseRef('CsrfInvalide'),
        422: responseRef('Invalide'),
        429: responseRef('TropDeDemandes'),
      },
    }),
  },
  '/actes/suivi/{token}': {
    get: operation({
      operationId: 'trackCivilStatusRequest',
      tag: 'État civil',
      summary: 'Suivre une demande d’acte',
      description:
        'Le suivi d’une demande d’acte par le jeton de son lien, sans compte : numéro, acte, statut, décision et historique. ' +
        'Le lien peut être transmis à un tiers : aucune coordonnée du demandeur n’est renvoyée.',
      security: PUBLIC,
      parameters: ['trackingToken'],
      responses: { 200: ok('La demande.', schemaRef('SuiviActe')), 404: responseRef('Introuvable') },
    }),
  },
  '/agent/actes': {
    get: operation({
      operationId: 'listCivilStatusRequests',
      tag: 'Agents',
      summary: 'File des demandes d’actes',
      description:
        'Les demandes d’actes d’état civil de la commune de l’agent, les plus récentes d’abord, 50 par page, filtrées par ' +
        'acte, statut ou retard, avec les coordonnées du demandeur et l’adresse d’envoi.',
      security: SESSION,
      parameters: ['actFilter', 'civilStatusFilter', 'overdueFilter', 'pageParam'],
      responses: { 200: ok('Les demandes d’actes.', schemaRef('FileActes')), 401: responseRef('NonAuthentifie') },
    }),
  },
  '/agent/actes/{number}/issue': {
    post: operation({
      operationId: 'issueCivilStatusCertificate',
      tag: 'Agents',
      summary: 'Délivrer un acte',
      description:
        'L’acte est délivré et envoyé par courrier : la demande passe « envoyée » et le demandeur en est informé. Une ' +
        'demande déjà traitée donne 409 ; une demande d’une autre commune, 404.',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      responses: {
        200: ok('La demande après la décision.', schemaRef('DecisionActe')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/agent/actes/{number}/refuse': {
    post: operation({
      operationId: 'refuseCivilStatusRequest',
      tag: 'Agents',
      summary: 'Refuser une demande d’acte',
      description:
        'Refuse une demande reçue, avec un motif de la liste ou rédigé (« autre »), envoyé au demandeur. Une demande déjà ' +
        'traitée donne 409 ; une demande d’une autre commune, 404.',
      security: SESSION_AND_CSRF,
      parameters: ['number'],
      requestBody: { schema: 'RefusActe', description: 'Le motif du refus.' },
      responses: {
        200: ok('La demande après la décision.', schemaRef('DecisionActe')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('CsrfInvalide'),
        404: responseRef('Introuvable'),
        409: responseRef('Conflit'),
        422: responseRef('Invalide'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  // ——— «Mes comptes»: factures du foyer, panier, paiement par carte ———
  '/comptes/factures': {
    get: operation({
      operationId: 'listInvoices',
      tag: 'Mes comptes',
      summary: 'Mes factures des 3 derniers mois',
      description:
        `Les factures du foyer émises durant les ${STATEMENT_MONTHS} derniers mois, en deux rubriques : « Factures à payer » ` +
        '(toPay) et « Consulter votre relevé » (paid, les factures déjà payées). Chacune dit si elle est dans le panier, ou ' +
        'tenue par un paiement en cours. Les factures ne sont visibles qu’une fois le compte validé par la mairie : avant, 403 ' +
        '« account_not_validated » avec l’explication de la FAQ.',
      security: SESSION,
      responses: {
        200: ok('Les factures.', schemaRef('Factures')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('FacturesNonVisibles'),
      },
    }),
  },
  '/panier': {
    get: operation({
      operationId: 'getBasket',
      tag: 'Mes comptes',
      summary: 'Mon panier',
      description:
        'Le panier du foyer (« Accéder à votre panier ») : ses factures, toutes d’une même régie, leur total, et le paiement en ' +
        'cours s’il y en a un (le panier est alors fermé ; son redirectUrl ramène l’usager à la page de paiement).',
      security: SESSION,
      responses: {
        200: ok('Le panier.', schemaRef('Panier')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('FacturesNonVisibles'),
      },
    }),
  },
  '/panier/factures': {
    post: operation({
      operationId: 'addToBasket',
      tag: 'Mes comptes',
      summary: 'Ajouter une facture au panier',
      description:
        'Ajoute une facture à payer du foyer au panier. Un panier ne contient que des factures d’une même régie (Ville, CCAS : ' +
        'des budgets différents), chacune une fois : une facture d’une autre régie, ou la même deux fois, donne 409 avec le ' +
        `message de la FAQ « ${BASKET_REFUSED} » ; payez d’abord le panier, ou videz-le. Une facture d’un autre foyer donne 404.`,
      security: SESSION_AND_CSRF,
      requestBody: { schema: 'AjoutPanier', description: 'La facture à ajouter.' },
      responses: {
        200: ok('Facture ajoutée ; le panier.', schemaRef('Panier')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('InterditFactures'),
        404: responseRef('Introuvable'),
        409: responseRef('ConflitPanier'),
        422: responseRef('Invalide'),
      },
    }),
  },
  '/panier/factures/{invoiceId}': {
    delete: operation({
      operationId: 'removeFromBasket',
      tag: 'Mes comptes',
      summary: 'Retirer une facture du panier',
      description:
        'Retire une facture du panier ; vide, le panier accepte ensuite les factures de n’importe quelle régie. Impossible ' +
        'pendant un paiement en cours (409). Une facture absente du panier, ou d’un autre foyer, donne 404.',
      security: SESSION_AND_CSRF,
      parameters: ['invoiceId'],
      responses: {
        200: ok('Facture retirée ; le panier.', schemaRef('Panier')),
        401: responseRef('NonAuthentifie'),
        403: responseRef('InterditFactures'),
        404: responseRef('Introuvable'),
        409: responseRef('PanierFerme'),
      },
    }),
  },
  '/panier/paiement': {
    post: operation({
      operationId: 'checkoutBasket',
      tag: 'Mes comptes',
      summary: 'Payer le panier par carte',
      description:
        '« Payer » : crée le paiement du panier chez le prestataire de la régie (PayFiP, ou le bac à sable hors production) ' +
        'et renvoie l’adresse de sa page de paiement par carte, où le client envoie l’usager. Le panier est fermé jusqu’à la ' +
        'réponse du prestataire, qui revient ensuite à la page de retour du portail. Suivez le paiement par GET ' +
        '/paiements/{reference} : accepté, les factures sont payées et le reçu envoyé par courriel ; refusé, abandonné ou ' +
        'expiré (20 minutes sans réponse), le panier est rouvert avec les mêmes factures.',
      security: SESSION_AND_CSRF,
      responses: {
        201: {
          ...ok('Paiement créé chez le prestataire.', schemaRef('PaiementLance')),
          headers: {
            Location: { description: 'Le paiement dans l’API : /api/v1/paiements/<référence>.', schema: { type: 'string' } },
          },
        },
        401: responseRef('NonAuthentifie'),
        403: responseRef('InterditFactures'),
        409: responseRef('ConflitPaiement'),
        503: responseRef('Indisponible'),
      },
    }),
  },
  '/paiements/{reference}': {
    get: operation({
      operationId: 'getPayment',
      tag: 'Mes comptes',
      summary: 'Un paiement du foyer',
      description:
        'Le paiement du foyer de cette référence et son statut, lu de la base : seule la réponse que le portail a lui-même ' +
        'demandée au prestataire le fait changer. Le paiement d’un autre foyer, ou une référence inconnue, donne 404.',
      security: SESSION,
      parameters: ['paymentReference'],
      responses: {
        200: ok('Le paiement.', schemaRef('Paiement')),
        401: responseRef('NonAuthentifie'),
        404: responseRef('Introuvable'),
      },
    }),
  },
  '/paiements/notification': {
    post: {
      ...operation({
        operationId: 'paymentNotification',
        tag: 'Prestataires de paiement',
        summary: 'Notification du prestataire de paiement',
        description:
          'Appel de serveur à serveur du prestataire (PayFiP « urlnotif », ou le bac à sable) quand un paiement est décidé : ' +
          'sans session ni jeton CSRF. Le corps n’est jamais cru : seul « idOp » en est lu, pour désigner le paiement à ' +
          'vérifier, et son statut est alors demandé au prestataire lui-même (PayFiP recupererDetailPaiementSecurise). Un ' +
          'idOp inconnu, d’une autre commune ou d’un paiement déjà décidé ne change rien. La réponse est toujours 200 « OK », ' +
          'quel que soit le corps : elle ne révèle rien.',
        security: PUBLIC,
        responses: {
          200: {
            description: 'Toujours « OK », en text/plain.',
            content: { 'text/plain': { schema: { type: 'string', enum: ['OK'] } } },
          },
        },
      }),
      requestBody: {
        required: true,
        description: 'Le formulaire envoyé par le prestataire.',
        content: { 'application/x-www-form-urlencoded': { schema: schemaRef('NotificationPaiement') } },
      },
    },
  },
  // ——— factures ———
  '/regies/{code}/factures': {
    post: {
      ...operation({
        operationId: 'importInvoices',
        tag: 'Factures',
        summary: 'Importer les factures d’une régie',
        description:
          'Pour le logiciel de facturation : la clé d’API de la régie (en-tête Authorization: Bearer <clé> ou ' +
          `${API_KEY_HEADER}) tient lieu de session et de jeton CSRF. Le corps est une liste JSON, ou l’export CSV ` +
          `(text/csv, UTF-8, séparateur « ; » ou « , », en-tête ${EXPECTED_HEADER} ; la colonne « regie » est ` +
          `facultative et doit sinon nommer la régie de la clé ; montants en euros). ${MAX_INVOICE_LINES} factures et ` +
          `${MAX_IMPORT_BYTES / 1024 / 1024} Mo au plus. Chaque ligne est traitée seule : les bonnes sont importées, ` +
          'chaque mauvaise est rapportée avec son motif (montant négatif ou nul, compte inconnu, régie inconnue, numéro en ' +
          'double…). L’import est idempotent sur le numéro : une facture déjà importée n’est jamais modifiée (même contenu : ' +
          '« unchanged » ; autre contenu : ligne refusée). Un corps illisible en entier (JSON sans « invoices », CSV sans ' +
          'en-tête complet, pas en UTF-8) donne 422 et rien n’est importé.',
        security: REGIE_API_KEY,
        parameters: ['regieCode'],
        responses: {
          200: ok('Le rapport de l’import.', schemaRef('RapportImport')),
          401: responseRef('CleApiInvalide'),
          403: responseRef('CleApiAutreRegie'),
          413: responseRef('TropVolumineux'),
          415: responseRef('TypeFacturesNonAccepte'),
          422: responseRef('Invalide'),
        },
      }),
      requestBody: {
        required: true,
        description: 'Les factures, en JSON ou en CSV.',
        content: {
          ...jsonContent(schemaRef('ImportFactures')),
          'text/csv': {
            schema: {
              type: 'string',
              description: `L’export CSV du logiciel de facturation, en UTF-8 ; en-tête : ${EXPECTED_HEADER}.`,
              example: `${EXPECTED_HEADER}\nF-0001;ville;amélie.lire;Restauration scolaire;Octobre 2026;03/11/2026;30/11/2026;42,50\n`,
            },
          },
        },
      },
    },
  },
};

export const openApiDocument: object = {
  openapi: '3.0.3',
  info: {
    title: 'Portail citoyen — API',
    version: '1.0.0',
    description:
      'API JSON du portail citoyen : compte foyer, membres du foyer, mot de passe oublié, démarches, demandes d’actes ' +
      'd’état civil (sans compte) et leur traitement par les agents, factures du foyer, panier et paiement par carte. Chaque commune a son portail (demarches-<commune>.<domaine>) : l’API sert la commune de l’adresse ' +
      'appelée.\n\n' +
      'Authentification par cookie de session. Toute requête autre que GET doit porter l’en-tête X-CSRF-Token, ' +
      'sauf l’import des factures par le logiciel de facturation, authentifié par la clé d’API de la régie, et la ' +
      'notification du prestataire de paiement, qui ne fait que demander une vérification. Le jeton est ' +
      'obtenu par GET /session (puis renouvelé à chaque connexion) : un client sans compte l’appelle aussi, et garde le ' +
      'cookie de session qu’il pose. Les champs portent les mêmes noms que les ' +
      'formulaires du portail. Les erreurs ont toutes la forme { "error": { "code", "message", "fields" } }.',
    license: { name: 'AGPL-3.0-or-later', url: 'https://www.gnu.org/licenses/agpl-3.0.html' },
  },
  servers: [{ url: '/api/v1', description: 'Le portail de la commune appelée.' }],
  tags: [
    { name: 'Session', description: 'Connexion, déconnexion et jeton CSRF.' },
    { name: 'Inscription', description: 'Création d’un compte foyer.' },
    { name: 'Compte', description: 'Le compte foyer de l’usager connecté.' },
    { name: 'Foyer', description: 'Les membres du foyer.' },
    { name: 'Mot de passe oublié', description: 'Identifiant, question secrète, puis lien de réinitialisation.' },
    { name: 'Démarches', description: 'Le catalogue des démarches en ligne de la commune.' },
    { name: 'Demandes', description: 'Les demandes du foyer : suivi, réponse, annulation.' },
    { name: 'État civil', description: 'Demandes d’actes de naissance, de mariage et de décès, sans compte, et leur suivi.' },
    { name: 'Agents', description: 'Validation des comptes et traitement des demandes par les agents de la mairie.' },
    { name: 'Mes comptes', description: 'Les factures du foyer, son panier (une régie à la fois) et leur paiement par carte.' },
    { name: 'Prestataires de paiement', description: 'Les notifications des prestataires de paiement (PayFiP).' },
    { name: 'Factures', description: 'Import des factures par le logiciel de facturation, avec la clé d’API de chaque régie.' },
    { name: 'Documentation', description: 'Cette description.' },
  ],
  paths,
  components: {
    schemas,
    responses,
    parameters,
    securitySchemes: {
      cookieSession: {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description: 'Cookie de session, posé par GET /session et renouvelé à chaque connexion.',
      },
      jetonCsrf: {
        type: 'apiKey',
        in: 'header',
        name: 'X-CSRF-Token',
        description: 'Jeton CSRF de la session, renvoyé par GET /session et par les connexions.',
      },
      cleApiRegie: {
        type: 'apiKey',
        in: 'header',
        name: API_KEY_HEADER,
        description: 'Clé d’API d’une régie, donnée par la mairie au logiciel de facturation (seule son empreinte est conservée).',
      },
      bearerRegie: {
        type: 'http',
        scheme: 'bearer',
        description: 'La même clé d’API de régie, dans l’en-tête Authorization: Bearer <clé>.',
      },
    },
  },
};
