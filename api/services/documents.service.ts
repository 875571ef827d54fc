// Uploaded supporting documents: a multipart form read as a stream (busboy), each file written
// under DOCUMENTS_DIR/<commune>/<yyyy>/<uuid> — never under the name the browser gave, which is
// kept, cleaned, as metadata only — with its sha256 computed on the way. The type is read from
// the first bytes, never from the name or the declared type. Any refusal removes every file the
// request wrote: nothing half-received stays on disk.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import busboy from 'busboy';
import type { DocumentDefinition, DocumentMimeType } from '../../domain/catalogue';
import { AppError, ForbiddenError, ValidationError } from '../errors';

/** A file received and stored; `storagePath` is relative to the documents folder. */
export interface StoredUpload {
  key: string;
  fileName: string;
  mimeType: DocumentMimeType;
  sizeBytes: number;
  sha256: string;
  storagePath: string;
}

export interface ReceivedForm {
  /** The form's other fields (last value wins; the CSRF token is left out). */
  fields: Record<string, string>;
  files: StoredUpload[];
}

export interface ReceiveOptions {
  communeSlug: string;
  /** The documents this form may carry, each as a file field `fichier_<key>`. */
  documents: readonly DocumentDefinition[];
  /** The session's CSRF token, which must be the form's first field (a form without script cannot
   * send a header, and the check has to come before any file is written). Null: already checked. */
  csrfToken: string | null;
}

export const FILE_FIELD_PREFIX = 'fichier_';
const MB = 1024 * 1024;
const MAX_FIELDS = 50;
const MAX_FIELD_BYTES = 8_000;
const MAX_NAME_LENGTH = 120;

const TYPE_LABELS: Record<DocumentMimeType, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
};

/** What the first bytes say the file is: a PDF, a JPEG or a PNG; anything else is null. */
export function sniffDocumentType(head: Buffer): DocumentMimeType | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (head.length >= 8 && head.subarray(0, 8).equals(png)) return 'image/png';
  return null;
}

