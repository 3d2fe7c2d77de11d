// Types for demo/serve.mjs (imported by test/demo/demo.e2e.test.ts).
import type { Server } from 'node:http';

export declare const defaultRoot: string;
export declare const CONTENT_TYPES: Record<string, string>;

export interface DemoServer {
  /** e.g. http://127.0.0.1:41234/ */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Serve `root` (default demo/dist) on `host` (default 127.0.0.1) and `port` (default 0: any free port). */
export declare function startServer(options?: { port?: number; host?: string; root?: string }): Promise<DemoServer>;
