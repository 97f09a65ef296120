// Reads a classification dataset from a CSV file: a header row, a `label` column and
// numeric feature columns. Errors name the file, line and column of the bad value.
import { readText } from './read-text.js';
import { DataError } from '../errors.js';
import { describe } from '../util/describe.js';
import type { Float32Matrix } from '../data/preprocess.js';

/** Name of the column that holds the class of each row. */
export const LABEL_COLUMN = 'label';

/** A dataset read from CSV. */
export interface CsvDataset {
  x: Float32Matrix;
  y: Int32Array;
  classes: number;
  /** Names of the feature columns, in order. */
  features: string[];
  /**
   * Name of each class when the labels are not all non-negative integers: names are
   * sorted and numbered from 0. Undefined when the labels are already class indices.
   */
  labelNames?: string[];
}

/** Reads and parses `path`; see `parseCsv`. */
export async function readCsv(path: string, o: { labelOptional?: boolean } = {}): Promise<CsvDataset> {
  return parseCsv(await readText(path), path, o);
}

/**
 * Parses CSV text: comma-separated, first row the header, `"`-quoted fields allowed (no
 * line breaks inside them), blank lines skipped. The `label` column holds the class of each
 * row: either non-negative integers (used as class indices, classes = max + 1) or names
 * (numbered in sorted order). Every other column must hold finite numbers. Column names
 * must be unique (so there is one `label` column).
 *
 * @param source the file name, for error messages.
 * @throws DataError naming the line and column of the first bad value.
 */
export function parseCsv(text: string, source = 'csv', o: { labelOptional?: boolean } = {}): CsvDataset {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines.findIndex((l) => l.trim() !== '');
  if (headerLine < 0) throw new DataError(`${source} is empty: it needs a header row and data rows`, source, text.length);
  const header = splitFields(lines[headerLine], source, headerLine + 1).map((h) => h.trim());
  // A repeated name (a second "label" above all) would silently train on one as a feature.
  const twice = header.findIndex((h, i) => header.indexOf(h) !== i);
  if (twice >= 0) {
    const name = header[twice];
    throw new DataError(`${source}:${headerLine + 1}: column "${name}" appears twice in the header (columns ${header.indexOf(name) + 1} and ${twice + 1}); column names must be unique`, `${source}:${headerLine + 1}:${twice + 1}`, name);
  }
  const labelAt = header.indexOf(LABEL_COLUMN);
  if (labelAt < 0 && !o.labelOptional) {
    throw new DataError(`${source}:${headerLine + 1}: no "${LABEL_COLUMN}" column in the header ${describe(header)}`, `${source}:${headerLine + 1}`, header);
  }
  const features = header.filter((_, i) => i !== labelAt);
  if (features.length === 0) throw new DataError(`${source}: no feature columns besides "${LABEL_COLUMN}"`, source, header);

  const values: number[] = [];
  const labels: string[] = [];
  let rows = 0;
  for (let i = headerLine + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const line = i + 1;
    const fields = splitFields(lines[i], source, line);
    rows++;
    if (fields.length !== header.length) {
      throw new DataError(`${source}:${line}: expected ${header.length} fields like the header, got ${fields.length}`, `${source}:${line}`, fields.length);
    }
    for (let c = 0; c < fields.length; c++) {
      const field = fields[c].trim();
      if (c === labelAt) {
        if (field === '') throw new DataError(`${source}:${line}: column "${LABEL_COLUMN}" is empty`, `${source}:${line}:${c + 1}`, field);
        labels.push(field);
        continue;
      }
      // Number('') is 0 and Number('0x1f') is 31: accept plain decimal notation only.
      const v = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(field) ? Number(field) : NaN;
      if (!Number.isFinite(v)) {
        throw new DataError(`${source}:${line}: column "${header[c]}" (${c + 1}) must be a finite number, got ${describe(field)}`, `${source}:${line}:${c + 1}`, field);
      }
      values.push(v);
    }
  }
  if (rows === 0) throw new DataError(`${source} has a header but no data rows`, source, 0);
  const x = { data: Float32Array.from(values), shape: [rows, features.length] as [number, number] };
  // Without a label column (labelOptional: rows to predict), y is empty.
  if (labelAt < 0) return { x, y: new Int32Array(0), classes: 0, features };
  const { y, classes, labelNames } = encodeLabels(labels);
  return { x, y, classes, features, labelNames };
}

function encodeLabels(labels: string[]): { y: Int32Array; classes: number; labelNames?: string[] } {
  if (labels.every((l) => /^\d+$/.test(l) && Number(l) < 1e6)) {
    const y = Int32Array.from(labels, Number);
    return { y, classes: y.reduce((m, v) => Math.max(m, v), 0) + 1 };
  }
  const names = [...new Set(labels)].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  return { y: Int32Array.from(labels, (l) => index.get(l)!), classes: names.length, labelNames: names };
}

/** Splits one line into fields; `"a,b"` is one field and `""` inside quotes is a quote. */
function splitFields(line: string, source: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  if (quoted) throw new DataError(`${source}:${lineNumber}: unterminated quoted field`, `${source}:${lineNumber}`, line);
  fields.push(field);
  return fields;
}
