// Okabe & Ito's colour-blind-safe palette: every series, class and path colour comes from here,
// so no two things a reader must tell apart differ only by red against green.
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  sky: '#56B4E9',
  purple: '#CC79A7',
  yellow: '#F0E442',
  black: '#000000',
} as const;

/** Series in order: first the two most distinct. */
export const SERIES = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.vermillion, PALETTE.purple, PALETTE.sky, PALETTE.yellow, PALETTE.black];

/** Class colours as [r, g, b] for heatmaps (class k → SERIES[k]). */
export function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
