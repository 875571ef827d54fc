// The payment receipt PDF, read back without any PDF tool: pdfkit deflates each content stream and
// writes Helvetica text as hex strings of WinAnsi bytes, which is all the reader below undoes.
import { inflateSync } from 'node:zlib';
import { formatEuros } from '../../domain/money';
import {
  pdfText,
  renderPaymentReceiptPdf,
  RECEIPT_PROOF_LINE,
  type PaymentReceiptData,
} from '../../notify/receipt-pdf';

const receipt = (overrides: Partial<PaymentReceiptData> = {}): PaymentReceiptData => ({
  communeName: 'Beaucouzé',
  communeAddress: 'Mairie de Beaucouzé\nPlace de l’Église\n49070 Beaucouzé',
  regieName: 'Ville',
  reference: 'BEA0000123',
  paidAt: new Date('2025-12-02T13:35:00Z'),
  payerName: 'Amélie Lire',
  payerEmail: 'amelie@example.fr',
  invoices: [
    { number: 'F2025-00041', service: 'Restauration scolaire', periodLabel: 'novembre 2025', amountCents: 1000 },
    { number: 'F2025-00042', service: 'Accueil périscolaire', periodLabel: 'novembre 2025', amountCents: 250 },
  ],
  totalCents: 1250,
  authorisation: 'A55123',
  ...overrides,
});

// WinAnsi is Latin-1 but for 0x80–0x9F (Node 20's TextDecoder('windows-1252') decodes those as Latin-1).
const WIN_ANSI_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const winAnsi = (bytes: Buffer) =>
  Array.from(bytes, (byte) => (byte >= 0x80 && byte <= 0x9f ? WIN_ANSI_HIGH[byte - 0x80] : String.fromCharCode(byte))).join('');

/** Each page's content stream, inflated. */
function contentStreams(pdf: Buffer): string[] {
  const file = pdf.toString('latin1');
  const streams: string[] = [];
  for (const match of file.matchAll(/\/Filter \/FlateDecode[^]*?>>\nstream\n([^]*?)\nendstream/g)) {
    streams.push(inflateSync(Buffer.from(match[1], 'latin1')).toString('latin1'));
  }
  return streams;
}

/** The text of each TJ operation (one line of a text block), kerning gaps joined back. */
function textLines(pdf: Buffer): string[] {
  return contentStreams(pdf).flatMap((stream) =>
    Array.from(stream.matchAll(/\[([^\]]*)\] TJ/g), ([, array]) =>
      Array.from(array.matchAll(/<([0-9a-f]*)>/gi), ([, hex]) => winAnsi(Buffer.from(hex, 'hex'))).join('')));
}

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

/** A metadata string (an object of its own): pdfkit writes non-ASCII ones as UTF-16BE with a byte order mark. */
function info(pdf: Buffer, key: string): string {
  const file = pdf.toString('latin1');
  const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(file)?.[1];
  const literal = ref && new RegExp(`\\n${ref} 0 obj\\n\\(((?:\\\\.|[^\\\\)])*)\\)\\nendobj`).exec(file)?.[1];
  if (!literal) return '';
  const bytes = Buffer.from(literal.replace(/\\(.)/g, '$1'), 'latin1');
  if (bytes[0] !== 0xfe || bytes[1] !== 0xff) return bytes.toString('latin1');
  return new TextDecoder('utf-16be').decode(bytes.subarray(2));
}

