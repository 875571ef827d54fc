// The outbox against real things: MariaDB, an SMTP server reached over TCP, an HTTP SMS API.
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../db/data-source';
import { Notification } from '../../db/entities/notification';
import { PermanentDeliveryError, TemporaryDeliveryError } from '../../notify/errors';
import { createMailTransport, messageIdFor, type MailTransport } from '../../notify/mailer';
import { Outbox, REDACTED_BODY } from '../../notify/outbox';
import { renderPaymentReceiptPdf } from '../../notify/receipt-pdf';
import { createSmsProvider, type SmsProvider } from '../../notify/sms';
import { startFakeSmsApi, type FakeSmsApi } from '../support/fake-sms-api';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';

const SERVER_URL = process.env.NOTIFY_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';
const DATABASE = 'portail_notify_test';
const FROM = 'Mairie de Beaucouzé <ne-pas-repondre@beaucouze.example.fr>';

const common = { communeName: 'Beaucouzé', portalUrl: 'https://demarches-beaucouze.example.fr' };
const identifierMail = (firstName = 'Amélie') => ({
  ...common, firstName, identifier: 'amélie.lire', deadlineText: 'jeudi 4 décembre 2025',
});
const validatedSms = { ...common, firstName: 'Amélie', identifier: 'amélie.lire' };

let dataSource: DataSource;
let receiver: SmtpReceiver;
let smsApi: FakeSmsApi;
let smtp: MailTransport;
let devSms: SmsProvider;

async function dropDatabase(): Promise<void> {
  const connection = await mysql.createConnection({ uri: SERVER_URL });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  } finally {
    await connection.end();
  }
}

const row = (key: string) => dataSource.getRepository(Notification).findOneByOrFail({ idempotencyKey: key });
const sentTo = (address: string) => receiver.messages.filter((m) => m.envelopeTo.includes(address));

beforeAll(async () => {
  await dropDatabase(); // a previous run killed before its afterAll
  dataSource = await openDatabase(`${SERVER_URL}/${DATABASE}`, { poolSize: 4 });
  receiver = await startSmtpReceiver();
  smsApi = await startFakeSmsApi();
  smtp = createMailTransport({ mail: { smtpUrl: receiver.url, from: FROM } });
  devSms = createSmsProvider({
    sms: { provider: 'dev', apiUrl: undefined, apiKey: undefined, sender: 'MAIRIE' },
  });
});

afterAll(async () => {
  await receiver?.stop();
  await smsApi?.stop();
  await dataSource?.destroy();
  await dropDatabase();
});

