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
  EVENT_DATE_LABELS,
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
import { CIVIL_STATUS_EVENT_LABELS, REFUSAL_OPTIONS, civilStatusActorLabel } from '../../api/agent/civil-status';
import { ACT_INTROS, AUTOCOMPLETE, EVENT_LABELS as TRACKING_EVENT_LABELS } from '../../api/portal/civil-status';
import { CLOSED_MESSAGES as SANDBOX_CLOSED } from '../../api/sandbox/routes';
import { COLUMNS as INVOICE_COLUMNS } from '../../api/agent/invoices';
import { formErrors } from '../../api/pages';
import { fieldView } from '../../api/portal/demarches';
import { CAPTCHA_WRONG } from '../../api/services/civil-status.service';
import { retryLater } from '../../api/services/throttle';
import type { Invoice } from '../../db/entities';
import type { SandboxPayment } from '../../db/entities/sandbox-payment';
import {
  BASKET_LOCKED,
  BASKET_REFUSED,
  PAYMENT_LABELS,
  STATEMENT_MONTHS,
  statementStart,
  totalCents,
  type PaymentStatus,
} from '../../domain/basket';
import { formatEuros } from '../../domain/money';
import { communePrefix } from '../../domain/request-number';
import {
  EXPECTED_HEADER,
  InvoiceFileError,
  MAX_IMPORT_BYTES,
  MAX_INVOICE_LINES,
  parseInvoiceCsv,
  type RejectedLine,
} from '../../domain/invoice-import';
import { NOT_VALIDATED } from '../../api/services/payments.service';
import { cleanFileName } from '../../api/services/documents.service';
import { isSandboxPaymentOpen, SANDBOX_TEST_CARDS } from '../../payments/sandbox';

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

    ...paymentPortalSamples(),

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
    ...invoiceAgentSamples(),

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
      dateLabel: EVENT_DATE_LABELS[act],
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
      .map((h) => ({ label: TRACKING_EVENT_LABELS[h.event] ?? h.event, atText: formatParisDateTime(h.at) })),
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

// ---------------------------------------------------------------------------------------------------
// Invoices, basket and card payment: «Mes comptes», the basket and the return page
// (api/portal/comptes.ts), the sandbox card page (api/sandbox/routes.ts) and the back office's
// «Factures» with its import report (api/agent/invoices.ts). Amounts are formatted by
// domain/money.ts and dates by domain/dates.ts, as the routes do.

/** «Today» for these samples: Monday 16 November 2026 in Paris. */
const PAYMENT_TODAY = '2026-11-16';
const PAYMENT_NOW = new Date('2026-11-16T10:30:00+01:00');
/** config.ts: PUBLIC_URL's default, where the sandbox provider sends the browser. */
const PUBLIC_URL_SAMPLE = 'http://localhost:3000';

/** The régies of db/seed.ts, with what api/agent/invoices.ts shows of them. */
const REGIES = {
  ville: { id: 1, code: 'ville', name: 'Ville', services: ['Scolaire', 'Périscolaire', 'Petite enfance'], apiImport: true },
  ccas: { id: 2, code: 'ccas', name: 'CCAS', services: ['Action sociale'], apiImport: false },
};
const regieName = (id: number) => Object.values(REGIES).find((r) => r.id === id)?.name ?? '';

type InvoiceSample = Pick<
  Invoice,
  'id' | 'number' | 'regieId' | 'service' | 'periodLabel' | 'issuedOn' | 'dueOn' | 'amountCents' | 'status' | 'paymentId' | 'paidAt'
>;

const invoice = (i: Omit<InvoiceSample, 'status' | 'paymentId' | 'paidAt'> & Partial<InvoiceSample>): InvoiceSample => ({
  status: 'a_payer',
  paymentId: null,
  paidAt: null,
  ...i,
});

