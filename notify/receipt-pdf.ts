// The payment receipt a resident gets by mail once the provider confirms a payment: one A4 page
// (more only for a basket too long for one) with the commune, the régie, the payment and its invoices.
// pdfkit's standard Helvetica needs no font file, but it only knows the WinAnsi characters: every
// text goes through pdfText first (no-break spaces become spaces, an unknown letter loses its accent).
import PDFDocument from 'pdfkit';
import { formatParisDateTime } from '../domain/dates';
import { formatEuros } from '../domain/money';

export interface ReceiptInvoice {
  number: string;
  service: string;
  periodLabel: string;
  amountCents: number;
}

export interface PaymentReceiptData {
  communeName: string;
  /** Postal address, one line per line break. */
  communeAddress: string;
  regieName: string;
  /** Our payment reference, as sent to the provider. */
  reference: string;
  paidAt: Date;
  payerName: string;
  payerEmail: string;
  invoices: ReceiptInvoice[];
  totalCents: number;
  /** The card authorisation number the provider returned, when it gives one. */
  authorisation: string | null;
}

export const RECEIPT_TITLE = 'Reçu de paiement';
export const RECEIPT_PROOF_LINE = 'Ce reçu vaut justificatif de paiement.';

// Unicode code points of the WinAnsi bytes 0x80–0x9F (€, typographic quotes, œ…).
const WIN_ANSI_EXTRAS = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x017e, 0x0178,
]);

// Letters with no WinAnsi form and no decomposition to a base letter.
const PLAIN_LETTERS: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i' };

function inWinAnsi(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(code);
}

/** Text Helvetica can print: spaces of every kind become plain ones, «ő» becomes «o», «Ł» becomes «L», an emoji «?». */
export function pdfText(text: string): string {
  return Array.from(text.normalize('NFC').replace(/[\s\u00a0\u202f\u2007\u2009]+/g, ' '))
    .map((char) => {
      if (inWinAnsi(char)) return char;
      if (PLAIN_LETTERS[char]) return PLAIN_LETTERS[char];
      const base = char.normalize('NFD').charAt(0);
      return base !== char && inWinAnsi(base) ? base : '?';
    })
    .join('');
}

function checkData(data: PaymentReceiptData): void {
  if (data.invoices.length === 0) throw new Error(`Reçu ${data.reference} sans facture`);
  if (Number.isNaN(data.paidAt.getTime())) throw new Error(`Reçu ${data.reference} : date de paiement invalide`);
  // A receipt that contradicts itself is worse than a late one: the caller has a bug to fix.
  const sum = data.invoices.reduce((total, invoice) => total + invoice.amountCents, 0);
  if (sum !== data.totalCents) {
    throw new Error(`Reçu ${data.reference} : total ${data.totalCents} différent de la somme des factures ${sum}`);
  }
}

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const GREY = '#555555';
const RULE = '#999999';

/** Columns of the invoice table: widths add up to the A4 text width (595.28 − 2 × 50). */
const COLUMNS = [
  { title: 'Facture', width: 95, align: 'left' as const },
  { title: 'Service', width: 180, align: 'left' as const },
  { title: 'Période', width: 130, align: 'left' as const },
  { title: 'Montant', width: 90.28, align: 'right' as const },
];
const CELL_PADDING = 4;

