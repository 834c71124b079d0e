import { formatBytes, formatValue } from './format';

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
