import type { Cell, ResultColumn } from '../api/types';
import { isNumericType } from '../lib/chart';
import { formatCell } from '../lib/format';
import { cellAt } from '../api/normalize';

/** A scrollable, accessible table of result rows. */
export function ResultTable({
  columns,
  rows,
  caption,
  maxHeight = 420,
  rowOffset,
}: {
  columns: ResultColumn[];
  rows: Cell[][];
  caption?: string;
  maxHeight?: number;
  /** show row numbers starting at this offset + 1 */
  rowOffset?: number;
}) {
  if (columns.length === 0) return <p className="text-sm text-slate-500">No columns.</p>;
  return (
    <div className="overflow-auto rounded-lg border border-slate-200" style={{ maxHeight }} tabIndex={0} role="region" aria-label={caption ?? 'Result table'}>
      <table className="min-w-full border-collapse text-sm">
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead className="sticky top-0 bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {rowOffset !== undefined && (
              <th scope="col" className="px-3 py-2 text-right font-semibold">
                #
              </th>
            )}
            {columns.map((c) => (
              <th key={c.name} scope="col" className={`whitespace-nowrap px-3 py-2 font-semibold ${isNumericType(c.type) ? 'text-right' : ''}`}>
                {c.name}
                <span className="ml-1 font-normal normal-case text-slate-400">{c.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length + (rowOffset !== undefined ? 1 : 0)} className="px-3 py-6 text-center text-slate-500">
                No rows.
              </td>
            </tr>
          )}
          {rows.map((r, i) => (
            <tr key={i} className="border-t border-slate-100 odd:bg-white even:bg-slate-50/60">
              {rowOffset !== undefined && <td className="px-3 py-1.5 text-right text-xs text-slate-400">{rowOffset + i + 1}</td>}
              {columns.map((c, j) => {
                const v = cellAt(r, j, c.name);
                return (
                  <td
                    key={c.name}
                    className={`whitespace-nowrap px-3 py-1.5 ${typeof v === 'number' ? 'text-right tabular-nums' : ''} ${v === null ? 'text-slate-400' : ''}`}
                  >
                    {formatCell(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
