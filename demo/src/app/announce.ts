// One polite aria-live region for the page: verdicts, progress and run results are read out by
// screen readers. Repeated identical text is nudged so it is announced again.
let last = '';

export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = text === last ? `${text}\u00a0` : text;
  last = text;
}
