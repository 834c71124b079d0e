import type { NumberFormat } from '../api/types';

export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US');
}

/** Format a value per a ChartSpec number_format. Non-numbers are returned as text. */
export function formatValue(v: unknown, fmt: NumberFormat = 'number', compact = false): string {
  if (v === null || v === undefined) return '—';
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v)) ? Number(v) : NaN;
  if (!Number.isFinite(n)) return String(v);
  const opts: Intl.NumberFormatOptions = compact ? { notation: 'compact', maximumFractionDigits: 1 } : {};
  switch (fmt) {
    case 'integer':
      return n.toLocaleString('en-US', { maximumFractionDigits: 0, ...opts });
    case 'currency':
      return n.toLocaleString('en-US', {
        style: 'currency',
        currency: 'USD',
        maximumFractionDigits: compact ? 1 : 2,
        minimumFractionDigits: compact ? 0 : 2,
        ...opts,
      });
    case 'percent': {
      // Values in 0..1 are fractions; larger ones are already percentages.
      const pct = Math.abs(n) <= 1 ? n * 100 : n;
      return `${pct.toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
    }
    default:
      return n.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(n) ? 0 : 2, ...opts });
  }
}

/** Render a cell of a result table. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatDate(s: string | null | undefined): string {
  if (!s) return '—';
  const d = new Date(s);
  if (isNaN(d.getTime())) return s;
  return d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

export function timeAgo(s: string | null | undefined, now = Date.now()): string {
  if (!s) return '—';
  const t = new Date(s).getTime();
  if (isNaN(t)) return s;
  const sec = Math.round((now - t) / 1000);
  if (sec < 45) return 'just now';
  const min = Math.round(sec / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} d ago`;
  return formatDate(s);
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Whether every value is an ISO date or date-time (an axis of periods). */
export function isTimeAxis(values: unknown[]): boolean {
  return values.length > 0 && values.every((v) => typeof v === 'string' && ISO_DATE_TIME.test(v));
}

/**
 * An ISO period start as an axis label: `Mar 2025` when every value is the first of a
 * month at midnight, `2025-03-14` for days, the time only when it is not midnight.
 */
export function formatPeriod(v: unknown, monthly: boolean): string {
  const m = typeof v === 'string' ? ISO_DATE_TIME.exec(v) : null;
  if (!m) return String(v ?? '');
  const [, y, mo, d, h, mi] = m;
  if (monthly) return `${MONTHS[Number(mo) - 1]} ${y}`;
  const midnight = !h || (h === '00' && mi === '00');
  return midnight ? `${y}-${mo}-${d}` : `${y}-${mo}-${d} ${h}:${mi}`;
}

/** Whether every value is the first of a month at midnight. */
export function isMonthly(values: unknown[]): boolean {
  return values.every((v) => {
    const m = typeof v === 'string' ? ISO_DATE_TIME.exec(v) : null;
    return !!m && m[3] === '01' && (!m[4] || (m[4] === '00' && m[5] === '00'));
  });
}