// Amélie Lire's invoices of the last 3 months, newest first (as statement() orders them).
const cantineOctobre = invoice({
  id: 302,
  number: 'F2026-11-000418',
  regieId: REGIES.ville.id,
  service: 'Restauration scolaire',
  periodLabel: 'Octobre 2026',
  issuedOn: '2026-11-05',
  dueOn: '2026-11-30',
  amountCents: 4_872,
});
const periscolaireOctobre = invoice({
  id: 301,
  number: 'F2026-11-000417',
  regieId: REGIES.ville.id,
  service: 'Accueil périscolaire',
  periodLabel: 'Octobre 2026',
  issuedOn: '2026-11-05',
  dueOn: '2026-11-30',
  amountCents: 2_310,
});
const portageRepas = invoice({
  id: 298,
  number: 'CCAS-2026-0087',
  regieId: REGIES.ccas.id,
  service: 'Portage de repas à domicile',
  periodLabel: 'Octobre 2026',
  issuedOn: '2026-11-03',
  dueOn: null,
  amountCents: 6_540,
});
const paidInvoices = [
  invoice({
    id: 277,
    number: 'F2026-10-000378',
    regieId: REGIES.ville.id,
    service: 'Crèche',
    periodLabel: 'Septembre 2026',
    issuedOn: '2026-10-06',
    dueOn: '2026-10-31',
    amountCents: 31_250,
    status: 'payee',
    paymentId: 51,
    paidAt: new Date('2026-10-12T18:24:00+02:00'),
  }),
  invoice({
    id: 276,
    number: 'F2026-10-000377',
    regieId: REGIES.ville.id,
    service: 'Restauration scolaire',
    periodLabel: 'Septembre 2026',
    issuedOn: '2026-10-06',
    dueOn: '2026-10-31',
    amountCents: 4_416,
    status: 'payee',
    paymentId: 51,
    paidAt: new Date('2026-10-12T18:24:00+02:00'),
  }),
  invoice({
    id: 241,
    number: 'F2026-09-000301',
    regieId: REGIES.ville.id,
    service: 'Accueil périscolaire',
    periodLabel: 'Juillet et août 2026',
    issuedOn: '2026-09-04',
    dueOn: null,
    amountCents: 1_980,
    status: 'payee',
    paymentId: 44,
    paidAt: new Date('2026-09-09T07:58:00+02:00'),
  }),
];

/** The payment under way for the basket [cantine, périscolaire]: payments.service checkout(). */
const PAYMENT_REFERENCE = `${communePrefix(commune.slug)}P7K2M9QX4ZT`;
const PAYMENT_ID = 60;
const SANDBOX_ID = 'c2a4e6f8-1b3d-4c5e-8f70-9a1b2c3d4e5f';
const inPayment = (i: InvoiceSample): InvoiceSample => ({ ...i, paymentId: PAYMENT_ID });

/** A basket as payments.service basket() returns it. */
interface BasketSample {
  regieId: number | null;
  invoices: InvoiceSample[];
  payment: { reference: string; redirectUrl: string | null } | null;
}
const emptyBasket: BasketSample = { regieId: null, invoices: [], payment: null };
const openBasket: BasketSample = { regieId: REGIES.ville.id, invoices: [cantineOctobre], payment: null };
const fullBasket: BasketSample = { regieId: REGIES.ville.id, invoices: [cantineOctobre, periscolaireOctobre], payment: null };
const lockedBasket: BasketSample = {
  regieId: REGIES.ville.id,
  invoices: [inPayment(cantineOctobre), inPayment(periscolaireOctobre)],
  payment: { reference: PAYMENT_REFERENCE, redirectUrl: `${PUBLIC_URL_SAMPLE}/sandbox/paiement/${SANDBOX_ID}` },
};

