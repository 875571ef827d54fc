import {
  SMS_MAX_LENGTH,
  renderMail,
  renderSms,
  type MailTemplateData,
  type MailTemplateName,
  type SmsTemplateName,
} from '../../notify/templates';
import { needsUnicode } from '../../notify/sms';

const common = { communeName: 'Beaucouzé', portalUrl: 'https://demarches-beaucouze.example.fr' };
const agentData = {
  ...common,
  accountId: 42,
  firstName: 'Amélie',
  lastName: 'Lire',
  identifier: 'amélie.lire',
  email: 'amelie.lire@example.fr',
  deadlineText: 'jeudi 4 décembre 2025',
};
const requestUrl = 'https://demarches-beaucouze.example.fr/demandes/BEA-2026-000123';
const demarche = { ...common, number: 'BEA-2026-000123', demarcheTitle: 'Inscription scolaire' };
const mairieAddress = 'Mairie de Beaucouzé\nRue de la Mairie\n49070 Beaucouzé';
const civilStatus = {
  ...common,
  number: 'BEA-2026-000124',
  requesterName: 'Jean Martin',
  actLabel: 'Acte de naissance',
  actDescription: 'Extrait avec filiation — acte de naissance de Léa Martin, date de naissance : 3 mars 1990 '
    + '(2 exemplaires)',
};
const trackingUrl = 'https://demarches-beaucouze.example.fr/actes/suivi/Zk3q9Xw2LmP0aB7c';
const civilStatusBackOfficeUrl = 'https://demarches-beaucouze.example.fr/agent/actes/12';

const samples: { [N in MailTemplateName]: MailTemplateData[N] } = {
  'account-identifier': {
    ...common, firstName: 'Amélie', identifier: 'amélie.lire', deadlineText: 'jeudi 4 décembre 2025',
  },
  'account-new-for-agents': agentData,
  'account-escalation': { ...agentData, reminderNumber: 0 },
  'account-validated': { ...common, firstName: 'Amélie', identifier: 'amélie.lire' },
  'account-rejected': {
    ...common,
    firstName: 'Amélie',
    reason: 'Le justificatif de domicile est illisible.',
    mairieAddress: 'Mairie de Beaucouzé\nRue de la Mairie\n49070 Beaucouzé',
  },
  'password-reset-link': {
    ...common,
    firstName: 'Amélie',
    identifier: 'amélie.lire',
    resetUrl: 'https://demarches-beaucouze.example.fr/mot-de-passe-oublie/nouveau/abc123',
    validMinutes: 30,
  },
  'password-changed': {
    ...common,
    firstName: 'Amélie',
    identifier: 'amélie.lire',
    changedAtText: 'mardi 2 décembre 2025 à 14 h 05',
  },
  'demarche-receipt': {
    ...demarche,
    firstName: 'Amélie',
    lastName: 'Lire',
    submittedText: 'mardi 2 décembre 2025 à 14 h 05',
    memberName: 'Lucas Lire',
    paperDocuments: [{ label: 'Justificatif de domicile' }, { label: 'Livret de famille' }],
    mairieAddress,
    requestUrl,
  },
  'demarche-new-for-agents': {
    ...demarche,
    residentName: 'Amélie Lire',
    memberName: 'Lucas Lire',
    submittedText: 'mardi 2 décembre 2025 à 14 h 05',
    backOfficeUrl: 'https://demarches-beaucouze.example.fr/agent/demandes/7',
  },
  'demarche-status-changed': {
    ...demarche,
    firstName: 'Amélie',
    status: 'en_attente_de_pieces',
    statusLabel: 'En attente de pièces',
    message: 'Merci de fournir le justificatif de domicile.',
    requestUrl,
  },
  'demarche-reminder': {
    ...demarche,
    firstName: 'Amélie',
    missingDocuments: [{ label: 'Justificatif de domicile' }],
    closeDateText: 'lundi 15 décembre 2025',
    requestUrl,
  },
  'civil-status-receipt': {
    ...civilStatus,
    submittedText: 'mardi 2 décembre 2025 à 14 h 05',
    addressLines: ['Jean Martin', '12 rue des Lilas', '49070 Beaucouzé'],
    processingDays: 10,
    trackingUrl,
  },
  'civil-status-new-for-agents': {
    ...civilStatus,
    relationLabel: 'Son père, sa mère',
    submittedText: 'mardi 2 décembre 2025 à 14 h 05',
    deadlineText: 'mardi 16 décembre 2025 à 23 h 59',
    backOfficeUrl: civilStatusBackOfficeUrl,
  },
  'civil-status-reminder-for-agents': {
    ...civilStatus,
    submittedText: 'mardi 2 décembre 2025 à 14 h 05',
    deadlineText: 'mardi 16 décembre 2025 à 23 h 59',
    reminderNumber: 0,
    backOfficeUrl: civilStatusBackOfficeUrl,
  },
  'payment-receipt': {
    communeName: 'Beaucouzé',
    portalUrl: 'https://demarches-beaucouze.example.fr',
    firstName: 'Amélie',
    reference: 'BEAP7K2M9QX4ZT',
    regieName: 'Ville',
    paidAtText: 'mardi 2 décembre 2025 à 14 h 05',
    totalText: '57,30\u00a0€',
    invoices: [
      { number: 'F-2025-0001', service: 'Restauration scolaire', periodLabel: 'Octobre 2025', amountText: '42,80\u00a0€' },
      { number: 'F-2025-0002', service: 'Accueil périscolaire', periodLabel: 'Octobre 2025', amountText: '14,50\u00a0€' },
    ],
    statementUrl: 'https://demarches-beaucouze.example.fr/comptes',
  },
  'civil-status-decided': {
    ...civilStatus,
    status: 'envoyee',
    statusLabel: 'Acte envoyé',
    reason: null,
    addressLines: ['Jean Martin', '12 rue des Lilas', '49070 Beaucouzé'],
    decidedText: 'mercredi 3 décembre 2025',
    mairieAddress,
    trackingUrl,
  },
};

