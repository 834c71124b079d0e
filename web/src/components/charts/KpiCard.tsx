import type { ChartSpec, ResultData } from '../../api/types';
import { kpiValue } from '../../lib/chart';
import { formatCell, formatValue } from '../../lib/format';

export function KpiCard({ spec, result }: { spec: ChartSpec; result: Pick<ResultData, 'columns' | 'rows'> }) {
  const { label, value, raw } = kpiValue(spec, result);
  return (
    <div className="rounded-xl bg-gradient-to-br from-brand-50 to-white p-6" data-chart-type="kpi">
      <div className="text-sm font-medium capitalize text-slate-600">{label.replace(/_/g, ' ')}</div>
      <div className="mt-1 break-words text-4xl font-bold tracking-tight text-slate-900" data-testid="kpi-value">
        {value === null ? formatCell(raw) : formatValue(value, spec.number_format ?? 'number')}
      </div>
    </div>
  );
}
