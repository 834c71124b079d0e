import { render, screen } from '@testing-library/react';
import { AiTrace } from './AiTrace';

const trace = {
  model: 'qwen2.5-coder-1.5b-instruct',
  explanation: 'Revenue per city, highest first.',
  assumptions: ['revenue means the Total column'],
  prompt_tokens: 1027,
  completion_tokens: 94,
  attempts: 2,
};

it('shows the explanation, model, attempts, tokens and assumptions', () => {
  render(<AiTrace trace={trace} />);
  expect(screen.getByText('Revenue per city, highest first.')).toBeInTheDocument();
  const chips = screen.getByRole('list', { name: 'Interpretation' });
  expect(chips).toHaveTextContent('engine: AI · qwen2.5-coder-1.5b-instruct');
  expect(chips).toHaveTextContent('2 attempts');
  expect(chips).toHaveTextContent('1,121 tokens (1,027 in, 94 out)');
  expect(chips).toHaveTextContent('assumed revenue means the Total column');
});

it('says when a remembered answer cost nothing', () => {
  render(<AiTrace trace={{ ...trace, attempts: 0, prompt_tokens: 0, completion_tokens: 0, assumptions: [] }} />);
  const chips = screen.getByRole('list', { name: 'Interpretation' });
  expect(chips).toHaveTextContent('reused the earlier answer (no tokens)');
  expect(chips).not.toHaveTextContent('tokens (');
});
