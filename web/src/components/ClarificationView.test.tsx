import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ClarificationView } from './ClarificationView';

it('offers the suggestions as buttons that ask them', async () => {
  const onPick = vi.fn();
  render(<ClarificationView message="Which column is “revenue”?" suggestions={['total Total by City', 'total Quantity by City']} onPick={onPick} />);
  expect(screen.getByText('Which column is “revenue”?')).toBeInTheDocument();
  await userEvent.click(screen.getByRole('button', { name: 'total Quantity by City' }));
  expect(onPick).toHaveBeenCalledWith('total Quantity by City');
});

it('offers to ask the AI only when it can', async () => {
  const onAskAi = vi.fn();
  const { rerender } = render(<ClarificationView message="Which column?" suggestions={[]} onPick={() => {}} />);
  expect(screen.queryByRole('button', { name: 'Ask the AI' })).not.toBeInTheDocument();
  rerender(<ClarificationView message="Which column?" suggestions={[]} onPick={() => {}} onAskAi={onAskAi} />);
  await userEvent.click(screen.getByRole('button', { name: 'Ask the AI' }));
  expect(onAskAi).toHaveBeenCalledOnce();
});
