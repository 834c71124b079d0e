import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { RecentActivity } from './RecentActivity';

it('links activity to the app pages and shows an empty state', () => {
  const { rerender } = render(
    <MemoryRouter>
      <RecentActivity
        items={[
          { kind: 'query', title: 'total sales by city', link: '/queries/q1', created_at: new Date().toISOString() },
          { kind: 'upload', title: 'Uploaded sales.csv', link: '/data-sources/d1', created_at: new Date().toISOString() },
        ]}
      />
    </MemoryRouter>,
  );
  expect(screen.getByRole('link', { name: 'total sales by city' })).toHaveAttribute('href', '/analysis?query=q1');
  expect(screen.getByRole('link', { name: 'Uploaded sales.csv' })).toHaveAttribute('href', '/data-sources/d1');
  rerender(
    <MemoryRouter>
      <RecentActivity items={[]} />
    </MemoryRouter>,
  );
  expect(screen.getByText(/Nothing yet/)).toBeInTheDocument();
});
