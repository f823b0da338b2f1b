import { request } from './api';

// Server-sent events read with fetch rather than EventSource, which cannot send the bearer
// token in a header (a token in the URL would end up in logs).

/**
 * Calls onData with the data of each `event` the hub streams from `path`, until the hub ends
 * the stream or `signal` aborts. A refused request throws an ApiError, as getJson does.
 */
export async function followEvents(
  path: string,
  token: string,
  event: string,
  onData: (data: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await request(path, token, { signal, headers: { accept: 'text/event-stream' } });
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // Events end with a blank line; comment lines (": …") are heartbeats.
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const parsed = parseEvent(block);
      if (parsed?.name === event) onData(parsed.data);
    }
  }
}

function parseEvent(block: string): { name: string; data: string } | undefined {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length > 0 ? { name, data: data.join('\n') } : undefined;
}
