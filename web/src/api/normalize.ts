import type { Cell, Page } from './types';

/** Accept a page object or a bare array (be lenient in what we read). */
export function asPage<T>(data: Page<T> | T[] | { items?: T[] } | null | undefined, page = 1, page_size = 20): Page<T> {
  if (Array.isArray(data)) return { items: data, total: data.length, page, page_size };
  const items = data?.items ?? [];
  const p = data as Partial<Page<T>> | undefined;
  return { items, total: p?.total ?? items.length, page: p?.page ?? page, page_size: p?.page_size ?? page_size };
}

export function asList<T>(data: T[] | { items?: T[] } | null | undefined): T[] {
  return Array.isArray(data) ? data : (data?.items ?? []);
}

/** A result row may be an array (the contract) or an object keyed by column name. */
export function cellAt(row: Cell[] | Record<string, Cell>, index: number, name: string): Cell {
  return Array.isArray(row) ? (row[index] ?? null) : (row?.[name] ?? null);
}
