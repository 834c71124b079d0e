import { BarChart3, Code2, FileSpreadsheet, Lock, MessageSquareText, Sparkles } from 'lucide-react';
import { Link } from 'react-router-dom';
import { Logo } from '../components/Logo';
import { useAuth } from '../store/auth';

export const DEMO_EMAIL = 'demo@insightiq.local';
export const DEMO_PASSWORD = 'Demo-pass-2024!';

const features = [
  { icon: FileSpreadsheet, title: 'Bring your data', text: 'Upload CSV, Excel or JSON files, or connect Google Sheets, REST APIs and SQL databases.' },
  { icon: MessageSquareText, title: 'Ask in plain English', text: '“Total revenue last quarter”, “monthly sales by region” — answered in milliseconds, offline.' },
  { icon: Code2, title: 'See the work', text: 'Every answer shows the SQL that produced it, how the question was read, and a confidence.' },
  { icon: BarChart3, title: 'Charts that fit', text: 'KPI cards, line, bar and pie charts picked for the result. Save them, export CSV or Excel.' },
  { icon: Sparkles, title: 'Automatic insights', text: 'Column profiles, outliers, trends and top values for every dataset you add.' },
  { icon: Lock, title: 'Self-hosted', text: 'One program on your machine. No data leaves it unless you connect an LLM yourself.' },
];

export default function Landing() {
  const signedIn = useAuth((s) => s.status === 'authenticated');
  return (
    <div className="min-h-screen bg-gradient-to-b from-white to-slate-100">
      <header className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-4 sm:px-6">
        <Logo />
        <nav aria-label="Account" className="flex items-center gap-2">
          {signedIn ? (
            <Link to="/dashboard" className="btn-primary">
              Open dashboard
            </Link>
          ) : (
            <>
              <Link to="/login" className="btn-ghost">
                Log in
              </Link>
              <Link to="/register" className="btn-primary">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </header>

      <main>
        <section className="mx-auto max-w-6xl px-4 pb-12 pt-10 text-center sm:px-6 sm:pt-16">
          <h1 className="mx-auto max-w-3xl text-4xl font-extrabold tracking-tight text-slate-900 sm:text-5xl">
            Your self-hosted <span className="text-brand-600">AI data analyst</span>
          </h1>
          <p className="mx-auto mt-4 max-w-2xl text-lg text-slate-600">
            Upload a spreadsheet, ask a question in plain English, and get the answer — the number or table, the SQL
            behind it and a fitting chart.
          </p>
          <div className="mt-8 flex flex-col items-center justify-center gap-3 sm:flex-row">
            <Link to="/register" className="btn-primary px-6 py-3 text-base">
              Create a free account
            </Link>
            <Link to="/login" className="btn-secondary px-6 py-3 text-base">
              Log in
            </Link>
          </div>
          <div className="mx-auto mt-8 max-w-xl rounded-xl border border-brand-200 bg-brand-50 px-4 py-3 text-sm text-brand-900">
            <strong>Try the demo:</strong> log in as <code className="font-mono">{DEMO_EMAIL}</code> /{' '}
            <code className="font-mono">{DEMO_PASSWORD}</code> to explore sample sales, weather and penguin data.{' '}
            <Link to={`/login?demo=1`} className="link">
              Use demo account
            </Link>
          </div>
        </section>

        <section aria-labelledby="features" className="mx-auto max-w-6xl px-4 pb-16 sm:px-6">
          <h2 id="features" className="sr-only">
            Features
          </h2>
          <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {features.map(({ icon: Icon, title, text }) => (
              <li key={title} className="card">
                <Icon className="text-brand-600" aria-hidden />
                <h3 className="mt-3 font-semibold">{title}</h3>
                <p className="mt-1 text-sm text-slate-600">{text}</p>
              </li>
            ))}
          </ul>
        </section>
      </main>
      <footer className="border-t border-slate-200 py-6 text-center text-xs text-slate-500">
        InsightIQ — open, self-hosted analytics. API docs at <a className="link" href="/docs">/docs</a>.
      </footer>
    </div>
  );
}