/** api/portal/comptes.ts: invoiceRow() (not exported). */
function invoiceRow(i: InvoiceSample, inBasket: Set<number>) {
  return {
    id: i.id,
    number: i.number,
    regie: regieName(i.regieId),
    service: i.service,
    period: i.periodLabel,
    issuedText: formatIsoDay(i.issuedOn),
    dueText: i.dueOn ? formatIsoDay(i.dueOn) : null,
    amountText: formatEuros(i.amountCents),
    paidText: i.paidAt ? formatParisDateTime(i.paidAt) : null,
    inBasket: inBasket.has(i.id),
    inPayment: i.status === 'a_payer' && i.paymentId !== null,
  };
}

/** api/portal/comptes.ts: renderComptes() for a validated account. */
function comptesPage(invoices: InvoiceSample[], basket: BasketSample) {
  const inBasket = new Set(basket.invoices.map((i) => i.id));
  return {
    ...residentPage('accueil'),
    pageTitle: 'Mes comptes',
    activeTab: 'comptes',
    months: STATEMENT_MONTHS,
    since: formatIsoDay(statementStart(PAYMENT_TODAY)),
    toPay: invoices.filter((i) => i.status === 'a_payer').map((i) => invoiceRow(i, inBasket)),
    paid: invoices.filter((i) => i.status === 'payee').map((i) => invoiceRow(i, inBasket)),
    basketCount: basket.invoices.length,
    basketCountText: `${basket.invoices.length} facture${basket.invoices.length > 1 ? 's' : ''}`,
    basketTotal: formatEuros(totalCents(basket.invoices.map((i) => i.amountCents))),
  };
}

/** api/portal/comptes.ts: renderBasket(). */
function panierPage(basket: BasketSample) {
  return {
    ...residentPage('accueil'),
    pageTitle: 'Votre panier',
    activeTab: 'comptes',
    regie: basket.regieId === null ? null : regieName(basket.regieId),
    invoices: basket.invoices.map((i) => ({
      id: i.id,
      number: i.number,
      service: i.service,
      period: i.periodLabel,
      amountText: formatEuros(i.amountCents),
    })),
    totalText: formatEuros(totalCents(basket.invoices.map((i) => i.amountCents))),
    payment: basket.payment
      ? { reference: basket.payment.reference, url: basket.payment.redirectUrl, returnUrl: `/paiement/retour/${basket.payment.reference}` }
      : null,
  };
}

/** api/portal/comptes.ts: GET /paiement/retour/:reference, for the payment of the full basket. */
function paiementPage(status: PaymentStatus) {
  return {
    ...residentPage('accueil'),
    pageTitle: PAYMENT_LABELS[status],
    activeTab: 'comptes',
    status,
    statusLabel: PAYMENT_LABELS[status],
    reference: PAYMENT_REFERENCE,
    amountText: formatEuros(totalCents(fullBasket.invoices.map((i) => i.amountCents))),
    email: accountSample.email,
    refreshUrl: `/paiement/retour/${PAYMENT_REFERENCE}`,
  };
}

/** The sandbox's payment for the locked basket, as payments/sandbox.ts create() stores it. */
function sandboxPayment(status: SandboxPayment['status'], minutesAgo: number): SandboxPayment {
  return {
    id: SANDBOX_ID,
    reference: PAYMENT_REFERENCE,
    amountCents: totalCents(lockedBasket.invoices.map((i) => i.amountCents)),
    label: `Factures ${REGIES.ville.name} ${PAYMENT_REFERENCE}`,
    status,
    returnUrl: `${PUBLIC_URL_SAMPLE}/paiement/retour/${PAYMENT_REFERENCE}`,
    notifyUrl: `${PUBLIC_URL_SAMPLE}/api/v1/paiements/notification`,
    createdAt: new Date(PAYMENT_NOW.getTime() - minutesAgo * 60_000),
    decidedAt: status === 'pending' ? null : PAYMENT_NOW,
  };
}

/**
 * api/sandbox/routes.ts: cardPage(). The payer comes from the portal's basket in the same browser,
 * so pages.render() adds the signed-in resident (the route sets no tab).
 */
