import { formatBytes, formatPeriod, formatValue, isMonthly, isTimeAxis } from './format';

describe('formatValue', () => {
  it('formats per number_format', () => {
    expect(formatValue(1234.5, 'currency')).toBe('$1,234.50');
    expect(formatValue(1234.567, 'number')).toBe('1,234.57');
    expect(formatValue(1234.6, 'integer')).toBe('1,235');
    expect(formatValue(0.125, 'percent')).toBe('12.5%');
    expect(formatValue(null)).toBe('—');
    expect(formatValue('Yangon')).toBe('Yangon');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(10 * 1024 ** 3)).toBe('10 GB');
  });
});

it('labels period axes as months or days', () => {
  const months = ['2025-03-01T00:00:00', '2025-04-01T00:00:00'];
  expect(isTimeAxis(months)).toBe(true);
  expect(isMonthly(months)).toBe(true);
  expect(formatPeriod(months[0], true)).toBe('Mar 2025');
  expect(isMonthly(['2025-03-14', '2025-03-15'])).toBe(false);
  expect(formatPeriod('2025-03-14T00:00:00', false)).toBe('2025-03-14');
  expect(formatPeriod('2025-03-14T09:30:00', false)).toBe('2025-03-14 09:30');
  expect(isTimeAxis(['North', 'South'])).toBe(false);
});