describe('renderPaymentReceiptPdf', () => {
  it('is a one-page PDF with the payment, its invoices and the total, accents and € included', async () => {
    const pdf = await renderPaymentReceiptPdf(receipt());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\n?$/);
    expect(pageCount(pdf)).toBe(1);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/); // A4

    const lines = textLines(pdf);
    const text = lines.join('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'Beaucouzé', 'Place de l’Église', '49070 Beaucouzé', 'Régie : Ville',
      'Reçu de paiement', 'BEA0000123',
      'mardi 2 décembre 2025 à 14:35 (heure de Paris)', // 13:35 UTC is 14:35 in Paris in winter
      'Amélie Lire', 'amelie@example.fr', "N° d'autorisation", 'A55123',
      'F2025-00041', 'Restauration scolaire', 'F2025-00042', 'Accueil périscolaire', 'novembre 2025',
      '10,00 €', '2,50 €', 'Total payé', '12,50 €', RECEIPT_PROOF_LINE,
    ]));
    // No-break spaces were printed as plain ones: none survives as a glyph Helvetica lacks.
    expect(text).not.toMatch(/[\u00a0\u202f]/);
  });

  it('sets the title, the commune as author and the payment time as creation date', async () => {
    const pdf = await renderPaymentReceiptPdf(receipt());
    expect(info(pdf, 'Title')).toBe('Reçu de paiement BEA0000123');
    expect(info(pdf, 'Author')).toBe('Beaucouzé');
    expect(info(pdf, 'CreationDate')).toBe('D:20251202133500Z');
  });

  it('leaves out the authorisation line when the provider gave none', async () => {
    const text = textLines(await renderPaymentReceiptPdf(receipt({ authorisation: null }))).join('\n');
    expect(text).not.toContain("N° d'autorisation");
    expect(text).toContain('BEA0000123');
  });

  it('groups thousands and wraps a long service name within its column', async () => {
    const long = 'Restauration scolaire – cantine élémentaire, repas du midi et goûter';
    const lines = textLines(await renderPaymentReceiptPdf(receipt({
      invoices: [{ number: 'F2025-00043', service: long, periodLabel: '1er trimestre 2026', amountCents: 123456 }],
      totalCents: 123456,
    })));
    expect(lines).toEqual(expect.arrayContaining(['1 234,56 €', '1er trimestre 2026']));
    expect(lines).not.toContain(long);
    // Wrapped lines keep their trailing space.
    expect(lines.map((line) => line.trim()).filter((line) => line && long.includes(line)).join(' ')).toBe(long);
  });

  it('goes on over more pages for a basket too long for one, the total on the last', async () => {
    const invoices = Array.from({ length: 60 }, (_, i) => ({
      number: `F2025-${String(i + 1).padStart(5, '0')}`, service: 'Accueil périscolaire',
      periodLabel: 'novembre 2025', amountCents: 250,
    }));
    const pdf = await renderPaymentReceiptPdf(receipt({ invoices, totalCents: 15000 }));
    expect(pageCount(pdf)).toBeGreaterThan(1);
    const pages = contentStreams(pdf);
    expect(pages).toHaveLength(pageCount(pdf));
    const lines = textLines(pdf);
    expect(lines.filter((line) => /^F2025-\d{5}$/.test(line))).toHaveLength(60);
    expect(lines).toContain('Reçu de paiement BEA0000123 (suite)');
    expect(lines.slice(-6)).toContain('150,00 €');
  });

  it('refuses a receipt whose total is not the sum of its invoices, or that has none', async () => {
    await expect(renderPaymentReceiptPdf(receipt({ totalCents: 1300 }))).rejects.toThrow(/total 1300 .* 1250/);
    await expect(renderPaymentReceiptPdf(receipt({ invoices: [], totalCents: 0 }))).rejects.toThrow(/sans facture/);
    await expect(renderPaymentReceiptPdf(receipt({ paidAt: new Date('x') }))).rejects.toThrow(/date de paiement/);
  });

  it('prints names from outside WinAnsi without garbling the line', async () => {
    const lines = textLines(await renderPaymentReceiptPdf(receipt({ payerName: 'Łukasz Wałęsa-Nguyễn 😀' })));
    expect(lines).toContain('Lukasz Walesa-Nguyen ?');
  });
});

describe('pdfText', () => {
  it.each([
    ['1\u202f234,56\u00a0€', '1 234,56 €'],
    ['Reçu à l’école, élève, ça', 'Reçu à l’école, élève, ça'],
    ['Ce\u0301cile', 'Cécile'], // decomposed accents are composed first
    ['Œuvre – «\u00a0ok\u00a0»', 'Œuvre – « ok »'],
    ['ligne\tavec\r\nretours', 'ligne avec retours'],
    ['Ōsaka Łódź', 'Osaka Lódz'],
    ['日本', '??'],
  ])('%j → %j', (input, expected) => {
    expect(pdfText(input)).toBe(expected);
  });
});

describe('formatEuros, as the receipt prints it', () => {
  it.each([
    [0, '0,00 €'],
    [5, '0,05 €'],
    [100, '1,00 €'],
    [1250, '12,50 €'],
    [123456, '1 234,56 €'],
    [123456789, '1 234 567,89 €'],
  ])('%d cents → %s', (cents, expected) => {
    expect(pdfText(formatEuros(cents))).toBe(expected);
  });

  it('uses no-break spaces, so an amount never wraps before its € sign', () => {
    expect(formatEuros(123456)).toBe('1\u00a0234,56\u00a0€');
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses %p', (cents) => {
    expect(() => formatEuros(cents)).toThrow(/Montant invalide/);
  });
});
