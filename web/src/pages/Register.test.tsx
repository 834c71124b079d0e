import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import Register from './Register';

vi.mock('../api/auth', () => ({
  register: vi.fn(),
  login: vi.fn(),
}));
import * as auth from '../api/auth';

function setup() {
  render(
    <MemoryRouter>
      <Register />
    </MemoryRouter>,
  );
  return userEvent.setup();
}

describe('Register', () => {
  it('ticks password rules off live as they are met', async () => {
    const user = setup();
    const checklist = screen.getByRole('list', { name: /password requirements/i });
    expect(checklist.querySelectorAll('.text-green-700')).toHaveLength(0);
    await user.type(screen.getByLabelText('Password'), 'abc');
    expect(screen.getByText('A lowercase letter').closest('li')).toHaveClass('text-green-700');
    expect(screen.getByText('An uppercase letter').closest('li')).not.toHaveClass('text-green-700');
    await user.type(screen.getByLabelText('Password'), 'DEF12!');
    expect(checklist.querySelectorAll('.text-green-700')).toHaveLength(5);
  });

  it('does not submit an invalid form and says what is wrong', async () => {
    const user = setup();
    await user.type(screen.getByLabelText('Email'), 'nope');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(auth.register).not.toHaveBeenCalled();
    expect(screen.getByText('Enter your name.')).toBeInTheDocument();
    expect(screen.getByText('Enter a valid email address.')).toBeInTheDocument();
    expect(screen.getByText(/does not meet every requirement/)).toBeInTheDocument();
  });

  it('shows the API error message when registration fails', async () => {
    vi.mocked(auth.register).mockRejectedValueOnce(
      Object.assign(new Error('x'), { isAxiosError: true, response: { status: 409, data: { error: { code: 'email_taken', message: 'That email is already registered.' } } } }),
    );
    const user = setup();
    await user.type(screen.getByLabelText('Full name'), 'Ada Lovelace');
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'Abcdef1!');
    await user.type(screen.getByLabelText('Confirm password'), 'Abcdef1!');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That email is already registered.');
    expect(auth.register).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'Abcdef1!', full_name: 'Ada Lovelace' });
  });
});