function sandboxCardPage(payment: SandboxPayment, formPart: Record<string, unknown> = {}) {
  const open = isSandboxPaymentOpen(payment, PAYMENT_NOW);
  return {
    ...common,
    user: resident(),
    ...form(),
    pageTitle: 'Paiement par carte (bac à sable)',
    payment: {
      id: payment.id,
      reference: payment.reference,
      label: payment.label,
      amountText: formatEuros(payment.amountCents),
      returnUrl: payment.returnUrl,
    },
    open,
    closedMessage: open ? undefined : SANDBOX_CLOSED[payment.status],
    cards: SANDBOX_TEST_CARDS,
    ...formPart,
  };
}

function paymentPortalSamples(): PageSample[] {
  const allInvoices = [cantineOctobre, periscolaireOctobre, portageRepas, ...paidInvoices];
  const whilePaying = [inPayment(cantineOctobre), inPayment(periscolaireOctobre), portageRepas, ...paidInvoices];
  return [
    {
      name: 'comptes-non-valide',
      page: 'resident/comptes',
      context: { ...residentPage('accueil', 'pending'), pageTitle: 'Mes comptes', activeTab: 'comptes', notValidated: NOT_VALIDATED },
    },
    {
      name: 'comptes',
      page: 'resident/comptes',
      context: { ...comptesPage(allInvoices, openBasket), flash: { kind: 'success', message: 'La facture est ajoutée à votre panier.' } },
    },
    { name: 'comptes-paiement-en-cours', page: 'resident/comptes', context: comptesPage(whilePaying, lockedBasket) },
    { name: 'comptes-vide', page: 'resident/comptes', context: comptesPage([], emptyBasket) },
    {
      // POST /panier/ajouter of the CCAS invoice while the basket holds the Ville's: 409, the FAQ's words.
      name: 'comptes-erreur-panier',
      page: 'resident/comptes',
      context: { ...comptesPage(allInvoices, openBasket), flash: { kind: 'error', message: BASKET_REFUSED } },
    },

    { name: 'panier-vide', page: 'resident/panier', context: panierPage(emptyBasket) },
    { name: 'panier', page: 'resident/panier', context: panierPage(fullBasket) },
    { name: 'panier-paiement-en-cours', page: 'resident/panier', context: panierPage(lockedBasket) },
    {
      // Before the provider has answered checkout: no page to go back to yet.
      name: 'panier-paiement-en-creation',
      page: 'resident/panier',
      context: panierPage({ ...lockedBasket, payment: { reference: PAYMENT_REFERENCE, redirectUrl: null } }),
    },
    {
      // POST /panier/retirer from a tab left open before «Payer»: 409.
      name: 'panier-erreur',
      page: 'resident/panier',
      context: { ...panierPage(lockedBasket), flash: { kind: 'error', message: BASKET_LOCKED } },
    },

    ...(['payee', 'en_cours', 'refusee', 'abandonnee', 'expiree'] as const).map((status) => ({
      name: `paiement-${status.replace('_', '-')}`,
      page: 'resident/paiement',
      context: paiementPage(status),
    })),

    { name: 'sandbox-paiement', page: 'sandbox/paiement', context: sandboxCardPage(sandboxPayment('pending', 2)) },
    {
      name: 'sandbox-paiement-carte-inconnue',
      page: 'sandbox/paiement',
      // The number typed is not sent back into the page (formErrors({}, …)).
      context: sandboxCardPage(
        sandboxPayment('pending', 3),
        formErrors({}, { numero_carte: 'Numéro de carte inconnu : utilisez une des cartes de test listées sur cette page.' }),
      ),
    },
    {
      name: 'sandbox-paiement-carte-vide',
      page: 'sandbox/paiement',
      context: sandboxCardPage(sandboxPayment('pending', 3), formErrors({}, { numero_carte: 'Saisissez le numéro de carte.' })),
    },
    { name: 'sandbox-paiement-accepte', page: 'sandbox/paiement', context: sandboxCardPage(sandboxPayment('paid', 4)) },
    { name: 'sandbox-paiement-expire', page: 'sandbox/paiement', context: sandboxCardPage(sandboxPayment('pending', 25)) },
  ];
}

