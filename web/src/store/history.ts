import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export interface HistoryEntry {
  key: string;
  queryId?: string;
  question: string;
  dataSourceId: string;
  kind: 'natural_language' | 'sql';
  status: 'answered' | 'clarification' | 'error';
  at: number;
}

interface HistoryState {
  entries: HistoryEntry[];
  add: (e: Omit<HistoryEntry, 'key' | 'at'>) => void;
  clear: () => void;
}

/** This browser tab's questions (sessionStorage: gone when the tab closes; holds no secrets). */
export const useSessionHistory = create<HistoryState>()(
  persist(
    (set) => ({
      entries: [],
      add: (e) =>
        set((s) => ({
          entries: [{ ...e, key: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, at: Date.now() }, ...s.entries].slice(0, 50),
        })),
      clear: () => set({ entries: [] }),
    }),
    { name: 'insightiq.session-history', storage: createJSONStorage(() => sessionStorage) },
  ),
);