/** «Seuls les fichiers PDF, JPEG ou PNG sont acceptés.» for the types given. */
export function acceptedTypesMessage(types: readonly DocumentMimeType[]): string {
  const labels = types.map((t) => TYPE_LABELS[t]);
  const list = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} ou ${labels[labels.length - 1]}` : labels[0];
  return `Seuls les fichiers ${list} sont acceptés.`;
}

const frenchMb = (mb: number) => String(mb).replace('.', ',');

/**
 * A browser sends the file's own name, never a path: a name with a folder in it is refused. What
 * is kept is for display only: no control characters, no leading dots, 120 characters at most.
 */
export function cleanFileName(raw: string): string | null {
  const name = raw.normalize('NFC');
  if (/[/\\]/.test(name) || name.split(/[/\\]/).includes('..') || name.includes('\0')) return null;
  const cleaned = [...name.replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/[<>:"|?*]/g, '_').replace(/^[.\s]+/, '').trim()];
  const kept = cleaned.slice(0, MAX_NAME_LENGTH).join('');
  return kept === '' ? 'document' : kept;
}

export class DocumentService {
  constructor(private readonly options: { dir: string; defaultMaxMb: number; now?: () => Date }) {}

  /** The largest size of a document, in MB: its own limit, or the portal's. */
  maxMbOf(doc: DocumentDefinition): number {
    return doc.maxSizeMb ?? this.options.defaultMaxMb;
  }

  /** Where a stored file is on disk (the path is ours, made of a commune slug, a year and a uuid). */
  absolutePath(storagePath: string): string {
    const full = storedDocumentPath(this.options.dir, storagePath);
    if (!full) throw new Error(`Chemin de pièce invalide : ${storagePath}`);
    return full;
  }

  /** Removes stored files (a replaced draft document, a refused request). */
  async discard(files: ReadonlyArray<{ storagePath: string }>): Promise<void> {
    await Promise.all(files.map((f) => rm(this.absolutePath(f.storagePath), { force: true })));
  }

  /**
   * Reads a multipart form, storing its files. Throws an AppError (4xx, French message, the
   * field's own message in `fields`) after removing every file written, when anything is refused.
   */
  receive(req: IncomingMessage, opts: ReceiveOptions): Promise<ReceivedForm> {
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      return Promise.reject(new AppError(415, 'unsupported_media_type', 'Le formulaire doit être envoyé en multipart/form-data.'));
    }
    const byField = new Map(opts.documents.map((d) => [`${FILE_FIELD_PREFIX}${d.key}`, d]));
    const largestMb = Math.max(this.options.defaultMaxMb, ...opts.documents.map((d) => this.maxMbOf(d)));
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // The name as the browser sent it: a path in it is refused, not silently cut.
        preservePath: true,
        limits: {
          fileSize: Math.ceil(largestMb * MB),
          files: Math.max(opts.documents.length, 1),
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          parts: MAX_FIELDS + opts.documents.length,
        },
      });
    } catch {
      return Promise.reject(new AppError(400, 'bad_request', "Le formulaire envoyé n'est pas lisible."));
    }

    const fields: Record<string, string> = {};
    const files: StoredUpload[] = [];
    const written: string[] = [];
    const pending: Promise<void>[] = [];
    const seenKeys = new Set<string>();
    let refusal: AppError | null = null;
    let csrfChecked = opts.csrfToken === null;
    let firstPart = true;
    const refuse = (err: AppError) => {
      refusal ??= err;
    };
    const checkCsrf = (name: string, value: string): void => {
      const expected = opts.csrfToken;
      if (expected === null) return;
      const ok = name === '_csrf' && value.length === expected.length && timingSafeEqual(Buffer.from(value), Buffer.from(expected));
      if (ok) csrfChecked = true;
      else refuse(new ForbiddenError('Le formulaire a expiré ou ne provient pas de ce site : rechargez la page et recommencez.', 'csrf'));
    };

    parser.on('field', (name, value, info) => {
      if (firstPart) checkCsrf(name, value);
      firstPart = false;
      if (info.valueTruncated) refuse(new ValidationError({ [name]: 'Ce champ est trop long.' }));
      if (name !== '_csrf') fields[name] = value;
    });
    parser.on('fieldsLimit', () => refuse(new AppError(413, 'too_many_fields', 'Le formulaire contient trop de champs.')));
    parser.on('partsLimit', () => refuse(new AppError(413, 'too_many_fields', 'Le formulaire contient trop de champs.')));
    parser.on('filesLimit', () =>
      refuse(new AppError(413, 'too_many_files', `Trop de fichiers : ${opts.documents.length} au plus pour cette démarche.`)),
    );

    parser.on('file', (name, stream, info) => {
      if (firstPart && opts.csrfToken !== null) checkCsrf(name, '');
      firstPart = false;
      const doc = byField.get(name);
      // An empty file input: the browser sends a part with no name and no content.
      if (info.filename === undefined || info.filename === '') {
        stream.resume();
        return;
      }
      const field = name;
      const fileName = cleanFileName(info.filename);
      if (!csrfChecked || refusal) return void stream.resume();
      if (!doc) {
        const message = "Cette pièce n'est pas demandée pour cette démarche.";
        refuse(new ValidationError({ [field]: message }, message));
        return void stream.resume();
      }
      if (seenKeys.has(doc.key)) {
        refuse(new AppError(413, 'too_many_files', `Un seul fichier par pièce : « ${doc.label} » en a reçu plusieurs.`, {
          [field]: 'Un seul fichier par pièce.',
        }));
        return void stream.resume();
      }
      seenKeys.add(doc.key);
      if (fileName === null) {
        const message = `Le nom du fichier « ${info.filename.slice(0, 80)} » contient un chemin de dossier : renommez le fichier et recommencez.`;
        refuse(new ValidationError({ [field]: message }, message));
        return void stream.resume();
      }
      pending.push(this.store(stream, doc, fileName, opts.communeSlug, written).then(
        (stored) => void files.push(stored),
        (err: unknown) => {
          if (err instanceof AppError) refuse(err);
          else refuse(new AppError(500, 'storage', "Le fichier n'a pas pu être enregistré. Réessayez."));
        },
      ));
    });

    return new Promise<ReceivedForm>((resolve, reject) => {
      let settled = false;
      const finish = async (err?: unknown) => {
        if (settled) return;
        settled = true;
        await Promise.allSettled(pending);
        if (err && !refusal) refuse(new AppError(400, 'bad_request', "Le formulaire n'a pas été reçu en entier. Réessayez."));
        if (!refusal && !csrfChecked) checkCsrf('', '');
        if (refusal) {
          await this.discard(written.map((storagePath) => ({ storagePath })));
          reject(refusal);
        } else resolve({ fields, files });
      };
      parser.on('close', () => void finish());
      parser.on('error', (err) => void finish(err));
      req.on('aborted', () => void finish(new Error('aborted')));
      req.pipe(parser);
    });
  }

  /** Writes one file, hashing and checking it as it comes; the partial file is left for `discard`. */
  private store(
    stream: NodeJS.ReadableStream & { truncated?: boolean },
    doc: DocumentDefinition,
    fileName: string,
    communeSlug: string,
    written: string[],
  ): Promise<StoredUpload> {
    const maxMb = this.maxMbOf(doc);
    const limit = Math.floor(maxMb * MB);
    const field = `${FILE_FIELD_PREFIX}${doc.key}`;
    const year = String((this.options.now?.() ?? new Date()).getFullYear());
    const storagePath = path.posix.join(communeSlug, year, randomUUID());
    const full = this.absolutePath(storagePath);
    written.push(storagePath);

    return new Promise<StoredUpload>((resolve, reject) => {
      const hash = createHash('sha256');
      const head: Buffer[] = [];
      let headBytes = 0;
      let size = 0;
      let failure: AppError | null = null;
      let out: WriteStream | null = null;
      const fail = (err: AppError) => {
        failure ??= err;
        out?.destroy();
        stream.resume();
      };
      const tooBig = () => {
        const message = `Le fichier dépasse ${frenchMb(maxMb)} Mo.`;
        fail(new AppError(413, 'too_large', `« ${doc.label} » : ${message}`, { [field]: message }));
      };

      mkdir(path.dirname(full), { recursive: true }).then(
        () => {
          out = createWriteStream(full, { flags: 'wx' });
          out.on('error', () => fail(new AppError(500, 'storage', "Le fichier n'a pas pu être enregistré.")));
          stream.on('data', (chunk: Buffer) => {
            if (failure) return;
            size += chunk.length;
            if (size > limit) return tooBig();
            if (headBytes < 8) {
              head.push(chunk);
              headBytes += chunk.length;
            }
            hash.update(chunk);
            if (out && !out.write(chunk)) {
              stream.pause();
              out.once('drain', () => stream.resume());
            }
          });
          stream.on('limit', tooBig);
          // A refused file is rejected once its stream is closed, so that `discard` finds it on disk.
          const rejectClosed = (err: AppError) => {
            const o = out as WriteStream | null;
            if (o && !o.closed) {
              o.once('close', () => reject(err));
              o.destroy();
            } else reject(err);
          };
          stream.on('end', () => {
            if (failure) return rejectClosed(failure);
            const type = sniffDocumentType(Buffer.concat(head));
            let refusal: AppError | null = null;
            if (size === 0) {
              const message = `Le fichier « ${fileName} » est vide.`;
              refusal = new ValidationError({ [field]: message }, message);
            } else if (!type || !doc.acceptedTypes.includes(type)) {
              const message = acceptedTypesMessage(doc.acceptedTypes);
              refusal = new ValidationError({ [field]: message }, `« ${doc.label} » : ${message}`);
            }
            if (refusal) return rejectClosed(refusal);
            out?.end(() =>
              resolve({
                key: doc.key,
                fileName,
                mimeType: type as DocumentMimeType,
                sizeBytes: size,
                sha256: hash.digest('hex'),
                storagePath,
              }),
            );
          });
          stream.on('error', () => fail(new AppError(400, 'bad_request', "Le fichier n'a pas été reçu en entier.")));
        },
        () => {
          stream.resume();
          reject(new AppError(500, 'storage', "Le dossier des pièces n'est pas accessible."));
        },
      );
    });
  }
}

/** Where a stored document lives, or null when its recorded path would leave the documents folder. */
export function storedDocumentPath(dir: string, storagePath: string): string | null {
  const root = path.resolve(dir);
  const full = path.resolve(root, storagePath);
  return full.startsWith(root + path.sep) ? full : null;
}