/** api/agent/invoices.ts: count() and plural(). */
const countFr = (n: number) => n.toLocaleString('fr-FR');
const pluralFr = (n: number, one: string, many: string) => `${countFr(n)} ${n > 1 ? many : one}`;

/** What invoice-import.service regieSummaries() computes for each régie. */
interface RegieSummarySample {
  regie: (typeof REGIES)[keyof typeof REGIES];
  toPay: { count: number; cents: number };
  paid: { count: number; cents: number };
}

/** api/agent/invoices.ts: listPage(). */
function facturesPage(summaries: RegieSummarySample[]) {
  return {
    ...common,
    user: agent,
    ...form(),
    pageTitle: 'Factures',
    activeTab: 'factures',
    regies: summaries.map(({ regie, toPay, paid }) => ({
      name: regie.name,
      code: regie.code,
      services: regie.services.join(', '),
      toPayCount: countFr(toPay.count),
      toPayText: formatEuros(toPay.cents),
      paidCount: countFr(paid.count),
      paidText: formatEuros(paid.cents),
      apiImport: regie.apiImport,
    })),
    columns: INVOICE_COLUMNS,
    expectedHeader: EXPECTED_HEADER,
    maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
    maxLines: countFr(MAX_INVOICE_LINES),
    action: '/agent/factures/import',
  };
}

const REGIE_SUMMARIES: RegieSummarySample[] = [
  { regie: REGIES.ville, toPay: { count: 1_284, cents: 6_143_590 }, paid: { count: 3_912, cents: 18_702_415 } },
  { regie: REGIES.ccas, toPay: { count: 37, cents: 241_980 }, paid: { count: 112, cents: 733_460 } },
];

/** The message parseInvoiceCsv() gives a file whose header is not the export's. */
function headerRefusal(): string {
  try {
    parseInvoiceCsv('facture;montant\nF2026-11-000418;48,72\n');
  } catch (err) {
    if (err instanceof InvoiceFileError) return err.message;
    throw err;
  }
  throw new Error('Cet en-tête aurait dû être refusé.');
}

/**
 * The billing software's October export, read by parseInvoiceCsv() as the route does; the lines it
 * keeps then meet invoice-import.service importInvoices()'s checks against the commune's régies and
 * accounts (replayed here without a database: unknown régie or account, already imported).
 */
function importReport(csv: string, knownAccounts: string[], alreadyImported: string[]) {
  const parsed = parseInvoiceCsv(Buffer.from(csv, 'utf8'));
  const rejected: RejectedLine[] = [...parsed.rejected];
  let imported = 0;
  let unchanged = 0;
  const regieCodes = new Set(Object.values(REGIES).map((r) => r.code));
  for (const line of parsed.lines) {
    const problems: string[] = [];
    if (!regieCodes.has(line.regieCode)) problems.push(`Régie inconnue : ${line.regieCode}`);
    if (!knownAccounts.includes(line.account.toLowerCase())) problems.push(`Compte inconnu : ${line.account}`);
    if (problems.length) rejected.push({ line: line.line, number: line.number, message: problems.join(' ; ') });
    else if (alreadyImported.includes(line.number)) unchanged++;
    else imported++;
  }
  rejected.sort((a, b) => a.line - b.line);
  return { imported, unchanged, rejected };
}

