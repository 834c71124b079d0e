export function Avatar({ name, url, size = 36 }: { name?: string; url?: string | null; size?: number }) {
  const initials =
    (name || '?')
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((p) => p[0]!.toUpperCase())
      .join('') || '?';
  if (url) {
    return <img src={url} alt="" width={size} height={size} className="shrink-0 rounded-full object-cover" style={{ width: size, height: size }} />;
  }
  return (
    <span
      aria-hidden
      className="grid shrink-0 place-items-center rounded-full bg-brand-100 text-sm font-semibold text-brand-800"
      style={{ width: size, height: size }}
    >
      {initials}
    </span>
  );
}
