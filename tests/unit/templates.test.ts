import {
  SMS_MAX_LENGTH,
  renderMail,
  renderSms,
  type MailTemplateData,
  type MailTemplateName,
  type SmsTemplateName,
} from '../../notify/templates';

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
};

const names = Object.keys(samples) as MailTemplateName[];
const smsNames: SmsTemplateName[] = ['account-validated', 'account-rejected'];

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
});