export async function renderPaymentReceiptPdf(data: PaymentReceiptData): Promise<Buffer> {
  checkData(data);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      // Metadata strings are UTF-16 in the file: no need for pdfText there.
      Title: `${RECEIPT_TITLE} ${data.reference}`,
      Author: data.communeName,
      Subject: `Paiement de factures – ${data.regieName}`,
      CreationDate: data.paidAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN;
  const rule = (y: number) => {
    doc.moveTo(left, y).lineTo(left + width, y).lineWidth(0.5).strokeColor(RULE).stroke();
  };

  // Who issues the receipt.
  doc.font(BOLD).fontSize(16).fillColor('black').text(pdfText(data.communeName), left, MARGIN, { width });
  doc.font(FONT).fontSize(10).fillColor(GREY);
  for (const line of data.communeAddress.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    doc.text(pdfText(line), { width });
  }
  doc.text(pdfText(`Régie : ${data.regieName}`), { width });
  rule(doc.y + 10);

  doc.font(BOLD).fontSize(20).fillColor('black').text(RECEIPT_TITLE, left, doc.y + 24, { width });
  doc.moveDown(0.8);

  // The payment itself.
  const details: Array<[string, string]> = [
    ['Référence du paiement', data.reference],
    ['Date du paiement', `${formatParisDateTime(data.paidAt)} (heure de Paris)`],
    ['Payé par', data.payerName],
    ['Courriel', data.payerEmail],
  ];
  if (data.authorisation) details.push(["N° d'autorisation", data.authorisation]);
  const labelWidth = 150;
  doc.fontSize(11);
  for (const [label, value] of details) {
    const y = doc.y;
    doc.font(BOLD).text(pdfText(label), left, y, { width: labelWidth });
    const afterLabel = doc.y;
    doc.font(FONT).text(pdfText(value), left + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(doc.y, afterLabel) + 4;
  }

  // The invoices it paid.
  doc.y += 14;
  const cellHeight = (texts: string[], font: string) => {
    doc.font(font).fontSize(10);
    return Math.max(...texts.map((text, i) => doc.heightOfString(text, { width: COLUMNS[i].width - 2 * CELL_PADDING })));
  };
  const drawRow = (texts: string[], font: string, height: number) => {
    const y = doc.y;
    let x = left;
    doc.font(font).fontSize(10).fillColor('black');
    texts.forEach((text, i) => {
      const column = COLUMNS[i];
      doc.text(text, x + CELL_PADDING, y + CELL_PADDING, { width: column.width - 2 * CELL_PADDING, align: column.align });
      x += column.width;
    });
    doc.y = y + height + 2 * CELL_PADDING;
    rule(doc.y);
  };
  const header = COLUMNS.map((column) => pdfText(column.title));
  const headerHeight = cellHeight(header, BOLD);
  drawRow(header, BOLD, headerHeight);
  data.invoices.forEach((invoice, index) => {
    const cells = [invoice.number, invoice.service, invoice.periodLabel, formatEuros(invoice.amountCents)].map(pdfText);
    const height = cellHeight(cells, FONT);
    // A basket too long for the page goes on with the header repeated; the last invoice keeps room
    // for the total and the closing lines, so that the total never stands alone on a page.
    const room = index === data.invoices.length - 1 ? 90 : 0;
    if (doc.y + height + 2 * CELL_PADDING > bottom() - room) {
      doc.addPage();
      doc.font(FONT).fontSize(9).fillColor(GREY)
        .text(pdfText(`${RECEIPT_TITLE} ${data.reference} (suite)`), left, MARGIN, { width });
      doc.y += 8;
      drawRow(header, BOLD, headerHeight);
    }
    drawRow(cells, FONT, height);
  });

  // The total, on the amount column's right edge.
  const totalY = doc.y + 8;
  doc.font(BOLD).fontSize(12).fillColor('black');
  doc.text('Total payé', left + CELL_PADDING, totalY, { width: width - COLUMNS[3].width });
  doc.text(pdfText(formatEuros(data.totalCents)), left + width - COLUMNS[3].width, totalY, {
    width: COLUMNS[3].width - CELL_PADDING,
    align: 'right',
  });

  doc.font(FONT).fontSize(11).text(RECEIPT_PROOF_LINE, left, doc.y + 28, { width });
  doc.fontSize(9).fillColor(GREY).text(
    pdfText(`Paiement reçu par ${data.communeName} pour la régie ${data.regieName}.`),
    left,
    doc.y + 6,
    { width },
  );

  doc.end();
  return done;
}
