import { request } from '../api';
import type { JobSummary } from '../api-types';

// Server-sent events read with fetch rather than EventSource, which cannot send the bearer
// token in a header (a token in the URL would end up in logs).

/** Calls onSummary with each summary the hub streams until the job ends or `signal` aborts. */
export async function followJob(
  jobId: string,
  token: string,
  onSummary: (summary: JobSummary) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await request(`/v1/jobs/${encodeURIComponent(jobId)}/events`, token, {
    signal,
    headers: { accept: 'text/event-stream' },
  });
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
      const event = parseEvent(block);
      if (event?.name === 'summary') onSummary(JSON.parse(event.data) as JobSummary);
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
