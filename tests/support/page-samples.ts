// Realistic view-models for every portal page, shaped as the routes build them (the contract of
// api/views.ts): used by the accessibility test and by scripts/preview-pages.ts. Some samples carry a
// markup-like name to show that user data is escaped, and most forms have a variant with errors.
import { PASSWORD_RULES_TEXT } from '../../domain/password-policy';
import { SECURITY_QUESTIONS } from '../../api/validation/account';
import {
  ACT_KINDS,
  ACT_LABELS,
  COPY_LABELS,
  DEFAULT_COUNTRY,
  OPEN_AFTER_YEARS,
  addressLines,
  checkCivilStatusRequest,
  civilStatusForm,
  relationLabel,
  type ActKind,
  type CivilStatusDetails,
} from '../../domain/civil-status';
import {
  CIVIL_STATUS_LABELS,
  CIVIL_STATUS_STATUSES,
  REFUSAL_REASONS,
  type CivilStatusStatus,
} from '../../domain/civil-status-status';
import { formatIsoDay, formatParisDate, formatParisDateTime } from '../../domain/dates';
import { CIVIL_STATUS_EVENT_LABELS, civilStatusActorLabel } from '../../api/agent/civil-status';
import { formErrors } from '../../api/pages';
import { fieldView } from '../../api/portal/demarches';
import { CAPTCHA_WRONG } from '../../api/services/civil-status.service';
import { retryLater } from '../../api/services/throttle';

/** A name a resident could type to try to inject a script into the pages. */
export const SCRIPT_SAMPLE = '<script>alert(1)</script>';
export const CAPTCHA_SAMPLE_ID = '3f1c9a52-8d0e-4b7a-9a61-2c4d5e6f7a8b';
export const CAPTCHA_SAMPLE_CODE = 'AF2HJ';

export interface PageSample {
  /** Unique, usable as a file name. */
  name: string;
  /** Template name given to views.render(). */
  page: string;
  context: Record<string, unknown>;
  /** The sample shows SCRIPT_SAMPLE somewhere on the page: it must appear as text. */
  showsScriptSample?: boolean;
}

type Errors = Record<string, string>;

const commune = { name: 'Beaucouzé', slug: 'beaucouze' };
const common = { commune, csrfToken: 'jeton-csrf-de-demonstration', devMailbox: true };

const resident = (status: 'pending' | 'validated' | 'rejected' = 'validated') => ({
  kind: 'resident',
  firstName: 'Amélie',
  lastName: 'Lire',
  identifier: 'amélie.lire',
  status,
});
const agent = { kind: 'agent', displayName: 'Claire Martin', role: 'agent' };

const civilites = [
  { value: 'Madame', label: 'Madame' },
  { value: 'Monsieur', label: 'Monsieur' },
];
const questions = SECURITY_QUESTIONS.map((q) => ({ value: q, label: q }));

/** The form part of a context: values to re-display and the errors, as a map and as a list. */
function form(values: Record<string, string> = {}, errors: Errors = {}) {
  return { values, errors, errorList: Object.entries(errors).map(([field, message]) => ({ field, message })) };
}

const TAB_KEYS = ['identite', 'coordonnees', 'foyer', 'securite', 'validation'] as const;
type TabKey = (typeof TAB_KEYS)[number];
const TAB_LABELS: Record<TabKey, string> = {
  identite: 'Identité',
  coordonnees: 'Coordonnées',
  foyer: 'Foyer',
  securite: 'Sécurité',
  validation: 'Validation',
};

/** Tabs before `current` are complete, as when a resident goes through them in order. */
function signupTabs(current: TabKey) {
  const at = TAB_KEYS.indexOf(current);
  return TAB_KEYS.map((key, i) => ({
    key,
    label: TAB_LABELS[key],
    url: `/compte/creer/${key}`,
    current: key === current,
    complete: i < at,
  }));
}

function signup(tab: TabKey, extra: Record<string, unknown>) {
  return {
    ...common,
    pageTitle: `Créer mon compte — ${TAB_LABELS[tab]}`,
    tab,
    tabs: signupTabs(tab),
    civilites,
    ...form(),
    ...extra,
  };
}

const signupMembers = [
  {
    index: 0,
    kindLabel: 'Adulte',
    civilite: 'Monsieur',
    prenom: 'Paul',
    nom: 'Lire',
    dateNaissanceText: '3 mars 1980',
    lien: 'conjoint',
  },
  {
    index: 1,
    kindLabel: 'Enfant',
    civilite: 'Madame',
    prenom: SCRIPT_SAMPLE,
    nom: 'Lire',
    dateNaissanceText: '14 juillet 2015',
    lien: 'fille',
  },
];

const accountSample = {
  civilite: 'Madame',
  prenom: 'Amélie',
  nom: 'Lire',
  identifier: 'amélie.lire',
  dateNaissanceText: '21 février 1982',
  email: 'amelie.lire@example.fr',
  telephone: '06 12 34 56 78',
  adresse: '12 rue de la Mairie',
  codePostal: '49070',
  ville: 'Beaucouzé',
  modeCommunicationLabel: 'Par courriel',
  status: 'validated',
  statusLabel: 'Validé',
  securityQuestion: SECURITY_QUESTIONS[0],
};

const adults = [
  {
    id: 11,
    civilite: 'Monsieur',
    prenom: 'Paul',
    nom: 'Lire',
    dateNaissanceText: '3 mars 1980',
    lien: 'conjoint',
    editUrl: '/compte/membres/11/modifier',
    deleteUrl: '/compte/membres/11/retirer',
  },
];
const children = [
  {
    id: 12,
    civilite: 'Madame',
    prenom: 'Zoé',
    nom: 'Lire',
    dateNaissanceText: '14 juillet 2015',
    lien: 'fille',
    editUrl: '/compte/membres/12/modifier',
    deleteUrl: '/compte/membres/12/retirer',
  },
  {
    id: 13,
    civilite: 'Monsieur',
    prenom: SCRIPT_SAMPLE,
    nom: 'Lire',
    dateNaissanceText: '2 septembre 2018',
    lien: '',
    editUrl: '/compte/membres/13/modifier',
    deleteUrl: '/compte/membres/13/retirer',
  },
];

const contactValues = {
  email: 'amelie.lire@example.fr',
  telephone: '06 12 34 56 78',
  adresse: '12 rue de la Mairie',
  code_postal: '49070',
  ville: 'Beaucouzé',
  mode_communication: 'email',
};

const residentPage = (activeTab: 'accueil' | 'compte', status: 'pending' | 'validated' | 'rejected' = 'validated') => ({
  ...common,
  user: resident(status),
  activeTab,
});

