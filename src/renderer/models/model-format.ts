/** Short forms of the GGUF facts and download pace, sized for a table cell. */

/** 1_100_048_384 → "1.1B"; 620_000 → "620K". */
export function formatParams(count: number | undefined): string {
  if (count === undefined || !Number.isFinite(count) || count <= 0) return '—';
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (count >= size) return `${trim(count / size)}${unit}`;
  }
  return String(count);
}

/** Tokens of context: 2048 → "2K", 131072 → "128K", 1000 → "1000". */
export function formatContext(tokens: number | undefined): string {
  if (tokens === undefined || !Number.isFinite(tokens) || tokens <= 0) return '—';
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  return String(tokens);
}

/** Seconds left: "8 s", "2 min 05 s", "1 h 12 min"; null (no rate yet) → "—". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return '—';
  }
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h ${String(minutes).padStart(2, '0')} min`;
}

/** One decimal below 10, none above: "1.1", "12". */
function trim(value: number): string {
  return value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
}

/** llama.cpp's file type names carry a prefix nobody reads: "MOSTLY_Q4_K_M" → "Q4_K_M". */
export function formatQuant(fileType: string | undefined): string | null {
  if (!fileType) return null;
  return fileType.replace(/^(ALL|MOSTLY)_/, '');
}