const names = Object.keys(samples) as MailTemplateName[];
const smsNames: SmsTemplateName[] = [
  'account-validated', 'account-rejected', 'demarche-receipt', 'demarche-status-changed', 'demarche-reminder',
];
const demarcheSmsNames = ['demarche-receipt', 'demarche-status-changed', 'demarche-reminder'] as const;

/** Every string field of a sample replaced by a hostile value. */
function hostile<T extends object>(data: T, value: string): T {
  return Object.fromEntries(
    Object.entries(data).map(([key, field]) => [key, typeof field === 'string' ? value : field]),
  ) as T;
}

describe('renderMail', () => {
  it.each(names)('%s: French subject, HTML in the layout and a plain-text part', (name) => {
    const mail = renderMail(name, samples[name]);
    expect(mail.subject.length).toBeGreaterThan(10);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.html).toContain('<html lang="fr">');
    expect(mail.html).toContain(`<title>${mail.subject.replace(/'/g, '&#x27;')}</title>`);
    expect(mail.html).toContain('Beaucouzé');
    expect(mail.html).toContain('Ce message est envoyé automatiquement : merci de ne pas y répondre.');
    expect(mail.html).toContain('<a href="https://demarches-beaucouze.example.fr"');
    expect(mail.text).toContain('Ce message est envoyé automatiquement : merci de ne pas y répondre. '
      + 'Retrouvez vos démarches sur https://demarches-beaucouze.example.fr.');
    expect(mail.text).not.toMatch(/<[a-z]/i);
    expect(mail.text).not.toMatch(/\n{3,}/);
    expect(mail.text).not.toMatch(/&(amp|lt|gt|#x27|quot);/);
  });

  it('account-identifier gives the identifier, the accents warning, the deadline and the login link', () => {
    const mail = renderMail('account-identifier', samples['account-identifier']);
    expect(mail.subject).toBe('Votre compte citoyen a été créé – Beaucouzé');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Bonjour Amélie,');
      expect(part).toContain('amélie.lire');
      expect(part).toContain('Attention : les accents sont pris en compte !');
      expect(part).toContain('2 jours ouvrés, soit au plus tard le jeudi 4 décembre 2025');
      expect(part).toContain('Vous pouvez dès à présent vous connecter');
      expect(part).toContain('https://demarches-beaucouze.example.fr/connexion');
    }
    expect(mail.html).toMatch(/font-size:26px;font-weight:bold;">amélie\.lire</);
  });

  it('agents get the account and a link to it in the back office', () => {
    const mail = renderMail('account-new-for-agents', samples['account-new-for-agents']);
    expect(mail.subject).toBe('Nouveau compte citoyen à valider : Amélie Lire');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('amelie.lire@example.fr');
      expect(part).toContain('jeudi 4 décembre 2025');
      expect(part).toContain('https://demarches-beaucouze.example.fr/agent/comptes/42');
    }
  });

  it('the first escalation says the deadline passed; reminders are numbered', () => {
    const first = renderMail('account-escalation', samples['account-escalation']);
    expect(first.subject).toBe('Compte citoyen en retard de validation : Amélie Lire');
    expect(first.text).toContain('devait être validé au plus tard le jeudi 4 décembre 2025');
    expect(first.text).not.toContain('Relance');

    const third = renderMail('account-escalation', { ...samples['account-escalation'], reminderNumber: 2 });
    expect(third.subject).toBe('Relance n° 2 – Compte citoyen en retard de validation : Amélie Lire');
    expect(third.html).toContain('<strong>Relance n° 2</strong>');
    expect(third.text).toContain('Relance n° 2 : ce compte');
  });

  it('account-validated lists what the resident can now do', () => {
    const mail = renderMail('account-validated', samples['account-validated']);
    expect(mail.subject).toBe('Votre compte citoyen a été validé – Beaucouzé');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('modifier les informations de votre compte');
      expect(part).toContain('ajouter les membres de votre foyer');
      expect(part).toContain('consulter et payer en ligne vos factures');
    }
  });

  it('account-rejected quotes the reason and gives the mairie address, line by line', () => {
    const mail = renderMail('account-rejected', {
      ...samples['account-rejected'],
      reason: 'Justificatif illisible.\nMerci de passer en mairie.',
    });
    expect(mail.subject).toBe("Votre compte citoyen n'a pas pu être validé – Beaucouzé");
    expect(mail.html).toContain('Justificatif illisible.<br>Merci de passer en mairie.</blockquote>');
    expect(mail.html).toContain('Mairie de Beaucouzé<br>Rue de la Mairie<br>49070 Beaucouzé');
    expect(mail.text).toContain('« Justificatif illisible.\nMerci de passer en mairie. »');
    expect(mail.text).toContain('Mairie de Beaucouzé\nRue de la Mairie\n49070 Beaucouzé');
  });

  it('password-reset-link carries the link, its validity and single use, never a password', () => {
    const mail = renderMail('password-reset-link', samples['password-reset-link']);
    const url = 'https://demarches-beaucouze.example.fr/mot-de-passe-oublie/nouveau/abc123';
    expect(mail.html).toContain(`<a href="${url}"`);
    expect(mail.text).toContain(`\n${url}\n`);
    for (const part of [mail.html, mail.text]) {
      expect(part).toMatch(/valable (<strong>)?30 minutes/);
      expect(part).toContain("ne peut servir qu'une seule fois");
      expect(part).toContain("Si vous n'êtes pas à l'origine de cette demande, ignorez ce message");
      expect(part).toContain('ne vous enverra jamais votre mot de passe');
    }
  });

  it('password-changed tells what to do if the change was not yours', () => {
    const mail = renderMail('password-changed', samples['password-changed']);
    expect(mail.subject).toBe('Votre mot de passe a été modifié – Beaucouzé');
    expect(mail.text).toContain('a été modifié le mardi 2 décembre 2025 à 14 h 05');
    expect(mail.text).toContain('https://demarches-beaucouze.example.fr/mot-de-passe-oublie');
  });

  it('demarche-receipt gives the number, the member, and where and how to post paper documents', () => {
    const mail = renderMail('demarche-receipt', samples['demarche-receipt']);
    expect(mail.subject).toBe('Demande BEA-2026-000123 bien reçue – Beaucouzé');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Bonjour Amélie,');
      expect(part).toContain('Votre demande « Inscription scolaire » a bien été enregistrée');
      expect(part).toContain('mardi 2 décembre 2025 à 14 h 05');
      expect(part).toContain('Lucas Lire');
      expect(part).toContain("Pour fournir vos pièces justificatives par courrier, envoyez-les à l'adresse "
        + "ci-dessous en indiquant l'objet « Inscription scolaire », le n° de votre demande BEA-2026-000123, "
        + 'ainsi que vos nom et prénom (Lire Amélie).');
      expect(part).toContain('Ce message ne nécessite aucune réponse de votre part.');
      expect(part).toContain('dans l\'onglet « Demandes » de votre compte');
      expect(part).toContain(requestUrl);
    }
    expect(mail.html).toContain('<td style="padding:4px 0;"><strong>BEA-2026-000123</strong></td>');
    expect(mail.html).toContain('<li>Justificatif de domicile</li>\n<li>Livret de famille</li>');
    expect(mail.html).toContain('<p style="margin-left:16px;">'
      + 'Mairie de Beaucouzé<br>Rue de la Mairie<br>49070 Beaucouzé</p>');
    expect(mail.html).toContain(`<a href="${requestUrl}"`);
    expect(mail.text).toContain('- Justificatif de domicile\n- Livret de famille\n');
    expect(mail.text).toContain('\nMairie de Beaucouzé\nRue de la Mairie\n49070 Beaucouzé\n');
    expect(mail.text).toContain(`Suivre ma demande : ${requestUrl}`);
  });

  it('demarche-receipt without paper documents nor member has no postal instructions', () => {
    const mail = renderMail('demarche-receipt', {
      ...samples['demarche-receipt'], memberName: null, paperDocuments: [],
    });
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('BEA-2026-000123');
      expect(part).not.toContain('courrier');
      expect(part).not.toContain('Rue de la Mairie');
      expect(part).not.toContain('Membre du foyer concerné');
    }
    expect(mail.html).not.toContain('<ul>');
    expect(mail.text).not.toMatch(/\n{3,}/);
  });

  it('demarche-receipt escapes document labels, the member and each line of the address', () => {
    const mail = renderMail('demarche-receipt', {
      ...samples['demarche-receipt'],
      memberName: '<img src=x onerror=alert(1)>',
      paperDocuments: [{ label: '<script>alert(1)</script>' }],
      mairieAddress: '<b>Mairie</b>\r\n1 rue <script>\n49070 Beaucouzé',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>');
    expect(mail.html).toContain('&lt;b&gt;Mairie&lt;/b&gt;<br>1 rue &lt;script&gt;<br>49070 Beaucouzé');
    expect(mail.text).toContain('<b>Mairie</b>\n1 rue <script>\n49070 Beaucouzé');
  });

  it('agents get the new request, who it is for, and a link to it in the back office', () => {
    const mail = renderMail('demarche-new-for-agents', samples['demarche-new-for-agents']);
    const url = 'https://demarches-beaucouze.example.fr/agent/demandes/7';
    expect(mail.subject).toBe('Nouvelle demande à traiter : Inscription scolaire (BEA-2026-000123)');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Amélie Lire');
      expect(part).toContain('Membre du foyer concerné');
      expect(part).toContain('Lucas Lire');
      expect(part).toContain('mardi 2 décembre 2025 à 14 h 05');
      expect(part).toContain(url);
    }
    expect(mail.html).toContain(`<a href="${url}"`);
    const forAdult = renderMail('demarche-new-for-agents', {
      ...samples['demarche-new-for-agents'], memberName: null,
    });
    expect(forAdult.text).not.toContain('Membre du foyer concerné');
  });

  // One wording per status; each status must show its own and none of the others.
  const statusWording: Record<MailTemplateData['demarche-status-changed']['status'], string> = {
    en_attente_de_pieces: 'ont besoin de pièces ou d\'informations complémentaires',
    complet: 'est complet : les services de la mairie de Beaucouzé ont reçu tout ce qui était nécessaire',
    valide: 'a été validée par les services de la mairie de Beaucouzé',
    refuse: 'n\'ont pas pu donner une suite favorable à votre demande',
    classe_sans_suite: "a été classée sans suite : les pièces ou informations demandées n'ont pas été reçues",
    annule: "Comme vous l'avez demandé, votre demande « Inscription scolaire » (n° BEA-2026-000123) "
      + 'a été annulée',
  };
  const statuses = Object.keys(statusWording) as (keyof typeof statusWording)[];

  it.each(statuses)('demarche-status-changed %s: its own wording, and only its own', (status) => {
    const mail = renderMail('demarche-status-changed', {
      ...samples['demarche-status-changed'], status, statusLabel: 'Libellé', message: null,
    });
    expect(mail.subject).toBe('Votre demande BEA-2026-000123 : Libellé');
    for (const part of [mail.html, mail.text]) {
      for (const other of statuses) {
        if (other === status) expect(part).toContain(statusWording[other]);
        else expect(part).not.toContain(statusWording[other]);
      }
      expect(part).toContain('Ce message ne nécessite aucune réponse de votre part.');
      expect(part).toContain(requestUrl);
      expect(part).not.toContain('est désormais');
    }
  });

  it('demarche-status-changed: awaiting documents quotes the request and says how to provide them', () => {
    const mail = renderMail('demarche-status-changed', {
      ...samples['demarche-status-changed'],
      message: 'Merci de fournir le justificatif de domicile\net le livret de famille.',
    });
    expect(mail.subject).toBe('Votre demande BEA-2026-000123 : En attente de pièces');
    expect(mail.html)
      .toContain('Merci de fournir le justificatif de domicile<br>et le livret de famille.</blockquote>');
    expect(mail.text).toContain('« Merci de fournir le justificatif de domicile\net le livret de famille. »');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Déposez-les en ligne depuis la page de votre demande sur le portail.');
      expect(part).toContain("envoyer par courrier à la mairie de Beaucouzé, en indiquant l'objet "
        + '« Inscription scolaire », le n° de votre demande BEA-2026-000123, ainsi que vos nom et prénom.');
      expect(part).toContain('Compléter ma demande');
      // Quoted once, as the request: not again as a note.
      expect(part).not.toContain('Précision des services de la mairie');
    }
  });

  it('demarche-status-changed: a refusal gives its reason, or says where to find it', () => {
    const refused = {
      ...samples['demarche-status-changed'], status: 'refuse' as const, statusLabel: 'Refusé',
    };
    const mail = renderMail('demarche-status-changed', { ...refused, message: "Hors délai\nd'inscription." });
    expect(mail.html).toContain('pour le motif suivant :</p>');
    expect(mail.html).toContain('Hors délai<br>d&#x27;inscription.</blockquote>');
    expect(mail.text).toContain('pour le motif suivant :\n\n« Hors délai\nd\'inscription. »');
    expect(mail.text).not.toContain('Précision des services de la mairie');
    expect(mail.text).not.toContain('Déposez-les en ligne');

    const noReason = renderMail('demarche-status-changed', { ...refused, message: null });
    expect(noReason.text)
      .toContain('(n° BEA-2026-000123). Le motif du refus figure sur la page de votre demande.');
    expect(noReason.html).not.toContain('<blockquote');
  });

  it('demarche-status-changed: a status without its own wording still names the new status', () => {
    const data = { ...samples['demarche-status-changed'], statusLabel: 'En cours', message: null };
    const mail = renderMail('demarche-status-changed', { ...data, status: 'en_cours' } as never);
    expect(mail.text)
      .toContain('Votre demande « Inscription scolaire » (n° BEA-2026-000123) est désormais : En cours.');
    for (const status of statuses) expect(mail.text).not.toContain(statusWording[status]);
  });

  it('demarche-status-changed: a message with another status is shown as a note', () => {
    const mail = renderMail('demarche-status-changed', {
      ...samples['demarche-status-changed'],
      status: 'valide',
      statusLabel: 'Validé',
      message: 'Rentrée le 1er septembre.',
    });
    expect(mail.text).toContain('Précision des services de la mairie :\n\n« Rentrée le 1er septembre. »');
    expect(mail.text).toContain(`Voir ma demande : ${requestUrl}`);
  });

  it('demarche-status-changed escapes the title, the message and the first name', () => {
    const attack = '<script>alert("x")</script>';
    for (const status of ['en_attente_de_pieces', 'refuse', 'valide'] as const) {
      const mail = renderMail('demarche-status-changed', {
        ...samples['demarche-status-changed'],
        status,
        demarcheTitle: attack,
        message: attack,
        firstName: attack,
      });
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('Bonjour &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
      expect(mail.html).toContain('« &lt;script&gt;');
      expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</blockquote>');
      expect(mail.text).toContain(`Bonjour ${attack},`);
    }
  });

  it('demarche-reminder lists the missing documents and the date the request will be closed', () => {
    const mail = renderMail('demarche-reminder', samples['demarche-reminder']);
    expect(mail.subject).toBe('Rappel : pièces attendues pour votre demande BEA-2026-000123 – Beaucouzé');
    expect(mail.html).toContain('n\'ont pas encore reçu :</p>\n<ul>\n<li>Justificatif de domicile</li>');
    expect(mail.text).toContain('n\'ont pas encore reçu :\n\n- Justificatif de domicile\n');
    for (const part of [mail.html, mail.text]) {
      expect(part)
        .toContain('« Inscription scolaire » (n° BEA-2026-000123) est toujours en attente de pièces.');
      expect(part).toContain('votre demande sera classée sans suite le lundi 15 décembre 2025.');
      expect(part).toContain('Déposez-les en ligne');
      expect(part).toContain('Ce message ne nécessite aucune réponse de votre part.');
      expect(part).toContain(requestUrl);
    }
    const noList = renderMail('demarche-reminder', { ...samples['demarche-reminder'], missingDocuments: [] });
    expect(noList.text)
      .toContain("n'ont pas encore reçu les pièces ou informations qu'ils vous ont demandées.");
    expect(noList.html).not.toContain('<ul>');
  });

  it.each(names)('%s: user data is escaped in the HTML, including the <title>', (name) => {
    const attack = '<script>alert("x")</script>';
    const mail = renderMail(name, hostile(samples[name], attack));
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    // The layout's own markup is intact around it.
    expect(mail.html).toContain('<main>');
    expect(mail.html.match(/<title>/g)).toHaveLength(1);
  });

  it('subjects are one plain-text line: not HTML-escaped, line breaks in user data removed', () => {
    const mail = renderMail('account-new-for-agents', {
      ...agentData,
      firstName: '<b>Jean & Marie</b>',
      lastName: "D'Artagnan\r\nBcc: victime@example.org",
    });
    expect(mail.subject)
      .toBe("Nouveau compte citoyen à valider : <b>Jean & Marie</b> D'Artagnan Bcc: victime@example.org");
    expect(mail.html)
      .toContain('<title>Nouveau compte citoyen à valider : &lt;b&gt;Jean &amp; Marie&lt;/b&gt;');
    expect(mail.text).toContain("Nom : <b>Jean & Marie</b> D'Artagnan");
  });

  it('throws when a field is missing instead of sending a mail with a hole', () => {
    const { identifier: _dropped, ...withoutIdentifier } = samples['account-identifier'];
    expect(() => renderMail('account-identifier', withoutIdentifier)).toThrow(/identifier/);
    const { mairieAddress: _gone, ...withoutAddress } = samples['account-rejected'];
    expect(() => renderMail('account-rejected', withoutAddress)).toThrow(/lines/);
    // Fields read by block helpers, which strict mode does not check.
    const { status: _status, ...withoutStatus } = samples['demarche-status-changed'];
    expect(() => renderMail('demarche-status-changed', withoutStatus)).toThrow(/\{\{eq\}\}/);
    expect(() => renderSms('demarche-status-changed', withoutStatus)).toThrow(/\{\{eq\}\}/);
    const { paperDocuments: _documents, ...withoutDocuments } = samples['demarche-receipt'];
    expect(() => renderMail('demarche-receipt', withoutDocuments))
      .toThrow(/\{\{nonEmpty\}\} attend une liste/);
    const { missingDocuments: _missing, ...withoutMissing } = samples['demarche-reminder'];
    expect(() => renderMail('demarche-reminder', withoutMissing)).toThrow(/nonEmpty/);
  });

  it('refuses unknown templates and names that are paths', () => {
    expect(() => renderMail('does-not-exist', common)).toThrow(/ENOENT/);
    expect(() => renderMail('../pages/home', common)).toThrow(/Nom de modèle invalide/);
  });
});

