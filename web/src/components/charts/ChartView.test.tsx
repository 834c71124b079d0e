import { render, screen } from '@testing-library/react';
import type { ResultData } from '../../api/types';
import { column, spec } from '../../test/fixtures';
import { ChartView } from './ChartView';

const result: ResultData = {
  columns: [
    column('city', 'string'),
    column('total_sales', 'float'),
  ],
  rows: [
    ['Naypyitaw', 110568.7065],
    ['Yangon', 106200.3705],
    ['Mandalay', 106197.672],
  ],
  row_count: 3,
  truncated: false,
};

describe('ChartView', () => {
  it('draws one bar per row for a bar spec', () => {
    const { container } = render(
      <ChartView width={600} height={300} spec={spec({ chart_type: 'bar', title: 'Sales by city', x_key: 'city', y_keys: ['total_sales'] })} result={result} />,
    );
    expect(screen.getByText('Sales by city')).toBeInTheDocument();
    expect(container.querySelector('[data-chart-type="bar"]')).not.toBeNull();
    expect(container.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(3);
  });

  it('renders a KPI card with the formatted value', () => {
    render(
      <ChartView
        spec={spec({ chart_type: 'kpi', y_keys: ['total'], label: 'Total revenue', number_format: 'currency' })}
        result={{ columns: [column('total', 'float')], rows: [[322966.749]] }}
      />,
    );
    expect(screen.getByTestId('kpi-value')).toHaveTextContent('$322,966.75');
    expect(screen.getByText('Total revenue')).toBeInTheDocument();
  });

  it('renders nothing for a table spec', () => {
    const { container } = render(<ChartView spec={spec({ chart_type: 'table' })} result={result} />);
    expect(container).toBeEmptyDOMElement();
  });
});
