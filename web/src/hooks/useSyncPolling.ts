import { useEffect, useRef, useState } from 'react';
import { getDataSource } from '../api/dataSources';
import type { DataSource } from '../api/types';

/** How often a syncing source is asked for its status. */
export const SYNC_POLL_MS = 1000;

/**
 * While any of `sources` is `syncing`, fetch it again every `intervalMs` and hand the
 * fresh copy to `onUpdate`, until its status is something else (`connected`, `error`).
 * A failed poll is retried at the next tick.
 */
export function useSyncPolling(sources: DataSource[], onUpdate: (ds: DataSource) => void, intervalMs = SYNC_POLL_MS) {
  const syncing = sources
    .filter((s) => s.status === 'syncing')
    .map((s) => s.id)
    .join(',');
  const [tick, setTick] = useState(0);
  const onUpdateRef = useRef(onUpdate);
  onUpdateRef.current = onUpdate;

  useEffect(() => {
    if (!syncing) return;
    let live = true;
    const timer = setTimeout(async () => {
      await Promise.all(
        syncing.split(',').map((id) =>
          getDataSource(id)
            .then((d) => {
              if (live) onUpdateRef.current(d);
            })
            .catch(() => {}),
        ),
      );
      if (live) setTick((t) => t + 1);
    }, intervalMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [syncing, tick, intervalMs]);
}