describe('Outbox over SMTP', () => {
  it('sends the rendered mail once, with its Message-ID, and records it', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const key = 'account:1:identifier';
    await expect(outbox.deliver({
      key, communeId: null, channel: 'email', to: 'amelie@example.fr',
      template: 'account-identifier', data: identifierMail(),
    })).resolves.toBe('sent');

    const mail = await receiver.waitFor((m) => m.envelopeTo.includes('amelie@example.fr'));
    expect(mail.subject).toBe('Votre compte citoyen a été créé – Beaucouzé');
    expect(mail.from).toBe(FROM);
    expect(mail.messageId).toBe(messageIdFor(key, FROM));
    expect(mail.messageId).toMatch(/^<notification\.[0-9a-f]{40}@beaucouze\.example\.fr>$/);
    expect(mail.text).toContain('amélie.lire');
    expect(mail.text).toContain('Attention : les accents sont pris en compte !');
    expect(mail.html).toContain('<html lang="fr">');

    const stored = await row(key);
    expect(stored).toMatchObject({
      status: 'sent', transport: 'smtp', attempts: 1, channel: 'email', lastError: null,
    });
    expect(stored.sentAt).toBeInstanceOf(Date);
    expect(Math.abs((stored.sentAt as Date).getTime() - Date.now())).toBeLessThan(60_000);
    expect(stored.subject).toBe(mail.subject);
    expect(stored.bodyText).toContain('amélie.lire');
  });

  it('a second delivery with the same key sends nothing', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const input = {
      key: 'account:2:identifier', channel: 'email' as const, to: 'bob@example.fr',
      template: 'account-identifier', data: identifierMail('Bob'),
    };
    await expect(outbox.deliver(input)).resolves.toBe('sent');
    // Even with other data: the first rendering is the one that counts.
    await expect(outbox.deliver({ ...input, data: identifierMail('Robert') })).resolves.toBe('already-sent');
    await expect(outbox.isSent(input.key)).resolves.toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentTo('bob@example.fr')).toHaveLength(1);
    expect((await row(input.key)).attempts).toBe(1);
    expect((await row(input.key)).bodyText).toContain('Bonjour Bob,');
  });

  it('two overlapping deliveries of one key send one mail', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const input = {
      key: 'account:3:identifier', channel: 'email' as const, to: 'chloe@example.fr',
      template: 'account-identifier', data: identifierMail('Chloé'),
    };
    const results = await Promise.all([outbox.deliver(input), outbox.deliver(input), outbox.deliver(input)]);
    expect(results.sort()).toEqual(['already-sent', 'already-sent', 'sent']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentTo('chloe@example.fr')).toHaveLength(1);
  });

  it('SMTP down: delivery fails and stays pending with its error; once up, one mail', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const input = {
      key: 'account:4:new-for-agents', communeId: 7, channel: 'email' as const,
      to: 'agents@beaucouze.example.fr', template: 'account-new-for-agents',
      data: {
        ...common, accountId: 4, firstName: 'David', lastName: 'Martin', identifier: 'david.martin',
        email: 'david@example.fr', deadlineText: 'jeudi 4 décembre 2025',
      },
    };
    await receiver.down();
    try {
      await expect(outbox.deliver(input)).rejects.toBeInstanceOf(TemporaryDeliveryError);
      await expect(outbox.deliver(input)).rejects.toThrow(/ECONNREFUSED|ECONNECTION/);
    } finally {
      await receiver.up();
    }
    const failed = await row(input.key);
    expect(failed).toMatchObject({
      status: 'pending', attempts: 2, transport: null, sentAt: null, communeId: 7,
    });
    expect(failed.lastError).toMatch(/^TemporaryDeliveryError: Envoi SMTP impossible/);
    expect(failed.lastError).not.toContain('David');
    await expect(outbox.isSent(input.key)).resolves.toBe(false);

    await expect(outbox.deliver(input)).resolves.toBe('sent');
    await expect(outbox.deliver(input)).resolves.toBe('already-sent');
    await receiver.waitFor((m) => m.envelopeTo.includes('agents@beaucouze.example.fr'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentTo('agents@beaucouze.example.fr')).toHaveLength(1);
    expect(await row(input.key)).toMatchObject({ status: 'sent', attempts: 3, transport: 'smtp' });
  });

  it('a secret message is kept until sent, then its body is removed', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const resetUrl = 'https://demarches-beaucouze.example.fr/mot-de-passe-oublie/nouveau/s3cr3t-t0ken';
    await outbox.deliver({
      key: 'password-reset:req-1', channel: 'email', to: 'emma@example.fr',
      template: 'password-reset-link', secret: true,
      data: { ...common, firstName: 'Emma', identifier: 'emma.roux', resetUrl, validMinutes: 30 },
    });
    const mail = await receiver.waitFor((m) => m.envelopeTo.includes('emma@example.fr'));
    expect(mail.text).toContain(resetUrl);
    const stored = await row('password-reset:req-1');
    expect(stored).toMatchObject({ status: 'sent', bodyText: REDACTED_BODY, bodyHtml: null });
  });

  it('refuses an invalid address before writing anything', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    await expect(outbox.deliver({
      key: 'bad:address', channel: 'email', to: 'not-an-address',
      template: 'account-identifier', data: identifierMail(),
    })).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(await dataSource.getRepository(Notification).countBy({ idempotencyKey: 'bad:address' })).toBe(0);
  });
});

