// A real HTTP server on 127.0.0.1 that serves one buffer with Range support, and misbehaves on
// demand: drops connections after a chosen number of bytes, ignores Range, answers an error status,
// sends slowly.
import * as http from 'http';
import { AddressInfo } from 'net';

export interface ServedRequest {
  /** The first byte asked for (0 without a Range header). */
  start: number;
  status: number;
  /** Body bytes the server handed to the kernel on this connection. */
  sent: number;
  dropped: boolean;
}

export interface ServerBehaviour {
  /** Bytes to send before cutting this connection, or undefined for the whole answer. */
  dropAfter?: (request: ServedRequest, index: number) => number | undefined;
  /** Answer 200 with the whole body, whatever the Range header says. */
  ignoreRange?: boolean;
  /** Answer this status (no body) instead, for request `index`. */
  statusFor?: (index: number) => number | undefined;
  etag?: string;
  lastModified?: string;
  /** Wait this long between 16 KiB pieces of a body (a slow link, so a client can be stopped mid-transfer). */
  pieceDelayMs?: number;
}

export interface RangeServer {
  readonly url: string;
  readonly requests: ServedRequest[];
  data: Buffer;
  behaviour: ServerBehaviour;
  close(): Promise<void>;
}

const PIECE = 16 * 1024;

export async function startRangeServer(data: Buffer, behaviour: ServerBehaviour = {}): Promise<RangeServer> {
  const requests: ServedRequest[] = [];
  const state = { data, behaviour };
  const server = http.createServer((req, res) => {
    const index = requests.length;
    const { data: body, behaviour: b } = state;
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const entry: ServedRequest = {
      start: match && !b.ignoreRange ? Number(match[1]) : 0,
      status: 200,
      sent: 0,
      dropped: false,
    };
    requests.push(entry);
    const headers: http.OutgoingHttpHeaders = { 'accept-ranges': b.ignoreRange ? 'none' : 'bytes' };
    if (b.etag) headers.etag = b.etag;
    if (b.lastModified) headers['last-modified'] = b.lastModified;
    const forced = b.statusFor?.(index);
    if (forced !== undefined) {
      entry.status = forced;
      res.writeHead(forced, headers).end();
      return;
    }
    let last = body.length - 1;
    if (match && !b.ignoreRange) {
      if (entry.start >= body.length) {
        entry.status = 416;
        res.writeHead(416, { ...headers, 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      if (match[2] !== '') last = Math.min(last, Number(match[2]));
      entry.status = 206;
      headers['content-range'] = `bytes ${entry.start}-${last}/${body.length}`;
    }
    headers['content-length'] = last - entry.start + 1;
    res.writeHead(entry.status, headers);
    const cut = b.dropAfter?.(entry, index);
    const stop = cut === undefined ? last + 1 : Math.min(last + 1, entry.start + cut);
    let position = entry.start;
    if (cut !== undefined && stop === entry.start) {
      entry.dropped = true;
      res.socket?.destroy();
      return;
    }
    const delay = b.pieceDelayMs;
    const pump = () => {
      while (position < stop) {
        if (res.destroyed) return; // the client went away
        const piece = body.subarray(position, Math.min(stop, position + PIECE));
        position += piece.length;
        const flushed = res.write(piece, () => {
          entry.sent += piece.length;
          if (cut !== undefined && entry.sent === stop - entry.start) {
            entry.dropped = true;
            res.socket?.destroy();
          }
        });
        const later = delay === undefined ? pump : () => setTimeout(pump, delay);
        if (!flushed) return void res.once('drain', later);
        if (delay !== undefined && position < stop) return void later();
      }
      if (cut === undefined) res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/data.lz4`,
    requests,
    get data() {
      return state.data;
    },
    set data(value: Buffer) {
      state.data = value;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value: ServerBehaviour) {
      state.behaviour = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
