/** Call `reload` every `ms` while the page is shown (state that changes on the server: sink lag, rule runs). */
import { useEffect } from 'react';

export function usePolling(reload: () => void, ms: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, ms);
    return () => clearInterval(timer);
  }, [reload, ms, enabled]);
}
