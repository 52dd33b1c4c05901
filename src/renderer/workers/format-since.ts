/** "just now", "3 min ago", "2 h ago", "4 d ago": how long a worker has been up, coarse on purpose. */
export function formatSince(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return '—';
  // Host clocks drift a little from this one: a start "in the future" is just now.
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
