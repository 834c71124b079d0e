import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import Landing from './Landing';

it('explains the product and offers sign up, log in and the demo account', () => {
  render(
    <MemoryRouter>
      <Landing />
    </MemoryRouter>,
  );
  expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(/AI data analyst/);
  expect(screen.getAllByRole('link', { name: /sign up|create a free account/i })[0]).toHaveAttribute('href', '/register');
  expect(screen.getAllByRole('link', { name: /log in/i })[0]).toHaveAttribute('href', '/login');
  expect(screen.getByText(/demo@insightiq.local/)).toBeInTheDocument();
  expect(screen.getByText(/Demo-pass-2024!/)).toBeInTheDocument();
});