/** api/agent/invoices.ts: POST /agent/factures/import answered with its report. */
function importPage(rawFileName: string, report: ReturnType<typeof importReport>) {
  const total = report.imported + report.unchanged + report.rejected.length;
  return {
    ...common,
    user: agent,
    ...form(),
    pageTitle: 'Rapport d’import des factures',
    activeTab: 'factures',
    fileName: cleanFileName(rawFileName) ?? 'fichier.csv',
    totalText: pluralFr(total, 'ligne de facture lue', 'lignes de factures lues'),
    summary: [
      pluralFr(report.imported, 'facture importée', 'factures importées'),
      pluralFr(report.unchanged, 'facture déjà importée, inchangée', 'factures déjà importées, inchangées'),
      pluralFr(report.rejected.length, 'ligne refusée', 'lignes refusées'),
    ],
    allGood: report.rejected.length === 0,
    rejected: report.rejected.map((r) => ({ line: r.line, number: r.number ?? '—', message: r.message })),
  };
}

const EXPORT_HEADER = EXPECTED_HEADER;
const EXPORT_GOOD_LINES = [
  'F2026-11-000417;ville;amélie.lire;Accueil périscolaire;Octobre 2026;05/11/2026;30/11/2026;23,10',
  'F2026-11-000418;ville;amélie.lire;Restauration scolaire;Octobre 2026;05/11/2026;30/11/2026;48,72',
  'F2026-10-000377;ville;amélie.lire;Restauration scolaire;Septembre 2026;06/10/2026;31/10/2026;44,16',
  'CCAS-2026-0087;ccas;amelie.lire@example.fr;Portage de repas à domicile;Octobre 2026;2026-11-03;;65,40',
];
const EXPORT_BAD_LINES = [
  `${SCRIPT_SAMPLE};ville;paul.durand;Restauration scolaire;Octobre 2026;05/11/2026;30/11/2026;31,40`,
  'F2026-11-000420;ville;paul.durand;Crèche;Octobre 2026;05/11/2026;;-12,00',
  'F2026-11-000421;vile;jean.inconnu;Accueil périscolaire;Octobre 2026;05/11/2026;;18,20',
  'F2026-11-000418;ville;amélie.lire;Restauration scolaire;Octobre 2026;05/11/2026;30/11/2026;48,72',
  ';ville;paul.durand;Restauration scolaire;Octobre 2026;31/11/2026;;',
];
const KNOWN_ACCOUNTS = ['amélie.lire', 'amelie.lire@example.fr', 'paul.durand'];

function invoiceAgentSamples(): PageSample[] {
  const withErrors = [EXPORT_HEADER, ...EXPORT_GOOD_LINES.slice(0, 2), ...EXPORT_BAD_LINES, ...EXPORT_GOOD_LINES.slice(2)].join('\r\n');
  const clean = [EXPORT_HEADER, ...EXPORT_GOOD_LINES].join('\r\n');
  return [
    { name: 'agent-factures', page: 'agent/factures', context: facturesPage(REGIE_SUMMARIES) },
    {
      name: 'agent-factures-fichier-refuse',
      page: 'agent/factures',
      context: { ...facturesPage(REGIE_SUMMARIES), ...formErrors({}, { fichier: headerRefusal() }) },
    },
    {
      name: 'agent-factures-sans-fichier',
      page: 'agent/factures',
      context: { ...facturesPage(REGIE_SUMMARIES), ...formErrors({}, { fichier: 'Choisissez le fichier CSV à importer.' }) },
    },
    { name: 'agent-factures-sans-regie', page: 'agent/factures', context: facturesPage([]) },
    {
      name: 'agent-factures-import',
      page: 'agent/factures-import',
      showsScriptSample: true,
      context: importPage('export-factures-octobre-2026.csv', importReport(withErrors, KNOWN_ACCOUNTS, ['F2026-10-000377'])),
    },
    {
      name: 'agent-factures-import-complet',
      page: 'agent/factures-import',
      context: importPage('export-factures-octobre-2026.csv', importReport(clean, KNOWN_ACCOUNTS, [])),
    },
  ];
}
