/**
 * A video element playing an HLS playlist of this server (/streams/…). hls.js is loaded only when a
 * player is shown (its own chunk); Safari plays HLS natively. The key goes as `?access_token=`
 * (a video element cannot send headers). `data-state` says loading / playing / error (tests read it).
 */
import { useEffect, useRef, useState } from 'react';
import { withAccessToken } from '../lib/auth.ts';

export function HlsPlayer({ playlistUrl, label }: { playlistUrl: string; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<'loading' | 'playing' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const src = withAccessToken(playlistUrl);
    let destroy = () => {};
    let cancelled = false;
    const onPlaying = () => setState('playing');
    v.addEventListener('playing', onPlaying);
    const fail = (message: string) => {
      setState('error');
      setError(message);
    };
    if (v.canPlayType('application/vnd.apple.mpegurl')) {
      v.src = src;
      v.play().catch(() => {});
    } else {
      import('hls.js').then(
        ({ default: Hls }) => {
          if (cancelled) return;
          if (!Hls.isSupported()) return fail('This browser cannot play HLS.');
          const hls = new Hls({ liveDurationInfinity: true });
          hls.on(Hls.Events.ERROR, (_e, data) => {
            if (data.fatal) fail(`Playback failed: ${data.details}`);
          });
          hls.loadSource(src);
          hls.attachMedia(v);
          hls.on(Hls.Events.MANIFEST_PARSED, () => {
            v.play().catch(() => {});
          });
          destroy = () => hls.destroy();
        },
        () => fail('The player could not be loaded.'),
      );
    }
    return () => {
      cancelled = true;
      v.removeEventListener('playing', onPlaying);
      destroy();
    };
  }, [playlistUrl]);

  return (
    <figure className="player">
      <video ref={video} muted playsInline controls data-state={state} aria-label={label} />
      <figcaption>
        {state === 'loading' && 'Loading video…'}
        {state === 'playing' && 'Playing'}
        {state === 'error' && <span role="alert">{error}</span>}
      </figcaption>
    </figure>
  );
}
