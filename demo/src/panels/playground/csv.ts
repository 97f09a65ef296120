// Reading a two-feature CSV (x1,x2,label per line) into own points. A header line is skipped;
// labels may be class numbers 0–7 or any names (sorted names become classes 0, 1, …). A file
// with any bad row is refused whole, and the message names the lines and what is wrong there.
import type { OwnPoint } from './config.js';

export const CSV_MAX_ROWS = 2000;
export const CSV_MAX_CLASSES = 8;

export type CsvResult = { ok: true; points: OwnPoint[]; classes: string[] } | { ok: false; error: string };

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

export function parseCsv(text: string): CsvResult {
  const rows: { line: number; x: number; y: number; label: string }[] = [];
  const bad: string[] = [];
  let sawData = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const fields = raw.split(/[,;\t]/).map((f) => f.trim());
    // The first line is a header when its features are not numbers.
    if (!sawData && !isNumber(fields[0] ?? '') && !isNumber(fields[1] ?? '')) { sawData = true; return; }
    sawData = true;
    if (fields.length !== 3) return void bad.push(`line ${line}: expected 3 values (x1,x2,label), found ${fields.length}`);
    const [a, b, label] = fields;
    if (!isNumber(a)) return void bad.push(`line ${line}: x1 is "${a}", not a number`);
    if (!isNumber(b)) return void bad.push(`line ${line}: x2 is "${b}", not a number`);
    if (label === '') return void bad.push(`line ${line}: the label is empty`);
    rows.push({ line, x: Number(a), y: Number(b), label });
  });
  if (bad.length) {
    const more = bad.length > 5 ? ` (and ${bad.length - 5} more bad lines)` : '';
    return { ok: false, error: `The CSV was not loaded: ${bad.slice(0, 5).join('; ')}${more}.` };
  }
  if (rows.length < 2) return { ok: false, error: 'The CSV was not loaded: it needs at least two rows of x1,x2,label.' };
  if (rows.length > CSV_MAX_ROWS) return { ok: false, error: `The CSV was not loaded: ${rows.length} rows, at most ${CSV_MAX_ROWS} fit in a shareable link.` };
  const names = [...new Set(rows.map((r) => r.label))];
  const numeric = names.every((n) => /^\d+$/.test(n) && Number(n) < CSV_MAX_CLASSES);
  if (!numeric && names.length > CSV_MAX_CLASSES) return { ok: false, error: `The CSV was not loaded: ${names.length} different labels, at most ${CSV_MAX_CLASSES} classes.` };
  const classes = numeric ? names.sort((p, q) => Number(p) - Number(q)) : names.sort();
  const index = (label: string) => (numeric ? Number(label) : classes.indexOf(label));
  return { ok: true, classes, points: rows.map((r) => ({ x: r.x, y: r.y, label: index(r.label) })) };
}