const NOT_VALIDATED_MESSAGE =
  'Votre compte n’est pas encore validé par les services de la mairie : vous pourrez le modifier une fois celui-ci validé.';

export function pageSamples(): PageSample[] {
  const samples: PageSample[] = [
    { name: 'home', page: 'home', context: { ...common, pageTitle: 'Accueil', ...form() } },
    {
      name: 'home-erreurs',
      page: 'home',
      showsScriptSample: true,
      context: {
        ...common,
        pageTitle: 'Accueil',
        flash: { kind: 'info', message: `Vous êtes déconnecté. ${SCRIPT_SAMPLE}` },
        ...form(
          { identifiant: `amélie.lire"><script>alert(1)</script>` },
          {
            identifiant: 'Identifiant ou mot de passe incorrect.',
            mot_de_passe: 'Le mot de passe est obligatoire.',
          },
        ),
      },
    },

    { name: 'signup-identite', page: 'signup/tab', context: signup('identite', {}) },
    {
      name: 'signup-identite-erreurs',
      page: 'signup/tab',
      showsScriptSample: true,
      context: signup(
        'identite',
        form(
          { civilite: '', prenom: SCRIPT_SAMPLE, nom: 'Lire', date_naissance: '2015-07-14' },
          {
            civilite: 'La civilité est obligatoire.',
            prenom: 'Le prénom ne peut contenir que des lettres, des espaces, des apostrophes et des tirets.',
            date_naissance: 'Le titulaire du compte doit être majeur (18 ans ou plus).',
          },
        ),
      ),
    },
    { name: 'signup-coordonnees', page: 'signup/tab', context: signup('coordonnees', form({ mode_communication: 'email' })) },
    {
      name: 'signup-coordonnees-erreurs',
      page: 'signup/tab',
      context: signup(
        'coordonnees',
        form(
          { ...contactValues, email: 'amelie.lire@', telephone: '', code_postal: '4907', mode_communication: 'sms' },
          {
            email: "L'adresse électronique doit être une adresse valide, par exemple nom@domaine.fr.",
            telephone: 'Le numéro de téléphone est obligatoire si vous choisissez d’être informé par SMS.',
            code_postal: 'Le code postal doit comporter 5 chiffres.',
          },
        ),
      ),
    },
    {
      name: 'signup-foyer',
      page: 'signup/tab',
      showsScriptSample: true,
      context: signup('foyer', { members: signupMembers }),
    },
    { name: 'signup-foyer-vide', page: 'signup/tab', context: signup('foyer', { members: [] }) },
    {
      name: 'signup-foyer-erreurs',
      page: 'signup/tab',
      showsScriptSample: true,
      context: signup('foyer', {
        members: signupMembers,
        ...form(
          { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Zoé', membre_nom: '', membre_date_naissance: '2030-01-01' },
          {
            membre_nom: 'Le nom du membre est obligatoire.',
            membre_date_naissance: 'La date de naissance du membre ne peut pas être dans le futur.',
          },
        ),
      }),
    },
    {
      name: 'signup-securite',
      page: 'signup/tab',
      context: signup('securite', { questions, passwordRules: PASSWORD_RULES_TEXT, passwordAlreadySet: false }),
    },
    {
      name: 'signup-securite-erreurs',
      page: 'signup/tab',
      context: signup('securite', {
        questions,
        passwordRules: PASSWORD_RULES_TEXT,
        passwordAlreadySet: false,
        ...form(
          { question: SECURITY_QUESTIONS[2], reponse: 'x' },
          {
            mot_de_passe: 'Ce mot de passe fait partie des plus courants : choisissez-en un autre.',
            mot_de_passe_confirmation: 'Les deux mots de passe ne sont pas identiques.',
            reponse: 'La réponse doit contenir au moins 2 caractères.',
          },
        ),
      }),
    },
    {
      name: 'signup-securite-deja-defini',
      page: 'signup/tab',
      context: signup('securite', {
        questions,
        passwordRules: PASSWORD_RULES_TEXT,
        passwordAlreadySet: true,
        ...form({ question: SECURITY_QUESTIONS[1], reponse: 'Angers' }),
      }),
    },
    { name: 'signup-validation', page: 'signup/tab', showsScriptSample: true, context: signup('validation', validationExtra()) },
    {
      name: 'signup-validation-erreurs',
      page: 'signup/tab',
      showsScriptSample: true,
      context: signup('validation', {
        ...validationExtra(),
        ...form({}, { cryptogramme: 'Le cryptogramme saisi ne correspond pas à l’image. Un nouveau cryptogramme vous est proposé.' }),
      }),
    },
    {
      name: 'signup-done',
      page: 'signup/done',
      context: { ...common, pageTitle: 'Compte créé', email: 'amelie.lire@example.fr' },
    },

    {
      name: 'accueil-en-attente',
      page: 'resident/accueil',
      context: {
        ...residentPage('accueil', 'pending'),
        pageTitle: 'Accueil',
        account: { status: 'pending', statusLabel: 'En attente de validation', deadlineText: 'mardi 14 octobre 2025', rejectionReason: null },
        requests: [],
      },
    },
    {
      name: 'accueil-valide',
      page: 'resident/accueil',
      context: {
        ...residentPage('accueil'),
        pageTitle: 'Accueil',
        flash: { kind: 'success', message: 'Vous êtes connecté.' },
        account: { status: 'validated', statusLabel: 'Validé', deadlineText: null, rejectionReason: null },
        requests: [
          { title: 'Inscription à la restauration scolaire', number: 'D-2025-000142', statusLabel: 'En attente de pièces', url: '/demarches/D-2025-000142' },
          { title: 'Demande de carte de stationnement résident', number: 'D-2025-000098', statusLabel: 'Validé', url: '/demarches/D-2025-000098' },
        ],
      },
    },
    {
      name: 'accueil-rejete',
      page: 'resident/accueil',
      showsScriptSample: true,
      context: {
        ...residentPage('accueil', 'rejected'),
        pageTitle: 'Accueil',
        account: {
          status: 'rejected',
          statusLabel: 'Rejeté',
          deadlineText: null,
          rejectionReason: `L'adresse indiquée n'est pas située à Beaucouzé. ${SCRIPT_SAMPLE}`,
        },
        requests: [],
      },
    },
    {
      name: 'compte',
      page: 'resident/compte',
      showsScriptSample: true,
      context: {
        ...residentPage('compte'),
        pageTitle: 'Mon compte',
        flash: { kind: 'success', message: 'Vos modifications sont enregistrées.' },
        account: accountSample,
        adults,
        children,
        canModify: true,
      },
    },
    {
      name: 'compte-non-valide',
      page: 'resident/compte',
      context: {
        ...residentPage('compte', 'pending'),
        pageTitle: 'Mon compte',
        account: { ...accountSample, status: 'pending', statusLabel: 'En attente de validation', telephone: '' },
        adults: [],
        children: [],
        canModify: false,
        modifyNotice: NOT_VALIDATED_MESSAGE,
      },
    },
    {
      name: 'compte-modifier',
      page: 'resident/compte-modifier',
      context: { ...residentPage('compte'), pageTitle: 'Modifier mon compte', ...form(contactValues) },
    },
    {
      name: 'compte-modifier-erreurs',
      page: 'resident/compte-modifier',
      showsScriptSample: true,
      context: {
        ...residentPage('compte'),
        pageTitle: 'Modifier mon compte',
        ...form(
          { ...contactValues, ville: SCRIPT_SAMPLE, mode_communication: 'sms', telephone: '12' },
          {
            telephone: 'Le numéro de téléphone doit être un numéro valide, par exemple 06 12 34 56 78.',
            ville: 'La ville ne peut contenir que des lettres, des espaces, des apostrophes et des tirets.',
          },
        ),
      },
    },
    {
      name: 'compte-modifier-verrouille',
      page: 'resident/compte-modifier',
      context: {
        ...residentPage('compte', 'pending'),
        pageTitle: 'Modifier mon compte',
        ...form(),
        locked: true,
        lockedMessage: NOT_VALIDATED_MESSAGE,
      },
    },
    {
      name: 'mot-de-passe',
      page: 'resident/mot-de-passe',
      context: { ...residentPage('compte'), pageTitle: 'Modifier mon mot de passe', passwordRules: PASSWORD_RULES_TEXT, ...form() },
    },
    {
      name: 'mot-de-passe-erreurs',
      page: 'resident/mot-de-passe',
      context: {
        ...residentPage('compte'),
        pageTitle: 'Modifier mon mot de passe',
        passwordRules: PASSWORD_RULES_TEXT,
        ...form(
          {},
          {
            mot_de_passe_actuel: 'Le mot de passe actuel est incorrect.',
            nouveau_mot_de_passe:
              'Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre identifiant, ni votre adresse électronique.',
          },
        ),
      },
    },
    {
      name: 'question-secrete',
      page: 'resident/question-secrete',
      context: {
        ...residentPage('compte'),
        pageTitle: 'Modifier ma question/réponse',
        questions,
        ...form({ question: SECURITY_QUESTIONS[0] }),
      },
    },
    {
      name: 'question-secrete-erreurs',
      page: 'resident/question-secrete',
      context: {
        ...residentPage('compte'),
        pageTitle: 'Modifier ma question/réponse',
        questions,
        ...form(
          { question: '', reponse: 'Médor' },
          { mot_de_passe_actuel: 'Le mot de passe actuel est obligatoire.', question: 'La question secrète est obligatoire.' },
        ),
      },
    },
    {
      name: 'membre-ajouter',
      page: 'resident/membre',
      context: {
        ...residentPage('compte'),
        pageTitle: 'Ajouter un membre',
        heading: 'Ajouter un membre',
        formAction: '/compte/membres/ajouter',
        civilites,
        ...form(),
      },
    },
    {
      name: 'membre-modifier-erreurs',
      page: 'resident/membre',
      showsScriptSample: true,
      context: {
        ...residentPage('compte'),
        pageTitle: 'Modifier un membre',
        heading: 'Modifier un membre',
        formAction: '/compte/membres/12/modifier',
        civilites,
        ...form(
          {
            membre_type: 'enfant',
            membre_civilite: 'Madame',
            membre_prenom: 'Zoé',
            membre_nom: 'Lire',
            membre_date_naissance: '2015-07-14',
            membre_lien: SCRIPT_SAMPLE,
          },
          { membre_lien: 'Le lien avec vous ne peut contenir que des lettres, des espaces et des tirets.' },
        ),
      },
    },
    {
      name: 'membre-supprimer',
      page: 'resident/membre-supprimer',
      showsScriptSample: true,
      context: {
        ...residentPage('compte'),
        pageTitle: 'Retirer un membre',
        formAction: '/compte/membres/13/retirer',
        member: { prenom: SCRIPT_SAMPLE, nom: 'Lire' },
      },
    },
    {
      name: 'membre-verrouille',
      page: 'resident/membre',
      context: {
        ...residentPage('compte', 'pending'),
        pageTitle: 'Ajouter un membre',
        heading: 'Ajouter un membre',
        formAction: '/compte/membres/ajouter',
        locked: true,
        lockedMessage: NOT_VALIDATED_MESSAGE,
        ...form(),
      },
    },

    { name: 'reset-identifiant', page: 'reset/identifiant', context: { ...common, pageTitle: 'Mot de passe oublié', ...form() } },
    {
      name: 'reset-identifiant-erreurs',
      page: 'reset/identifiant',
      context: {
        ...common,
        pageTitle: 'Mot de passe oublié',
        ...form({ identifiant: 'amelie.lire' }, { identifiant: "Nous ne trouvons pas cet identifiant. Attention : les accents sont pris en compte." }),
      },
    },
    {
      name: 'reset-question',
      page: 'reset/question',
      context: { ...common, pageTitle: 'Mot de passe oublié', question: SECURITY_QUESTIONS[0], ...form() },
    },
    {
      name: 'reset-question-erreurs',
      page: 'reset/question',
      context: {
        ...common,
        pageTitle: 'Mot de passe oublié',
        question: SECURITY_QUESTIONS[0],
        ...form({ reponse: 'Rex' }, { reponse: 'La réponse ne correspond pas. Il vous reste 2 essais.' }),
      },
    },
    { name: 'reset-envoye', page: 'reset/envoye', context: { ...common, pageTitle: 'Courriel envoyé' } },
    {
      name: 'reset-nouveau',
      page: 'reset/nouveau',
      context: {
        ...common,
        pageTitle: 'Nouveau mot de passe',
        formAction: '/mot-de-passe-oublie/nouveau/3q2-jeton',
        passwordRules: PASSWORD_RULES_TEXT,
        ...form(),
      },
    },
    {
      name: 'reset-nouveau-erreurs',
      page: 'reset/nouveau',
      context: {
        ...common,
        pageTitle: 'Nouveau mot de passe',
        formAction: '/mot-de-passe-oublie/nouveau/3q2-jeton',
        passwordRules: PASSWORD_RULES_TEXT,
        ...form(
          {},
          {
            nouveau_mot_de_passe:
              'Le mot de passe doit contenir au moins 12 caractères, dont une majuscule, une minuscule, un chiffre et un caractère spécial.',
          },
        ),
      },
    },
    { name: 'reset-termine', page: 'reset/termine', context: { ...common, pageTitle: 'Mot de passe modifié' } },
    { name: 'reset-lien-invalide', page: 'reset/lien-invalide', context: { ...common, pageTitle: 'Lien expiré' } },

    ...civilStatusPortalSamples(),

    {
      name: 'agent-connexion',
      page: 'agent/connexion',
      context: { ...common, devMailbox: false, pageTitle: 'Espace agents', ...form() },
    },
    {
      name: 'agent-connexion-erreurs',
      page: 'agent/connexion',
      context: {
        ...common,
        pageTitle: 'Espace agents',
        ...form({ identifiant: 'c.martin' }, { identifiant: 'Identifiant ou mot de passe incorrect.' }),
      },
    },
    {
      name: 'agent-comptes',
      page: 'agent/comptes',
      showsScriptSample: true,
      context: {
        ...common,
        pageTitle: 'Comptes à valider',
        user: agent,
        accounts: [
          {
            id: 7,
            url: '/agent/comptes/7',
            nom: 'Lire',
            prenom: 'Amélie',
            identifier: 'amélie.lire',
            email: 'amelie.lire@example.fr',
            createdText: 'jeudi 9 octobre 2025 à 10 h 12',
            deadlineText: 'lundi 13 octobre 2025',
            overdue: true,
          },
          {
            id: 9,
            url: '/agent/comptes/9',
            nom: 'Durand',
            prenom: SCRIPT_SAMPLE,
            identifier: 'script.durand',
            email: 'durand@example.fr',
            createdText: 'mardi 14 octobre 2025 à 16 h 40',
            deadlineText: 'jeudi 16 octobre 2025',
            overdue: false,
          },
        ],
      },
    },
    {
      name: 'agent-comptes-vide',
      page: 'agent/comptes',
      context: { ...common, pageTitle: 'Comptes à valider', user: { ...agent, role: 'admin' }, accounts: [] },
    },
    { name: 'agent-compte', page: 'agent/compte', showsScriptSample: true, context: agentAccount(form()) },
    {
      name: 'agent-compte-erreurs',
      page: 'agent/compte',
      showsScriptSample: true,
      context: agentAccount(form({ motif: '' }, { motif: 'Le motif du rejet est obligatoire.' })),
    },
    {
      name: 'agent-compte-rejete',
      page: 'agent/compte',
      showsScriptSample: true,
      context: {
        ...agentAccount(form()),
        canDecide: false,
        account: {
          ...agentAccount(form()).account,
          status: 'rejected',
          statusLabel: 'Rejeté',
          rejectionReason: 'Justificatif de domicile illisible.\nMerci de recréer votre compte.',
        },
        history: [
          { atText: '9 octobre 2025 à 10 h 12', fromLabel: null, toLabel: 'En attente de validation', actor: 'amélie.lire', reason: null },
          {
            atText: '10 octobre 2025 à 9 h 03',
            fromLabel: 'En attente de validation',
            toLabel: 'Rejeté',
            actor: 'Claire Martin',
            reason: 'Justificatif de domicile illisible.',
          },
        ],
      },
    },

    ...civilStatusAgentSamples(),

    {
      name: 'boite-mail',
      page: 'dev/boite-mail',
      showsScriptSample: true,
      context: {
        ...common,
        pageTitle: 'Boîte mail de développement',
        messages: [
          {
            id: 42,
            channel: 'sms',
            channelLabel: 'SMS',
            to: '+33612345678',
            subject: null,
            createdText: '14 octobre 2025 à 16 h 41',
            bodyText: 'Mairie de Beaucouzé : votre demande D-2025-000142 est complète.',
            htmlUrl: null,
          },
          {
            id: 41,
            channel: 'email',
            channelLabel: 'Courriel',
            to: 'amelie.lire@example.fr',
            subject: 'Votre compte sur le portail citoyen de Beaucouzé',
            createdText: '14 octobre 2025 à 16 h 40',
            bodyText:
              'Bonjour Amélie Lire,\n\nVotre compte est créé. Votre identifiant : amélie.lire\n' +
              'Attention : les accents sont pris en compte !\n\n' +
              `Une très longue ligne sans espace pour vérifier le retour à la ligne : https://demarches-beaucouze.example.fr/${'a'.repeat(120)}\n\n` +
              `Nom saisi : ${SCRIPT_SAMPLE}\n\nLa mairie de Beaucouzé`,
            htmlUrl: '/dev/boite-mail/41.html',
          },
        ],
      },
    },
    { name: 'boite-mail-vide', page: 'dev/boite-mail', context: { ...common, pageTitle: 'Boîte mail de développement', messages: [] } },

    {
      name: 'erreur-404',
      page: 'error',
      context: { ...common, pageTitle: 'Page introuvable', status: 404, message: "La page demandée n'existe pas." },
    },
    {
      name: 'erreur-500-agent',
      page: 'error',
      context: {
        ...common,
        user: agent,
        pageTitle: 'Erreur',
        status: 500,
        message: 'Une erreur inattendue est survenue. Veuillez réessayer dans quelques instants.',
      },
    },
  ];
  return samples;
}

function validationExtra() {
  return {
    summary: {
      identite: [
        { label: 'Civilité', value: 'Madame' },
        { label: 'Prénom', value: 'Amélie' },
        { label: 'Nom', value: 'Lire' },
        { label: 'Date de naissance', value: '21 février 1982' },
      ],
      coordonnees: [
        { label: 'Adresse électronique', value: 'amelie.lire@example.fr' },
        { label: 'Téléphone', value: '06 12 34 56 78' },
        { label: 'Adresse', value: '12 rue de la Mairie, 49070 Beaucouzé' },
        { label: 'Être informé de mes démarches', value: 'Par SMS (téléphone)' },
      ],
      foyer: [
        { label: 'Adulte', value: 'Monsieur Paul Lire, né le 3 mars 1980 (conjoint)' },
        { label: 'Enfant', value: `Madame ${SCRIPT_SAMPLE} Lire, née le 14 juillet 2015 (fille)` },
      ],
      securite: [
        { label: 'Mot de passe', value: 'Enregistré' },
        { label: 'Question secrète', value: SECURITY_QUESTIONS[1] },
      ],
    },
    captcha: {
      id: CAPTCHA_SAMPLE_ID,
      imageUrl: `/captcha/${CAPTCHA_SAMPLE_ID}.svg`,
      audioUrl: `/captcha/${CAPTCHA_SAMPLE_ID}.wav`,
    },
  };
}

function agentAccount(formPart: ReturnType<typeof form>) {
  return {
    ...common,
    pageTitle: 'Compte de Amélie Lire',
    user: agent,
    account: {
      ...accountSample,
      prenom: `Amélie ${SCRIPT_SAMPLE}`,
      status: 'pending',
      statusLabel: 'En attente de validation',
      createdText: 'jeudi 9 octobre 2025 à 10 h 12',
      deadlineText: 'lundi 13 octobre 2025',
      overdue: true,
      rejectionReason: null,
    },
    adults,
    children,
    history: [
      { atText: '9 octobre 2025 à 10 h 12', fromLabel: null, toLabel: 'En attente de validation', actor: 'amélie.lire', reason: null },
    ],
    canDecide: true,
    validateUrl: '/agent/comptes/7/valider',
    rejectUrl: '/agent/comptes/7/rejeter',
    ...formPart,
  };
}

// ---------------------------------------------------------------------------------------------------
// Civil-status certificates: the portal's pages (api/portal/civil-status.ts) and the back office's
// (api/agent/civil-status.ts). The contexts are built as those routes build them, from the same
// domain forms and labels; dates are formatted by domain/dates.ts as the routes do.

/** «Now» for these samples: Wednesday 15 October 2025, 10:00 in Paris. */
const CIVIL_STATUS_NOW = new Date('2025-10-15T08:00:00Z');
const paris = (isoLocal: string) => new Date(`${isoLocal}+02:00`);
const SUBMISSION_KEY_SAMPLE = '6b0e2f4c-91d3-4a58-b7e2-0c5d8a1f3e97';
const TRACKING_PATH_SAMPLE = '/suivi/q3Jx9Yb2LkTz0VwA7sEh4RfUn6MpGc1DiKo8QyHtZ5e';
/** The portal's mairie address, as db/seed.ts has it for Beaucouzé. */
const MAIRIE_POSTAL_ADDRESS = 'Mairie de Beaucouzé\nService Citoyenneté\nPlace Jacques Prévert\n49070 Beaucouzé';

/** api/portal/civil-status.ts: ACT_INTROS (not exported). */
const ACT_INTROS: Record<ActKind, string> = {
  naissance: 'Pour une naissance survenue dans la commune.',
  mariage: 'Pour un mariage célébré dans la commune.',
  deces: 'Pour un décès survenu dans la commune, ou dont la transcription y a été faite.',
};

/** api/portal/civil-status.ts: EVENT_LABELS, the requester's words for the history (not exported). */
const PORTAL_EVENT_LABELS: Record<string, string> = {
  deposer: 'Demande déposée',
  delivrer: 'Acte délivré et envoyé par courrier',
  refuser: 'Demande refusée',
  relancer_agents: 'Demande en cours de traitement',
};

/** api/portal/civil-status.ts: AUTOCOMPLETE, the requester's own details (WCAG 1.3.5; not exported). */
const AUTOCOMPLETE: Record<string, string> = {
  demandeur_nom: 'family-name',
  demandeur_prenom: 'given-name',
  email: 'email',
  telephone: 'tel',
  adresse: 'address-line1',
  complement: 'address-line2',
  code_postal: 'postal-code',
  ville: 'address-level2',
  pays: 'country-name',
};

/** api/portal/civil-status.ts: prefill(), for the resident of resident() / accountSample, or nobody. */
function civilStatusPrefill(signedIn: boolean): Record<string, string> {
  const base: Record<string, string> = { nombre_exemplaires: '1', pays: DEFAULT_COUNTRY };
  if (!signedIn) return base;
  return {
    ...base,
    demandeur_nom: accountSample.nom,
    demandeur_prenom: accountSample.prenom,
    email: accountSample.email,
    telephone: accountSample.telephone,
    adresse: accountSample.adresse,
    code_postal: accountSample.codePostal,
    ville: accountSample.ville,
  };
}

/** What pages.render() adds for a visitor without an account, or for the signed-in resident. */
const portalVisitor = (signedIn: boolean) => ({ ...common, ...(signedIn ? { user: resident() } : {}), ...form() });

/** api/portal/civil-status.ts: formContext(). */
function civilStatusFormContext(act: ActKind, signedIn: boolean, values: Record<string, unknown>, errors: Errors = {}) {
  const definition = civilStatusForm(act);
  return {
    pageTitle: definition.title,
    activeTab: signedIn ? 'services' : undefined,
    act,
    actLabel: ACT_LABELS[act],
    title: definition.title,
    action: `/actes/${act}`,
    steps: definition.steps.map((step) => ({
      key: step.key,
      title: step.title,
      help: step.help,
      fields: step.fields.map((f) => ({ ...fieldView(f, values, errors), autocomplete: AUTOCOMPLETE[f.name] })),
    })),
    submissionKey: typeof values.submission_key === 'string' && values.submission_key ? values.submission_key : SUBMISSION_KEY_SAMPLE,
    captcha: {
      id: CAPTCHA_SAMPLE_ID,
      imageUrl: `/captcha/${CAPTCHA_SAMPLE_ID}.svg`,
      audioUrl: `/captcha/${CAPTCHA_SAMPLE_ID}.wav`,
    },
    signedIn,
  };
}

/** GET /actes/:acte: the form, prefilled for a resident. */
function civilStatusFormPage(act: ActKind, signedIn: boolean) {
  return { ...portalVisitor(signedIn), ...civilStatusFormContext(act, signedIn, civilStatusPrefill(signedIn)) };
}

/** POST /actes/:acte refused (onFormError): the values typed, then the field errors or the alert. */
function civilStatusFormRefused(act: ActKind, signedIn: boolean, body: Record<string, unknown>, fields: Errors, message?: string) {
  return {
    ...portalVisitor(signedIn),
    ...civilStatusFormContext(act, signedIn, body, fields),
    ...formErrors(body, fields),
    ...(Object.keys(fields).length > 0 ? {} : { flash: { kind: 'error', message } }),
  };
}

/** What the form posts besides its fields. */
const civilStatusPosted = (answers: Record<string, string>, cryptogramme: string) => ({
  _csrf: common.csrfToken,
  submission_key: SUBMISSION_KEY_SAMPLE,
  ...answers,
  captcha_id: CAPTCHA_SAMPLE_ID,
  cryptogramme,
  action: 'envoyer',
});

/** A request as the database holds it, with what the service computes (isOverdue). */
interface CivilStatusSample {
  number: string;
  status: CivilStatusStatus;
  submittedAt: Date;
  dueAt: Date;
  decidedAt: Date | null;
  decisionReason: string | null;
  details: CivilStatusDetails;
  history: Array<{ at: Date; event: string; toStatus: CivilStatusStatus; actor: string; reason: string | null }>;
}

const isOverdueSample = (r: CivilStatusSample) => r.status === 'recue' && r.dueAt.getTime() < CIVIL_STATUS_NOW.getTime();

const deposited = (at: Date, actor = 'demandeur') => ({ at, event: 'deposer', toStatus: 'recue' as const, actor, reason: null });

const naissanceRecue: CivilStatusSample = {
  number: 'BEA-2025-000231',
  status: 'recue',
  submittedAt: paris('2025-10-06T09:14:00'),
  dueAt: paris('2025-10-13T09:14:00'),
  decidedAt: null,
  decisionReason: null,
  details: {
    act: 'naissance',
    copy: 'copie_integrale',
    copies: 2,
    lastName: 'Moreau',
    firstNames: 'Jeanne Louise',
    spouseLastName: null,
    spouseFirstNames: null,
    eventDate: '1987-03-21',
    parents: [
      { lastName: 'Moreau', firstNames: 'Henri Paul' },
      { lastName: 'Dubois', firstNames: 'Anne Marie' },
    ],
    relation: 'titulaire',
    requester: { lastName: 'Moreau', firstName: `Jeanne ${SCRIPT_SAMPLE}`, email: 'jeanne.moreau@example.ch', phone: '+41 22 345 67 89' },
    address: { line1: '8 rue du Rhône', line2: 'Appartement 12', postalCode: '1204', city: 'Genève', country: 'Suisse' },
  },
  history: [],
};
naissanceRecue.history = [
  deposited(naissanceRecue.submittedAt),
  { at: paris('2025-10-13T09:15:00'), event: 'relancer_agents', toStatus: 'recue', actor: 'system', reason: null },
];

const mariageEnvoyee: CivilStatusSample = {
  number: 'BEA-2025-000236',
  status: 'envoyee',
  submittedAt: paris('2025-10-08T18:42:00'),
  dueAt: paris('2025-10-15T18:42:00'),
  decidedAt: paris('2025-10-10T11:05:00'),
  decisionReason: null,
  details: {
    act: 'mariage',
    copy: 'extrait_sans_filiation',
    copies: 1,
    lastName: 'Lire',
    firstNames: 'Paul Émile',
    spouseLastName: 'Martin',
    spouseFirstNames: 'Amélie Claire',
    eventDate: '2008-06-14',
    parents: [],
    relation: 'autre',
    requester: { lastName: 'Durand', firstName: 'Sophie', email: 'sophie.durand@example.fr', phone: null },
    address: { line1: '3 place du Marché', line2: null, postalCode: '49000', city: 'Angers', country: 'France' },
  },
  history: [],
};
mariageEnvoyee.history = [
  deposited(mariageEnvoyee.submittedAt),
  { at: mariageEnvoyee.decidedAt as Date, event: 'delivrer', toStatus: 'envoyee', actor: 'agent:3', reason: null },
];

const decesRefusee: CivilStatusSample = {
  number: 'BEA-2025-000219',
  status: 'refusee',
  submittedAt: paris('2025-10-01T14:20:00'),
  dueAt: paris('2025-10-08T14:20:00'),
  decidedAt: paris('2025-10-03T10:31:00'),
  decisionReason: `${REFUSAL_REASONS.non_enregistre}\nLe décès a eu lieu au CHU d’Angers : adressez votre demande à la mairie d’Angers.`,
  details: {
    act: 'deces',
    copy: 'copie_integrale',
    copies: 1,
    lastName: 'Bernard',
    firstNames: 'Marcel Louis',
    spouseLastName: null,
    spouseFirstNames: null,
    eventDate: '2024-11-02',
    parents: [{ lastName: 'Bernard', firstNames: 'Louis' }],
    relation: 'descendant',
    requester: { lastName: 'Bernard', firstName: 'Claire', email: 'claire.bernard@example.fr', phone: '06 98 76 54 32' },
    address: { line1: '27 avenue de la Libération', line2: null, postalCode: '35000', city: 'Rennes', country: 'France' },
  },
  history: [],
};
decesRefusee.history = [
  deposited(decesRefusee.submittedAt, 'resident:42'),
  { at: decesRefusee.decidedAt as Date, event: 'refuser', toStatus: 'refusee', actor: 'agent:3', reason: decesRefusee.decisionReason },
];

const naissanceRecente: CivilStatusSample = {
  number: 'BEA-2025-000241',
  status: 'recue',
  submittedAt: paris('2025-10-14T21:07:00'),
  dueAt: paris('2025-10-21T21:07:00'),
  decidedAt: null,
  decisionReason: null,
  details: {
    act: 'naissance',
    copy: 'extrait_plurilingue',
    copies: 3,
    lastName: 'Nguyen',
    firstNames: 'Minh Anh',
    spouseLastName: null,
    spouseFirstNames: null,
    eventDate: '2019-05-02',
    parents: [{ lastName: 'Nguyen', firstNames: 'Van Long' }],
    relation: 'ascendant',
    requester: { lastName: 'Nguyen', firstName: 'Van Long', email: 'vl.nguyen@example.fr', phone: null },
    address: { line1: '5 allée des Tilleuls', line2: null, postalCode: '49070', city: 'Beaucouzé', country: 'France' },
  },
  history: [],
};
naissanceRecente.history = [deposited(naissanceRecente.submittedAt, 'resident:57')];

const civilStatusFullName = (firstNames: string | null, lastName: string | null) => [firstNames, lastName].filter(Boolean).join(' ');

/** api/agent/civil-status.ts: concerned(). */
function civilStatusConcerned(d: CivilStatusDetails): string {
  const first = civilStatusFullName(d.firstNames, d.lastName);
  if (d.act !== 'mariage') return first;
  return `${first} et ${civilStatusFullName(d.spouseFirstNames, d.spouseLastName)}`;
}

const civilStatusBadge = (status: string) => (status === 'envoyee' ? 'badge--success' : status === 'refusee' ? 'badge--error' : '');

/** api/agent/civil-status.ts: GET /agent/actes. */
function agentCivilStatusQueue(
  requests: CivilStatusSample[],
  filters: { act?: ActKind; status?: CivilStatusStatus; overdue?: boolean },
  paging: { total: number; page: number; pageCount: number },
) {
  const query = (page: number) => {
    const q = new URLSearchParams();
    if (filters.act) q.set('acte', filters.act);
    if (filters.status) q.set('statut', filters.status);
    if (filters.overdue) q.set('retard', 'oui');
    q.set('page', String(page));
    return `/agent/actes?${q.toString()}`;
  };
  return {
    ...common,
    user: agent,
    ...form(),
    pageTitle: 'Actes d’état civil',
    activeTab: 'actes',
    filters: { acte: filters.act ?? '', statut: filters.status ?? '', retard: filters.overdue ? 'oui' : '' },
    actOptions: ACT_KINDS.map((a) => ({ value: a, label: ACT_LABELS[a] })),
    statusOptions: CIVIL_STATUS_STATUSES.map((s) => ({ value: s, label: CIVIL_STATUS_LABELS[s] })),
    overdueOptions: [{ value: 'oui', label: 'En retard uniquement' }],
    total: paging.total,
    page: paging.page,
    pageCount: paging.pageCount,
    previousUrl: paging.page > 1 ? query(paging.page - 1) : null,
    nextUrl: paging.page < paging.pageCount ? query(paging.page + 1) : null,
    requests: requests.map((r) => ({
      number: r.number,
      url: `/agent/actes/${encodeURIComponent(r.number)}`,
      acte: ACT_LABELS[r.details.act],
      copie: COPY_LABELS[r.details.copy],
      copies: r.details.copies,
      plural: r.details.copies > 1,
      personne: civilStatusConcerned(r.details),
      demandeur: `${r.details.requester.lastName} ${r.details.requester.firstName}`,
      submittedText: formatParisDate(r.submittedAt),
      dueText: formatParisDate(r.dueAt),
      overdue: isOverdueSample(r),
      statusLabel: CIVIL_STATUS_LABELS[r.status],
      badge: civilStatusBadge(r.status),
    })),
  };
}

/** api/agent/civil-status.ts: EVENT_DATE_LABELS (not exported). */
const AGENT_EVENT_DATE_LABELS: Record<ActKind, string> = {
  naissance: 'Date de naissance',
  mariage: 'Date du mariage',
  deces: 'Date du décès',
};

/** api/agent/civil-status.ts: REFUSAL_OPTIONS (not exported). */
const REFUSAL_OPTIONS = [
  ...Object.entries(REFUSAL_REASONS).map(([value, label]) => ({ value, label })),
  { value: 'autre', label: 'Autre motif' },
];

/** api/agent/civil-status.ts: requestPage(), as pages.render() shows it to the agent. */
function agentCivilStatusRequest(r: CivilStatusSample) {
  const d = r.details;
  const act = d.act;
  const base = `/agent/actes/${encodeURIComponent(r.number)}`;
  const requester = civilStatusFullName(d.requester.firstName, d.requester.lastName);
  return {
    ...common,
    user: agent,
    ...form(),
    pageTitle: `Demande d’acte ${r.number}`,
    activeTab: 'actes',
    request: {
      number: r.number,
      acte: ACT_LABELS[act],
      copie: COPY_LABELS[d.copy],
      copies: d.copies,
      statusLabel: CIVIL_STATUS_LABELS[r.status],
      badge: civilStatusBadge(r.status),
      submittedText: formatParisDateTime(r.submittedAt),
      dueText: formatParisDateTime(r.dueAt),
      overdue: isOverdueSample(r),
      decided: r.status !== 'recue',
      decidedText: r.decidedAt ? formatParisDateTime(r.decidedAt) : null,
      decisionReason: r.decisionReason,
    },
    marriage: act === 'mariage',
    person: {
      nom: d.lastName,
      prenoms: d.firstNames,
      conjointNom: d.spouseLastName,
      conjointPrenoms: d.spouseFirstNames,
      dateLabel: AGENT_EVENT_DATE_LABELS[act],
      dateText: d.eventDate ? formatIsoDay(d.eventDate) : '—',
    },
    parentsTitle: act === 'mariage' ? 'Parents du premier époux' : 'Parents',
    parents: d.parents.map((p, i) => ({
      label: i === 0 ? 'Premier parent' : 'Second parent',
      nom: civilStatusFullName(p.firstNames, p.lastName),
    })),
    requester: {
      nom: requester,
      email: d.requester.email,
      telephone: d.requester.phone,
      lien: relationLabel(act, d.relation),
    },
    envelope: [requester, ...addressLines(d.address)].join('\n'),
    history: r.history.map((h) => ({
      atText: formatParisDateTime(h.at),
      label: CIVIL_STATUS_EVENT_LABELS[h.event] ?? h.event,
      toLabel: CIVIL_STATUS_LABELS[h.toStatus],
      actor: civilStatusActorLabel(h.actor),
      reason: h.reason,
    })),
    canDecide: r.status === 'recue',
    issueUrl: `${base}/delivrer`,
    refuseUrl: `${base}/refuser`,
    refusalOptions: REFUSAL_OPTIONS,
  };
}

/** A refusal refused (422, or 409 once decided): the request again, with the error (onFormError). */
function agentCivilStatusRefused(r: CivilStatusSample, body: Record<string, string>, fields: Errors, message?: string) {
  return {
    ...agentCivilStatusRequest(r),
    ...formErrors({ _csrf: common.csrfToken, ...body }, fields),
    ...(Object.keys(fields).length > 0 ? {} : { flash: { kind: 'error', message } }),
  };
}

/** api/portal/civil-status.ts: GET /suivi/:token. */
function civilStatusTracking(r: CivilStatusSample, signedIn: boolean) {
  const d = r.details;
  return {
    ...portalVisitor(signedIn),
    pageTitle: `Suivi de la demande ${r.number}`,
    activeTab: signedIn ? 'demandes' : undefined,
    number: r.number,
    actLabel: ACT_LABELS[d.act],
    copyLabel: COPY_LABELS[d.copy],
    copies: d.copies,
    submittedText: formatParisDateTime(r.submittedAt),
    status: r.status,
    statusLabel: CIVIL_STATUS_LABELS[r.status],
    decidedText: r.decidedAt ? formatParisDate(r.decidedAt) : null,
    reason: r.status === 'refusee' ? r.decisionReason : null,
    postalAddress: MAIRIE_POSTAL_ADDRESS,
    history: r.history
      .filter((h) => h.event !== 'relancer_agents')
      .map((h) => ({ label: PORTAL_EVENT_LABELS[h.event] ?? h.event, atText: formatParisDateTime(h.at) })),
  };
}

function civilStatusPortalSamples(): PageSample[] {
  const choix = (signedIn: boolean) => ({
    ...portalVisitor(signedIn),
    pageTitle: 'Demander un acte d’état civil',
    activeTab: signedIn ? 'services' : undefined,
    acts: ACT_KINDS.map((act) => ({ url: `/actes/${act}`, label: ACT_LABELS[act], intro: ACT_INTROS[act] })),
    openAfterYears: OPEN_AFTER_YEARS,
  });

  // A marriage certificate asked by someone who mistyped: the domain's own messages, and a wrong captcha.
  const mariageTyped: Record<string, string> = {
    type_copie: 'copie_integrale',
    nombre_exemplaires: '1',
    nom: 'Lire',
    prenoms: SCRIPT_SAMPLE,
    conjoint_nom: 'Martin',
    conjoint_prenoms: 'Amélie Claire',
    date_evenement: '2030-06-14',
    parent1_nom: '',
    parent1_prenoms: '',
    parent2_nom: '',
    parent2_prenoms: '',
    demandeur_nom: 'Durand',
    demandeur_prenom: 'Sophie',
    email: 'sophie.durand@example',
    telephone: '',
    adresse: '3 place du Marché',
    complement: '',
    code_postal: '4907',
    ville: 'Angers',
    pays: 'France',
  };
  const checked = checkCivilStatusRequest('mariage', mariageTyped, CIVIL_STATUS_NOW);
  const mariageErrors: Errors = { ...(checked.ok ? {} : checked.errors), cryptogramme: CAPTCHA_WRONG };

  // A death certificate asked once too often from the same address: the page's alert, no field error.
  const decesTyped: Record<string, string> = {
    type_copie: 'copie_integrale',
    nombre_exemplaires: '2',
    nom: 'Bernard',
    prenoms: 'Marcel Louis',
    date_evenement: '2024-11-02',
    parent1_nom: 'Bernard',
    parent1_prenoms: 'Louis',
    lien: 'descendant',
    demandeur_nom: 'Bernard',
    demandeur_prenom: 'Claire',
    email: 'claire.bernard@example.fr',
    telephone: '06 98 76 54 32',
    adresse: '27 avenue de la Libération',
    code_postal: '35000',
    ville: 'Rennes',
    pays: 'France',
  };
  const throttled = retryLater('Trop de demandes d’actes envoyées depuis votre connexion ou pour cette adresse électronique')(7);

  return [
    { name: 'actes-choix', page: 'actes/choix', context: choix(false) },
    { name: 'actes-choix-connecte', page: 'actes/choix', context: choix(true) },
    { name: 'actes-formulaire-naissance', page: 'actes/formulaire', context: civilStatusFormPage('naissance', false) },
    {
      name: 'actes-formulaire-mariage-erreurs',
      page: 'actes/formulaire',
      showsScriptSample: true,
      context: civilStatusFormRefused('mariage', false, civilStatusPosted(mariageTyped, 'af2hk'), mariageErrors),
    },
    {
      name: 'actes-formulaire-deces-trop-de-demandes',
      page: 'actes/formulaire',
      context: civilStatusFormRefused('deces', false, civilStatusPosted(decesTyped, 'AF2HJ'), {}, throttled),
    },
    { name: 'actes-formulaire-naissance-connecte', page: 'actes/formulaire', context: civilStatusFormPage('naissance', true) },
    { name: 'actes-formulaire-mariage-connecte', page: 'actes/formulaire', context: civilStatusFormPage('mariage', true) },
    { name: 'actes-formulaire-deces-connecte', page: 'actes/formulaire', context: civilStatusFormPage('deces', true) },
    {
      name: 'actes-envoyee',
      page: 'actes/envoyee',
      context: {
        ...portalVisitor(false),
        pageTitle: 'Demande d’acte envoyée',
        number: naissanceRecue.number,
        email: naissanceRecue.details.requester.email,
        trackingPath: TRACKING_PATH_SAMPLE,
      },
    },
    { name: 'actes-suivi-recue', page: 'actes/suivi', context: civilStatusTracking(naissanceRecue, false) },
    { name: 'actes-suivi-envoyee', page: 'actes/suivi', context: civilStatusTracking(mariageEnvoyee, false) },
    {
      name: 'actes-suivi-refusee',
      page: 'actes/suivi',
      showsScriptSample: true,
      context: civilStatusTracking(
        {
          ...decesRefusee,
          decisionReason: `${REFUSAL_REASONS.informations_insuffisantes}\nAucun décès au nom de « ${SCRIPT_SAMPLE} » à cette date.`,
        },
        true,
      ),
    },
  ];
}

function civilStatusAgentSamples(): PageSample[] {
  return [
    {
      name: 'agent-actes',
      page: 'agent/actes',
      showsScriptSample: true,
      context: agentCivilStatusQueue([naissanceRecente, mariageEnvoyee, naissanceRecue, decesRefusee], {}, {
        total: 54,
        page: 1,
        pageCount: 2,
      }),
    },
    {
      name: 'agent-actes-filtres',
      page: 'agent/actes',
      showsScriptSample: true,
      context: agentCivilStatusQueue([naissanceRecue], { act: 'naissance', status: 'recue', overdue: true }, {
        total: 1,
        page: 1,
        pageCount: 1,
      }),
    },
    {
      name: 'agent-actes-vide',
      page: 'agent/actes',
      context: agentCivilStatusQueue([], { act: 'deces', overdue: true }, { total: 0, page: 1, pageCount: 1 }),
    },
    { name: 'agent-acte', page: 'agent/acte', showsScriptSample: true, context: agentCivilStatusRequest(naissanceRecue) },
    {
      name: 'agent-acte-erreur-motif-code',
      page: 'agent/acte',
      showsScriptSample: true,
      context: agentCivilStatusRefused(naissanceRecue, { motif_code: '', motif: '' }, {
        motif_code: 'Choisissez un motif de refus dans la liste, ou « Autre motif » avec vos précisions.',
      }),
    },
    {
      name: 'agent-acte-erreur-motif',
      page: 'agent/acte',
      showsScriptSample: true,
      context: agentCivilStatusRefused(naissanceRecue, { motif_code: 'autre', motif: '  ' }, {
        motif: 'Indiquez le motif du refus : il est envoyé au demandeur.',
      }),
    },
    { name: 'agent-acte-refusee', page: 'agent/acte', context: agentCivilStatusRequest(decesRefusee) },
    {
      name: 'agent-acte-mariage',
      page: 'agent/acte',
      context: {
        ...agentCivilStatusRequest(mariageEnvoyee),
        flash: { kind: 'success', message: 'L’acte est délivré et envoyé ; le demandeur en est informé par courriel.' },
      },
    },
    {
      name: 'agent-acte-deja-traitee',
      page: 'agent/acte',
      context: agentCivilStatusRefused(
        decesRefusee,
        { motif_code: 'non_habilite', motif: '' },
        {},
        `Cette demande est déjà traitée (${CIVIL_STATUS_LABELS.refusee.toLowerCase()}).`,
      ),
    },
  ];
}