describe('renderSms', () => {
  it('account-validated: one line of French plain text', () => {
    const sms = renderSms('account-validated', samples['account-validated']);
    expect(sms).toBe(
      'Beaucouzé : votre compte citoyen est validé. Vous pouvez maintenant modifier votre compte, '
      + 'ajouter les membres de votre foyer et consulter vos factures sur '
      + 'https://demarches-beaucouze.example.fr '
      + 'Message automatique, merci de ne pas y répondre.',
    );
  });

  it('account-rejected quotes the reason on one line', () => {
    const sms = renderSms('account-rejected', {
      ...samples['account-rejected'],
      reason: 'Pièce illisible.\nVenez en mairie.',
    });
    expect(sms).toContain('Motif : "Pièce illisible. Venez en mairie."');
    expect(sms).not.toMatch(/\n/);
  });

  it.each(smsNames)('%s: no HTML escaping in an SMS', (name) => {
    const sms = renderSms(name, { ...samples[name], communeName: "L'Île-d'Yeu & Co" } as never);
    expect(sms).toContain("L'Île-d'Yeu & Co :");
  });

  it.each(smsNames)(`%s: at most ${SMS_MAX_LENGTH} characters even with very long data`, (name) => {
    const long = hostile(samples[name], 'Très-long-texte '.repeat(40));
    const sms = renderSms(name, { ...long, portalUrl: samples[name].portalUrl } as never);
    expect(Array.from(sms).length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(sms).toContain('...');
  });

  it('a 500-character rejection reason is shortened, the rest of the SMS is kept', () => {
    const sms = renderSms('account-rejected', { ...samples['account-rejected'], reason: 'a'.repeat(500) });
    expect(sms).toContain(`"${'a'.repeat(117)}..."`);
    expect(sms).toMatch(/merci de ne pas y répondre\.$/);
    expect(Array.from(sms).length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
  });

  it('demarche-receipt: the number and where to follow the request', () => {
    expect(renderSms('demarche-receipt', samples['demarche-receipt'])).toBe(
      'Beaucouzé : votre demande BEA-2026-000123 "Inscription scolaire" est bien enregistrée. '
      + 'Suivez-la sur le portail : https://demarches-beaucouze.example.fr '
      + 'Message automatique, merci de ne pas y répondre.',
    );
  });

  it('demarche-status-changed: the new status, with what is asked or the reason on one line', () => {
    const awaiting = renderSms('demarche-status-changed', {
      ...samples['demarche-status-changed'], message: 'Justificatif de domicile\nde moins de 3 mois.',
    });
    expect(awaiting).toContain('votre demande BEA-2026-000123 est désormais "En attente de pièces".');
    expect(awaiting)
      .toContain('Éléments demandés : "Justificatif de domicile de moins de 3 mois." Complétez-la');

    const refused = renderSms('demarche-status-changed', {
      ...samples['demarche-status-changed'], status: 'refuse', statusLabel: 'Refusé', message: 'Hors délai.',
    });
    expect(refused).toContain('est désormais "Refusé". Motif : "Hors délai." Détails sur le portail');

    const validated = renderSms('demarche-status-changed', {
      ...samples['demarche-status-changed'], status: 'valide', statusLabel: 'Validé', message: null,
    });
    expect(validated).toBe('Beaucouzé : votre demande BEA-2026-000123 est désormais "Validé". '
      + 'Détails sur le portail : https://demarches-beaucouze.example.fr '
      + 'Message automatique, merci de ne pas y répondre.');
  });

  it('demarche-reminder: the number and the closing date', () => {
    const sms = renderSms('demarche-reminder', samples['demarche-reminder']);
    expect(sms).toContain('des pièces sont toujours attendues pour votre demande BEA-2026-000123.');
    expect(sms).toContain('elle sera classée sans suite le lundi 15 décembre 2025.');
  });

  it.each(demarcheSmsNames)('%s: its own text stays in the GSM alphabet (160-character segments)', (name) => {
    expect(needsUnicode(renderSms(name, samples[name]))).toBe(false);
  });

  // The request number (20 characters at most in the database) and the portal address are ours;
  // every free text is shortened by the template, so the closing line survives.
  it.each(demarcheSmsNames)(`%s: long free text is shortened, the SMS keeps its end within ${SMS_MAX_LENGTH}`,
    (name) => {
      const sample = samples[name];
      const long = {
        ...hostile(sample, 'Très-long-texte '.repeat(40)),
        portalUrl: sample.portalUrl,
        requestUrl: sample.requestUrl,
        number: 'BEA-2026-00000000123',
        ...('status' in sample ? { status: sample.status } : {}),
      };
      const sms = renderSms(name, long as never);
      expect(Array.from(sms).length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
      expect(sms).toContain('BEA-2026-00000000123');
      expect(sms).toContain('https://demarches-beaucouze.example.fr ');
      expect(sms).toContain('...');
      expect(sms).toMatch(/ Message automatique, merci de ne pas y répondre\.$/);
    });
});

describe('civil-status mails', () => {
  it('the receipt gives the number, the act, the address, the delay and the personal tracking link', () => {
    const mail = renderMail('civil-status-receipt', samples['civil-status-receipt']);
    expect(mail.subject).toBe("Votre demande d'acte n° BEA-2026-000124 est enregistrée – Beaucouzé");
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Bonjour Jean Martin,');
      expect(part).toContain('BEA-2026-000124');
      expect(part).toContain('acte de naissance de Léa Martin, date de naissance : 3 mars 1990 (2 exemplaires)');
      expect(part).toContain('mardi 2 décembre 2025 à 14 h 05');
      expect(part).toContain('délai indicatif de 10 jours ouvrés');
      expect(part).toContain(trackingUrl);
      expect(part).toContain('toute personne qui le possède peut voir l\'avancement de votre demande');
      expect(part).toContain('Ne le communiquez pas');
      expect(part).toContain('sans créer de compte');
      expect(part).toContain('Ce message ne nécessite aucune réponse de votre part.');
    }
    expect(mail.html).toContain('<td style="padding:4px 0;"><strong>BEA-2026-000124</strong></td>');
    expect(mail.html).toContain('<p style="margin-left:16px;">Jean Martin<br>12 rue des Lilas<br>49070 Beaucouzé</p>');
    expect(mail.html).toContain(`<a href="${trackingUrl}"`);
    expect(mail.text).toContain('\nJean Martin\n12 rue des Lilas\n49070 Beaucouzé\n');
    expect(mail.text).toContain(`Suivre ma demande : ${trackingUrl}`);
  });

  it('the receipt escapes each address line in the HTML', () => {
    const mail = renderMail('civil-status-receipt', {
      ...samples['civil-status-receipt'], addressLines: ['<b>Jean</b>', '1 rue <script>'],
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;b&gt;Jean&lt;/b&gt;<br>1 rue &lt;script&gt;</p>');
    expect(mail.text).toContain('<b>Jean</b>\n1 rue <script>\n');
  });

  it('agents get the new request, the relation, the deadline and a link to the back office', () => {
    const mail = renderMail('civil-status-new-for-agents', samples['civil-status-new-for-agents']);
    expect(mail.subject).toBe("Nouvelle demande d'acte à traiter : Acte de naissance (BEA-2026-000124)");
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('BEA-2026-000124');
      expect(part).toContain('acte de naissance de Léa Martin');
      expect(part).toContain('Jean Martin');
      expect(part).toContain('Son père, sa mère');
      expect(part).toContain('mardi 2 décembre 2025 à 14 h 05');
      expect(part).toContain('mardi 16 décembre 2025 à 23 h 59');
      expect(part).toContain(civilStatusBackOfficeUrl);
    }
    expect(mail.text).toContain('Lien avec la personne concernée : Son père, sa mère');
    expect(mail.text).toContain('À traiter avant le : mardi 16 décembre 2025 à 23 h 59');
    expect(mail.html).toContain(`<a href="${civilStatusBackOfficeUrl}"`);
  });

  it('the reminder says the delay is over, then numbers the following reminders', () => {
    const first = renderMail('civil-status-reminder-for-agents', samples['civil-status-reminder-for-agents']);
    expect(first.subject).toBe("Délai dépassé : demande d'acte BEA-2026-000124 à traiter");
    expect(first.text).toContain('devait être traitée au plus tard le mardi 16 décembre 2025 à 23 h 59');
    expect(first.text).toContain('est dépassé');
    expect(first.text).not.toContain('rappel n°');
    expect(first.html).not.toContain('rappel n°');
    expect(first.text).toContain(civilStatusBackOfficeUrl);

    const third = renderMail('civil-status-reminder-for-agents', {
      ...samples['civil-status-reminder-for-agents'], reminderNumber: 2,
    });
    expect(third.subject).toBe("Nouveau rappel n° 2 – Délai dépassé : demande d'acte BEA-2026-000124 à traiter");
    expect(third.html).toContain('<strong>Nouveau rappel n° 2</strong>');
    expect(third.text).toContain('Nouveau rappel n° 2 : cette demande');
  });

  it('decided, sent: the certificate was posted on that day to the address, with postal delays', () => {
    const mail = renderMail('civil-status-decided', samples['civil-status-decided']);
    expect(mail.subject).toBe("Votre demande d'acte n° BEA-2026-000124 : Acte envoyé");
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Votre acte a été délivré et envoyé par courrier le mercredi 3 décembre 2025');
      expect(part).toContain("délai d'acheminement postal");
      expect(part).toContain("pour une adresse à l'étranger");
      expect(part).toContain(trackingUrl);
      expect(part).not.toContain("n'ont pas pu donner une suite favorable");
      expect(part).not.toContain('Rue de la Mairie');
    }
    expect(mail.html).toContain('Jean Martin<br>12 rue des Lilas<br>49070 Beaucouzé');
    expect(mail.text).toContain('\nJean Martin\n12 rue des Lilas\n49070 Beaucouzé\n');
    expect(mail.html).toContain(`<a href="${trackingUrl}"`);
    expect(mail.text).toContain(`Voir ma demande : ${trackingUrl}`);
  });

  it('decided, refused: the reason quoted, line by line, and how to reach the mairie', () => {
    const mail = renderMail('civil-status-decided', {
      ...samples['civil-status-decided'],
      status: 'refusee',
      statusLabel: 'Refusée',
      reason: "Vous n'avez pas qualité\npour obtenir cet acte.",
    });
    expect(mail.subject).toBe("Votre demande d'acte n° BEA-2026-000124 : Refusée");
    expect(mail.html).toContain('pour le motif suivant :</p>');
    expect(mail.html).toContain('Vous n&#x27;avez pas qualité<br>pour obtenir cet acte.</blockquote>');
    expect(mail.html).toContain('Mairie de Beaucouzé<br>Rue de la Mairie<br>49070 Beaucouzé');
    expect(mail.text).toContain("pour le motif suivant :\n\n« Vous n'avez pas qualité\npour obtenir cet acte. »");
    expect(mail.text).toContain('\nMairie de Beaucouzé\nRue de la Mairie\n49070 Beaucouzé\n');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain("n'ont pas pu donner une suite favorable à votre demande d'acte (n° BEA-2026-000124)");
      expect(part).toContain(trackingUrl);
      expect(part).not.toContain('envoyé par courrier');
      expect(part).not.toContain('12 rue des Lilas');
    }
  });

  it('decided, refused: a reason with markup is escaped in the HTML, kept as is in the text', () => {
    const attack = '<script>alert("x")</script>';
    const mail = renderMail('civil-status-decided', {
      ...samples['civil-status-decided'], status: 'refusee', statusLabel: 'Refusée', reason: attack,
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</blockquote>');
    expect(mail.text).toContain(`« ${attack} »`);
  });

  it('throws when the status or the address lines are missing', () => {
    const { status: _status, ...withoutStatus } = samples['civil-status-decided'];
    expect(() => renderMail('civil-status-decided', withoutStatus)).toThrow(/\{\{eq\}\}/);
    const { addressLines: _lines, ...withoutLines } = samples['civil-status-receipt'];
    expect(() => renderMail('civil-status-receipt', withoutLines)).toThrow(/\{\{nonEmpty\}\} attend une liste/);
    const { addressLines: _posted, ...withoutPosted } = samples['civil-status-decided'];
    expect(() => renderMail('civil-status-decided', withoutPosted)).toThrow(/nonEmpty/);
  });
});