describe('Outbox over the SMS API', () => {
  const httpSms = (apiKey: string) => createSmsProvider({
    sms: { provider: 'http', apiUrl: smsApi.url, apiKey, sender: 'BEAUCOUZE' },
  });

  it('posts the SMS the way Brevo expects it and records it', async () => {
    const outbox = new Outbox(dataSource, smtp, httpSms(smsApi.apiKey));
    const input = {
      key: 'account:10:decision', channel: 'sms' as const, to: '+33612345678',
      template: 'account-validated', data: validatedSms,
    };
    await expect(outbox.deliver(input)).resolves.toBe('sent');
    expect(smsApi.received).toHaveLength(1);
    expect(smsApi.received[0]).toMatchObject({
      sender: 'BEAUCOUZE',
      recipient: '33612345678',
      type: 'transactional',
      unicodeEnabled: false, // é and à are in the GSM alphabet
    });
    expect(smsApi.received[0].content).toMatch(/^Beaucouzé : votre compte citoyen est validé\./);
    expect(await row('account:10:decision')).toMatchObject({
      status: 'sent', transport: 'http-sms', channel: 'sms', recipient: '+33612345678',
      subject: null, bodyHtml: null,
    });

    await expect(outbox.deliver(input)).resolves.toBe('already-sent');
    expect(smsApi.received).toHaveLength(1);
  });

  it('asks for Unicode when the text leaves the GSM alphabet', async () => {
    const outbox = new Outbox(dataSource, smtp, httpSms(smsApi.apiKey));
    await outbox.deliver({
      key: 'account:11:decision', channel: 'sms', to: '+33611111111', template: 'account-validated',
      data: { ...validatedSms, communeName: 'Saint-Léger-des-Prés ç' },
    });
    expect(smsApi.received.at(-1)).toMatchObject({ recipient: '33611111111', unicodeEnabled: true });
  });

  it('a wrong API key is a permanent failure, stored without the message', async () => {
    const outbox = new Outbox(dataSource, smtp, httpSms('wrong-key'));
    const error = await outbox.deliver({
      key: 'account:12:decision', channel: 'sms', to: '+33622222222',
      template: 'account-validated', data: validatedSms,
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toContain('401 unauthorized : Key not found');
    const stored = await row('account:12:decision');
    expect(stored).toMatchObject({ status: 'pending', attempts: 1 });
    expect(stored.lastError).toMatch(/^PermanentDeliveryError: .*401/);
    expect(stored.lastError).not.toContain('votre compte');
  });

  it('a 500 from the API is a retryable failure; the next attempt sends it once', async () => {
    const outbox = new Outbox(dataSource, smtp, httpSms(smsApi.apiKey));
    const input = {
      key: 'account:13:decision', channel: 'sms' as const, to: '+33633333333', template: 'account-rejected',
      data: { ...common, firstName: 'Farid', reason: 'Adresse hors commune.', mairieAddress: 'Mairie' },
    };
    smsApi.failNext(1, 500);
    const error = await outbox.deliver(input).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TemporaryDeliveryError);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(await row(input.key)).toMatchObject({ status: 'pending', attempts: 1 });

    await expect(outbox.deliver(input)).resolves.toBe('sent');
    const delivered = smsApi.received.filter((sms) => sms.recipient === '33633333333');
    expect(delivered).toHaveLength(1);
    expect(delivered[0].content).toContain('Motif : "Adresse hors commune."');
  });

  it('an unreachable API is a retryable failure', async () => {
    const closed = await startFakeSmsApi();
    await closed.stop();
    const provider = createSmsProvider({
      sms: { provider: 'http', apiUrl: closed.url, apiKey: 'k', sender: 'MAIRIE' },
    });
    await expect(provider.send({ to: '+33644444444', text: 'Bonjour' }))
      .rejects.toBeInstanceOf(TemporaryDeliveryError);
  });

  it('refuses a number that is not E.164 before calling the API', async () => {
    const outbox = new Outbox(dataSource, smtp, httpSms(smsApi.apiKey));
    const before = smsApi.requestCount();
    await expect(outbox.deliver({
      key: 'account:14:decision', channel: 'sms', to: '0612345678',
      template: 'account-validated', data: validatedSms,
    })).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(smsApi.requestCount()).toBe(before);
  });
});

describe('dev transports and the dev mailbox', () => {
  it('keeps mails and SMS in the table, newest first, filtered by recipient', async () => {
    const devMail = createMailTransport({ mail: { smtpUrl: undefined, from: FROM } });
    expect(devMail.name).toBe('dev');
    const outbox = new Outbox(dataSource, devMail, devSms);
    const before = receiver.messages.length;
    await outbox.deliver({
      key: 'dev:1', channel: 'email', to: 'gaelle@example.fr',
      template: 'account-identifier', data: identifierMail('Gaëlle'),
    });
    await outbox.deliver({
      key: 'dev:2', channel: 'sms', to: '+33655555555', template: 'account-validated', data: validatedSms,
    });
    await outbox.deliver({
      key: 'dev:3', channel: 'email', to: 'gaelle@example.fr', template: 'password-reset-link', secret: true,
      data: {
        ...common, firstName: 'Gaëlle', identifier: 'gaëlle.roy',
        resetUrl: 'https://x.example/r/t', validMinutes: 30,
      },
    });
    expect(receiver.messages.length).toBe(before);

    const mailbox = await outbox.listDevMailbox();
    expect(mailbox.slice(0, 3).map((n) => n.idempotencyKey)).toEqual(['dev:3', 'dev:2', 'dev:1']);
    expect(mailbox[0]).toMatchObject({ transport: 'dev', status: 'sent' });
    // The dev mailbox is the only copy: a secret stays readable there.
    expect(mailbox[0].bodyText).toContain('https://x.example/r/t');

    const forGaelle = await outbox.listDevMailbox(1, 'gaelle@example.fr');
    expect(forGaelle.map((n) => n.idempotencyKey)).toEqual(['dev:3']);
  });
});

describe('mails with attachments', () => {
  const receiptFor = (reference: string, amountCents = 1250) => renderPaymentReceiptPdf({
    communeName: 'Beaucouzé', communeAddress: 'Mairie de Beaucouzé\nPlace de l’Église\n49070 Beaucouzé',
    regieName: 'Ville', reference, paidAt: new Date('2025-12-02T13:35:00Z'),
    payerName: 'Amélie Lire', payerEmail: 'amelie@example.fr',
    invoices: [{ number: 'F2025-00041', service: 'Restauration scolaire', periodLabel: 'novembre 2025', amountCents }],
    totalCents: amountCents, authorisation: 'A55123',
  });
  const pdfFile = (reference: string, content: Buffer) => ({
    filename: `recu-${reference}.pdf`, contentType: 'application/pdf', content,
  });

  /** The files of a raw message as nodemailer wrote them: each part's unfolded headers and decoded bytes. */
  function attachedFiles(raw: string): Array<{ headers: string; name: string; content: Buffer }> {
    const files = [];
    for (const part of raw.split(/\r?\n--[^\r\n]*\r?\n/)) {
      const match = /^([^]*?)\r?\n\r?\n([^]*)$/.exec(part);
      const headers = match?.[1].replace(/\r?\n[ \t]+/g, ' ') ?? '';
      if (!match || !/^Content-Disposition: attachment/im.test(headers)) continue;
      expect(headers).toMatch(/^Content-Transfer-Encoding: base64$/im);
      // filename=x, or RFC 2231 for a name that is not ASCII: filename*0*=utf-8''R%C3%A7u…
      const plain = /filename="?([^";\r\n]+)/.exec(headers)?.[1];
      const pieces = Array.from(headers.matchAll(/filename\*\d+\*?=([^;\s]+)/g), ([, piece]) => piece).join('');
      const name = plain ?? decodeURIComponent(pieces.replace(/^utf-8''/i, ''));
      files.push({ headers, name, content: Buffer.from(match[2].replace(/\s+/g, ''), 'base64') });
    }
    return files;
  }

  it('sends a PDF receipt once over SMTP; a retry sends the files of the first attempt', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const first = await receiptFor('BEA0000123');
    const input = {
      key: 'payment:123:receipt', communeId: 7, channel: 'email' as const, to: 'helene@example.fr',
      template: 'account-identifier', data: identifierMail('Hélène'),
      attachments: [pdfFile('BEA0000123', first)],
    };
    await receiver.down();
    try {
      await expect(outbox.deliver(input)).rejects.toBeInstanceOf(TemporaryDeliveryError);
    } finally {
      await receiver.up();
    }
    const pending = await row(input.key);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending.attachments).toEqual([{
      filename: 'recu-BEA0000123.pdf', contentType: 'application/pdf', contentBase64: first.toString('base64'),
    }]);
    expect(pending.lastError).not.toContain(first.toString('base64').slice(0, 40));

    // The retry brings a file rendered again (another amount): the stored one is sent.
    const again = { ...input, attachments: [pdfFile('BEA0000123', await receiptFor('BEA0000123', 9999))] };
    await expect(outbox.deliver(again)).resolves.toBe('sent');
    await expect(outbox.deliver(again)).resolves.toBe('already-sent');

    const mail = await receiver.waitFor((m) => m.envelopeTo.includes('helene@example.fr'));
    expect(mail.raw).toContain('Content-Type: application/pdf; name=recu-BEA0000123.pdf');
    expect(mail.raw).toContain('Content-Disposition: attachment; filename=recu-BEA0000123.pdf');
    expect(mail.headers['content-type']).toMatch(/^multipart\/mixed;/);
    expect(mail.text).toContain('Bonjour Hélène,');
    const files = attachedFiles(mail.raw);
    expect(files.map((file) => file.name)).toEqual(['recu-BEA0000123.pdf']);
    expect(files[0].content.equals(first)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentTo('helene@example.fr')).toHaveLength(1);
    expect(await row(input.key)).toMatchObject({ status: 'sent', attempts: 2, transport: 'smtp' });
  });

  it('sends several files with their names and types, accents included', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const pdf = await receiptFor('BEA0000124');
    await outbox.deliver({
      key: 'payment:124:receipt', channel: 'email', to: 'ines@example.fr',
      template: 'account-identifier', data: identifierMail('Inès'),
      attachments: [
        { filename: 'Reçu BEA0000124.pdf', contentType: 'application/pdf', content: pdf },
        { filename: 'détail.txt', contentType: 'text/plain', content: Buffer.from('Facture F2025-00041 : 12,50 €\n') },
      ],
    });
    const mail = await receiver.waitFor((m) => m.envelopeTo.includes('ines@example.fr'));
    const files = attachedFiles(mail.raw);
    expect(files.map((file) => file.name)).toEqual(['Reçu BEA0000124.pdf', 'détail.txt']);
    expect(files[0].headers).toMatch(/^Content-Type: application\/pdf;/m);
    expect(files[0].content.equals(pdf)).toBe(true);
    expect(files[1].headers).toMatch(/^Content-Type: text\/plain;/m);
    expect(files[1].content.toString('utf8')).toBe('Facture F2025-00041 : 12,50 €\n');
  });

  it('a secret mail loses its files with its body once sent; the dev mailbox keeps them', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const file = { filename: 'lien.txt', contentType: 'text/plain', content: Buffer.from('https://x.example/r/t') };
    const secret = {
      channel: 'email' as const, template: 'password-reset-link', secret: true, attachments: [file],
      data: { ...common, firstName: 'Jules', identifier: 'jules.roy', resetUrl: 'https://x.example/r/t', validMinutes: 30 },
    };
    await outbox.deliver({ ...secret, key: 'password-reset:req-att', to: 'jules@example.fr' });
    const mail = await receiver.waitFor((m) => m.envelopeTo.includes('jules@example.fr'));
    expect(attachedFiles(mail.raw).map((f) => [f.name, f.content.toString()])).toEqual([['lien.txt', 'https://x.example/r/t']]);
    expect(await row('password-reset:req-att')).toMatchObject({
      status: 'sent', bodyText: REDACTED_BODY, bodyHtml: null, attachments: null,
    });

    const devMail = createMailTransport({ mail: { smtpUrl: undefined, from: FROM } });
    const devOutbox = new Outbox(dataSource, devMail, devSms);
    await devOutbox.deliver({ ...secret, key: 'password-reset:req-att-dev', to: 'jules.dev@example.fr' });
    const [kept] = await devOutbox.listDevMailbox(1, 'jules.dev@example.fr');
    expect(kept).toMatchObject({ transport: 'dev', status: 'sent' });
    expect(kept.attachments).toEqual([
      { filename: 'lien.txt', contentType: 'text/plain', contentBase64: file.content.toString('base64') },
    ]);
  });

  it('a mail without files stores none', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    await outbox.deliver({
      key: 'account:30:identifier', channel: 'email', to: 'karim@example.fr',
      template: 'account-identifier', data: identifierMail('Karim'), attachments: [],
    });
    const mail = await receiver.waitFor((m) => m.envelopeTo.includes('karim@example.fr'));
    expect(mail.raw).not.toMatch(/Content-Disposition: attachment/);
    expect((await row('account:30:identifier')).attachments).toBeNull();
  });

  it('refuses files on an SMS, or with a path or an odd type, before writing anything', async () => {
    const outbox = new Outbox(dataSource, smtp, devSms);
    const content = Buffer.from('%PDF-1.3');
    await expect(outbox.deliver({
      key: 'bad:sms-file', channel: 'sms', to: '+33677777777', template: 'account-validated', data: validatedSms,
      attachments: [{ filename: 'recu.pdf', contentType: 'application/pdf', content }],
    })).rejects.toThrow(/Pièce jointe impossible par sms/);
    const mail = { channel: 'email' as const, to: 'luc@example.fr', template: 'account-identifier', data: identifierMail() };
    await expect(outbox.deliver({
      ...mail, key: 'bad:file-name', attachments: [{ filename: '../recu.pdf', contentType: 'application/pdf', content }],
    })).rejects.toThrow(/Nom de pièce jointe invalide/);
    await expect(outbox.deliver({
      ...mail, key: 'bad:file-type', attachments: [{ filename: 'recu.pdf', contentType: 'pdf', content }],
    })).rejects.toThrow(/Type de pièce jointe invalide/);
    for (const key of ['bad:sms-file', 'bad:file-name', 'bad:file-type']) {
      expect(await dataSource.getRepository(Notification).countBy({ idempotencyKey: key })).toBe(0);
    }
  });
});
