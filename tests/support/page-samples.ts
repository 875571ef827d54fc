// Realistic view-models for every portal page, shaped as the routes build them (the contract of
// api/views.ts): used by the accessibility test and by scripts/preview-pages.ts. Some samples carry a
// markup-like name to show that user data is escaped, and most forms have a variant with errors.
import { PASSWORD_RULES_TEXT } from '../../domain/password-policy';
import { SECURITY_QUESTIONS } from '../../api/validation/account';

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
